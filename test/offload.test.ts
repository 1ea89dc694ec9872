/**
 * The workbook's 明细 sheet built on a worker thread (what `fundplan solve` does) is the same
 * bytes as built on the main thread (what the unit tests, running from sources, do).
 */
import { describe, expect, it } from 'vitest';
import { compressSheet } from '../src/io/xlsx-write.js';
import { ALLOCATION_COLUMNS } from '../src/report/allocations.js';
import { DETAIL_SHEET_POSITION, detailSheet } from '../src/report/xlsx.js';
import { DetailSheetBuilder } from '../src/report/offload.js';

function rows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) =>
    ALLOCATION_COLUMNS.map((c) =>
      c === 'project_name' ? `=HYPERLINK("x") 项目 ${i} <b>&` : c === 'note' ? `资助 ¥${i},000：总预算已用\u0001` : ['year', 'score', 'requested', 'entitlement', 'grant'].includes(c) ? String(i * 7) : `${c}-${i}`,
    ),
  );
}

describe('the 明细 sheet off the main thread', () => {
  it('is byte for byte the sheet built here, and the same again on a second run', async () => {
    // The compiled worker (npm test builds first): the sources have no .js worker to start.
    const compiled: string = '../dist/src/report/offload.js'; // a path, not a module the type checker follows
    const { DetailSheetBuilder: Built } = (await import(compiled)) as { DetailSheetBuilder: new () => Pick<DetailSheetBuilder, 'threaded' | 'build' | 'close'> };
    const builder = new Built();
    try {
      expect(builder.threaded).toBe(true);
      const r = rows(3000);
      const remote = await builder.build(r);
      const here = compressSheet(detailSheet(r), DETAIL_SHEET_POSITION === 0);
      expect(remote.name).toBe('明细');
      expect(remote.autoFilter).toBe(here.autoFilter);
      expect(remote.compressed.size).toBe(here.compressed.size);
      expect(remote.compressed.crc).toBe(here.compressed.crc);
      expect(Buffer.from(remote.compressed.deflated).equals(Buffer.from(here.compressed.deflated))).toBe(true);
      const again = await builder.build(rows(10));
      expect(again.compressed.crc).toBe(compressSheet(detailSheet(rows(10)), false).compressed.crc);
    } finally {
      builder.close();
    }
  });

  it('builds on this thread when there is no compiled worker, with the same result', async () => {
    const builder = new DetailSheetBuilder();
    expect(builder.threaded).toBe(false);
    const r = rows(50);
    const sheet = await builder.build(r);
    expect(sheet.compressed.crc).toBe(compressSheet(detailSheet(r), false).compressed.crc);
    builder.close();
  });
});
