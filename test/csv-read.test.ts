/**
 * The CSV reader's own pass against csv-parse: wherever it reads a text itself, the records are
 * csv-parse's (same options); where it declines, csv-parse reads it. Random texts over the
 * characters that matter (quotes, every line break, delimiters, wide and astral characters, a
 * lone surrogate), and the files fundplan's generators write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvParse, hasValue, recordAt, scanRecords, type CsvReadOptions } from '../src/io/csv-read.js';

/** The records of plainly well-formed text as the reader's fast path reads them, or null where csv-parse must read it. */
function fastRecords(text: string, options: CsvReadOptions): string[][] | null {
  const out: string[][] = [];
  const delim = options.delimiter.charCodeAt(0);
  return scanRecords(text, options, (_last, start, brk) => void out.push(recordAt(text, delim, start, brk))) ? out : null;
}

/** What the reader gets: the fast pass where it answers, else csv-parse (its CsvError on a malformed file). */
const readCsvRecords = (text: string, options: Parameters<typeof csvParse>[1]): string[][] => fastRecords(text, options) ?? csvParse(text, options);
import { generateApplications, toCsv } from '../scripts/synthetic.js';
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
        },
      ),
      { numRuns: 5000 },
    );
    // The comparison is not vacuous: most random texts are read by the fast pass.
    expect(taken).toBeGreaterThan(1000);
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
          expect(scanRecords(text, options, (last) => void lasts.push(last))).toBe(true);
          expect(lasts).toEqual(records.map((cells) => lastWithValue(cells)));
        },
      ),
      { numRuns: 3000 },
    );
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      if (c < 0xd800 || c > 0xdfff) expect(hasValue(ch, 0, 1), c.toString(16)).toBe(ch.trim() !== '');
    }
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
});

/** The index of the last cell that is not blank once trimmed, or -1. */
function lastWithValue(cells: readonly string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if ((cells[i] ?? '').trim() !== '') return i;
  return -1;
}
