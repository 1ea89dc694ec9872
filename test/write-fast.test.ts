/**
 * The write phase's shortcuts against the general paths they stand for: money from whole fen
 * against Decimal, scores as doubles against `toNumber`, limits' room in fen against Decimal, the
 * CSV encoded line by line against the text encoded whole, the sheet's neutralised columns against
 * rows neutralised first, the workbook in pieces against it joined, and the set written off the main
 * thread (bytes in pieces among them) against its failure.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { D, ZERO, fmtYuan } from '../src/money.js';
import { doublesOf, fenAmounts, fenText, fenYuan, limitRooms, yuanText } from '../src/report/fen.js';
import { csvField, excelCsvBytes, excelCsvChunks, neutraliseCell, toExcelCsv, writeOutputsAtomicallyAsync } from '../src/io/write.js';
import { sheetXml, xlsxBytes, xlsxParts, type Cell, type SheetSpec } from '../src/io/xlsx-write.js';
import { isSpace } from '../src/io/text.js';

const amounts = fc.oneof(
  fc.tuple(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.integer({ min: -4, max: 6 })).map(([m, e]) => new D(`${m}e${-e}`)),
  fc.constantFrom('0', '-0', '0.01', '-0.01', '0.005', '5', '90071992547409.91', '90071992547409.92', '1e-30', '123456789012345.67', '1e22', 'NaN', 'Infinity').map((s) => new D(s)),
);

describe('money from whole fen', () => {
  it('writes every amount as fmtYuan does', () => {
    fc.assert(fc.property(amounts, (x) => {
      expect(yuanText(x)).toBe(fmtYuan(x));
    }), { numRuns: 3000 });
    for (const f of [0, 1, 9, 10, 99, 100, 101, 123456789, 2 ** 53 - 1]) expect(fenText(f)).toBe(fmtYuan(new D(f).div(100)));
  });

  it('adds up in fen exactly what Decimal adds up, or declines', () => {
    fc.assert(
      fc.property(fc.array(fc.option(amounts, { nil: null }), { maxLength: 30 }), (xs) => {
        const fen = fenAmounts(xs);
        if (fen === null) return;
        const total = xs.reduce((s: typeof ZERO, x) => s.plus(x ?? ZERO), ZERO);
        expect(fenYuan(fen.reduce((s, f) => s + f, 0)).eq(total)).toBe(true);
        xs.forEach((x, i) => expect(fenYuan(fen[i]!).eq(x ?? ZERO)).toBe(true));
      }),
      { numRuns: 2000 },
    );
    expect(fenAmounts([new D('0.001')])).toBeNull();
    expect(fenAmounts([new D('-1')])).toBeNull();
    expect(fenAmounts([new D('50000000000000'), new D('50000000000000')])).toBeNull();
  });
});

describe('scores as doubles', () => {
  const scores = fc.oneof(
    amounts,
    fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 3 })).map(([m, e]) => new D(`${m}e${-e}`)),
    fc.constantFrom('0.1000000000000000055511151231257827', '0.1', '0.30000000000000001', '0.3', '79.1', '1e-7').map((s) => new D(s)),
  );
  it('are toNumber, and equal doubles of two short scores are equal scores', () => {
    fc.assert(
      fc.property(fc.array(scores, { minLength: 1, maxLength: 20 }), (xs) => {
        const { value, short } = doublesOf(xs);
        xs.forEach((x, i) => expect(Object.is(value[i], x.toNumber())).toBe(true));
        for (let i = 0; i < xs.length; i++) {
          for (let j = 0; j < xs.length; j++) if (short[i] && short[j] && value[i] === value[j]) expect(xs[i]!.eq(xs[j]!)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    const { short } = doublesOf([new D('0.1000000000000000055511151231257827'), new D('0.1')]);
    expect([...short]).toEqual([0, 1]);
  });
});

describe("limits' room in fen", () => {
  it('binds and orders as Decimal does', () => {
    const limit = fc.record({ sense: fc.constantFrom('max' as const, 'min' as const), amount: amounts, used: amounts });
    fc.assert(
      fc.property(fc.array(limit, { maxLength: 10 }), fc.constantFrom('100', '0.01', '1', '0.005'), (ls, g) => {
        const granularity = new D(g);
        const finite = ls.filter((l) => l.amount.isFinite() && l.used.isFinite());
        const { room, binding } = limitRooms(finite, finite.map((l) => l.used), granularity);
        finite.forEach((l, k) => {
          const r = l.sense === 'max' ? l.amount.minus(l.used) : l.used.minus(l.amount);
          expect(room[k]! + 0).toBe(r.toNumber() + 0); // −0 and 0 order alike
          expect(binding[k]).toBe(r.lt(granularity) ? 1 : 0);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('CSV bytes made line by line', () => {
  const field = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', '中', ',', '"', '\r', '\n', '=', '-', '+', '@', '\t', '1', '.', ' ', '😀', '\ud800') , maxLength: 12 }),
    fc.constantFrom('', '-12.50', '-1', "'=x", 'a\r\nb'),
  );
  it('quote a field as the regular expression it replaced did', () => {
    fc.assert(fc.property(field, (s) => {
      expect(csvField(s)).toBe(/[",]|\r\n/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    }), { numRuns: 3000 });
  });

  it('are the bytes of toExcelCsv, with their SHA-256, across chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { maxLength: 40 }), (rows) => {
        const want = Buffer.from(toExcelCsv(['a', 'b', 'c'], rows), 'utf8');
        const got = excelCsvBytes(['a', 'b', 'c'], rows);
        expect(Buffer.compare(got.bytes, want)).toBe(0);
        expect(got.sha256).toBe(createHash('sha256').update(want).digest('hex'));
      }),
      { numRuns: 300 },
    );
    // Lines past one chunk (1 MiB), and a single line longer than a chunk.
    const rows = Array.from({ length: 40_000 }, (_, i) => [`P${i}`, '中文名称，"引号"', '=1+1']);
    rows.push(['x'.repeat(1_500_000), '中'.repeat(600_000), '']);
    const want = Buffer.from(toExcelCsv(['a', 'b', 'c'], rows), 'utf8');
    expect(Buffer.compare(excelCsvBytes(['a', 'b', 'c'], rows).bytes, want)).toBe(0);
    // The first rows' bytes per character far below the rest's: the buffer sized from them grows.
    const growing = [...Array.from({ length: 1000 }, () => ['a', '', '1']), ...Array.from({ length: 3000 }, (_, i) => ['中'.repeat(50), `"${i}"`, '😀,'])];
    expect(Buffer.compare(excelCsvBytes(['a', 'b', 'c'], growing).bytes, Buffer.from(toExcelCsv(['a', 'b', 'c'], growing), 'utf8'))).toBe(0);
  });

  it('are the same bytes a chunk at a time, each chunk copied before the next is made in its memory', () => {
    const chunked = (rows: readonly (readonly string[])[]) => {
      const pieces: Buffer[] = [];
      excelCsvChunks(['a', 'b', 'c'], rows, (chunk) => void pieces.push(Buffer.from(chunk)));
      return pieces;
    };
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { maxLength: 40 }), (rows) => {
        expect(Buffer.compare(Buffer.concat(chunked(rows)), Buffer.from(toExcelCsv(['a', 'b', 'c'], rows), 'utf8'))).toBe(0);
      }),
      { numRuns: 300 },
    );
    // Many chunks, and a line longer than a chunk between them.
    const rows = Array.from({ length: 60_000 }, (_, i) => [`P${i}`, '中文名称，"引号"', '=1+1']);
    rows.splice(30_000, 0, ['x'.repeat(1_500_000), '中'.repeat(600_000), '']);
    const pieces = chunked(rows);
    expect(pieces.length).toBeGreaterThan(2);
    expect(Buffer.compare(Buffer.concat(pieces), excelCsvBytes(['a', 'b', 'c'], rows).bytes)).toBe(0);
  });
});

const sheet = (rs: readonly (readonly string[])[], neutralise: boolean): SheetSpec => ({
  name: 's',
  rows: rs,
  columns: [{ width: 10, neutralise }, { width: 10, numeric: true }, { width: 10, neutralise }],
});

describe("a sheet's neutralised columns", () => {
  it('write the bytes of rows neutralised first', () => {
    const rows = [['=SUM(A1)', '12.5', '-3'], ['@x', '-1', '+y'], ['plain', '', '\tz']];
    const first = rows.map((r) => r.map((v, i) => (i === 1 ? v : neutraliseCell(v))));
    expect(Buffer.compare(xlsxBytes([sheet(rows, true)]), xlsxBytes([sheet(first, false)]))).toBe(0);
  });
});

describe("a sheet's cells written as bytes", () => {
  const unit = fc.constantFrom('a', '中', ',', '"', '&', '<', '>', "'", '_', 'x', '0', 'F', '\r', '\n', '\t', '\u0001', '=', '-', '+', '@', '.', ' ', '\u3000', '\u00a0', '😀', '\ud800', '\udc00', '\ufffe', '\uffff', '\ufffd', 'é');
  const text = fc.oneof(fc.string({ unit, maxLength: 12 }), fc.constantFrom('', '-12.50', '-1', '12', '0.5', '1e5', ' 7 ', '-', '.5', '5.', '1.2.3', '_x0041_', 'a_x00zz_'));
  const cell: fc.Arbitrary<Cell> = fc.oneof(text, text, text, fc.constant(null), text.map((t) => ({ text: t })), fc.constantFrom('0', '-3.25', '12').map((v) => ({ number: v, style: 'yuan' as const })));
  const spec = (rows: (readonly Cell[])[]): SheetSpec => ({
    name: 's',
    rows,
    columns: [{ width: 10, neutralise: true }, { width: 10, numeric: true }, { width: 10 }, { width: 10, style: 'id', neutralise: true }],
  });
  const xml = (s: SheetSpec, bytes: boolean): Buffer | string => {
    try {
      return sheetXml(s, false, bytes);
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('are the bytes of the rows made as text, or the same refusal', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 12 }), (rows) => {
        const s = spec(rows);
        expect(xml(s, true)).toEqual(xml(s, false));
      }),
      { numRuns: 600 },
    );
    // Rows past one chunk, and a cell longer than a chunk.
    const rows: string[][] = Array.from({ length: 8_000 }, (_, i) => [`P${i} "中" & <b>`, String(i * 3.5), ' 项目 ', '=x']);
    rows.push(['中'.repeat(700_000), '1', 'x'.repeat(1_200_000), '']);
    expect(Buffer.compare(sheetXml(spec(rows), false, true), sheetXml(spec(rows), false, false))).toBe(0);
  });

  it('keep edge spaces where \\s says a text has them', () => {
    const wrong: number[] = [];
    for (let c = 0; c < 0x10000; c++) if (isSpace(c) !== /\s/.test(String.fromCharCode(c))) wrong.push(c);
    expect(wrong).toEqual([]);
  });
});

describe('a set written off the main thread', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const folder = () => {
    const d = mkdtempSync(join(tmpdir(), 'fundplan-async-'));
    dirs.push(d);
    return d;
  };

  it('writes every file as it comes, the record last with their SHA-256', async () => {
    const dir = folder();
    let release!: (v: { content: string }) => void;
    const later = new Promise<{ content: string }>((r) => (release = r));
    const done = writeOutputsAtomicallyAsync(dir, [
      { name: 'a.csv', pending: later },
      { name: 'b.txt', content: new Uint8Array([98]) },
      { name: 'r.json', commit: (files) => JSON.stringify(files) },
    ]);
    setTimeout(() => release({ content: 'a' }), 20);
    expect(await done).toEqual(['a.csv', 'b.txt', 'r.json'].map((n) => join(dir, n)));
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'b.txt', 'r.json']);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toEqual({ 'a.csv': sha('a'), 'b.txt': sha('b') });
  });

  it('writes bytes given in pieces as those pieces joined, hashed as joined', async () => {
    const dir = folder();
    const book = xlsxParts([sheet([['=x', '1', 'y'], ['项目', '2', '']], true)]);
    const joined = xlsxBytes([sheet([['=x', '1', 'y'], ['项目', '2', '']], true)]);
    expect(Buffer.compare(Buffer.concat(book), joined)).toBe(0);
    expect(book.length).toBeGreaterThan(1);
    await writeOutputsAtomicallyAsync(dir, [
      { name: 'book.xlsx', pending: Promise.resolve({ content: book }) },
      { name: 'empty.bin', content: [new Uint8Array(0), Buffer.from('ab'), new Uint8Array(0), Buffer.from('c')] },
      { name: 'r.json', commit: (files) => JSON.stringify(files) },
    ]);
    expect(readFileSync(join(dir, 'book.xlsx')).equals(joined)).toBe(true);
    expect(readFileSync(join(dir, 'empty.bin'), 'utf8')).toBe('abc');
    const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toEqual({ 'book.xlsx': sha(joined), 'empty.bin': sha('abc') });
  });

  it('writes a streamed file as it is made, hashed as written', async () => {
    const dir = folder();
    // Past one chunk (1 MiB): the chunk's memory is used again once its bytes are written.
    const rows = Array.from({ length: 120_000 }, (_, i) => [`P${i}`, '项目', String(i)]);
    await writeOutputsAtomicallyAsync(dir, [
      { name: 'a.csv', stream: (put) => excelCsvChunks(['a', 'b', 'c'], rows, put) },
      { name: 'none.csv', stream: () => undefined },
      { name: 'r.json', commit: (files) => JSON.stringify(files) },
    ]);
    const want = excelCsvBytes(['a', 'b', 'c'], rows);
    expect(readFileSync(join(dir, 'a.csv')).equals(want.bytes)).toBe(true);
    expect(readFileSync(join(dir, 'none.csv')).length).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toEqual({ 'a.csv': want.sha256, 'none.csv': createHash('sha256').digest('hex') });
  });

  it('renames nothing and leaves no hidden folder when a streamed file fails part way', async () => {
    const dir = folder();
    await expect(
      writeOutputsAtomicallyAsync(dir, [
        { name: 'ok.csv', content: 'fine' },
        {
          name: 'bad.csv',
          stream: (put) => {
            put(Buffer.from('a first piece'));
            throw new Error('formatting failed');
          },
        },
        { name: 'r.json', commit: () => '{}' },
      ]),
    ).rejects.toThrow('formatting failed');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('renames nothing and leaves no hidden folder when a file fails, after the others finish', async () => {
    const dir = folder();
    let finished = false;
    const slow = new Promise<{ content: string }>((r) => setTimeout(() => ((finished = true), r({ content: 'late' })), 30));
    await expect(
      writeOutputsAtomicallyAsync(dir, [
        { name: 'bad.csv', pending: Promise.reject(new Error('formatting failed')) },
        { name: 'slow.csv', pending: slow },
        { name: 'r.json', commit: () => '{}' },
      ]),
    ).rejects.toThrow('formatting failed');
    expect(finished).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'slow.csv'))).toBe(false);
  });
});
