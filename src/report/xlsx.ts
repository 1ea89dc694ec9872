/**
 * allocations.xlsx: the same allocation as allocations.csv and notice.csv, for people who
 * work in Excel. Sheets: 资助计划 (the public-notice table in 万元, its total and rule),
 * 明细 (every application, the rows of allocations.csv with Chinese headers, amounts in 元),
 * 汇总 (by measure and by district, 万元), 参数 (scenario, policy, input hashes, tool, then the
 * policy as the table to check against its document), then 资金拨付计划表 (a scenario with cash by
 * year: what falls due each year, 元) and 拨付台账 (the new grants' instalments, as commitments.csv).
 * The workbook is in Chinese whatever the report's language (it is the file for the 公示).
 * Amounts are number cells holding the exact decimal (元 `#,##0.00`, 万元 `#,##0.00####`).
 * Text cells are inline strings, never formulas; a text starting with = + - @, a tab or a CR
 * also gets the CSV's leading apostrophe, so the two files show the same text and a sheet
 * saved again as CSV stays inert. Every sheet prints on A4, one page wide, its header row on
 * every page and the scenario's name and the page number in the footer.
 */
import type { Decimal } from 'decimal.js';
import { D, WAN } from '../money.js';
import { neutraliseCell } from '../io/write.js';
import { compressSheet, compressSheetStreamed, fitWidths, neutralisedSample, withHead, xlsxParts, type CompressedSheet, type SheetInput, type Cell, type CellStyle, type PrintSpec, type SheetSpec } from '../io/xlsx-write.js';
import { columnLetter } from '../io/bounds.js';
import type { RowSource } from '../io/rows.js';
import { ALLOCATION_COLUMNS, type AllocationColumn } from './allocation-columns.js';
import type { Notice, ReportData } from './data.js';
import { words } from './i18n/index.js';
import { sumTallies } from './view.js';
import { solverUsed } from './summary.js';
import { cashflowSheet } from './cashflow.js';
import { commitmentsSheetOf } from './commitments.js';

/** The workbook's words: Chinese, as said above. */
const { workbook: WORDS, notice: NOTICE } = words('zh');

/** How each 明细 column's cells are written. */
const DETAIL_STYLE: Record<AllocationColumn, CellStyle | 'textCell'> = {
  project_id: 'id',
  project_name: 'textCell',
  company_id: 'id',
  company_name: 'textCell',
  district: 'textCell',
  measure: 'textCell',
  measure_name: 'textCell',
  clause: 'textCell',
  year: 'int',
  score: 'number',
  requested: 'yuan',
  entitlement: 'yuan',
  grant: 'yuan',
  batch: 'int',
  binding: 'textCell',
  binding_zh: 'textCell',
  note: 'textCell',
};

const text = (s: string, style: CellStyle = 'text'): Cell => ({ text: neutraliseCell(s), style });
const header = (s: string): Cell => ({ text: s, style: 'header' });
const num = (v: string | number, style: CellStyle): Cell => ({ number: v, style });
/** The first cells of a totals row: 合计 and `span - 1` empty ones. */
const totalLabel = (span: number): Cell[] => [{ text: NOTICE.total, style: 'totalText' }, ...Array.from({ length: span - 1 }, (): Cell => ({ text: '', style: 'totalText' }))];
/** Yuan (exact decimal text) as 万元, exact. */
const wan = (yuan: string | Decimal, style: CellStyle = 'wan'): Cell => num(new D(yuan).div(WAN).toFixed(), style);

/** How a sheet prints: `titleRows` on every page; the scenario's name and "第 n 页，共 m 页" below. */
function print(scenario: string, titleRows?: number): PrintSpec {
  return { ...(titleRows ? { titleRows } : {}), footer: { left: [scenario], right: WORDS.pageOf({ field: 'page' }, { field: 'pages' }) } };
}

function sheet(name: string, rows: Cell[][], opts: Omit<SheetSpec, 'name' | 'rows' | 'columns'> & { widths?: number[] } = {}): SheetSpec {
  const widths = opts.widths ?? fitWidths(rows);
  return { name, rows, columns: widths.map((width) => ({ width })), ...opts };
}

/** The 资助计划 sheet: the public notice; `scenario` names the scenario in the printed footer. */
function noticeSheet(n: Notice, scenario: string): SheetSpec {
  const rows: Cell[][] = [WORDS.noticeHeader.map(header)];
  for (const r of n.rows) rows.push([num(r.seq, 'int'), num(r.batch, 'int'), text(r.projectName), text(r.companyName), text(r.measureName), num(r.grantWan, 'wan')]);
  rows.push([...totalLabel(5), num(n.totalWan, 'totalWan')]);
  rows.push([{ text: NOTICE.ruleLine(n.rule), style: 'wrap' }, null, null, null, null, null]);
  const widths = fitWidths(rows.slice(0, -1), { max: 48 });
  const last = rows.length;
  return { name: WORDS.sheets.notice, rows, columns: widths.map((width) => ({ width })), freezeRows: 1, merges: [`A${last}:F${last}`], print: print(scenario, 1) };
}

/** The 明细 sheet: every row of allocations.csv; `scenario` names the scenario in the printed footer. */
export function detailSheet(rows: RowSource<readonly string[]>, scenario: string): SheetSpec {
  const styles = ALLOCATION_COLUMNS.map((c) => DETAIL_STYLE[c]);
  // The rows of allocations.csv as they are (strings; numeric columns become number cells),
  // text neutralised as the CSV is: no object per cell at 100,000 rows.
  const textColumn = styles.map((style) => style === 'textCell' || style === 'id');
  const head: Cell[] = ALLOCATION_COLUMNS.map((c) => header(WORDS.detailHeader[c]));
  const out = withHead<readonly Cell[]>(head, rows);
  const widths = fitWidths(neutralisedSample(head, rows, textColumn), { max: 40 });
  widths[ALLOCATION_COLUMNS.indexOf('note')] = 60;
  return {
    name: WORDS.sheets.detail,
    rows: out,
    columns: styles.map((style, i) => ({ width: widths[i]!, style: style === 'textCell' ? 'text' : style, numeric: !textColumn[i], neutralise: textColumn[i] })),
    freezeRows: 1,
    autoFilter: `A1:${columnLetter(styles.length - 1)}${out.length}`,
    print: print(scenario, 1),
  };
}

function summarySheet(data: ReportData): SheetSpec {
  const s = data.summary;
  const rows: Cell[][] = [];
  const tally = (t: { applications: number; funded: number; requested: string | Decimal; entitlement: string | Decimal; granted: string | Decimal }, total = false): Cell[] => [
    num(t.applications, 'int'), num(t.funded, 'int'),
    wan(t.requested, total ? 'totalWan' : 'wan'), wan(t.entitlement, total ? 'totalWan' : 'wan'), wan(t.granted, total ? 'totalWan' : 'wan'),
  ];

  rows.push([{ text: WORDS.byMeasureTitle, style: 'title' }]);
  rows.push(WORDS.byMeasureHeader.map(header));
  for (const m of s.byMeasure) {
    rows.push([
      text(m.clause), text(m.measure), text(m.name), ...tally(m),
      m.budgetMin === null ? { text: '', style: 'wan' } : wan(m.budgetMin), m.budgetMax === null ? { text: '', style: 'wan' } : wan(m.budgetMax),
    ]);
  }
  rows.push([...totalLabel(3), ...tally(sumTallies(s.byMeasure), true)]);
  rows.push([]);
  rows.push([{ text: WORDS.byDistrictTitle, style: 'title' }]);
  rows.push(WORDS.byDistrictHeader.map(header));
  for (const d of s.byDistrict) rows.push([text(d.district), ...tally(d)]);
  rows.push([...totalLabel(1), ...tally(sumTallies(s.byDistrict), true)]);
  rows.push([]);
  rows.push([{ text: WORDS.budgetTitle, style: 'title' }]);
  rows.push(WORDS.budgetHeader.map(header));
  rows.push([wan(s.budget), wan(s.granted), wan(s.unallocated)]);
  const widths = fitWidths(rows.filter((r) => r.length > 1), { max: 36 });
  // Three tables with their own headers: none repeats on every page.
  return { name: WORDS.sheets.summary, rows, columns: widths.map((width) => ({ width })), freezeRows: 2, print: print(s.scenario.name) };
}

function parametersSheet(data: ReportData): SheetSpec {
  const s = data.summary;
  const f = s.scenario.fields;
  const P = WORDS.parameters;
  const rows: Cell[][] = [P.header.map(header)];
  const add = (label: string, value: Cell) => rows.push([text(label), value]);
  const yuan = (v: string) => (v === '' ? text('') : num(v, 'yuan'));
  add(P.scenarioName, text(s.scenario.name));
  if (s.scenario.description) add(P.scenarioDescription, text(s.scenario.description));
  add(P.scenarioFile, text(s.scenario.file));
  add(P.scenarioSha, text(s.scenario.sha256));
  for (const e of s.scenario.extends ?? []) add(P.extendsSha(e.file), text(e.sha256));
  add(P.policy, text(`${s.policy.id} ${s.policy.name}`));
  if (s.policy.document) add(P.policyDocument, text(s.policy.document));
  add(P.policyFile, text(s.policy.file));
  add(P.policySha, text(s.policy.sha256));
  add(P.applicationsFile, text(s.applications.file));
  add(P.applicationsSha, text(s.applications.sha256));
  add(P.applicationsEncoding, text(s.applications.encoding));
  if (s.applications.sheet !== undefined) add(P.applicationsSheet, text(s.applications.sheet));
  add(P.applicationsRows, num(s.applications.rows, 'int'));
  if (s.locks.length) add(P.batch, num(s.batch, 'int'));
  for (const l of s.locks) {
    add(P.lockFile(l.batch), text(l.file));
    add(P.lockSha(l.batch), text(l.sha256));
    add(P.lockGranted(l.batch), yuan(l.granted));
  }
  add(P.year, num(s.year, 'int'));
  add(P.budget, yuan(f.budget ?? s.budget));
  add(P.minScore, f.minScore ? num(f.minScore, 'number') : text(P.none));
  add(P.companyAnnualCap, f.companyAnnualCap ? yuan(f.companyAnnualCap) : text(P.none));
  add(P.measureBudgets, text(f.measureBudgets || P.none));
  if (f.districtBudgets) add(P.districtBudgets, text(f.districtBudgets));
  if (f.measureRules) add(P.measureRules, text(f.measureRules));
  add(P.granularity, yuan(f.granularity ?? s.granularity));
  add(P.objective, text(P.objectiveText(s.objective.kind, s.objective.description)));
  add(P.objectiveValue, num(s.objective.value, 'number'));
  add(P.status, text(s.status === 'optimal' ? P.statusOptimal : P.statusStopped(s.status)));
  add(P.gap, num(s.optimality.gap, 'number'));
  add(P.solver, text(solverUsed(s, words('zh').summary)));
  add(P.verification, text(P.verificationText(s.verification.checks, s.verification.violations)));
  add(P.priorityOrder, text(s.rules.priorityOrderZh ?? s.rules.priorityOrder));
  add(P.rounding, text(s.rules.roundingZh ?? s.rules.rounding));
  add(P.warnings, text(P.warningsText(s.warnings.length)));
  add(P.tool, text(`${s.tool.name} ${s.tool.version}`));
  // The policy as encoded, one table per part of it, below the item/value pairs.
  const policy = data.policyTableZh;
  const from = rows.length;
  rows.push([], [{ text: policy.title, style: 'title' }]);
  for (const part of policy.sections) {
    rows.push([], [{ text: part.title, style: 'title' }], part.header.map(header));
    for (const r of part.rows) rows.push(r.map((c) => text(c, c.includes('\n') ? 'wrap' : 'text')));
  }
  // Long values above overflow into the empty cells to their right; the policy's columns fit their cells.
  const fit = fitWidths(rows.slice(from).filter((r) => r.length > 1), { min: 8, max: 40 });
  const widths = [Math.max(26, fit[0] ?? 0), Math.max(30, fit[1] ?? 0), ...fit.slice(2)];
  return sheet(WORDS.sheets.parameters, rows, { widths, freezeRows: 1, print: print(s.scenario.name, 1) });
}

/** The 资助计划 sheet, compressed: the workbook's first (selected) sheet. */
export function noticeSheetCompressed(notice: Notice, scenario: string): Promise<CompressedSheet> {
  return compressSheetStreamed(noticeSheet(notice, scenario), true);
}

/** The 明细 sheet, compressed, from the rows of allocations.csv (ALLOCATION_COLUMNS order). */
export function detailSheetCompressed(rows: RowSource<readonly string[]>, scenario: string): Promise<CompressedSheet> {
  return compressSheetStreamed(detailSheet(rows, scenario), false);
}

/** The 拨付台账 sheet, compressed, from commitments.csv's rows (`commitmentRows`); null without any. */
export async function commitmentsSheetCompressed(rows: readonly (readonly string[])[], scenario: string): Promise<CompressedSheet | null> {
  return rows.length ? compressSheetStreamed({ ...commitmentsSheetOf(rows, 'zh'), print: print(scenario, 1) }, false) : null;
}

/** The sheets of the workbook made from many rows, compressed (on worker threads, see offload.ts, or here). */
export interface BigSheets {
  readonly notice: CompressedSheet;
  readonly detail: CompressedSheet;
  readonly commitments: CompressedSheet | null;
}

/**
 * The workbook: 资助计划 and 明细 (given, or being made: the others are made first), 汇总 and 参数 and, with cash by year, 资金拨付计划表
 * (made here, from the report data), then 拨付台账 (given, where there are commitments).
 */
export async function allocationsXlsx(data: ReportData, big: BigSheets | Promise<BigSheets>): Promise<Uint8Array[]> {
  const scenario = data.summary.scenario.name;
  const own = [summarySheet(data), parametersSheet(data), ...(data.summary.years ? [{ ...cashflowSheet(data.summary), print: print(scenario, 1) }] : [])].map((s) => compressSheet(s, false));
  const { notice, detail, commitments } = await big;
  const sheets: SheetInput[] = [notice, detail, ...own, ...(commitments ? [commitments] : [])];
  return xlsxParts(sheets);
}
