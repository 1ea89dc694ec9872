/**
 * The scenario check: every problem of the scenario as a whole at once, and `validate` and
 * `solve` agreeing on them (validate used to pass scenarios a solve then rejected).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { formatIssue } from '../src/errors.js';
import { scenarioIssues } from '../src/model/check.js';
import { jslpBackend } from '../src/solver/jslp.js';
import { networkBackend } from '../src/solver/network-backend.js';
import { apps, scenario, SHENZHEN, type AppSpec } from './helpers/build.js';
import { baseScenario, fixture, removeFixtures, run } from './helpers/cli-fixtures.js';

afterAll(removeFixtures);

const p10 = (id: string, ent: number, more: Partial<AppSpec> = {}): AppSpec => ({ id, measure: 'P10-APPLICATION', base: 10_000_000, requested: ent, ...more });

describe('scenarioIssues', () => {
  it('lists every rule a proportional objective does not combine with, at once', () => {
    const list = apps([p10('A', 1_000_000), p10('B', 1_000_000)]);
    const s = scenario({ budget: 4_000_000, objective: 'proportional', allOrNothing: true, measureBudgets: { 'P10-APPLICATION': { min: 1_000_000, maxCount: 1 } } });
    expect(scenarioIssues(list, SHENZHEN, s).map(formatIssue)).toEqual([
      'scenario:scenario.measureBudgets.P10-APPLICATION.min: expected no scenario.measureBudgets.P10-APPLICATION.min with objective "proportional" (not supported together yet), found a floor ¥1,000,000',
      'scenario:allOrNothing: expected no allOrNothing with objective "proportional" (not supported together yet), found true',
      'scenario:measureBudgets.P10-APPLICATION.minCount/maxCount: expected no measureBudgets.P10-APPLICATION.minCount/maxCount with objective "proportional" (not supported together yet), found a count quota',
    ]);
  });

  it('integer rules with a backend that does not solve integer columns; decisions alone need none', () => {
    const list = apps([p10('A', 1_000_000), p10('B', 1_000_000)]);
    const aon = scenario({ budget: 1_000_000, allOrNothing: true });
    expect(scenarioIssues(list, SHENZHEN, aon, { solver: jslpBackend }).map((i) => [i.row, i.found])).toEqual([['solver', 'javascript-lp-solver']]);
    expect(scenarioIssues(list, SHENZHEN, aon)).toEqual([]);
    const decided = list.map((a) => (a.projectId === 'B' ? { ...a, decision: 'exclude' as const } : a));
    expect(scenarioIssues(decided, SHENZHEN, scenario({ budget: 1_000_000 }), { solver: networkBackend })).toEqual([]);
    // A floor may need whole-unit integer grants after rounding: then a backend that solves them.
    const floor = scenario({ budget: 1_000_000, measureBudgets: { 'P10-APPLICATION': { min: 500_000 } } });
    expect(scenarioIssues(decided, SHENZHEN, floor, { solver: networkBackend })).toHaveLength(1);
  });

  it('a granularity too fine for the amounts, and locked grants above what the policy allows, naming row and project', () => {
    const list = apps([p10('A', 1_000_000), p10('B', 1_000_000)]);
    const fine = scenario({ budget: '100000000000000', granularity: '0.01' });
    expect(scenarioIssues(list, SHENZHEN, fine).map(formatIssue)).toEqual(['scenario:granularity: expected a granularity coarse enough for amounts up to 100000000000000, found 0.01']);
    const locked = new Map([['B', new D(1_500_000)]]);
    const issues = scenarioIssues(list, SHENZHEN, scenario({ budget: 5_000_000 }), { locked, lockedFrom: new Map([['B', { file: 'old/allocations.csv', row: 7 }]]) });
    expect(issues.map(formatIssue)).toEqual(['old/allocations.csv:7:grant: expected at most what the policy allows B, ¥1,000,000 (requested), found ¥1,500,000']);
  });
});

describe('validate and solve agree', () => {
  it('a proportional scenario with a measure floor: validate reports the error solve stops on, in the same words, exit 1 both', async () => {
    const f = fixture({ scenario: { ...baseScenario(), objective: 'proportional', measureBudgets: { 'P10-APPLICATION': { min: '1000000' } } } });
    const validated = await run(['validate', f.scenario]);
    const solved = await run(['solve', f.scenario, '--out', f.out]);
    expect(validated.code).toBe(1);
    expect(solved.code).toBe(1);
    const issue = /scenario:scenario\.measureBudgets\.P10-APPLICATION\.min: expected no .* \(not supported together yet\), found a floor ¥1,000,000/;
    expect(validated.stderr).toMatch(issue);
    expect(solved.stderr).toMatch(issue);
  });
});
