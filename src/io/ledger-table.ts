/**
 * The commitments ledger's file format (commitments.csv, or the same table in an .xlsx): the
 * headers its columns may carry and the reading of its cells (the columns, Chinese headers and
 * status words are the model's, model/ledger.ts). The file is read like an
 * applications file (./grid.ts, then ./table.ts's header search: Chinese or English headers,
 * `*` marks, case, full-width characters, a unit in the header such as 应拨金额（万元）, cells
 * such as "150万"); each cell is converted here, and what rows must agree on (one project's
 * rows, its instalments' sum) is checked by the model (model/ledger.ts).
 */
import type { Decimal } from 'decimal.js';
import { InputError, shown, type InputIssue } from '../errors.js';
import { toHalfWidth, type Unit } from '../money.js';
import { readGrid, type GridOptions } from './grid.js';
import { SUBTOTAL_ROW, TOTAL_ROW, amountValue, blank, cleanText, col, findHeader, idValue, type Column, type Conv } from './table.js';
import type { Encoding } from './text.js';
import { restoreCell } from './write.js';
import { COMMITMENT_COLUMNS, COMMITMENT_HEADERS_ZH, COMMITMENT_STATUS_WORDS, type CommitmentColumn, type CommitmentStatus, type LedgerCells } from '../model/ledger.js';

/**
 * The columns as headers may name them: the column name (any case), the Chinese header, and
 * the other names a bureau's copy may carry. Every column is required, and every cell.
 */
const LEDGER_COLUMNS: readonly Column[] = [
  col('project_id', [COMMITMENT_HEADERS_ZH.project_id, '项目编码', '项目代码'], 'id', true),
  col('project_name', [COMMITMENT_HEADERS_ZH.project_name], 'text', true),
  col('company_id', [COMMITMENT_HEADERS_ZH.company_id, '信用代码', '企业代码'], 'id', true),
  col('company_name', [COMMITMENT_HEADERS_ZH.company_name, '申报单位', '单位名称'], 'text', true),
  col('measure', [COMMITMENT_HEADERS_ZH.measure, '类别', '申报类别', '资助类别', '扶持类别'], 'text', true),
  col('approved_year', [COMMITMENT_HEADERS_ZH.approved_year, '立项年度'], 'year', true),
  col('grant', [COMMITMENT_HEADERS_ZH.grant, '资助金额'], 'amount', true),
  col('installment', [COMMITMENT_HEADERS_ZH.installment, '分期'], 'integer', true),
  col('due_year', [COMMITMENT_HEADERS_ZH.due_year, '拨付年度'], 'year', true),
  col('amount', [COMMITMENT_HEADERS_ZH.amount, '拨付金额', '本期金额'], 'amount', true),
  col('status', [COMMITMENT_HEADERS_ZH.status, '拨付状态'], 'status', true),
];

/**
 * One row of the ledger as its cells read: null where a cell did not read (the problem is in
 * `LedgerTable.issues`). `measure` is the text as written (an id or a name; the caller maps it).
 */

export interface LedgerTable {
  readonly rows: readonly LedgerCells[];
  /** Each column's header as the file writes it (for messages). */
  readonly headers: Readonly<Record<CommitmentColumn, string>>;
  readonly format: 'csv' | 'xlsx';
  readonly encoding: Encoding | 'xlsx';
  readonly warnings: readonly InputIssue[];
  /** Cells that did not read: file, row, column (the file's header), expected, found. */
  readonly issues: readonly InputIssue[];
}

const STATUS_EXPECTED = `a status: ${[...new Set(Object.values(COMMITMENT_STATUS_WORDS))].map((s) => `${s} (${Object.keys(COMMITMENT_STATUS_WORDS).filter((w) => COMMITMENT_STATUS_WORDS[w] === s && /[^\x00-\x7f]/.test(w)).join(' / ')})`).join(', ')}`;

function statusValue(raw: string): Conv<CommitmentStatus> {
  const s = COMMITMENT_STATUS_WORDS[toHalfWidth(raw).replace(/\s+/g, '').toLowerCase()];
  return s ? { ok: true, value: s } : { ok: false, expected: STATUS_EXPECTED };
}

function installmentValue(raw: string): Conv<number> {
  const m = /^第?(\d{1,3})(?:\.0+)?期?$/.exec(toHalfWidth(raw).replace(/\s+/g, ''));
  const n = m ? Number(m[1]) : 0;
  return n >= 1 ? { ok: true, value: n } : { ok: false, expected: 'an instalment number: 1, 2, 3, …' };
}

/** A whole year: 2019, 2019年, 2019.0 (a number cell), full-width digits; not a date (2019.5 is not a year here). */
function yearValue(raw: string): Conv<number> {
  const m = /^(\d{4})(?:\.0+|年度?)?$/.exec(toHalfWidth(raw).replace(/\s+/g, ''));
  return m ? { ok: true, value: Number(m[1]) } : { ok: false, expected: 'a four-digit year such as 2019' };
}

const textValue = (raw: string): Conv<string> => ({ ok: true, value: cleanText(raw) });

/**
 * Read a commitments ledger (CSV in any encoding the applications reader takes, or .xlsx) into
 * its rows' cells. A header that cannot be mapped (a column missing) is thrown; problems in
 * cells are returned in `issues`, so the caller can add its own and throw them all at once.
 * Blank rows are skipped, and so are 合计/小计 rows (with a warning).
 */
export function readLedgerTable(bytes: Uint8Array, file: string, options: GridOptions = {}): LedgerTable {
  const grid = readGrid(bytes, file, 'a commitments ledger', options);
  const rows = grid.table.rows;
  if (!rows.some((r) => r.cells.some((c) => !blank(c)))) {
    throw new InputError([{ file, row: 1, expected: 'a header row naming the columns', found: 'an empty file' }]);
  }
  const header = findHeader(grid.table, file, new Map(rows.map((r) => [r.row, r])), LEDGER_COLUMNS);
  if (header.issues.length) throw new InputError(header.issues);
  const where = new Map<string, { c: number; label: string; unit: Unit }>();
  for (const [c, f] of header.fields) where.set(f.key, { c, label: f.label, unit: f.unit });
  const headers = Object.fromEntries(COMMITMENT_COLUMNS.map((k) => [k, where.get(k)!.label])) as Record<CommitmentColumn, string>;
  const issues: InputIssue[] = [];
  const warnings: InputIssue[] = [...grid.warnings];
  const out: LedgerCells[] = [];
  for (let i = header.last + 1; i < rows.length; i++) {
    const { row, cells, unreadable } = rows[i]!;
    const first = (cells.find((c) => !blank(c)) ?? '').replace(/\s+/g, '');
    if (first === '') continue;
    if (TOTAL_ROW.test(first) || SUBTOTAL_ROW.test(first)) {
      warnings.push({ file, row, expected: 'an instalment row', found: `a total row ${shown(first)} (skipped)` });
      continue;
    }
    const get = <T>(key: CommitmentColumn, conv: (raw: string, unit: Unit) => Conv<T>): T | null => {
      const { c, label, unit } = where.get(key)!;
      const bad = unreadable?.get(c);
      if (bad !== undefined) {
        issues.push({ file, row, column: label, expected: `a value for ${key}`, found: bad });
        return null;
      }
      // The writer puts an apostrophe before a cell Excel would take for a formula; it is not part of the value.
      const value = restoreCell((cells[c] ?? '').trim());
      if (value === '') {
        issues.push({ file, row, column: label, expected: `a value for ${key}`, found: 'an empty cell' });
        return null;
      }
      const res = conv(value, unit);
      if (!res.ok) {
        issues.push({ file, row, column: label, expected: res.expected, found: shown(value) });
        return null;
      }
      return res.value;
    };
    out.push({
      row,
      projectId: get('project_id', idValue('project_id')),
      projectName: get('project_name', textValue),
      companyId: get('company_id', idValue('company_id')),
      companyName: get('company_name', textValue),
      measure: get('measure', textValue),
      approvedYear: get('approved_year', yearValue),
      grant: get('grant', amountValue),
      installment: get('installment', installmentValue),
      dueYear: get('due_year', yearValue),
      amount: get('amount', amountValue),
      status: get('status', statusValue),
    });
  }
  return { rows: out, headers, format: grid.format, encoding: grid.encoding, warnings, issues };
}
