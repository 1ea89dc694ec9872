/**
 * The safety net around a solve, and mistakes people make that must come back as input errors
 * or plain words: policy numbers written as a scenario's are, warnings that `solve` prints as
 * `validate` does, `--strict`, and regression cases of wording that was wrong.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, formatIssue } from '../src/errors.js';
import { parsePolicy } from '../src/model/policy.js';
import { POLICY, baseScenario, fixture, outputFiles, removeFixtures, run } from './helpers/cli-fixtures.js';

afterAll(removeFixtures);

const SHENZHEN_JSON = JSON.parse(readFileSync(POLICY, 'utf8')) as { measures: { id: string; rules: Record<string, unknown>[] }[] };

/** The bundled policy with one rule of one measure changed. */
function policyWith(measureId: string, type: string, change: Record<string, unknown>) {
  const p = structuredClone(SHENZHEN_JSON);
  const m = p.measures.find((x) => x.id === measureId)!;
  const rule = m.rules.find((r) => r.type === type)!;
  Object.assign(rule, change);
  return p;
}

function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe('policy numbers are written as scenario amounts are', () => {
  const rateOf = (json: unknown) => parsePolicy(json, 'p.json').measures.find((m) => m.id === 'P10-APPLICATION')!.rules.find((r) => r.type === 'rate');
  const capOf = (json: unknown) => parsePolicy(json, 'p.json').measures.find((m) => m.id === 'P10-APPLICATION')!.rules.find((r) => r.type === 'projectCap');

  it('a rate as "30%", "0.3" or 0.3; an amount as "300万", "0.03亿", "3,000,000" or 3000000: all the same rule', () => {
    for (const rate of ['30%', '30％', '0.3', 0.3]) expect(rateOf(policyWith('P10-APPLICATION', 'rate', { rate }))).toEqual({ type: 'rate', rate: '0.3' });
    for (const amount of ['300万', '0.03亿', '3,000,000', 3000000, '3000000']) {
      expect(capOf(policyWith('P10-APPLICATION', 'projectCap', { amount }))).toEqual({ type: 'projectCap', amount: '3000000' });
    }
    const m = policyWith('P07-INTRANET', 'rate', {});
    const matching = { type: 'matching', ratio: '100%', totalShare: '50%', fallbackCap: '500万' };
    m.measures.find((x) => x.id === 'P10-APPLICATION')!.rules = [{ type: 'rate', rate: '0.3' }, matching];
    expect(parsePolicy(m, 'p.json').measures.find((x) => x.id === 'P10-APPLICATION')!.rules[1]).toEqual({ type: 'matching', ratio: '1', totalShare: '0.5', fallbackCap: '5000000' });
  });

  it('anything else is an input issue naming the file, the JSON path and what was expected — never an exception', () => {
    const p = policyWith('P10-APPLICATION', 'rate', { rate: '三成' });
    const i = p.measures.findIndex((x) => x.id === 'P10-APPLICATION');
    const j = p.measures[i]!.rules.findIndex((r) => r.type === 'projectCap');
    p.measures[i]!.rules[j]!.amount = '五百万';
    expect(issuesOf(() => parsePolicy(p, 'p.json'))).toEqual([
      `p.json:measures[${i}].rules[0].rate: expected a rate in (0, 1] such as "0.3", 0.3 or "30%", found "三成"`,
      `p.json:measures[${i}].rules[${j}].amount: expected an amount in yuan such as 3000000, "3,000,000", "300万" or "0.03亿", found "五百万"`,
    ]);
    expect(issuesOf(() => parsePolicy(policyWith('P10-APPLICATION', 'rate', { rate: '30' }), 'p.json'))).toEqual([
      `p.json:measures[${i}].rules[0].rate: expected a rate in (0, 1] such as "0.3", 0.3 or "30%" (for 30 percent write "30%"), found "30"`,
    ]);
    expect(issuesOf(() => parsePolicy(policyWith('P10-APPLICATION', 'projectCap', { amount: '3000000.005' }), 'p.json'))).toEqual([
      `p.json:measures[${i}].rules[${j}].amount: expected an amount in whole fen (at most 2 decimals in yuan): an amount in yuan such as 3000000, "3,000,000", "300万" or "0.03亿", found "3000000.005"`,
    ]);
  });

  it('solve with "30%" and "500万" in the policy solves; a wrong one is exit 1 with its path, no stack trace', async () => {
    const f = fixture();
    const good = join(f.dir, 'good-policy.json');
    const p = policyWith('P10-APPLICATION', 'rate', { rate: '30%' });
    p.measures.find((x) => x.id === 'P10-APPLICATION')!.rules.find((r) => r.type === 'projectCap')!.amount = '300万';
    writeFileSync(good, JSON.stringify(p));
    writeFileSync(f.scenario, JSON.stringify({ ...baseScenario(), policy: good }));
    const ok = await run(['solve', f.scenario, '--out', f.out]);
    expect(ok.code).toBe(0);

    const bad = join(f.dir, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify(policyWith('P10-APPLICATION', 'rate', { rate: '30 percent' })));
    writeFileSync(f.scenario, JSON.stringify({ ...baseScenario(), policy: bad }));
    const out = join(f.dir, 'out-bad');
    const r = await run(['solve', f.scenario, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f.shown(bad)}:measures[`);
    expect(r.stderr).toContain('.rate: expected a rate in (0, 1]');
    expect(r.stderr).not.toMatch(/DecimalError|internal error|\n\s+at /);
    expect(outputFiles(out)).toEqual([]);
  });
});
