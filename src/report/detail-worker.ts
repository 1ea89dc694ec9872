/**
 * A worker thread that builds and deflates the workbook's 明细 sheet (every application:
 * at 100,000 rows, 110 MB of XML) while the main thread formats the other outputs.
 * Message in: the rows of allocations.csv. Message out: the compressed sheet, or an error text.
 */
import { parentPort } from 'node:worker_threads';
import { compressSheet } from '../io/xlsx-write.js';
import { DETAIL_SHEET_POSITION, detailSheet } from './xlsx.js';

parentPort!.on('message', (rows: string[][]) => {
  try {
    const built = compressSheet(detailSheet(rows), DETAIL_SHEET_POSITION === 0);
    // Moved, not copied, to the main thread: a buffer of its own (never a slice of Node's pool).
    const d = built.compressed.deflated;
    const bytes = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength ? d : new Uint8Array(d);
    const sheet = { ...built, compressed: { ...built.compressed, deflated: bytes } };
    parentPort!.postMessage({ sheet }, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
