/**
 * The grants of an earlier batch, read from its allocations.csv (as fundplan writes it), to be
 * kept fixed in a later batch. project_id and grant are required; company_id, company_name,
 * project_name, district, measure, year, score, requested and batch are read where the file
 * has them: a locked project that is not in the later batch's applications is taken from them.
 */
import { parse, CsvError } from 'csv-parse/sync';
import type { Decimal } from 'decimal.js';
import { InputError, shown, type InputIssue } from '../errors.js';
import { parseAmount, parseDecimal } from '../money.js';
import type { ApplicationRecord } from '../model/application.js';
import { decodeText } from './text.js';
import { restoreCell } from './write.js';

/**
 * One locked project as its row states it: the application's own fields where the file has
 * them (text columns it lacks are ''; `measure` as written, allocations.csv writes the id),
 * the row in the file (the header is row 1), the grant and the batch column.
 */
export interface LockedRow extends Pick<ApplicationRecord, 'row' | 'projectId' | 'projectName' | 'companyId' | 'companyName' | 'district' | 'measure'> {
  readonly year: number | null;
  readonly score: Decimal | null;
  readonly requested: Decimal | null;
  readonly grant: Decimal;
  readonly batch: number | null;
}

/** The grants of an earlier run, with where each was read (the file as shown, the CSV row per project). */
export interface LockedFile {
  readonly file: string;
  readonly grants: Map<string, Decimal>;
  readonly rowOf: ReadonlyMap<string, number>;
  /** Every row, in file order. */
  readonly rows: readonly LockedRow[];
  /** The optional columns the file has. */
  readonly columns: ReadonlySet<LockedColumn>;
  /** The batch the file's run was: the largest value of its batch column (null without one). */
  readonly batch: number | null;
}

const OPTIONAL = ['project_name', 'company_id', 'company_name', 'district', 'measure', 'year', 'score', 'requested', 'batch'] as const;
export type LockedColumn = (typeof OPTIONAL)[number];

export function parseLockedFile(bytes: Uint8Array, file: string): LockedFile {
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new InputError([{ file, expected: "a previous run's allocations.csv", found: decoded.found }]);
  let rows: string[][];
  try {
    rows = parse(decoded.text, { relax_column_count: true, skip_empty_lines: true });
  } catch (e) {
    if (e instanceof CsvError) throw new InputError([{ file, expected: 'well-formed CSV', found: e.message }]);
    throw e;
  }
  const header = (rows[0] ?? []).map((h) => h.trim());
  const idCol = header.indexOf('project_id');
  const grantCol = header.indexOf('grant');
  if (idCol < 0 || grantCol < 0) {
    throw new InputError([{ file, row: 1, expected: "the columns project_id and grant of a previous run's allocations.csv", found: `columns ${header.map((h) => shown(h)).join(', ')}` }]);
  }
  const colOf = new Map(OPTIONAL.map((c) => [c, header.indexOf(c)] as const).filter(([, i]) => i >= 0));
  const issues: InputIssue[] = [];
  const locked = new Map<string, Decimal>();
  const firstRow = new Map<string, number>();
  const out: LockedRow[] = [];
  rows.slice(1).forEach((cells, k) => {
    const row = k + 2;
    // allocations.csv neutralises formula-like cells with a leading apostrophe; undo that.
    const text = (c: LockedColumn) => {
      const i = colOf.get(c);
      return i === undefined ? '' : restoreCell((cells[i] ?? '').trim());
    };
    /** An optional cell: null when empty, else parsed (an issue when it does not parse). */
    const optional = <T>(c: LockedColumn, read: (s: string) => T | null, expected: string): T | null => {
      const s = text(c);
      if (s === '') return null;
      const v = read(s);
      if (v === null) issues.push({ file, row, column: c, expected, found: shown(s) });
      return v;
    };
    const id = restoreCell((cells[idCol] ?? '').trim());
    const amount = parseAmount((cells[grantCol] ?? '').trim());
    if (id === '') issues.push({ file, row, column: 'project_id', expected: 'a project id', found: 'an empty cell' });
    else if (firstRow.has(id)) issues.push({ file, row, column: 'project_id', expected: `a unique project id (row ${firstRow.get(id)} has the same)`, found: shown(id) });
    if (!amount.ok) issues.push({ file, row, column: 'grant', expected: amount.expected, found: shown(cells[grantCol] ?? '') });
    const year = optional('year', (s) => (/^\d{4}$/.test(s) ? Number(s) : null), 'a year such as 2019');
    const score = optional('score', parseDecimal, 'a score such as 85');
    const requested = optional('requested', (s) => {
      const r = parseAmount(s);
      return r.ok ? r.value : null;
    }, 'an amount in yuan');
    const batch = optional('batch', (s) => (/^[1-9]\d{0,3}$/.test(s) ? Number(s) : null), 'a batch number: 1, 2, …');
    if (id !== '' && !firstRow.has(id) && amount.ok) {
      firstRow.set(id, row);
      locked.set(id, amount.value);
      out.push({
        row,
        projectId: id,
        projectName: text('project_name'),
        companyId: text('company_id'),
        companyName: text('company_name'),
        district: text('district'),
        measure: text('measure'),
        year,
        score,
        requested,
        grant: amount.value,
        batch,
      });
    }
  });
  if (issues.length) throw new InputError(issues);
  const batches = out.map((r) => r.batch).filter((b): b is number => b !== null);
  return { file, grants: locked, rowOf: firstRow, rows: out, columns: new Set(colOf.keys()), batch: batches.length ? Math.max(...batches) : null };
}
