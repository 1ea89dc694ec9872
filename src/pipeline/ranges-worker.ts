/**
 * A worker thread that makes marginal values' searches (ranges.ts): it opens its own copy of the
 * model the main thread kept, then takes the searches no thread has taken, one at a time, and
 * sends back each range. It reads the slope and ranges of the main thread's solve, so that its
 * searches start from the same numbers; a search that fails here is sent back as null (the main
 * thread makes it). Where the model cannot be opened here, it takes none.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { searchRow, type RowRange } from '../model/marginal.js';
import { openProbes } from '../solver/highs.js';
import type { RangeReply, RangesData } from './ranges.js';

const { shared, given, searches, taken } = workerData as RangesData;

const probes = await openProbes(shared).catch(() => null);
if (probes) {
  const lp = { ...given, objectiveWithRowBounds: probes.objectiveWithRowBounds, dispose: probes.dispose };
  try {
    for (let i = Atomics.add(taken, 0, 1); i < searches.length; i = Atomics.add(taken, 0, 1)) {
      let range: RowRange | null = null;
      try {
        range = searchRow(lp, searches[i]!);
      } catch {
        // left to the main thread, which meets the same failure there
      }
      parentPort!.postMessage({ search: i, range } satisfies RangeReply);
    }
  } finally {
    probes.dispose();
  }
}
