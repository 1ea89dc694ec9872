/**
 * The policy language's per-application rules: attributes read from the applications file,
 * eligibility conditions, banded rates (marginal and whole), tiers and bonuses. Entitlements
 * hand-computed at and around every boundary; input and policy-file errors with where they
 * are; an end-to-end solve where each rule decides a grant; the verifier catching each rule
 * broken by hand-made grants.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { InputError, type InputIssue } from '../src/errors.js';
import { loadInput, solve, type Outcome, type Solved } from '../src/index.js';
import type { Application } from '../src/model/application.js';
import { entitlementOf } from '../src/model/entitlement.js';
import { parsePolicy, type Policy } from '../src/model/policy.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { scenario } from './helpers/build.js';
import { LANGUAGE_POLICY } from './helpers/language-policy.js';
import { creditCode, csv, fixture, removeFixtures, run } from './helpers/cli-fixtures.js';
import { workbookBytes } from './helpers/workbooks.js';

afterAll(removeFixtures);

const POLICY: Policy = parsePolicy(LANGUAGE_POLICY, 'policy.json');

/** Columns as an applications file has them: standard ones in English, attributes under their Chinese names. */
interface Row {
  id: string;
  measure: string;
  total?: string | number;
  base?: string | number;
  requested?: string | number;
  score?: number;
  company?: string;
  size?: string;
  level?: string;
  star?: string;
  completed?: string | number;
}

function record(r: Row): Record<string, unknown> {
  return {
    project_id: r.id, project_name: `项目${r.id}`, company_id: r.company ?? `C-${r.id}`, company_name: `企业${r.company ?? r.id}`,
    district: '南山区', measure: r.measure, year: 2023, total_investment: r.total ?? '', eligible_base: r.base ?? '',
    requested: r.requested ?? '', upper_funding: '', score: r.score ?? 80,
    企业规模: r.size ?? '', 认定级别: r.level ?? '', 星级: r.star ?? '', 建成日期: r.completed ?? '',
  };
}

const scenarioJson = (fields: Record<string, unknown> = {}) => ({ name: '政策语言', year: 2023, budget: '10亿', ...fields });

/** The applications as the pipeline reads them from records (the table reader, then the policy's checks). */
function load(rows: readonly Row[], policy: unknown = LANGUAGE_POLICY): readonly Application[] {
  return loadInput({ scenario: scenarioJson(), policy, applications: rows.map(record) }).applications;
}

function inputIssues(rows: readonly Row[], policy: unknown = LANGUAGE_POLICY, records = rows.map(record)): readonly InputIssue[] {
  try {
    loadInput({ scenario: scenarioJson(), policy, applications: records });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).issues;
  }
  throw new Error('no input error');
}

const entitlement = (a: Application) => entitlementOf(a, POLICY.measures.find((m) => m.id === a.measureId)!);

describe('policy numbers in every spelling', () => {
  it('reads amounts as "150万", "0.5亿", 1500000 and rates as "30%", "0.3", 0.1 into plain decimals', () => {
    const [invest, cloud, whole, window, tier] = POLICY.measures;
    expect(invest!.rules).toEqual([
      { type: 'eligibility', field: 'total_investment', min: '30000000', max: '50000000' },
      { type: 'rate', rate: '0.1' },
      { type: 'projectCap', amount: '5000000' },
    ]);
    expect(cloud!.rules[0]).toEqual({ type: 'bands', mode: 'marginal', bands: [{ from: '10000', rate: '0.75' }, { from: '50000', rate: '0.25' }] });
    expect(cloud!.rules[1]).toEqual({ type: 'projectCap', amount: '100000' });
    expect(whole!.rules[0]).toEqual({ type: 'bands', mode: 'whole', bands: [{ from: '0', rate: '0.12' }, { from: '10000000', rate: '0.1' }] });
    // Date bounds in any spelling become yyyy-mm-dd.
    expect(window!.rules[0]).toEqual({ type: 'eligibility', field: 'completed', min: '2022-07-01', max: '2023-06-30' });
    expect(window!.rules[2]).toEqual({ type: 'rate', rate: '0.3' });
    expect(window!.rules[3]).toEqual({ type: 'projectCap', amount: '1000000' });
    expect(tier!.rules).toEqual([
      { type: 'tiers', field: 'level', amounts: { 国家级: '1000000', 省级: '500000' } },
      { type: 'bonus', field: 'star', amounts: { 三星: '10000', 四星: '30000', 五星: '50000' } },
    ]);
  });
});

describe('entitlements at and around every boundary (hand-computed)', () => {
  // [what, row, entitlement in yuan, binding]
  const cases: [string, Row, string, string][] = [
    // Eligibility: 3000万 ≤ total investment ≤ 0.5亿, then 10%, at most 500万.
    ['investment exactly at the threshold', { id: 'I1', measure: 'M-INVEST', total: '3000万' }, '3000000', 'rate'],
    ['investment one yuan below the threshold', { id: 'I2', measure: 'M-INVEST', total: 29_999_999 }, '0', 'ineligible'],
    ['investment exactly at the maximum', { id: 'I3', measure: 'M-INVEST', total: '0.5亿' }, '5000000', 'rate'],
    ['investment one yuan above the maximum', { id: 'I4', measure: 'M-INVEST', total: 50_000_001 }, '0', 'ineligible'],
    ['eligibility compares the total investment, not the base', { id: 'I5', measure: 'M-INVEST', total: '4000万', base: '1000万' }, '1000000', 'rate'],
    // Marginal bands: 75% of the part from 1万 to 5万, 25% of the part above 5万; at most 10万.
    ['marginal: a base below the first band', { id: 'C1', measure: 'M-CLOUD', base: 9_999 }, '0', 'bands'],
    ['marginal: a base equal to the first band\'s from', { id: 'C2', measure: 'M-CLOUD', base: '1万' }, '0', 'bands'],
    ['marginal: one yuan into the first band', { id: 'C3', measure: 'M-CLOUD', base: 10_001 }, '0.75', 'bands'],
    ['marginal: a base equal to the second band\'s from', { id: 'C4', measure: 'M-CLOUD', base: '5万' }, '30000', 'bands'],
    ['marginal: one yuan into the second band', { id: 'C5', measure: 'M-CLOUD', base: 50_001 }, '30000.25', 'bands'],
    ['marginal: both bands', { id: 'C6', measure: 'M-CLOUD', base: '15万' }, '55000', 'bands'],
    ['marginal: the cap', { id: 'C7', measure: 'M-CLOUD', base: '50万' }, '100000', 'cap'],
    ['marginal: fractions of a fen rounded down', { id: 'C8', measure: 'M-CLOUD', base: '10001.01' }, '0.75', 'bands'],
    // Whole bands: below 1000万 all at 12%, from 1000万 all at 10%.
    ['whole: one yuan below the second band', { id: 'W1', measure: 'M-WHOLE', base: 9_999_999 }, '1199999.88', 'bands'],
    ['whole: a base equal to the second band\'s from', { id: 'W2', measure: 'M-WHOLE', total: '1000万' }, '1000000', 'bands'],
    ['whole: one yuan into the second band', { id: 'W3', measure: 'M-WHOLE', base: 10_000_001 }, '1000000.1', 'bands'],
    ['whole: a base equal to the first band\'s from plus one', { id: 'W4', measure: 'M-WHOLE', base: 1 }, '0.12', 'bands'],
    ['whole: the amount requested', { id: 'W5', measure: 'M-WHOLE', base: '500万', requested: '50万' }, '500000', 'requested'],
    // A completion window 2022-07-01 to 2023-06-30, small or micro companies only; 30%, at most 100万.
    ['window: text date on the first day', { id: 'D1', measure: 'M-WINDOW', total: '100万', size: '小型', completed: '2022-07-01' }, '300000', 'rate'],
    ['window: text date the day before', { id: 'D2', measure: 'M-WINDOW', total: '100万', size: '小型', completed: '2022/6/30' }, '0', 'ineligible'],
    ['window: text date on the last day', { id: 'D3', measure: 'M-WINDOW', total: '100万', size: '微型', completed: '2023年6月30日' }, '300000', 'rate'],
    ['window: text date the day after', { id: 'D4', measure: 'M-WINDOW', total: '100万', size: '微型', completed: '2023.7.1' }, '0', 'ineligible'],
    ['window: serial date on the first day', { id: 'D5', measure: 'M-WINDOW', total: '100万', size: '小型', completed: 44743 }, '300000', 'rate'],
    ['window: serial date the day before', { id: 'D6', measure: 'M-WINDOW', total: '100万', size: '小型', completed: '44742' }, '0', 'ineligible'],
    ['window: serial date on the last day, with a time', { id: 'D7', measure: 'M-WINDOW', total: '100万', size: '小型', completed: '45107.75' }, '300000', 'rate'],
    ['window: serial date the day after', { id: 'D8', measure: 'M-WINDOW', total: '100万', size: '小型', completed: 45108 }, '0', 'ineligible'],
    ['window: a date with a time of day', { id: 'D9', measure: 'M-WINDOW', total: '500万', size: '小型', completed: '2023-06-30 18:30' }, '1000000', 'cap'],
    ['enum in: a size not listed', { id: 'D10', measure: 'M-WINDOW', total: '100万', size: '中型', completed: '2023-01-01' }, '0', 'ineligible'],
    // Tiers: 国家级 100万, 省级 50万, 市级 not listed; a bonus by star rating on top.
    ['tiers: a listed value, no bonus (empty cell)', { id: 'T1', measure: 'M-TIER', level: '国家级' }, '1000000', 'tier'],
    ['tiers: another listed value', { id: 'T2', measure: 'M-TIER', level: '省级' }, '500000', 'tier'],
    ['tiers: a value not listed', { id: 'T3', measure: 'M-TIER', level: '市级' }, '0', 'ineligible'],
    ['tiers: a value not listed gets no bonus', { id: 'T4', measure: 'M-TIER', level: '市级', star: '五星' }, '0', 'ineligible'],
    ['bonus on top of a tier', { id: 'T5', measure: 'M-TIER', level: '省级', star: '四星' }, '530000', 'bonus'],
    ['requested bounds a bonus', { id: 'T6', measure: 'M-TIER', level: '国家级', star: '三星', requested: '100.5万' }, '1005000', 'requested'],
    ['requested above the bonus', { id: 'T7', measure: 'M-TIER', level: '国家级', star: '三星', requested: '200万' }, '1010000', 'bonus'],
    // Bonus on the least of rate × base and the cap.
    ['bonus: an empty cell, no bonus', { id: 'B1', measure: 'M-BONUS', total: '100万' }, '200000', 'rate'],
    ['bonus on the rate', { id: 'B2', measure: 'M-BONUS', total: '100万', star: '三星' }, '210000', 'bonus'],
    ['bonus on the cap (the least other ceiling)', { id: 'B3', measure: 'M-BONUS', total: '1000万', star: '五星' }, '1550000', 'bonus'],
    ['requested bounds the bonus on the cap', { id: 'B4', measure: 'M-BONUS', total: '1000万', star: '四星', requested: 1_520_000 }, '1520000', 'requested'],
  ];
  const list = load(cases.map(([, row]) => row));
  it.each(cases.map((c, i) => [...c, i] as const))('%s', (_what, _row, amount, binding, i) => {
    const e = entitlement(list[i]!);
    expect(e.amount.toString()).toBe(new D(amount).toString());
    expect(e.binding).toBe(binding);
  });

  it('a failed condition names its rule and the numbers; a bonus keeps the ceiling it goes on top of', () => {
    const below = entitlement(list[1]!);
    expect(below.ceiling.basis).toEqual({ kind: 'eligibility', field: 'total_investment', value: '29999999', min: '30000000', max: '50000000' });
    const early = entitlement(list.find((a) => a.projectId === 'D2')!);
    expect(early.ceiling.basis).toMatchObject({ kind: 'eligibility', field: 'completed', value: '2022-06-30', min: '2022-07-01', max: '2023-06-30' });
    const size = entitlement(list.find((a) => a.projectId === 'D10')!);
    expect(size.ceiling.basis).toMatchObject({ kind: 'eligibility', field: 'size', value: '中型', in: ['小型', '微型'] });
    const bonus = entitlement(list.find((a) => a.projectId === 'B3')!);
    expect(bonus.ceiling.basis).toMatchObject({ kind: 'bonus', field: 'star', value: '五星', before: { rule: 'cap' } });
    expect(bonus.ceilings.filter((c) => c.superseded).map((c) => c.rule)).toEqual(['rate', 'cap']);
  });

  it('the verifier agrees: each entitlement passes, a fen more is caught', () => {
    const s = scenario({ year: 2023, budget: '10亿', granularity: '0.01' });
    const exact = list.map((a) => entitlement(a).amount);
    expect(verifyAllocation(POLICY, s, list, exact).violations).toEqual([]);
    for (let i = 0; i < list.length; i++) {
      const over = exact.map((g, j) => (j === i ? g.plus('0.01') : g));
      const subjects = verifyAllocation(POLICY, s, list, over).violations.map((v) => v.subject);
      expect(subjects.length, list[i]!.projectId).toBeGreaterThan(0);
      expect(new Set(subjects), list[i]!.projectId).toEqual(new Set([list[i]!.projectId]));
    }
  });
});

describe('attribute values in the applications file', () => {
  it('matches an enum value in full-width or another case, and keeps it as listed', () => {
    const policy = { ...LANGUAGE_POLICY, attributes: [...LANGUAGE_POLICY.attributes, { id: 'grade', name: { zh: '等级', en: 'grade' }, type: 'enum', values: ['A级', 'B级'] }] };
    const records = [{ ...record({ id: 'X1', measure: 'M-TIER', level: '国家级' }), 等级: 'ａ级' }];
    const [a] = loadInput({ scenario: scenarioJson(), policy, applications: records }).applications;
    expect(a!.attributes).toEqual({ level: '国家级', grade: 'A级' });
  });

  it('reads a column headed by the attribute id as well as by its Chinese name', () => {
    const { 认定级别: _, ...rest } = record({ id: 'X1', measure: 'M-TIER' });
    const [a] = loadInput({ scenario: scenarioJson(), policy: LANGUAGE_POLICY, applications: [{ ...rest, Level: '省级' }] }).applications;
    expect(a!.attributes).toMatchObject({ level: '省级' });
  });

  it('reads a header marked required with * as the attribute', () => {
    const { 认定级别: level, ...rest } = record({ id: 'X1', measure: 'M-TIER', level: '国家级' });
    const [a] = loadInput({ scenario: scenarioJson(), policy: LANGUAGE_POLICY, applications: [{ ...rest, '*认定级别': level }] }).applications;
    expect(a!.attributes).toMatchObject({ level: '国家级' });
  });

  it('says so when the attribute\'s header is a standard column\'s', () => {
    const policy = {
      ...LANGUAGE_POLICY,
      attributes: [...LANGUAGE_POLICY.attributes, { id: 'region', name: { zh: '所属区', en: 'district' }, type: 'text' }],
      measures: [...LANGUAGE_POLICY.measures, { id: 'M-REGION', clause: '第七条', name: { zh: '区域', en: 'region' }, kind: 'award', rules: [{ type: 'eligibility', field: 'region', in: ['南山区'] }, { type: 'projectCap', amount: '1万' }] }],
    };
    const records = [{ ...record({ id: 'R1', measure: 'M-REGION' }), 所属区: '南山区' } as Record<string, unknown>].map(({ district: _, ...r }) => r);
    expect(inputIssues([], policy, records)).toEqual([
      { file: 'applications', column: '所属区', expected: 'a column "所属区" (or "region"): M-REGION 第七条 eligibility reads it', found: 'only "所属区", which is read as the standard column district (give the attribute another name)' },
    ]);
  });

  it('reports every bad value at once: outside the values, missing where needed, a missing column, a missing total investment', () => {
    const records = [
      record({ id: 'E1', measure: 'M-WINDOW', total: '100万', size: '巨型', completed: '2023-01-01' }),
      record({ id: 'E2', measure: 'M-WINDOW', total: '100万', completed: '2023-01-01' }),
      record({ id: 'E3', measure: 'M-WINDOW', total: '100万', size: '小型', completed: '2023-02-30' }),
      record({ id: 'E4', measure: 'M-INVEST', base: '100万' }),
      record({ id: 'E5', measure: 'M-TIER', star: '六星' }),
    ].map(({ 认定级别: _, ...r }) => r);
    const issues = inputIssues([], LANGUAGE_POLICY, records);
    expect(issues).toEqual([
      { file: 'applications', row: 2, column: '企业规模', expected: 'one of "大型", "中型", "小型", "微型" (size, 企业规模)', found: '"巨型"' },
      { file: 'applications', row: 3, column: '企业规模', expected: 'a value: one of 大型, 中型, 小型, 微型 (M-WINDOW 第四条 eligibility reads 企业规模)', found: 'nothing' },
      { file: 'applications', row: 4, column: '建成日期', expected: 'a date such as 2022-07-01 or 2022年7月1日 (completed, 建成日期)', found: '"2023-02-30"' },
      expect.objectContaining({ file: 'applications', row: 5, column: 'total_investment', found: 'nothing' }),
      { file: 'applications', row: 6, column: '星级', expected: 'one of "三星", "四星", "五星" (star, 星级)', found: '"六星"' },
      { file: 'applications', column: '认定级别', expected: 'a column "认定级别" (or "level"): M-TIER 第五条 tiers reads it', found: 'no such column' },
    ]);
    expect(issues[3]!.expected).toContain('M-INVEST 第一条');
  });

  it('a request up to the project cap and the largest bonus is plausible; above it, a warning', () => {
    const rows = [
      { id: 'Q1', measure: 'M-BONUS', total: '1000万', star: '五星', requested: '155万' },
      { id: 'Q2', measure: 'M-BONUS', total: '1000万', requested: 1_550_001 },
    ];
    const { warnings } = loadInput({ scenario: scenarioJson(), policy: LANGUAGE_POLICY, applications: rows.map(record) });
    expect(warnings.filter((w) => w.column === 'requested').map((w) => [w.row, w.expected])).toEqual([
      [3, 'at most ¥1,550,000, the most M-BONUS 第六条 pays one project, with the largest bonus'],
    ]);
  });

  it('an empty bonus cell, "none" written out, and attributes a measure does not read need no value', () => {
    const list = load([
      { id: 'OK', measure: 'M-BONUS', total: '100万' },
      { id: 'OK2', measure: 'M-CLOUD', base: '2万' },
      { id: 'OK3', measure: 'M-BONUS', total: '100万', star: '无', size: '—', level: 'N/A', completed: '／' },
    ]);
    expect(list.map((a) => a.attributes)).toEqual([{}, {}, {}]);
    expect(entitlement(list[2]!).amount.toString()).toBe('200000');
  });

  it('"none" written out where a rule needs a value is a missing value', () => {
    expect(inputIssues([{ id: 'N1', measure: 'M-TIER', level: '无' }])).toEqual([
      { file: 'applications', row: 2, column: '认定级别', expected: 'a value: one of 国家级, 省级, 市级 (M-TIER 第五条 tiers reads 认定级别)', found: '"无"' },
    ]);
  });
});

describe('policy-file errors, each at its JSON path', () => {
  const measureWith = (rules: unknown[], extra: Record<string, unknown> = {}) => ({
    ...LANGUAGE_POLICY,
    ...extra,
    measures: [{ id: 'M1', clause: '第一条', name: { zh: '措施', en: 'measure' }, kind: 'project', rules }],
  });
  const errors = (json: unknown) => {
    try {
      parsePolicy(json, 'policy.json');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as InputError).issues.map((i) => [i.row, i.expected] as const);
    }
    throw new Error('no policy error');
  };
  const rate = { type: 'rate', rate: '0.3' };
  const cases: [string, unknown, string, string][] = [
    ['an unknown attribute in a rule', measureWith([rate, { type: 'eligibility', field: 'colour', in: ['红'] }]), 'measures[0].rules[1].field', 'a field to compare'],
    ['tiers on a non-enum attribute', measureWith([{ type: 'tiers', field: 'completed', amounts: { x: '1万' } }]), 'measures[0].rules[0].field', 'the id of an "enum" attribute'],
    ['an amounts key not among the values', measureWith([{ type: 'tiers', field: 'level', amounts: { 国家级: '1万', 区级: '1万' } }]), 'measures[0].rules[0].amounts.区级', 'a value of attribute "level"'],
    ['a bonus key not among the values', measureWith([rate, { type: 'bonus', field: 'star', amounts: { 六星: '1万' } }]), 'measures[0].rules[1].amounts.六星', 'a value of attribute "star"'],
    ['tiers without amounts', measureWith([{ type: 'tiers', field: 'level', amounts: {} }]), 'measures[0].rules[0].amounts', 'at least one value of the attribute'],
    ['bands not increasing', measureWith([{ type: 'bands', mode: 'marginal', bands: [{ from: '5万', rate: '75%' }, { from: '5万', rate: '25%' }] }]), 'measures[0].rules[0].bands[1].from', 'bands in increasing order'],
    ['a band rate above 1', measureWith([{ type: 'bands', mode: 'whole', bands: [{ from: 0, rate: '120%' }] }]), 'measures[0].rules[0].bands[0].rate', 'a rate from 0 to 1'],
    ['eligibility with both in and min', measureWith([rate, { type: 'eligibility', field: 'size', in: ['小型'], min: '1' }]), 'measures[0].rules[1]', '"in": the values of "size"'],
    ['eligibility with in on an amount', measureWith([rate, { type: 'eligibility', field: 'total_investment', in: ['1'], min: '1' }]), 'measures[0].rules[1].in', '"min" and/or "max"'],
    ['an eligible value not among the values', measureWith([rate, { type: 'eligibility', field: 'size', in: ['巨型'] }]), 'measures[0].rules[1].in[0]', 'a value of attribute "size"'],
    ['a bad date', measureWith([rate, { type: 'eligibility', field: 'completed', min: '2022-13-01' }]), 'measures[0].rules[1].min', 'a date such as "2022-07-01"'],
    ['a bad amount bound', measureWith([rate, { type: 'eligibility', field: 'total_investment', min: '三千万' }]), 'measures[0].rules[1].min', 'an amount in yuan'],
    ['min above max', measureWith([rate, { type: 'eligibility', field: 'total_investment', min: '5000万', max: '0.3亿' }]), 'measures[0].rules[1]', 'min ≤ max'],
    ['an enum attribute without values', measureWith([rate], { attributes: [{ id: 'size', name: { zh: '企业规模', en: 'size' }, type: 'enum' }] }), 'attributes[0].values', 'the values an "enum" attribute may take'],
    ['an unknown measure in jointCaps', measureWith([rate], { jointCaps: [{ id: 'J1', clause: '第七条', name: { zh: '合计', en: 'together' }, measures: ['M1', 'M9'], per: 'company', amount: '150万' }] }), 'jointCaps[0].measures[1]', 'a measure of this policy'],
    ['an unknown measure in shares', measureWith([rate], { shares: [{ id: 'S1', clause: '第九条', name: { zh: '比例', en: 'share' }, measures: ['M9'], where: { size: ['小型'] }, min: '80%' }] }), 'shares[0].measures[0]', 'a measure of this policy'],
    ['an unknown measure in exempt', measureWith([rate], { companyAnnualCap: { amount: '1000万', exempt: ['M-NONE'], clause: '第六条' } }), 'companyAnnualCap.exempt[0]', 'a measure of this policy'],
    ['a share whose min is above its max', measureWith([rate], { shares: [{ id: 'S1', clause: '第九条', name: { zh: '比例', en: 'share' }, measures: ['M1'], where: { size: ['小型'] }, min: '80%', max: '0.5' }] }), 'shares[0]', 'min ≤ max'],
  ];
  it.each(cases)('%s', (_what, json, path, expected) => {
    const found = errors(json);
    expect(found.map(([p]) => p)).toEqual([path]);
    expect(found[0]![1]).toContain(expected);
  });

  it('reports every error of a policy at once', () => {
    const json = measureWith(
      [{ type: 'tiers', field: 'completed', amounts: { x: '1万' } }, { type: 'eligibility', field: 'colour', in: ['红'] }],
      { jointCaps: [{ id: 'J1', clause: '第七条', name: { zh: '合计', en: 'together' }, measures: ['M9'], per: 'company', amount: '150万' }] },
    );
    expect(errors(json).map(([p]) => p)).toEqual(['measures[0].rules[0].field', 'measures[0].rules[1].field', 'jointCaps[0].measures[0]']);
  });
});

function solved(o: Outcome): Solved {
  if (o.status === 'infeasible') throw new Error(`infeasible: ${o.message}`);
  return o;
}

describe('an end-to-end solve where each rule decides a grant', () => {
  const rows: Row[] = [
    { id: 'A-ELIG-BELOW', measure: 'M-INVEST', total: 29_999_999, score: 95 },
    { id: 'A-ELIG-AT', measure: 'M-INVEST', total: '3000万', score: 94 },
    { id: 'A-MARGINAL', measure: 'M-CLOUD', base: '15万', score: 93 },
    { id: 'A-WHOLE', measure: 'M-WHOLE', base: '1000万', score: 92 },
    { id: 'A-WINDOW-OUT', measure: 'M-WINDOW', total: '100万', size: '小型', completed: 44742, score: 91 },
    { id: 'A-WINDOW-IN', measure: 'M-WINDOW', total: '100万', size: '微型', completed: 44743, score: 90 },
    { id: 'A-SIZE-OUT', measure: 'M-WINDOW', total: '100万', size: '中型', completed: '2023-01-01', score: 89 },
    { id: 'A-TIER-OUT', measure: 'M-TIER', level: '市级', star: '五星', score: 88 },
    { id: 'A-TIER-BONUS', measure: 'M-TIER', level: '省级', star: '四星', score: 87 },
    { id: 'A-BONUS-REQ', measure: 'M-BONUS', total: '1000万', star: '五星', requested: '152万', score: 86 },
    { id: 'A-BONUS-NONE', measure: 'M-BONUS', total: '100万', score: 85 },
  ];
  // Entitlements: 0, 300万, 5.5万, 100万, 0, 30万, 0, 0, 53万, 152万, 20万 — 6,605,000 in all.
  const expected: Record<string, [string, string]> = {
    'A-ELIG-BELOW': ['0.00', 'ineligible'],
    'A-ELIG-AT': ['3000000.00', 'rate'],
    'A-MARGINAL': ['55000.00', 'bands'],
    'A-WHOLE': ['1000000.00', 'bands'],
    'A-WINDOW-OUT': ['0.00', 'ineligible'],
    'A-WINDOW-IN': ['300000.00', 'rate'],
    'A-SIZE-OUT': ['0.00', 'ineligible'],
    'A-TIER-OUT': ['0.00', 'ineligible'],
    'A-TIER-BONUS': ['530000.00', 'bonus'],
    'A-BONUS-REQ': ['1520000.00', 'requested'],
    'A-BONUS-NONE': ['200000.00', 'rate'],
  };

  it('grants every entitlement when the budget allows, the verifier passing', async () => {
    const o = solved(await solve({ scenario: scenarioJson({ budget: '1000万', granularity: 1 }), policy: LANGUAGE_POLICY, applications: rows.map(record) }, { timings: false }));
    expect(Object.fromEntries(o.allocations.map((a) => [a.project_id, [a.grant, a.binding]]))).toEqual(expected);
    expect(o.summary.verification.violations).toBe(0);
    expect(o.summary.granted).toBe('6605000.00');
    const note = (id: string) => o.allocations.find((a) => a.project_id === id)!.note;
    expect(note('A-ELIG-BELOW')).toContain('不符合');
    expect(note('A-WINDOW-OUT')).toContain('2022-06-30');
    expect(note('A-TIER-BONUS')).toBe('第五条：认定级别为省级，资助 ¥500,000；星级为四星，另奖励 ¥30,000，合计 ¥530,000');
    // Failing a condition is not "another year": those applications are candidates, unfunded.
    expect(o.summary.counts).toMatchObject({ applications: 11, candidates: 11, funded: 7, unfunded: 4, ineligible: 0 });
  });

  it('a tight budget goes by score, ineligible applications still get nothing', async () => {
    const o = solved(await solve({ scenario: scenarioJson({ budget: '400万', granularity: 1 }), policy: LANGUAGE_POLICY, applications: rows.map(record) }, { timings: false, lang: 'en' }));
    const grant = Object.fromEntries(o.allocations.map((a) => [a.project_id, a.grant]));
    // By score: 300万 + 5.5万 + 94.5万 of A-WHOLE's 100万.
    expect(grant['A-ELIG-AT']).toBe('3000000.00');
    expect(grant['A-MARGINAL']).toBe('55000.00');
    expect(grant['A-WHOLE']).toBe('945000.00');
    for (const id of ['A-ELIG-BELOW', 'A-WINDOW-OUT', 'A-WINDOW-IN', 'A-SIZE-OUT', 'A-TIER-OUT', 'A-TIER-BONUS', 'A-BONUS-REQ', 'A-BONUS-NONE']) expect(grant[id], id).toBe('0.00');
    expect(o.summary.verification.violations).toBe(0);
    expect(o.allocations.find((a) => a.project_id === 'A-ELIG-BELOW')!.note).toContain('not eligible');
  });
});

describe('the verifier catches each per-application rule broken by hand', () => {
  const s = scenario({ year: 2023, budget: '10亿', granularity: 1 });
  const verify = (rows: Row[], grantList: (string | number)[], sc = s) =>
    verifyAllocation(POLICY, sc, load(rows), grantList.map((g) => new D(g))).violations.map((v) => `${v.rule}|${v.subject}|${v.excess}`);

  it.each([
    ['eligibility below the minimum', { id: 'V1', measure: 'M-INVEST', total: 29_999_999 }, 1, 'M-INVEST第一条 eligibility: total_investment ≥ 30000000 and ≤ 50000000, found 29999999|V1|1'],
    ['eligibility on a date', { id: 'V2', measure: 'M-WINDOW', total: '100万', size: '小型', completed: '2023-07-01' }, 100, 'M-WINDOW第四条 eligibility: completed ≥ 2022-07-01 and ≤ 2023-06-30, found 2023-07-01|V2|100'],
    ['eligibility on an enum', { id: 'V3', measure: 'M-WINDOW', total: '100万', size: '大型', completed: '2023-01-01' }, 100, 'M-WINDOW第四条 eligibility: size in [小型, 微型], found 大型|V3|100'],
    ['marginal bands', { id: 'V4', measure: 'M-CLOUD', base: '15万' }, 55_001, 'M-CLOUD第二条 bands marginal|V4|1'],
    ['marginal bands at a band\'s from', { id: 'V5', measure: 'M-CLOUD', base: '1万' }, 1, 'M-CLOUD第二条 bands marginal|V5|1'],
    ['whole bands', { id: 'V6', measure: 'M-WHOLE', base: '1000万' }, 1_000_001, 'M-WHOLE第三条 bands whole|V6|1'],
    ['tiers: the amount', { id: 'V7', measure: 'M-TIER', level: '省级' }, 500_001, 'M-TIER第五条 tiers level 省级|V7|1'],
    ['tiers: a value not listed', { id: 'V8', measure: 'M-TIER', level: '市级', star: '三星' }, 1, 'M-TIER第五条 tiers: level 市级 has no amount|V8|1'],
    ['bonus', { id: 'V9', measure: 'M-TIER', level: '省级', star: '四星' }, 530_001, 'M-TIER第五条 bonus star 四星: least other ceiling 500000 + 30000|V9|1'],
    ['bonus on the least other ceiling', { id: 'V10', measure: 'M-BONUS', total: '1000万', star: '三星' }, 1_510_001, 'M-BONUS第六条 bonus star 三星: least other ceiling 1500000 + 10000|V10|1'],
    ['requested bounds a bonus', { id: 'V11', measure: 'M-BONUS', total: '1000万', star: '五星', requested: '152万' }, 1_520_001, 'requested|V11|1'],
    ['no bonus without a value', { id: 'V12', measure: 'M-BONUS', total: '1000万' }, 1_500_001, 'M-BONUS第六条 projectCap|V12|1'],
  ] as [string, Row, number, string][])('%s', (_what, row, grant, violation) => {
    expect(verify([row], [grant])).toEqual([violation]);
  });

  it('the entitlement it checks decisions and integer rules against includes the bonus and is 0 when ineligible', () => {
    const rows: Row[] = [
      { id: 'F1', measure: 'M-TIER', level: '省级', star: '四星' },
      { id: 'F2', measure: 'M-INVEST', total: 1 },
      { id: 'F3', measure: 'M-CLOUD', base: '15万' },
    ];
    const records = rows.map(record).map((r, i) => ({ ...r, decision: i === 0 ? 'fund' : '' }));
    const list = loadInput({ scenario: scenarioJson(), policy: LANGUAGE_POLICY, applications: records }).applications;
    const all = scenario({ year: 2023, budget: '10亿', granularity: 1, allOrNothing: true });
    const check = (g: number[]) => verifyAllocation(POLICY, all, list, g.map((x) => new D(x))).violations.map((v) => `${v.rule}|${v.subject}|${v.excess}`);
    // F1 forced: the full entitlement is the tier and its bonus; F2 ineligible: 0 is all of it; F3 all or nothing.
    expect(check([530_000, 0, 55_000])).toEqual([]);
    expect(check([500_000, 0, 55_000])).toEqual(['decision fund: the full entitlement|F1|30000', 'allOrNothing: zero or the full entitlement|F1|30000']);
    expect(check([530_000, 0, 50_000])).toEqual(['allOrNothing: zero or the full entitlement|F3|5000']);
  });
});

describe('validate and solve on files with attribute columns under Chinese headers', () => {
  const HEADER = ['项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度', '总投资（万元）', '评审得分', '企业规模', '建成日期', '认定级别', '星级', '备注'];
  // [id, measure, total 万元, size, completed, level, star]; grants: 30万, 0, 30万, 0, 53万.
  const ROWS: [string, string, number | null, string, string | Date | number, string, string][] = [
    ['X1', '小微企业技改', 100, '小型', new Date(Date.UTC(2022, 6, 1)), '', ''],
    ['X2', '小微企业技改', 100, '小型', new Date(Date.UTC(2022, 5, 30)), '', ''],
    ['X3', '小微企业技改', 100, '微型', 45107, '', ''],
    ['X4', '小微企业技改', 100, '小型', '2023年7月1日', '', ''],
    ['X5', '认定奖励', null, '中型', '', '省级', '四星'],
  ];
  const cells = (r: (typeof ROWS)[number], i: number) => [r[0], `项目${r[0]}`, creditCode(`91440300MA5LANG0${i}`), `企业${i}`, '南山区', r[1], 2023, r[2], 80, r[3], r[4], r[5], r[6], '备注'];
  const expected = { X1: '300000.00', X2: '0.00', X3: '300000.00', X4: '0.00', X5: '530000.00' };

  async function check(applications: string | Uint8Array, file: string) {
    const f = fixture({ applications: new Uint8Array() });
    writeFileSync(join(f.dir, 'policy.json'), JSON.stringify(LANGUAGE_POLICY));
    writeFileSync(join(f.dir, file), applications);
    writeFileSync(f.scenario, JSON.stringify({ ...scenarioJson({ budget: '200万' }), policy: 'policy.json', applications: file }));
    const v = await run(['validate', f.scenario]);
    expect(v.code, v.stderr).toBe(0);
    // No warning about the attribute columns (or the column nobody reads).
    expect(v.stderr).not.toMatch(/企业规模|建成日期|认定级别|星级|备注/);
    const s = await run(['solve', f.scenario, '--out', f.out, '--no-timings']);
    expect(s.code, s.stderr).toBe(0);
    const rows = parse(readFileSync(join(f.out, 'allocations.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.fromEntries(rows.map((r) => [r.project_id, r.grant]))).toEqual(expected);
    expect(rows.find((r) => r.project_id === 'X2')!.note).toContain('2022-06-30');
  }

  it('an .xlsx with date cells, a serial number and a text date', async () => {
    const bytes = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('申报汇总');
      ws.addRow(HEADER);
      ROWS.forEach((r, i) => ws.addRow(cells(r, i)));
      ws.getColumn(11).numFmt = 'yyyy-mm-dd';
    });
    await check(bytes, 'applications.xlsx');
  });

  it('a CSV with text dates', async () => {
    const text = csv(ROWS.map((r, i) => cells([r[0], r[1], r[2], r[3], r[4] instanceof Date ? r[4].toISOString().slice(0, 10).replace(/-/g, '/') : String(r[4]), r[5], r[6]], i).map((c) => (c === null ? '' : String(c)))), HEADER);
    await check(text, 'applications.csv');
  });
});
