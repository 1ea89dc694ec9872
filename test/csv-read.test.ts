/**
 * The CSV reader's own pass against csv-parse: wherever it reads a text itself, the records are
 * csv-parse's (same options); where it declines, csv-parse reads it. Random texts over the
 * characters that matter (quotes, every line break, delimiters, wide and astral characters, a
 * lone surrogate), and the files fundplan's generators write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvParse, FieldTexts, hasValue, recordAt, scanRecords, type CsvReadOptions } from '../src/io/csv-read.js';
import { decodeText, utf8Text } from '../src/io/text.js';

/** A text's UTF-8 bytes, as the reader reads it; null for a text with a lone surrogate (it has none). */
const utf8 = (text: string): Buffer | null => ((text as string & { isWellFormed(): boolean }).isWellFormed() ? Buffer.from(text, 'utf8') : null);

/**
 * The records of plainly well-formed text as the reader's fast path reads them, or null where
 * csv-parse must read it; each field made afresh, or with `shared` through `FieldTexts` as the
 * reader does.
 */
function fastRecords(text: string, options: CsvReadOptions, shared = false): string[][] | null {
  const out: string[][] = [];
  const delim = options.delimiter.charCodeAt(0);
  const bytes = utf8(text);
  if (bytes === null) return null;
  const texts = shared ? new FieldTexts(bytes) : null;
  return scanRecords(bytes, options, (_last, start, brk) => void out.push(recordAt(bytes, delim, start, brk, texts))) ? out : null;
}

/** What the reader gets: the fast pass where it answers, else csv-parse (its CsvError on a malformed file). */
const readCsvRecords = (text: string, options: Parameters<typeof csvParse>[1]): string[][] => fastRecords(text, options) ?? csvParse(text, options);
import { generateApplications, mulberry32, toCsv } from '../scripts/synthetic.js';
import { provinceApplications } from '../scripts/families.js';

const CHARS = ['a', 'b', ' ', '中', ',', ';', '\t', '"', '"', '\r', '\n', '\r\n', '\uFEFF', '😀', '\uD800', "'", '='];

function oracle(text: string, options: Parameters<typeof csvParse>[1]): { records: string[][] } | { error: string } {
  try {
    return { records: csvParse(text, options) };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

describe('CSV reading', () => {
  it('reads every text it accepts exactly as csv-parse does', () => {
    let taken = 0;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CHARS), { maxLength: 40 }).map((xs) => xs.join('')),
        fc.constantFrom(',', '\t', ';'),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 8 }),
        (text, delimiter, maxRecordSize, to) => {
          const options = { delimiter, maxRecordSize, to };
          const fast = fastRecords(text, options);
          if (fast === null) return;
          taken++;
          expect(oracle(text, options)).toEqual({ records: fast });
          expect(fastRecords(text, options, true)).toEqual(fast);
        },
      ),
      { numRuns: 5000 },
    );
    // The comparison is not vacuous: most random texts are read by the fast pass.
    expect(taken).toBeGreaterThan(1000);
  });

  it('reads every field through the shared texts as made afresh', () => {
    // Many rows of fields drawn from a few thousand texts of few lengths: repeats near and far,
    // and texts of one length meeting in one slot of the table, which keeps the newer.
    const rnd = mulberry32(11);
    const words = Array.from({ length: 3_000 }, (_, i) => (i % 3 === 0 ? `中${i}` : i % 3 === 1 ? `${i * 7}` : `x${(i * 13) % 1000}`));
    const lines = Array.from({ length: 20_000 }, () => Array.from({ length: 6 }, () => words[Math.floor(rnd() * words.length)]).join(','));
    lines.push('"quoted, "" text",' + 'y'.repeat(64) + ',' + 'z'.repeat(65) + ',,中文\r\n');
    const text = lines.join('\n');
    const options = { delimiter: ',', maxRecordSize: 1 << 20, to: 1e6 };
    const fresh = fastRecords(text, options)!;
    const shared = fastRecords(text, options, true)!;
    expect(shared).toEqual(fresh);
    expect(shared).toEqual(csvParse(text, options));
    // (That a repeated text is one string is not visible to a program, only in the heap's size.)
    expect(shared.reduce((k, cells) => k + cells.length, 0)).toBe(120_005);
  });

  it('finds the last field with a value without making the fields, as trimming them does', () => {
    // Every character String.prototype.trim removes, and a few it keeps that look alike.
    const blanks = [' ', '\t', '\u000b', '\u000c', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
    const kept = ['\u0085', '\u180e', '\u200b', '\u0008', '\u000e', 'x', '中'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CHARS, ...blanks, ...blanks, ...kept), { maxLength: 40 }).map((xs) => xs.join('')),
        fc.constantFrom(',', '\t', ';'),
        (text, delimiter) => {
          const options = { delimiter, maxRecordSize: 1 << 20, to: 1000 };
          const records = fastRecords(text, options);
          if (records === null) return;
          const lasts: number[] = [];
          expect(scanRecords(utf8(text)!, options, (last) => void lasts.push(last))).toBe(true);
          expect(lasts).toEqual(records.map((cells) => lastWithValue(cells)));
        },
      ),
      { numRuns: 3000 },
    );
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      if (c >= 0xd800 && c <= 0xdfff) continue;
      // The character between others, read from its UTF-8 bytes.
      const bytes = Buffer.from(`a${ch}b`, 'utf8');
      expect(hasValue(bytes, 1, bytes.length - 1), c.toString(16)).toBe(ch.trim() !== '');
    }
    // Characters above U+FFFF (four bytes) are never blank.
    expect(hasValue(Buffer.from('😀'), 0, 4)).toBe(true);
  });

  it('hands a malformed text to csv-parse, which reports it', () => {
    const options = { delimiter: ',', maxRecordSize: 1000, to: 100 };
    for (const text of ['a,"b', 'a,b"c', '"a"b,c', 'a\r\n"b"\n', 'x'.repeat(400), 'a,\uDC00']) {
      expect(fastRecords(text, options), JSON.stringify(text)).toBeNull();
      const want = oracle(text, options);
      if ('error' in want) expect(() => readCsvRecords(text, options)).toThrow();
      else expect(readCsvRecords(text, options)).toEqual(want.records);
    }
  });

  it('reads the generated batches itself, with csv-parse\'s records', () => {
    const options = { delimiter: ',', maxRecordSize: 1 << 20, to: 1e6 };
    const texts = [
      toCsv(generateApplications({ seed: 3, count: 2_000, year: 2019 }), { chinese: false }),
      toCsv(generateApplications({ seed: 4, count: 500, year: 2019 }), { chinese: true }),
      toCsv(provinceApplications(5, 2_000), { chinese: false }),
      'project_id,note\r\n1,"a ""quoted"" word, and a\nline break"\r\n2,\r\n\r\n3,last',
    ];
    for (const text of texts) {
      const fast = fastRecords(text, options);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(csvParse(text, options));
    }
  });

  it('keeps as bytes only the UTF-8 files decodeText reads as UTF-8, whose text is the bytes decoded', () => {
    const BOM = [0xef, 0xbb, 0xbf];
    const pieces = [BOM, [0xff, 0xfe], [0xfe, 0xff], [0], [0x61], [0x2c], [0xe4, 0xb8, 0xad], [0xe4, 0xb8], [0x80], [0xd6, 0xd0], [0xf0, 0x9f, 0x98, 0x80], [0x0a]];
    let kept = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 8 }), (parts) => {
        const bytes = Uint8Array.from(parts.flat());
        const fast = utf8Text(bytes);
        const decoded = decodeText(bytes);
        if (fast === null) {
          // Left to decodeText: everything but UTF-8, and a second BOM (its decoder drops that one too).
          if (decoded.ok && decoded.encoding.startsWith('utf-8')) expect([...bytes.subarray(0, 6)]).toEqual([...BOM, ...BOM]);
          return;
        }
        kept++;
        expect(decoded).toEqual({ ok: true, text: fast.bytes.toString('utf8'), encoding: fast.encoding });
      }),
      { numRuns: 3000 },
    );
    expect(kept).toBeGreaterThan(300);
  });
});

/** The index of the last cell that is not blank once trimmed, or -1. */
function lastWithValue(cells: readonly string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if ((cells[i] ?? '').trim() !== '') return i;
  return -1;
}
