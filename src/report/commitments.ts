/**
 * The commitments ledger written out: commitments.csv and the 拨付台账 / Commitments sheet.
 * One row per instalment, sorted by project_id (by UTF-16 code units, not by locale) and then
 * by instalment number, so the same commitments give the same bytes. Headers: the Chinese ones
 * (项目编号 …) for 'zh', the column names (project_id …) for 'en'; both read back. Amounts are
 * yuan with two decimals as in allocations.csv; statuses are written as planned / paid /
 * cancelled.
 */
import { yuanText } from './fen.js';
import { columnLetter } from '../io/bounds.js';
import { toExcelCsv } from '../io/write.js';
import { fitWidths, neutralisedSample, type Cell, type CellStyle, type SheetSpec } from '../io/xlsx-write.js';
import { COMMITMENT_COLUMNS, COMMITMENT_HEADERS_ZH, COMMITMENT_STATUSES, type Commitment, type CommitmentColumn } from '../model/ledger.js';
import { words, type Lang } from './i18n/index.js';
import { Coder, ProjectColumns, tableRows, type TextTable } from './text-table.js';

/** The header row: Chinese headers, or the column names. */
export function commitmentsHeader(lang: Lang = 'zh'): string[] {
  return COMMITMENT_COLUMNS.map((c) => (lang === 'zh' ? COMMITMENT_HEADERS_ZH[c] : c));
}

const byProjectThenInstallment = (a: Commitment, b: Commitment) =>
  a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : a.installment - b.installment;

/** The rows as text, in the file's order (project_id, then instalment). */
export function commitmentRows(commitments: readonly Commitment[]): string[][] {
  return tableRows(commitmentTable(commitments));
}

/** The same rows as a table (`TextTable`); coded: the measure, the years, the instalment number, the status. */
export function commitmentTable(commitments: readonly Commitment[]): TextTable {
  const sorted = [...commitments].sort(byProjectThenInstallment);
  const n = sorted.length;
  const text = (): string[] => new Array<string>(n);
  const project = new ProjectColumns(n);
  const [grant, amount] = [text(), text()];
  const [measure, status] = [new Coder<string>(n), new Coder<string>(n)];
  const [approved, installment, due] = [new Coder<number>(n), new Coder<number>(n), new Coder<number>(n)];
  for (let i = 0; i < n; i++) {
    const c = sorted[i]!;
    project.put(i, c);
    measure.put(i, c.measureId);
    approved.put(i, c.approvedYear);
    grant[i] = yuanText(c.grant);
    installment.put(i, c.installment);
    due.put(i, c.dueYear);
    amount[i] = yuanText(c.amount);
    status.put(i, c.status);
  }
  const same = (s: string) => s;
  return {
    length: n,
    columns: [...project.columns(), measure.column(same), approved.column(String), { values: grant }, installment.column(String), due.column(String), { values: amount }, status.column(same)],
  };
}

/** commitments.csv: UTF-8 with BOM, CRLF, formula-like cells neutralised (`toExcelCsv`). */
export function commitmentsCsv(commitments: readonly Commitment[], lang: Lang = 'zh'): string {
  return toExcelCsv(commitmentsHeader(lang), commitmentRows(commitments));
}

const STYLE: Record<CommitmentColumn, CellStyle | 'textCell'> = {
  project_id: 'id',
  project_name: 'textCell',
  company_id: 'id',
  company_name: 'textCell',
  measure: 'textCell',
  approved_year: 'int',
  grant: 'yuan',
  installment: 'int',
  due_year: 'int',
  amount: 'yuan',
  status: 'textCell',
};

/**
 * The ledger as a workbook sheet (拨付台账 / Commitments): the CSV's rows, years and instalment
 * numbers as whole numbers and amounts as numbers in yuan; text neutralised as in the CSV; a
 * drop-down of the statuses on the status column (other words, such as 撤销, stay allowed).
 */
export function commitmentsSheet(commitments: readonly Commitment[], lang: Lang = 'zh'): SheetSpec {
  return commitmentsSheetOf(commitmentRows(commitments), lang);
}

/** The same sheet from the rows as text (`commitmentRows`). */
export function commitmentsSheetOf(ledgerRows: readonly (readonly string[])[], lang: Lang = 'zh'): SheetSpec {
  const styles = COMMITMENT_COLUMNS.map((c) => STYLE[c]);
  const textColumn = styles.map((s) => s === 'textCell' || s === 'id');
  const header: Cell[] = commitmentsHeader(lang).map((text) => ({ text, style: 'header' }));
  const rows: (readonly Cell[])[] = [header, ...ledgerRows];
  const widths = fitWidths(neutralisedSample(header, ledgerRows, textColumn), { max: 40 });
  const last = columnLetter(COMMITMENT_COLUMNS.length - 1);
  const statusColumn = columnLetter(COMMITMENT_COLUMNS.indexOf('status'));
  return {
    name: words(lang).workbook.sheets.commitments,
    rows,
    columns: styles.map((style, i) => ({ width: widths[i]!, style: style === 'textCell' ? 'text' : style, numeric: !textColumn[i], neutralise: textColumn[i] })),
    freezeRows: 1,
    autoFilter: `A1:${last}${rows.length}`,
    ...(rows.length > 1 ? { lists: [{ sqref: `${statusColumn}2:${statusColumn}${rows.length}`, values: [...COMMITMENT_STATUSES] }] } : {}),
  };
}
