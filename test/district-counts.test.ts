/**
 * District counts (districtBudgets.<district>.minCount / maxCount: 各区推荐项目数): how many of a
 * district's applications are funded (grant > 0), with what an earlier batch funded counted.
 * Hand-worked cases where the ceiling binds and the floor forces a low scorer in, the infeasible
 * variants with the rules they name, and the verifier catching a broken count.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { allocate, type Allocation } from '../src/model/allocate.js';
import type { Application } from '../src/model/application.js';
import { checkScenario } from '../src/model/check.js';
import type { Scenario } from '../src/model/scenario.js';
import { createHighsBackend } from '../src/solver/highs.js';
import { jslpBackend } from '../src/solver/jslp.js';
import type { Backend } from '../src/solver/types.js';
import { EXIT, InfeasibleError, InputError, infeasibleError, solve, verifyAllocation, type Outcome } from '../src/index.js';
import { mulberry32 } from '../scripts/synthetic.js';
import { runCompare } from '../src/commands/compare.js';
import { apps, bindings, grants, ruleNoteText, scenario, SHENZHEN, type AppSpec } from './helpers/build.js';
import { POLICY, baseScenario, creditCode, csv, fixture, removeFixtures, run } from './helpers/cli-fixtures.js';

let highs: Backend;
beforeAll(async () => {
  highs = await createHighsBackend();
});
afterAll(removeFixtures);

/** A P10 application entitled to exactly `ent` yuan (its request) in `district`. */
const p10 = (id: string, district: string, ent: number, score: number, more: Partial<AppSpec> = {}): AppSpec => ({ id, measure: 'P10-APPLICATION', base: 10_000_000, requested: ent, score, district, ...more });

// 南山区: N1 90, N2 85, N3 80; 福田区: F1 60, F2 55; each entitled to ¥1m.
const FIVE = () => apps([p10('N1', '南山区', 1_000_000, 90), p10('N2', '南山区', 1_000_000, 85), p10('N3', '南山区', 1_000_000, 80), p10('F1', '福田区', 1_000_000, 60), p10('F2', '福田区', 1_000_000, 55)]);

const lockOf = (ids: Record<string, number>) => new Map(Object.entries(ids).map(([id, v]) => [id, new D(v)]));

/** Allocate on HiGHS; the verifier (with the locked projects) must find nothing. */
function solveHighs(list: Application[], s: Scenario, locked: Record<string, number> = {}): Allocation {
  const lock = lockOf(locked);
  const a = allocate(list, SHENZHEN, s, highs, { locked: lock });
  expect(verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant), new Set(lock.keys())).violations).toEqual([]);
  return a;
}

function conflictsOf(f: () => unknown): { ids: string[]; text: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof InfeasibleError) return { ids: e.conflicts.map((c) => c.limit).sort(), text: `${e.message}\n${e.conflicts.map((c) => `${c.limit}: ${c.description}`).join('\n')}` };
    throw e;
  }
  throw new Error('expected an infeasible scenario');
}

const line = (a: Allocation, id: string) => a.lines.findIndex((l) => l.app.projectId === id);

describe('maxCount: at most this many of the district funded', () => {
  it('南山区 maxCount 2 with money for all: N3, its lowest priority, is left out with the district count as the reason', () => {
    const s = scenario({ budget: 100_000_000, districtBudgets: { 南山区: { maxCount: 2 } } });
    const a = solveHighs(FIVE(), s);
    expect(grants(a)).toEqual({ N1: '1000000.00', N2: '1000000.00', N3: '0.00', F1: '1000000.00', F2: '1000000.00' });
    expect(bindings(a).N3).toBe('district_count');
    expect(a.lines[line(a, 'N3')]!.ruleNote).toEqual({ kind: 'district_count', district: '南山区', maxCount: 2 });
    expect(ruleNoteText(a, line(a, 'N3'), s)).toBe('南山区 资助项目数已达该区上限 2 项');
    expect(ruleNoteText(a, line(a, 'N3'), s, 'en')).toBe('南山区 already has its maximum of 2 applications funded');
    // Another district is not counted: 福田区 has no count rule.
    expect(bindings(a).F2).toBe('requested');
  });

  it('the money a left-out application would have had goes elsewhere, and a count that does not bind changes nothing', () => {
    const s = scenario({ budget: 3_000_000, districtBudgets: { 南山区: { maxCount: 1 } } });
    const a = solveHighs(FIVE(), s);
    expect(grants(a)).toEqual({ N1: '1000000.00', N2: '0.00', N3: '0.00', F1: '1000000.00', F2: '1000000.00' });
    expect(bindings(a)).toMatchObject({ N2: 'district_count', N3: 'district_count' });
    const loose = solveHighs(FIVE(), scenario({ budget: 3_000_000, districtBudgets: { 南山区: { maxCount: 3 } } }));
    expect(grants(loose)).toEqual({ N1: '1000000.00', N2: '1000000.00', N3: '1000000.00', F1: '0.00', F2: '0.00' });
    expect(bindings(loose).F1).toBe('total_budget');
  });

  it('a measure quota and a district count together: each application is held by the rule that is full', () => {
    const s = scenario({ budget: 100_000_000, districtBudgets: { 南山区: { maxCount: 1 } }, measureBudgets: { 'P10-APPLICATION': { maxCount: 2 } } });
    const a = solveHighs(FIVE(), s);
    // N1 (南山区's one) and F1: the quota of two is full, 南山区's count too.
    expect(grants(a)).toEqual({ N1: '1000000.00', N2: '0.00', N3: '0.00', F1: '1000000.00', F2: '0.00' });
    expect(bindings(a)).toMatchObject({ N2: 'quota', N3: 'quota', F2: 'quota' });
  });
});

describe('minCount: at least this many of the district funded', () => {
  it('福田区 minCount 1 with ¥2m: F1 (60) gets money although N1 and N2 score higher', () => {
    const free = solveHighs(FIVE(), scenario({ budget: 2_000_000 }));
    expect(grants(free).F1).toBe('0.00');
    // Funded means a grant above zero: F1 gets the least it can (one unit, ¥100), N2 the rest.
    const a = solveHighs(FIVE(), scenario({ budget: 2_000_000, districtBudgets: { 福田区: { minCount: 1 } } }));
    expect(grants(a)).toEqual({ N1: '1000000.00', N2: '999900.00', N3: '0.00', F1: '100.00', F2: '0.00' });
    // All or nothing: F1 takes its whole ¥1m and N2 is left out.
    const whole = solveHighs(FIVE(), scenario({ budget: 2_000_000, allOrNothing: true, districtBudgets: { 福田区: { minCount: 1 } } }));
    expect(grants(whole)).toEqual({ N1: '1000000.00', N2: '0.00', N3: '0.00', F1: '1000000.00', F2: '0.00' });
  });

  it('minCount 2 of 福田区 with all or nothing and ¥2m: both low scorers, no 南山区 application', () => {
    const a = solveHighs(FIVE(), scenario({ budget: 2_000_000, allOrNothing: true, districtBudgets: { 福田区: { minCount: 2 } } }));
    expect(grants(a)).toEqual({ N1: '0.00', N2: '0.00', N3: '0.00', F1: '1000000.00', F2: '1000000.00' });
  });
});

describe('grants locked by an earlier batch count in the district', () => {
  it('maxCount 2 with N3 funded earlier: one more of 南山区, the best (N1)', () => {
    const a = solveHighs(FIVE(), scenario({ budget: 100_000_000, districtBudgets: { 南山区: { maxCount: 2 } } }), { N3: 500_000 });
    expect(grants(a)).toEqual({ N1: '1000000.00', N2: '0.00', N3: '500000.00', F1: '1000000.00', F2: '1000000.00' });
    expect(bindings(a)).toMatchObject({ N2: 'district_count', N3: 'locked' });
  });

  it('minCount 2 of 福田区 with F2 funded earlier: one more is enough', () => {
    // ¥2.5m, ¥0.5m of it locked to F2: with all or nothing, F1 and N1 take the ¥2m left (without the lock it would take F1 and F2).
    const a = solveHighs(FIVE(), scenario({ budget: 2_500_000, allOrNothing: true, districtBudgets: { 福田区: { minCount: 2 } } }), { F2: 500_000 });
    expect(grants(a)).toEqual({ N1: '1000000.00', N2: '0.00', N3: '0.00', F1: '1000000.00', F2: '500000.00' });
  });

  it('a locked grant of zero funds nothing and counts for nothing', () => {
    const a = solveHighs(FIVE(), scenario({ budget: 100_000_000, districtBudgets: { 南山区: { maxCount: 2 } } }), { N3: 0 });
    expect(grants(a)).toMatchObject({ N1: '1000000.00', N2: '1000000.00', N3: '0.00' });
  });
});

describe('infeasible district counts: exit 2, naming the count', () => {
  it('minCount above the district’s applications: the count alone, and the least change', () => {
    const c = conflictsOf(() => solveHighs(FIVE(), scenario({ budget: 100_000_000, districtBudgets: { 福田区: { minCount: 3 } } })));
    expect(c.ids).toEqual(['district_minCount:福田区']);
    expect(c.text).toContain('scenario.districtBudgets.福田区.minCount: at least 3 applications funded; least change: lower it to 2 (by 1)');
  });

  it('maxCount below what an earlier batch funded: named with the projects before any solve', () => {
    const c = conflictsOf(() => solveHighs(FIVE(), scenario({ budget: 100_000_000, districtBudgets: { 南山区: { maxCount: 1 } } }), { N1: 500_000, N2: 500_000 }));
    expect(c.ids).toEqual(['district_maxCount:南山区 (scenario.districtBudgets.南山区.maxCount)']);
    expect(c.text).toContain('at most 1, but the locked grants fund 2 (N1, N2)');
  });

  it('maxCount reached by the earlier batch against a forced application: the count and the decision', () => {
    const list = FIVE().map((a) => (a.projectId === 'N3' ? { ...a, decision: 'fund' as const } : a));
    const c = conflictsOf(() => solveHighs(list, scenario({ budget: 100_000_000, districtBudgets: { 南山区: { maxCount: 1 } } }), { N1: 500_000 }));
    expect(c.ids).toEqual(['district_maxCount:南山区', 'forced:N3']);
    expect(c.text).toContain('at most 1 applications funded (1 by an earlier batch); least change: raise it to 2 (by 1)');
  });

  it('minCount with a district ceiling too small to fund that many', () => {
    // All or nothing: two of 福田区 need ¥2m, its ceiling is ¥1.5m.
    const c = conflictsOf(() => solveHighs(FIVE(), scenario({ budget: 100_000_000, allOrNothing: true, districtBudgets: { 福田区: { max: 1_500_000, minCount: 2 } } })));
    expect(c.ids).toEqual(['allOrNothing:P10-APPLICATION', 'district_max:福田区', 'district_minCount:福田区']);
    expect(c.text).toContain('district_minCount:福田区: scenario.districtBudgets.福田区.minCount: at least 2 applications funded; least change: lower it to 1 (by 1)');
    expect(c.text).toMatch(/district_max:福田区: .*least change: raise it to ¥2,000,000/);
    // Without all or nothing, a ceiling below two units (¥100 each) is too small for two grants.
    const units = conflictsOf(() => solveHighs(FIVE(), scenario({ budget: 100_000_000, districtBudgets: { 福田区: { max: 100, minCount: 2 } } })));
    expect(units.ids).toEqual(['district_max:福田区', 'district_minCount:福田区']);
  });
});

describe('against brute force: all or nothing, a budget, counts and a ceiling per district', () => {
  const DISTRICTS = ['南山区', '福田区', '宝安区'];
  it.each([1, 2, 3, 4, 5])('the optimum over every subset (seed %i, 10 applications)', (seed) => {
    const r = mulberry32(seed);
    const list = apps(Array.from({ length: 10 }, (_, i) => p10(`A${i}`, DISTRICTS[Math.floor(r() * 3)]!, 100_000 * (2 + Math.floor(r() * 20)), 60 + Math.floor(r() * 40))));
    const budget = 100_000 * (30 + Math.floor(r() * 40));
    const rules: Record<string, { minCount?: number; maxCount?: number; max?: number }> = {
      南山区: { maxCount: 1 + Math.floor(r() * 3) },
      福田区: { minCount: Math.floor(r() * 3), max: 100_000 * (10 + Math.floor(r() * 30)) },
      宝安区: { minCount: 1, maxCount: 2 },
    };
    const s = scenario({ budget, allOrNothing: true, districtBudgets: rules });
    const caps = list.map((a) => a.requested!);
    let best: D | null = null;
    for (let mask = 0; mask < 1 << list.length; mask++) {
      const n = new Map<string, number>();
      const money = new Map<string, D>();
      let total = new D(0);
      let value = new D(0);
      list.forEach((a, i) => {
        if (!(mask & (1 << i))) return;
        total = total.plus(caps[i]!);
        value = value.plus(a.score.times(caps[i]!));
        n.set(a.district, (n.get(a.district) ?? 0) + 1);
        money.set(a.district, (money.get(a.district) ?? new D(0)).plus(caps[i]!));
      });
      const ok =
        total.lte(budget) &&
        Object.entries(rules).every(([d, b]) => (n.get(d) ?? 0) >= (b.minCount ?? 0) && (n.get(d) ?? 0) <= (b.maxCount ?? Infinity) && (money.get(d) ?? new D(0)).lte(b.max ?? Infinity));
      if (ok && (best === null || value.gt(best))) best = value;
    }
    if (best === null) {
      expect(conflictsOf(() => solveHighs(list, s)).ids.some((id) => id.includes('Count:'))).toBe(true);
      return;
    }
    const a = solveHighs(list, s);
    expect(a.objective.toString()).toBe(best.toString());
  });
});

describe('the verifier counts funded applications per district on its own', () => {
  const s = scenario({ budget: 100_000_000, districtBudgets: { 南山区: { maxCount: 2 }, 福田区: { minCount: 1 } } });
  it('three of 南山区 funded and none of 福田区: both counts broken, with value, limit and excess', () => {
    const list = FIVE();
    const g = [1_000_000, 1_000_000, 100, 0, 0].map((v) => new D(v));
    const v = verifyAllocation(SHENZHEN, s, list, g);
    expect(v.violations).toEqual([
      { rule: 'scenario districtBudgets maxCount (applications funded)', subject: '南山区', limit: '2', value: '3', excess: '1' },
      { rule: 'scenario districtBudgets minCount (applications funded)', subject: '福田区', limit: '1', value: '0', excess: '1' },
    ]);
  });
  it('a grant of zero is not funded; locked grants count', () => {
    const list = FIVE();
    const ok = verifyAllocation(SHENZHEN, s, list, [1_000_000, 0, 0, 100, 0].map((v) => new D(v)));
    expect(ok.violations).toEqual([]);
    const locked = verifyAllocation(SHENZHEN, s, list, [1_000_000, 1_000_000, 500_000, 100, 0].map((v) => new D(v)), new Set(['N3']));
    expect(locked.violations.map((x) => [x.subject, x.value])).toEqual([['南山区', '3']]);
  });
});

describe('the scenario check', () => {
  it('a proportional objective does not take district counts; javascript-lp-solver cannot solve them', () => {
    const prop = scenario({ budget: 3_000_000, objective: 'proportional', districtBudgets: { 南山区: { maxCount: 1 } } });
    expect(() => checkScenario(FIVE(), SHENZHEN, prop)).toThrow(InputError);
    expect(() => checkScenario(FIVE(), SHENZHEN, prop)).toThrow(/districtBudgets\.南山区\.minCount\/maxCount.*found a district count/);
    const s = scenario({ budget: 3_000_000, districtBudgets: { 南山区: { maxCount: 1 } } });
    expect(() => checkScenario(FIVE(), SHENZHEN, s, { solver: jslpBackend })).toThrow(/HiGHS for the integer rules.*district counts/);
  });
});

describe('through the library and the CLI', () => {
  // The applications file's rows: P10, entitled to what they request.
  const row = (id: string, district: string, score: number) => ({
    project_id: id,
    project_name: `项目${id}`,
    company_id: creditCode(`91440300MA5ABC${id}0`),
    company_name: `企业${id}`,
    district,
    measure: 'P10-APPLICATION',
    year: '2019',
    total_investment: '100000000',
    eligible_base: '',
    requested: '1000000',
    upper_funding: '',
    score: String(score),
  });
  const ROWS = [row('N1', '南山区', 90), row('N2', '南山区', 85), row('N3', '南山区', 80), row('F1', '福田区', 60)];
  const base = { name: '区数量', policy: POLICY, year: 2019, budget: 100_000_000 };

  it('solve: the note of the left-out application, the scenario fields and the HiGHS choice', async () => {
    const o: Outcome = await solve({ scenario: { ...base, districtBudgets: { 南山区: { max: '500万', maxCount: 2 } } }, applications: ROWS }, { timings: false });
    if (o.status === 'infeasible') throw new Error(o.message);
    const n3 = o.allocations.find((r) => r.project_id === 'N3')!;
    expect(n3.grant).toBe('0.00');
    expect(n3.binding).toBe('district_count');
    expect(n3.note).toContain('南山区 资助项目数已达该区上限 2 项');
    expect(o.summary.scenario.fields.districtBudgets).toBe('南山区 max 5000000.00 maxCount 2');
    expect(o.summary.solver.reason).toMatch(/integer model → highs/i);
    expect(o.summary.verification.violations).toBe(0);
  });

  it('the CLI: the workbook’s 参数 lists the district counts and the measure quotas; report.html and allocations.csv give the reason', async () => {
    const scenarioJson = { ...base, districtBudgets: { 南山区: { maxCount: 2 } }, measureBudgets: { 'P10-APPLICATION': { maxCount: 4 } } };
    const f = fixture({ scenario: { ...baseScenario(), ...scenarioJson, applications: 'applications.csv', policy: POLICY }, applications: csv(ROWS.map((r) => Object.values(r)), Object.keys(ROWS[0]!)) });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(EXIT.ok);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(f.out, 'allocations.xlsx'));
    const params = new Map<string, string>();
    wb.getWorksheet('参数')!.eachRow((row) => params.set(String(row.getCell(1).value), String(row.getCell(2).value)));
    expect(params.get('区预算（元）与资助项目数')).toBe('南山区 maxCount 2');
    expect(params.get('各类别的资助规则与项目数')).toBe('P10-APPLICATION maxCount 4');
    expect(readFileSync(join(f.out, 'report.html'), 'utf8')).toContain('南山区 资助项目数已达该区上限 2 项');
    expect(readFileSync(join(f.out, 'allocations.csv'), 'utf8')).toMatch(/N3,.*district_count/);
  });

  it('compare: a district count is the setting that differs, and the project it leaves out is traced to it', async () => {
    const f = fixture({ scenario: { ...baseScenario(), ...base, districtBudgets: { 南山区: { maxCount: 3 } }, applications: 'applications.csv', policy: POLICY }, applications: csv(ROWS.map((r) => Object.values(r)), Object.keys(ROWS[0]!)) });
    const two = join(f.dir, 'two.json');
    writeFileSync(two, JSON.stringify({ extends: 'scenario.json', name: '两项', districtBudgets: { 南山区: { maxCount: 2 } } }));
    const out = await runCompare({ inputs: [f.scenario, two], out: join(f.dir, 'cmp') });
    expect(out.fieldDiffs[0]).toEqual([{ field: 'districtBudgets', from: '南山区 maxCount 3', to: '南山区 maxCount 2' }]);
    expect(out.changes[0]!.map((c) => [c.projectId, c.kind])).toEqual([['N3', 'leaves']]);
    expect(readFileSync(join(f.dir, 'cmp', 'compare.html'), 'utf8')).toContain('<b>区预算与资助项目数</b>（districtBudgets）：南山区 maxCount 3 → 南山区 maxCount 2');
  });

  it('solve: an infeasible count is an outcome with its conflicts, and the CLI exits 2 naming it', async () => {
    const scenarioJson = { ...base, districtBudgets: { 福田区: { minCount: 2 } } };
    const o = await solve({ scenario: scenarioJson, applications: ROWS }, { timings: false });
    expect(o.status).toBe('infeasible');
    if (o.status !== 'infeasible') return;
    expect(o.conflicts.map((c) => c.limit)).toEqual(['district_minCount:福田区']);
    expect(infeasibleError(o).message).toMatch(/these rules conflict/);
    const f = fixture({ scenario: { ...baseScenario(), ...scenarioJson, applications: 'applications.csv', policy: POLICY }, applications: csv(ROWS.map((r) => Object.values(r)), Object.keys(ROWS[0]!)) });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(EXIT.infeasible);
    expect(r.stderr).toContain('district_minCount:福田区');
    expect(r.stderr).toContain('at least 2 applications funded; least change: lower it to 1 (by 1)');
  });
});
