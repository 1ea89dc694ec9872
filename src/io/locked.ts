/**
 * The grants of an earlier run, read from its allocations.csv (columns project_id and
 * grant, as fundplan writes them), to be kept fixed in a later batch.
 */
import { parse, CsvError } from 'csv-parse/sync';
import type { Decimal } from 'decimal.js';
import { InputError, shown, type InputIssue } from '../errors.js';
import { parseAmount } from '../money.js';
import { decodeText } from './text.js';
import { restoreCell } from './write.js';

/** The grants of an earlier run, with where each was read (the file as shown, the CSV row per project). */
export interface LockedFile {
  readonly file: string;
  readonly grants: Map<string, Decimal>;
  readonly rowOf: ReadonlyMap<string, number>;
}

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
  const issues: InputIssue[] = [];
  const locked = new Map<string, Decimal>();
  const firstRow = new Map<string, number>();
  rows.slice(1).forEach((cells, k) => {
    const row = k + 2;
    // allocations.csv neutralises formula-like cells with a leading apostrophe; undo that for ids.
    const id = restoreCell((cells[idCol] ?? '').trim());
    const amount = parseAmount((cells[grantCol] ?? '').trim());
    if (id === '') issues.push({ file, row, column: 'project_id', expected: 'a project id', found: 'an empty cell' });
    else if (firstRow.has(id)) issues.push({ file, row, column: 'project_id', expected: `a unique project id (row ${firstRow.get(id)} has the same)`, found: shown(id) });
    if (!amount.ok) issues.push({ file, row, column: 'grant', expected: amount.expected, found: shown(cells[grantCol] ?? '') });
    if (id !== '' && !firstRow.has(id) && amount.ok) {
      firstRow.set(id, row);
      locked.set(id, amount.value);
    }
  });
  if (issues.length) throw new InputError(issues);
  return { file, grants: locked, rowOf: firstRow };
}
