/**
 * A sheet deflated chunk by chunk as its XML is made is the same bytes as the whole XML deflated
 * at once (the workbook's bytes must not depend on where it was made).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32, deflateChunks, deflateEntry } from '../src/io/zip.js';
import { compressSheet, compressSheetStreamed, type SheetSpec } from '../src/io/xlsx-write.js';

/** Text that does not repeat much (a hash chain), with CJK and escapes, `n` characters or so. */
function text(n: number): string {
  let out = '';
  let h = 'seed';
  while (out.length < n) {
    h = createHash('sha256').update(h).digest('hex');
    out += `${h.slice(0, 12)} 资助<&"> ${parseInt(h.slice(12, 16), 16)}\n`;
  }
  return out;
}

describe('deflating in pieces', () => {
  it('gives the bytes, CRC-32 and size of deflating the whole, however the data is cut', async () => {
    const data = Buffer.from(text(3_000_000), 'utf8');
    const whole = deflateEntry(data);
    for (const size of [1, 4096, 65_537, 1 << 20, data.length]) {
      const pieces = size === 1 ? [data.subarray(0, 5), data.subarray(5, 9), data.subarray(9)] : Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));
      const streamed = await deflateChunks(pieces);
      expect(streamed.size).toBe(whole.size);
      expect(streamed.crc).toBe(whole.crc);
      expect(Buffer.from(streamed.deflated).equals(Buffer.from(whole.deflated))).toBe(true);
    }
    expect(crc32(data.subarray(100), crc32(data.subarray(0, 100)))).toBe(crc32(data));
    expect(await deflateChunks([])).toEqual(deflateEntry(Buffer.alloc(0)));
  });

  it('a sheet of many rows, streamed, is the sheet compressed at once', async () => {
    const lines = text(2_500_000).split('\n');
    const sheet: SheetSpec = {
      name: '明细',
      columns: [{ width: 20 }, { width: 10, numeric: true }, { width: 40 }],
      rows: lines.map((l, i) => [l, String(i), i % 3 ? `=${l}` : { text: ` ${l} `, style: 'wrap' }]),
      freezeRows: 1,
      autoFilter: `A1:C${lines.length}`,
      print: { titleRows: 1, footer: { left: ['方案 &'] } },
    };
    const a = compressSheet(sheet, true);
    const b = await compressSheetStreamed(sheet, true);
    expect(b.compressed.size).toBeGreaterThan(3 << 20); // several chunks, each made again once zlib read it
    expect({ ...b, compressed: null }).toEqual({ ...a, compressed: null });
    expect(b.compressed.crc).toBe(a.compressed.crc);
    expect(Buffer.from(b.compressed.deflated).equals(Buffer.from(a.compressed.deflated))).toBe(true);
  });
});
