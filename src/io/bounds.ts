/**
 * What fundplan agrees to read. An applications file beyond any of these is refused with an
 * InputError before it can cost unbounded time or memory; the checks run before the whole
 * file is parsed wherever the format allows (file size first, a ZIP entry's declared size
 * before it is inflated, inflation capped at what is left of the budget, rows and columns
 * counted while a sheet or CSV is read). Defaults live here only; tests pass smaller ones.
 */
export interface ReadLimits {
  /** Size of the applications file on disk (CSV or .xlsx). */
  readonly maxFileBytes: number;
  /** Rows with any value, title and header rows included. */
  readonly maxRows: number;
  /** The rightmost column that may hold a value (100 = column CV). */
  readonly maxColumns: number;
  /** Characters in one CSV record (a quote that never closes swallows the rest of the file). */
  readonly maxRecordChars: number;
  /** .xlsx: bytes inflated from the ZIP, all parts read together (a zip bomb stops here). */
  readonly maxInflatedBytes: number;
  /** .xlsx: entries in the ZIP directory. */
  readonly maxZipEntries: number;
}

export const READ_LIMITS: ReadLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxRows: 200_000,
  maxColumns: 100,
  maxRecordChars: 1024 * 1024,
  maxInflatedBytes: 384 * 1024 * 1024,
  maxZipEntries: 10_000,
};

/** 1536 → "1.5 KiB"; for messages about sizes. */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** 0 → "A", 25 → "Z", 26 → "AA": a spreadsheet column letter from a 0-based index. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
