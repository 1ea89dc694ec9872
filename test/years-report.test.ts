/**
 * The outputs of a multi-year solve, on a tiny scenario worked by hand: the cash plan by year
 * and measure (summary.json's `years`, cashflow.csv, the workbook's sheet, report.html's chart
 * and report.md's tables, the stdout lines), the binding years and the targets' progress; and a
 * one-year scenario, whose outputs gain none of it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SummarySchema, humanSummary, outputFilesOf, solve, writeOutputs, type Outcome, type Solved } from '../src/index.js';
import { D } from '../src/money.js';
import { withSummary } from '../src/pipeline/solve.js';
import { creditCode } from './helpers/cli-fixtures.js';

const HOSTILE = `<b>"甲类"&'x'</b>`;
const FORMULA = '=1+2 乙类';

/** A-BIG paid 40/30/30% over three years; B-ONCE paid at once. */
function policy(): Record<string, unknown> {
  return {
    id: 'years-test',
    name: { zh: '多年度测试政策', en: 'multi-year test policy' },
    validFrom: '2021-01-01',
    measures: [
      {
        id: 'A-BIG', clause: '第一条', name: { zh: HOSTILE, en: 'big' }, kind: 'project', rules: [{ type: 'projectCap', amount: '500万' }],
        installments: [{ share: '40%', year: 0 }, { share: '30%', year: 1 }, { share: '30%', year: 2 }],
      },
      { id: 'B-ONCE', clause: '第二条', name: { zh: FORMULA, en: 'once' }, kind: 'project', rules: [{ type: 'projectCap', amount: '500万' }] },
    ],
  };
}

const CODE = (k: number) => creditCode(`9144030000000000${k}`);
function app(id: string, k: number, measure: string, requested: number, score: number): Record<string, string> {
  return { 项目编号: id, 项目名称: `项目${id}`, 统一社会信用代码: CODE(k), 企业名称: `企业${k}`, 所属区: '南山区', 申报类别: measure, 申报年度: '2022', '总投资(万元)': '', '申请金额(万元)': String(requested), 评审得分: String(score) };
}

/** 2021's ledger: one A-BIG project of 1,000,000 (400,000 paid in 2021; 300,000 due in 2022 and in 2023). */
const LEDGER = [
  'project_id,project_name,company_id,company_name,measure,approved_year,grant,installment,due_year,amount,status',
  `L1,旧项目,${CODE(9)},旧企业,A-BIG,2021,1000000.00,1,2021,400000.00,paid`,
  `L1,旧项目,${CODE(9)},旧企业,A-BIG,2021,1000000.00,2,2022,300000.00,planned`,
  `L1,旧项目,${CODE(9)},旧企业,A-BIG,2021,1000000.00,3,2023,300000.00,planned`,
].join('\r\n');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fundplan-years-report-'));
  writeFileSync(join(dir, 'commitments.csv'), `${LEDGER}\r\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function solved(o: Outcome): Solved {
  if (o.status === 'infeasible') throw new Error(`infeasible: ${o.message}`);
  return o;
}

/**
 * Cash 100万 / 60万 / 50万 in 2022–2024, no carry-over; the ledger owes 30万 in 2022 and 2023.
 * Rooms for new grants: 70万, 30万, 50万. P1 (A-BIG, 50万, score 90) in full: 20万 / 15万 / 15万;
 * P2 (B-ONCE, 30万, 80) in full: 30万 in 2022; P3 (A-BIG, 200万 asked, 70) then fits 0.4x ≤ 20万
 * and 0.3x ≤ 15万: x = 50万, using up 2022 and 2023 exactly; 2024 keeps 20万, recovered.
 */
const scenario = (extra: Record<string, unknown> = {}) => ({
  name: '多年度测试',
  policy: 'inline',
  applications: 'inline',
  year: 2022,
  commitments: ['commitments.csv'],
  cash: { '2022': '100万', '2023': '60万', '2024': '50万' },
  targets: [{ id: 'T-A', name: { zh: '甲类项目数', en: 'A projects' }, measures: ['A-BIG'], count: { min: 5 }, by: 2023 }],
  ...extra,
});
const APPS = [app('P1', 1, 'A-BIG', 50, 90), app('P2', 2, 'B-ONCE', 30, 80), app('P3', 3, 'A-BIG', 200, 70)];

describe('a multi-year solve', () => {
  let o: Solved;
  let out: string;
  beforeAll(async () => {
    o = solved(await solve({ scenario: scenario(), policy: policy(), applications: APPS, baseDir: dir }, { timings: false }));
    out = join(dir, 'out');
    await writeOutputs(o, out);
  });

  it('another summary (as the command line gives one) leaves the allocation records unmade until they are read', async () => {
    let made = 0;
    const counted: Solved = { ...o, summary: o.summary };
    Object.defineProperty(counted, 'allocations', { get: () => (made++, o.allocations) });
    const other = withSummary(counted, { ...o.summary, whatif: { written: false, why: 'multi-year', description: 'test' } });
    expect(made).toBe(0);
    expect(other.summary.whatif).toMatchObject({ written: false, why: 'multi-year' });
    expect(other.allocations).toEqual(o.allocations);
    expect(made).toBe(1);
  });

  it('grants what the hand computation says', () => {
    expect(o.allocations.map((a) => [a.project_id, a.grant])).toEqual([
      ['P1', '500000.00'],
      ['P2', '300000.00'],
      ['P3', '500000.00'],
    ]);
  });

  it("summary.json's years: the cash flow, the dues by measure, the binding years, the target, the ledger", () => {
    const y = o.summary.years!;
    expect(SummarySchema.safeParse(o.summary).success).toBe(true);
    expect(y.cashflow).toEqual([
      { year: 2022, cash: '1000000.00', carriedIn: '0.00', dueEarlier: '300000.00', dueThisYear: '700000.00', duePlanned: '0.00', total: '1000000.00', carriedOut: '0.00', recovered: '0.00', roomLeft: '0.00' },
      { year: 2023, cash: '600000.00', carriedIn: '0.00', dueEarlier: '300000.00', dueThisYear: '300000.00', duePlanned: '0.00', total: '600000.00', carriedOut: '0.00', recovered: '0.00', roomLeft: '0.00' },
      { year: 2024, cash: '500000.00', carriedIn: '0.00', dueEarlier: '0.00', dueThisYear: '300000.00', duePlanned: '0.00', total: '300000.00', carriedOut: '0.00', recovered: '200000.00', roomLeft: '200000.00' },
    ]);
    expect(y.byMeasure.filter((m) => m.measure === 'A-BIG').map((m) => [m.year, m.dueEarlier, m.dueThisYear])).toEqual([
      [2022, '300000.00', '400000.00'],
      [2023, '300000.00', '300000.00'],
      [2024, '0.00', '300000.00'],
    ]);
    expect(y.bindingCash).toEqual(['cash:2022', 'cash:2023']);
    // The ledger's project (approved 2021, the policy's first year) and this year's P1 and P3: 3 of 5.
    expect(y.targets).toEqual([{ id: 'T-A', name: { zh: '甲类项目数', en: 'A projects' }, measures: ['A-BIG'], by: 2023, hard: false, kind: 'count', required: '5', achieved: '3', shortfall: '2' }]);
    expect(y.plan).toEqual([]);
    expect(y.ledger).toMatchObject({ rows: 3, owed: '600000.00' });
    expect(y.ledger.files.map((f) => f.file)).toEqual(['commitments.csv']);
    expect(o.summary.scenario.fields).toMatchObject({ cash: '2022 1000000.00; 2023 600000.00; 2024 500000.00', carryOver: 'years 0', commitments: 'commitments.csv' });
    expect(o.summary.scenario.fields.targets).toBe('T-A A-BIG count ≥5 by 2023 soft');
    expect(o.summary.scenario.fields.plan).toBeUndefined();
  });

  it('cashflow.csv: per year its measures, then the total with the cash; hostile names quoted and neutralised', () => {
    const a = `"<b>""甲类""&'x'</b>"`;
    const b = `'=1+2 乙类`;
    expect(readFileSync(join(out, 'cashflow.csv'), 'utf8')).toBe(
      '\uFEFF' +
        [
          '年度,类别编号,申报类别,在建项目应拨,本年度新项目应拨,规划年度预计应拨,合计应拨,年度资金,上年结转,结转下年,收回,年末结余',
          `2022,A-BIG,${a},300000.00,400000.00,0.00,700000.00,,,,,`,
          `2022,B-ONCE,${b},0.00,300000.00,0.00,300000.00,,,,,`,
          '2022,,合计,300000.00,700000.00,0.00,1000000.00,1000000.00,0.00,0.00,0.00,0.00',
          `2023,A-BIG,${a},300000.00,300000.00,0.00,600000.00,,,,,`,
          `2023,B-ONCE,${b},0.00,0.00,0.00,0.00,,,,,`,
          '2023,,合计,300000.00,300000.00,0.00,600000.00,600000.00,0.00,0.00,0.00,0.00',
          `2024,A-BIG,${a},0.00,300000.00,0.00,300000.00,,,,,`,
          `2024,B-ONCE,${b},0.00,0.00,0.00,0.00,,,,,`,
          '2024,,合计,0.00,300000.00,0.00,300000.00,500000.00,0.00,0.00,200000.00,200000.00',
        ].join('\r\n') +
        '\r\n',
    );
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(Object.keys(summary.files)).toContain('cashflow.csv');
    expect(outputFilesOf(summary, false).filter((f) => !existsSync(join(out, f)))).toEqual([]);
  });

  it('report.html: the chart, the binding years in words, the table, the target; names escaped', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="years-section"');
    expect(html).toContain('href="#years-section"');
    const chart = /<svg class="chart" data-testid="cash-chart"[^]*?<\/svg>/.exec(html)![0];
    expect(chart.match(/<g class="cash-year" data-year="\d+"/g)).toHaveLength(3);
    expect(chart.match(/data-binding="true"/g)).toHaveLength(2);
    expect(chart).toContain('预计（仅供参考）');
    expect(html).toContain('data-testid="cash-binding">2022年、2023年资金是约束');
    expect(html).toContain('id="cashflow"');
    expect(html).toContain('软目标（仅报告）');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;b&gt;&quot;甲类&quot;&amp;&#39;x&#39;&lt;/b&gt;');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## 资金拨付计划');
    expect(md).toContain('| **2024** |   | **合计** | **¥0** | **¥300,000** | **¥0** | **¥300,000** | **¥500,000** | **¥0** | **¥0** | **¥200,000** | **¥200,000** |');
  });

  it('report.html in English', async () => {
    const en = solved(await solve({ scenario: scenario(), policy: policy(), applications: APPS, baseDir: dir }, { timings: false, lang: 'en' }));
    const enOut = join(dir, 'out-en');
    await writeOutputs(en, enOut);
    const html = readFileSync(join(enOut, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Cash plan by year</h2>');
    expect(html).toContain('The cash of 2022, 2023 binds');
    expect(readFileSync(join(enOut, 'cashflow.csv'), 'utf8').split('\r\n')[0]).toBe('\uFEFFyear,measure,measure_name,due_earlier,due_this_year,due_planned,total,cash,carried_in,carried_out,recovered,room_left');
  });

  it('the workbook: 资金拨付计划表 with numbers, and the ledger of the new grants', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(out, 'allocations.xlsx')) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['资助计划', '明细', '汇总', '参数', '资金拨付计划表', '拨付台账']);
    const sheet = wb.getWorksheet('资金拨付计划表')!;
    expect(sheet.getRow(4).values).toEqual([undefined, 2022, undefined, '合计', 300000, 700000, 0, 1000000, 1000000, 0, 0, 0, 0]);
    expect(sheet.getRow(2).getCell(3).value).toBe(HOSTILE);
    expect(sheet.getRow(3).getCell(3).value).toBe(`'${FORMULA}`);
    expect(wb.getWorksheet('拨付台账')!.rowCount).toBe(1 + 3 + 1 + 3);
  });

  it('stdout: a line per year and the target', () => {
    const text = humanSummary(o.summary, []);
    expect(text).toContain('2022年：应拨 ¥1,000,000（在建 ¥300,000，本年度新项目 ¥700,000，规划年度预计 ¥0），资金 ¥1,000,000，上年结转 ¥0，结余 ¥0');
    expect(text).toContain('2024年：应拨 ¥300,000');
    expect(text).toContain('2022年、2023年资金是约束');
    expect(text).toContain('目标 甲类项目数（T-A，软目标）：截至2023年要求 5 项，已达到 3 项，差 2 项');
  });
});

describe('carry-over and a plan year', () => {
  it('money carried into the next years, oldest first; the plan years apart and indicative', async () => {
    // 2023's forecast: one B-ONCE application of 40万 (paid at once in 2023).
    writeFileSync(
      join(dir, 'forecast-2023.csv'),
      `项目编号,项目名称,统一社会信用代码,企业名称,所属区,申报类别,申报年度,总投资(万元),申请金额(万元),评审得分\r\nF1,预测项目,${CODE(5)},企业5,南山区,B-ONCE,2023,,40,85\r\n`,
    );
    const s = scenario({ cash: { '2022': '150万', '2023': '60万', '2024': '10万' }, carryOver: { years: 1 }, plan: { '2023': { applications: 'forecast-2023.csv' } } });
    const o = solved(await solve({ scenario: s, policy: policy(), applications: APPS, baseDir: dir }, { timings: false }));
    const y = o.summary.years!;
    const grants = new Map(o.allocations.map((a) => [a.project_id, a.grant]));
    // Whatever the grants, the dues are theirs split 40/30/30 (A-BIG) or at once (B-ONCE), exactly.
    const a = ['P1', 'P3'].reduce((t, id) => t.plus(grants.get(id)!), new D(0));
    const b = new D(grants.get('P2')!);
    expect(y.cashflow[0]!.dueThisYear).toBe(a.times('0.4').plus(b).toFixed(2));
    expect(y.plan).toHaveLength(1);
    expect(y.plan[0]).toMatchObject({ year: 2023, indicative: true, applications: 1 });
    expect(y.cashflow[1]!.duePlanned).toBe(y.plan[0]!.granted);
    // Paying oldest money first: what 2022 leaves is carried into 2023, what 2023 leaves of 2022's is recovered.
    for (const [k, c] of y.cashflow.entries()) {
      expect(new D(c.carriedOut).plus(c.recovered).toFixed(2)).toBe(c.roomLeft);
      expect(new D(c.cash).plus(c.carriedIn).minus(c.total).toFixed(2)).toBe(c.roomLeft);
      if (k > 0) expect(c.carriedIn).toBe(y.cashflow[k - 1]!.carriedOut);
    }
    // By hand: all of 2022–2024 may pay 220万 − 60万 (the ledger) = 160万 of new grants: P1 50万 + P2 30万,
    // then F1 (85 points) its 40万 and P3 (70) the last 40万. 2022 pays 96万 of 150万, carrying 54万;
    // 2023 pays 97万, first those 54万, and carries 17万 of its own into 2024, which pays 27万.
    expect(grants.get('P3')).toBe('400000.00');
    expect(y.cashflow.map((c) => [c.total, c.carriedIn, c.carriedOut, c.recovered])).toEqual([
      ['960000.00', '0.00', '540000.00', '0.00'],
      ['970000.00', '540000.00', '170000.00', '0.00'],
      ['270000.00', '170000.00', '0.00', '0.00'],
    ]);
    expect(y.bindingCash).toEqual(['cash:2022-2024']);
    expect(o.summary.scenario.fields).toMatchObject({ carryOver: 'years 1', plan: '2023 forecast-2023.csv' });
    expect(humanSummary(o.summary, [])).toContain('规划年度预计');
  });
});

describe('a one-year scenario', () => {
  it('has no years in summary.json, no cashflow.csv (an earlier run\'s is removed), no cash section, no multi-year fields', async () => {
    const o = solved(await solve({ scenario: { name: '一年', policy: 'inline', applications: 'inline', year: 2022, budget: '100万' }, policy: policy(), applications: APPS, baseDir: dir }, { timings: false }));
    // Into a folder where a multi-year run wrote its cashflow.csv: that file goes with the rest of its set.
    const out = join(dir, 'one-year');
    await writeOutputs(solved(await solve({ scenario: scenario(), policy: policy(), applications: APPS, baseDir: dir }, { timings: false })), out);
    expect(existsSync(join(out, 'cashflow.csv'))).toBe(true);
    await writeOutputs(o, out);
    expect('years' in o.summary).toBe(false);
    expect(Object.keys(o.summary.scenario.fields)).toEqual(['policy', 'applications', 'year', 'budget', 'minScore', 'measureBudgets', 'companyAnnualCap', 'granularity', 'objective']);
    expect(existsSync(join(out, 'cashflow.csv'))).toBe(false);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(Object.keys(summary.files).sort()).toEqual(outputFilesOf(summary, false).filter((f) => f !== 'summary.json').sort());
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('years-section');
    expect(html).not.toContain('cash-chart');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).not.toContain('资金拨付计划');
    expect(humanSummary(o.summary, [])).not.toMatch(/应拨|资金是约束/);
  });
});
