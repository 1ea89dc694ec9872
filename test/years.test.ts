/**
 * Multi-year scenarios: instalments and cash rows computed by hand, carry-over and recovery at
 * K = 0, 1, 2, a forecast that makes this year fund less, once per company, targets, a ledger
 * round trip through two solves, the years verifier catching broken grants, and random
 * multi-year instances against an LP built here from the raw data (a flow of money between
 * years, not the model's runs of years) and solved by HiGHS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decimal } from 'decimal.js';
import { D } from '../src/money.js';
import { loadInput, solve, writeOutputs, type Outcome, type Solved } from '../src/index.js';
import { parsePolicy, type Measure } from '../src/model/policy.js';
import { cashFlow, cashWindows, dueByYear, dueInYears, ledgerDue, splitGrant } from '../src/model/years.js';
import { CashTracker, buildCashRows } from '../src/model/cash-rows.js';
import { resolveLedgerMeasures, type Commitment } from '../src/model/ledger.js';
import { readCommitmentsFile } from '../src/pipeline/ledger.js';
import { commitmentsCsv } from '../src/report/commitments.js';
import { instalmentsOf, payYears, verifyYears, type YearGrant } from '../src/verify/years.js';
import { mulberry32 } from '../scripts/synthetic.js';
import { initHighs, solveHighs } from './helpers/highs-compare.js';
import type { Application } from '../src/model/application.js';

const WAN = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'fundplan-years-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Plan = readonly (readonly [string, number])[];
const measure = (id: string, rules: unknown[], installments?: Plan) => ({
  id,
  clause: `（${id}）`,
  name: { zh: `措施${id}`, en: `measure ${id}` },
  kind: 'project',
  rules,
  ...(installments ? { installments: installments.map(([share, year]) => ({ share, year })) } : {}),
});
const policyOf = (measures: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'years-test', name: { zh: '跨年度测试政策', en: 'years test policy' }, validFrom: '2019-01-01', measures, ...extra });

/** An application as a file row holds it (万元 headers). */
function app(id: string, company: string, measureId: string, year: number, requestedWan: number, score: number, investmentWan: number | '' = ''): Record<string, string> {
  return {
    项目编号: id,
    项目名称: `项目${id}`,
    统一社会信用代码: company,
    企业名称: `企业${company}`,
    所属区: '南山区',
    申报类别: measureId,
    申报年度: String(year),
    '总投资(万元)': String(investmentWan),
    '申请金额(万元)': String(requestedWan),
    评审得分: String(score),
  };
}

/** Records as a CSV file in the test folder (a plan year's forecast). */
function csvFile(name: string, records: readonly Record<string, string>[]): string {
  const headers = Object.keys(records[0]!);
  writeFileSync(join(dir, name), [headers.join(','), ...records.map((r) => headers.map((h) => r[h]).join(','))].join('\n') + '\n');
  return name;
}

function solved(o: Outcome): Solved {
  if (o.status === 'infeasible') throw new Error(`infeasible: ${o.message}`);
  return o;
}
const run = (scenario: Record<string, unknown>, policy: unknown, applications: readonly Record<string, string>[]) =>
  solve({ scenario: { name: '跨年度', policy: 'inline', applications: 'inline', ...scenario }, policy, applications, baseDir: dir }, { timings: false });
const lineOf = (o: Solved, id: string) => {
  const a = o.detail.allocation;
  const line = [...a.lines, ...(a.plan?.lines ?? [])].find((l) => l.app.projectId === id);
  if (!line) throw new Error(`no line ${id}`);
  return line;
};
const recordOf = (o: Solved, id: string) => o.allocations.find((r) => r.project_id === id)!;
const yuan = (n: number) => new D(n);

const M40 = measure('M40', [{ type: 'projectCap', amount: '1亿' }], [['40%', 0], ['30%', 1], ['30%', 2]]);
const M50 = measure('M50', [{ type: 'projectCap', amount: '1亿' }], [['50%', 0], ['50%', 1]]);
const MNOW = measure('MNOW', [{ type: 'projectCap', amount: '1亿' }]);
const parsed = (m: unknown) => parsePolicy(policyOf([m]), 'policy').measures[0]! as Measure;

describe('instalments by hand', () => {
  const m = parsed(M40);
  it('40/30/30 of an odd grant: each share rounded down to the yuan, the last takes the rest', () => {
    const want = [
      { installment: 1, dueYear: 2020, amount: '400000' },
      { installment: 2, dueYear: 2021, amount: '300000' },
      { installment: 3, dueYear: 2022, amount: '300001' },
    ];
    const model = splitGrant(yuan(1_000_001), m, 2020, yuan(1));
    expect(model.map((x) => ({ ...x, amount: x.amount.toString() }))).toEqual(want);
    expect(instalmentsOf(yuan(1_000_001), m, 2020, yuan(100)).map((x) => x.amount.toString())).toEqual(['400000', '300000', '300001']);
    // 999,999 × 0.4 = 399,999.6 → 399,999; × 0.3 = 299,999.7 → 299,999; the rest 300,001.
    expect(instalmentsOf(yuan(999_999), m, 2020, yuan(100)).map((x) => x.amount.toString())).toEqual(['399999', '299999', '300001']);
  });
  it('to the fen when the granularity is below a yuan', () => {
    // 1000.05 × 0.4 = 400.02; × 0.3 = 300.015 → 300.01; the rest 300.02.
    expect(splitGrant(new D('1000.05'), m, 2020, new D('0.01')).map((x) => x.amount.toString())).toEqual(['400.02', '300.01', '300.02']);
    expect(instalmentsOf(new D('1000.05'), m, 2020, new D('0.05')).map((x) => x.amount.toString())).toEqual(['400.02', '300.01', '300.02']);
    // At a yuan or more, whole yuan: 400, 300, 300.05.
    expect(instalmentsOf(new D('1000.05'), m, 2020, new D('1')).map((x) => x.amount.toString())).toEqual(['400', '300', '300.05']);
  });
  it('splitGrant and dueByYear in whole units = the Decimal rule, on random grants, shares and both units', () => {
    // The rule itself, in Decimal: each share of the grant rounded down to the unit, the last the rest.
    const bySpec = (grant: Decimal, shares: readonly string[], unit: Decimal) => {
      let paid = new D(0);
      return shares.map((share, k) => {
        const amount = k === shares.length - 1 ? grant.minus(paid) : grant.times(share).div(unit).floor().times(unit);
        paid = paid.plus(amount);
        return amount;
      });
    };
    const plans: (Plan | undefined)[] = [
      [['40%', 0], ['30%', 1], ['30%', 2]],
      [['33.3333333%', 0], ['33.3333333%', 1], ['33.3333334%', 3]],
      [['12.5%', 1], ['87.5%', 2]],
      [['70%', 0], ['30%', 4]],
      undefined, // all at once
      [['0%', 0], ['100%', 1]],
    ];
    const measures = plans.map((plan, k) => parsed(measure(`MR${k}`, [{ type: 'projectCap', amount: '1亿' }], plan)));
    const rnd = mulberry32(20261207);
    const grants: { app: Application; measure: Measure; grant: Decimal }[] = [];
    for (let i = 0; i < 600; i++) {
      const m = measures[Math.floor(rnd() * measures.length)]!;
      // Whole yuan, fen, a fraction of a fen, amounts past 2^53 fen, whole-yuan amounts whose sums
      // pass 2^52, amounts of 2^52–2^53 yuan, zero and below zero.
      const kind = i % 9;
      const grant =
        kind === 0 ? new D(Math.floor(rnd() * 3e7)) :
        kind === 1 ? new D(Math.floor(rnd() * 3e9)).div(100) :
        kind === 2 ? new D(Math.floor(rnd() * 3e9)).div(1000) :
        kind === 3 ? new D('9007199254740993').times(Math.floor(rnd() * 50) + 1) :
        kind === 4 ? new D(2 ** 49 + Math.floor(rnd() * 1e6)) :
        kind === 5 ? new D(2 ** 52 + Math.floor(rnd() * 2 ** 51)) :
        kind === 6 ? (rnd() < 0.5 ? new D(0) : new D('-0')) :
        kind === 7 ? new D(-Math.floor(rnd() * 1e6)).div(100) :
        new D(Math.floor(rnd() * 1e6));
      grants.push({ app: { year: 2019 + (i % 3) } as Application, measure: m, grant });
    }
    for (const unit of [new D(1), new D('0.01')]) {
      const want = new Map<number, Decimal>();
      for (const { app, measure: m, grant } of grants) {
        const split = splitGrant(grant, m, app.year, unit);
        const shares = (m.installments ?? [{ share: '1', year: 0 }]).map((x) => x.share);
        // As the rule gives them, sign of zero and all.
        const spec = shares.length === 1 ? [grant] : bySpec(grant, shares, unit);
        expect(split.map((x) => [x.amount.toString(), x.amount.isNeg()])).toEqual(spec.map((a) => [a.toString(), a.isNeg()]));
        expect(split.map((x) => x.dueYear)).toEqual((m.installments ?? [{ share: '1', year: 0 }]).map((x) => app.year + x.year));
        if (grant.gt(0)) for (const x of split) want.set(x.dueYear, (want.get(x.dueYear) ?? new D(0)).plus(x.amount));
      }
      const granularity = unit.eq(1) ? new D(100) : new D('0.05');
      const got = dueByYear(grants, granularity);
      expect([...got].sort(([a], [b]) => a - b).map(([y, d]) => [y, d.toString()])).toEqual([...want].sort(([a], [b]) => a - b).map(([y, d]) => [y, d.toString()]));
      expect(dueInYears(dueByYear(grants, granularity), 2020, 2022).toString()).toEqual([...want].filter(([y]) => y >= 2020 && y <= 2022).reduce((t, [, d]) => t.plus(d), new D(0)).toString());
    }
    // A sum that would pass 2^53 by one: kept exact.
    const atOnce = measures[4]!;
    const big = [new D(2 ** 52 - 2), new D(2 ** 52 + 3)].map((grant) => ({ app: { year: 2020 } as Application, measure: atOnce, grant }));
    expect(dueByYear(big, new D(100)).get(2020)!.toString()).toBe('9007199254740993');
  });
  it('no instalments stated: all in the approval year', () => {
    expect(instalmentsOf(yuan(12_345), parsed(MNOW), 2021, yuan(100)).map((x) => [x.year, x.amount.toString()])).toEqual([[2021, '12345']]);
  });
  it('cash rows: runs of years with the supply of K years before, less the ledger', () => {
    const plan = { cash: new Map([[2020, yuan(100)], [2021, yuan(50)], [2022, yuan(70)]]), carryYears: 1, opening: new Map([[2019, yuan(30)]]) };
    const ledger: Commitment[] = [
      { projectId: 'L1', projectName: 'L1', companyId: 'C', companyName: 'C', measureId: 'M40', approvedYear: 2019, grant: yuan(100), installment: 2, dueYear: 2020, amount: yuan(30), status: 'planned' },
      { projectId: 'L1', projectName: 'L1', companyId: 'C', companyName: 'C', measureId: 'M40', approvedYear: 2019, grant: yuan(100), installment: 3, dueYear: 2021, amount: yuan(30), status: 'paid' },
    ];
    const w = cashWindows(plan, ledger);
    expect(w.map((x) => [x.id, x.supply.toNumber(), x.ledger.toNumber(), x.room.toNumber()])).toEqual([
      ['cash:2020', 130, 30, 100], // 2019's opening 30 + 2020's 100
      ['cash:2020-2021', 180, 30, 150],
      ['cash:2020-2022', 250, 30, 220],
      ['cash:2021', 150, 0, 150], // 2020 + 2021 (the paid instalment is not owed)
      ['cash:2021-2022', 220, 0, 220],
      ['cash:2022', 120, 0, 120],
    ]);
    // A 40/30/30 grant of 2020 in each row: its share due in the row's years.
    const a = { projectId: 'A', measureId: 'M40', year: 2020 } as Application;
    const rows = buildCashRows(plan, ledger, [a], new Map([['M40', parsed(M40)]]), [], yuan(100));
    expect(rows.map((r) => r.weights.map(String))).toEqual([['0.4'], ['0.7'], ['1'], ['0.3'], ['0.6'], ['0.3']]);
    // K = 0: single years only, no money from before.
    expect(cashWindows({ ...plan, carryYears: 0 }, ledger).map((x) => [x.id, x.room.toNumber()])).toEqual([['cash:2020', 70], ['cash:2021', 50], ['cash:2022', 70]]);
  });
});

describe('carry-over and recovery at K = 0, 1, 2', () => {
  // One project of 2000万 paid 40/30/30 over 2020–2022; cash 1000万, 100万, 100万.
  //  K = 0: 0.3 G ≤ 100万 in 2021 and 2022 → G = 333万 (granularity 1万).
  //  K = 1: 2022 may use 2021's and 2022's cash: 0.3 G ≤ 200万 → G = 666万.
  //  K = 2: 2022 may use all three years': G ≤ 1200万 → G = 1200万 (every yuan of cash).
  // The budget (1亿) binds none of them.
  const policy = policyOf([M40]);
  const records = [app('A', 'C1', 'M40', 2020, 2000, 80)];
  const cash = { '2020': '1000万', '2021': '100万', '2022': '100万' };
  const at = (K: number) => run({ year: 2020, budget: '1亿', granularity: '1万', cash, carryOver: { years: K } }, policy, records).then(solved);
  const plan = (K: number) => ({ cash: new Map([[2020, yuan(1000 * WAN)], [2021, yuan(100 * WAN)], [2022, yuan(100 * WAN)]]), carryYears: K, opening: new Map<number, D>() });
  const flow = (K: number, grant: number) => {
    const due = new Map(instalmentsOf(yuan(grant * WAN), parsed(M40), 2020, yuan(WAN)).map((x) => [x.year, x.amount]));
    return cashFlow(plan(K), due).map((y) => ({ year: y.year, carriedIn: y.carriedIn.div(WAN).toNumber(), paid: y.paid.div(WAN).toNumber(), short: y.short.toNumber(), carriedOut: y.carriedOut.div(WAN).toNumber(), recovered: y.recovered.div(WAN).toNumber() }));
  };

  it('K = 0: each year its own cash, the rest recovered at once', async () => {
    const o = await at(0);
    const l = lineOf(o, 'A');
    expect(l.grant.toNumber()).toBe(333 * WAN);
    expect(l.binding).toBe('cash');
    expect(l.limitId).toMatch(/^cash:202[12]$/);
    expect(flow(0, 333)).toEqual([
      { year: 2020, carriedIn: 0, paid: 133.2, short: 0, carriedOut: 0, recovered: 866.8 },
      { year: 2021, carriedIn: 0, paid: 99.9, short: 0, carriedOut: 0, recovered: 0.1 },
      { year: 2022, carriedIn: 0, paid: 99.9, short: 0, carriedOut: 0, recovered: 0.1 },
    ]);
  });
  it('K = 1: a year may draw on the year before; what is a year old is recovered', async () => {
    const o = await at(1);
    const l = lineOf(o, 'A');
    expect(l.grant.toNumber()).toBe(666 * WAN);
    expect([l.binding, l.limitId]).toEqual(['cash', 'cash:2022']);
    // 2020 pays 266.4 of its 1000 and carries 733.6; 2021 pays 199.8 from it and 533.8 is
    // recovered, carrying its own 100; 2022 pays 199.8 from 2021's 100 and 99.8 of its own, carrying 0.2.
    expect(flow(1, 666)).toEqual([
      { year: 2020, carriedIn: 0, paid: 266.4, short: 0, carriedOut: 733.6, recovered: 0 },
      { year: 2021, carriedIn: 733.6, paid: 199.8, short: 0, carriedOut: 100, recovered: 533.8 },
      { year: 2022, carriedIn: 100, paid: 199.8, short: 0, carriedOut: 0.2, recovered: 0 },
    ]);
    // One more 万 would leave 2022 short: 0.3 × 667 = 200.1 > 200.
    expect(flow(1, 667)[2]!.short).toBe(1000);
  });
  it('K = 2: all the cash of the horizon pays the last year', async () => {
    const o = await at(2);
    const l = lineOf(o, 'A');
    expect(l.grant.toNumber()).toBe(1200 * WAN);
    expect([l.binding, l.limitId]).toEqual(['cash', 'cash:2020-2022']);
    expect(flow(2, 1200)).toEqual([
      { year: 2020, carriedIn: 0, paid: 480, short: 0, carriedOut: 520, recovered: 0 },
      { year: 2021, carriedIn: 520, paid: 360, short: 0, carriedOut: 260, recovered: 0 },
      { year: 2022, carriedIn: 260, paid: 360, short: 0, carriedOut: 0, recovered: 0 },
    ]);
    // The verifier's own payment of the years agrees.
    const due = new Map([[2020, yuan(480 * WAN)], [2021, yuan(360 * WAN)], [2022, yuan(360 * WAN)]]);
    expect(payYears(plan(2).cash, plan(2).opening, 2, due).map((y) => [y.short.toNumber(), y.recovered.toNumber()])).toEqual([[0, 0], [0, 0], [0, 0]]);
  });
  it('opening balances pay up to their year + K', async () => {
    // 2019's 200万 carried in: with K = 1 it may pay 2020 only, with K = 2 also 2021.
    const o = await run({ year: 2020, granularity: '1万', cash: { '2020': '0', '2021': '0' }, carryOver: { years: 1, opening: { '2019': '200万' } } }, policyOf([M50]), [app('A', 'C1', 'M50', 2020, 2000, 80)]).then(solved);
    // 0.5 G ≤ 200万 in 2020 and nothing left for 2021: 0.5 G ≤ 0 → nothing.
    expect(lineOf(o, 'A').grant.toNumber()).toBe(0);
    const o2 = await run({ year: 2020, granularity: '1万', cash: { '2020': '0', '2021': '0' }, carryOver: { years: 2, opening: { '2019': '200万' } } }, policyOf([M50]), [app('A', 'C1', 'M50', 2020, 2000, 80)]).then(solved);
    expect(lineOf(o2, 'A').grant.toNumber()).toBe(200 * WAN);
  });
});

describe('rounding on instalments as paid', () => {
  // 33.3% / 33.3% / 33.4%: one unit of 100 yuan pays 33, 33 and 34. After H takes 100万 of
  // 2020's 1,000,033 yuan, 33 yuan are left: the LP's 0.333 × L ≤ 33 gives L less than a unit,
  // but a unit's first instalment is 33 yuan, which fits; a second unit would put 66 in 2020.
  // (L's score, 20, buys less per yuan of 2020's cash than H's 90, even at a third of its grant.)
  const M333 = measure('M333', [{ type: 'projectCap', amount: '1亿' }], [['33.3%', 0], ['33.3%', 1], ['33.4%', 2]]);
  it('hands out a unit whose rounded instalments fit, and names the year that stops the next', async () => {
    const o = await run(
      { year: 2020, budget: '1亿', granularity: '100', cash: { '2020': '1000033', '2021': '1亿', '2022': '1亿' } },
      policyOf([MNOW, M333]),
      [app('H', 'C1', 'MNOW', 2020, 100, 90), app('L', 'C2', 'M333', 2020, 100, 20)],
    ).then(solved);
    expect(lineOf(o, 'H').grant.toNumber()).toBe(1_000_000);
    const l = lineOf(o, 'L');
    expect(l.grant.toNumber()).toBe(100);
    expect([l.binding, l.limitId]).toEqual(['cash', 'cash:2020']);
  });
});

describe('room under a year of cash', () => {
  it('is what every gain up to it keeps within the year, though a larger gain may fit where a smaller does not', () => {
    // 40% / 30% / 30% at ¥1: ¥603,688 pays 241,475, 181,106 and 181,107 (the last takes the rest);
    // ¥603,689 pays 181,108 in 2021 (one more), ¥603,690 pays 181,107 again. With 2021's cash at
    // exactly 181,107, a gain of 2 fits and a gain of 1 does not: the room is 0.
    const m = parsed(measure('M', [{ type: 'projectCap', amount: '1亿' }], [['40%', 0], ['30%', 1], ['30%', 2]]));
    const candidate = { measureId: 'M', year: 2019 } as Application;
    const window = { id: 'cash:2021', from: 2021, to: 2021, supply: new D(181_107), ledger: new D(0), room: new D(181_107) };
    const tracker = new CashTracker([{ window, members: [0], weights: [new D('0.3')] }], [candidate], new Map([['M', m]]), new D(1), [603_688]);
    expect([1, 2].map((e) => tracker.dueIn(0, 603_688 + e, 0) - tracker.dueIn(0, 603_688, 0))).toEqual([1, 0]);
    expect(tracker.over(0)).toBe(0);
    expect(tracker.room(0, 603_688, 5)).toBe(0);
    // A yuan of room: gains of 1 to 3 keep the year (181,108, 181,107, 181,108), a gain of 4 does not (181,109).
    const roomier = new CashTracker([{ window: { ...window, supply: new D(181_108), room: new D(181_108) }, members: [0], weights: [new D('0.3')] }], [candidate], new Map([['M', m]]), new D(1), [603_688]);
    expect(roomier.room(0, 603_688, 10)).toBe(3);
  });
});

describe('a forecast of next year', () => {
  // A (2020, 50/50 over two years, score 40) asks 1000万; cash 1000万 in 2020, 500万 in 2021.
  // Alone it gets all 1000万 (500万 due in 2021). With P, a 2021 forecast of 300万 paid at once
  // with score 90, 2021's cash goes to P first: 0.5 × A ≤ 200万 → A = 400万.
  const policy = policyOf([M50, MNOW]);
  const records = [app('A', 'C1', 'M50', 2020, 1000, 40)];
  const scenario = { year: 2020, budget: '1亿', granularity: '1万', cash: { '2020': '1000万', '2021': '500万' } };
  it('makes this year fund less than the one-year optimum, cut by 2021 and saying so', async () => {
    const alone = await run(scenario, policy, records).then(solved);
    expect(lineOf(alone, 'A').grant.toNumber()).toBe(1000 * WAN);
    expect(alone.detail.allocation.plan).toBeUndefined();
    const plan = { '2021': { applications: csvFile('forecast-2021.csv', [app('P', 'C2', 'MNOW', 2021, 300, 90)]) } };
    const o = await run({ ...scenario, plan }, policy, records).then(solved);
    const a = lineOf(o, 'A');
    expect(a.grant.toNumber()).toBe(400 * WAN);
    expect([a.binding, a.limitId]).toEqual(['cash', 'cash:2021']);
    expect(recordOf(o, 'A').note).toContain('2021年资金已被');
    expect(recordOf(o, 'A').note).toContain('规划年度预计项目');
    // The forecast is indicative: in the plan lines, not in this year's grants or allocations.csv.
    expect(lineOf(o, 'P').grant.toNumber()).toBe(300 * WAN);
    expect(o.detail.allocation.plan!.granted.toNumber()).toBe(300 * WAN);
    expect(o.detail.allocation.granted.toNumber()).toBe(400 * WAN);
    expect(o.allocations.map((r) => r.project_id)).toEqual(['A']);
  });
});

/** A ledger file in the test folder, written as a solve writes it. */
function ledgerFile(name: string, rows: readonly Commitment[]): string {
  writeFileSync(join(dir, name), commitmentsCsv(rows));
  return name;
}
const row = (projectId: string, companyId: string, measureId: string, approvedYear: number, grantWan: number, installment: number, dueYear: number, amountWan: number, status: Commitment['status'] = 'planned'): Commitment => ({
  projectId, projectName: `项目${projectId}`, companyId, companyName: `企业${companyId}`, measureId, approvedYear, grant: yuan(grantWan * WAN), installment, dueYear, amount: yuan(amountWan * WAN), status,
});

describe('once per company', () => {
  const MONCE = measure('MONCE', [{ type: 'projectCap', amount: '200万' }, { type: 'oncePerCompany' }]);
  const policy = policyOf([MONCE, MNOW]);
  const commitments = [
    ledgerFile('once-2019.csv', [
      row('OLD-1', 'C1', 'MONCE', 2019, 100, 1, 2019, 100, 'paid'),
      row('OLD-2', 'C2', 'MONCE', 2019, 150, 1, 2019, 150, 'cancelled'),
    ]),
  ];
  const records = [app('N1', 'C1', 'MONCE', 2020, 100, 90), app('N2', 'C2', 'MONCE', 2020, 100, 80), app('N3', 'C1', 'MNOW', 2020, 100, 70)];
  it('a company approved under the measure before gets nothing, the earlier project and year named', async () => {
    const o = await run({ year: 2020, budget: '1亿', commitments }, policy, records).then(solved);
    expect(lineOf(o, 'N1').grant.toNumber()).toBe(0);
    expect(lineOf(o, 'N1').binding).toBe('ineligible');
    const note = recordOf(o, 'N1').note;
    expect(note).toContain('OLD-1');
    expect(note).toContain('2019年');
    // A project cancelled in full does not count; another measure is another matter.
    expect(lineOf(o, 'N2').grant.toNumber()).toBe(100 * WAN);
    expect(lineOf(o, 'N3').grant.toNumber()).toBe(100 * WAN);
  });
});

describe('targets', () => {
  const MB = measure('MB', [{ type: 'projectCap', amount: '1亿' }]);
  const policy = policyOf([MNOW, MB]);
  // H (score 90) asks 800万, L (score 50) 500万, from a budget of 1000万: L gets 200万.
  const records = [app('H', 'C1', 'MNOW', 2020, 800, 90), app('L', 'C2', 'MB', 2020, 500, 50)];
  const target = (min: string, hard: boolean) => ({ id: 'T-B', name: { zh: 'B类累计', en: 'B so far' }, measures: ['MB'], amount: { min }, by: 2020, hard });
  const at = (targets: unknown[], extra: Record<string, unknown> = {}) => run({ year: 2020, budget: '1000万', granularity: '1万', targets, ...extra }, policy, records);
  const grants = (o: Solved) => ['H', 'L'].map((id) => lineOf(o, id).grant.div(WAN).toNumber());

  it('a soft target reports and changes nothing', async () => {
    expect(grants(await at([]).then(solved))).toEqual([800, 200]);
    const o = await at([target('5000万', false)]).then(solved);
    expect(grants(o)).toEqual([800, 200]);
    expect(o.detail.verification.violations).toEqual([]);
  });
  it('a hard amount target is a floor, counting the ledger from the policy\'s start', async () => {
    expect(grants(await at([target('400万', true)]).then(solved))).toEqual([600, 400]);
    // 150万 approved under MB in 2019 count; 2018's (before validFrom) and a cancelled project do not.
    const commitments = [
      ledgerFile('targets-ledger.csv', [
        row('E-1', 'C3', 'MB', 2019, 150, 1, 2019, 150, 'paid'),
        row('E-2', 'C4', 'MB', 2018, 90, 1, 2018, 90, 'paid'),
        row('E-3', 'C5', 'MB', 2019, 70, 1, 2019, 70, 'cancelled'),
      ]),
    ];
    const o = await at([target('400万', true)], { commitments }).then(solved);
    expect(grants(o)).toEqual([750, 250]);
    expect([lineOf(o, 'H').binding, lineOf(o, 'H').limitId]).toEqual(['total_budget', 'budget']);
  });
  it('a hard target no allocation reaches is named like a floor', async () => {
    const o = await at([target('2000万', true)]);
    expect(o.status).toBe('infeasible');
    if (o.status !== 'infeasible') return;
    // Its applications are entitled to 500万 in all, short of 2000万.
    const named = o.conflicts.find((c) => c.limit === 'target:T-B (scenario.targets.T-B)');
    expect(named?.description).toContain('¥5,000,000');
  });
});

describe('the ledger through two solves', () => {
  // 2020: A 500万 and B 300万 paid 40/30/30, C 100万 at once. 2021's scenario reads the ledger
  // after the bureau marked 2020's instalments paid, cancelled B (验收未通过) and moved A's second
  // instalment from 2021 to 2022 (验收推迟).
  const policy = policyOf([M40, MNOW]);
  const y2020 = [app('A', 'C1', 'M40', 2020, 500, 90), app('B', 'C2', 'M40', 2020, 300, 80), app('C', 'C3', 'MNOW', 2020, 100, 70)];
  const cash2021 = { '2021': '500万', '2022': '400万', '2023': '100万' };
  const y2021 = [app('D', 'C4', 'MNOW', 2021, 1000, 90)];

  it('what the first writes, edited as a bureau would, is what the second owes', async () => {
    const first = await run({ year: 2020, cash: { '2020': '1亿', '2021': '1亿', '2022': '1亿' }, granularity: '1万' }, policy, y2020).then(solved);
    const out = join(dir, 'y2020');
    await writeOutputs(first, out);
    const written = readFileSync(join(out, 'commitments.csv'));
    const read = readCommitmentsFile(written, 'commitments.csv');
    const ledger = resolveLedgerMeasures(read.entries, (t) => t, 'commitments.csv');
    expect(ledger.map((c) => [c.projectId, c.installment, c.dueYear, c.amount.div(WAN).toNumber(), c.status])).toEqual([
      ['A', 1, 2020, 200, 'planned'], ['A', 2, 2021, 150, 'planned'], ['A', 3, 2022, 150, 'planned'],
      ['B', 1, 2020, 120, 'planned'], ['B', 2, 2021, 90, 'planned'], ['B', 3, 2022, 90, 'planned'],
      ['C', 1, 2020, 100, 'planned'],
    ]);

    // The bureau's edit, cell by cell in the CSV as Excel would save it.
    const lines = written.toString('utf8').split('\r\n');
    const edited = lines.map((l, i) => {
      if (i === 0 || !l) return l;
      // Columns: 0 项目编号 … 7 期次, 8 应拨年度, 9 应拨金额, 10 状态.
      const cells = l.split(',');
      const [id, installment, due] = [cells[0], cells[7], cells[8]];
      if (due === '2020') cells[10] = '已拨付';
      if (id === 'B') cells[10] = '撤销';
      if (id === 'A' && installment === '2') cells[8] = '2022';
      return cells.join(',');
    });
    writeFileSync(join(out, 'edited.csv'), edited.join('\r\n'));
    const second = { year: 2021, cash: cash2021, granularity: '1万' };
    const loadedOf = (file: string) => loadInput({ scenario: { name: '2021', policy: 'inline', applications: 'inline', ...second, commitments: [file] }, policy, applications: y2021, baseDir: dir });
    const dues = (file: string) => [...ledgerDue(loadedOf(file).scenario.years!.ledger, [2021, 2022, 2023]).values()].map((v) => v.div(WAN).toNumber());
    // Unedited: A's and B's 150 + 90 in 2021 and in 2022. Edited: only A, both its instalments in 2022.
    expect(dues('y2020/commitments.csv')).toEqual([240, 240, 0]);
    expect(dues('y2020/edited.csv')).toEqual([0, 300, 0]);
    expect(loadedOf('y2020/edited.csv').warnings).toEqual([]);
    expect(loadedOf('y2020/commitments.csv').warnings.map((w) => w.found).join()).toContain('still marked planned');

    // D is paid at once in 2021: all of 2021's cash after what the ledger owes then.
    const d = async (file: string) => lineOf(await run({ ...second, commitments: [file] }, policy, y2021).then(solved), 'D');
    expect((await d('y2020/commitments.csv')).grant.div(WAN).toNumber()).toBe(260);
    const edited2021 = await d('y2020/edited.csv');
    expect(edited2021.grant.div(WAN).toNumber()).toBe(500);
    expect([edited2021.binding, edited2021.limitId]).toEqual(['cash', 'cash:2021']);
  });
});

describe('the years verifier', () => {
  // 2020, cash 100万 / 100万 / 100万, K = 1; the ledger owes 60万 in 2021 (O-1, 40/30/30 of 200万,
  // its first instalment paid, its last cancelled: a bureau may cancel one instalment).
  const MONCE = measure('MONCE', [{ type: 'projectCap', amount: '1亿' }, { type: 'oncePerCompany' }]);
  const policy = policyOf([M40, MNOW, MONCE]);
  const commitments = [
    ledgerFile('verify-ledger.csv', [
      row('O-1', 'C9', 'MONCE', 2019, 200, 1, 2019, 80, 'paid'),
      row('O-1', 'C9', 'MONCE', 2019, 200, 2, 2021, 60),
      row('O-1', 'C9', 'MONCE', 2019, 200, 3, 2022, 60, 'cancelled'),
    ]),
  ];
  const records = [app('A', 'C1', 'M40', 2020, 1000, 90), app('B', 'C2', 'MNOW', 2020, 1000, 80), app('N', 'C9', 'MONCE', 2020, 100, 70)];
  const scenario = { year: 2020, budget: '1亿', granularity: '1万', cash: { '2020': '100万', '2021': '100万', '2022': '100万' }, carryOver: { years: 1 }, commitments };
  const loaded = loadInput({ scenario: { name: 'v', policy: 'inline', applications: 'inline', ...scenario }, policy, applications: records, baseDir: dir });
  const appOf = (id: string) => loaded.applications.find((a) => a.projectId === id)!;
  const check = (wan: Readonly<Record<string, number>>, written?: readonly Commitment[]) =>
    verifyYears(loaded.policy, loaded.scenario, { thisYear: Object.entries(wan).map(([id, g]): YearGrant => ({ app: appOf(id), grant: yuan(g * WAN) })), planned: [], ...(written ? { written } : {}) });
  const broken = (wan: Readonly<Record<string, number>>) => check(wan).violations.map((v) => `${v.rule} · ${v.subject}: ${v.excess}`);

  it('passes what the solve allocates and catches nothing there', async () => {
    const o = await run(scenario, policy, records).then(solved);
    expect(o.detail.verification.violations).toEqual([]);
    const grants = Object.fromEntries(o.detail.allocation.lines.map((l) => [l.app.projectId, l.grant.div(WAN).toNumber()]));
    expect(grants.N).toBe(0);
    expect(check(grants).violations).toEqual([]);
    expect(check(grants).checks).toBeGreaterThan(3);
  });
  it("catches a year's cash broken", () => {
    // B 100万 at once fills 2020; A 100万 puts 40 in 2020 too: 2020 owes 140 of 100.
    expect(broken({ A: 100, B: 100 })).toEqual(['cash 2020 (carry-over 1 year, oldest money first) · 2020: 400000']);
    // A at 250: 2020 pays 100 (nothing carried), 2021 owes the ledger's 60 + 75 = 135 of 100.
    // A at 200: 2020 pays 80 and carries 20; 2021 owes 60 + 60 = 120 of 20 + 100: it fits.
    expect(broken({ A: 250 })).toEqual(['cash 2021 (carry-over 1 year, oldest money first) · 2021: 350000']);
    expect(broken({ A: 200 })).toEqual([]);
  });
  it('catches money used after its carry-over ran out', () => {
    // A 2022 forecast P paid at once: 2020's 100万 pays the ledger's 60 in 2021 and the other 40
    // is recovered at the end of 2021 (K = 1); 2022 has 2021's 100 and its own 100. P = 200 fits,
    // P = 210 is 10 short though the three years' cash less the ledger (240) would cover it.
    const p = { projectId: 'P', companyId: 'C7', measureId: 'MNOW', year: 2022 };
    const at = (wan: number, K: number) =>
      verifyYears(loaded.policy, { ...loaded.scenario, cashPlan: { ...loaded.scenario.cashPlan!, carryYears: K } }, { thisYear: [], planned: [{ app: p, grant: yuan(wan * WAN) }] }).violations.map((v) => `${v.rule} · ${v.subject}: ${v.excess}`);
    expect(at(200, 1)).toEqual([]);
    expect(at(210, 1)).toEqual(['cash 2022 (carry-over 1 year, oldest money first) · 2022: 100000']);
    // K = 2: 2020's money still pays 2022.
    expect(at(240, 2)).toEqual([]);
    expect(at(241, 2)).toEqual(['cash 2022 (carry-over 2 years, oldest money first) · 2022: 10000']);
    // K = 0: each year its own: A 200万 puts 60 in 2021 beside the ledger's 60, 20 over.
    const k0 = (g: number) => verifyYears(loaded.policy, { ...loaded.scenario, cashPlan: { ...loaded.scenario.cashPlan!, carryYears: 0 } }, { thisYear: [{ app: appOf('A'), grant: yuan(g * WAN) }], planned: [] }).violations.map((v) => `${v.subject}: ${v.excess}`);
    expect(k0(100)).toEqual([]);
    expect(k0(200)).toEqual(['2021: 200000']);
  });
  it('catches once per company broken', () => {
    expect(broken({ N: 10 })).toEqual(['MONCE oncePerCompany: approved before as O-1 (2019) · N: 100000']);
  });
  it('catches a ledger written wrong and a ledger read whose instalments do not sum to the grant', () => {
    const right: Commitment[] = [0, 1, 2].map((k) => row('A', 'C1', 'M40', 2020, 100, k + 1, 2020 + k, [40, 30, 30][k]!));
    expect(check({ A: 100 }, right).violations).toEqual([]);
    const wrong = right.map((c) => (c.installment === 3 ? { ...c, amount: yuan(29 * WAN) } : c));
    expect(check({ A: 100 }, wrong).violations.map((v) => [v.rule, v.subject, v.excess])).toEqual([["ledger written: the grant's instalments, summing to it", 'A', '10000']]);
    expect(check({ A: 100 }, [...right, row('X', 'C1', 'M40', 2020, 1, 1, 2020, 1)]).violations.map((v) => v.subject)).toEqual(['X']);
    // Checked in fen where the amounts are whole fen, else in Decimal: both catch it, in the same words.
    const late = right.map((c) => (c.installment === 2 ? { ...c, dueYear: 2022 } : c));
    expect(check({ A: 100 }, late).violations.map((v) => [v.rule, v.limit, v.value, v.excess])).toEqual([["ledger written: the grant's instalments, summing to it", '2020: 400000, 2021: 300000, 2022: 300000', '2020: 400000, 2022: 300000, 2022: 300000', '0']]);
    const subFen = right.map((c) => (c.installment === 3 ? { ...c, amount: new D('290000.001') } : c));
    expect(check({ A: 100 }, subFen).violations.map((v) => [v.rule, v.value, v.excess])).toEqual([["ledger written: the grant's instalments, summing to it", '2020: 400000, 2021: 300000, 2022: 290000.001', '9999.999']]);
    const scenarioWith = { ...loaded.scenario, years: { ...loaded.scenario.years!, ledger: loaded.scenario.years!.ledger.map((c) => (c.installment === 2 ? { ...c, amount: yuan(61 * WAN) } : c)) } };
    const v = verifyYears(loaded.policy, scenarioWith, { thisYear: [], planned: [] }).violations;
    expect(v.map((x) => [x.rule, x.subject, x.excess])).toEqual([['ledger: instalments sum to the grant', 'O-1', '10000']]);
  });
  it('catches a hard target missed', () => {
    const hard = { ...loaded.scenario, targets: [{ id: 'T', name: { zh: 't', en: 't' }, measures: ['MONCE'], amount: { min: yuan(250 * WAN) }, by: 2020, hard: true }] };
    const at = (wan: number) => verifyYears(loaded.policy, hard, { thisYear: [{ app: appOf('A'), grant: yuan(wan * WAN) }], planned: [] }).violations.map((v) => `${v.subject}: ${v.excess}`);
    // The ledger's O-1 (200万, not cancelled in full) counts; A is under another measure.
    expect(at(10)).toEqual(['T: 500000']);
    // A count under MONCE and M40: O-1 is one approval, A (when funded) another; B's MNOW is not counted.
    const counted = { ...loaded.scenario, targets: [{ id: 'N', name: { zh: 'n', en: 'n' }, measures: ['MONCE', 'M40'], count: { min: 2 }, by: 2020, hard: true }] };
    const count = (wan: number) => verifyYears(loaded.policy, counted, { thisYear: [{ app: appOf('A'), grant: yuan(wan * WAN) }, { app: appOf('B'), grant: yuan(WAN) }], planned: [] }).violations.map((v) => `${v.rule}: ${v.value} of ${v.limit}`);
    expect(count(10)).toEqual([]);
    expect(count(0)).toEqual(['target N count by 2020: 1 of 2']);
  });
});

describe('random multi-year instances against an LP of money flowing between years', () => {
  beforeAll(initHighs);
  const PATTERNS: Plan[] = [[['100%', 0]], [['50%', 0], ['50%', 1]], [['40%', 0], ['30%', 1], ['30%', 2]], [['30%', 0], ['70%', 2]], [['60%', 1], ['40%', 2]], [['33.3%', 0], ['33.3%', 1], ['33.4%', 2]]];
  const HORIZON = [2020, 2021, 2022];
  /** A share such as "33.3%" in thousandths (exact for the patterns here). */
  const perMille = (share: string) => Math.round(parseFloat(share) * 10);
  const G = 100; // granularity, yuan

  interface Instance {
    readonly seed: number;
    readonly measures: readonly { id: string; rate: number; capWan: number; plan: Plan }[];
    readonly companyCapWan: number;
    readonly budgetWan: number;
    readonly cashWan: readonly number[];
    readonly openingWan: number;
    readonly K: number;
    readonly apps: readonly { id: string; company: string; measure: number; year: number; requestedWan: number; investmentWan: number; score: number }[];
    readonly ledger: readonly Commitment[];
  }

  function instance(seed: number): Instance {
    const rand = mulberry32(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const measures = [0, 1, 2].map((k) => ({ id: `R${k}`, rate: [20, 30, 50][int(0, 2)]!, capWan: int(1, 8) * 100, plan: PATTERNS[int(0, PATTERNS.length - 1)]! }));
    const apps: Instance['apps'][number][] = [];
    for (const [year, n] of [[2020, int(5, 9)], [2021, int(2, 5)], [2022, int(1, 4)]] as const) {
      for (let i = 0; i < n; i++) {
        apps.push({ id: `Y${year}-${i}`, company: `C${int(1, 4)}`, measure: int(0, 2), year, requestedWan: int(10, 900) + int(0, 9) / 10, investmentWan: int(100, 3000), score: int(60, 99) });
      }
    }
    // The ledger: a few projects of 2018–2019 still owing instalments in the horizon.
    const ledger: Commitment[] = [];
    const projects = int(0, 3);
    for (let p = 0; p < projects; p++) {
      const approved = int(2018, 2019);
      const company = `C${int(1, 6)}`;
      const grantWan = int(5, 60);
      const m = measures[int(0, 2)]!;
      let paid = 0;
      m.plan.forEach(([share, after], k) => {
        const amount = k + 1 < m.plan.length ? Math.floor((grantWan * WAN * perMille(share)) / 1000) : grantWan * WAN - paid;
        paid += amount;
        const due = approved + after;
        ledger.push({ ...row(`L${seed}-${p}`, company, m.id, approved, grantWan, k + 1, due, 0, due < 2020 ? 'paid' : rand() < 0.2 ? 'cancelled' : 'planned'), amount: yuan(amount) });
      });
    }
    return { seed, measures, companyCapWan: int(2, 10) * 100, budgetWan: int(3, 20) * 100, cashWan: HORIZON.map(() => int(1, 8) * 100), openingWan: int(0, 2) * 50, K: int(0, 2), apps, ledger };
  }

  const record = (a: Instance['apps'][number], ms: Instance['measures']) => app(a.id, a.company, ms[a.measure]!.id, a.year, a.requestedWan, a.score, a.investmentWan);

  /** The entitlement, simply: the least of rate × investment, the project cap and the request, down to the granularity. */
  const capOf = (a: Instance['apps'][number], ms: Instance['measures']) => {
    const m = ms[a.measure]!;
    const yuanCap = Math.min((a.investmentWan * WAN * m.rate) / 100, m.capWan * WAN, Math.round(a.requestedWan * WAN));
    return Math.floor(yuanCap / G) * G;
  };

  /** The LP: grants, and money of each year (or carried in) flowing to the years it may pay; in 万. */
  function flowLp(t: Instance) {
    const ms = t.measures;
    const columns: { lower: number; upper: number; cost: number }[] = t.apps.map((a) => ({ lower: 0, upper: capOf(a, ms) / WAN, cost: a.score }));
    const rows: { terms: [number, number][]; lower: number | null; upper: number | null }[] = [];
    const sources = [{ year: 2019, supply: t.openingWan }, ...HORIZON.map((year, k) => ({ year, supply: t.cashWan[k]! }))];
    const inflow = new Map<number, [number, number][]>(HORIZON.map((y) => [y, []]));
    for (const s of sources) {
      const out: [number, number][] = [];
      for (const y of HORIZON) {
        if (y < s.year || y > s.year + t.K) continue;
        columns.push({ lower: 0, upper: 1e9, cost: 0 });
        out.push([columns.length - 1, 1]);
        inflow.get(y)!.push([columns.length - 1, 1]);
      }
      if (out.length) rows.push({ terms: out, lower: null, upper: s.supply });
    }
    for (const y of HORIZON) {
      const owed = t.ledger.filter((c) => c.status === 'planned' && c.dueYear === y).reduce((s, c) => s + c.amount.toNumber(), 0) / WAN;
      const terms: [number, number][] = [...inflow.get(y)!];
      t.apps.forEach((a, i) => {
        const share = ms[a.measure]!.plan.filter(([, after]) => a.year + after === y).reduce((s, [sh]) => s + perMille(sh) / 1000, 0);
        if (share > 0) terms.push([i, -share]);
      });
      rows.push({ terms, lower: owed, upper: null });
    }
    const groups = new Map<string, number[]>();
    t.apps.forEach((a, i) => groups.set(`${a.company}|${a.year}`, [...(groups.get(`${a.company}|${a.year}`) ?? []), i]));
    for (const members of groups.values()) rows.push({ terms: members.map((i) => [i, 1]), lower: null, upper: t.companyCapWan });
    rows.push({ terms: t.apps.flatMap((a, i): [number, number][] => (a.year === 2020 ? [[i, 1]] : [])), lower: null, upper: t.budgetWan });
    return { sense: 'max' as const, columns, rows };
  }

  /** Every rule on fundplan's grants, checked here: bounds, granularity, company caps, the budget, and every run of years' cash on the instalments. */
  function checkGrants(t: Instance, grants: readonly number[]): void {
    const ms = t.measures;
    t.apps.forEach((a, i) => {
      expect(grants[i]! % G).toBe(0);
      expect(grants[i]!).toBeGreaterThanOrEqual(0);
      expect(grants[i]!).toBeLessThanOrEqual(capOf(a, ms));
    });
    const byCompany = new Map<string, number>();
    t.apps.forEach((a, i) => byCompany.set(`${a.company}|${a.year}`, (byCompany.get(`${a.company}|${a.year}`) ?? 0) + grants[i]!));
    for (const total of byCompany.values()) expect(total).toBeLessThanOrEqual(t.companyCapWan * WAN);
    expect(t.apps.reduce((s, a, i) => s + (a.year === 2020 ? grants[i]! : 0), 0)).toBeLessThanOrEqual(t.budgetWan * WAN);
    const due = new Map<number, number>(HORIZON.map((y) => [y, 0]));
    for (const c of t.ledger) if (c.status === 'planned' && due.has(c.dueYear)) due.set(c.dueYear, due.get(c.dueYear)! + c.amount.toNumber());
    t.apps.forEach((a, i) => {
      const plan = ms[a.measure]!.plan;
      let paid = 0;
      plan.forEach(([share, after], k) => {
        const amount = k + 1 < plan.length ? Math.floor((grants[i]! * perMille(share)) / 1000) : grants[i]! - paid;
        paid += amount;
        if (due.has(a.year + after)) due.set(a.year + after, due.get(a.year + after)! + amount);
      });
    });
    // Hall's condition on every run of years [a, b]: what falls due in it ≤ the money usable in it.
    const supply = new Map<number, number>([[2019, t.openingWan * WAN], ...HORIZON.map((y, k) => [y, t.cashWan[k]! * WAN] as const)]);
    for (let a = 0; a < HORIZON.length; a++) {
      for (let b = a; b < HORIZON.length; b++) {
        const owed = HORIZON.slice(a, b + 1).reduce((s, y) => s + due.get(y)!, 0);
        const usable = [...supply].filter(([y]) => y <= HORIZON[b]! && y + t.K >= HORIZON[a]!).reduce((s, [, v]) => s + v, 0);
        expect(owed, `seed ${t.seed}: ${HORIZON[a]}–${HORIZON[b]}`).toBeLessThanOrEqual(usable);
      }
    }
  }

  it('fundplan reaches the LP optimum within the rounding and breaks no rule', async () => {
    const cut = new Map<number, number>();
    for (let seed = 1; seed <= 30; seed++) {
      const t = instance(seed);
      const ms = t.measures;
      const policy = policyOf(
        ms.map((m) => measure(m.id, [{ type: 'rate', rate: `${m.rate}%` }, { type: 'projectCap', amount: `${m.capWan}万` }], m.plan)),
        { companyAnnualCap: { amount: `${t.companyCapWan}万`, clause: '第九条' } },
      );
      const plan = Object.fromEntries([2021, 2022].map((y) => [String(y), { applications: csvFile(`r${seed}-${y}.csv`, t.apps.filter((a) => a.year === y).map((a) => record(a, ms))) }]));
      const scenario = {
        year: 2020, budget: `${t.budgetWan}万`, granularity: String(G),
        cash: Object.fromEntries(HORIZON.map((y, k) => [String(y), `${t.cashWan[k]}万`])),
        carryOver: { years: t.K, ...(t.openingWan ? { opening: { '2019': `${t.openingWan}万` } } : {}) },
        plan,
        ...(t.ledger.length ? { commitments: [ledgerFile(`r${seed}-ledger.csv`, t.ledger)] } : {}),
      };
      const o = solved(await run(scenario, policy, t.apps.filter((a) => a.year === 2020).map((a) => record(a, ms))));
      const all = [...o.detail.allocation.lines, ...(o.detail.allocation.plan?.lines ?? [])];
      const grants = t.apps.map((a) => all.find((l) => l.app.projectId === a.id)!.grant.toNumber());
      checkGrants(t, grants);
      const lp = solveHighs(flowLp(t));
      expect(lp.status).toBe('optimal');
      const ours = t.apps.reduce((s, a, i) => s + a.score * grants[i]!, 0);
      const best = lp.objective * WAN;
      // Rounding down to the granularity costs each grant less than one unit (and an instalment a yuan).
      const tolerance = t.apps.reduce((s, a) => s + a.score * G, 0);
      expect(ours, `seed ${seed}`).toBeLessThanOrEqual(best + tolerance);
      expect(ours, `seed ${seed}`).toBeGreaterThanOrEqual(best - tolerance);
      if (all.some((l) => l.binding === 'cash')) cut.set(seed, t.K);
    }
    // Many instances have grants cut by cash, at every K: the comparison is not only of bounds.
    expect(cut.size).toBeGreaterThanOrEqual(10);
    expect(new Set(cut.values())).toEqual(new Set([0, 1, 2]));
  });
});
