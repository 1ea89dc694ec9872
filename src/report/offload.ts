/**
 * allocations.csv and the workbook's 明细 sheet, made from the same rows on the machine's
 * other core while the main thread formats the reports. Worth it only for big batches: a
 * fresh worker runs cold (its JIT starts from nothing) and took 0.8 s for 10,000 rows that the
 * warm main thread formats in 0.3 s, while at 100,000 rows it takes ~3.5 s off the main
 * thread. So `formatRowsAside(rows)` starts a worker from OFFLOAD_MIN_ROWS rows; below that, or
 * when the compiled worker is not there (running from TypeScript sources, as the unit tests
 * do), the caller formats them itself, as it does when the worker dies. The bytes are the same
 * either way.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compressSheet, type CompressedSheet } from '../io/xlsx-write.js';
import { toExcelCsv } from '../io/write.js';
import { ALLOCATION_COLUMNS } from './allocations.js';
import { DETAIL_SHEET_POSITION, detailSheet } from './xlsx.js';

const WORKER = new URL('./rows-worker.js', import.meta.url);

/** allocations.csv and the workbook's 明细 sheet, both from the rows. */
export interface FormattedRows {
  readonly csv: string;
  readonly detail: CompressedSheet;
}

/** `scenario`: the scenario's name, which the 明细 sheet's printed footer shows. */
export function formatRows(rows: readonly (readonly string[])[], scenario: string): FormattedRows {
  return { csv: toExcelCsv(ALLOCATION_COLUMNS, rows), detail: compressSheet(detailSheet(rows, scenario), DETAIL_SHEET_POSITION === 0) };
}

/** What a worker is sent. */
export interface RowsMessage {
  readonly rows: readonly (readonly string[])[];
  readonly scenario: string;
}

type Reply = FormattedRows | { error: string };

/** Rows from which a worker thread pays off (measured as said above). */
export const OFFLOAD_MIN_ROWS = 30_000;

/**
 * Start formatting `rows` on a worker thread, when there are enough of them and the compiled
 * worker exists; else null: the caller formats them itself (`formatRows`) where it times it.
 */
export function formatRowsAside(rows: readonly (readonly string[])[], scenario: string, minRows = OFFLOAD_MIN_ROWS, worker: URL = WORKER): Promise<FormattedRows> | null {
  const here = () => formatRows(rows, scenario);
  const path = fileURLToPath(worker);
  if (rows.length < minRows || !existsSync(path)) return null;
  const thread = new Worker(path);
  return new Promise<FormattedRows>((resolve, reject) => {
    let settled = false;
    const fallBack = () => {
      // The worker died or went away without an answer (out of memory, a bug): made here, the same bytes.
      if (settled) return;
      settled = true;
      try {
        resolve(here());
      } catch (e) {
        reject(e);
      }
    };
    thread.once('error', fallBack);
    thread.once('messageerror', fallBack);
    thread.once('exit', fallBack);
    thread.once('message', (reply: Reply) => {
      if (settled) return;
      settled = true;
      if ('error' in reply) reject(new Error(`formatting allocations.csv and the 明细 sheet failed: ${reply.error}`));
      else resolve(reply);
    });
    thread.postMessage({ rows, scenario } satisfies RowsMessage);
  }).finally(() => void thread.terminate());
}
