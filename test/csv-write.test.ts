/**
 * fundplan's CSV writer against what it replaced: csv-stringify (CRLF records) of every cell
 * passed through the regular-expression formula neutraliser, on hostile strings.
 */
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvField, neutraliseCell, toExcelCsv } from '../src/io/write.js';

/** The neutraliser as it was written first: the definition the faster one must match. */
const neutraliseByRegExp = (value: string) => (/^[=+\-@\t\r]/.test(value) && !/^-\d+(\.\d+)?$/.test(value) ? `'${value}` : value);
const oracle = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  '\uFEFF' + stringify([header, ...rows].map((r) => r.map(neutraliseByRegExp)), { record_delimiter: '\r\n' });

const PIECES = ['=', '+', '-', '@', '\t', '\r', '\n', '\r\n', '"', '""', ',', ';', "'", ' ', '1', '23', '.', '.5', 'a', '中文', '＝', '＋', '😀', '\uD800', '\uFEFF', '=SUM(A1:A2)', '-1234.50', '-1e5', 'HYPERLINK("x")'];
const hostile = fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((xs) => xs.join(''));

describe('CSV writing', () => {
  it('neutralises exactly the cells the regular expressions did', () => {
    fc.assert(fc.property(hostile, (s) => neutraliseCell(s) === neutraliseByRegExp(s)), { numRuns: 5000 });
    for (const s of ['', '=', '-', '-1', '-1.5', '-1.', '- 1', '-1.5.5', '+1', '@a', '\tx', '\rx', '\nx', 'a=b']) expect(neutraliseCell(s), JSON.stringify(s)).toBe(neutraliseByRegExp(s));
  });

  it('writes the bytes csv-stringify wrote, for any rows of hostile strings', () => {
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 5 }), fc.array(fc.array(hostile, { maxLength: 6 }), { maxLength: 6 }), (header, rows) => toExcelCsv(header, rows) === oracle(header, rows)),
      { numRuns: 2000 },
    );
    expect(toExcelCsv([], [])).toBe(oracle([], []));
    expect(toExcelCsv(['a'], [[''], ['', ''], []])).toBe(oracle(['a'], [[''], ['', ''], []]));
  });

  it('quotes a field only for a delimiter, a quote or the record delimiter', () => {
    expect(csvField('plain 中文')).toBe('plain 中文');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    // A lone \r or \n stays unquoted, as csv-stringify wrote it with record_delimiter \r\n.
    expect(csvField('a\rb')).toBe('a\rb');
    expect(csvField('a\nb')).toBe('a\nb');
  });
});
