/**
 * Rows read one at a time, by index: an array of rows is one; a table read row by row
 * (report/text-table.ts `tableRowSource`) is another, which makes each row as it is asked for.
 * The writers (CSV, sheet XML) read their rows through this, in order (a sheet reads its first
 * rows once more to fit its column widths); a source that makes its rows gives `width`, or a
 * sheet reads them all once more for it.
 */
export interface RowSource<T> {
  readonly length: number;
  /** Row `index` (0 ≤ index < length); a source that makes its rows makes a new one each time. */
  at(index: number): T | undefined;
  /** The longest row's length, where the source knows it without reading its rows. */
  readonly width?: number;
}
