/**
 * allocations.csv and the workbook's 明细 sheet made on a worker thread (what `fundplan solve`
 * does for big batches) are the same bytes as made on the main thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toExcelCsv } from '../src/io/write.js';
import { ALLOCATION_COLUMNS } from '../src/report/allocations.js';
import { formatRows, formatRowsAside, type FormattedRows } from '../src/report/offload.js';

function rows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) =>
    ALLOCATION_COLUMNS.map((c) =>
      c === 'project_name' ? `=HYPERLINK("x") 项目 ${i} <b>&` : c === 'note' ? `资助 ¥${i},000：总预算已用\u0001` : ['year', 'score', 'requested', 'entitlement', 'grant'].includes(c) ? String(i * 7) : `${c}-${i}`,
    ),
  );
}

function expectSame(a: FormattedRows, b: FormattedRows): void {
  expect(a.csv).toBe(b.csv);
  expect(a.detail.name).toBe('明细');
  expect(a.detail.autoFilter).toBe(b.detail.autoFilter);
  expect(a.detail.compressed.size).toBe(b.detail.compressed.size);
  expect(a.detail.compressed.crc).toBe(b.detail.compressed.crc);
  expect(Buffer.from(a.detail.compressed.deflated).equals(Buffer.from(b.detail.compressed.deflated))).toBe(true);
}

describe('allocations.csv and the 明细 sheet off the main thread', () => {
  it('a worker thread makes byte for byte what this thread makes', async () => {
    // The compiled worker (npm test builds first): the sources have no .js worker to start.
    expect(existsSync(fileURLToPath(new URL('../dist/src/report/rows-worker.js', import.meta.url)))).toBe(true);
    const compiled: string = '../dist/src/report/offload.js'; // a path, not a module the type checker follows
    const { formatRowsAside: aside } = (await import(compiled)) as { formatRowsAside: typeof formatRowsAside };
    const r = rows(3000);
    const remote = (await aside(r, 0))!;
    expectSame(remote, formatRows(r));
    expect(remote.csv).toBe(toExcelCsv(ALLOCATION_COLUMNS, r));
    expect(remote.csv).toContain(`"'=HYPERLINK(""x"") 项目 0 <b>&"`); // neutralised and quoted, as the CSV writer does it
    expectSame((await aside(rows(10), 0))!, formatRows(rows(10)));
  });

  it('below the threshold, or without a compiled worker, no worker starts (the caller formats them)', () => {
    expect(formatRowsAside(rows(50))).toBeNull(); // below OFFLOAD_MIN_ROWS
    expect(formatRowsAside(rows(50), 0)).toBeNull(); // the sources have no compiled worker
  });
});
