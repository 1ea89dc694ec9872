/**
 * A commitments ledger file read and checked: io reads the cells (io/ledger-table.ts), the model
 * checks the rows against each other (model/ledger.ts `checkLedger`).
 */
import type { InputIssue } from '../errors.js';
import type { GridOptions } from '../io/grid.js';
import { readLedgerTable } from '../io/ledger-table.js';
import type { Encoding } from '../io/text.js';
import { checkLedger, type CommitmentColumn, type LedgerEntry } from '../model/ledger.js';

export interface LedgerRead {
  /** The rows in file order. */
  readonly entries: readonly LedgerEntry[];
  /** Each column's header as the file writes it. */
  readonly headers: Readonly<Record<CommitmentColumn, string>>;
  readonly format: 'csv' | 'xlsx';
  readonly encoding: Encoding | 'xlsx';
  readonly warnings: readonly InputIssue[];
}

/**
 * Read a commitments ledger file (CSV or .xlsx, by content) and check it (`checkLedger`):
 * every problem, in cells and between rows, in one InputError.
 */
export function readCommitmentsFile(bytes: Uint8Array, file: string, options: GridOptions = {}): LedgerRead {
  const t = readLedgerTable(bytes, file, options);
  const entries = checkLedger(t.rows, t.headers, file, t.issues);
  return { entries, headers: t.headers, format: t.format, encoding: t.encoding, warnings: t.warnings };
}
