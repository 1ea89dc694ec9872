/**
 * A table of text by columns (`TextTable`): a column of few values as its distinct values and a
 * code per row, any other as its value per row. Sent to another thread it is far fewer strings
 * to copy and to make again than its rows (arrays of strings), and it is made without them;
 * `packTable` writes each column of values into one buffer first (UTF-16 code units, moved to
 * the other thread rather than copied), which the other thread reads without making a string per
 * value until a row is asked for (`tableRowSource`).
 */
import type { RowSource } from '../io/rows.js';

export interface TextTable {
  readonly length: number;
  readonly columns: readonly TextColumn[];
}

/**
 * A column's value per row; or (with `codes`) its distinct values and the index of each row's
 * among them; or (`packTable`'s) its values one after the other in `utf16`, row i's ending at
 * code unit `ends[i]` (and starting where row i − 1's ends).
 */
export type TextColumn =
  | { readonly values: readonly string[] }
  | { readonly values: readonly string[]; readonly codes: Uint32Array }
  | JoinedTexts;

/** Codes for the values of one or more columns, numbered in the order the values are first met. */
export class Coder<K> {
  readonly codes: Uint32Array;
  private readonly keys: K[] = [];
  private readonly index = new Map<K, number>();
  constructor(length: number) {
    this.codes = new Uint32Array(length);
  }
  /** Row i has the value `key`. */
  put(i: number, key: K): void {
    let c = this.index.get(key);
    if (c === undefined) {
      c = this.keys.length;
      this.keys.push(key);
      this.index.set(key, c);
    }
    this.codes[i] = c;
  }
  /** A column of the text `text` gives each value. */
  column(text: (key: K) => string): TextColumn {
    return { values: this.keys.map(text), codes: this.codes };
  }
}

/** What a row names of its project and company: the first four columns of allocations.csv and of the ledger. */
interface ProjectOf {
  readonly projectId: string;
  readonly projectName: string;
  readonly companyId: string;
  readonly companyName: string;
}

/** The four columns of a row's project and company (ids and names, as the row has them), filled row by row. */
export class ProjectColumns {
  private readonly projectId: string[];
  private readonly projectName: string[];
  private readonly companyId: string[];
  private readonly companyName: string[];
  constructor(length: number) {
    this.projectId = new Array<string>(length);
    this.projectName = new Array<string>(length);
    this.companyId = new Array<string>(length);
    this.companyName = new Array<string>(length);
  }
  put(i: number, p: ProjectOf): void {
    this.projectId[i] = p.projectId;
    this.projectName[i] = p.projectName;
    this.companyId[i] = p.companyId;
    this.companyName[i] = p.companyName;
  }
  columns(): TextColumn[] {
    return [{ values: this.projectId }, { values: this.projectName }, { values: this.companyId }, { values: this.companyName }];
  }
}

/**
 * The table to send to another thread: each column of values written into one buffer, as
 * UTF-16 code units (a value each is a string to copy and to make again, most of them kept until
 * the rows are written: collected over and over as the other thread's heap grows; and the values
 * joined into one string cost more here, where the string was made, flattened and copied, than
 * written straight into a buffer that moves to the other thread without a copy).
 */
export function packTable(table: TextTable): TextTable {
  const columns = table.columns.map((c): TextColumn => ('values' in c && !('codes' in c) ? joinTexts(c.values) : c));
  return { length: table.length, columns };
}

/**
 * Texts one after the other as UTF-16 code units (every string's own, lone surrogates too): text
 * i ends at code unit `ends[i]` and starts where text i − 1 ends. Both are all of their buffers,
 * to move to another thread.
 */
export interface JoinedTexts {
  readonly utf16: Uint8Array;
  readonly ends: Uint32Array;
}

/** `values` joined (`JoinedTexts`). */
function joinTexts(values: readonly string[]): JoinedTexts {
  const ends = new Uint32Array(values.length);
  let units = 0;
  for (let i = 0; i < values.length; i++) units += values[i]!.length;
  // Not from Node's pool: the buffer is all of its memory, which can move.
  const utf16 = Buffer.allocUnsafeSlow(2 * units);
  // Code unit by code unit, low byte first (UTF-16LE): at 100,000 rows about half the time of a
  // call into Node (`write`) per value, cold.
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    for (let j = 0; j < v.length; j++) {
      const c = v.charCodeAt(j);
      utf16[at] = c;
      utf16[at + 1] = c >>> 8;
      at += 2;
    }
    ends[i] = at >>> 1;
  }
  return { utf16, ends };
}

/** A joined column's texts as `text(i)` reads them (the buffer as a Buffer: it arrives from another thread as a Uint8Array). */
class JoinedReader {
  private readonly utf16: Buffer;
  private readonly ends: Uint32Array;
  constructor(joined: JoinedTexts) {
    this.utf16 = Buffer.from(joined.utf16.buffer, joined.utf16.byteOffset, joined.utf16.byteLength);
    this.ends = joined.ends;
  }
  /** Text i. */
  text(i: number): string {
    const { ends } = this;
    return this.utf16.toString('utf16le', i ? 2 * ends[i - 1]! : 0, 2 * ends[i]!);
  }
}

/** Reads a table's rows: row i of every column (`read`). */
class RowReader {
  private readonly values: (readonly string[] | null)[];
  private readonly codes: (Uint32Array | null)[];
  private readonly joined: (JoinedReader | null)[];
  constructor(table: TextTable) {
    const { columns } = table;
    this.values = columns.map((c) => ('values' in c ? c.values : null));
    this.codes = columns.map((c) => ('codes' in c ? c.codes : null));
    this.joined = columns.map((c) => ('utf16' in c ? new JoinedReader(c) : null));
  }
  read(i: number): string[] {
    const width = this.values.length;
    const row = new Array<string>(width);
    for (let c = 0; c < width; c++) {
      const joined = this.joined[c];
      if (joined) {
        row[c] = joined.text(i);
      } else {
        const code = this.codes[c];
        row[c] = this.values[c]![code ? code[i]! : i]!;
      }
    }
    return row;
  }
}

/** The rows of a table, each an array of its columns' values. */
export function tableRows(table: TextTable): string[][] {
  const reader = new RowReader(table);
  const rows = new Array<string[]>(table.length);
  for (let i = 0; i < rows.length; i++) rows[i] = reader.read(i);
  return rows;
}

/**
 * The rows of a table made one at a time as they are read (each read makes a new row): none is
 * kept, so a thread writing them collects each row as young garbage rather than the whole table
 * as it grows its heap.
 */
export function tableRowSource(table: TextTable): RowSource<readonly string[]> {
  const reader = new RowReader(table);
  return { length: table.length, width: table.columns.length, at: (i) => (i >= 0 && i < table.length ? reader.read(i) : undefined) };
}
