/** Explanations, marginal values and what-would-fund-it, on numbers worked out by hand. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { D, fmtYuanHuman, fmtYuanHumanDecimal, groupThousands } from '../src/money.js';
import { allocate } from '../src/model/allocate.js';
import { budgetSlope, fundingLineOf, marginalValues } from '../src/model/marginal.js';
import { explainAll, limitIndexOf, othersWithLocked, yuanForPeople } from '../src/report/explain.js';
import { buildNotice } from '../src/report/data.js';
import { openParametricLp, type ParametricLp } from '../src/solver/highs.js';
import { networkOf, openNetworkParametric } from '../src/solver/network.js';
import type { LinearProgram } from '../src/solver/types.js';
import { jslpBackend } from '../src/solver/jslp.js';
import { runExplain } from '../src/commands/explain.js';
import { apps, scenario, SHENZHEN, solveVerified, type AppSpec } from './helpers/build.js';
import { HEADER, creditCode, csv, POLICY } from './helpers/cli-fixtures.js';

type Opener = (lp: LinearProgram) => Promise<ParametricLp | null>;
const SENSITIVITY: [string, Opener][] = [
  ['HiGHS', (lp) => openParametricLp(lp)],
  ['the network simplex', async (lp) => openNetworkParametric(networkOf(lp)!)],
];

async function analyse(specs: AppSpec[], fields: Record<string, unknown>, open: Opener = SENSITIVITY[0]![1]) {
  const list = apps(specs);
  const s = scenario(fields);
  const a = solveVerified(list, s);
  const lp = await open(a.model.lp);
  const m = marginalValues(a, lp!);
  lp!.dispose();
  const ctx = { allocation: a, scenario: s, policy: SHENZHEN, fundingLine: m.fundingLine };
  const zh = explainAll(ctx, 'zh', true);
  const en = explainAll(ctx, 'en', true);
  const by = Object.fromEntries(zh.map((e, i) => [e.projectId, { zh: e.lines, en: en[i]!.lines, oneLine: { zh: e.oneLine, en: en[i]!.oneLine } }]));
  return { list, s, a, m, by };
}

// Four application projects (（十）, 30%, cap ¥3m), each entitled to ¥3m; ¥7m for all.
const FOUR: AppSpec[] = [
  { id: 'A', measure: 'P10-APPLICATION', total: 12_000_000, score: 90 },
  { id: 'B', measure: 'P10-APPLICATION', total: 12_000_000, score: 80 },
  { id: 'C', measure: 'P10-APPLICATION', total: 12_000_000, score: 70 },
  { id: 'D', measure: 'P10-APPLICATION', total: 12_000_000, score: 60 },
];

describe('the funding line found first', () => {
  it('is the one the marginal values give, with the budget slope given or found again, on both backends', async () => {
    for (const [name, open] of SENSITIVITY) {
      for (const budget of [7_000_000, 3_500_000, 20_000_000]) {
        const a = solveVerified(apps(FOUR), scenario({ budget }));
        const lp = (await open(a.model.lp))!;
        const slope = budgetSlope(a, lp);
        const given = marginalValues(a, lp, { budgetSlope: slope });
        const found = marginalValues(a, lp);
        lp.dispose();
        expect(given.fundingLine, `${name} at ${budget}`).toBe(fundingLineOf(slope));
        expect(given, `${name} at ${budget}`).toEqual(found);
      }
    }
  });
});

describe('explanations', () => {
  it('entitlement: every ceiling with the binding one marked, and the full grant', async () => {
    const { by } = await analyse([{ id: 'A', measure: 'P10-APPLICATION', total: 12_345_600, score: 85 }], { budget: 100_000_000 });
    expect(by.A!.zh[1]).toBe('政策上限：（十）：30% × ¥12,345,600 = ¥3,703,680；【（十）：单个项目最高 ¥3,000,000】');
    expect(by.A!.zh[2]).toBe('按政策可得 ¥3,000,000（单项最高限额，低于按比例上限 ¥3,703,680）');
    expect(by.A!.zh[3]).toBe('资助 ¥3,000,000，即按政策可得的全额');
    expect(by.A!.en[2]).toBe('Entitled to ¥3,000,000 (project cap, below rate ceiling ¥3,703,680)');
  });

  it('total budget: the funding line and how far below it the project was', async () => {
    const { by, m } = await analyse(FOUR, { budget: 7_000_000 });
    expect(m.fundingLine).toBe(70); // C is the marginal project
    expect(by.C!.oneLine.zh).toBe('资助 ¥1,000,000，比按政策可得少 ¥2,000,000：总预算 ¥7,000,000 已用 ¥7,000,000；资助线 70 分，本项目 70 分');
    expect(by.D!.oneLine.zh).toBe('资助 ¥0，比按政策可得少 ¥3,000,000：总预算 ¥7,000,000 已用 ¥7,000,000；资助线 70 分，本项目 60 分（低 10 分）');
    expect(by.D!.oneLine.en).toContain('the funding line is at score 70, this project scored 60 (10 below)');
  });

  it("company limit: the company's other grants, listed", async () => {
    const specs: AppSpec[] = [1, 2, 3, 4, 5].map((k) => ({ id: `R${k}`, measure: 'P05-ROLLOUT', company: 'PROV', base: 2_000_000, score: 90 - k }));
    const { by } = await analyse(specs, { budget: 100_000_000 });
    expect(by.R5!.oneLine.zh).toBe(
      '资助 ¥0，比按政策可得少 ¥500,000：（五）P05-ROLLOUT 每家每年限额 · PROV ¥2,000,000 已用 ¥2,000,000，该企业其他项目已获 ¥2,000,000（R1 ¥500,000、R2 ¥500,000、R3 ¥500,000、R4 ¥500,000）',
    );
  });

  it("company limit with many members: the others that got money, the first eight listed, wherever the project stands among them", async () => {
    // 22 applications entitled to ¥120,000 each under a ¥2m company cap: 16 full, the 17th gets ¥80,000, the rest nothing.
    // The partly funded one comes first in the input (P), or 17th (Q).
    const specs = (first: boolean): AppSpec[] => {
      const full = Array.from({ length: 16 }, (_, k): AppSpec => ({ id: `R${String(k + 1).padStart(2, '0')}`, measure: 'P05-ROLLOUT', company: 'PROV', base: 400_000, score: 90 - k }));
      const part: AppSpec = { id: first ? 'P' : 'Q', measure: 'P05-ROLLOUT', company: 'PROV', base: 400_000, score: 60 };
      const none = Array.from({ length: 5 }, (_, k): AppSpec => ({ id: `Z${k + 1}`, measure: 'P05-ROLLOUT', company: 'PROV', base: 400_000, score: 50 - k }));
      return first ? [part, ...full, ...none] : [...full, part, ...none];
    };
    const listed = (ids: string[]) => ids.map((id) => `${id} ¥120,000`).join('、');
    const r = Array.from({ length: 8 }, (_, k) => `R0${k + 1}`);
    const head = '（五）P05-ROLLOUT 每家每年限额 · PROV ¥2,000,000 已用 ¥2,000,000，该企业其他项目已获';
    const a = (await analyse(specs(true), { budget: 100_000_000 })).by;
    expect(a.P!.oneLine.zh).toBe(`资助 ¥80,000，比按政策可得少 ¥40,000：${head} ¥1,920,000（${listed(r)} 等16项）`);
    expect(a.Z1!.oneLine.zh).toBe(`资助 ¥0，比按政策可得少 ¥120,000：${head} ¥2,000,000（P ¥80,000、${listed(r.slice(0, 7))} 等17项）`);
    const b = (await analyse(specs(false), { budget: 100_000_000 })).by;
    expect(b.Q!.oneLine.zh).toBe(`资助 ¥80,000，比按政策可得少 ¥40,000：${head} ¥1,920,000（${listed(r)} 等16项）`);
    expect(b.Z5!.oneLine.zh).toBe(`资助 ¥0，比按政策可得少 ¥120,000：${head} ¥2,000,000（${listed(r)} 等17项）`);
  });

  it('yuan for people: the number fast path writes what Decimal writes', () => {
    const amounts = fc.oneof(
      fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }).map((n) => new D(n.toString())),
      fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 17n }), fc.integer({ min: 0, max: 4 })).map(([n, k]) => new D(n.toString()).div(10 ** k)),
      fc.constantFrom(new D(0), new D('-0'), new D('0.005'), new D(9007199254740991), new D(9007199254740993), new D('1e20')),
    );
    fc.assert(fc.property(amounts, (v) => fmtYuanHuman(v) === fmtYuanHumanDecimal(v)), { numRuns: 1000 });
  });

  it("a limit's other grants and its locked ones: the whole-fen path writes what Decimal writes", () => {
    const amount = fc.oneof(
      fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 17n }), fc.integer({ min: 0, max: 3 })).map(([n, k]) => new D(n.toString()).div(10 ** k)),
      fc.constantFrom(new D(0), new D(9007199254740991).div(100), new D(9007199254740993).div(100), new D('1e20')),
    );
    const cases = fc.tuple(amount, amount, amount, fc.boolean()).map(([a, b, locked, has]) => {
      const [total, own] = a.gte(b) ? [a, b] : [b, a];
      return { total, own: has ? own : null, locked };
    });
    fc.assert(
      fc.property(cases, ({ total, own, locked }) => {
        const decimal = yuanForPeople((own === null ? total : total.minus(own)).plus(locked));
        return othersWithLocked(total, own, locked) === decimal && othersWithLocked(() => total, own, locked, null) === decimal;
      }),
      { numRuns: 2000 },
    );
  });

  it("a line's limit found among the limits it is a member of is the one its id names", () => {
    const specs: AppSpec[] = Array.from({ length: 60 }, (_, k) => ({
      id: `A${k}`,
      measure: k % 3 === 0 ? 'P05-ROLLOUT' : 'P11-RETROFIT',
      company: `C${k % 7}`,
      base: 5_000_000 + 2_000_000 * (k % 11),
      score: 40 + ((k * 37) % 55),
      district: k % 2 ? '南山区' : '福田区',
    }));
    const a = solveVerified(apps(specs), scenario({ budget: 40_000_000, companyAnnualCap: 6_000_000, measureBudgets: { "P11-RETROFIT": { max: 20_000_000 } } }));
    const lineOfCandidate = a.lines.filter((l) => l.candidate >= 0).sort((x, y) => x.candidate - y.candidate);
    const index = limitIndexOf(a, lineOfCandidate);
    const byId = new Map(a.limits.map((l, k) => [l.id, k]));
    const cut = a.lines.filter((l) => l.limitId !== null);
    expect(new Set(cut.map((l) => a.limits[byId.get(l.limitId!)!]!.kind)).size).toBeGreaterThan(1);
    for (const line of a.lines) expect(index.of(line)).toBe(line.limitId === null ? undefined : byId.get(line.limitId));
    for (const l of a.limits) expect(index.byId(l.id)).toBe(byId.get(l.id));
  });

  it('thousands separators: the loop writes what the separator pattern writes', () => {
    const pattern = (int: string) => int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const ints = fc.tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{1,25}$/)).map(([sign, digits]) => sign + digits);
    fc.assert(fc.property(ints, (int) => groupThousands(int) === pattern(int)), { numRuns: 3000 });
    for (const int of ['0', '-0', '999', '-999', '1000', '-1000', '+1000', '123456', '1234567', '5e+21', '1.5e+22', '-1.2345e+25', 'Infinity', '-Infinity', 'NaN', '1234.5678']) expect(groupThousands(int)).toBe(pattern(int));
  });

  it('measure budget, minimum score, another year', async () => {
    const { by } = await analyse(
      [
        { id: 'X', measure: 'P11-RETROFIT', base: 100_000_000, score: 90 },
        { id: 'L', measure: 'P10-APPLICATION', total: 1_000_000, score: 55 },
        { id: 'Y', measure: 'P10-APPLICATION', total: 1_000_000, score: 95, year: 2018 },
      ],
      { budget: 100_000_000, minScore: 60, measureBudgets: { 'P11-RETROFIT': { max: 12_000_000 } } },
    );
    expect(by.X!.oneLine.zh).toBe('资助 ¥12,000,000，比按政策可得少 ¥8,000,000：（十一）P11-RETROFIT 类别预算上限 ¥12,000,000 已用 ¥12,000,000');
    expect(by.L!.oneLine.zh).toBe('不予资助：评审得分 55 低于最低分 60');
    expect(by.Y!.oneLine.zh).toBe('不予资助：申报年度 2018 不是本次资助年度 2019');
  });
});

describe.each(SENSITIVITY)('the value of money, re-solving on %s', (_name, open) => {
  it('the budget: one more yuan buys the marginal score, over the range where that project stays marginal; confirmed by re-solving at budget + ¥1m', async () => {
    const { list, s, a, m } = await analyse(FOUR, { budget: 7_000_000 }, open);
    const budget = m.values.find((v) => v.limit.kind === 'budget')!;
    expect(budget.perYuan).toBeCloseTo(70, 9);
    // C absorbs money from ¥6m (A and B full) to ¥9m (C full).
    expect(budget.from.toString()).toBe('6000000');
    expect(budget.to!.toString()).toBe('9000000');
    const more = allocate(list, SHENZHEN, { ...s, budget: s.budget.plus(1_000_000) }, jslpBackend);
    expect(more.objective.minus(a.objective).toString()).toBe(new D(budget.perYuan).times(1_000_000).toDecimalPlaces(0).toString());
  });

  it("a range hint narrower than the range (one degenerate basis's view) is searched past, to the true end", async () => {
    const { m } = await analyse(FOUR, { budget: 7_000_000 }, async (lp) => {
      const real = await open(lp);
      if (!real) return null;
      // Hints that stop ¥500,000 above and below the budget of ¥7m (the slope holds from ¥6m to ¥9m).
      const r = lp.rows.length - 1;
      const up = Float64Array.from(real.rangeUp);
      const down = Float64Array.from(real.rangeDown);
      up[r] = 750;
      down[r] = 650;
      return { ...real, objective: real.objective, duals: real.duals, rangeUp: up, rangeDown: down, objectiveWithRowBounds: (...x) => real.objectiveWithRowBounds(...x), dispose: () => real.dispose() };
    });
    const budget = m.values.find((v) => v.limit.kind === 'budget')!;
    expect(budget.perYuan).toBeCloseTo(70, 9);
    expect(budget.from.toString()).toBe('6000000');
    expect(budget.to!.toString()).toBe('9000000');
  });

  it('a binding measure ceiling is worth the score difference to the funding line; a loose one nothing', async () => {
    const specs: AppSpec[] = [
      { id: 'R', measure: 'P11-RETROFIT', base: 100_000_000, score: 95 },
      { id: 'A', measure: 'P10-APPLICATION', total: 12_000_000, score: 75 },
      { id: 'B', measure: 'P10-APPLICATION', total: 12_000_000, score: 70 },
    ];
    const { m } = await analyse(specs, { budget: 10_000_000, measureBudgets: { 'P11-RETROFIT': { max: 5_000_000 }, 'P10-APPLICATION': { max: 50_000_000 } } }, open);
    const retrofit = m.values.find((v) => v.limit.id === 'measure_max:P11-RETROFIT')!;
    // R (95) takes ¥5m; A full ¥3m; B gets ¥2m at the margin (70). Each yuan moved to R gains 95 − 70.
    expect(retrofit.perYuan).toBeCloseTo(25, 9);
    expect(m.fundingLine).toBe(70);
    const loose = m.values.find((v) => v.limit.id === 'measure_max:P10-APPLICATION')!;
    expect(loose).toMatchObject({ perYuan: 0, binding: false, to: null });
  });
});

describe('the public notice', () => {
  it('reconciles exactly with the grants, in 万元', async () => {
    const { a, s } = await analyse(FOUR, { budget: 7_000_050, granularity: 1 });
    const notice = buildNotice(a, SHENZHEN, s);
    expect(notice.rows.map((r) => [r.projectName, r.grantWan])).toEqual([
      ['项目A', '300.0000'],
      ['项目B', '300.0000'],
      ['项目C', '100.0050'],
    ]);
    expect(notice.totalWan).toBe('700.0050');
    expect(notice.decimals).toBe(4);
    const sum = notice.rows.reduce((t, r) => t.plus(r.grantWan), new D(0));
    expect(sum.toFixed(4)).toBe(notice.totalWan);
    expect(notice.rule).toContain('合计700.0050万元');
    expect(notice.rule).toContain('7000050.00元');
  });
});

describe('fundplan explain: what would fund it', () => {
  it('the extra budget and the score a budget-cut project needed, each confirmed by re-solving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fundplan-explain-'));
    const rows = FOUR.map((a, k) => [a.id, `项目${a.id}`, creditCode(`91440300MA5ABCDE${k}`), `企业${a.id}`, '南山区', 'P10-APPLICATION', '2019', '1200', '', '', '', String(a.score)]);
    writeFileSync(join(dir, 'applications.csv'), csv(rows, HEADER));
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ name: 't', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '7000000' }));
    const out = await runExplain({ scenario: join(dir, 'scenario.json'), projectId: 'D' });
    // D (60) is reached once C is full at ¥9m: the first ¥100 unit beyond it funds D.
    expect(out.whatWouldFund!.firstFundedAt!.toString()).toBe('9000100');
    expect(out.whatWouldFund!.fullyFundedAt!.toString()).toBe('12000000');
    // At ¥7m D needs to outscore B (80): 80.1 puts it second, with its full ¥3m.
    expect(out.whatWouldFund!.scoreNeeded!.toString()).toBe('80.1');
    expect(out.text).toContain('总预算增加 ¥2,000,100（至 ¥9,000,100）时开始获得资助');
    expect(out.text).toContain('评审得分达到 80.1 分即可获得全额资助');
  });

  it('a project funded in part is told what funds it fully, not when it starts to be funded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fundplan-explain-'));
    const rows = FOUR.map((a, k) => [a.id, `项目${a.id}`, creditCode(`91440300MA5ABCDE${k}`), `企业${a.id}`, '南山区', 'P10-APPLICATION', '2019', '1200', '', '', '', String(a.score)]);
    writeFileSync(join(dir, 'applications.csv'), csv(rows, HEADER));
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ name: 't', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '7000000' }));
    // C (70) gets ¥1m of its ¥3m at ¥7m.
    for (const lang of ['zh', 'en'] as const) {
      const out = await runExplain({ scenario: join(dir, 'scenario.json'), projectId: 'C', lang });
      expect(out.whatWouldFund).toMatchObject({ partly: true, firstFundedAt: null });
      expect(out.whatWouldFund!.fullyFundedAt!.toString()).toBe('9000000');
      expect(out.text.split('\n').slice(-3)).toEqual(
        lang === 'zh'
          ? ['总预算增加 ¥2,000,000（至 ¥9,000,000）时获得全额资助', '在现有预算下，评审得分达到 80.1 分即可获得全额资助', '（以上均为整体重新求解并逐条校验的结果，预算以 ¥100 为单位）']
          : ['It would be fully funded with ¥2,000,000 more budget (¥9,000,000)', 'At this budget, a score of 80.1 would have funded it fully', '(each found by re-solving the whole allocation and verifying it; budget steps of ¥100)'],
      );
      expect(out.text).not.toMatch(/开始获得资助|would get something/);
    }
  });
});
