/**
 * `fundplan validate` and `fundplan template`: every problem listed at once with its row and
 * column, exit 1 when any is an error and 0 with warnings only; the template reads back as a
 * valid applications file and its example row solves.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { formatIssue } from '../src/errors.js';
import { runValidate } from '../src/commands/validate.js';
import { runTemplate } from '../src/commands/template.js';
import { readApplicationsFile } from '../src/io/applications.js';
import { HEADER, POLICY, baseScenario, creditCode, csv, fixture, removeFixtures, run } from './helpers/cli-fixtures.js';
import { workbookBytes } from './helpers/workbooks.js';

afterAll(removeFixtures);

const A = creditCode('91440300MA5XALD01');
const B = creditCode('91440300MA5XALD02');
const C = creditCode('91440300MA5XALD03');
const wrong = (code: string) => code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
const app = (id: string, over: Partial<Record<number, string>> = {}) => {
  const r = [id, '项目', A, '深圳市甲科技有限公司', '南山区', '工业互联网应用项目', '2019', '500', '', '150', '', '80'];
  for (const [i, v] of Object.entries(over)) r[Number(i)] = v!;
  return r;
};

/** One application per problem; rows as the spreadsheet numbers them (header = 1). */
const PROBLEMS = [
  app('V-001'), // 2: fine
  app('V-002', { 7: '1500', 9: '400' }), // 3: requested ¥4m, the policy allows ¥3m
  app('V-002', { 2: B, 3: '深圳市乙信息有限公司' }), // 4: duplicate id
  app('', { 2: B, 3: '深圳市乙信息有限公司' }), // 5: missing id
  app('V-005', { 5: '工业互联网应用项木' }), // 6: unknown measure
  app('V-006', { 7: '2000000', 9: '' }), // 7: ¥20bn investment
  app('V-007', { 2: wrong(C), 3: '深圳市丙制造有限公司' }), // 8: wrong check character
  app('V-008', { 10: '100' }), // 9: upper-level grant on a measure that does not match
  app('V-009', { 5: '解决方案推广', 9: '300' }), // 10: (五) pays at most ¥500,000 a project
  app('V-010', { 7: '0.5', 9: '' }), // 11: ¥5,000 investment base
  app('V-011', { 2: C }), // 12: 深圳市甲科技有限公司 under a second code
];

describe('fundplan validate', () => {
  it('lists every error and every warning with its row and column, without solving', async () => {
    const f = fixture({ applications: csv(PROBLEMS) });
    const report = await runValidate({ target: f.applications });
    const file = f.shown(f.applications);
    expect(report.kind).toBe('applications');
    expect(report.errors.map(formatIssue)).toEqual([
      `${file}:4:项目编号: expected a unique project id (row 3 has the same), found "V-002"`,
      `${file}:5:项目编号: expected a value for project_id, found an empty cell`,
      `${file}:6:申报类别: expected a measure of policy shenzhen-iiot-2018 (nearest: P10-APPLICATION 工业互联网应用项目), found "工业互联网应用项木"`,
    ]);
    expect(report.warnings.map(formatIssue)).toEqual([
      `${file}:3:申请金额（万元）: expected at most ¥3,000,000, the most P10-APPLICATION （十） pays one project, found ¥4,000,000`,
      `${file}:7:总投资（万元）: expected an amount under ¥10,000,000,000 (is it 元 under a 万元 header?), found ¥20,000,000,000`,
      `${file}:8:统一社会信用代码: expected a unified social credit code whose check character is ${C[17]} (GB 32100), found "${wrong(C)}"`,
      `${file}:9:上级资助（万元）: expected no upper-level grant (P10-APPLICATION does not match upper-level money; the amount is ignored), found 1000000`,
      `${file}:10:申请金额（万元）: expected at most ¥500,000, the most P05-ROLLOUT （五） pays one project, found ¥3,000,000`,
      `${file}:11:总投资（万元）: expected an investment base of at least ¥10,000 (is it 万元 under a 元 header?), found ¥5,000`,
      `${file}:12:统一社会信用代码: expected the code given for "深圳市甲科技有限公司" in row 2 (${A}); company limits count per code, found "${C}"`,
    ]);
    expect(report.applications).toBe(9); // the duplicate is read; the row without an id and the unknown measure are not
  });

  it('cell errors and policy errors are listed together (a bad cell does not hide a duplicate id)', async () => {
    const rows = [app('W-1'), app('W-1', { 11: '120' }), app('W-1'), app('W-4', { 5: '不存在的类别' })];
    const f = fixture({ applications: csv(rows) });
    const report = await runValidate({ target: f.applications });
    expect(report.errors.map((i) => [i.row, i.column, i.expected.slice(0, 25)])).toEqual([
      [3, '评审得分', 'a score from 0 to 100'],
      [4, '项目编号', 'a unique project id (row '],
      [5, '申报类别', 'a measure of policy shenz'],
    ]);
  });

  it('exit 1 with errors (listed on stderr as solve lists them), 0 with warnings only; a scenario adds its own checks', async () => {
    const bad = fixture({ applications: csv(PROBLEMS) });
    const r1 = await run(['validate', bad.applications]);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toContain('警告 / warnings (7):');
    expect(r1.stdout).toContain('9 applications read; 3 errors, 7 warnings');
    expect(r1.stderr).toContain('错误：输入有 3 处问题 / input errors:');

    const warnOnly = fixture({ scenario: { ...baseScenario(), budget: '500万' }, applications: csv([app('X-1'), app('X-2', { 10: '100' }), app('X-3', { 6: '2018' })]) });
    const r2 = await run(['validate', warnOnly.scenario]);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain(`fundplan validate: ${warnOnly.shown(warnOnly.scenario)} → ${warnOnly.shown(warnOnly.applications)}, policy shenzhen-iiot-2018`);
    expect(r2.stdout).toContain(`${warnOnly.shown(warnOnly.applications)}:4:年度: expected the scenario's year 2019 (this application will get nothing), found 2018`);
    expect(r2.stdout).toContain('3 applications, no errors, 2 warnings');

    const clean = fixture({ applications: csv([app('Y-1')]) });
    const r3 = await run(['validate', clean.applications]);
    expect([r3.code, r3.stderr]).toEqual([0, '']);
    expect(r3.stdout).toContain('1 applications, no problems found');
  });

  it('a scenario whose own fields are wrong: the scenario errors, exit 1', async () => {
    const f = fixture({ scenario: { ...baseScenario(), budget: 'lots' } });
    const r = await run(['validate', f.scenario]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('budget');
  });

  it('an .xlsx with --sheet, and an unreadable file', async () => {
    const bytes = await workbookBytes((wb) => {
      wb.addWorksheet('封面').addRow(['2019年申报汇总表']);
      const ws = wb.addWorksheet('申报');
      ws.addRow(HEADER);
      ws.addRow(app('Z-1'));
      ws.addRow(app('Z-1'));
    });
    const f = fixture();
    const path = join(f.dir, 'book.xlsx');
    writeFileSync(path, bytes);
    const report = await runValidate({ target: path, sheet: '申报' });
    expect(report.errors.map(formatIssue)).toEqual([`${f.shown(path)}:3:项目编号: expected a unique project id (row 2 has the same), found "Z-1"`]);
    const junk = join(f.dir, 'junk.xlsx');
    writeFileSync(junk, Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    const r = await run(['validate', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expected an .xlsx workbook, found a truncated or damaged ZIP');
  });
});

describe('fundplan template', () => {
  it('CSV and .xlsx, zh and en: read back by fundplan as valid files whose example row solves', async () => {
    const f = fixture();
    for (const [xlsx, lang] of [[false, 'zh'], [true, 'zh'], [false, 'en'], [true, 'en']] as const) {
      const out = join(f.dir, `template-${lang}.${xlsx ? 'xlsx' : 'csv'}`);
      const outcome = await runTemplate({ xlsx, lang, out, year: 2019 });
      expect(outcome.file).toBe(out);
      const read = readApplicationsFile(readFileSync(out), out);
      expect(read.format).toBe(xlsx ? 'xlsx' : 'csv');
      expect(read.records).toHaveLength(1);
      const r = read.records[0]!;
      expect([r.year, r.totalInvestment?.toString(), r.requested?.toString(), r.score.toString()]).toEqual([2019, '5000000', '1500000', '85']);
      const report = await runValidate({ target: out });
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
      // Solve it: the example gets its entitlement, 30% × ¥5,000,000.
      const scenario = join(f.dir, `s-${lang}-${xlsx}.json`);
      writeFileSync(scenario, JSON.stringify({ name: 't', policy: POLICY, applications: out, year: 2019, budget: '10000000' }));
      const sol = join(f.dir, `out-${lang}-${xlsx}`);
      const res = await run(['solve', scenario, '--out', sol]);
      expect(res.code).toBe(0);
      const rows = parse(readFileSync(join(sol, 'allocations.csv')), { bom: true, columns: true }) as Record<string, string>[];
      expect(rows.map((x) => [x.measure, x.grant])).toEqual([['P10-APPLICATION', '1500000.00']]);
    }
  });

  it('the CSV opens in Excel (BOM, CRLF, 万元 headers); the default file name is never overwritten', async () => {
    const f = fixture();
    const cwd = process.cwd();
    process.chdir(f.dir);
    try {
      const r = await run(['template']);
      expect(r.code).toBe(0);
      expect(existsSync('applications-template.csv')).toBe(true);
      const bytes = readFileSync('applications-template.csv');
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.toString('utf8').split('\r\n')[0]).toBe('\uFEFF' + HEADER.join(','));
      const again = await run(['template']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('applications-template.csv: expected a file name not yet taken (name another with --out), found an existing file');
    } finally {
      process.chdir(cwd);
    }
  });
});
