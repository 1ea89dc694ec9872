/**
 * Workbooks built the way district offices build them, with exceljs (an independent writer:
 * shared strings, its own styles and merges), and the equivalent clean CSV.
 */
import ExcelJS from 'exceljs';
import type { Decimal } from 'decimal.js';
import { InputError, type InputIssue } from '../../src/errors.js';
import type { ApplicationRecord } from '../../src/model/application.js';
import { creditCode } from './cli-fixtures.js';

export const TITLE = '2019年深圳市工业互联网发展扶持计划申报汇总表';

export async function workbookBytes(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A comparable view of a record: Decimals as strings, without its row number. */
export function plainRecord(r: ApplicationRecord) {
  const d = (v: Decimal | null) => (v === null ? null : v.toString());
  return {
    index: r.index, projectId: r.projectId, projectName: r.projectName, companyId: r.companyId, companyName: r.companyName,
    district: r.district, measure: r.measure, year: r.year, totalInvestment: d(r.totalInvestment), eligibleBase: d(r.eligibleBase),
    requested: d(r.requested), upperFunding: d(r.upperFunding), score: r.score.toString(), extra: r.extra,
  };
}

/** Run `f`, expect an InputError, return its issues. */
export function issuesOf(f: () => unknown): readonly InputIssue[] {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.issues;
    throw e;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

export const CODES = ['91440300MA5DXTR01', '91440300MA5DXTR02', '91440300MA5DXTR03', '91440300MA5DXTR04'].map(creditCode);

/** The clean CSV: one header row, plain values, amounts in 万元. */
export const CLEAN_HEADER = ['序号', '项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度', '总投资（万元）', '核定基数（万元）', '申请金额（万元）', '上级资助（万元）', '评审得分', '申报日期'];
export const CLEAN_ROWS: string[][] = [
  ['1', 'SZ2019-001', '工业互联网平台项目', CODES[0]!, '深圳市甲科技有限公司', '南山区', '工业互联网应用项目', '2019', '1234.5', '', '370.35', '', '85.5', '2019-03-15'],
  ['2', 'SZ2019-002', '云平台（一期）', CODES[1]!, '深圳市乙信息有限公司', '福田区', '跨行业跨领域工业互联网平台', '2019', '1234.5', '1000', '300', '', '70', '2019-03-16'],
  ['3', 'SZ2019-003', '设备联网改造', CODES[2]!, '深圳市丙制造有限公司', '宝安区', '工业互联网示范基地', '2019', '500', '', '150', '0.3', '90', '2019-03-18'],
  ['4', 'SZ2019-004', '产线数字化', CODES[2]!, '深圳市丙制造有限公司', '宝安区', '工业互联网应用项目', '2019', '800', '', '', '', '66', '2019-03-20'],
  ['5', 'SZ2019-005', '示范基地建设', CODES[3]!, '深圳市丁网络有限公司', '龙岗区', '工业互联网示范基地', '2019', '12000', '', '', '200.5', '78', '2019-04-01'],
];

export function csvOf(header: readonly string[], rows: readonly (readonly string[])[]): Uint8Array {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return new Uint8Array(Buffer.from([header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n', 'utf8'));
}

/**
 * The same five applications as a district office sends them: a title row, two-row merged
 * headers with the unit on the parent (金额（万元）), a 合计 row and a note below it, amounts
 * typed as text with separators and units or in full-width digits, a formula result, float
 * noise, a percent-formatted score, a date in the 年度 column and real dates in 申报日期,
 * stray spaces and line breaks in names, one company name merged over two rows.
 */
export function districtWorkbook(wb: ExcelJS.Workbook, opts: { totalRequested?: number } = {}): void {
  const ws = wb.addWorksheet('申报汇总');
  ws.mergeCells('A1:N1');
  ws.getCell('A1').value = TITLE;
  const single = ['序号', '项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度'];
  single.forEach((h, i) => {
    const col = String.fromCharCode(65 + i);
    ws.mergeCells(`${col}2:${col}3`);
    ws.getCell(`${col}2`).value = h;
  });
  ws.mergeCells('I2:L2');
  ws.getCell('I2').value = '金额（万元）';
  ['总投资', '核定基数', '申请金额', '上级资助'].forEach((h, i) => (ws.getCell(3, 9 + i).value = h));
  ws.mergeCells('M2:M3');
  ws.getCell('M2').value = '评审\n得分';
  ws.mergeCells('N2:N3');
  ws.getCell('N2').value = '申报日期';
  const date = (m: number, d: number) => new Date(Date.UTC(2019, m - 1, d));
  const rows: ExcelJS.CellValue[][] = [
    [1, 'SZ2019-001', ' 工业互联网平台 项目 ', CODES[0]!, '深圳市甲科技\n有限公司', '南山区', '工业互联网应用项目', 2019, '1,234.5万元', null, { formula: 'I4*0.3', result: 370.35 } as ExcelJS.CellValue, null, 85.5, date(3, 15)],
    [2, 'ＳＺ２０１９－００２', '云平台（一期）', CODES[1]!, '深圳市乙信息有限公司', '福田区', '跨行业跨领域工业互联网平台', '2019年', '１，２３４．５', 1000, '300', null, '７０', date(3, 16)],
    [3, 'SZ2019-003', '设备联网\r\n改造', CODES[2]!, '深圳市丙制造有限公司', '宝安区', ' 工业互联网示范基地', 2019, 500, null, 150, 0.1 + 0.2, 0.9, date(3, 18)],
    [4, 'SZ2019-004', '产线数字化', CODES[2]!, null, '宝安区', '工业互联网应用项目', date(6, 1), 800, null, null, null, 66, date(3, 20)],
    [5, 'SZ2019-005', '示范基地建设', ` ${CODES[3]!} `, '深圳市丁网络有限公司', '龙岗区', '工业互联网示范基地', 2019, '12000万元', null, null, '200.5万', 78, date(4, 1)],
  ];
  rows.forEach((r, i) => {
    const row = ws.getRow(4 + i);
    r.forEach((v, c) => {
      if (v !== null) row.getCell(c + 1).value = v;
    });
  });
  ws.mergeCells('E6:E7'); // 深圳市丙制造有限公司 for both of its projects
  ws.getCell('M6').numFmt = '0%'; // 0.9 shown as 90%
  ws.getCell('H7').numFmt = 'yyyy"年"m"月"'; // a date typed in the 年度 column
  for (let r = 4; r <= 8; r++) ws.getCell(`N${r}`).numFmt = 'yyyy-mm-dd';
  const total = ws.getRow(9);
  ws.mergeCells('A9:H9');
  total.getCell(1).value = '合  计';
  total.getCell(9).value = 1234.5 + 1234.5 + 500 + 800 + 12000;
  total.getCell(10).value = 1000;
  total.getCell(11).value = opts.totalRequested ?? 370.35 + 300 + 150;
  total.getCell(12).value = { formula: 'SUM(L4:L8)', result: 200.8 } as ExcelJS.CellValue;
  ws.getCell('A11').value = '填表人：张三    联系电话：0755-12345678';
}
