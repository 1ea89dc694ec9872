/**
 * The workbook's 明细 sheet on the machine's other core. `DetailSheetBuilder` starts a worker
 * thread as soon as it is made (it loads its modules while the main thread parses and
 * solves); `build(rows)` hands it the rows and resolves to the compressed sheet. The bytes
 * are the same as building it on the main thread, which is what happens when the compiled
 * worker is not there (running from TypeScript sources, as the unit tests do) or fails.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compressSheet, type CompressedSheet } from '../io/xlsx-write.js';
import { DETAIL_SHEET_POSITION, detailSheet } from './xlsx.js';

const WORKER = new URL('./detail-worker.js', import.meta.url);

type Reply = { sheet: CompressedSheet } | { error: string };

export class DetailSheetBuilder {
  private readonly worker: Worker | null;

  constructor() {
    const path = fileURLToPath(WORKER);
    this.worker = existsSync(path) ? new Worker(path) : null;
    this.worker?.unref();
  }

  /** Whether the sheet is built on another thread (for tests and the summary's honesty). */
  get threaded(): boolean {
    return this.worker !== null;
  }

  build(rows: readonly (readonly string[])[]): Promise<CompressedSheet> {
    const here = () => compressSheet(detailSheet(rows), DETAIL_SHEET_POSITION === 0);
    const worker = this.worker;
    if (!worker) return Promise.resolve().then(here);
    return new Promise<CompressedSheet>((resolve, reject) => {
      const onError = () => {
        // The worker died (out of memory, a bug): build it here, the same bytes.
        try {
          resolve(here());
        } catch (e) {
          reject(e);
        }
      };
      worker.once('error', onError);
      worker.once('message', (reply: Reply) => {
        worker.off('error', onError);
        if ('error' in reply) reject(new Error(`building the 明细 sheet failed: ${reply.error}`));
        else resolve(reply.sheet);
      });
      worker.postMessage(rows);
    });
  }

  close(): void {
    void this.worker?.terminate();
  }
}
