/**
 * A table of text by columns (`TextTable`): a column of few values as its distinct values and a
 * code per row, any other as its value per row. Sent to another thread it is far fewer strings
 * to copy and to make again than its rows (arrays of strings), and it is made without them;
 * `packTable` joins each column of values into one string first, which the other thread reads
 * without making a string per value until a row is asked for (`tableRowSource`).
 */
import type { RowSource } from '../io/rows.js';

export interface TextTable {
  readonly length: number;
  readonly columns: readonly TextColumn[];
}

/**
 * A column's value per row; or (with `codes`) its distinct values and the index of each row's
 * among them; or (`packTable`'s) its values one after the other in `text`, row i's ending at
 * `ends[i]` (and starting where row i − 1's ends).
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
 * The table to send to another thread: each column of values joined into one string (a string
 * is copied as one block, where a value each is a string to copy and to make again, most of
 * them kept until the rows are written: collected over and over as the other thread's heap grows).
 */
export function packTable(table: TextTable): TextTable {
  const columns = table.columns.map((c): TextColumn => ('values' in c && !('codes' in c) ? joinTexts(c.values) : c));
  return { length: table.length, columns };
}

/** Texts one after the other in one string: text i ends at `ends[i]` and starts where text i − 1 ends. */
export interface JoinedTexts {
  readonly text: string;
  readonly ends: Uint32Array;
}

/** `values` joined (`JoinedTexts`). */
function joinTexts(values: readonly string[]): JoinedTexts {
  const ends = new Uint32Array(values.length);
  let text = '';
  for (let i = 0; i < values.length; i++) {
    text += values[i]!;
    ends[i] = text.length;
  }
  return { text, ends };
}

/** Text i of `joined`. */
function joinedText(joined: JoinedTexts, i: number): string {
  const { ends } = joined;
  return joined.text.slice(i ? ends[i - 1]! : 0, ends[i]!);
}

/** Reads a table's rows: row i of every column (`read`). */
class RowReader {
  private readonly values: (readonly string[] | null)[];
  private readonly codes: (Uint32Array | null)[];
  private readonly joined: (JoinedTexts | null)[];
  constructor(table: TextTable) {
    const { columns } = table;
    this.values = columns.map((c) => ('values' in c ? c.values : null));
    this.codes = columns.map((c) => ('codes' in c ? c.codes : null));
    this.joined = columns.map((c) => ('text' in c ? c : null));
  }
  read(i: number): string[] {
    const width = this.values.length;
    const row = new Array<string>(width);
    for (let c = 0; c < width; c++) {
      const joined = this.joined[c];
      if (joined) {
        row[c] = joinedText(joined, i);
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
