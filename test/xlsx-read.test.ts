/**
 * Reading .xlsx applications: a workbook built like a district office's reads into the same
 * records as the equivalent clean CSV; each cell spelling; each refusal with its message;
 * the format chosen by content, not by name. Workbooks are built with exceljs in the test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/pipeline/load.js';
import { POLICY_PATH } from './helpers/build.js';
import ExcelJS from 'exceljs';
import { readApplicationsFile, parseApplicationsCsv } from '../src/io/applications.js';
import { formatIssue } from '../src/errors.js';
import { xlsxBytes } from '../src/io/xlsx-write.js';
import { CLEAN_HEADER, CLEAN_ROWS, CODES, TITLE, csvOf, districtWorkbook, issuesOf, plainRecord, workbookBytes } from './helpers/workbooks.js';

const HEADER12 = ['项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度', '总投资（万元）', '核定基数（万元）', '申请金额（万元）', '上级资助（万元）', '评审得分'];
const row12 = (over: Partial<Record<number, ExcelJS.CellValue>> = {}): ExcelJS.CellValue[] => {
  const base: ExcelJS.CellValue[] = ['P-1', '项目', CODES[0]!, '企业', '南山区', '工业互联网应用项目', 2019, 100, null, null, null, 80];
  for (const [i, v] of Object.entries(over)) base[Number(i)] = v ?? null;
  return base;
};
/** One sheet: a header row and the given rows (cells as exceljs values). */
const simpleBook = (rows: ExcelJS.CellValue[][], header = HEADER12, style?: (ws: ExcelJS.Worksheet) => void) =>
  workbookBytes((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(header);
    for (const r of rows) ws.addRow(r);
    style?.(ws);
  });

describe('a district office workbook reads into the same records as the clean CSV', () => {
  it('title row, two-row merged headers with 万元 on the parent, 合计 row, text amounts, full-width digits, dates, stray spaces', async () => {
    const xlsx = readApplicationsFile(await workbookBytes((wb) => districtWorkbook(wb)), 'district.xlsx');
    const csv = readApplicationsFile(csvOf(CLEAN_HEADER, CLEAN_ROWS), 'clean.csv');
    expect(xlsx.format).toBe('xlsx');
    expect(xlsx.sheet).toBe('申报汇总');
    expect(csv.records).toHaveLength(5);
    expect(xlsx.records.map(plainRecord)).toEqual(csv.records.map(plainRecord));
    // Spreadsheet rows: data starts under the title and the two header rows.
    expect(xlsx.records.map((r) => r.row)).toEqual([4, 5, 6, 7, 8]);
    // The numbers someone could get wrong, in yuan.
    const y = (i: number, k: 'totalInvestment' | 'eligibleBase' | 'requested' | 'upperFunding') => xlsx.records[i]![k]?.toString() ?? null;
    expect(y(0, 'totalInvestment')).toBe('12345000'); // "1,234.5万元"
    expect(y(0, 'requested')).toBe('3703500'); // a formula's saved result, 370.35 万元
    expect(y(1, 'totalInvestment')).toBe('12345000'); // "１，２３４．５" under 金额（万元）
    expect(y(1, 'eligibleBase')).toBe('10000000');
    expect(y(2, 'upperFunding')).toBe('3000'); // 0.30000000000000004 万元, as Excel shows it: 0.3
    expect(y(4, 'upperFunding')).toBe('2005000'); // "200.5万"
    expect(xlsx.records[2]!.score.toString()).toBe('90'); // 0.9 formatted as 90%
    expect(xlsx.records[3]!.year).toBe(2019); // a date in the 年度 column
    expect(xlsx.records[3]!.companyName).toBe('深圳市丙制造有限公司'); // merged over two rows
    expect(xlsx.records[0]!.projectName).toBe('工业互联网平台项目');
    expect(xlsx.records[0]!.companyName).toBe('深圳市甲科技有限公司');
    expect(xlsx.records[2]!.projectName).toBe('设备联网改造');
    expect(xlsx.records[0]!.extra).toEqual({ 序号: '1', 申报日期: '2019-03-15' });
    // Headers as the sheet shows them, for messages.
    expect(xlsx.source.headers).toMatchObject({ total_investment: '总投资', score: '评审得分', project_id: '项目编号' });
    expect(xlsx.warnings).toEqual([]);
  });

  it('the 合计 row is checked against the column sums: a mismatch is a warning naming both, and the rows are used', async () => {
    const r = readApplicationsFile(await workbookBytes((wb) => districtWorkbook(wb, { totalRequested: 830.35 })), 'district.xlsx');
    expect(r.records).toHaveLength(5);
    expect(r.warnings.map(formatIssue)).toEqual([
      'district.xlsx:9:申请金额: expected the sum of the rows above, ¥8,203,500 (the rows are used; the 合计 row is not), found ¥8,303,500, over by ¥100,000',
    ]);
  });

  it('the same workbook saved as CSV by Excel (merged cells kept only in their first cell) reads the same', () => {
    const header1 = ['序号', '项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度', '金额（万元）', '', '', '', '评审得分', '申报日期'];
    const header2 = ['', '', '', '', '', '', '', '', '总投资', '核定基数', '申请金额', '上级资助', '', ''];
    const title = [TITLE, ...Array(13).fill('')];
    const total = ['合计', '', '', '', '', '', '', '', '15769', '1000', '820.35', '200.8', '', ''];
    const bytes = csvOf(title, [header1, header2, ...CLEAN_ROWS, total, ['填表人：张三', ...Array(13).fill('')]]);
    const r = parseApplicationsCsv(bytes, 'saved.csv');
    const clean = parseApplicationsCsv(csvOf(CLEAN_HEADER, CLEAN_ROWS), 'clean.csv');
    expect(r.records.map(plainRecord)).toEqual(clean.records.map(plainRecord));
    expect(r.records[0]!.row).toBe(4);
    expect(r.warnings).toEqual([]);
    // A 合计 row with "—" where a total is not given checks the other columns only.
    const dashed = ['合计', '', '', '', '', '', '', '', '15769', '—', '820.35', '/', '', ''];
    const d = parseApplicationsCsv(csvOf(title, [header1, header2, ...CLEAN_ROWS, dashed]), 'saved.csv');
    expect(d.warnings).toEqual([]);
    const wrong = parseApplicationsCsv(csvOf(title, [header1, header2, ...CLEAN_ROWS, ['合计', '', '', '', '', '', '', '', '15768', '—', '820.35', '/', '', '']]), 'saved.csv');
    expect(wrong.warnings.map(formatIssue)).toEqual([expect.stringMatching(/^saved\.csv:\d+:总投资: expected the sum of the rows above, ¥157,690,000/)]);
  });

  it('a "单位：万元" note above the table makes unit-less amount headers 万元', () => {
    const header = HEADER12.map((h) => h.replace('（万元）', ''));
    const rows = [['说明：金额单位：万元', ...Array(11).fill('')], header, ['P-1', '项目', CODES[0]!, '企业', '', '应用项目', '2019', '100', '', '30', '', '80']];
    const r = parseApplicationsCsv(csvOf(rows[0]!, rows.slice(1)), 'note.csv');
    expect(r.records[0]!.totalInvestment!.toString()).toBe('1000000');
    expect(r.records[0]!.requested!.toString()).toBe('300000');
  });
});

describe('cell values', () => {
  it('numbers at Excel\'s 15 significant digits; 元/万元/亿元 suffixes; percentages for scores', async () => {
    const header = ['项目编号', '项目名称', '统一社会信用代码', '企业名称', '申报类别', '年度', '总投资', '申请金额（万元）', '评审得分'];
    const bytes = await simpleBook(
      [
        ['A', 'n', CODES[0]!, 'c', '应用项目', 2019, 370370.09999999998, '1.5亿元', '85.5%'],
        ['B', 'n', CODES[0]!, 'c', '应用项目', 2019, '¥1,234,567.89', '2万元', '８５．５分'],
        ['C', 'n', CODES[0]!, 'c', '应用项目', 2019, '1234567.89元', 12.3456, 0.855],
      ],
      header,
      (ws) => (ws.getCell('I4').numFmt = '0.0%'),
    );
    const r = readApplicationsFile(bytes, 'v.xlsx');
    expect(r.records.map((x) => [x.totalInvestment!.toString(), x.requested!.toString(), x.score.toString()])).toEqual([
      ['370370.1', '150000000', '85.5'],
      ['1234567.89', '20000', '85.5'],
      ['1234567.89', '123456', '85.5'],
    ]);
  });

  it('an 18-digit credit code stored as a number (9.14403E+17) is refused with its row and a hint to format the column as text', async () => {
    const bytes = await simpleBook([row12(), row12({ 0: 'P-2', 2: 914403001922038216 })]);
    const issues = issuesOf(() => readApplicationsFile(bytes, 'codes.xlsx'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'codes.xlsx', row: 3, column: '统一社会信用代码', found: '"9.14403001922038E+17"' });
    expect(issues[0]!.expected).toContain('format the column as Text (设置单元格格式 → 文本)');
  });

  it('the same code as Excel writes it into a CSV (9.14403E+17, or 914403001922038000) is refused too', () => {
    const rows = [HEADER12.map(() => ''), HEADER12].slice(1);
    void rows;
    const line = (code: string, id: string) => [id, 'n', code, 'c', '', '应用项目', '2019', '100', '', '', '', '80'];
    const bytes = csvOf(HEADER12, [line('9.14403E+17', 'A'), line('914403001922038000', 'B'), line(CODES[0]!, 'C')]);
    const issues = issuesOf(() => parseApplicationsCsv(bytes, 'codes.csv'));
    expect(issues.map((i) => [i.row, i.column, i.found])).toEqual([
      [2, '统一社会信用代码', '"9.14403E+17"'],
      [3, '统一社会信用代码', '"914403001922038000"'],
    ]);
    expect(issues[1]!.expected).toContain('digits after the 15th are zeros');
  });

  it('a credit code with a letter E between digits is a code, not scientific notation', () => {
    const code = '91440300E942673881';
    const bytes = csvOf(HEADER12, [['A', 'n', code, 'c', '', '应用项目', '2019', '100', '', '', '', '80']]);
    expect(parseApplicationsCsv(bytes, 'e.csv').records[0]!.companyId).toBe(code);
  });

  it('a bare date serial number in the 年度 column is refused with the date it stands for', () => {
    const bytes = csvOf(HEADER12, [['A', 'n', CODES[0]!, 'c', '', '应用项目', '43539', '100', '', '', '', '80']]);
    const issues = issuesOf(() => parseApplicationsCsv(bytes, 'y.csv'));
    expect(issues[0]!.expected).toContain('Excel date serial number, 2019-03-15');
  });

  it('formula errors and formulas without a saved result are refused where a value is needed, ignored elsewhere', async () => {
    const bytes = await simpleBook(
      [
        row12({ 7: { formula: '1/0', result: { error: '#DIV/0!' } } as unknown as ExcelJS.CellValue }),
        row12({ 0: 'P-2', 11: { formula: 'AVERAGE(X1:X3)' } as ExcelJS.CellValue }),
        [...row12({ 0: 'P-3' }), { formula: 'NA()', result: { error: '#N/A' } } as unknown as ExcelJS.CellValue],
      ],
      [...HEADER12, '备注'],
    );
    const issues = issuesOf(() => readApplicationsFile(bytes, 'f.xlsx'));
    expect(issues.map(formatIssue)).toEqual([
      'f.xlsx:2:总投资（万元）: expected a value for total_investment, found a formula error "#DIV/0!"',
      'f.xlsx:3:评审得分: expected a value for score, found a formula without a saved result (open the file in Excel and save it again)',
    ]);
  });

  it('a subtotal row and a header repeated mid-file are skipped with a warning; rows after 合计 that are applications are refused', async () => {
    const bytes = await simpleBook([row12(), HEADER12, ['小计', null, null, null, null, null, null, 100], row12({ 0: 'P-2' })]);
    const r = readApplicationsFile(bytes, 'pasted.xlsx');
    expect(r.records.map((x) => x.projectId)).toEqual(['P-1', 'P-2']);
    expect(r.warnings.map(formatIssue)).toEqual([
      'pasted.xlsx:3: expected an application row, found the header row again (skipped)',
      'pasted.xlsx:4: expected an application row, found a subtotal row "小计" (skipped)',
    ]);
    const after = await simpleBook([row12(), ['合计', null, null, null, null, null, null, 100], row12({ 0: 'P-9' })]);
    expect(issuesOf(() => readApplicationsFile(after, 'after.xlsx')).map(formatIssue)).toEqual([
      'after.xlsx:4: expected no application below the 合计 row (row 3): move that row to the end, found project "P-9"',
    ]);
  });

  it('an amount merged over two rows has no per-row value and is refused', async () => {
    const bytes = await simpleBook([row12(), row12({ 0: 'P-2', 7: null })], HEADER12, (ws) => ws.mergeCells('H2:H3'));
    expect(issuesOf(() => readApplicationsFile(bytes, 'm.xlsx')).map(formatIssue)).toEqual([
      "m.xlsx:2:总投资（万元）: expected one value per row (unmerge H2:H3 and enter each row's amount), found a merged cell spanning rows 2–3",
    ]);
  });
});

describe('sheets and formats', () => {
  const twoSheets = () =>
    workbookBytes((wb) => {
      const hidden = wb.addWorksheet('lookup', { state: 'hidden' });
      hidden.addRow(['nothing here']);
      const a = wb.addWorksheet('南山区');
      a.addRow(HEADER12);
      a.addRow(row12());
      const b = wb.addWorksheet('福田区');
      b.addRow(HEADER12);
      b.addRow(row12({ 0: 'F-1' }));
    });

  it('the first visible sheet by default (a warning names the others); --sheet reads another; an unknown name lists them', async () => {
    const bytes = await twoSheets();
    const first = readApplicationsFile(bytes, 'book.xlsx');
    expect(first.sheet).toBe('南山区');
    expect(first.records[0]!.projectId).toBe('P-1');
    expect(first.warnings.map(formatIssue)).toEqual(['book.xlsx: expected one sheet of applications, found 2 sheets ("lookup", "南山区", "福田区"); read "南山区", the first: name another with --sheet or the scenario\'s "sheet"']);
    const other = readApplicationsFile(bytes, 'book.xlsx', { sheet: '福田区' });
    expect(other.records[0]!.projectId).toBe('F-1');
    expect(other.warnings).toEqual([]);
    expect(issuesOf(() => readApplicationsFile(bytes, 'book.xlsx', { sheet: '罗湖区' })).map(formatIssue)).toEqual([
      'book.xlsx: expected a sheet named "罗湖区", as --sheet says (the workbook\'s sheets: "lookup", "南山区", "福田区"), found no sheet by that name',
    ]);
    expect(issuesOf(() => readApplicationsFile(csvOf(HEADER12, []), 'a.csv', { sheet: 'x' }))[0]!.found).toBe('a CSV text file, which has no sheets');
  });

  it("the scenario's \"sheet\" names the sheet; --sheet overrides it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fundplan-sheet-'));
    writeFileSync(join(dir, 'book.xlsx'), await twoSheets());
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ name: 's', policy: POLICY_PATH, applications: 'book.xlsx', sheet: '福田区', year: 2019, budget: 10_000_000 }));
    const named = loadScenario(join(dir, 'scenario.json'));
    expect(named.applications.map((a) => a.projectId)).toEqual(['F-1']);
    expect(named.inputs.applications.sheet).toBe('福田区');
    expect(named.warnings).toEqual([]);
    expect(loadScenario(join(dir, 'scenario.json'), { sheet: '南山区' }).applications.map((a) => a.projectId)).toEqual(['P-1']);
    // A scenario extending it with another applications file does not inherit the sheet name.
    writeFileSync(join(dir, 'apps.csv'), csvOf(HEADER12, [['C-1', '项目', CODES[0]!, '企业', '南山区', '工业互联网应用项目', '2019', '100', '', '', '', '80']]));
    writeFileSync(join(dir, 'leaf.json'), JSON.stringify({ extends: 'scenario.json', name: 'leaf', applications: 'apps.csv' }));
    expect(loadScenario(join(dir, 'leaf.json')).applications.map((a) => a.projectId)).toEqual(['C-1']);
    writeFileSync(join(dir, 'leaf2.json'), JSON.stringify({ extends: 'scenario.json', name: 'leaf2', budget: 5_000_000 }));
    expect(loadScenario(join(dir, 'leaf2.json')).applications.map((a) => a.projectId)).toEqual(['F-1']);
    // A sheet the workbook does not have: the message says which file named it.
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ extends: 'scenario.json', name: 'wrong', sheet: '罗湖区' }));
    expect(issuesOf(() => loadScenario(join(dir, 'wrong.json')))[0]!.expected).toMatch(/^a sheet named "罗湖区", as the "sheet" of .*wrong\.json says/);
  });

  it('by content, not name: a workbook named .csv and a CSV named .xlsx are each read as what they are, with a warning', async () => {
    const book = await simpleBook([row12()]);
    const a = readApplicationsFile(book, 'really-a-book.csv');
    expect(a.format).toBe('xlsx');
    expect(a.warnings.map(formatIssue)).toEqual(['really-a-book.csv: expected a CSV file, as the name says, found an .xlsx workbook (read as one)']);
    const text = csvOf(HEADER12, [['P-1', '项目', CODES[0]!, '企业', '南山区', '工业互联网应用项目', '2019', '100', '', '', '', '80']]);
    const b = readApplicationsFile(text, 'really-a-csv.xlsx');
    expect(b.format).toBe('csv');
    expect(b.records.map(plainRecord)).toEqual(a.records.map(plainRecord));
    expect(b.warnings[0]!.found).toBe('a CSV text file (read as one)');
  });

  it("fundplan's own writer (inline strings, no shared strings) reads back", () => {
    const bytes = xlsxBytes([{ name: '申报', columns: [], rows: [HEADER12, ['P-1', '项目_x0041_', CODES[0]!, '企业', '', '应用项目', { number: 2019 }, { number: '1234.5678' }, '', '', '', { number: 80 }]] }]);
    const r = readApplicationsFile(bytes, 'own.xlsx');
    expect(r.records[0]!.projectName).toBe('项目_x0041_');
    expect(r.records[0]!.totalInvestment!.toString()).toBe('12345678');
  });
});
