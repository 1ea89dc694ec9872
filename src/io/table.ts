/**
 * From a grid of cell texts to application records: the one place that knows the columns.
 * The CSV reader and the .xlsx reader each yield a `RawTable` (rows of cell strings with their
 * spreadsheet row numbers, plus merged ranges); everything after that is here and shared:
 *
 * - the header row, found under title rows, possibly two rows deep where a merged parent
 *   cell carries the unit (金额（万元） over 总投资 | 核定基数 | 申请金额 | 上级资助), and a
 *   "单位：万元" note above the table;
 * - a trailing 合计/总计 row, checked against the column sums (a warning on a mismatch) and
 *   excluded; 小计 rows, a header repeated mid-file and note rows (填表人：…) skipped;
 * - cell values: full-width digits and punctuation, 元/万元/亿元 suffixes, percentages (scores),
 *   dates (years), stray spaces and line breaks; ids that Excel turned into 9.14403E+17
 *   refused with a hint;
 * - every problem collected into one InputError (`file:row:column: expected …, found …`).
 */
import type { Decimal } from 'decimal.js';
import { InputError, shown, type InputIssue } from '../errors.js';
import { D, fmtYuanHuman, parseAmount, parseDecimal, toHalfWidth, type Unit } from '../money.js';
import type { ApplicationRecord, ApplicationsSource } from '../model/application.js';
import { parseDecision, type Decision } from '../model/application.js';
import { creditCodeProblem } from '../model/credit-code.js';
import { columnLetter } from './bounds.js';

export interface RawRow {
  /** 1-based row as the spreadsheet numbers it. */
  readonly row: number;
  readonly cells: readonly string[];
  /** Cells that hold no readable value, by column index: what was found instead. */
  readonly unreadable?: ReadonlyMap<number, string>;
}

/** A merged range: rows 1-based (as `RawRow.row`), columns 0-based, inclusive. */
export interface Merge {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

export interface RawTable {
  readonly rows: readonly RawRow[];
  readonly merges: readonly Merge[];
}

export type Kind = 'id' | 'text' | 'amount' | 'year' | 'score' | 'integer' | 'status';
/** A column a table may have: its key (also accepted as its header, in any case), the other headers it goes by, how its cells read. */
export interface Column {
  readonly key: string;
  readonly aliases: readonly string[];
  /** The column must be present. */
  readonly required: boolean;
  /** Every row must have a value (else empty means "not given"). */
  readonly valueRequired: boolean;
  readonly kind: Kind;
}
export const col = (key: string, aliases: string[], kind: Kind, required: boolean, valueRequired = required): Column => ({
  key, aliases, kind, required, valueRequired,
});

export const COLUMNS: readonly Column[] = [
  col('project_id', ['项目编号', '项目编码', '项目代码'], 'id', true),
  col('project_name', ['项目名称'], 'text', true),
  col('company_id', ['统一社会信用代码', '信用代码', '企业代码'], 'id', true),
  col('company_name', ['企业名称', '申报单位', '单位名称'], 'text', true),
  col('district', ['所属区', '区域', '辖区'], 'text', false),
  col('measure', ['申报类别', '资助类别', '扶持类别'], 'text', true),
  col('year', ['年度', '申报年度'], 'year', true),
  col('total_investment', ['总投资', '项目总投资'], 'amount', true, false),
  col('eligible_base', ['核定基数'], 'amount', false),
  col('requested', ['申请金额', '申请资助金额'], 'amount', false),
  col('upper_funding', ['上级资助', '国家省资助'], 'amount', false),
  col('score', ['评审得分', '得分', '专家评分'], 'score', true),
  col('decision', ['资助决定', '决定'], 'text', false),
  col('decision_reason', ['决定理由', '决定原因'], 'text', false),
  col('exclusive_group', ['互斥组', '同一项目'], 'text', false),
];
const COLUMN_BY_KEY = new Map(COLUMNS.map((c) => [c.key, c]));

/** What people write in an amount cell for "none": dashes, a slash, 无, 空, N/A (after full-width → half-width). */
const PLACEHOLDER = /^(?:[-—–―─]+|[/\\＼]|无|空|暂无|[Nn]\/?[Aa])$/;
/** No placeholder starts with a digit, nor does its half-width form (full-width digits become digits). */
const startsWithDigit = (s: string) => {
  const c = s.charCodeAt(0);
  return c >= 48 && c <= 57;
};
/** Amount columns where an empty cell only means "nothing here", so a placeholder is read as empty. */
const PLACEHOLDER_IS_EMPTY = new Set(['total_investment', 'upper_funding']);
const PLACEHOLDER_MEANING: Record<string, string> = {
  eligible_base: 'an empty cell means the rate applies to the total investment',
  requested: 'an empty cell means no ceiling from the request',
};

/** Header text → field key (of `columns`) and unit. `金额（万元）`, `总投资(万元)`, `*项目编号`, `Total_Investment`. */
export function classifyHeader(header: string, columns: readonly Column[] = COLUMNS): { key?: string; unit?: Unit } {
  let h = toHalfWidth(header).replace(/[\s\uFEFF\u200B]+/g, '').replace(/^\*+|\*+$/g, '');
  let unit: Unit | undefined;
  const u = /\((?:单位:)?(万元|元)\)$/.exec(h);
  if (u) {
    unit = u[1] === '万元' ? 'wan' : 'yuan';
    h = h.slice(0, -u[0].length).replace(/^\*+|\*+$/g, '');
  }
  const lower = h.toLowerCase();
  const column = columns.find((c) => c.key === lower || c.aliases.includes(h));
  return column ? { key: column.key, unit } : { unit };
}

export interface TableOptions {
  /** Return problems in rows beside the rows that read, instead of throwing them (validate). */
  readonly keepGoing?: boolean;
  /**
   * The policy's measure id for a measure cell's text (undefined: no such measure). Given, each
   * record carries it as `measureId`, last, as `resolveApplications` would add it.
   */
  readonly measureOf?: (text: string) => string | undefined;
}

export interface TableRead {
  readonly records: readonly ApplicationRecord[];
  readonly source: ApplicationsSource;
  readonly warnings: readonly InputIssue[];
  /** Problems in rows (with `keepGoing`; otherwise they are thrown). Such rows are not in `records`. */
  readonly issues: readonly InputIssue[];
}

/** How many rows from the top the header may sit under titles and notes. */
const HEADER_SCAN_ROWS = 30;
export const TOTAL_ROW = /^(合计|总计|共计|总合计)/;
export const SUBTOTAL_ROW = /^小计/;
const NOTE_ROW = /^(填表人|制表人|审核人|负责人|联系人|联系电话|填报单位|填报日期|备注|附注|注|说明)[:：]/;
const UNIT_NOTE = /单位[:：]\s*(万元|元)/;
export const blank = (s: string | undefined) => s === undefined || s.trim() === '';
const squeeze = (s: string) => s.replace(/\s+/g, '');

export interface HeaderColumn {
  readonly key: string;
  readonly unit: Unit;
  readonly label: string;
}
export interface Header {
  /** Index in `rows` of the first and the last header row. */
  readonly first: number;
  readonly last: number;
  /** Per column index: its label (for `extra` and messages). */
  readonly labels: readonly string[];
  /** Per column index with a known field. */
  readonly fields: ReadonlyMap<number, HeaderColumn>;
  readonly issues: readonly InputIssue[];
}

/** Merged ranges by the rows they cover, for the rows of the header area only. */
function mergesByRow(table: RawTable, lastRow: number): Map<number, Merge[]> {
  const out = new Map<number, Merge[]>();
  for (const m of table.merges) {
    if (m.top > lastRow) continue;
    for (let r = m.top; r <= Math.min(m.bottom, lastRow); r++) {
      if (!out.has(r)) out.set(r, []);
      out.get(r)!.push(m);
    }
  }
  return out;
}

/** A cell's value with merged ranges filled in (the top-left value stands in every covered cell). */
function filledCell(merges: ReadonlyMap<number, readonly Merge[]>, byRow: ReadonlyMap<number, RawRow>, row: RawRow, c: number): string {
  const v = row.cells[c];
  if (!blank(v)) return v!;
  for (const m of merges.get(row.row) ?? []) {
    if (m.left <= c && c <= m.right && (m.top !== row.row || m.left !== c)) return byRow.get(m.top)?.cells[m.left] ?? '';
  }
  return '';
}

/**
 * The header row(s) of `table` for `columns`: the block within the first rows that names the
 * most known columns, one or two rows deep, each column's unit from its label, its merged
 * parent or a note above; a missing required column or a column named twice is an issue.
 */
export function findHeader(table: RawTable, file: string, byRow: ReadonlyMap<number, RawRow>, columns: readonly Column[] = COLUMNS): Header {
  const rows = table.rows;
  const scan = Math.min(rows.length, HEADER_SCAN_ROWS);
  const merges = mergesByRow(table, rows[Math.min(rows.length, scan + 1) - 1]?.row ?? 0);
  const width = (i: number) => (merges.get(rows[i]!.row) ?? []).reduce((w, m) => Math.max(w, m.right + 1), rows[i]!.cells.length);
  // Above-the-table notes such as "金额单位：万元".
  const noteUnit = (upTo: number): Unit | undefined => {
    for (let i = 0; i < upTo; i++) {
      for (const c of rows[i]!.cells) {
        const m = UNIT_NOTE.exec(toHalfWidth(c).replace(/\s+/g, ''));
        if (m) return m[1] === '万元' ? 'wan' : 'yuan';
      }
    }
    return undefined;
  };
  type Candidate = { first: number; last: number; labels: string[]; units: (Unit | undefined)[]; keys: number };
  const evaluate = (first: number, last: number): Candidate => {
    const w = Math.max(width(first), width(last));
    const labels: string[] = [];
    const units: (Unit | undefined)[] = [];
    let carried = '';
    for (let c = 0; c < w; c++) {
      const parent = filledCell(merges, byRow, rows[first]!, c).trim();
      if (first === last) {
        labels.push(parent);
        units.push(classifyHeader(parent, columns).unit);
        continue;
      }
      // A blank parent continues the one to its left (a merged cell saved without its range, as CSV does).
      if (parent !== '') carried = parent;
      const child = filledCell(merges, byRow, rows[last]!, c).trim();
      if (child !== '' && child !== parent) {
        labels.push(child);
        units.push(classifyHeader(child, columns).unit ?? classifyHeader(carried, columns).unit);
      } else {
        labels.push(parent);
        units.push(classifyHeader(parent, columns).unit);
      }
    }
    const keys = new Set(labels.map((l) => classifyHeader(l, columns).key).filter((k) => k !== undefined)).size;
    // Labels as shown in messages and as `extra` keys: a header wrapped over two lines reads as one.
    return { first, last, labels: labels.map(cleanText), units, keys };
  };
  let best: Candidate | null = null;
  for (let i = 0; i < scan; i++) {
    const options = [evaluate(i, i)];
    if (i + 1 < rows.length && rows[i + 1]!.row === rows[i]!.row + 1) options.push(evaluate(i, i + 1));
    for (const o of options) {
      // More known columns wins; among equals the first (a header repeated further down is not the header),
      // and of two blocks ending on the same row the two-row one (its parent row may carry the unit).
      if (!best || o.keys > best.keys || (o.keys === best.keys && o.last === best.last && o.first < best.first)) {
        if (o.keys >= 3 || !best) best = o;
      }
    }
  }
  if (!best || best.keys < 3) best = evaluate(0, 0);
  const note = noteUnit(best.last);
  const issues: InputIssue[] = [];
  const fields = new Map<number, HeaderColumn>();
  const firstLabel = new Map<string, string>();
  best.labels.forEach((label, c) => {
    const k = classifyHeader(label, columns).key;
    if (!k) return;
    const prev = firstLabel.get(k);
    if (prev !== undefined) {
      issues.push({ file, row: rows[best!.first]!.row, column: label, expected: `one column for ${k}`, found: `a second one (first: ${shown(prev)})` });
      return;
    }
    firstLabel.set(k, label);
    fields.set(c, { key: k, unit: best!.units[c] ?? note ?? 'yuan', label });
  });
  for (const c of columns) {
    if (c.required && !firstLabel.has(c.key)) {
      issues.push({
        file, row: rows[best.first]?.row ?? 1, column: c.key,
        expected: `a column ${c.key} (or ${c.aliases.join(' / ')})`,
        found: `columns ${best.labels.filter((l) => l !== '').map((l) => shown(l)).join(', ') || 'none'}`,
      });
    }
  }
  return { first: best.first, last: best.last, labels: best.labels, fields, issues };
}

// ---------------------------------------------------------------------------------------
// Cell values.
export type Conv<T> = { ok: true; value: T } | { ok: false; expected: string };

const WIDE = '[\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u{20000}-\\u{3134f}]';
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;
const INVISIBLE_TEST = /[\u200b-\u200d\u2060\ufeff]/;
/** Full-width to half-width, skipping the work for the (common) text that has none. */
const halfWidth = (s: string) => (/[\uff01-\uff5e\u3000]/.test(s) ? toHalfWidth(s) : s);
const BREAK_NEAR_WIDE = new RegExp(`(?<=${WIDE})\\s*[\\r\\n]\\s*|\\s*[\\r\\n]\\s*(?=${WIDE})`, 'gu');
const SPACE_BETWEEN_WIDE = new RegExp(`(?<=${WIDE})\\s+(?=${WIDE})`, 'gu');

/**
 * Names as a person means them: trimmed; a line break or stray space next to Chinese text
 * (Alt+Enter in a cell, a space typed between characters) removed; other runs of whitespace
 * one space.
 */
export function cleanText(raw: string): string {
  if (isPlain(raw)) return raw;
  let s = INVISIBLE_TEST.test(raw) ? raw.replace(INVISIBLE, '').trim() : raw.trim();
  if (/\s/.test(s)) s = s.replace(BREAK_NEAR_WIDE, '').replace(SPACE_BETWEEN_WIDE, '').replace(/\s+/g, ' ');
  return s;
}

/**
 * Text every cell reader leaves as it is: printable ASCII other than the space, and CJK
 * ideographs (U+4E00–U+9FFF). It holds no whitespace (so trimming, squeezing and cleanText leave
 * it alone), no invisible character and no full-width form (so half-width conversion does too).
 * The common cell, decided by one scan instead of several regular expressions.
 */
export function isPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || (c >= 127 && (c < 0x4e00 || c > 0x9fff))) return false;
  }
  return true;
}

/** Whether `s[from, to)` is non-empty and all ASCII digits. */
function digits(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** How Excel shows a number it cannot fit: 9.14403E+17 (the sign is always there; a credit code may hold a bare E). */
const SCIENTIFIC = /^[+-]?\d+(\.\d+)?E[+-]\d+$/i;
const LOST_DIGITS = 'the full number as text: Excel stores 15 digits and showed it in scientific notation, so digits are lost — format the column as Text (设置单元格格式 → 文本) and enter the values again';

export function idValue(key: string) {
  return (raw: string): Conv<string> => {
    let v = isPlain(raw) ? raw : halfWidth(cleanText(raw));
    // Scientific notation starts with a digit or a sign.
    const c0 = v.charCodeAt(0);
    if ((c0 <= 57 && (c0 >= 48 || c0 === 43 || c0 === 45)) && SCIENTIFIC.test(v)) return { ok: false, expected: LOST_DIGITS };
    if (key === 'company_id') {
      if (!isPlain(v)) v = v.replace(/\s+/g, '');
      // Excel saved an 18-digit code as a number: its last digits became zeros.
      if (v.length >= 16 && digits(v, 0, v.length) && /^0+$/.test(v.slice(15)) && creditCodeProblem(v)) {
        return { ok: false, expected: `${LOST_DIGITS} (digits after the 15th are zeros)` };
      }
    }
    return { ok: true, value: v };
  };
}

/**
 * The decimals of a plain number, 1–15 digits with at most 6 after a point
 * (/^\d{1,15}(\.\d{1,6})?$/), or -1 for anything else.
 */
function plainNumberDecimals(s: string): number {
  const n = s.length;
  const point = s.indexOf('.');
  if (point < 0) return n <= 15 && digits(s, 0, n) ? 0 : -1;
  return point <= 15 && n - point - 1 <= 6 && digits(s, 0, point) && digits(s, point + 1, n) ? n - point - 1 : -1;
}

/** Digits in one word of decimal.js's digit array (its LOG_BASE: words are base 10^7). */
const WORD_DIGITS = 7;
/**
 * 10^k for k < WORD_DIGITS, as small integers: a word padded with them stays one, so every digit
 * array is of small integers as decimal.js makes them (`10 ** k` is a floating-point number in
 * V8's interpreter, and an array holding one is an array of doubles: another kind of array for
 * every Decimal operation that reads it).
 */
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/**
 * The Decimal of a plain number (/^\d{1,15}(\.\d{1,6})?$/) times 10^shift, built directly in
 * decimal.js's own form — what `new D(new D(raw).times(10 ** shift))` makes (the value is exact:
 * at most 21 digits, well within the precision), without reading the text twice and without the
 * slack decimal.js leaves in the digit array. That form is one value, one representation: sign
 * `s` 1; `e` the base-10 exponent of the first significant digit; `d` the significant digits in
 * words of 7, the first word holding the digits down to the one just above a multiple-of-7
 * exponent boundary, the last padded with zeros, no trailing zero word; zero is e 0, d [0].
 */
export function plainDecimal(raw: string, shift: number): Decimal {
  const n = raw.length;
  const point = raw.indexOf('.');
  const intEnd = point < 0 ? n : point;
  let first = 0;
  while (first < n && (raw.charCodeAt(first) === 48 || first === point)) first++;
  const x = new D(0);
  if (first === n) return x;
  let last = n - 1;
  while (raw.charCodeAt(last) === 48 || last === point) last--;
  const e = (first < intEnd ? intEnd - first - 1 : intEnd - first) + shift;
  // The words in locals, the array made once at its length: at most 21 digits (the caller's
  // pattern), so at most three complete words before the last, partial one.
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let words = 0;
  // Digits in the first word: the first digit's exponent down to the next multiple of 7.
  let room = ((((e + 1) % WORD_DIGITS) + WORD_DIGITS) % WORD_DIGITS) || WORD_DIGITS;
  let word = 0;
  for (let i = first; i <= last; i++) {
    if (i === point) continue;
    word = word * 10 + (raw.charCodeAt(i) - 48);
    if (--room === 0) {
      if (words === 0) w0 = word;
      else if (words === 1) w1 = word;
      else w2 = word;
      words++;
      word = 0;
      room = WORD_DIGITS;
    }
  }
  if (room < WORD_DIGITS) {
    word *= POW10[room]!;
  } else {
    // The last word is complete: it is the last one taken.
    words--;
    word = words === 0 ? w0 : words === 1 ? w1 : w2;
  }
  const out = x as { e: number; d: number[] };
  out.e = e;
  // An array literal exactly as long as it needs (an array grown by push keeps room for more; a
  // literal's allocation site also lets V8 place these long-lived arrays in the old generation).
  out.d = words === 0 ? [word] : words === 1 ? [w0, word] : words === 2 ? [w0, w1, word] : [w0, w1, w2, word];
  return x;
}

export function amountValue(raw: string, unit: Unit): Conv<Decimal> {
  const decimals = plainNumberDecimals(raw);
  if (decimals >= 0) {
    // What parseAmount makes of a plain number, without its normalising: yuan with at most two
    // decimals as written; 万元 (at most 6 decimals) times 10,000, always whole fen. Built with a
    // digit array exactly as long as it needs (decimal.js leaves room for 16 digit groups when it
    // reads a text): a record's amounts take about half the memory, and the garbage collector
    // copies half as much.
    if (unit === 'yuan' && decimals <= 2) return { ok: true, value: plainDecimal(raw, 0) };
    if (unit === 'wan') return { ok: true, value: plainDecimal(raw, 4) };
    return parseAmount(raw, unit);
  }
  const v = halfWidth(raw).trim();
  if (SCIENTIFIC.test(v)) return { ok: false, expected: `an amount written out: ${LOST_DIGITS.replace('the full number as text: ', '')}` };
  if (v.endsWith('%')) return { ok: false, expected: 'an amount (found a percentage)' };
  return parseAmount(raw, unit);
}

function decisionValue(raw: string): Conv<Decision> {
  const d = parseDecision(raw);
  return d ? { ok: true, value: d } : { ok: false, expected: 'fund / exclude (必须资助 / 不予资助), or an empty cell' };
}

function scoreValue(raw: string): Conv<Decimal> {
  const v = halfWidth(raw).trim().replace(/分$/, '');
  const pct = v.endsWith('%');
  const d = parseDecimal(pct ? v.slice(0, -1) : v);
  return d && d.gte(0) && d.lte(100) ? { ok: true, value: d } : { ok: false, expected: 'a score from 0 to 100' };
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** An Excel date serial (1900 system) as yyyy-mm-dd. */
export function serialDate(serial: number, date1904 = false): string {
  const days = date1904 ? serial + 1462 : serial;
  return new Date(EXCEL_EPOCH_MS + Math.floor(days) * 86_400_000).toISOString().slice(0, 10);
}

function yearValue(raw: string): Conv<number> {
  if (raw.length === 4 && digits(raw, 0, 4)) return { ok: true, value: Number(raw) };
  // A date with a time of day (2019-03-15 14:30) is a date.
  const v = halfWidth(raw).trim().replace(/[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/, '').replace(/\s+/g, '');
  const m = /^(\d{4})(?:\.0+|年(?:度|\d{1,2}月(?:\d{1,2}日)?)?|[-/.]\d{1,2}(?:[-/.]\d{1,2})?)?$/.exec(v);
  if (m) return { ok: true, value: Number(m[1]) };
  const serial = /^\d{5}(\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (serial >= 20_000 && serial < 80_000) {
    return { ok: false, expected: `a four-digit year such as 2019 (this looks like an Excel date serial number, ${serialDate(serial)}: format the column as a date or type the year)` };
  }
  return { ok: false, expected: 'a four-digit year such as 2019' };
}

// ---------------------------------------------------------------------------------------
/**
 * Read the table's records; throws one InputError listing every problem, or with `keepGoing`
 * returns the problems in rows beside the rows that read (a header that cannot be mapped is
 * always thrown: nothing can be read without it).
 */
export function tableToRecords(table: RawTable, file: string, options: TableOptions = {}): TableRead {
  const rows = table.rows;
  // Rows by number are looked up for merged ranges only.
  const byRow = new Map(table.merges.length ? rows.map((r) => [r.row, r]) : []);
  if (!rows.some((r) => r.cells.some((c) => !blank(c)))) {
    throw new InputError([{ file, row: 1, expected: 'a header row naming the columns', found: 'an empty file' }]);
  }
  const header = findHeader(table, file, byRow);
  if (header.issues.length) throw new InputError(header.issues);
  const { fields, labels } = header;
  const headers: Record<string, string> = {};
  for (const f of fields.values()) headers[f.key] = f.label;
  const colOf = new Map([...fields].map(([c, f]) => [f.key, c]));
  const width = labels.length;
  const issues: InputIssue[] = [];
  const warnings: InputIssue[] = [];
  const firstDataIndex = header.last + 1;
  const firstDataRow = rows[firstDataIndex]?.row ?? Infinity;

  // Vertically merged cells inside the data: the value stands in every row for text
  // columns; an amount or score spanning rows has no per-row value.
  const filled = new Map<number, Map<number, string>>();
  const lastRow = rows[rows.length - 1]!.row;
  let covered = 0;
  for (const m of table.merges) {
    covered += Math.max(0, Math.min(m.bottom, lastRow) - Math.max(m.top + 1, firstDataRow) + 1) * (m.right - m.left + 1);
  }
  if (covered > 0 && covered > (lastRow - firstDataRow + 1) * Math.max(width, 1)) {
    throw new InputError([{ file, expected: 'merged ranges that do not overlap', found: `merged ranges covering ${covered} cells of a ${width}-column table` }]);
  }
  for (const m of table.merges) {
    if (m.bottom === m.top || m.bottom < firstDataRow) continue;
    for (let c = m.left; c <= m.right; c++) {
      const kind = fields.get(c) ? COLUMN_BY_KEY.get(fields.get(c)!.key)!.kind : 'text';
      const value = byRow.get(m.top)?.cells[c] ?? '';
      if (kind === 'amount' || kind === 'score') {
        if (!blank(value)) {
          issues.push({
            file, row: m.top, column: labels[c],
            expected: `one value per row (unmerge ${columnLetter(m.left)}${m.top}:${columnLetter(m.right)}${m.bottom} and enter each row's amount)`,
            found: `a merged cell spanning rows ${m.top}–${m.bottom}`,
          });
        }
        continue;
      }
      for (let r = Math.max(m.top + 1, firstDataRow); r <= Math.min(m.bottom, lastRow); r++) {
        if (!filled.has(r)) filled.set(r, new Map());
        filled.get(r)!.set(c, value);
      }
    }
  }

  // Per field: its column spec, its column index (if present), its label and unit.
  const where: Record<string, Field> = {};
  for (const column of COLUMNS) {
    const c = colOf.get(column.key);
    where[column.key] = { key: column.key, column, c, label: headers[column.key] ?? column.key, unit: c === undefined ? 'yuan' : fields.get(c)!.unit };
  }
  // The fields with a column, with the first character of each label, for spotting a repeated header.
  const named = [...fields].map(([c, f]) => ({ c, label: f.label, first: f.label[0]! }));
  const repeatedHeader = Math.max(3, Math.ceil(fields.size / 2));
  // Columns fundplan does not use, kept per row as read; rows of a table without any share one empty object.
  const extraColumns = labels.flatMap((label, c) => (!fields.has(c) && label !== '' ? [{ c, label }] : []));
  // Scores repeat (a batch has a few hundred distinct ones): each text read once. Decimals are immutable.
  const scores = new Map<string, Conv<Decimal>>();
  const score = (raw: string): Conv<Decimal> => {
    let r = scores.get(raw);
    if (r === undefined) scores.set(raw, (r = scoreValue(raw)));
    return r;
  };
  // Amounts repeat too (a request at a cap, a round sum), but most are read once: the last text
  // read of each small hash, per unit, is kept, and the rows that repeat it share its Decimal.
  const recentAmounts = { yuan: new RecentReads((raw) => amountValue(raw, 'yuan')), wan: new RecentReads((raw) => amountValue(raw, 'wan')) };
  const amountOf = (raw: string, unit: Unit): Conv<Decimal> => recentAmounts[unit].read(raw);
  // Districts and measures repeat (a few dozen texts): the rows that hold one share one string,
  // so the records hold fewer objects. (Names and codes are not looked up so: at one or two rows
  // a company, the lookups cost more than the strings they save.)
  const shared = new Map<string, string>();
  const interned = (s: string | null): string | null => {
    if (s === null) return s;
    const t = shared.get(s);
    if (t !== undefined) return t;
    shared.set(s, s);
    return s;
  };
  const measureOf = options.measureOf;
  const projectIdValue = idValue('project_id');
  const companyIdValue = idValue('company_id');
  const records: ApplicationRecord[] = [];
  const placeholders = new Map<string, { rows: (number | string)[]; texts: Set<string> }>();
  let total: RawRow | null = null;

  // The row being read, and the problems found in it.
  let row = 0;
  let raw: RawRow = rows[0]!;
  let cells: readonly string[] = raw.cells;
  let rowIssues: InputIssue[] | null = null;
  const problem = (issue: InputIssue) => (rowIssues ??= []).push(issue);
  /** A field's cell, trimmed; null where it holds nothing (a problem if it must), or cannot be read (a problem). */
  const cellOf = (f: Field): string | null => {
    const { key, column, c, label } = f;
    if (c === undefined) {
      if (column.valueRequired) problem({ file, row, column: label, expected: `a value for ${key}`, found: 'an empty cell' });
      return null;
    }
    const bad = raw.unreadable?.get(c);
    if (bad !== undefined) {
      problem({ file, row, column: label, expected: `a value for ${key}`, found: bad });
      return null;
    }
    const cell = cells[c] ?? '';
    let value = cell === '' || isPlain(cell) ? cell : cell.trim();
    // "—", "无", "/" in an amount cell is how people write "none". Where an empty cell means
    // nothing is there (total investment, upper-level funding) it is read as empty, said once
    // per column; where an empty cell changes the rule (no 核定基数: the rate applies to the
    // total investment; no 申请金额: no ceiling from the request) it is an error: zero or empty?
    if (value !== '' && column.kind === 'amount' && !startsWithDigit(value) && PLACEHOLDER.test(toHalfWidth(value))) {
      if (!PLACEHOLDER_IS_EMPTY.has(key)) {
        problem({ file, row, column: label, expected: `an amount, 0, or an empty cell (${PLACEHOLDER_MEANING[key] ?? 'an empty cell means no value'})`, found: `${shown(value)}, which could mean either` });
        return null;
      }
      const seen = placeholders.get(label) ?? { rows: [], texts: new Set<string>() };
      seen.rows.push(row);
      seen.texts.add(value);
      placeholders.set(label, seen);
      value = '';
    }
    if (value === '') {
      if (column.valueRequired) problem({ file, row, column: label, expected: `a value for ${key}`, found: 'an empty cell' });
      return null;
    }
    return value;
  };
  /** The cell's value as `conv` reads it; null where it holds nothing or cannot be read (a problem). */
  const get = <T>(f: Field, conv: (raw: string, unit: Unit) => Conv<T>): T | null => {
    const value = cellOf(f);
    if (value === null) return null;
    const res = conv(value, f.unit);
    if (!res.ok) {
      problem({ file, row, column: f.label, expected: res.expected, found: shown(value) });
      return null;
    }
    return res.value;
  };
  const text = (f: Field): string | null => {
    const value = cellOf(f);
    return value === null ? null : cleanText(value);
  };
  const amount = (f: Field) => get(f, amountOf);

  for (let i = firstDataIndex; i < rows.length; i++) {
    raw = rows[i]!;
    row = raw.row;
    const fill = filled.get(row);
    cells = raw.cells;
    if (fill) {
      const withFill = cells.map((v, c) => (blank(v) && fill.has(c) ? fill.get(c)! : v));
      for (const [c, v] of fill) if (c >= withFill.length) withFill[c] = v;
      cells = withFill;
    }
    const first = cells[0];
    const firstText = first !== undefined && first !== '' && isPlain(first) ? first : squeeze(cells.find((c) => !blank(c)) ?? '');
    if (firstText === '') continue;
    if (total) {
      // Below the 合计 row only notes may follow, not applications.
      const pid = colOf.get('project_id');
      const mid = colOf.get('measure');
      if (pid !== undefined && mid !== undefined && !blank(cells[pid]) && !blank(cells[mid])) {
        issues.push({ file, row, expected: `no application below the ${squeeze(total.cells.find((c) => !blank(c))!)} row (row ${total.row}): move that row to the end`, found: `project ${shown(cleanText(cells[pid]!))}` });
      }
      continue;
    }
    // Total, note and subtotal rows start with a CJK character, which half-width conversion leaves alone.
    if (firstText.charCodeAt(0) >= 0x4e00) {
      if (TOTAL_ROW.test(firstText)) {
        total = { row, cells };
        continue;
      }
      if (NOTE_ROW.test(toHalfWidth(firstText))) continue;
      if (SUBTOTAL_ROW.test(firstText)) {
        warnings.push({ file, row, expected: 'an application row', found: `a subtotal row ${shown(firstText)} (skipped)` });
        continue;
      }
    }
    let same = 0;
    // A cell reads as its label only if it is at least as long and holds the label's first character (cleanText only removes and collapses whitespace).
    // Once too few columns are left to make up the count, the row is not the header.
    for (let k = 0; k < named.length && same + named.length - k >= repeatedHeader; k++) {
      const f = named[k]!;
      const v = cells[f.c];
      if (v !== undefined && v.length < 40 && v.length >= f.label.length && v.includes(f.first) && cleanText(v) === f.label) same++;
    }
    if (same >= repeatedHeader) {
      warnings.push({ file, row, expected: 'an application row', found: 'the header row again (skipped)' });
      continue;
    }
    if (cells.length > width && cells.slice(width).some((c) => !blank(c))) {
      issues.push({ file, row, expected: `${width} cells as in the header`, found: `${cells.length} cells` });
      continue;
    }

    rowIssues = null;
    let extra: Record<string, string> = NO_EXTRA;
    if (extraColumns.length) {
      extra = {};
      for (const { c, label } of extraColumns) extra[label] = cells[c] ?? '';
    }
    // The fields in the order their problems are listed.
    const projectId = get(where.project_id!, projectIdValue);
    const projectName = text(where.project_name!);
    const companyId = get(where.company_id!, companyIdValue);
    const companyName = text(where.company_name!);
    const district = interned(text(where.district!)) ?? '';
    const measure = interned(text(where.measure!));
    const year = get(where.year!, yearValue);
    const totalInvestment = amount(where.total_investment!);
    const eligibleBase = amount(where.eligible_base!);
    const requested = amount(where.requested!);
    const upperFunding = amount(where.upper_funding!);
    const scoreRead = get(where.score!, score);
    const decision = get(where.decision!, decisionValue);
    const decisionReason = text(where.decision_reason!) ?? '';
    const exclusiveGroup = text(where.exclusive_group!) ?? '';
    if (rowIssues !== null) {
      issues.push(...(rowIssues as InputIssue[]));
      continue;
    }
    // With the policy's lookup, the record is built as the resolved application will be (its
    // measure id last), so resolving it needs no copy.
    const record: ApplicationRecord =
      measureOf === undefined
        ? { index: records.length, row, projectId: projectId!, projectName: projectName!, companyId: companyId!, companyName: companyName!, district, measure: measure!, year: year!, totalInvestment, eligibleBase, requested, upperFunding, score: scoreRead!, decision, decisionReason, exclusiveGroup, extra }
        : { index: records.length, row, projectId: projectId!, projectName: projectName!, companyId: companyId!, companyName: companyName!, district, measure: measure!, year: year!, totalInvestment, eligibleBase, requested, upperFunding, score: scoreRead!, decision, decisionReason, exclusiveGroup, extra, measureId: measureOf(measure!) ?? '' };
    records.push(record);
  }
  for (const [column, { rows: at, texts }] of placeholders) {
    const where = at.length > 5 ? `rows ${at.slice(0, 5).join(', ')} and ${at.length - 5} more` : `row${at.length > 1 ? 's' : ''} ${at.join(', ')}`;
    warnings.push({ file, column, expected: 'an amount or an empty cell', found: `${[...texts].map((t) => JSON.stringify(t)).join(', ')} in ${where}, read as an empty cell` });
  }
  if (records.length === 0 && issues.length === 0) issues.push({ file, row: (rows[header.last]?.row ?? 1) + 1, expected: 'at least one application row', found: 'none' });
  if (issues.length && !options.keepGoing) throw new InputError(issues);
  if (total && issues.length === 0) warnings.push(...checkTotals(total, records, fields, file));
  return { records, source: { file, headers }, warnings, issues };
}

/** How many texts `RecentReads` keeps (a power of two). */
const RECENT_READS = 512;

/**
 * The last reading of each of a few hundred texts, by a hash of the text: a text read again soon,
 * or often, is answered with the same result (and so the same immutable Decimal), without a map
 * that grows with every text. Only for a `conv` whose answer depends on the text alone.
 */
export class RecentReads<T> {
  private readonly texts: (string | undefined)[] = new Array(RECENT_READS);
  private readonly reads: Conv<T>[] = new Array(RECENT_READS);

  constructor(private readonly conv: (raw: string) => Conv<T>) {}

  read(raw: string): Conv<T> {
    let h = raw.length;
    for (let i = 0; i < raw.length; i++) h = (Math.imul(h, 31) + raw.charCodeAt(i)) | 0;
    const slot = (h ^ (h >>> 9)) & (RECENT_READS - 1);
    if (this.texts[slot] === raw) return this.reads[slot]!;
    const r = this.conv(raw);
    this.texts[slot] = raw;
    this.reads[slot] = r;
    return r;
  }
}

/** A field of the table: its column spec, its column index (if present), its label and unit. */
interface Field {
  readonly key: string;
  readonly column: Column;
  readonly c: number | undefined;
  readonly label: string;
  readonly unit: Unit;
}

/** The columns kept as read, of a table that has none besides fundplan's: one object, never written to. */
const NO_EXTRA: Record<string, string> = Object.freeze({}) as Record<string, string>;

const AMOUNT_FIELDS = [
  ['total_investment', 'totalInvestment'],
  ['eligible_base', 'eligibleBase'],
  ['requested', 'requested'],
  ['upper_funding', 'upperFunding'],
] as const;

/** The 合计 row against the column sums: a warning for each amount that differs. */
function checkTotals(total: RawRow, records: readonly ApplicationRecord[], fields: ReadonlyMap<number, HeaderColumn>, file: string): InputIssue[] {
  const out: InputIssue[] = [];
  for (const [c, f] of fields) {
    const pair = AMOUNT_FIELDS.find(([k]) => k === f.key);
    const written = (total.cells[c] ?? '').trim();
    if (!pair || written === '' || PLACEHOLDER.test(toHalfWidth(written))) continue; // no total written
    const sum = records.reduce((s, r) => s.plus(r[pair[1]] ?? 0), new D(0));
    const parsed = amountValue(written, f.unit);
    if (!parsed.ok) {
      out.push({ file, row: total.row, column: f.label, expected: `the column's total (${fmtYuanHuman(sum)}); the 合计 row is not used`, found: shown(written) });
    } else if (!parsed.value.eq(sum)) {
      out.push({
        file, row: total.row, column: f.label,
        expected: `the sum of the rows above, ${fmtYuanHuman(sum)} (the rows are used; the 合计 row is not)`,
        found: `${fmtYuanHuman(parsed.value)}, ${parsed.value.gt(sum) ? 'over' : 'under'} by ${fmtYuanHuman(parsed.value.minus(sum).abs())}`,
      });
    }
  }
  return out;
}
