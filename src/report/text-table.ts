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
