/**
 * A table of text by columns (`TextTable`): a column of few values as its distinct values and a
 * code per row, any other as its value per row. Sent to another thread it is far fewer strings
 * to copy and to make again than its rows (arrays of strings), and it is made without them.
 */

export interface TextTable {
  readonly length: number;
  readonly columns: readonly TextColumn[];
}

/** A column's value per row, or (with `codes`) its distinct values and the index of each row's among them. */
export type TextColumn = { readonly values: readonly string[] } | { readonly values: readonly string[]; readonly codes: Uint32Array };

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

/** The rows of a table, each an array of its columns' values. */
export function tableRows(table: TextTable): string[][] {
  const { columns, length } = table;
  const rows = new Array<string[]>(length);
  const width = columns.length;
  const values = columns.map((c) => c.values);
  const codes = columns.map((c) => ('codes' in c ? c.codes : null));
  for (let i = 0; i < length; i++) {
    const row = new Array<string>(width);
    for (let c = 0; c < width; c++) {
      const code = codes[c];
      row[c] = values[c]![code ? code[i]! : i]!;
    }
    rows[i] = row;
  }
  return rows;
}
