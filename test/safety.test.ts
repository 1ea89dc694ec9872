/**
 * The safety net around a solve, and mistakes people make that must come back as input errors
 * or plain words: policy numbers written as a scenario's are, warnings that `solve` prints as
 * `validate` does, `--strict`, and regression cases of wording that was wrong.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, formatIssue } from '../src/errors.js';
import { parsePolicy } from '../src/model/policy.js';
import { nearest } from '../src/model/nearest.js';
import { solve, type Outcome, type Solved } from '../src/index.js';
import { runValidate } from '../src/commands/validate.js';
import { outputFilesOf } from '../src/commands/solve.js';

/** The files a solve of a one-year scenario writes. */
const OUTPUT_FILES = outputFilesOf({});
import { HEADER, POLICY, ROWS, baseScenario, creditCode, csv, fixture, outputFiles, removeFixtures, run } from './helpers/cli-fixtures.js';

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

function solved(o: Outcome): Solved {
  if (o.status === 'infeasible') throw new Error(`infeasible: ${o.message}`);
  return o;
}
async function inputIssues(p: Promise<unknown>): Promise<string[]> {
  const e = await p.catch((x: unknown) => x);
  if (!(e instanceof InputError)) throw new Error(`expected an InputError, got ${String(e)}`);
  return e.issues.map(formatIssue);
}

describe('a measure named exactly is that measure; the nearest name prefers an exact or contained match', () => {
  // Two measures whose ids are equally far from "智能工厂": the old hint, by id alone, named the first.
  const policy = {
    id: 'demo',
    name: { zh: '演示政策', en: 'demo' },
    measures: [
      { id: 'M-WORKSHOP', clause: '（一）', name: { zh: '数字化车间', en: 'workshop' }, kind: 'project', rules: [{ type: 'rate', rate: '0.3' }, { type: 'projectCap', amount: '100万' }] },
      { id: 'M-FACTORY', clause: '（二）', name: { zh: '智能工厂', en: 'factory' }, aliases: ['智能制造工厂'], kind: 'project', rules: [{ type: 'rate', rate: '0.2' }, { type: 'projectCap', amount: '200万' }] },
    ],
  };
  const row = (id: string, measure: string) => ({ 项目编号: id, 项目名称: '项目', 统一社会信用代码: creditCode(`91440300MA5DEMO0${id.slice(-1)}`), 企业名称: `企业${id}`, 所属区: '南山区', 申报类别: measure, 年度: '2019', '总投资（万元）': '1000', 评审得分: '80' });
  const scenario = (measureBudgets: Record<string, unknown>) => ({ scenario: { name: 't', policy, year: 2019, budget: '250万', measureBudgets }, applications: [row('A1', '数字化车间'), row('A2', '智能工厂')] });

  it('measureBudgets keyed by a Chinese name or an alias applies to that measure, keyed by its id', async () => {
    for (const key of ['智能工厂', '智能制造工厂', 'M-FACTORY', 'm-factory']) {
      const o = solved(await solve(scenario({ [key]: { max: '150万' } }), { timings: false }));
      expect(o.summary.scenario.fields.measureBudgets).toBe('M-FACTORY max 1500000.00');
      expect(o.allocations.map((a) => [a.project_id, a.grant, a.binding])).toEqual([
        ['A1', '1000000.00', 'cap'],
        ['A2', '1500000.00', 'measure_budget'],
      ]);
    }
  });

  it('a key that names no measure suggests the one whose name it contains; two keys for one measure are refused', async () => {
    expect(await inputIssues(solve(scenario({ '（二）智能工厂': { max: '150万' } })))).toEqual([
      `scenario:measureBudgets.（二）智能工厂: expected a measure id of policy demo, or a measure's Chinese name or alias (nearest: M-FACTORY 智能工厂), found "（二）智能工厂"`,
    ]);
    expect(await inputIssues(solve(scenario({ 智能工厂: { max: '150万' }, 'M-FACTORY': { min: '10万' } })))).toEqual([
      `scenario:measureBudgets.M-FACTORY: expected one entry per measure ("智能工厂" names M-FACTORY 智能工厂 too), found "M-FACTORY"`,
    ]);
  });

  it("the applications' measure column: a short name contained in a measure's name suggests that measure, not the nearest by edits", async () => {
    const policyJson = JSON.parse(readFileSync(POLICY, 'utf8')) as unknown;
    const input = { scenario: { name: 't', policy: policyJson, year: 2019, budget: '250万' }, applications: [row('A1', '应用项目'), row('A2', '贯标'), row('A3', '应用')] };
    // By edits alone, "贯标" and "应用" are nearest to "登云" (two edits).
    expect(await inputIssues(solve(input))).toEqual([
      'applications:3:申报类别: expected a measure of policy shenzhen-iiot-2018 (nearest: P16-INTEGRATION-CERT 两化融合管理体系贯标奖励), found "贯标"',
      'applications:4:申报类别: expected a measure of policy shenzhen-iiot-2018 (nearest: P10-APPLICATION 工业互联网应用项目), found "应用"',
    ]);
  });

  it('nearest: the same name written another way, then a contained one, then the least edit distance', () => {
    expect(nearest('智能工厂', ['M-WORKSHOP', 'M-FACTORY', '智能工厂'])).toBe('智能工厂');
    expect(nearest('ｍ－ｆａｃｔｏｒｙ', ['M-WORKSHOP', 'M-FACTORY'])).toBe('M-FACTORY');
    expect(nearest('P10 应用项目', ['P11-RETROFIT', '应用项目', 'P10-APPLICATION'])).toBe('应用项目');
    expect(nearest('P10-APPLICATON', ['P11-RETROFIT', 'P10-APPLICATION'])).toBe('P10-APPLICATION');
  });
});

/** The fixture's applications with 总投资 in 万元 under a header without （万元）: read as 元, ten thousand times too small. */
const WAN_AS_YUAN_HEADER = HEADER.map((h) => (h === '总投资（万元）' ? '总投资' : h));
const wanAsYuan = () => fixture({ scenario: { ...baseScenario(), budget: '1亿' }, applications: csv(ROWS, WAN_AS_YUAN_HEADER) });

describe('solve warns as validate does, at the top of the report; --strict makes a warning an error', () => {
  it('万元 under a header without （万元）: the budget warning says why, on stderr, in summary.json and at the top of report.html and report.md', async () => {
    const f = wanAsYuan();
    const r = await run(['solve', f.scenario, '--out', f.out, '--no-timings']);
    expect(r.code).toBe(0);
    const budget = `scenario.json:budget: expected at least half of the budget ¥100,000,000 allocated, found ¥2,500,700 (2.5%): the policy allows the 4 candidates ¥2,500,700; median 总投资 ¥500: amounts in 万元 under a header without （万元） are read as 元`;
    const rows = [
      `applications.csv:2:总投资: expected an investment base of at least ¥10,000 (is it 万元 under a 元 header?), found ¥500`,
      `applications.csv:3:总投资: expected an investment base of at least ¥10,000 (is it 万元 under a 元 header?), found ¥2,000`,
      `applications.csv:6:总投资: expected an investment base of at least ¥10,000 (is it 万元 under a 元 header?), found ¥100`,
    ];
    const summary = JSON.parse(readFileSync(join(f.out, 'summary.json'), 'utf8')) as { warnings: string[]; granted: string };
    expect(summary.warnings).toEqual([budget, ...rows]);
    expect(r.stderr).toBe(`警告 / warnings (4):\n${[budget, ...rows].join('\n')}\n`);
    expect(r.stdout).toContain('警告 4 条（见 summary.json）');
    // validate lists the same, the budget's before a solve.
    const v = await runValidate({ target: f.scenario });
    expect(v.warnings.map(formatIssue)).toEqual([
      `${f.shown(f.scenario)}:budget: expected at least half of the budget ¥100,000,000 allocatable, found at most ¥2,500,700 (2.5%): the policy allows the 4 candidates ¥2,500,700; median 总投资 ¥500: amounts in 万元 under a header without （万元） are read as 元`,
      ...rows.map((w) => w.replace(/^applications\.csv/, f.shown(f.applications))),
    ]);
    // The report: a visible box at the top, before the headline, every warning in it.
    const html = readFileSync(join(f.out, 'report.html'), 'utf8');
    const box = html.indexOf('data-testid="input-warnings"');
    expect(box).toBeGreaterThan(0);
    expect(box).toBeLessThan(html.indexOf('class="headline"'));
    expect(html.slice(box)).toContain('输入警告 4 条：分配结果可能基于有误的输入，公布前请逐条核对');
    expect(html).toContain('<li><code>scenario.json:budget: expected at least half of the budget ¥100,000,000 allocated');
    const md = readFileSync(join(f.out, 'report.md'), 'utf8');
    expect(md.indexOf('> **输入警告 4 条')).toBeGreaterThan(0);
    expect(md.indexOf('> **输入警告 4 条')).toBeLessThan(md.indexOf('## '));
    expect(md).toContain('> 2. applications.csv:2:总投资: expected an investment base of at least ¥10,000 (is it 万元 under a 元 header?), found ¥500');
  });

  it('--strict: exit 1 listing every warning, and nothing written (no output folder, no --emit-lp file); the library the same', async () => {
    const f = wanAsYuan();
    const lp = join(f.dir, 'model.lp');
    const r = await run(['solve', f.scenario, '--out', f.out, '--strict', '--emit-lp', lp]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('strict: expected no warnings (--strict treats each as an error; nothing was written), found 4 warnings, listed below');
    expect(r.stderr).toContain('scenario.json:budget: expected at least half of the budget ¥100,000,000 allocated');
    expect(r.stdout).toBe('');
    expect(outputFiles(f.out)).toEqual([]);
    expect(existsSync(lp)).toBe(false);
    const issues = await inputIssues(solve(f.scenario, { strict: true }));
    expect(issues).toHaveLength(5);
    // Without warnings, --strict changes nothing: the files and the LP are written.
    const clean = fixture();
    const ok = await run(['solve', clean.scenario, '--out', clean.out, '--strict', '--emit-lp', join(clean.dir, 'model.lp')]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(outputFiles(clean.out)).toHaveLength(OUTPUT_FILES.length);
    expect(existsSync(join(clean.dir, 'model.lp'))).toBe(true);
  });

  it('less than half allocated although the policy allows more: the warning names what stopped the candidates', async () => {
    const f = fixture({ scenario: { ...baseScenario(), budget: '1000万', measureBudgets: { 'P01-CROSS': { max: '50万' } } } });
    const o = solved(await solve(f.scenario, { timings: false }));
    expect(o.summary.granted).toBe('4500000.00');
    expect(o.summary.warnings).toEqual([
      "scenario.json:budget: expected at least half of the budget ¥10,000,000 allocated, found ¥4,500,000 (45%), though the policy allows the 4 candidates ¥10,000,000: 1 got less than their entitlement (0 nothing), stopped by measure_budget 1 (allocations.csv's binding)",
    ]);
  });
});

describe('one company under two credit codes', () => {
  const A = creditCode('91440300MA5AB0001');
  const B = creditCode('91440300MA5AB0002');
  const row = (id: string, code: string, name: string, score: string) => [id, '项目', code, name, '南山区', '工业互联网应用项目', '2019', '500', '', '', '', score];

  it('the same name written with full-width brackets or spaces under another code: a warning naming both codes and rows, from solve and validate', async () => {
    const f = fixture({
      applications: csv([
        row('T-1', A, '深圳市甲科技（深圳）有限公司', '90'),
        row('T-2', A, '深圳市甲科技(深圳)有限公司', '85'),
        row('T-3', B, '深圳市甲科技 (深圳) 有限公司', '80'),
        row('T-4', creditCode('91440300MA5AB0003'), '<img src=x onerror=alert(1)>', '75'),
        row('T-5', creditCode('91440300MA5AB0004'), '<IMG src=x onerror=alert(1)>', '70'),
      ]),
    });
    const expected = [
      `applications.csv:4:统一社会信用代码: expected the code given for "深圳市甲科技（深圳）有限公司" in row 2 (${A}); company limits count per code, found "${B}" (the name written "深圳市甲科技 (深圳) 有限公司")`,
      `applications.csv:6:统一社会信用代码: expected the code given for "<img src=x onerror=alert(1)>" in row 5 (${creditCode('91440300MA5AB0003')}); company limits count per code, found "${creditCode('91440300MA5AB0004')}" (the name written "<IMG src=x onerror=alert(1)>")`,
    ];
    const r = await run(['solve', f.scenario, '--out', f.out, '--no-timings']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`警告 / warnings (2):\n${expected.join('\n')}\n`);
    const v = await runValidate({ target: f.scenario });
    expect(v.warnings.map(formatIssue)).toEqual(expected.map((w) => w.replace(/^applications\.csv/, f.shown(f.applications))));
    // The same name in two spellings under one code is one company, not two names.
    expect(v.warnings.some((w) => w.column === '企业名称')).toBe(false);
    const html = readFileSync(join(f.out, 'report.html'), 'utf8');
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;&lt;img src=x onerror=alert(1)&gt;&quot; in row 5');
  });
});

describe('every Chinese sentence is Chinese', () => {
  /** Lowercase Latin words: what an English word or a code inside a Chinese sentence looks like (ids and credit codes are capitals). */
  const englishIn = (text: string) => [...new Set(text.match(/[a-z][a-z_]+/g) ?? [])];
  const notes = (dir: string) =>
    (parseCsv(readFileSync(join(dir, 'allocations.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[]).map((r) => [r.project_id, r.note, r.binding_zh].join(' '));

  it('allocations.csv notes and the stdout summary of integer and proportional runs: the limits in words, no English word', async () => {
    const header = [...HEADER, '资助决定', '决定理由', '互斥组'];
    const rows = ROWS.map((r) => [...r, r[0] === 'SZ-003' ? '必须资助' : '', r[0] === 'SZ-003' ? '市政府决定' : '', '']);
    const aon = fixture({ scenario: { ...baseScenario(), allOrNothing: true, measureBudgets: { 'P01-CROSS': { max: '500万' } } }, applications: csv(rows, header) });
    const r1 = await run(['solve', aon.scenario, '--out', aon.out, '--no-timings']);
    expect(r1.code).toBe(0);
    const n1 = notes(aon.out);
    expect(n1.find((n) => n.startsWith('SZ-002'))).toBe('SZ-002 全额或不资助：按政策可得 ¥6,000,000，（一）P01-CROSS 类别预算上限 余额不足 全额或不资助');
    expect(n1.find((n) => n.startsWith('SZ-003'))).toBe('SZ-003 必须资助（决定），资助 ¥500,000：市政府决定 必须资助（决定）');
    expect(englishIn(n1.join('\n'))).toEqual([]);
    expect(r1.stdout).toContain('已证明最优（差距为 0）');
    // The tool's name and the policy's id (line 1), the backend's name and version, paths, and the solver's reason are names, not words.
    const said = r1.stdout.split('\n').slice(1).filter((l) => !/^(求解|输出)：/.test(l));
    expect(englishIn(said.join('\n').replace(/highs \d+\.\d+\.\d+/g, ''))).toEqual([]);

    const prop = fixture({ scenario: { ...baseScenario(), budget: '500万', objective: 'proportional', measureBudgets: { 'P01-CROSS': { max: '100万' } } } });
    const r2 = await run(['solve', prop.scenario, '--out', prop.out, '--no-timings']);
    expect(r2.code).toBe(0);
    const n2 = notes(prop.out);
    expect(n2.find((n) => n.startsWith('SZ-002'))).toMatch(/^SZ-002 按比例核减：受 （一）P01-CROSS 类别预算上限 限制（¥1,000,000）/);
    expect(englishIn(n2.join('\n'))).toEqual([]);
  });

  it('compare.html names what limited a grant, and the settings, in words; so does its summary on stdout', async () => {
    const a = fixture({ scenario: { ...baseScenario(), budget: '700万' } });
    const b = fixture({ scenario: { ...baseScenario(), budget: '700万', allOrNothing: true } });
    const out = join(a.dir, 'cmp');
    const r = await run(['compare', a.scenario, b.scenario, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('不同设置 全额或不资助；');
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    expect(html).toContain('<b>全额或不资助</b>（allOrNothing）：— → 是');
    // SZ-001 leaves (its ¥1.5m no longer fits whole); SZ-002 and SZ-003, cut by the budget before, are funded in full.
    expect(html).toContain('<td class="l">按比例上限 → 全额或不资助</td>');
    expect(html).toContain('<td class="l">总预算 → 按比例上限</td>');
    expect(html).not.toMatch(/all_or_nothing|total_budget|company_limit|>cap |→ cap</);
  });
});

describe('which backend solved it, in Chinese for Chinese readers', () => {
  it('the stdout summary and the zh report name the backend in Chinese; summary.json keeps the technical reason', async () => {
    const f = fixture();
    const r = await run(['solve', f.scenario, '--out', f.out, '--no-timings']);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('求解：'))!;
    expect(line).toBe('求解：网络单纯形法（本模型的限额构成两组嵌套结构，是网络流问题，精确求解）');
    expect(readFileSync(join(f.out, 'report.html'), 'utf8')).toContain('网络单纯形法（本模型的限额构成两组嵌套结构');
    expect(JSON.parse(readFileSync(join(f.out, 'summary.json'), 'utf8')).solver.reason).toMatch(/^auto: a network LP/);
  });
});
