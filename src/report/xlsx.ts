/**
 * allocations.xlsx: the same allocation as allocations.csv and notice.csv, for people who
 * work in Excel. Sheets: 资助计划 (the public-notice table in 万元, its total and rule),
 * 明细 (every application, the rows of allocations.csv with Chinese headers, amounts in 元),
 * 汇总 (by measure and by district, 万元), 参数 (scenario, policy, input hashes, tool).
 * Amounts are number cells holding the exact decimal (元 `#,##0.00`, 万元 `#,##0.00####`).
 * Text cells are inline strings, never formulas; a text starting with = + - @, a tab or a CR
 * also gets the CSV's leading apostrophe, so the two files show the same text and a sheet
 * saved again as CSV stays inert.
 */
import type { Decimal } from 'decimal.js';
import { D, WAN } from '../money.js';
import { neutraliseCell } from '../io/write.js';
import { compressSheet, fitWidths, xlsxBytes, type CompressedSheet, type SheetInput, type Cell, type CellStyle, type SheetSpec } from '../io/xlsx-write.js';
import { columnLetter } from '../io/bounds.js';
import { ALLOCATION_COLUMNS } from './allocations.js';
import type { ReportData } from './data.js';

type Column = (typeof ALLOCATION_COLUMNS)[number];

/** 明细 columns: Chinese header and how the cell is written. */
const DETAIL: Record<Column, { header: string; style: CellStyle | 'textCell' }> = {
  project_id: { header: '项目编号', style: 'id' },
  project_name: { header: '项目名称', style: 'textCell' },
  company_id: { header: '统一社会信用代码', style: 'id' },
  company_name: { header: '企业名称', style: 'textCell' },
  district: { header: '所属区', style: 'textCell' },
  measure: { header: '类别编号', style: 'textCell' },
  measure_name: { header: '申报类别', style: 'textCell' },
  clause: { header: '条款', style: 'textCell' },
  year: { header: '年度', style: 'int' },
  score: { header: '评审得分', style: 'number' },
  requested: { header: '申请金额（元）', style: 'yuan' },
  entitlement: { header: '政策核定上限（元）', style: 'yuan' },
  grant: { header: '资助金额（元）', style: 'yuan' },
  binding: { header: '决定因素', style: 'textCell' },
  binding_zh: { header: '决定因素说明', style: 'textCell' },
  note: { header: '说明', style: 'textCell' },
};

const text = (s: string, style: CellStyle = 'text'): Cell => ({ text: neutraliseCell(s), style });
const header = (s: string): Cell => ({ text: s, style: 'header' });
const num = (v: string | number, style: CellStyle): Cell => ({ number: v, style });
/** Yuan (exact decimal text) as 万元, exact. */
const wan = (yuan: string | Decimal, style: CellStyle = 'wan'): Cell => num(new D(yuan).div(WAN).toFixed(), style);

function sheet(name: string, rows: Cell[][], opts: Omit<SheetSpec, 'name' | 'rows' | 'columns'> & { widths?: number[] } = {}): SheetSpec {
  const widths = opts.widths ?? fitWidths(rows);
  return { name, rows, columns: widths.map((width) => ({ width })), ...opts };
}

function noticeSheet(data: ReportData): SheetSpec {
  const n = data.notice;
  const rows: Cell[][] = [['序号', '项目名称', '申报单位', '申报类别', '资助金额（万元）'].map(header)];
  for (const r of n.rows) rows.push([num(r.seq, 'int'), text(r.projectName), text(r.companyName), text(r.measureName), num(r.grantWan, 'wan')]);
  rows.push([{ text: '合计', style: 'totalText' }, { text: '', style: 'totalText' }, { text: '', style: 'totalText' }, { text: '', style: 'totalText' }, num(n.totalWan, 'totalWan')]);
  rows.push([{ text: `说明：${n.rule}`, style: 'wrap' }, null, null, null, null]);
  const widths = fitWidths(rows.slice(0, -1), { max: 48 });
  const last = rows.length;
  return { name: '资助计划', rows, columns: widths.map((width) => ({ width })), freezeRows: 1, merges: [`A${last}:E${last}`] };
}

/** The 明细 sheet: every row of allocations.csv. */
export function detailSheet(rows: readonly (readonly string[])[]): SheetSpec {
  const cols = ALLOCATION_COLUMNS.map((c) => DETAIL[c]);
  // The rows of allocations.csv as they are (strings; numeric columns become number cells),
  // text neutralised as the CSV is: no object per cell at 100,000 rows.
  const textColumn = cols.map((c) => c.style === 'textCell' || c.style === 'id');
  const out: Cell[][] = [cols.map((c) => header(c.header))];
  for (const r of rows) out.push(r.map((v, i) => (textColumn[i] ? neutraliseCell(v) : v)));
  const widths = fitWidths(out, { max: 40 });
  widths[ALLOCATION_COLUMNS.indexOf('note')] = 60;
  return {
    name: '明细',
    rows: out,
    columns: cols.map((c, i) => ({ width: widths[i]!, style: c.style === 'textCell' ? 'text' : c.style, numeric: !textColumn[i] })),
    freezeRows: 1,
    autoFilter: `A1:${columnLetter(cols.length - 1)}${out.length}`,
  };
}

function summarySheet(data: ReportData): SheetSpec {
  const s = data.summary;
  const rows: Cell[][] = [];
  const totals = (items: readonly { applications: number; funded: number; requested: string; entitlement: string; granted: string }[]) => {
    const sum = (f: (x: (typeof items)[number]) => string) => items.reduce((a, x) => a.plus(f(x)), new D(0));
    return {
      applications: items.reduce((a, x) => a + x.applications, 0),
      funded: items.reduce((a, x) => a + x.funded, 0),
      requested: sum((x) => x.requested),
      entitlement: sum((x) => x.entitlement),
      granted: sum((x) => x.granted),
    };
  };
  const tally = (t: { applications: number; funded: number; requested: string | Decimal; entitlement: string | Decimal; granted: string | Decimal }, total = false): Cell[] => [
    num(t.applications, 'int'), num(t.funded, 'int'),
    wan(t.requested, total ? 'totalWan' : 'wan'), wan(t.entitlement, total ? 'totalWan' : 'wan'), wan(t.granted, total ? 'totalWan' : 'wan'),
  ];
  const totalLabel = (span: number): Cell[] => [{ text: '合计', style: 'totalText' }, ...Array.from({ length: span - 1 }, (): Cell => ({ text: '', style: 'totalText' }))];

  rows.push([{ text: '按申报类别汇总（金额单位：万元）', style: 'title' }]);
  rows.push(['条款', '类别编号', '申报类别', '申报项数', '资助项数', '申请金额', '政策核定上限', '资助金额', '类别预算下限', '类别预算上限'].map(header));
  for (const m of s.byMeasure) {
    rows.push([
      text(m.clause), text(m.measure), text(m.name), ...tally(m),
      m.budgetMin === null ? { text: '', style: 'wan' } : wan(m.budgetMin), m.budgetMax === null ? { text: '', style: 'wan' } : wan(m.budgetMax),
    ]);
  }
  rows.push([...totalLabel(3), ...tally(totals(s.byMeasure), true)]);
  rows.push([]);
  rows.push([{ text: '按所属区汇总（金额单位：万元）', style: 'title' }]);
  rows.push(['所属区', '申报项数', '资助项数', '申请金额', '政策核定上限', '资助金额'].map(header));
  for (const d of s.byDistrict) rows.push([text(d.district), ...tally(d)]);
  rows.push([...totalLabel(1), ...tally(totals(s.byDistrict), true)]);
  rows.push([]);
  rows.push([{ text: '预算执行（金额单位：万元）', style: 'title' }]);
  rows.push(['总预算', '已分配', '未分配'].map(header));
  rows.push([wan(s.budget), wan(s.granted), wan(s.unallocated)]);
  const widths = fitWidths(rows.filter((r) => r.length > 1), { max: 36 });
  return { name: '汇总', rows, columns: widths.map((width) => ({ width })), freezeRows: 2 };
}

function parametersSheet(data: ReportData): SheetSpec {
  const s = data.summary;
  const f = s.scenario.fields;
  const rows: Cell[][] = [['项目', '值'].map(header)];
  const add = (label: string, value: Cell) => rows.push([text(label), value]);
  const yuan = (v: string) => (v === '' ? text('') : num(v, 'yuan'));
  add('场景名称', text(s.scenario.name));
  if (s.scenario.description) add('场景说明', text(s.scenario.description));
  add('场景文件', text(s.scenario.file));
  add('场景文件 SHA-256', text(s.scenario.sha256));
  for (const e of s.scenario.extends ?? []) add(`继承场景 ${e.file} SHA-256`, text(e.sha256));
  add('政策', text(`${s.policy.id} ${s.policy.name}`));
  if (s.policy.document) add('政策文件号', text(s.policy.document));
  add('政策文件', text(s.policy.file));
  add('政策文件 SHA-256', text(s.policy.sha256));
  add('申报文件', text(s.applications.file));
  add('申报文件 SHA-256', text(s.applications.sha256));
  add('申报文件格式', text(s.applications.encoding));
  if (s.applications.sheet !== undefined) add('申报工作表', text(s.applications.sheet));
  add('申报项数', num(s.applications.rows, 'int'));
  add('年度', num(s.year, 'int'));
  add('总预算（元）', yuan(f.budget ?? s.budget));
  add('最低分', f.minScore ? num(f.minScore, 'number') : text('（无）'));
  add('企业年度限额（元）', f.companyAnnualCap ? yuan(f.companyAnnualCap) : text('（无）'));
  add('类别预算（元）', text(f.measureBudgets || '（无）'));
  add('取整单位（元）', yuan(f.granularity ?? s.granularity));
  add('目标', text(`${s.objective.kind}：${s.objective.description}`));
  add('目标函数值', num(s.objective.value, 'number'));
  add('求解状态', text(s.status === 'optimal' ? '已证明最优 (optimal)' : `因限制停止，未证明最优 (${s.status})`));
  add('与上界的相对差距', num(s.optimality.gap, 'number'));
  add('求解器', text(s.solver.reason));
  add('规则校验', text(`${s.verification.checks} 项检查，${s.verification.violations} 项违规`));
  add('优先顺序', text(s.rules.priorityOrderZh ?? s.rules.priorityOrder));
  add('取整规则', text(s.rules.roundingZh ?? s.rules.rounding));
  add('警告', text(s.warnings.length ? `${s.warnings.length} 条（见 summary.json）` : '无'));
  add('工具版本', text(`${s.tool.name} ${s.tool.version}`));
  return sheet('参数', rows, { widths: [26, 90], freezeRows: 1 });
}

/** Where the workbook's 明细 sheet is the second sheet: built in a worker thread (see offload.ts) or here. */
export const DETAIL_SHEET_POSITION: number = 1;

/**
 * The workbook, from the report data and either the rows of allocations.csv (ALLOCATION_COLUMNS
 * order) or the 明细 sheet being built from them elsewhere (`formatRowsAside` in offload.ts). The other
 * sheets are built and compressed before the 明细 sheet is waited for.
 */
export async function allocationsXlsx(data: ReportData, detail: readonly (readonly string[])[] | Promise<CompressedSheet>): Promise<Buffer> {
  // The first sheet of the workbook is the selected one.
  const own = [noticeSheet(data), summarySheet(data), parametersSheet(data)];
  const sheets: SheetInput[] = own.map((s, i) => compressSheet(s, (i < DETAIL_SHEET_POSITION ? i : i + 1) === 0));
  sheets.splice(DETAIL_SHEET_POSITION, 0, 'then' in detail ? await detail : detailSheet(detail));
  return xlsxBytes(sheets);
}
