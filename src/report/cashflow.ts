/**
 * The cash plan table (资金拨付计划表) of a multi-year scenario, from summary.json's `years`:
 * cashflow.csv and the workbook's sheet. Per year of the horizon one row per measure (the
 * three dues and their total), then the year's total row, which alone carries the cash
 * columns (cash, carried in, carried out, recovered, unspent at the year's end). Headers: the
 * Chinese ones for 'zh', the column ids for 'en'. Amounts are yuan with two decimals as in
 * allocations.csv; the sheet holds them as numbers.
 */
import { D, fmtYuan } from '../money.js';
import { neutraliseCell } from '../io/cells.js';
import { toExcelCsv } from '../io/write.js';
import { fitWidths, type Cell, type CellStyle, type SheetSpec } from '../io/xlsx-write.js';
import { words, type CashflowColumn, type Lang } from './i18n/index.js';
import type { Summary } from './summary-schema.js';

export const CASHFLOW_FILE = 'cashflow.csv';

export const CASHFLOW_COLUMNS: readonly CashflowColumn[] = [
  'year', 'measure', 'measure_name', 'due_earlier', 'due_this_year', 'due_planned', 'total', 'cash', 'carried_in', 'carried_out', 'recovered', 'room_left',
];

/** The header row: Chinese headers, or the column ids. */
export function cashflowHeader(lang: Lang): string[] {
  const col = words('zh').years.col;
  return CASHFLOW_COLUMNS.map((c) => (lang === 'zh' ? col[c] : c));
}

/** A row of the table, and whether it is a year's total row. */
export interface CashflowRow {
  readonly cells: readonly string[];
  readonly total: boolean;
}

/** The rows as text, in the file's order: per year its measures (summary order), then its total. */
export function cashflowRows(s: Summary, lang: Lang): CashflowRow[] {
  const years = s.years;
  if (!years) return [];
  const names = new Map(s.byMeasure.map((m) => [m.measure, m.name]));
  const out: CashflowRow[] = [];
  for (const y of years.cashflow) {
    for (const m of years.byMeasure.filter((x) => x.year === y.year)) {
      const total = fmtYuan(new D(m.dueEarlier).plus(m.dueThisYear).plus(m.duePlanned));
      out.push({ total: false, cells: [String(y.year), m.measure, names.get(m.measure) ?? m.measure, m.dueEarlier, m.dueThisYear, m.duePlanned, total, '', '', '', '', ''] });
    }
    out.push({
      total: true,
      cells: [String(y.year), '', words(lang).years.total, y.dueEarlier, y.dueThisYear, y.duePlanned, y.total, y.cash, y.carriedIn, y.carriedOut, y.recovered, y.roomLeft],
    });
  }
  return out;
}

/** cashflow.csv: UTF-8 with BOM, CRLF, formula-like cells neutralised (`toExcelCsv`). */
export function cashflowCsv(s: Summary, lang: Lang): string {
  return toExcelCsv(
    cashflowHeader(lang),
    cashflowRows(s, lang).map((r) => r.cells),
  );
}

const TEXT_COLUMNS: ReadonlySet<CashflowColumn> = new Set(['measure', 'measure_name']);

/** The table as a workbook sheet (资金拨付计划表): years as whole numbers, amounts as numbers in yuan, total rows bold. */
export function cashflowSheet(s: Summary): SheetSpec {
  const w = words('zh').years;
  const rows: Cell[][] = [cashflowHeader('zh').map((text) => ({ text, style: 'header' }))];
  for (const r of cashflowRows(s, 'zh')) {
    rows.push(
      r.cells.map((v, i): Cell => {
        const c = CASHFLOW_COLUMNS[i]!;
        if (TEXT_COLUMNS.has(c)) return { text: neutraliseCell(v), style: r.total ? 'totalText' : 'text' };
        if (!r.total || c === 'year') return v;
        return { number: v, style: 'totalYuan' };
      }),
    );
  }
  const widths = fitWidths(rows, { max: 40 });
  const style = (c: CashflowColumn): CellStyle => (c === 'year' ? 'int' : TEXT_COLUMNS.has(c) ? 'text' : 'yuan');
  return {
    name: w.table,
    rows,
    columns: CASHFLOW_COLUMNS.map((c, i) => ({ width: widths[i]!, style: style(c), numeric: !TEXT_COLUMNS.has(c) })),
    freezeRows: 1,
  };
}
