/**
 * The value of money across years, on numbers worked out by hand: the marginal value of each
 * year's cash (re-solved, with the cash rows' duals as the LP's estimate), sweep --cash-year,
 * compare's cash table, explain for a project cut by a year's cash, and the what-if page's
 * refusal of multi-year scenarios.
 *
 * The instance: four application projects (（十）, 30% of ¥12m = ¥3m each, scores 90/80/70/60),
 * paid half in the approval year 2019 and half in 2020; carry-over K = 1. With grants x in
 * total, the cash rows are
 *   cash:2019       0.5 x ≤ cash 2019
 *   cash:2020       0.5 x ≤ cash 2019 + cash 2020
 *   cash:2019-2020      x ≤ cash 2019 + cash 2020
 * and no budget is given (the budget is the cash's total, never tighter than the last row).
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { D } from '../src/money.js';
import { solve } from '../src/pipeline/solve.js';
import { runSweep } from '../src/commands/sweep.js';
import { runCompare } from '../src/commands/compare.js';
import { runExplain } from '../src/commands/explain.js';
import { runSolve } from '../src/commands/solve.js';
import { runWhatIf } from '../src/commands/whatif.js';
import { HEADER, POLICY, creditCode, csv } from './helpers/cli-fixtures.js';

const FOUR = [
  ['A', 90],
  ['B', 80],
  ['C', 70],
  ['D', 60],
] as const;

/** A folder with the policy (（十） paid 50% / 50%), the four applications, and scenarios by name. */
function fixture(scenarios: Record<string, Record<string, unknown>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fundplan-years-analyse-'));
  const policy = JSON.parse(readFileSync(POLICY, 'utf8'));
  delete policy.$schema;
  const m = policy.measures.find((x: { id: string }) => x.id === 'P10-APPLICATION');
  m.installments = [
    { share: '50%', year: 0 },
    { share: '50%', year: 1 },
  ];
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
  const rows = FOUR.map(([id, score], k) => [id, `项目${id}`, creditCode(`91440300MA5ABCDE${k}`), `企业${id}`, '南山区', 'P10-APPLICATION', '2019', '1200', '', '', '', String(score)]);
  writeFileSync(join(dir, 'applications.csv'), csv(rows, HEADER));
  for (const [name, fields] of Object.entries(scenarios)) {
    writeFileSync(join(dir, name), JSON.stringify({ name: name.replace('.json', ''), policy: 'policy.json', applications: 'applications.csv', year: 2019, ...('cash' in fields ? { carryOver: { years: 1 } } : {}), ...fields }));
  }
  return dir;
}

// cash:2019 binds: 0.5 x ≤ ¥2.5m, so x = ¥5m: A ¥3m, B ¥2m.
const FIRST_YEAR = { cash: { '2019': '2500000', '2020': '4000000' } };
// The run 2019–2020 binds: x ≤ ¥3.5m + ¥2m = ¥5.5m: A ¥3m, B ¥2.5m. (2021's cash, which pays
// nothing of these grants, keeps the budget — the cash's total — from binding as well.)
const RUN = { cash: { '2019': '3500000', '2020': '2000000', '2021': '10000000' } };

async function cashValues(fields: Record<string, unknown>, step: string) {
  const dir = fixture({ 's.json': fields });
  const out = await solve(join(dir, 's.json'), { timings: false, marginalStep: step });
  if (out.status === 'infeasible') throw new Error('infeasible');
  return { out, mv: out.summary.marginalValues };
}

describe("the marginal value of a year's cash", () => {
  it("where one year binds: two yuan of grant per yuan of that year's cash, at score 80", async () => {
    const { out, mv } = await cashValues(FIRST_YEAR, '100000');
    expect(out.allocations.map((a) => a.grant)).toEqual(['3000000.00', '2000000.00', '0.00', '0.00']);
    // ¥100,000 more in 2019: 0.5 x ≤ ¥2.6m, B +¥200,000 at 80: 80 × 200,000 / 100,000 = 160 per yuan.
    const y2019 = mv['cash:2019']!;
    expect(y2019).toMatchObject({ year: 2019, perYuan: 160, dual: 160, from: '2500000.00', to: '2600000.00', binding: true, verified: true, method: 'finite-difference', step: '100000.00' });
    expect(y2019.up).toMatchObject({ status: 'optimal', objectiveChange: '16000000', grantedChange: '200000.00', fundedChange: 0, raised: { count: 1, scoreMin: 80, scoreMax: 80 } });
    expect(y2019.words).toBe('2019年资金再增加 10 万元，不能再资助新的项目，1 个已资助项目（得分 80 分）增加资助额（在2019年资金 +10 万元处重新求解并逐条校验的结果；线性规划对偶值估计每增加 1 万元目标值增加 1,600,000）');
    // 2020's cash is in no binding row: worth nothing, by the duals and by re-solving.
    expect(mv['cash:2020']).toMatchObject({ year: 2020, perYuan: 0, dual: 0, binding: false });
    expect(mv['cash:2020']!.up).toMatchObject({ objectiveChange: '0', grantedChange: '0.00', fundedChange: 0 });
    // The report says it too, in its language.
    const en = out.detail.data.marginalValues.find((m) => m.limit === 'cash:2019')!;
    expect(en.label).toBe('2019年资金');
  });

  it('where the run of years binds: either year\'s cash is worth the same, the sum of the duals of the rows it feeds', async () => {
    const { mv } = await cashValues(RUN, '100000');
    // x ≤ ¥5.5m: ¥100,000 more in either year gives B ¥100,000 more at 80.
    for (const year of [2019, 2020]) {
      expect(mv[`cash:${year}`]).toMatchObject({ perYuan: 80, dual: 80, binding: true });
      expect(mv[`cash:${year}`]!.up).toMatchObject({ objectiveChange: '8000000', grantedChange: '100000.00' });
    }
    expect(mv['cash:2021']).toMatchObject({ perYuan: 0, dual: 0, binding: false });
  });

  it('a step that funds one more project counts it', async () => {
    // 0.5 x ≤ ¥3m: A and B in full. ¥100,000 more in 2019: C gets ¥200,000 at 70.
    const { mv } = await cashValues({ cash: { '2019': '3000000', '2020': '4000000' } }, '100000');
    expect(mv['cash:2019']).toMatchObject({ perYuan: 140 });
    expect(mv['cash:2019']!.up).toMatchObject({ fundedChange: 1, entering: { count: 1, scoreMin: 70, scoreMax: 70 } });
    expect(mv['cash:2019']!.words).toContain('2019年资金再增加 10 万元，可再资助 1 个项目（得分 70 分）');
  });

  it('one-year scenarios have no cash entries', async () => {
    const { mv } = await cashValues({ budget: '5000000' }, '100000');
    expect(Object.keys(mv).filter((k) => k.startsWith('cash:'))).toEqual([]);
  });
});

describe('fundplan sweep --cash-year', () => {
  it("varies that year's cash, and the files say so", async () => {
    const dir = fixture({ 's.json': FIRST_YEAR, 'one.json': { budget: '5000000' } });
    const out = join(dir, 'sweep');
    const r = await runSweep({ scenario: join(dir, 's.json'), from: new D(2_500_000), to: new D(3_500_000), steps: 3, out, cashYear: 2019 });
    // 2019 cash 2.5m, 3m, 3.5m: x ≤ 5m, 6m, 7m (the run ¥7.5m does not bind).
    expect(r.points.map((p) => [p.budget.toString(), p.objective.toString(), p.granted.toString(), p.funded])).toEqual([
      ['2500000', '430000000', '5000000', 2],
      ['3000000', '510000000', '6000000', 2],
      ['3500000', '580000000', '7000000', 3],
    ]);
    // The budget (the cash's total) moves with the cash: 6.5m − 5m unallocated at the first point.
    expect(r.points[0]!.unallocated!.toString()).toBe('1500000');
    const frontier = readFileSync(join(out, 'frontier.csv'), 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(frontier[0]).toBe('cash_2019,objective,granted,unallocated,funded,fully_funded,partly_funded,cash_2019_marginal_value,objective_per_yuan_since_previous,mark');
    expect(frontier[1]!.startsWith('2500000.00,430000000.00,5000000.00,1500000.00,2,1,1,')).toBe(true);
    expect(readFileSync(join(out, 'entry-budgets.csv'), 'utf8')).toContain('first_funded_at_cash_2019,fully_funded_at_cash_2019');
    expect(readFileSync(join(out, 'frontier.html'), 'utf8')).toContain('2019年资金前沿');
    expect(r.text).toContain('2019年资金扫描 3 点');
  });

  it('refuses a year outside the horizon and a scenario without cash, as input errors', async () => {
    const dir = fixture({ 's.json': FIRST_YEAR, 'one.json': { budget: '5000000' } });
    const sweep = (scenario: string, cashYear: number) => runSweep({ scenario: join(dir, scenario), from: new D(1_000_000), to: new D(2_000_000), steps: 2, out: join(dir, 'x'), cashYear });
    await expect(sweep('s.json', 2021)).rejects.toThrow(InputError);
    await expect(sweep('s.json', 2021)).rejects.toThrow(/--cash-year: expected a year of .*"cash" \(2019, 2020\), found 2021/);
    await expect(sweep('one.json', 2019)).rejects.toThrow(/--cash-year: expected a scenario with "cash" by year/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});

describe('fundplan compare on multi-year scenarios', () => {
  it("shows each year's cash and dues of both runs, and their change", async () => {
    const dir = fixture({ 'a.json': FIRST_YEAR, 'b.json': { cash: { '2019': '3500000', '2020': '4000000' } } });
    // The second run read back from its folder: summary.json holds the years.
    await runSolve({ scenario: join(dir, 'b.json'), out: join(dir, 'b'), noTimings: true });
    const r = await runCompare({ inputs: [join(dir, 'a.json'), join(dir, 'b')], out: join(dir, 'cmp') });
    // a: x = 5m, due 2.5m in each year; b: x = 7m (0.5 x ≤ 3.5m), due 3.5m in each.
    expect(r.runs.map((x) => x.years!.map((y) => [y.year, y.cash.toString(), y.ledger.toString(), y.current.toString(), y.planned.toString()]))).toEqual([
      [
        [2019, '2500000', '0', '2500000', '0'],
        [2020, '4000000', '0', '2500000', '0'],
      ],
      [
        [2019, '3500000', '0', '3500000', '0'],
        [2020, '4000000', '0', '3500000', '0'],
      ],
    ]);
    const html = readFileSync(join(dir, 'cmp', 'compare.html'), 'utf8');
    const table = html.slice(html.indexOf('data-testid="compare-cash"'));
    const cells = (year: number) => [...table.slice(table.indexOf(`<td class="l">${year}</td>`)).split('</tr>')[0]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells(2019)).toEqual(['2019', '250.00', '250.00', '350.00', '350.00', '+100.00', '+100.00']);
    expect(cells(2020)).toEqual(['2020', '400.00', '250.00', '400.00', '350.00', '0', '+100.00']);
  });

  it('one-year comparisons have no cash table', async () => {
    const dir = fixture({ 'a.json': { budget: '5000000' }, 'b.json': { budget: '6000000' } });
    const r = await runCompare({ inputs: [join(dir, 'a.json'), join(dir, 'b.json')], out: join(dir, 'cmp') });
    expect(r.runs.every((x) => x.years === undefined)).toBe(true);
    expect(readFileSync(join(dir, 'cmp', 'compare.html'), 'utf8')).not.toContain('compare-cash');
  });
});

describe("fundplan explain for a project cut by a year's cash", () => {
  it('says how much more cash in which year funds it, each re-solved', async () => {
    const dir = fixture({ 's.json': RUN });
    // x ≤ ¥5.5m: C (70) gets nothing; it starts once B is full (x > ¥6m) and is full at x = ¥9m.
    const out = await runExplain({ scenario: join(dir, 's.json'), projectId: 'C' });
    expect(out.cashWouldFund!.map((c) => [c.year, c.firstFundedAt?.toString(), c.fullyFundedAt?.toString()])).toEqual([
      // 2020's cash alone never funds it fully: 0.5 x ≤ 2019's ¥3.5m holds x at ¥7m.
      [2020, '2500100', undefined],
      [2019, '4000100', '7000000'],
    ]);
    expect(out.text).toContain('2020年资金增加 ¥500,100（至 ¥2,500,100）时开始获得资助');
    expect(out.text).toContain('2019年资金增加 ¥3,500,000（至 ¥7,000,000）时获得全额资助');
    expect(out.text).toContain('仅增加2020年资金不能使其获得全额资助');
    expect(out.text).toContain('最早从2019年增加资金即有帮助');
  });
});

describe('the what-if page and multi-year scenarios', () => {
  it('solve leaves whatif.html out and says why; fundplan whatif refuses', async () => {
    const dir = fixture({ 's.json': FIRST_YEAR, 'one.json': { budget: '5000000' } });
    const r = await runSolve({ scenario: join(dir, 's.json'), out: join(dir, 'out'), noTimings: true });
    expect(r.files.some((f) => f.endsWith('whatif.html'))).toBe(false);
    expect(existsSync(join(dir, 'out', 'whatif.html'))).toBe(false);
    expect(r.text).toContain('whatif.html 未写出：多年度情景');
    // The stdout summary gives each year's cash its line.
    expect(r.text).toContain('年度资金：2019年资金再增加 100 万元');
    expect(r.text).toContain('年度资金：2020年资金再增加 100 万元，分配不变');
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.whatif).toMatchObject({ written: false, why: 'multi-year' });
    await expect(runWhatIf({ scenario: join(dir, 's.json'), out: join(dir, 'w') })).rejects.toThrow(/cash: expected a one-year scenario/);
    // A one-year scenario keeps its page, and no note.
    const one = await runSolve({ scenario: join(dir, 'one.json'), out: join(dir, 'out1'), noTimings: true });
    expect(existsSync(join(dir, 'out1', 'whatif.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'out1', 'summary.json'), 'utf8')).whatif).toBeUndefined();
    expect(one.text).not.toContain('whatif.html 未写出');
  });
});
