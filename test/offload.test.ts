/**
 * allocations.csv and the workbook's 明细 sheet made on a worker thread (what `fundplan solve`
 * does for big batches) are the same bytes as made on the main thread.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toExcelCsv } from '../src/io/write.js';
import { ALLOCATION_COLUMNS } from '../src/report/allocations.js';
import { formatRows, formatRowsAside, type FormattedRows } from '../src/report/offload.js';

/** A scenario name the 明细 sheet's footer prints, with characters a footer code must escape. */
const SCENARIO = '2019 年度 R&D 计划 &P';

function rows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) =>
    ALLOCATION_COLUMNS.map((c) =>
      c === 'project_name' ? `=HYPERLINK("x") 项目 ${i} <b>&` : c === 'note' ? `资助 ¥${i},000：总预算已用\u0001` : ['year', 'score', 'requested', 'entitlement', 'grant', 'batch'].includes(c) ? String(i * 7) : `${c}-${i}`,
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
    const remote = (await aside(r, SCENARIO, 0))!;
    expectSame(remote, formatRows(r, SCENARIO));
    expect(remote.csv).toBe(toExcelCsv(ALLOCATION_COLUMNS, r));
    expect(remote.csv).toContain(`"'=HYPERLINK(""x"") 项目 0 <b>&"`); // neutralised and quoted, as the CSV writer does it
    expectSame((await aside(rows(10), SCENARIO, 0))!, formatRows(rows(10), SCENARIO));
  });

  it('a worker that exits without an answer, or crashes, is replaced by this thread: the same bytes; a reported failure is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fundplan-worker-'));
    const script = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return pathToFileURL(join(dir, name));
    };
    const r = rows(40);
    const quits = script('quits.mjs', 'process.exit(0);\n');
    const throws = script('throws.mjs', "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('boom'); });\n");
    const reports = script('reports.mjs', "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => parentPort.postMessage({ error: 'out of paper' }));\n");
    expectSame((await formatRowsAside(r, SCENARIO, 0, quits))!, formatRows(r, SCENARIO));
    expectSame((await formatRowsAside(r, SCENARIO, 0, throws))!, formatRows(r, SCENARIO));
    await expect(formatRowsAside(r, SCENARIO, 0, reports)!).rejects.toThrow('formatting allocations.csv and the 明细 sheet failed: out of paper');
  });

  it('below the threshold, or without a compiled worker, no worker starts (the caller formats them)', () => {
    expect(formatRowsAside(rows(50), SCENARIO)).toBeNull(); // below OFFLOAD_MIN_ROWS
    expect(formatRowsAside(rows(50), SCENARIO, 0)).toBeNull(); // the sources have no compiled worker
  });
});
