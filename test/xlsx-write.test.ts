/**
 * allocations.xlsx read back by an independent reader (exceljs): the same numbers as
 * allocations.csv, notice.csv and summary.json; number formats, frozen headers, widths; text
 * that looks like a formula stays text; every sheet's page setup, and (where LibreOffice is
 * installed) the notice printed to PDF with its amounts on page one. And a scenario that names
 * an .xlsx solves exactly as the same applications in CSV.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { D } from '../src/money.js';
import { runSolve } from '../src/commands/solve.js';
import { READ_LIMITS } from '../src/io/bounds.js';
import { readXlsxTable } from '../src/io/xlsx.js';
import { readZipDirectory, readZipEntry } from '../src/io/zip.js';
import { PAGE, xlsxBytes } from '../src/io/xlsx-write.js';
import { ROWS, baseScenario, csv, fixture, removeFixtures, run } from './helpers/cli-fixtures.js';
import { CLEAN_HEADER, CLEAN_ROWS, csvOf, districtWorkbook, workbookBytes } from './helpers/workbooks.js';

afterAll(removeFixtures);

const readCsv = (path: string) => parse(readFileSync(path), { bom: true, columns: true }) as Record<string, string>[];
const cellText = (v: ExcelJS.CellValue) => (v === null || v === undefined ? '' : String(v));

describe('allocations.xlsx', () => {
  const rows = ROWS.map((r) => [...r]);
  rows[0]![1] = '=HYPERLINK("http://x","y")';
  rows[1]![3] = '+1 深圳市乙信息有限公司';
  const f = fixture({ applications: csv(rows) });
  let wb: ExcelJS.Workbook;
  let allocations: Record<string, string>[];
  let notice: Record<string, string>[];
  let summary: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read back from JSON
  beforeAll(async () => {
    await runSolve({ scenario: f.scenario, out: f.out, noTimings: true });
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(f.out, 'allocations.xlsx')) as unknown as ExcelJS.Buffer);
    allocations = readCsv(join(f.out, 'allocations.csv'));
    notice = readCsv(join(f.out, 'notice.csv'));
    summary = JSON.parse(readFileSync(join(f.out, 'summary.json'), 'utf8'));
  });

  it('has the four sheets and the ledger of the new grants, Chinese headers, a frozen header row and fitted widths', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['资助计划', '明细', '汇总', '参数', '拨付台账']);
    const detail = wb.getWorksheet('明细')!;
    expect((detail.getRow(1).values as ExcelJS.CellValue[]).slice(1)).toEqual([
      '项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '类别编号', '申报类别', '条款', '年度', '评审得分',
      '申请金额（元）', '政策核定上限（元）', '资助金额（元）', '批次', '决定因素', '决定因素说明', '说明',
    ]);
    for (const name of ['资助计划', '明细', '参数']) {
      expect(wb.getWorksheet(name)!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    }
    expect(detail.getColumn(4).width).toBeGreaterThanOrEqual(20); // 深圳市甲科技有限公司: 10 CJK characters
    expect(detail.getColumn(17).width).toBe(60);
  });

  it('明细 holds the numbers of allocations.csv, as numbers in 元 with a 元 format', () => {
    const detail = wb.getWorksheet('明细')!;
    expect(detail.rowCount).toBe(allocations.length + 1);
    allocations.forEach((a, i) => {
      const row = detail.getRow(i + 2);
      expect(row.getCell(1).value).toBe(a.project_id);
      expect(row.getCell(9).value).toBe(Number(a.year));
      expect(row.getCell(10).value).toBe(Number(a.score));
      for (const [col, key] of [[11, 'requested'], [12, 'entitlement'], [13, 'grant']] as const) {
        const v = row.getCell(col).value;
        if (a[key] === '') expect(cellText(v)).toBe('');
        else {
          expect(typeof v).toBe('number');
          expect(new D(v as number).toFixed(2)).toBe(a[key]);
          expect(row.getCell(col).numFmt).toBe('#,##0.00');
        }
      }
      expect(row.getCell(14).value).toBe(Number(a.batch));
      expect(row.getCell(15).value).toBe(a.binding);
      expect(row.getCell(17).value).toBe(a.note);
    });
  });

  it('资助计划 is notice.csv: the same rows, amounts in 万元 as numbers, the total and the rule', () => {
    const ws = wb.getWorksheet('资助计划')!;
    expect((ws.getRow(1).values as ExcelJS.CellValue[]).slice(1)).toEqual(['序号', '批次', '项目名称', '申报单位', '申报类别', '资助金额（万元）']);
    notice.forEach((n, i) => {
      const row = ws.getRow(i + 2);
      const amount = row.getCell(6).value;
      if (n['序号'] === '合计') {
        expect(row.getCell(1).value).toBe('合计');
        expect(new D(amount as number).toFixed(2)).toBe(n['资助金额(万元)']);
      } else if (n['序号']!.startsWith('说明')) {
        expect(row.getCell(1).value).toBe(n['序号']);
        expect(row.getCell(1).isMerged).toBe(true);
      } else {
        expect(row.getCell(1).value).toBe(Number(n['序号']));
        expect(row.getCell(2).value).toBe(Number(n['批次']));
        expect(row.getCell(3).value).toBe(n['项目名称']);
        expect(new D(amount as number).toFixed(2)).toBe(n['资助金额(万元)']);
        expect(row.getCell(6).numFmt).toBe('#,##0.00####');
      }
    });
    // 8,000,000 granted = 800 万元.
    expect(ws.getRow(notice.length).getCell(6).value).toBe(800);
  });

  it('汇总 agrees with summary.json by measure and by district; 参数 records the inputs', () => {
    const ws = wb.getWorksheet('汇总')!;
    const byLabel = new Map<string, ExcelJS.Row>();
    ws.eachRow((row) => byLabel.set(cellText(row.getCell(2).value) || cellText(row.getCell(1).value), row));
    for (const m of summary.byMeasure) {
      const row = byLabel.get(m.measure)!;
      expect(new D(row.getCell(8).value as number).times(10_000).toFixed(2)).toBe(m.granted);
      expect(row.getCell(4).value).toBe(m.applications);
    }
    const totals = [...byLabel.entries()].filter(([k]) => k === '合计');
    expect(totals.length).toBeGreaterThan(0);
    const params = new Map<string, string>();
    wb.getWorksheet('参数')!.eachRow((row) => params.set(cellText(row.getCell(1).value), cellText(row.getCell(2).value)));
    expect(params.get('申报文件 SHA-256')).toBe(summary.applications.sha256);
    expect(params.get('政策文件 SHA-256')).toBe(summary.policy.sha256);
    expect(params.get('工具版本')).toBe(`fundplan ${summary.tool.version}`);
    expect(params.get('总预算（元）')).toBe('8000000');
  });

  it('text that looks like a formula is text, with the same leading apostrophe as allocations.csv', () => {
    const detail = wb.getWorksheet('明细')!;
    const cell = detail.getRow(2).getCell(2);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe(`'=HYPERLINK("http://x","y")`);
    expect(cell.value).toBe(allocations[0]!.project_name);
    expect(detail.getRow(3).getCell(4).value).toBe(allocations[1]!.company_name);
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula))));
  });
});

/** A part of an .xlsx as text. */
function part(bytes: Uint8Array, name: string): string {
  const dir = readZipDirectory(bytes, 100);
  return readZipEntry(bytes, dir.get(name)!, 1 << 30).toString('utf8');
}

/** The children of <worksheet> in CT_Worksheet's order (ECMA-376 Part 1, 18.3.1.99), those fundplan writes. */
const WORKSHEET_ORDER = ['sheetPr', 'dimension', 'sheetViews', 'sheetFormatPr', 'cols', 'sheetData', 'autoFilter', 'mergeCells', 'dataValidations', 'printOptions', 'pageMargins', 'pageSetup', 'headerFooter'];

describe('allocations.xlsx prints', () => {
  const f = fixture();
  let bytes: Buffer;
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    await runSolve({ scenario: f.scenario, out: f.out, noTimings: true });
    bytes = readFileSync(join(f.out, 'allocations.xlsx'));
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  });

  it('every sheet: A4, one page wide, margins, the scenario and the page number in the footer; header rows on every page', () => {
    const titles: Record<string, string | undefined> = { 资助计划: '1:1', 明细: '1:1', 汇总: undefined, 参数: '1:1', 拨付台账: '1:1' };
    for (const ws of wb.worksheets) {
      expect(ws.pageSetup, ws.name).toMatchObject({ paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true });
      expect(ws.pageSetup.printTitlesRow, ws.name).toBe(titles[ws.name]);
      expect(ws.pageSetup.margins).toEqual(PAGE.margins);
      expect(ws.headerFooter.oddFooter).toBe('&L测试场景&R第 &P 页，共 &N 页');
    }
    // Wide sheets print landscape: 明细's sixteen columns; 参数's 26 + 90 characters.
    expect(wb.getWorksheet('明细')!.pageSetup.orientation).toBe('landscape');
    expect(wb.getWorksheet('参数')!.pageSetup.orientation).toBe('landscape');
  });

  it("the XML: elements in the schema's order; Print_Titles named in workbook.xml", () => {
    for (let i = 1; i <= 4; i++) {
      const xml = part(bytes, `xl/worksheets/sheet${i}.xml`);
      const at = WORKSHEET_ORDER.map((name) => xml.search(new RegExp(`<${name}[ />]`))).filter((p) => p >= 0);
      expect(at, `sheet${i}`).toEqual([...at].sort((a, b) => a - b));
      expect(xml).toMatch(/^[^]*<worksheet [^>]*><sheetPr><pageSetUpPr fitToPage="1"\/><\/sheetPr><dimension /);
      expect(xml).toMatch(/<pageSetup paperSize="9" fitToWidth="1" fitToHeight="0" orientation="(portrait|landscape)"\/><headerFooter><oddFooter>&amp;L测试场景&amp;R第 &amp;P 页，共 &amp;N 页<\/oddFooter><\/headerFooter><\/worksheet>$/);
    }
    const workbook = part(bytes, 'xl/workbook.xml');
    expect(workbook).toContain(`<definedName name="_xlnm.Print_Titles" localSheetId="0">'资助计划'!$1:$1</definedName>`);
    expect(workbook).toContain(`<definedName name="_xlnm.Print_Titles" localSheetId="1">'明细'!$1:$1</definedName>`);
    expect(workbook).not.toContain('localSheetId="2">');
  });

  it('our own reader still reads every sheet', () => {
    const notice = readXlsxTable(bytes, 'allocations.xlsx', { sheet: '资助计划', limits: READ_LIMITS });
    expect(notice.table.rows[0]!.cells).toEqual(['序号', '批次', '项目名称', '申报单位', '申报类别', '资助金额（万元）']);
    const detail = readXlsxTable(bytes, 'allocations.xlsx', { sheet: '明细', limits: READ_LIMITS });
    expect(detail.table.rows.length).toBe(readCsv(join(f.out, 'allocations.csv')).length + 1);
  });

  it("a footer's text keeps & literal, drops control characters and is cut at 60 characters", async () => {
    const footer = (name: string) => ({ left: [name], right: ['p', { field: 'page' as const }, '/', { field: 'pages' as const }] });
    const book = xlsxBytes([
      { name: 'A', columns: [{ width: 10 }], rows: [['x']], print: { footer: footer('R&D 计划 &P\u0001_x0041_') } },
      { name: 'B', columns: [{ width: 10 }], rows: [['x']], print: { footer: footer('长'.repeat(70)) } },
    ]);
    const w = new ExcelJS.Workbook();
    await w.xlsx.load(book as unknown as ExcelJS.Buffer);
    expect(w.getWorksheet('A')!.headerFooter.oddFooter).toBe('&LR&&D 计划 &&P _x005F_x0041_&Rp&P/&N');
    expect(w.getWorksheet('B')!.headerFooter.oddFooter).toBe(`&L${'长'.repeat(59)}…&Rp&P/&N`);
    expect(w.getWorksheet('A')!.pageSetup.orientation).toBe('portrait');
  });
});

/** A program on the PATH, or null. */
const onPath = (program: string, arg: string) => (spawnSync(program, [arg], { encoding: 'utf8', timeout: 60_000 }).status === 0 ? program : null);
const soffice = onPath('soffice', '--version');
const pdftotext = onPath('pdftotext', '-v');

// LibreOffice is large: CI does not install it, and this test skips without it.
describe.skipIf(!soffice || !pdftotext)('allocations.xlsx printed by LibreOffice (soffice --convert-to pdf)', () => {
  it('page one of 资助计划 holds the amounts; every page repeats the header and shows the scenario and the page number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fundplan-print-'));
    const scenario = fileURLToPath(new URL('../scenarios/shenzhen-2019/scenario.json', import.meta.url));
    const out = join(dir, 'out');
    await runSolve({ scenario, out, noTimings: true });
    const convert = spawnSync(
      soffice!,
      [`-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', dir, join(out, 'allocations.xlsx')],
      { encoding: 'utf8', timeout: 180_000 },
    );
    expect(convert.status, convert.stderr).toBe(0);
    const page = (n: number) => spawnSync(pdftotext!, ['-f', String(n), '-l', String(n), '-layout', join(dir, 'allocations.pdf'), '-'], { encoding: 'utf8' }).stdout;
    const notice = readCsv(join(out, 'notice.csv'));
    const first = new D(notice[0]!['资助金额(万元)']!).toNumber().toLocaleString('en-US', { minimumFractionDigits: 2 });
    const one = page(1);
    expect(one).toContain('资助金额（万元）');
    expect(one).toMatch(new RegExp(`\\n\\s*1\\s+1 ${notice[0]!['项目名称']}\\s.*\\s${first.replace(/[.]/g, '\\.')}\\s*\\n`));
    expect(one).toMatch(/深圳市2019年度工业互联网发展扶持计划\s+第 1 页，共 \d+ 页/);
    // The notice's 153 rows take a few pages, each starting with the header row.
    const two = page(2);
    expect(two.trimStart().startsWith('序号')).toBe(true);
    expect(two).toContain('资助金额（万元）');
  }, 240_000);
});

describe('a scenario may name an .xlsx (chosen by content)', () => {
  it('the district workbook solves to the same allocation as the clean CSV; --sheet and a misnamed file work too', async () => {
    const book = await workbookBytes((wb) => districtWorkbook(wb));
    const a = fixture({ scenario: { ...baseScenario(), applications: 'district.xlsx', budget: '20000000' }, applications: csvOf(CLEAN_HEADER, CLEAN_ROWS) });
    writeFileSync(join(a.dir, 'district.xlsx'), book);
    const b = fixture({ scenario: { ...baseScenario(), budget: '20000000' }, applications: csvOf(CLEAN_HEADER, CLEAN_ROWS) });
    const ra = await run(['solve', a.scenario, '--out', a.out, '--no-timings', '--sheet', '申报汇总']);
    // The one warning validate gives this workbook too.
    expect(ra.stderr).toBe('警告 / warnings (1):\ndistrict.xlsx:4:申请金额: expected at most ¥3,000,000, the most P10-APPLICATION （十） pays one project, found ¥3,703,500\n');
    expect(ra.code).toBe(0);
    expect((await run(['solve', b.scenario, '--out', b.out, '--no-timings'])).code).toBe(0);
    const grants = (out: string) => readCsv(join(out, 'allocations.csv')).map((r) => [r.project_id, r.grant, r.binding]);
    expect(grants(a.out)).toEqual(grants(b.out));
    expect(grants(a.out).some(([, g]) => g !== '0.00')).toBe(true);
    const s = JSON.parse(readFileSync(join(a.out, 'summary.json'), 'utf8'));
    expect(s.applications).toMatchObject({ file: 'district.xlsx', encoding: 'xlsx', sheet: '申报汇总' });
    // The same workbook under the scenario's .csv name.
    const c = fixture({ scenario: { ...baseScenario(), budget: '20000000' }, applications: book });
    const rc = await run(['solve', c.scenario, '--out', c.out, '--no-timings']);
    expect(rc.code).toBe(0);
    expect(rc.stderr).toContain('expected a CSV file, as the name says, found an .xlsx workbook (read as one)');
    expect(grants(c.out)).toEqual(grants(b.out));
    const bad = await run(['solve', a.scenario, '--out', join(a.dir, 'x'), '--sheet', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected a sheet named "nope", as --sheet says (the workbook\'s sheets: "申报汇总")');
  });
});
