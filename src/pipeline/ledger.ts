/**
 * A commitments ledger file read and checked: io reads the cells (io/ledger-table.ts), the model
 * checks the rows against each other (model/ledger.ts `checkLedger`).
 */
import type { GridOptions } from '../io/grid.js';
import { readLedgerTable, type LedgerTable } from '../io/ledger-table.js';
import { checkLedger, type LedgerEntry } from '../model/ledger.js';

/** The ledger as read: its rows checked against each other, with the file's headers, format and warnings. */
export type LedgerRead = Omit<LedgerTable, 'rows' | 'issues'> & {
  /** The rows in file order. */
  readonly entries: readonly LedgerEntry[];
};

/**
 * Read a commitments ledger file (CSV or .xlsx, by content) and check it (`checkLedger`):
 * every problem, in cells and between rows, in one InputError.
 */
export function readCommitmentsFile(bytes: Uint8Array, file: string, options: GridOptions = {}): LedgerRead {
  const t = readLedgerTable(bytes, file, options);
  const entries = checkLedger(t.rows, t.headers, file, t.issues);
  return { entries, headers: t.headers, format: t.format, encoding: t.encoding, warnings: t.warnings };
}
