/**
 * Write an .xlsx: sheets of text and number cells, a small fixed set of styles (header,
 * 元 and 万元 number formats, totals, wrapped notes, text-formatted id columns), frozen
 * header rows, column widths, merged ranges, an auto-filter, list validations (inline, or on
 * a hidden sheet when Excel cannot take them inline) and a page setup (`PAGE` below: A4, one
 * page wide, landscape when the columns are wide, title rows repeated on every page, a footer).
 *
 * Text is always an inline string (`t="inlineStr"`): nothing written here is ever a formula.
 * Numbers are written as the exact decimal text they are given (`<v>1234567.89</v>`), so the
 * file holds the same digits as the CSV. The ZIP has fixed timestamps and no document
 * properties: the same sheets give the same bytes. (Written directly rather than through a
 * library: at 100,000 applications exceljs took 7 s and its in-memory workbook 2.4 GB.)
 */
import { escapeXml } from './xml.js';
import { deflateChunks, deflateEntry, writeZip, writeZipParts, type Deflated, type ZipFile } from './zip.js';
import { columnLetter } from './bounds.js';
import { neutraliseCell, startsFormula } from './cells.js';
import { isSpace } from './text.js';
import { ChunkPool, Utf8Chunks, utf8Char } from './write.js';
import type { RowSource } from './rows.js';

export type CellStyle =
  | 'plain' | 'header' | 'title' | 'text' | 'wrap' | 'id'
  | 'yuan' | 'wan' | 'int' | 'number'
  | 'totalText' | 'totalYuan' | 'totalWan';

export type Cell =
  | null
  | string
  | { readonly text: string; readonly style?: CellStyle }
  /** A number as exact decimal text ("1234567.89") or a JS number. */
  | { readonly number: string | number; readonly style?: CellStyle };

export interface SheetSpec {
  readonly name: string;
  /**
   * Width in characters; `style` is the style of the column's plain-string cells, and applies to
   * cells a user types into the column later. In a `numeric` column a plain string is a number
   * written from its exact decimal text ("" = an empty cell): rows of strings (allocations.csv's)
   * go in as they are, with no object per cell. In a `neutralise` column a plain string is
   * written as `neutraliseCell` makes it (as the CSV writes it), so such rows need no copy.
   */
  readonly columns: readonly { readonly width: number; readonly style?: CellStyle; readonly numeric?: boolean; readonly neutralise?: boolean }[];
  /** An array of rows, or rows made as they are read (`RowSource`, which see): read in order when the sheet is written. */
  readonly rows: RowSource<readonly Cell[]>;
  /** Rows kept in view at the top when scrolling. */
  readonly freezeRows?: number;
  /** Ranges such as "A1:E1". */
  readonly merges?: readonly string[];
  /** An auto-filter over this range, e.g. "A1:P101". */
  readonly autoFilter?: string;
  /** Drop-down lists on cells (sqref): see ListSpec. */
  readonly lists?: readonly ListSpec[];
  /** Hidden from the workbook's tabs (never the first sheet). */
  readonly hidden?: boolean;
  /** How the sheet prints, beyond what every sheet gets (`PAGE`). */
  readonly print?: PrintSpec;
}

/**
 * A drop-down list (Excel data validation of type list) on the cells `sqref`: either a formula
 * giving the list (`source`, a range such as `'填表说明'!$B$5:$B$20`) or the `values` themselves.
 * Values are written inline (`"小型,微型"`, quotes doubled) when Excel allows it: no value holds
 * a comma (an inline list has no escape for one) and the list joined by commas is at most 255
 * characters; otherwise `xlsxBytes` puts them in a column of a hidden sheet and refers to that.
 * `strict`: other text is refused (with `error` as the message); else typing other text stays allowed.
 */
export type ListSpec = { readonly sqref: string; readonly prompt?: string; readonly strict?: boolean; readonly error?: string } & (
  | { readonly source: string }
  | { readonly values: readonly string[] }
);

/** The most characters Excel takes in an inline list, commas included. */
export const INLINE_LIST_MAX = 255;

/** The formula of an inline list, or null when the values must go on a sheet. */
function inlineList(values: readonly string[]): string | null {
  if (values.some((v) => v.includes(',')) || values.join(',').length > INLINE_LIST_MAX) return null;
  return `"${values.map((v) => v.replace(/"/g, '""')).join(',')}"`;
}

/**
 * Every sheet prints on A4, one page wide and as many long as it takes, centred between the
 * margins, landscape when its columns are wider than a portrait page holds at full size.
 */
export const PAGE = {
  /** pageSetup's paperSize: 9 is A4. */
  paperSize: 9,
  /** Columns wider than this, in characters, print landscape (A4 portrait between these margins holds ~95). */
  portraitWidth: 90,
  /** Inches, as pageMargins holds them. */
  margins: { left: 0.5, right: 0.5, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 },
} as const;

/** A page footer's part: text as it is, or the page number or the page count. */
export type FooterPart = string | { readonly field: 'page' | 'pages' };

export interface PrintSpec {
  /** Rows 1..n repeated at the top of every printed page (the sheet's header). */
  readonly titleRows?: number;
  /** The footer's left and right parts, on every page. */
  readonly footer?: { readonly left?: readonly FooterPart[]; readonly right?: readonly FooterPart[] };
}

/**
 * A sheet whose XML was built and deflated already (`compressSheet`, e.g. on a worker thread).
 * `name` must be the name it was built with.
 */
export interface CompressedSheet {
  readonly name: string;
  /** Its auto-filter range, which the workbook names too. */
  readonly autoFilter?: string;
  /** Its print title rows, which the workbook names too. */
  readonly titleRows?: number;
  readonly compressed: Deflated;
}

export type SheetInput = SheetSpec | CompressedSheet;

export interface WorkbookOptions {
  /** Decimals of the 万元 format (default 2..6 as needed: `#,##0.00####`). */
  readonly wanDecimals?: number;
}

const STYLE_ORDER: readonly CellStyle[] = ['plain', 'header', 'title', 'text', 'wrap', 'id', 'yuan', 'wan', 'int', 'number', 'totalText', 'totalYuan', 'totalWan'];
const STYLE_INDEX = new Map(STYLE_ORDER.map((s, i) => [s, i]));

function stylesXml(wanDecimals: number | undefined): string {
  const wan = wanDecimals === undefined ? '#,##0.00####' : wanDecimals === 0 ? '#,##0' : `#,##0.${'0'.repeat(wanDecimals)}`;
  // numFmt 164 = 元, 165 = 万元; 49 = text (@), 1 = 0, 0 = General.
  const xf: Record<CellStyle, string> = {
    plain: '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    header: '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>',
    title: '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    text: '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>',
    wrap: '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>',
    id: '<xf numFmtId="49" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>',
    yuan: '<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>',
    wan: '<xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>',
    int: '<xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>',
    number: '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>',
    totalText: '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"/>',
    totalYuan: '<xf numFmtId="164" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/>',
    totalWan: '<xf numFmtId="165" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/>',
  };
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    `<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.00"/><numFmt numFmtId="165" formatCode="${escapeXml(wan)}"/></numFmts>` +
    '<fonts count="3"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>' +
    '<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>' +
    '<font><b/><sz val="14"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>' +
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>' +
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>' +
    '<border><left style="thin"><color rgb="FFBFBFBF"/></left><right style="thin"><color rgb="FFBFBFBF"/></right>' +
    '<top style="thin"><color rgb="FFBFBFBF"/></top><bottom style="thin"><color rgb="FFBFBFBF"/></bottom><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${STYLE_ORDER.length}">${STYLE_ORDER.map((s) => xf[s]).join('')}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>'
  );
}

// XML 1.0 cannot carry most control characters; OOXML writes them (and a literal "_x") as _xHHHH_.
const NEEDS_ESCAPE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\r\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Anything cellText may have to change (a superset, tested first: most cells need nothing).
const MAY_NEED_WORK = /[\u0000-\u001f&<>"_\ud800-\udfff\ufffe\uffff]/;
function cellText(s: string): string {
  const t = MAY_NEED_WORK.test(s)
    ? escapeXml(s.replace(NEEDS_ESCAPE, (c) => (c.length === 1 && c >= '\ud800' && c <= '\udfff' ? '\ufffd' : `_x${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}_`)))
    : s;
  return EDGE_SPACE.test(s) ? `<t xml:space="preserve">${t}</t>` : `<t>${t}</t>`;
}
const EDGE_SPACE = /^\s|\s$/;

const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
function numberText(n: string | number): string {
  const s = typeof n === 'number' ? String(n) : n.trim();
  if (!NUMBER_TEXT.test(s)) throw new Error(`not a number for a number cell: ${JSON.stringify(n)}`);
  return s;
}

/**
 * Text for a header or footer: control characters become spaces, a lone surrogate U+FFFD, a
 * literal "_x" is escaped as in cells, `&` is doubled (a lone & starts a code); at most 60 characters.
 */
function footerText(s: string): string {
  const chars = [...s.replace(/[\u0000-\u001f\ufffe\uffff\ud800-\udfff]/gu, (c) => (c < ' ' ? ' ' : '\ufffd'))];
  const cut = chars.length > 60 ? chars.slice(0, 59).join('') + '…' : chars.join('');
  return cut.replace(/_(?=x[0-9A-Fa-f]{4}_)/g, '_x005F_').replace(/&/g, '&&');
}

/** oddFooter's code (&L left, &R right, &P page, &N pages), XML-escaped; under Excel's 255 characters. */
function footerXml(footer: NonNullable<PrintSpec['footer']>): string {
  const part = (parts: readonly FooterPart[] = []) => parts.map((p) => (typeof p === 'string' ? footerText(p) : p.field === 'page' ? '&P' : '&N')).join('');
  const code = `&L${part(footer.left)}&R${part(footer.right)}`;
  if (code.length > 255) throw new Error(`a page footer longer than 255 characters: ${JSON.stringify(code)}`);
  return `<headerFooter><oddFooter>${escapeXml(code)}</oddFooter></headerFooter>`;
}

/** printOptions … headerFooter: what `PAGE` says, and the sheet's footer. */
function pageXml(sheet: SheetSpec): string {
  const m = PAGE.margins;
  const wide = sheet.columns.reduce((w, c) => w + c.width, 0) > PAGE.portraitWidth;
  return (
    '<printOptions horizontalCentered="1"/>' +
    `<pageMargins left="${m.left}" right="${m.right}" top="${m.top}" bottom="${m.bottom}" header="${m.header}" footer="${m.footer}"/>` +
    `<pageSetup paperSize="${PAGE.paperSize}" fitToWidth="1" fitToHeight="0" orientation="${wide ? 'landscape' : 'portrait'}"/>` +
    (sheet.print?.footer ? footerXml(sheet.print.footer) : '')
  );
}

/** One cell's XML as text (the general path; `CellParts` below writes the common cells as bytes). */
function cellXml(cell: Cell, ref: string, style: number, numeric: boolean, neutralise: boolean): string {
  if (typeof cell === 'string') {
    if (cell === '') return `<c r="${ref}" s="${style}"/>`;
    if (numeric) return `<c r="${ref}" s="${style}"><v>${numberText(cell)}</v></c>`;
    return `<c r="${ref}" s="${style}" t="inlineStr"><is>${cellText(neutralise ? neutraliseCell(cell) : cell)}</is></c>`;
  }
  if (cell === null) return '';
  if ('text' in cell) {
    const st = STYLE_INDEX.get(cell.style ?? 'text');
    return cell.text === '' ? `<c r="${ref}" s="${st}"/>` : `<c r="${ref}" s="${st}" t="inlineStr"><is>${cellText(cell.text)}</is></c>`;
  }
  return `<c r="${ref}" s="${STYLE_INDEX.get(cell.style ?? 'number')}"><v>${numberText(cell.number)}</v></c>`;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

/** The fixed bytes of a column's string cells, around its row number and its value. */
class CellParts {
  /** `<c r="` and the column's letters. */
  readonly open: Uint8Array;
  /** After the row number: an empty cell's end, a number's start, a text's start (and one with edge spaces kept). */
  readonly empty: Uint8Array;
  readonly number: Uint8Array;
  readonly text: Uint8Array;
  readonly textSpaced: Uint8Array;
  constructor(letter: string, style: number) {
    this.open = ascii(`<c r="${letter}`);
    this.empty = ascii(`" s="${style}"/>`);
    this.number = ascii(`" s="${style}"><v>`);
    this.text = ascii(`" s="${style}" t="inlineStr"><is><t>`);
    this.textSpaced = ascii(`" s="${style}" t="inlineStr"><is><t xml:space="preserve">`);
  }
}
const ROW_OPEN = ascii('<row r="');
const ROW_OPENED = ascii('">');
const ROW_CLOSE = ascii('</row>');
const NUMBER_CLOSE = ascii('</v></c>');
const TEXT_CLOSE = ascii('</t></is></c>');

function put(buf: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[at + i] = bytes[i]!;
  return at + bytes.length;
}

/**
 * One row's XML appended to `sink` as bytes, the same as the text `cellXml` makes of its cells:
 * a string cell whose value needs nothing more than & < > " escaped (most) is encoded here,
 * any other cell is `general`'s text.
 */
function rowXmlInto(sink: Utf8Chunks, row: readonly Cell[], n: number, parts: readonly CellParts[], numeric: readonly boolean[], neutralise: readonly boolean[], general: (cell: Cell, c: number, n: number) => string): void {
  const digits = String(n);
  const nd = digits.length;
  sink.room(16 + nd);
  let buf = sink.buf;
  let at = put(buf, sink.at, ROW_OPEN);
  for (let i = 0; i < nd; i++) buf[at++] = digits.charCodeAt(i);
  at = put(buf, at, ROW_OPENED);
  for (let c = 0; c < row.length; c++) {
    const cell = row[c];
    if (cell === null || cell === undefined) continue;
    if (typeof cell === 'string') {
      const p = parts[c]!;
      // Room for the cell as `general` writes it: its value at most six bytes a unit (&quot;), the tags.
      if (at + 6 * cell.length + 96 + nd > buf.length) {
        sink.at = at;
        sink.room(6 * cell.length + 96 + nd);
        buf = sink.buf;
        at = sink.at;
      }
      const start = at;
      at = put(buf, at, p.open);
      for (let i = 0; i < nd; i++) buf[at++] = digits.charCodeAt(i);
      let end: number;
      if (cell === '') end = put(buf, at, p.empty);
      else if (numeric[c]) {
        end = numberInto(cell, buf, put(buf, at, p.number));
        if (end >= 0) end = put(buf, end, NUMBER_CLOSE);
      } else if (neutralise[c] && startsFormula(cell.charCodeAt(0))) end = -1;
      else {
        end = xmlTextInto(cell, buf, put(buf, at, edgeSpace(cell) ? p.textSpaced : p.text));
        if (end >= 0) end = put(buf, end, TEXT_CLOSE);
      }
      if (end >= 0) {
        at = end;
        continue;
      }
      at = start;
    }
    sink.at = at;
    sink.write(general(cell, c, n));
    buf = sink.buf;
    at = sink.at;
  }
  if (at + ROW_CLOSE.length > buf.length) {
    sink.at = at;
    sink.room(ROW_CLOSE.length);
    buf = sink.buf;
    at = sink.at;
  }
  sink.at = put(buf, at, ROW_CLOSE);
}

/** Whether `cellText` keeps the text's edge spaces: it starts or ends with a white space (as \s reads it). */
function edgeSpace(s: string): boolean {
  return isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1));
}

/**
 * A number cell's value (-?digits(.digits)?, as `numberText` passes it unchanged) into `buf` at
 * `at`: the end, or -1 for any other text (`numberText` decides).
 */
function numberInto(s: string, buf: Uint8Array, at: number): number {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const first = i;
  let point = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && point < 0 && i > first) point = i;
    else if (c < 48 || c > 57) return -1;
  }
  if (n === first || point === n - 1) return -1;
  for (let k = 0; k < n; k++) buf[at + k] = s.charCodeAt(k);
  return at + n;
}

const ESCAPED: Record<number, Uint8Array> = { 38: ascii('&amp;'), 60: ascii('&lt;'), 62: ascii('&gt;'), 34: ascii('&quot;') };

/**
 * `cellText`'s inside (its value escaped, without the tags) as UTF-8 into `buf` at `at`: the end,
 * or -1 where the value holds what only `cellText` writes (a control character, "_x", a lone
 * surrogate, U+FFFE/U+FFFF).
 */
function xmlTextInto(s: string, buf: Uint8Array, at: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c < 0x20) return -1;
      if (c === 38 || c === 60 || c === 62 || c === 34) at = put(buf, at, ESCAPED[c]!);
      else if (c === 95 && s.charCodeAt(i + 1) === 120) return -1;
      else buf[at++] = c;
    } else if (c >= 0xfffe) return -1;
    else {
      const end = utf8Char(s, i, c, buf, at);
      if (end < 0) {
        at = -end;
        i++;
      } else if (c >= 0xd800 && c <= 0xdfff) return -1;
      else at = end;
    }
  }
  return at;
}

/** A sheet's XML; `bytes` false: every row made as text first, as the cells' general path (the same bytes, slower). */
export function sheetXml(sheet: SheetSpec, selected: boolean, bytes = true): Buffer {
  return Buffer.concat([...sheetXmlChunks(sheet, selected, bytes)]);
}

/** A sheet's XML in chunks of about 1 MiB (`Utf8Chunks`: deflated as they come, never held all at once). */
function* sheetXmlChunks(sheet: SheetSpec, selected: boolean, bytes = true, pool: ChunkPool | null = null): Generator<Buffer> {
  const ready: Buffer[] = [];
  const sink = new Utf8Chunks((chunk) => ready.push(chunk), pool);
  let out = '';
  let width = Math.max(sheet.columns.length, 1);
  const rows = sheet.rows;
  if (rows.width !== undefined) width = Math.max(width, rows.width);
  else for (let r = 0; r < rows.length; r++) width = Math.max(width, rows.at(r)!.length); // no spread: sheets have 10^5+ rows
  const dim = `A1:${columnLetter(width - 1)}${Math.max(rows.length, 1)}`;
  out +=
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    // fitToPage: pageSetup's fitToWidth/fitToHeight apply (rather than its scale).
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
    `<dimension ref="${dim}"/><sheetViews><sheetView workbookViewId="0"${selected ? ' tabSelected="1"' : ''}>`;
  const f = sheet.freezeRows ?? 0;
  if (f > 0) out += `<pane ySplit="${f}" topLeftCell="A${f + 1}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A${f + 1}" sqref="A${f + 1}"/>`;
  out += '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>';
  if (sheet.columns.length) {
    out += '<cols>';
    sheet.columns.forEach((c, i) => {
      const style = c.style ? ` style="${STYLE_INDEX.get(c.style)}"` : '';
      out += `<col min="${i + 1}" max="${i + 1}" width="${c.width.toFixed(2)}" customWidth="1"${style}/>`;
    });
    out += '</cols>';
  }
  out += '<sheetData>';
  sink.write(out);
  yield* ready.splice(0);
  out = '';
  const letters = Array.from({ length: width }, (_, i) => columnLetter(i));
  const textStyle = letters.map((_, c) => STYLE_INDEX.get(sheet.columns[c]?.style ?? (sheet.columns[c]?.numeric ? 'number' : 'text'))!);
  const numeric = letters.map((_, c) => sheet.columns[c]?.numeric === true);
  const neutralise = letters.map((_, c) => sheet.columns[c]?.neutralise === true);
  const general = (cell: Cell, c: number, n: number) => cellXml(cell, letters[c]! + n, textStyle[c]!, numeric[c]!, neutralise[c]!);
  if (!bytes) {
    for (let r = 0; r < rows.length; r++) {
      const row = rows.at(r)!;
      let x = `<row r="${r + 1}">`;
      for (let c = 0; c < row.length; c++) if (row[c] !== null && row[c] !== undefined) x += general(row[c]!, c, r + 1);
      sink.write(x + '</row>');
      if (ready.length) yield* ready.splice(0);
    }
  } else {
    const parts = letters.map((letter, c) => new CellParts(letter, textStyle[c]!));
    for (let r = 0; r < rows.length; r++) {
      rowXmlInto(sink, rows.at(r)!, r + 1, parts, numeric, neutralise, general);
      if (ready.length) yield* ready.splice(0);
    }
  }
  out += '</sheetData>';
  if (sheet.autoFilter) out += `<autoFilter ref="${sheet.autoFilter}"/>`;
  if (sheet.merges?.length) out += `<mergeCells count="${sheet.merges.length}">${sheet.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`;
  if (sheet.lists?.length) {
    out += `<dataValidations count="${sheet.lists.length}">`;
    for (const l of sheet.lists) {
      const formula = 'source' in l ? l.source : inlineList(l.values);
      if (formula === null) throw new Error(`a list too long to write inline on sheet ${JSON.stringify(sheet.name)} (xlsxBytes puts it on a hidden sheet)`);
      const prompt = l.prompt ? ` showInputMessage="1" prompt="${escapeXml(l.prompt)}"` : '';
      const error = l.strict ? ` showErrorMessage="1"${l.error ? ` error="${escapeXml(l.error)}"` : ''}` : ' showErrorMessage="0"';
      out += `<dataValidation type="list" allowBlank="1"${error}${prompt} sqref="${l.sqref}"><formula1>${escapeXml(formula)}</formula1></dataValidation>`;
    }
    out += '</dataValidations>';
  }
  out += pageXml(sheet) + '</worksheet>';
  sink.write(out);
  sink.end();
  yield* ready.splice(0);
}

/**
 * The same, its XML deflated chunk by chunk as it is made (zlib's thread pool deflates one
 * chunk while this thread makes the next), never all of it in memory: the same bytes.
 */
export async function compressSheetStreamed(sheet: SheetSpec, selected: boolean): Promise<CompressedSheet> {
  // The chunks go round: each made again once zlib has read it.
  const pool = new ChunkPool();
  return { ...sheetHeads(sheet), compressed: await deflateChunks(sheetXmlChunks(sheet, selected, true, pool), (chunk) => pool.give(chunk)) };
}

/** What a workbook needs to know of a compressed sheet besides its bytes. */
function sheetHeads(sheet: SheetSpec): Omit<CompressedSheet, 'compressed'> {
  return {
    name: sheet.name,
    ...(sheet.autoFilter ? { autoFilter: sheet.autoFilter } : {}),
    ...(sheet.print?.titleRows ? { titleRows: sheet.print.titleRows } : {}),
  };
}

/** A sheet's XML, deflated, for a workbook later; `selected`: it will be the first (active) sheet. */
export function compressSheet(sheet: SheetSpec, selected: boolean): CompressedSheet {
  return { ...sheetHeads(sheet), compressed: deflateEntry(sheetXml(sheet, selected)) };
}

const quoteSheet = (name: string) => `'${name.replace(/'/g, "''")}'`;

/**
 * The workbook's bytes. Sheet names must be unique, at most 31 characters, without []:*?/\.
 * Lists of values that cannot be written inline go, one column each, on a hidden sheet added
 * last (`lists`, or `lists2` … when that name is taken), and their cells refer to it.
 */
export function xlsxBytes(sheets: readonly SheetInput[], options: WorkbookOptions = {}): Buffer {
  return writeZip(workbookParts(withListSheet(sheets), options));
}

/** The same workbook's bytes as the pieces they are made of, in order (`writeZipParts`). */
export function xlsxParts(sheets: readonly SheetInput[], options: WorkbookOptions = {}): Uint8Array[] {
  return writeZipParts(workbookParts(withListSheet(sheets), options));
}

function withListSheet(sheets: readonly SheetInput[]): readonly SheetInput[] {
  const columns: (readonly string[])[] = [];
  let name = 'lists';
  for (let k = 2; sheets.some((s) => s.name === name); k++) name = `lists${k}`;
  const resolved = sheets.map((s): SheetInput => {
    if ('compressed' in s || !s.lists?.some((l) => 'values' in l && inlineList(l.values) === null)) return s;
    const lists = s.lists.map((l): ListSpec => {
      if (!('values' in l) || inlineList(l.values) !== null) return l;
      const { values, ...rest } = l;
      const col = columnLetter(columns.length);
      columns.push(values);
      return { ...rest, source: `${quoteSheet(name)}!$${col}$1:$${col}$${values.length}` };
    });
    return { ...s, lists };
  });
  if (!columns.length) return sheets;
  const height = Math.max(...columns.map((c) => c.length));
  const rows = Array.from({ length: height }, (_, r) => columns.map((c): Cell => (r < c.length ? { text: c[r]!, style: 'plain' } : null)));
  return [...resolved, { name, hidden: true, rows, columns: columns.map(() => ({ width: 20 })) }];
}

function workbookParts(sheets: readonly SheetInput[], options: WorkbookOptions): ZipFile[] {
  for (const s of sheets) {
    if (!s.name || s.name.length > 31 || /[[\]:*?/\\]/.test(s.name)) throw new Error(`not a valid sheet name: ${JSON.stringify(s.name)}`);
  }
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  // Per sheet: its auto-filter's range, and the rows printed at the top of every page.
  const names = sheets
    .map((s, i) => {
      const titleRows = 'compressed' in s ? s.titleRows : s.print?.titleRows;
      const sheet = escapeXml(quoteSheet(s.name));
      return (
        (s.autoFilter ? `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${sheet}!${s.autoFilter.replace(/([A-Z]+)(\d+)/g, '$$$1$$$2')}</definedName>` : '') +
        (titleRows ? `<definedName name="_xlnm.Print_Titles" localSheetId="${i}">${sheet}!$1:$${titleRows}</definedName>` : '')
      );
    })
    .join('');
  const workbook =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook ${ns}><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>` +
    sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}"${'hidden' in s && s.hidden ? ' state="hidden"' : ''} r:id="rId${i + 1}"/>`).join('') +
    `</sheets>${names ? `<definedNames>${names}</definedNames>` : ''}</workbook>`;
  const rel = (id: string, type: string, target: string) => `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/>`;
  const workbookRels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    sheets.map((_, i) => rel(`rId${i + 1}`, 'worksheet', `worksheets/sheet${i + 1}.xml`)).join('') +
    rel(`rId${sheets.length + 1}`, 'styles', 'styles.xml') +
    '</Relationships>';
  const rootRels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    rel('rId1', 'officeDocument', 'xl/workbook.xml') +
    '</Relationships>';
  const contentTypes =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>';
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  return [
    { name: '[Content_Types].xml', data: utf8(contentTypes) },
    { name: '_rels/.rels', data: utf8(rootRels) },
    { name: 'xl/workbook.xml', data: utf8(workbook) },
    { name: 'xl/_rels/workbook.xml.rels', data: utf8(workbookRels) },
    { name: 'xl/styles.xml', data: utf8(stylesXml(options.wanDecimals)) },
    ...sheets.map((s, i): ZipFile => {
      const name = `xl/worksheets/sheet${i + 1}.xml`;
      return 'compressed' in s ? { name, compressed: s.compressed } : { name, data: sheetXml(s, i === 0) };
    }),
  ];
}

/** Display width of a text in Excel's character units: CJK and full-width count two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return w;
}

/** How many rows (the header included) `fitWidths` reads by default. */
export const WIDTH_SAMPLE = 300;

/** The header and the rows `fitWidths` samples (WIDTH_SAMPLE in all), text columns neutralised as a `neutralise` column writes them. */
export function neutralisedSample(head: readonly Cell[], rows: RowSource<readonly string[]>, textColumn: readonly boolean[]): (readonly Cell[])[] {
  const sample: (readonly Cell[])[] = [head];
  for (let k = 0; k < Math.min(rows.length, WIDTH_SAMPLE - 1); k++) sample.push(rows.at(k)!.map((v, i) => (textColumn[i] ? neutraliseCell(v) : v)));
  return sample;
}

/** `rows` after `head`, read as `rows` is (an array's rows, or each made as it is read). */
export function withHead<T extends readonly unknown[]>(head: T, rows: RowSource<T>): RowSource<T> {
  const width = rows.width === undefined ? undefined : Math.max(rows.width, head.length);
  return { length: rows.length + 1, width, at: (i) => (i === 0 ? head : i > 0 ? rows.at(i - 1) : undefined) };
}

/** Column widths that fit the header and the first rows (up to `sample`), within [min, max]. */
export function fitWidths(rows: readonly (readonly Cell[])[], opts: { min?: number; max?: number; sample?: number } = {}): number[] {
  const min = opts.min ?? 6;
  const max = opts.max ?? 50;
  const widths: number[] = [];
  for (const row of rows.slice(0, opts.sample ?? WIDTH_SAMPLE)) {
    row.forEach((cell, c) => {
      if (cell === null) return;
      const text = typeof cell === 'string' ? cell : 'text' in cell ? cell.text : numberText(cell.number).length > 0 ? Number(cell.number).toLocaleString('en-US', { minimumFractionDigits: 2 }) : '';
      const longest = text.split('\n', 50).reduce((m, l) => Math.max(m, displayWidth(l.slice(0, 200))), 0);
      widths[c] = Math.max(widths[c] ?? min, Math.min(max, longest + 2));
    });
  }
  return Array.from({ length: widths.length }, (_, i) => widths[i] ?? min);
}
