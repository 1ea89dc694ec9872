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
import { attrsOf, scanXml, unescapeXml, XmlError, type XmlHandler } from './xml.js';
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
  let c = 0;
  let i = 0;
  for (; i < ref.length && i < 4; i++) {
    const ch = ref.charCodeAt(i) & ~32; // upper case
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
  const reader = new SheetReader(file, limits, shared, styleKinds, date1904);
  parsed(chosen.part!, () => {
    for (let pos = 0; pos < sheetBytes.length; ) {
      let end = Math.min(sheetBytes.length, pos + CHUNK_BYTES);
      if (end < sheetBytes.length) {
        // Cut after a `</row>` (or at least after a tag) so that no token spans two chunks.
        const row = sheetBytes.lastIndexOf('row>', end - 1);
        const cut = row > pos ? row + 4 : sheetBytes.lastIndexOf('>', end - 1) + 1;
        if (cut <= pos) fail(`a damaged workbook (${chosen!.part}: no tag within ${fmtBytes(CHUNK_BYTES)})`);
        end = cut;
      }
      scanXml(sheetBytes.toString('utf8', pos, end), reader);
      pos = end;
    }
  });
  return { table: reader.table(), sheet: chosen.name, warnings };
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
      case 'row': {
        if (!this.inData) return;
        const r = Number(attrValue(attrs, 'r'));
        this.rowNumber = Number.isInteger(r) && r > 0 ? r : this.rowNumber + 1;
        this.cells = [];
        this.unreadable = null;
        this.col = -1;
        return; // a self-closing row is ended by close()
      }
      case 'c': {
        if (!this.inData) return;
        // r, s and t of every cell: read without building an attribute object (the hot path).
        const r = attrValue(attrs, 'r');
        const col = r === undefined ? -1 : columnOf(r);
        this.col = col >= 0 ? col : this.col + 1;
        this.type = attrValue(attrs, 't') ?? 'n';
        this.style = Number(attrValue(attrs, 's') ?? 0) || 0;
        this.hasFormula = false;
        this.value = null;
        this.inline = null;
        return; // a self-closing cell is ended by close()
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
        const s = this.shared[Number(v)];
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
