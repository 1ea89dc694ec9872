/**
 * Exit 3: the verifier catches a broken rule. `entitlementOf` is made to over-promise for one
 * project (twice its rate × base), so the LP hands out money the policy does not allow; the
 * independent verifier must refuse the allocation and nothing may be written.
 * In its own file because `vi.mock` applies to the whole module graph of the file.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Application } from '../src/model/application.js';
import type { Measure } from '../src/model/policy.js';
import { ROWS, baseScenario, creditCode, csv, fixture, outputFiles, removeFixtures, run } from './helpers/cli-fixtures.js';
import { outputFilesOf } from '../src/commands/solve.js';
import { OFFLOAD_MIN_ROWS } from '../src/report/offload.js';

/** The files a solve of a one-year scenario writes. */
const OUTPUT_FILES = outputFilesOf({});

afterAll(removeFixtures);

const INFLATED = 'SZ-BAD';

vi.mock('../src/model/entitlement.js', async () => {
  const actual = await vi.importActual<typeof import('../src/model/entitlement.js')>('../src/model/entitlement.js');
  return {
    ...actual,
    entitlementOf: (app: Application, m: Measure) => {
      const e = actual.entitlementOf(app, m);
      return app.projectId === INFLATED ? { ...e, amount: e.amount.times(2) } : e;
    },
  };
});

describe('internal error: exit 3', () => {
  it('the verifier names the broken rule and the project; nothing is written', async () => {
    // SZ-BAD: P10-APPLICATION, total investment 100万 → rate ceiling 0.3 × 1,000,000 = 300,000 (cap 3,000,000).
    // The mocked entitlement says 600,000, and the budget is ample, so the LP grants 600,000.
    const rows = [...ROWS, ['SZ-BAD', '被夸大的项目', creditCode('91440300MA5ABCDE7'), '深圳市庚有限公司', '南山区', '工业互联网应用项目', '2019', '100', '', '', '', '95']];
    const f = fixture({ scenario: { ...baseScenario(), budget: '1亿' }, applications: csv(rows) });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^内部错误 \/ internal error \(a bug in fundplan, please report it\): /);
    expect(r.stderr).toContain('the verifier found 1 broken rule(s) in the allocation; nothing was written');
    expect(r.stderr).toContain('P10-APPLICATION（十） rate 0.3 · SZ-BAD: limit 300000, value 600000, off by 300000');
    expect(outputFiles(f.out)).toEqual([]);
  });

  it('a big batch, its rows made before the verifier runs: nothing is written either', async () => {
    // allocations.csv's rows are made (and, from the built CLI, sent to worker threads) before the verifier runs; its refusal must still leave the folder empty.
    const many = Array.from({ length: OFFLOAD_MIN_ROWS }, (_, i) => {
      const n = String(i).padStart(5, '0');
      return [`SZ-M${n}`, `项目${n}`, creditCode(`91440300MA5${n}Q`), `深圳市${n}有限公司`, '南山区', '工业互联网应用项目', '2019', '100', '', '', '', '60'];
    });
    const rows = [...many, ['SZ-BAD', '被夸大的项目', creditCode('91440300MA5ABCDE7'), '深圳市庚有限公司', '南山区', '工业互联网应用项目', '2019', '100', '', '', '', '95']];
    const f = fixture({ scenario: { ...baseScenario(), budget: '1亿' }, applications: csv(rows) });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the verifier found 1 broken rule(s) in the allocation; nothing was written');
    expect(outputFiles(f.out)).toEqual([]);
  }, 60_000);

  it('the other projects are unaffected by the mock (a clean scenario still solves)', async () => {
    const f = fixture();
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(0);
    expect(outputFiles(f.out).sort()).toEqual([...OUTPUT_FILES].sort());
  });
});
