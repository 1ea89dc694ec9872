/**
 * Hostile and broken applications files: each gets a clean InputError or a correct result,
 * never another exception, a hang or memory beyond the stated bounds. Every bound is proved
 * here at a small scale with the same code path (the 1,000,000-row, 50 MB and 1 GiB cases are
 * in bench/read-bench.ts), and a fast-check fuzz mutates real files: the bundled CSV and two
 * workbooks, byte by byte and, inside the ZIP, XML by XML (re-zipped with valid CRCs, so the
 * mutations reach the XML scanner and the table instead of stopping at the checksum).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { readApplicationsFile } from '../src/io/applications.js';
import { readXlsxTable } from '../src/io/xlsx.js';
import { READ_LIMITS, type ReadLimits } from '../src/io/bounds.js';
import { InputError, formatIssue } from '../src/errors.js';
import { readZipDirectory, readZipEntry, writeZip } from '../src/io/zip.js';
import { xlsxBytes } from '../src/io/xlsx-write.js';
import { CODES, districtWorkbook, issuesOf, workbookBytes } from './helpers/workbooks.js';
import { withZipBomb } from '../scripts/hostile-files.js';

const DEMO = new Uint8Array(readFileSync(fileURLToPath(new URL('../scenarios/shenzhen-2019/applications.csv', import.meta.url))));
const HEADER12 = ['项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度', '总投资（万元）', '核定基数（万元）', '申请金额（万元）', '上级资助（万元）', '评审得分'];
const line = (i: number) => [`P-${i}`, '项目', CODES[0]!, '企业', '南山区', '应用项目', '2019', '100', '', '', '', '80'];
const small = (over: Partial<ReadLimits>): ReadLimits => ({ ...READ_LIMITS, ...over });
const messages = (f: () => unknown) => issuesOf(f).map(formatIssue);

/** The ZIP's entries, inflated. */
function unzip(bytes: Uint8Array): { name: string; data: Buffer }[] {
  const dir = readZipDirectory(bytes, 1000);
  return [...dir.values()].map((e) => ({ name: e.name, data: readZipEntry(bytes, e, 1 << 30) }));
}
const sheetEntry = (files: { name: string }[]) => files.findIndex((f) => /worksheets\/sheet1\.xml$/.test(f.name));

/**
 * Read, and check the outcome is one of the two allowed: records that satisfy every invariant
 * of a record, or an InputError whose issues all name the file and say what was expected.
 */
function readsCleanly(bytes: Uint8Array, file: string, limits?: ReadLimits): 'records' | 'refused' {
  const t = performance.now();
  try {
    const r = readApplicationsFile(bytes, file, { limits });
    for (const rec of r.records) {
      expect(rec.projectId).not.toBe('');
      expect(Number.isInteger(rec.year) && rec.year >= 1000 && rec.year <= 9999).toBe(true);
      expect(rec.score.gte(0) && rec.score.lte(100)).toBe(true);
      for (const a of [rec.totalInvestment, rec.eligibleBase, rec.requested, rec.upperFunding]) {
        if (a !== null) expect(a.gte(0) && a.times(100).isInteger()).toBe(true);
      }
    }
    return 'records';
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`not an InputError: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.issues.length).toBeGreaterThan(0);
    for (const i of e.issues) {
      expect(i.file).toBe(file);
      expect(i.expected.length).toBeGreaterThan(0);
      expect(i.found.length).toBeGreaterThan(0);
    }
    return 'refused';
  } finally {
    expect(performance.now() - t).toBeLessThan(5_000);
  }
}

// ---------------------------------------------------------------------------------------
type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number; to: number };

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4096 }), to: fc.nat() }),
);

function mutate(input: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Buffer.from(input);
  for (const m of ms) {
    const n = b.length || 1;
    const at = m.at % n;
    if (m.kind === 'flip') {
      b = Buffer.from(b);
      if (b.length) b[at] = m.byte;
    } else if (m.kind === 'truncate') b = b.subarray(0, at);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    else b = Buffer.concat([b.subarray(0, m.to % n), b.subarray(at, at + m.length), b.subarray(m.to % n)]);
  }
  return new Uint8Array(b);
}

/** Text that breaks XML, CSV and the table in interesting ways. */
const TOKENS = [
  '<', '>', '&', '"', "'", '</row>', '<row>', '<row r="1">', '<row r="-3">', '<c r="ZZZ9">', '<c r="A1" t="s"><v>99999</v></c>', '<c t="e"><v>#N/A</v></c>',
  '<v>1e309</v>', '<v>-1</v>', '<v>NaN</v>', '<c r="XFD1"><v>1</v></c>', '&#0;', '&#xD800;', '&bogus;', '<!DOCTYPE x [<!ENTITY a "b">]>', '<![CDATA[', ']]>', '<!--', '<?x',
  '<mergeCell ref="A1:XFD1048576"/>', '<mergeCell ref="B2:A1"/>', 't="inlineStr"', 's="9999"', '<f>SUM(A1)</f>', '_x0000_', '\u0000', '\r\n', '\n', ',', '""', '"\n"',
  '合计', '小计', '9.14403E+17', '１２３４．５', '1,234.5万元', '-5', '100%', '项目编号,项目名称', '\uFEFF', '\u3000', '𠀀',
];
const textMutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 2000 }), to: fc.nat() }),
);
function mutateText(s: string, ms: readonly { kind: string; at: number; text?: string; length?: number; to?: number }[]): string {
  let t = s;
  for (const m of ms) {
    const n = t.length || 1;
    const at = m.at % n;
    if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.length!);
    else t = t.slice(0, m.to! % n) + t.slice(at, at + m.length!) + t.slice(m.to! % n);
  }
  return t;
}

describe('fuzz: mutated real files give records or a clean InputError, never anything else', () => {
  let district: Uint8Array;
  let demoBook: Uint8Array;
  const seeds = async () => {
    district ??= await workbookBytes((wb) => districtWorkbook(wb));
    if (!demoBook) {
      // The bundled CSV as a workbook written by exceljs (shared strings), every cell as text.
      const rows = Buffer.from(DEMO).toString('utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
      demoBook = await workbookBytes((wb) => {
        const ws = wb.addWorksheet('申报');
        for (const r of rows) ws.addRow(r);
      });
    }
  };

  it('the seeds themselves read', async () => {
    await seeds();
    expect(readsCleanly(DEMO, 'demo.csv')).toBe('records');
    expect(readsCleanly(district, 'district.xlsx')).toBe('records');
    expect(readApplicationsFile(demoBook, 'demo.xlsx').records).toHaveLength(readApplicationsFile(DEMO, 'demo.csv').records.length);
  });

  it('byte mutations of the bundled CSV', () => {
    const outcomes = new Set<string>();
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => void outcomes.add(readsCleanly(mutate(DEMO, ms), 'demo.csv'))), { numRuns: 250, seed: 7 });
    expect(outcomes).toEqual(new Set(['records', 'refused']));
  });

  it('text mutations of the bundled CSV (quotes, line breaks, totals, ids, NULs)', () => {
    const text = Buffer.from(DEMO).toString('utf8');
    fc.assert(fc.property(fc.array(textMutation, { minLength: 1, maxLength: 5 }), (ms) => void readsCleanly(new Uint8Array(Buffer.from(mutateText(text, ms), 'utf8')), 'demo.csv')), { numRuns: 120, seed: 8 });
  });

  it('byte mutations of two workbooks (the ZIP layer: truncation, damage, CRC)', async () => {
    await seeds();
    fc.assert(fc.property(fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (which, ms) => void readsCleanly(mutate(which ? district : demoBook, ms), 'book.xlsx')), { numRuns: 150, seed: 9 });
  });

  it('XML mutations inside the workbooks, re-zipped with valid CRCs (the XML scanner and the table)', async () => {
    await seeds();
    const books = [unzip(district), unzip(demoBook)];
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.array(textMutation, { minLength: 1, maxLength: 4 }), (which, pick, ms) => {
        const files = books[which ? 0 : 1]!;
        // Mostly the sheet; sometimes shared strings, styles, workbook or relationships.
        const i = pick % 3 === 0 ? pick % files.length : sheetEntry(files);
        const mutated = files.map((f, k) => (k === i ? { name: f.name, data: Buffer.from(mutateText(f.data.toString('utf8'), ms), 'utf8') } : f));
        outcomes.add(readsCleanly(writeZip(mutated), 'book.xlsx'));
      }),
      { numRuns: 200, seed: 10 },
    );
    expect(outcomes).toEqual(new Set(['records', 'refused']));
  });

  it('rows read from the sheet bytes (scanSheetData) are the rows the XML scanner reads: tables and refusals alike', async () => {
    await seeds();
    // The same sheet with `<sheetData >`: the scanner reads it all (the bytes' reader takes only `<sheetData>`).
    const outcome = (files: { name: string; data: Buffer }[], i: number, xml: string) => {
      try {
        const read = readXlsxTable(writeZip(files.map((f, k) => (k === i ? { name: f.name, data: Buffer.from(xml, 'utf8') } : f))), 'book.xlsx', { limits: READ_LIMITS });
        // The unreadable cells' Maps with their entries.
        return JSON.stringify(read, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        // Where the scanner found the damage is one character later in the sheet with `<sheetData >`.
        return JSON.stringify(e.issues).replace(/at character \d+/g, 'at character …');
      }
    };
    // Formulas with and without values, inline strings, self-closing cells and rows, white space between them.
    const plain = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['a', 1, { formula: 'B1*2', result: 2 }, { formula: 'B1+1' }, '', 'x&y<z']);
      ws.addRow([]);
      ws.addRow(['b', 2.5, new Date(Date.UTC(2019, 0, 2))]);
    });
    const inline = xlsxBytes([{ name: 'S', columns: [], rows: [HEADER12, line(1), line(2)] as never }]);
    const books = [unzip(district), unzip(demoBook), unzip(plain), unzip(inline)];
    const pretty = (xml: string) => xml.replace(/<(row|c)\b/g, '\n  <$1').replace(/<\/(row)>/g, '\n</$1>');
    for (const files of books) {
      const i = sheetEntry(files);
      const xml = files[i]!.data.toString('utf8');
      expect(xml).toContain('<sheetData>');
      for (const x of [xml, pretty(xml)]) expect(outcome(files, i, x)).toBe(outcome(files, i, x.replace('<sheetData>', '<sheetData >')));
    }
    // Rows that are not written the plain way, and what comes before them leaving the reader
    // collecting text: each read as the scanner reads it (shared strings of the demo workbook).
    const demo = books[1]!;
    const at = sheetEntry(demo);
    const sheet = (before: string, rows: string, after = '</sheetData></worksheet>') => `<?xml version="1.0"?><worksheet>${before}<sheetData>${rows}${after}`;
    const cases = [
      sheet('', '<row r="1"><c/ r="B1" t="inlineStr"><is><t>x</t></is></c></row>'),
      sheet('', '<row r="1"><c//><c t="inlineStr"><is><t>x</t></is></c></row>'),
      sheet('', '<row r="1"><c r="A1"><v>1</v></c></row><row/ r="5"><c r="A5"><v>2</v></c></row>'),
      sheet('', '<row r="1"><c r="A1"><f/ ></f></c></row>'),
      sheet('<is><t>', '<row r="1"><c r="A1" t="inlineStr"> <v>5</v></c></row>'),
      sheet('<is><t><rPh>', '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'),
      sheet('', '<row r="1"><c r="A1" t="s"><v>1</v></c></row>', '</sheetData><sheetData><v>2</v></c></worksheet>'),
      sheet('', '<row r="1"><c r="A1" t="s"><v>99999999</v></c><c r="B1" t="s"><v>007</v></c><c r="C1" s="1a"><v>3</v></c></row><row r="2a"><c><v>4</v></c></row>'),
      sheet('', '<row r="1"><c r="A1" x=" t=\'s\'" t="n"><v>1</v></c><c r="b1" t="e"><v>#N/A</v></c><c r="AAAA1"><v>2</v></c></row>'),
    ];
    for (const x of cases) expect(outcome(demo, at, x), x).toBe(outcome(demo, at, x.replace('<sheetData>', '<sheetData >')));
    fc.assert(
      fc.property(fc.nat(), fc.array(textMutation, { minLength: 1, maxLength: 4 }), (pick, ms) => {
        const files = books[pick % books.length]!;
        const i = sheetEntry(files);
        const xml = mutateText(files[i]!.data.toString('utf8'), ms);
        expect(outcome(files, i, xml)).toBe(outcome(files, i, xml.replace('<sheetData>', '<sheetData >')));
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('random bytes, whatever they are named', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom('x.csv', 'x.xlsx', 'x'), (b, name) => {
      expect(readsCleanly(b, name)).toBe('refused');
    }), { numRuns: 200, seed: 11 });
  });
});

// ---------------------------------------------------------------------------------------
describe('each refusal, with its message', () => {
  const book = (rows: unknown[][]) => xlsxBytes([{ name: 'S', columns: [], rows: rows as never }]);

  it('a file over the size bound is refused before it is read (default 64 MiB: checked on a real 64 MiB + 1 buffer)', () => {
    const big = new Uint8Array(READ_LIMITS.maxFileBytes + 1).fill(0x61);
    const t = performance.now();
    expect(messages(() => readApplicationsFile(big, 'huge.csv'))).toEqual(['huge.csv: expected an applications file of at most 64.0 MiB, found 64.0 MiB (split it, or remove unused sheets and images)']);
    expect(performance.now() - t).toBeLessThan(50);
  });

  it('more rows than the bound, CSV and xlsx, counted while reading (a 1,000,000-row file at 1/1000 scale)', () => {
    const limits = small({ maxRows: 1000 });
    const rows = Array.from({ length: 1000 }, (_, i) => line(i));
    const csv = new Uint8Array(Buffer.from([HEADER12, ...rows].map((r) => r.join(',')).join('\n'), 'utf8'));
    expect(readApplicationsFile(csv, 'ok.csv', { limits: small({ maxRows: 1001 }) }).records).toHaveLength(1000);
    expect(messages(() => readApplicationsFile(csv, 'big.csv', { limits }))).toEqual(['big.csv:1001: expected at most 1,000 rows, found more (the file goes on past row 1,000)']);
    const xlsx = book([HEADER12, ...rows]);
    expect(messages(() => readApplicationsFile(xlsx, 'big.xlsx', { limits }))).toEqual(['big.xlsx:1001: expected at most 1,000 rows in a sheet, found more (row 1001 is the 1,001th with a value)']);
  });

  it('a value beyond the column bound', () => {
    const wide = [...line(1), ...Array(140).fill(''), 'stray'];
    expect(messages(() => readApplicationsFile(new Uint8Array(Buffer.from([HEADER12.join(','), wide.join(',')].join('\n'))), 'w.csv'))).toEqual(['w.csv:2: expected values in the first 100 columns only, found a value in column 153']);
    expect(messages(() => readApplicationsFile(book([HEADER12, wide]), 'w.xlsx'))).toEqual(['w.xlsx:2: expected values in the first 100 columns only, found a value in column 153']);
  });

  it('a quote that never closes: its row, and the record-size bound keeps it from swallowing a huge file', () => {
    const text = [HEADER12.join(','), line(1).join(','), `P-2,"never closed,${'x,'.repeat(2000)}`].join('\n');
    expect(messages(() => readApplicationsFile(new Uint8Array(Buffer.from(text)), 'q.csv'))).toEqual(['q.csv:3: expected well-formed CSV, found a quote that is never closed']);
    expect(messages(() => readApplicationsFile(new Uint8Array(Buffer.from(text)), 'q.csv', { limits: small({ maxRecordChars: 1000 }) }))).toEqual([
      'q.csv:3: expected well-formed CSV, found a record longer than 1,000 characters (a quote that is never closed?)',
    ]);
  });

  it('NUL bytes, a binary file renamed .csv, a legacy .xls, a Word document, an encrypted entry', () => {
    const head = Buffer.from(HEADER12.join(',') + '\n');
    const nul = new Uint8Array([...head, 0x50, 0x00, 0x31]);
    expect(messages(() => readApplicationsFile(nul, 'nul.csv'))).toEqual([`nul.csv: expected a CSV text file in UTF-8 or GB18030, found a binary file (NUL byte at offset ${head.length + 1})`]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(messages(() => readApplicationsFile(png, 'photo.csv'))).toEqual(['photo.csv: expected a CSV text file in UTF-8 or GB18030, found a binary file (NUL byte at offset 8)']);
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(messages(() => readApplicationsFile(xls, 'old.xls'))[0]).toContain('a legacy .xls workbook or a password-protected one: open it in Excel and save it as .xlsx');
    const docx = writeZip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }]);
    expect(messages(() => readApplicationsFile(docx, 'letter.xlsx'))).toEqual([
      'letter.xlsx: expected an .xlsx workbook, found a Word document, not a workbook (no xl/workbook.xml; entries: [Content_Types].xml, word/document.xml)',
    ]);
    const enc = Buffer.from(book([HEADER12, line(1)]));
    for (let o = 0; o + 4 <= enc.length; o++) if (enc.readUInt32LE(o) === 0x02014b50) enc.writeUInt16LE(enc.readUInt16LE(o + 8) | 1, o + 8);
    expect(messages(() => readApplicationsFile(enc, 'locked.xlsx'))[0]).toMatch(/^locked\.xlsx: expected an \.xlsx workbook, found an encrypted ZIP entry \(.*\): save the workbook without a password$/);
  });

  it('a truncated workbook', () => {
    const bytes = book([HEADER12, line(1)]);
    for (const cut of [10, Math.floor(bytes.length / 2), bytes.length - 10]) {
      expect(messages(() => readApplicationsFile(bytes.subarray(0, cut), 'cut.xlsx'))[0]).toMatch(/^cut\.xlsx: expected an \.xlsx workbook, found a truncated or damaged ZIP/);
    }
  });

  it('a ZIP bomb is refused after at most the inflation budget, whether its sizes are honest or lie', () => {
    // 1 GiB of zeros in about 1 MiB, in place of the sheet, its directory claiming 100 bytes.
    const files = unzip(book([HEADER12, line(1)]));
    const patched = withZipBomb(writeZip(files), { entry: 'sheet1.xml', mib: 1024, declared: 100 });
    const limits = small({ maxInflatedBytes: 8 << 20 });
    const t = performance.now();
    expect(messages(() => readApplicationsFile(patched, 'bomb.xlsx', { limits }))).toEqual([
      'bomb.xlsx: expected an .xlsx workbook whose parts inflate to at most 8.0 MiB together, found xl/worksheets/sheet1.xml inflating past that (a ZIP bomb, or a workbook too large to read: save it as CSV or split it)',
    ]);
    expect(performance.now() - t).toBeLessThan(2_000);
    // An honest declaration is refused before anything is inflated.
    const padded = files.map((f) => (f.name.endsWith('sheet1.xml') ? { name: f.name, data: Buffer.concat([f.data, Buffer.alloc(9 << 20, 0x20)]) } : f));
    expect(messages(() => readApplicationsFile(writeZip(padded), 'big.xlsx', { limits }))[0]).toContain('found xl/worksheets/sheet1.xml declaring 9.0 MiB');
  });

  it('XML entity definitions, overlapping merged ranges, a shared string the workbook lacks', () => {
    const files = unzip(book([HEADER12, ...Array.from({ length: 20 }, (_, k) => line(k + 1))]));
    const i = sheetEntry(files);
    const withXml = (f: (xml: string) => string) =>
      writeZip(files.map((x, k) => (k === i ? { name: x.name, data: Buffer.from(f(x.data.toString('utf8'))) } : x)));
    expect(messages(() => readApplicationsFile(withXml((x) => x.replace('<worksheet', '<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet')), 'dtd.xlsx'))[0]).toContain(
      'found a damaged workbook (xl/worksheets/sheet1.xml: a DOCTYPE or other declaration (not allowed in a workbook) at character',
    );
    const merges = '<mergeCells>' + Array.from({ length: 50 }, () => '<mergeCell ref="B2:B3000"/>').join('') + '</mergeCells>';
    expect(messages(() => readApplicationsFile(withXml((x) => x.replace('</sheetData>', `</sheetData>${merges}`)), 'merge.xlsx'))[0]).toContain('expected merged ranges that do not overlap');
    expect(messages(() => readApplicationsFile(withXml((x) => x.replace('t="inlineStr"><is><t>P-1</t></is>', 't="s"><v>7</v>')), 'sst.xlsx'))).toEqual([
      'sst.xlsx:2:项目编号: expected a value for project_id, found a reference to shared string "7", which the workbook lacks (a damaged file)',
    ]);
  });

  it('an exceljs workbook with an image and a second, empty sheet still reads (parts not needed are not inflated)', async () => {
    const bytes = await workbookBytes((wb: ExcelJS.Workbook) => {
      const ws = wb.addWorksheet('申报');
      ws.addRow(HEADER12);
      ws.addRow(line(1));
      wb.addWorksheet('empty');
      const img = wb.addImage({ buffer: Buffer.alloc(2048, 7) as unknown as ExcelJS.Buffer, extension: 'png' });
      ws.addImage(img, 'N1:P4');
    });
    expect(readApplicationsFile(bytes, 'img.xlsx').records).toHaveLength(1);
  });
});
