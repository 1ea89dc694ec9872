/**
 * A table file's bytes to a grid of cell texts (`RawTable`), CSV/TSV text or an .xlsx workbook,
 * chosen by content: a ZIP is read as a workbook whatever its name, text as CSV whatever its
 * name. What the columns mean is the caller's (./table.ts for applications, ./ledger-table.ts
 * for the commitments ledger); this only decodes, parses and bounds.
 */
import { CsvError } from 'csv-parse/sync';
import { InputError, type InputIssue } from '../errors.js';
import { READ_LIMITS, fmtBytes, type ReadLimits } from './bounds.js';
import { csvParse, FieldTexts, LF, recordAt, scanRecords, type Break, type CsvReadOptions } from './csv-read.js';
import type { RawRow, RawTable } from './table.js';
import { decodeText, gb18030Utf8, utf8Text, type Encoding } from './text.js';
import { readXlsxTable } from './xlsx.js';
import { looksLikeZip } from './zip.js';

export interface GridOptions {
  /** The sheet to read (xlsx); default the first visible one. */
  readonly sheet?: string;
  /** Who named the sheet, for messages (default "--sheet"). */
  readonly sheetNamedBy?: string;
  readonly limits?: ReadLimits;
}

export interface GridRead {
  readonly table: RawTable;
  readonly format: 'csv' | 'xlsx';
  /** How the text was decoded (CSV), or `xlsx`. */
  readonly encoding: Encoding | 'xlsx';
  /** The sheet read (xlsx). */
  readonly sheet?: string;
  readonly warnings: readonly InputIssue[];
}

/** OLE compound files: legacy .xls, and .xlsx encrypted with a password. */
const isCompoundFile = (b: Uint8Array) => b.length >= 8 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0 && b[4] === 0xa1 && b[5] === 0xb1;

/** Read a table file of either format, by content; `what` names the file in messages ("an applications file"). */
export function readGrid(bytes: Uint8Array, file: string, what: string, options: GridOptions = {}): GridRead {
  const limits = options.limits ?? READ_LIMITS;
  if (bytes.length > limits.maxFileBytes) {
    throw new InputError([{ file, expected: `${what} of at most ${fmtBytes(limits.maxFileBytes)}`, found: `${fmtBytes(bytes.length)} (split it, or remove unused sheets and images)` }]);
  }
  const named = /\.xlsx$|\.xlsm$/i.test(file) ? 'xlsx' : /\.(csv|tsv|txt)$/i.test(file) ? 'csv' : null;
  if (isCompoundFile(bytes)) {
    throw new InputError([{ file, expected: 'an .xlsx workbook or a CSV file', found: 'a legacy .xls workbook or a password-protected one: open it in Excel and save it as .xlsx (Excel 工作簿) without a password' }]);
  }
  if (looksLikeZip(bytes)) {
    const x = readXlsxTable(bytes, file, { sheet: options.sheet, sheetNamedBy: options.sheetNamedBy, limits });
    const renamed: InputIssue[] = named === 'csv' ? [{ file, expected: 'a CSV file, as the name says', found: 'an .xlsx workbook (read as one)' }] : [];
    return { table: x.table, format: 'xlsx', encoding: 'xlsx', sheet: x.sheet, warnings: [...renamed, ...x.warnings] };
  }
  if (options.sheet !== undefined) {
    throw new InputError([{ file, expected: `an .xlsx workbook (${options.sheetNamedBy ?? '--sheet'} names a sheet, ${JSON.stringify(options.sheet)})`, found: 'a CSV text file, which has no sheets' }]);
  }
  const read = readCsvGrid(bytes, file, limits);
  if (named === 'xlsx') return { ...read, warnings: [{ file, expected: 'an .xlsx workbook, as the name says', found: 'a CSV text file (read as one)' }] };
  return read;
}

function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

/**
 * A CSV (UTF-8, UTF-16 with BOM or GB18030; comma, tab or semicolon) as a grid; rows with no value are left out.
 * A UTF-8 file's rows read their cells from `bytes` when asked: the caller keeps them unchanged while the grid is used.
 */
export function readCsvGrid(bytes: Uint8Array, file: string, limits: ReadLimits = READ_LIMITS): GridRead {
  // UTF-8 (the usual file) is read from its bytes, and decoded whole only for csv-parse; other
  // encodings are decoded, and read as the UTF-8 bytes of their text.
  const utf8 = utf8Text(bytes);
  // GB18030 of ASCII and two-byte codes (the usual one) is transcoded to UTF-8 bytes without the text.
  const gb = utf8 === null ? gb18030Utf8(bytes) : null;
  let text: string | undefined;
  let encoding: Encoding;
  let body: Buffer | null;
  if (utf8 !== null) {
    body = utf8.bytes;
    encoding = utf8.encoding;
  } else if (gb !== null) {
    body = gb;
    encoding = 'gb18030';
  } else {
    const decoded = decodeText(bytes);
    if (!decoded.ok) throw new InputError([{ file, expected: 'a CSV text file in UTF-8 or GB18030', found: decoded.found }]);
    text = decoded.text;
    encoding = decoded.encoding;
    // A lone surrogate has no UTF-8 form: such a text is csv-parse's to read.
    body = (text as string & { isWellFormed(): boolean }).isWellFormed() ? Buffer.from(text, 'utf8') : null;
  }
  // The delimiter is found on the first line: up to the first line feed (the same byte in UTF-8).
  const firstLf = body === null ? -1 : body.indexOf(LF);
  const delimiter = detectDelimiter(text ?? body!.toString('utf8', 0, firstLf < 0 ? body!.length : firstLf + 1));
  // Parsing stops one record past the row bound, so a huge file is refused without being kept.
  const options: CsvReadOptions = { delimiter, maxRecordSize: limits.maxRecordChars, to: limits.maxRows + 1 };
  const rows: RawRow[] = [];
  let count = 0;
  let wide: InputIssue | null = null;
  // A row with a value beyond the columns read: the first such row is refused (after the row bound).
  // `last`: the index of the row's last cell with a value, -1 for none (such a row is left out).
  const keep = (last: number, r: number, row: () => RawRow) => {
    if (last < 0 || wide) return;
    if (last >= limits.maxColumns) wide = { file, row: r + 1, expected: `values in the first ${limits.maxColumns} columns only`, found: `a value in column ${last + 1}` };
    else rows.push(row());
  };
  // Plainly well-formed text: each row kept as where it starts in the bytes, its cells read
  // when asked for, so the cells of a large file are not all held at once.
  const source: CsvSource | null = body === null ? null : { bytes: body, delimiter: options.delimiter.charCodeAt(0), texts: new FieldTexts(body) };
  const fast =
    source !== null &&
    scanRecords(source.bytes, options, (last, start, brk) => {
      const r = count++;
      keep(last, r, () => new CsvRow(r + 1, source, start, brk));
    });
  if (!fast) {
    rows.length = 0;
    wide = null;
    let records: string[][];
    try {
      records = csvParse(text ?? body!.toString('utf8'), options);
    } catch (e) {
      if (e instanceof CsvError) {
        // The record that failed follows the `records` complete ones: its spreadsheet row is records + 1.
        const records = (e as CsvError & { records?: number }).records ?? 0;
        const found = e.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'a quote that is never closed'
          : e.code === 'CSV_MAX_RECORD_SIZE'
            ? `a record longer than ${limits.maxRecordChars.toLocaleString('en-US')} characters (a quote that is never closed?)`
            : e.message.replace(/ at line \d+.*$/s, '');
        throw new InputError([{ file, row: records + 1, expected: 'well-formed CSV', found }]);
      }
      throw e;
    }
    count = records.length;
    records.forEach((cells, r) => keep(lastWithValue(cells), r, () => ({ row: r + 1, cells })));
  }
  if (count > limits.maxRows) {
    throw new InputError([{ file, row: limits.maxRows + 1, expected: `at most ${limits.maxRows.toLocaleString('en-US')} rows`, found: `more (the file goes on past row ${limits.maxRows.toLocaleString('en-US')})` }]);
  }
  if (wide) throw new InputError([wide]);
  return { table: { rows, merges: [] }, format: 'csv', encoding, warnings: [] };
}

/** The index of the last cell with a value (not blank once trimmed), -1 for none. */
function lastWithValue(cells: readonly string[]): number {
  let last = cells.length - 1;
  while (last >= 0 && cells[last]!.trim() === '') last--;
  return last;
}

/** The bytes plainly well-formed CSV rows read their cells from, and the texts their short cells share. */
interface CsvSource {
  readonly bytes: Buffer;
  readonly delimiter: number;
  readonly texts: FieldTexts;
}

/**
 * A row of plainly well-formed CSV: where it starts in the UTF-8 bytes; its cells read from
 * there each time they are asked for (the same cells every time).
 */
class CsvRow implements RawRow {
  constructor(
    readonly row: number,
    private readonly source: CsvSource,
    private readonly start: number,
    private readonly brk: Break,
  ) {}

  get cells(): readonly string[] {
    const s = this.source;
    return recordAt(s.bytes, s.delimiter, this.start, this.brk, s.texts);
  }
}
