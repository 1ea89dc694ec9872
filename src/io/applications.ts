/**
 * Read an applications file, CSV/TSV text or an .xlsx workbook, chosen by content: a ZIP is
 * read as a workbook whatever its name, text as CSV whatever its name. Each reader only turns
 * bytes into a grid of cell texts; ./table.ts maps the headers and builds the records, so both
 * formats accept exactly the same columns, aliases, units and cell spellings.
 */
import type { InputIssue } from '../errors.js';
import type { ApplicationRecord, ApplicationsSource } from '../model/application.js';
import { READ_LIMITS, type ReadLimits } from './bounds.js';
import { readCsvGrid, readGrid, type GridOptions } from './grid.js';
import { tableToRecords, type TableOptions } from './table.js';
import type { Encoding } from './text.js';

export { COLUMNS, classifyHeader } from './table.js';

export interface ReadApplications {
  readonly records: readonly ApplicationRecord[];
  readonly source: ApplicationsSource;
  readonly format: 'csv' | 'xlsx';
  /** How the text was decoded (CSV), or `xlsx`. */
  readonly encoding: Encoding | 'xlsx';
  /** The sheet read (xlsx). */
  readonly sheet?: string;
  readonly warnings: readonly InputIssue[];
  /** Problems in rows, when read with `keepGoing` (otherwise thrown). */
  readonly issues: readonly InputIssue[];
}

export interface ReadOptions extends GridOptions, TableOptions {}

/** Read an applications file of either format, by content. */
export function readApplicationsFile(bytes: Uint8Array, file: string, options: ReadOptions = {}): ReadApplications {
  const grid = readGrid(bytes, file, 'an applications file', options);
  const t = tableToRecords(grid.table, file, options);
  return { ...t, format: grid.format, encoding: grid.encoding, ...(grid.sheet !== undefined ? { sheet: grid.sheet } : {}), warnings: [...grid.warnings, ...t.warnings] };
}

/** Read an applications CSV (UTF-8, UTF-16 with BOM or GB18030; comma, tab or semicolon). */
export function parseApplicationsCsv(bytes: Uint8Array, file: string, limits: ReadLimits = READ_LIMITS, options: { keepGoing?: boolean } = {}): ReadApplications {
  const grid = readCsvGrid(bytes, file, limits);
  return { ...tableToRecords(grid.table, file, options), format: 'csv', encoding: grid.encoding };
}
