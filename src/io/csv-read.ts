/**
 * CSV text to records, with csv-parse's meaning and errors, fast on well-formed files.
 *
 * `scanRecords` reads the text, as its UTF-8 bytes, in one pass of its own when it is plainly
 * well formed: fields unquoted, or quoted with doubled quotes inside and a delimiter, line break
 * or the end right after the closing quote; records well under the size bound. The
 * line break is the first one outside quotes (\r\n, \n or \r), as csv-parse discovers it; after
 * that the other kinds are ordinary characters, as in csv-parse. Anything else (a stray quote, an
 * unclosed one, a long record) it refuses, and the caller (io/grid.ts) hands the
 * text to csv-parse itself (`csvParse`) with the same options, so the records, and the error for a
 * malformed file, are always csv-parse's.
 */
import { parse } from 'csv-parse/sync';
import { isSpace } from './text.js';

export interface CsvReadOptions {
  /** One character: `,`, `\t` or `;`. */
  readonly delimiter: string;
  /** csv-parse's `max_record_size` (it counts a record's bytes, not its characters). */
  readonly maxRecordSize: number;
  /** Stop after this many records (csv-parse's `to`). */
  readonly to: number;
}

/** csv-parse itself, with the options the fast path reproduces. */
export function csvParse(text: string, options: CsvReadOptions): string[][] {
  return parse(text, {
    delimiter: options.delimiter,
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: options.maxRecordSize,
    to: options.to,
  }) as string[][];
}

const QUOTE = 34;
const CR = 13;
export const LF = 10;
/** The record delimiter: not yet seen, \n, \r, or \r\n. */
const UNKNOWN = 0;
const BREAK_LF = 1;
const BREAK_CR = 2;
const BREAK_CRLF = 3;
export type Break = typeof UNKNOWN | typeof BREAK_LF | typeof BREAK_CR | typeof BREAK_CRLF;

/**
 * Read plainly well-formed text, given as its UTF-8 bytes (valid UTF-8, as the text decodes to
 * or encodes from), record by record, handing each to `record` as the index of its last field
 * with a value (not blank once trimmed; -1 for none) and where it starts; false (part of the
 * records handed over) where csv-parse must read the text. The quotes, delimiters and line
 * breaks are ASCII, so they are the same bytes wherever they stand; no field is made into a
 * string: `recordAt` reads a record's fields when they are wanted.
 */
export function scanRecords(bytes: Buffer, options: CsvReadOptions, record: (last: number, start: number, brk: Break) => void): boolean {
  if (options.delimiter.length !== 1) return false;
  const delim = options.delimiter.charCodeAt(0);
  if (delim === QUOTE || delim === CR || delim === LF || delim >= 128) return false;
  // A record's bytes are at most 3 per UTF-16 unit, so a record of at most a third of csv-parse's
  // bound in bytes is within its bound however csv-parse counts it; a longer one goes to csv-parse.
  const maxBytes = Math.floor(options.maxRecordSize / 3);
  const n = bytes.length;
  const state: ReadState = { pos: 0, brk: UNKNOWN };
  let count = 0;
  while (state.pos < n && count < options.to) {
    const start = state.pos;
    const brk = state.brk;
    const last = readRecord(bytes, delim, state, null);
    if (last === REFUSED || state.pos - start > maxBytes) return false;
    record(last, start, brk);
    count++;
  }
  return true;
}

/**
 * The fields of the record at `start` of the bytes `scanRecords` read through with `delimiter`
 * (`brk`: the record delimiter it knew there), as it read them.
 */
export function recordAt(bytes: Buffer, delimiter: number, start: number, brk: Break, texts: FieldTexts | null = null): string[] {
  const fields: string[] = [];
  readRecord(bytes, delimiter, { pos: start, brk }, fields, texts);
  return fields;
}

/** Where reading is: the position, and the record delimiter once the first line break fixed it. */
interface ReadState {
  pos: number;
  brk: Break;
}

/** Per delimiter byte: per byte, 1 where an unquoted field may stop (the delimiter, a quote, CR, LF), else 0. */
const STOPS: (Uint8Array | undefined)[] = [];

function stopsOf(delim: number): Uint8Array {
  let stop = STOPS[delim];
  if (stop === undefined) {
    stop = new Uint8Array(256);
    stop[delim] = stop[QUOTE] = stop[CR] = stop[LF] = 1;
    STOPS[delim] = stop;
  }
  return stop;
}

/** `readRecord`'s answer where csv-parse must read the text. */
const REFUSED = -2;

/**
 * The text of `bytes[from, to)`: ASCII (`ascii`) made as a one-byte string, anything else decoded
 * from UTF-8. Either way the string is flat, its own characters rather than a slice of the
 * file's text, so it is hashed and compared fast when it is looked up later (ids by company).
 */
function textOf(bytes: Buffer, from: number, to: number, ascii: boolean): string {
  if (from === to) return '';
  return bytes.toString(ascii ? 'latin1' : 'utf8', from, to);
}

/** Unquoted fields up to this many bytes go through `FieldTexts`. */
const SHARED_FIELD_BYTES = 64;
/** How many texts `FieldTexts` keeps (a power of two). */
const FIELD_TEXT_SLOTS = 1 << 14;

/**
 * The texts of short unquoted fields of one file's bytes, each kept by a hash of its bytes with
 * where it stands: a field whose bytes are those of a kept one (a district, a measure, a year, a
 * score, a company's code and name on its next application) is answered with the same string,
 * made once, so it is neither decoded again nor held twice; a lookup of it later finds its hash
 * made. Strings are immutable, so sharing one is the same as making two. A newer text of the
 * same slot replaces the older one: the table never grows.
 */
export class FieldTexts {
  private readonly starts = new Int32Array(FIELD_TEXT_SLOTS);
  /** Per slot, the length in bytes of the text kept (0: none). */
  private readonly lengths = new Int32Array(FIELD_TEXT_SLOTS);
  /** Per slot, the hash of the text kept: bytes are compared only where it and the length match. */
  private readonly hashes = new Int32Array(FIELD_TEXT_SLOTS);
  private readonly texts: string[] = new Array<string>(FIELD_TEXT_SLOTS).fill('');

  constructor(private readonly bytes: Buffer) {}

  /** The text of `bytes[from, to)` (1 to SHARED_FIELD_BYTES bytes, `ascii` or UTF-8), `hash` the hash `readRecord` took of them. */
  text(from: number, to: number, ascii: boolean, hash: number): string {
    const bytes = this.bytes;
    const n = to - from;
    const slot = (hash ^ (hash >>> 14)) & (FIELD_TEXT_SLOTS - 1);
    if (this.lengths[slot] === n && this.hashes[slot] === hash) {
      const at = this.starts[slot]!;
      let i = 0;
      while (i < n && bytes[at + i] === bytes[from + i]) i++;
      if (i === n) return this.texts[slot]!;
    }
    const t = bytes.toString(ascii ? 'latin1' : 'utf8', from, to);
    this.starts[slot] = from;
    this.lengths[slot] = n;
    this.hashes[slot] = hash;
    this.texts[slot] = t;
    return t;
  }
}

/**
 * Read the record at `state.pos`, moving `state` past it: its fields pushed onto `fields`, or with
 * `fields` null none made, only the index of the last field with a value found (-1 for none);
 * REFUSED where csv-parse must read the text.
 */
function readRecord(bytes: Buffer, delim: number, state: ReadState, fields: string[] | null, texts: FieldTexts | null = null): number {
  const n = bytes.length;
  let pos = state.pos;
  let brk = state.brk;
  let index = 0;
  let last = -1;
  // One field per turn; `pos` ends on the byte after it.
  for (;; index++) {
    if (bytes[pos] === QUOTE) {
      let from = pos + 1;
      let field = '';
      for (;;) {
        const q = bytes.indexOf(QUOTE, from);
        if (q < 0) return REFUSED; // never closed
        if (bytes[q + 1] === QUOTE) {
          if (fields !== null) field += textOf(bytes, from, q + 1, false);
          from = q + 2;
          continue;
        }
        if (fields !== null) fields.push(field + textOf(bytes, from, q, false));
        // A doubled quote inside is a value (a quote), so a blank field has none.
        else if (hasValue(bytes, pos + 1, q)) last = index;
        pos = q + 1;
        break;
      }
      // After the closing quote: the end, a delimiter or a line break, nothing else.
      if (pos < n) {
        const c = bytes[pos]!;
        if (c !== delim) {
          if (brk === UNKNOWN ? c !== CR && c !== LF : !atBreak(bytes, pos, brk)) return REFUSED;
        }
      }
    } else if (fields === null) {
      // Only bounding the record: the field's end and whether it holds a value.
      const start = pos;
      const stop = stopsOf(delim);
      for (; pos < n; pos++) {
        const c = bytes[pos]!;
        if (stop[c] !== 0) {
          if (c === delim) break;
          if (c === QUOTE) return REFUSED;
          if (brk === UNKNOWN || atBreak(bytes, pos, brk)) break;
        }
      }
      if (hasValue(bytes, start, pos)) last = index;
    } else {
      const start = pos;
      let high = 0;
      let hash = 0;
      const stop = stopsOf(delim);
      for (; pos < n; pos++) {
        const c = bytes[pos]!;
        // Most bytes are none of the four: one look-up decides it.
        if (stop[c] !== 0) {
          if (c === delim) break;
          if (c === QUOTE) return REFUSED; // a quote inside an unquoted field
          // A line feed or carriage return: the end of the record, or an ordinary character.
          if (brk === UNKNOWN || atBreak(bytes, pos, brk)) break;
        }
        high |= c;
        hash = (Math.imul(hash, 31) + c) | 0;
      }
      const size = pos - start;
      fields.push(texts !== null && size > 0 && size <= SHARED_FIELD_BYTES ? texts.text(start, pos, high < 128, hash) : textOf(bytes, start, pos, high < 128));
    }
    if (pos >= n) break;
    const c = bytes[pos]!;
    if (c === delim) {
      pos++;
      continue;
    }
    // A line break: the first one fixes the kind.
    if (brk === UNKNOWN) brk = c === LF ? BREAK_LF : bytes[pos + 1] === LF ? BREAK_CRLF : BREAK_CR;
    pos += brk === BREAK_CRLF ? 2 : 1;
    break;
  }
  state.pos = pos;
  state.brk = brk;
  return last;
}

/**
 * Whether the UTF-8 text `bytes[from, to)` holds a character `String.prototype.trim` keeps (its
 * blank ones: white space and line terminators), each character decoded from its bytes.
 */
export function hasValue(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b < 128) {
      if (b !== 32 && (b < 9 || b > 13)) return true;
      continue;
    }
    // A lead byte: two, three or four bytes (valid UTF-8); four make a character above U+FFFF, never blank.
    if (b >= 0xf0) return true;
    let c: number;
    if (b < 0xe0) {
      c = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 1;
    } else {
      c = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 2;
    }
    if (!isSpace(c)) return true;
  }
  return false;
}

/** Whether the record delimiter `brk` starts at `pos`. */
function atBreak(bytes: Uint8Array, pos: number, brk: Break): boolean {
  const c = bytes[pos];
  if (brk === BREAK_LF) return c === LF;
  if (brk === BREAK_CR) return c === CR;
  return c === CR && bytes[pos + 1] === LF;
}
