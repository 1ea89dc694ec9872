/**
 * Read one sheet of an .xlsx workbook into a `RawTable` (cell texts + merged ranges), within
 * stated bounds (./bounds.ts). The ZIP is read by ./zip.ts (every inflation capped), the XML
 * by ./xml.ts; parts are found through the workbook's relationships, not by fixed names, so
 * files from Excel, WPS, LibreOffice and libraries all read. Cell values become the text a
 * person sees: shared and inline strings as written, numbers at Excel's 15 significant digits
 * (`370370.09999999998` → `370370.1`; an 18-digit id stored as a number → `9.14403001922038E+17`,
 * which the table refuses with a hint), date-formatted numbers as yyyy-mm-dd, percent-formatted
 * ones as `85.5%`, formula results as cached. Header mapping and records are ./table.ts's.
 */
import { D } from '../money.js';
import { InputError, type InputIssue } from '../errors.js';
import { fmtBytes, type ReadLimits } from './bounds.js';
import { type Merge, type RawRow, type RawTable, serialDate } from './table.js';
import { attrsOf, isSpace, scanXml, unescapeXml, XmlError, type XmlHandler } from './xml.js';
import { readZipDirectory, readZipEntry, ZipBudgetError, ZipFormatError, type ZipEntry } from './zip.js';

export interface XlsxRead {
  readonly table: RawTable;
  readonly sheet: string;
  readonly warnings: readonly InputIssue[];
}

const EXPECTED = 'an .xlsx workbook';
const MAX_MERGES = 20_000;
/** Excel's own limit is 32,767 characters a cell; anything far beyond is not a spreadsheet. */
const MAX_CELL_CHARS = 1 << 17;
const CHUNK_BYTES = 8 << 20;

type StyleKind = 'date' | 'percent' | 'number';

/** Built-in number formats that show dates (ECMA-376 18.8.30, plus the CJK ones Excel uses). */
const BUILTIN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

function formatKind(id: number, code: string | undefined): StyleKind {
  if (code === undefined) return BUILTIN_DATES.has(id) ? 'date' : id === 9 || id === 10 ? 'percent' : 'number';
  const bare = code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '').replace(/E[+-]/gi, '');
  if (bare.includes('%')) return 'percent';
  return /general/i.test(bare) ? 'number' : /[ymdhs]/i.test(bare) ? 'date' : 'number';
}

/**
 * A copy of a string that does not keep the text it was cut from alive: V8 represents a slice
 * of 13+ characters as a view of its parent, and a cell cut from an 8 MiB chunk of sheet XML
 * would otherwise keep the whole chunk (the whole sheet, across all cells) in memory for as
 * long as the records live. Concatenating and slicing again forces a flat copy.
 */
const own = (s: string) => (s.length < 13 ? s : (' ' + s).slice(1));

const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;
/** OOXML string escapes (`_x000D_` is a carriage return), after XML's own. */
const unescapeString = (s: string) => (s.indexOf('_x') < 0 ? s : s.replace(OOXML_ESCAPE, (_, h: string) => String.fromCharCode(parseInt(h, 16))));

/** A number as Excel shows it: 15 significant digits, no exponent below 10^15. */
export function numberText(v: string): string {
  // Already as Excel shows it: at most 15 significant digits, no exponent.
  if (/^-?\d{1,15}(\.\d+)?$/.test(v) && v.replace(/^-?0*|\./g, '').replace(/0+$/, '').length <= 15 && !/\.\d*0$/.test(v)) return v;
  const x = Number(v);
  if (!Number.isFinite(x) || v.trim() === '') return v;
  if (Math.abs(x) >= 1e15) return x.toPrecision(15).replace(/\.?0+e/, 'e').toUpperCase();
  return new D(x.toPrecision(15)).toFixed();
}

/** A plain attribute's value in a tag's attribute text (`name="…"`), without entity decoding; ids and numbers only. */
function attrValue(raw: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const k = raw.indexOf(name, from);
    if (k < 0) return undefined;
    const before = k === 0 ? 32 : raw.charCodeAt(k - 1);
    const eq = k + name.length;
    if ((before === 32 || before === 9 || before === 10 || before === 13) && raw.charCodeAt(eq) === 61 /* = */) {
      const q = raw.charCodeAt(eq + 1);
      if (q === 34 || q === 39) {
        const end = raw.indexOf(q === 34 ? '"' : "'", eq + 2);
        if (end > 0) return raw.slice(eq + 2, end);
      }
    }
    from = k + 1;
  }
}

/** The 0-based column of a cell reference ("AB12" → 27), or -1. */
function columnOf(ref: string): number {
  return columnOfCodes(ref.length, (k) => ref.charCodeAt(k));
}

/** `columnOf` of a reference of `length` characters, the k-th `code(k)` (a byte of one written in ASCII will do). */
function columnOfCodes(length: number, code: (k: number) => number): number {
  let c = 0;
  let i = 0;
  for (; i < length && i < 4; i++) {
    const ch = code(i) & ~32; // upper case
    if (ch < 65 || ch > 90) break;
    c = c * 26 + (ch - 64);
  }
  return i === 0 || i > 3 ? -1 : c - 1;
}

/** "A12" → [row 12, column 0]; undefined if it is not a cell reference. */
function cellRef(ref: string): [number, number] | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref);
  if (!m) return undefined;
  let c = 0;
  for (const ch of m[1]!.toUpperCase()) c = c * 26 + (ch.charCodeAt(0) - 64);
  return [Number(m[2]), c - 1];
}

function resolvePart(from: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = from.split('/').slice(0, -1);
  for (const p of target.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p !== '') parts.push(p);
  }
  return parts.join('/');
}

const relsOf = (part: string) => {
  const i = part.lastIndexOf('/');
  return `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`;
};

/** Collect the elements of a small part (workbook, rels, styles) as name + attributes. */
function elements(xml: string, names: ReadonlySet<string>): { name: string; attrs: Record<string, string>; path: string }[] {
  const out: { name: string; attrs: Record<string, string>; path: string }[] = [];
  const stack: string[] = [];
  scanXml(xml, {
    open(name, attrs, selfClosing) {
      if (names.has(name)) out.push({ name, attrs: attrsOf(attrs), path: stack.join('/') });
      if (!selfClosing) stack.push(name);
    },
    close(name) {
      if (stack[stack.length - 1] === name) stack.pop();
    },
    text() {},
  });
  return out;
}

export function readXlsxTable(bytes: Uint8Array, file: string, options: { sheet?: string; sheetNamedBy?: string; limits: ReadLimits }): XlsxRead {
  const { limits } = options;
  const fail = (found: string, row?: number): never => {
    throw new InputError([{ file, ...(row === undefined ? {} : { row }), expected: EXPECTED, found }]);
  };
  let budget = limits.maxInflatedBytes;
  let dir: Map<string, ZipEntry>;
  try {
    dir = readZipDirectory(bytes, limits.maxZipEntries);
  } catch (e) {
    if (e instanceof ZipFormatError) return fail(e.found);
    throw e;
  }
  const lower = new Map([...dir.keys()].map((k) => [k.toLowerCase(), k]));
  const entryOf = (name: string) => dir.get(name) ?? dir.get(lower.get(name.toLowerCase()) ?? '');
  const partBytes = (name: string): Buffer | null => {
    const entry = entryOf(name);
    if (!entry) return null;
    try {
      const b = readZipEntry(bytes, entry, budget);
      budget -= b.length;
      return b;
    } catch (e) {
      if (e instanceof ZipFormatError) return fail(e.found);
      if (e instanceof ZipBudgetError) {
        throw new InputError([{
          file,
          expected: `${EXPECTED} whose parts inflate to at most ${fmtBytes(limits.maxInflatedBytes)} together`,
          found: `${e.entry} ${e.declared !== null ? `declaring ${fmtBytes(e.declared)}` : 'inflating past that'} (a ZIP bomb, or a workbook too large to read: save it as CSV or split it)`,
        }]);
      }
      throw e;
    }
  };
  const partText = (name: string): string | null => {
    const b = partBytes(name);
    return b === null ? null : b.toString('utf8');
  };
  const parsed = <T>(part: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof XmlError) return fail(`a damaged workbook (${part}: ${e.message})`);
      throw e;
    }
  };

  // The workbook part, through the package relationships.
  const rootRels = partText('_rels/.rels');
  const officeDoc = rootRels === null ? undefined : parsed('_rels/.rels', () => elements(rootRels, new Set(['Relationship'])))
    .find((r) => /\/officeDocument$/.test(r.attrs.Type ?? ''))?.attrs.Target;
  const workbookPart = officeDoc ? resolvePart('', officeDoc) : 'xl/workbook.xml';
  const workbookXml = partText(workbookPart);
  if (workbookXml === null) {
    const names = [...dir.keys()];
    const what = names.some((n) => n.startsWith('word/')) ? 'a Word document' : names.some((n) => n.startsWith('ppt/')) ? 'a PowerPoint file' : names.includes('content.xml') ? 'an OpenDocument file (save it as .xlsx)' : 'a ZIP archive';
    return fail(`${what}, not a workbook (no ${workbookPart}; entries: ${names.slice(0, 4).join(', ') || 'none'}${names.length > 4 ? ', …' : ''})`);
  }
  const wb = parsed(workbookPart, () => elements(workbookXml, new Set(['sheet', 'workbookPr'])));
  const date1904 = wb.some((e) => e.name === 'workbookPr' && /^(1|true)$/.test(e.attrs.date1904 ?? ''));
  const wbRelsXml = partText(relsOf(workbookPart));
  const rels = wbRelsXml === null ? [] : parsed(relsOf(workbookPart), () => elements(wbRelsXml, new Set(['Relationship'])));
  const target = (type: string) => rels.find((r) => (r.attrs.Type ?? '').endsWith(`/${type}`) && r.attrs.TargetMode !== 'External')?.attrs.Target;
  const relTarget = new Map(rels.map((r) => [r.attrs.Id ?? '', r]));
  const sheets = wb
    .filter((e) => e.name === 'sheet')
    .map((e) => {
      const rel = relTarget.get(e.attrs['r:id'] ?? e.attrs.id ?? '');
      return {
        name: e.attrs.name ?? '',
        hidden: e.attrs.state === 'hidden' || e.attrs.state === 'veryHidden',
        part: rel && (rel.attrs.Type ?? '').endsWith('/worksheet') ? resolvePart(workbookPart, rel.attrs.Target ?? '') : null,
      };
    });
  const worksheets = sheets.filter((s) => s.part !== null);
  const list = worksheets.map((s) => JSON.stringify(s.name)).join(', ');
  let chosen: (typeof worksheets)[number] | undefined;
  if (options.sheet !== undefined) {
    const want = options.sheet.trim();
    chosen = worksheets.find((s) => s.name === want) ?? worksheets.find((s) => s.name.trim().toLowerCase() === want.toLowerCase());
    if (!chosen) {
      throw new InputError([{ file, expected: `a sheet named ${JSON.stringify(options.sheet)}, as ${options.sheetNamedBy ?? '--sheet'} says (the workbook's sheets: ${list || 'none'})`, found: 'no sheet by that name' }]);
    }
  } else {
    chosen = worksheets.find((s) => !s.hidden) ?? worksheets[0];
    if (!chosen) return fail('a workbook without a worksheet');
  }
  const warnings: InputIssue[] = [];
  // Other sheets that may hold applications too (one per district?); instructions and covers do not.
  const visible = worksheets.filter((s) => !s.hidden && !/说明|填表|封面|目录|instruction|readme|notes?$|cover/i.test(s.name));
  if (options.sheet === undefined && visible.length > 1) {
    warnings.push({ file, expected: 'one sheet of applications', found: `${visible.length} sheets (${list}); read ${JSON.stringify(chosen.name)}, the first: name another with --sheet or the scenario's "sheet"` });
  }

  // Shared strings and number formats.
  const sstPart = target('sharedStrings');
  const sstXml = partText(sstPart ? resolvePart(workbookPart, sstPart) : 'xl/sharedStrings.xml');
  const shared: string[] = [];
  if (sstXml !== null) parsed('sharedStrings', () => scanXml(sstXml, sharedStringsHandler(shared)));
  const stylesPart = target('styles');
  const stylesXml = partText(stylesPart ? resolvePart(workbookPart, stylesPart) : 'xl/styles.xml');
  const styleKinds: StyleKind[] = [];
  if (stylesXml !== null) {
    const st = parsed('styles', () => elements(stylesXml, new Set(['numFmt', 'xf'])));
    const codes = new Map(st.filter((e) => e.name === 'numFmt').map((e) => [Number(e.attrs.numFmtId), e.attrs.formatCode]));
    for (const e of st) {
      if (e.name === 'xf' && e.path.endsWith('cellXfs')) {
        const id = Number(e.attrs.numFmtId ?? 0);
        styleKinds.push(formatKind(id, codes.get(id)));
      }
    }
  }

  const sheetBytes = partBytes(chosen.part!);
  if (sheetBytes === null) return fail(`a workbook whose sheet ${JSON.stringify(chosen.name)} is missing (${chosen.part})`);
  const scan = (reader: SheetReader, from: number, to: number) => {
    for (let pos = from; pos < to; ) {
      let end = Math.min(to, pos + CHUNK_BYTES);
      if (end < to) {
        // Cut after a `</row>` (or at least after a tag) so that no token spans two chunks.
        const row = sheetBytes.lastIndexOf('row>', end - 1);
        const cut = row > pos ? row + 4 : sheetBytes.lastIndexOf('>', end - 1) + 1;
        if (cut <= pos) fail(`a damaged workbook (${chosen!.part}: no tag within ${fmtBytes(CHUNK_BYTES)})`);
        end = cut;
      }
      scanXml(sheetBytes.toString('utf8', pos, end), reader);
      pos = end;
    }
  };
  let reader = new SheetReader(file, limits, shared, styleKinds, date1904);
  parsed(chosen.part!, () => {
    // The rows read from the bytes where they are written the plain way (`scanSheetData`), what
    // comes before and after them by the XML scanner. Where that is not so, or the scanner finds
    // the XML damaged there (it would say where counting from the start), all of it by the
    // scanner, from the start: the same events, the same errors, as without the bytes' reader.
    // One exception, in the bytes' reader's favour: the scanner reads a sheet over 8 MiB in pieces
    // cut after a `row>` or a '>' wherever it stands, and a cut inside a quoted attribute, a
    // comment or 8 MiB of white space made it refuse XML that is whole; the rows read from bytes
    // are not cut.
    const data = sheetDataBounds(sheetBytes);
    if (data !== null) {
      try {
        scan(reader, 0, data.from);
        // From a reader in the rows and collecting no text (what comes before may leave it otherwise).
        if (reader.plain() && scanSheetData(sheetBytes, data.from, data.to, reader, shared.length)) {
          reader.settle();
          scan(reader, data.to, sheetBytes.length);
          return;
        }
      } catch (e) {
        if (!(e instanceof XmlError)) throw e;
      }
      reader = new SheetReader(file, limits, shared, styleKinds, date1904);
    }
    scan(reader, 0, sheetBytes.length);
  });
  return { table: reader.table(), sheet: chosen.name, warnings };
}

/**
 * Where the sheet's rows are: from the end of its `<sheetData>` start tag to the start of its
 * `</sheetData>` end tag, where both are written so (no prefix, no attributes) and nothing
 * before the first names sheetData otherwise; else null.
 */
function sheetDataBounds(bytes: Buffer): { from: number; to: number } | null {
  const open = bytes.indexOf('<sheetData>');
  if (open < 0 || bytes.indexOf('sheetData') !== open + 1) return null;
  const close = bytes.lastIndexOf('</sheetData>');
  if (close < open || bytes.indexOf('sheetData', open + 11) !== close + 2) return null;
  return { from: open + 11, to: close };
}

const LT = 60;
const GT = 62;
const SLASH = 47;
const DQ = 34;
const SQ = 39;

/** A cell's type (its t attribute) as the reader tells types apart: the ones it reads, any other as a number's ('n'). */
const CELL_TYPES = ['s', 'n', 'str', 'inlineStr', 'b', 'e', 'd'];

/**
 * The rows of a sheet between [from, to) of its bytes (`sheetDataBounds`), read from the bytes
 * into `reader` as the XML scanner would hand them to it (`scanXml`: the same rows, cells,
 * attributes, values and texts, in the same order), without the text of the whole sheet as one
 * string, nor a string for each name, attribute text, end tag or shared string's index: where
 * the rows are written the plain way — rows of cells (`<row …>`, `<c …>`, each maybe
 * self-closing, white space between), a cell holding at most a formula (`<f …>…</f>` or
 * `<f …/>`, its text not read) and then a value (`<v>…</v>`) or an inline string of one text
 * (`<is><t …>…</t></is>`), none of it prefixed, no comment, CDATA or text elsewhere; a row's r
 * and a cell's s written in digits. Anything else returns false at once (`reader` has then
 * seen part of the rows: the caller starts again with the scanner).
 */
function scanSheetData(bytes: Buffer, from: number, to: number, reader: SheetReader, sharedCount: number): boolean {
  /** The end of a start tag from `i` (just past its name): the index of its '>', -1 for none before `to`. */
  const tagEnd = (i: number): number => {
    for (; i < to; i++) {
      const c = bytes[i]!;
      if (c === GT) return i;
      if (c === DQ || c === SQ) {
        const q = bytes.indexOf(c, i + 1);
        if (q < 0 || q >= to) return -1;
        i = q;
      } else if (c === LT) return -1;
    }
    return -1;
  };
  /** Whether the bytes at `i` are `name` followed by white space, '>' or '/>': a start tag's name, as the scanner reads names (up to white space). */
  const named = (i: number, name: string): boolean => {
    for (let k = 0; k < name.length; k++) if (bytes[i + k] !== name.charCodeAt(k)) return false;
    const c = bytes[i + name.length]!;
    return isSpace(c) || c === GT || (c === SLASH && bytes[i + name.length + 1] === GT);
  };
  /** Whether the bytes at `i` are the end tag `</name>`. */
  const endTag = (i: number, name: string): boolean => {
    if (bytes[i] !== LT || bytes[i + 1] !== SLASH) return false;
    for (let k = 0; k < name.length; k++) if (bytes[i + 2 + k] !== name.charCodeAt(k)) return false;
    return bytes[i + 2 + name.length] === GT;
  };
  // The start tag `tag` last read: its attribute bytes [attrsFrom, attrsTo), whether it closes
  // itself, and the index after it.
  let attrsFrom = 0;
  let attrsTo = 0;
  let selfClosing = false;
  let next = 0;
  /** Read the start tag whose name (`length` bytes) starts at `i`; false where it does not end. */
  const tag = (i: number, length: number): boolean => {
    const j = tagEnd(i + length);
    if (j < 0) return false;
    selfClosing = bytes[j - 1] === SLASH && j - 1 >= i + length;
    attrsFrom = i + length;
    attrsTo = selfClosing ? j - 1 : j;
    next = j + 1;
    return true;
  };
  const attrs = (): string => bytes.toString('utf8', attrsFrom, attrsTo);
  // The value of the last attribute `attr` found: [valueFrom, valueTo).
  let valueFrom = 0;
  let valueTo = 0;
  /**
   * Whether the tag's attribute bytes hold the one-letter attribute `name` (its code), as
   * `attrValue` finds it in their text: the first `name=` after white space (or at the start)
   * with a quoted value; its value's bytes then in [valueFrom, valueTo).
   */
  const attr = (name: number): boolean => {
    for (let k = attrsFrom; k < attrsTo; k++) {
      if (bytes[k] !== name || (k > attrsFrom && !isSpace(bytes[k - 1]!)) || bytes[k + 1] !== 61 /* = */) continue;
      const q = bytes[k + 2];
      if (q !== DQ && q !== SQ) continue;
      const end = bytes.indexOf(q, k + 3);
      if (end < 0 || end >= attrsTo) continue;
      valueFrom = k + 3;
      valueTo = end;
      return true;
    }
    return false;
  };
  /** The value's digits as a number (0 for none, as `Number('')`); -1 where it has anything else, or more than nine. */
  const digits = (): number => {
    if (valueTo - valueFrom > 9) return -1;
    let n = 0;
    for (let k = valueFrom; k < valueTo; k++) {
      const d = bytes[k]! - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    return n;
  };
  /** `columnOf` of the value's bytes (its letters are ASCII, one byte each, as its characters). */
  const column = (): number => columnOfCodes(valueTo - valueFrom, (k) => bytes[valueFrom + k]!);
  /** The value's bytes as one of CELL_TYPES, any other as 'n'. */
  const cellType = (): string => {
    const n = valueTo - valueFrom;
    for (const t of CELL_TYPES) {
      if (t.length !== n) continue;
      let k = 0;
      while (k < n && bytes[valueFrom + k] === t.charCodeAt(k)) k++;
      if (k === n) return t;
    }
    return 'n';
  };
  /** The raw text from `i` to the next '<', where that starts `</name>`: its end, -1 otherwise. */
  const textTo = (i: number, name: string): number => {
    const lt = bytes.indexOf(LT, i);
    return lt >= 0 && lt < to && endTag(lt, name) ? lt : -1;
  };
  const white = (i: number): number => {
    while (i < to && isSpace(bytes[i]!)) i++;
    return i;
  };
  const raw = (a: number, b: number): string => bytes.toString('utf8', a, b);

  let i = from;
  let inRow = false;
  for (;;) {
    i = white(i);
    if (i >= to) return !inRow;
    if (bytes[i] !== LT) return false;
    if (inRow && endTag(i, 'row')) {
      reader.close('row');
      inRow = false;
      i += 6;
      continue;
    }
    if (!inRow && named(i + 1, 'row')) {
      if (!tag(i + 1, 3)) return false;
      let r = NaN;
      if (attr(114 /* r */)) {
        r = digits();
        if (r < 0) return false;
      }
      reader.openRow(r);
      if (selfClosing) reader.close('row');
      else inRow = true;
      i = next;
      continue;
    }
    if (!inRow || !named(i + 1, 'c') || !tag(i + 1, 1)) return false;
    const col = attr(114 /* r */) ? column() : -1;
    const type = attr(116 /* t */) ? cellType() : 'n';
    let style = 0;
    if (attr(115 /* s */)) {
      style = digits();
      if (style < 0) return false;
    }
    reader.openCell(col, type, style);
    i = next;
    if (!selfClosing) {
      i = white(i);
      if (bytes[i] === LT && named(i + 1, 'f')) {
        if (!tag(i + 1, 1)) return false;
        reader.open('f', attrs(), selfClosing);
        if (selfClosing) {
          reader.close('f');
          i = next;
        } else {
          const end = textTo(next, 'f');
          if (end < 0) return false;
          reader.close('f');
          i = end + 4;
        }
        i = white(i);
      }
      if (bytes[i] === LT && named(i + 1, 'v')) {
        if (!tag(i + 1, 1) || selfClosing) return false;
        const end = textTo(next, 'v');
        if (end < 0) return false;
        valueFrom = next;
        valueTo = end;
        const index = type === 's' && end > next ? digits() : -1;
        if (index >= 0 && index < sharedCount) reader.sharedValue(index);
        else {
          reader.open('v', attrs(), false);
          if (end > next) reader.text(raw(next, end), false);
          reader.close('v');
        }
        i = white(end + 4);
      } else if (bytes[i] === LT && named(i + 1, 'is')) {
        if (!tag(i + 1, 2) || selfClosing) return false;
        const isAttrs = attrs();
        const at = white(next);
        if (bytes[at] !== LT || !named(at + 1, 't') || !tag(at + 1, 1) || selfClosing) return false;
        const end = textTo(next, 't');
        if (end < 0) return false;
        reader.open('is', isAttrs, false);
        reader.open('t', attrs(), false);
        if (end > next) reader.text(raw(next, end), false);
        reader.close('t');
        const after = white(end + 4);
        if (!endTag(after, 'is')) return false;
        reader.close('is');
        i = white(after + 5);
      }
      if (!endTag(i, 'c')) return false;
      i += 4;
    }
    reader.close('c');
  }
}

/** `<si>` items: the text of every `<t>` in it, phonetic runs (`<rPh>`) left out. */
function sharedStringsHandler(out: string[]): XmlHandler {
  let inSi = false;
  let inT = false;
  let inPhonetic = 0;
  let text = '';
  return {
    open(name, _attrs, selfClosing) {
      if (name === 'si') {
        inSi = !selfClosing;
        text = '';
        if (selfClosing) out.push('');
      } else if (name === 'rPh') inPhonetic++;
      else if (name === 't' && !selfClosing) inT = true;
    },
    close(name) {
      if (name === 'si' && inSi) {
        out.push(own(unescapeString(text)));
        inSi = false;
      } else if (name === 'rPh') inPhonetic = Math.max(0, inPhonetic - 1);
      else if (name === 't') inT = false;
    },
    text(raw, cdata) {
      if (inSi && inT && !inPhonetic) {
        text += cdata ? raw : unescapeXml(raw);
        if (text.length > MAX_CELL_CHARS) throw new XmlError('a shared string longer than any cell can hold', 0);
      }
    },
  };
}

/** The sheet's rows, cell by cell, within the row and column bounds. */
class SheetReader implements XmlHandler {
  private readonly rows: RawRow[] = [];
  private readonly merges: Merge[] = [];
  private inData = false;
  private rowNumber = 0;
  private cells: string[] = [];
  private unreadable: Map<number, string> | null = null;
  private col = -1;
  private type = 'n';
  private style = 0;
  private hasFormula = false;
  private value: string | null = null;
  private inline: string | null = null;
  private collect: 'v' | 't' | null = null;
  private inPhonetic = 0;
  private sorted = true;
  /** The cell's shared string as `sharedValue` gave it (-1: read from `value`). */
  private sharedAt = -1;

  constructor(
    private readonly file: string,
    private readonly limits: ReadLimits,
    private readonly shared: readonly string[],
    private readonly styles: readonly StyleKind[],
    private readonly date1904: boolean,
  ) {}

  table(): RawTable {
    if (!this.sorted) this.rows.sort((a, b) => a.row - b.row);
    return { rows: this.rows, merges: this.merges };
  }

  private refuse(expected: string, found: string, row?: number): never {
    throw new InputError([{ file: this.file, ...(row === undefined ? {} : { row }), expected, found }]);
  }

  open(name: string, attrs: string, selfClosing: boolean): void {
    switch (name) {
      case 'sheetData':
        this.inData = !selfClosing;
        return;
      case 'row':
        // A self-closing row is ended by close().
        this.openRow(Number(attrValue(attrs, 'r')));
        return;
      case 'c': {
        // r, s and t of every cell: read without building an attribute object (the hot path).
        const r = attrValue(attrs, 'r');
        // A self-closing cell is ended by close().
        this.openCell(r === undefined ? -1 : columnOf(r), attrValue(attrs, 't') ?? 'n', Number(attrValue(attrs, 's') ?? 0) || 0);
        return;
      }
      case 'v':
        if (this.inData && !selfClosing) {
          this.collect = 'v';
          this.value = '';
        }
        return;
      case 'f':
        this.hasFormula = true;
        return;
      case 'is':
        this.inline = '';
        return;
      case 'rPh':
        this.inPhonetic++;
        return;
      case 't':
        if (this.inline !== null && !selfClosing && !this.inPhonetic) this.collect = 't';
        return;
      case 'mergeCell': {
        const ref = attrsOf(attrs).ref ?? '';
        const [a, b] = ref.split(':');
        const p = a ? cellRef(a) : undefined;
        const q = b ? cellRef(b) : p;
        if (!p || !q) return;
        if (this.merges.length >= MAX_MERGES) this.refuse(`at most ${MAX_MERGES} merged ranges in a sheet`, 'more');
        const left = Math.min(p[1], q[1]);
        if (left >= this.limits.maxColumns) return;
        this.merges.push({ top: Math.min(p[0], q[0]), bottom: Math.max(p[0], q[0]), left, right: Math.min(Math.max(p[1], q[1]), this.limits.maxColumns - 1) });
        return;
      }
      default:
    }
  }

  /** A row starts (`<row r="…">`): `r` its number as read (NaN where it has none). */
  openRow(r: number): void {
    if (!this.inData) return;
    this.rowNumber = Number.isInteger(r) && r > 0 ? r : this.rowNumber + 1;
    this.cells = [];
    this.unreadable = null;
    this.col = -1;
  }

  /** A cell starts (`<c r="…" t="…" s="…">`): its column by its reference (-1: none, or not one), its type and style as read. */
  openCell(col: number, type: string, style: number): void {
    if (!this.inData) return;
    this.col = col >= 0 ? col : this.col + 1;
    this.type = type;
    this.style = style;
    this.hasFormula = false;
    this.value = null;
    this.inline = null;
    this.sharedAt = -1;
  }

  /** The cell's value is shared string `index` (`<v>index</v>` of a cell of type s, index one the workbook has). */
  sharedValue(index: number): void {
    if (!this.inData) return;
    this.value = '';
    this.sharedAt = index;
  }

  /** Whether the reader is in the rows and collects no text: where the rows can be read from bytes (`scanSheetData`). */
  plain(): boolean {
    return this.inData && this.collect === null;
  }

  /** After rows read from bytes: the last cell's shared string as the scanner would have left it, its index as text. */
  settle(): void {
    if (this.sharedAt >= 0) this.value = String(this.sharedAt);
    this.sharedAt = -1;
  }

  close(name: string): void {
    switch (name) {
      case 'v':
      case 't':
        this.collect = null;
        return;
      case 'rPh':
        this.inPhonetic = Math.max(0, this.inPhonetic - 1);
        return;
      case 'c':
        if (this.inData) this.endCell();
        return;
      case 'row':
        if (this.inData) this.endRow();
        return;
      case 'sheetData':
        this.inData = false;
        return;
      default:
    }
  }

  text(raw: string, cdata: boolean): void {
    if (this.collect === null) return;
    const t = cdata ? raw : unescapeXml(raw);
    if (this.collect === 'v') this.value += t;
    else this.inline += t;
    if ((this.value?.length ?? 0) + (this.inline?.length ?? 0) > MAX_CELL_CHARS) {
      this.refuse('cells of at most 32,767 characters, as Excel allows', 'a longer one', this.rowNumber);
    }
  }

  private endCell(): void {
    const c = this.col;
    let text = '';
    let bad: string | undefined;
    const v = this.value;
    switch (this.type) {
      case 's': {
        const s = this.sharedAt >= 0 ? this.shared[this.sharedAt] : this.shared[Number(v)];
        if (s === undefined) bad = `a reference to shared string ${JSON.stringify(v)}, which the workbook lacks (a damaged file)`;
        else text = s;
        break;
      }
      case 'inlineStr':
        text = unescapeString(this.inline ?? v ?? '');
        break;
      case 'str':
        text = unescapeString(v ?? '');
        break;
      case 'b':
        text = v === '1' ? 'TRUE' : v === '0' ? 'FALSE' : v ?? '';
        break;
      case 'e':
        bad = `a formula error ${JSON.stringify(v ?? '')}`;
        break;
      case 'd':
        text = (v ?? '').replace(/T00:00:00(\.0+)?Z?$/, '').replace('T', ' ');
        break;
      default:
        if (v === null || v === '') {
          if (this.hasFormula) bad = 'a formula without a saved result (open the file in Excel and save it again)';
        } else {
          const kind = this.styles[this.style] ?? 'number';
          const x = Number(v);
          if (kind === 'date' && Number.isFinite(x) && x >= 0 && x < 2_958_466) {
            const minutes = Math.round((x - Math.floor(x)) * 1440);
            text = serialDate(x, this.date1904) + (minutes ? ` ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}` : '');
          } else if (kind === 'percent' && Number.isFinite(x)) {
            text = `${new D(x.toPrecision(15)).times(100).toFixed()}%`;
          } else text = numberText(v);
        }
    }
    if (text.trim() === '' && bad === undefined) return;
    if (c >= this.limits.maxColumns) {
      this.refuse(`values in the first ${this.limits.maxColumns} columns only`, `a value in column ${c + 1}`, this.rowNumber);
    }
    if (bad !== undefined) (this.unreadable ??= new Map()).set(c, bad);
    else this.cells[c] = own(text);
  }

  private endRow(): void {
    const cells = this.cells;
    if (cells.length === 0 && !this.unreadable) return;
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
    if (this.rows.length >= this.limits.maxRows) {
      this.refuse(`at most ${this.limits.maxRows.toLocaleString('en-US')} rows in a sheet`, `more (row ${this.rowNumber} is the ${(this.rows.length + 1).toLocaleString('en-US')}th with a value)`, this.rowNumber);
    }
    const prev = this.rows[this.rows.length - 1];
    if (prev && prev.row >= this.rowNumber) this.sorted = false;
    this.rows.push(this.unreadable ? { row: this.rowNumber, cells, unreadable: this.unreadable } : { row: this.rowNumber, cells });
  }
}
