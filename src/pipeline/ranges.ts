/**
 * The marginal values' searches (model/marginal.ts `marginalPlan`) shared with worker threads,
 * each holding its own copy of the kept model (ranges-worker.ts). A search is a run of warm
 * re-solves of the LP with one row's bound moved; each is the same whichever model answers it
 * (`searchRow` depends only on the LP's optimal values), so the threads change when the answers
 * come, not what they are. Each thread, and the analysis on the main thread, takes the next search
 * none has taken (a count shared by all). A search a thread took and did not answer (it failed,
 * or the thread did) is made on the main thread, as it would be without threads.
 */
import { searchRow, type RowRange, type RowSearch } from '../model/marginal.js';
import type { ParametricLp, SharedModel } from '../solver/types.js';
import { startThreads } from './threads.js';

const WORKER = new URL('./ranges-worker.js', import.meta.url);

/**
 * From this many LP columns on, the searches are shared with threads: a HiGHS re-solve costs
 * about 0.2 µs a column even when nothing moves (2.6 ms at 13,000 columns, 12.5 ms at 63,000),
 * and a thread costs a few hundred milliseconds to start (HiGHS loaded again, the model opened).
 */
export const RANGE_THREAD_COLUMNS = 30_000;

/** What a thread is given: the model, what the main thread's solve of it said, the searches and the count of those taken. */
export interface RangesData {
  readonly shared: SharedModel;
  readonly given: Pick<ParametricLp, 'objective' | 'duals' | 'rangeUp' | 'rangeDown' | 'activity' | 'rangesExact' | 'valuesExact'>;
  readonly searches: readonly RowSearch[];
  readonly taken: Int32Array;
}

/** A thread's message: the range of search `search`, or null where it failed there. */
export interface RangeReply {
  readonly search: number;
  readonly range: RowRange | null;
}

/** Searches shared with threads. */
export interface SharedSearches {
  /** The next search no thread has taken (its index), for the caller; null when none is left. */
  takeNext(): number | null;
  /** The ranges the threads found, by search, once every thread has ended (a search taken and not answered is missing). */
  found(): Promise<ReadonlyMap<number, RowRange>>;
  /** Stop the threads (a search still running is dropped). */
  close(): void;
}

/**
 * Start `threads` worker threads (at most one per search) on `searches` of `lp`'s model. Null
 * where there is nothing to start: no model another thread can open (`ParametricLp.shared`), fewer
 * than two searches or LP columns than RANGE_THREAD_COLUMNS (`columns`), no thread to use, the
 * compiled worker not there (running from the TypeScript sources), or a thread that cannot be
 * started.
 */
export function shareSearches(lp: ParametricLp, columns: number, searches: readonly RowSearch[], threads: number, worker: URL = WORKER): SharedSearches | null {
  if (!lp.shared || columns < RANGE_THREAD_COLUMNS) return null;
  const taken = new Int32Array(new SharedArrayBuffer(4));
  const { objective, duals, rangeUp, rangeDown, activity, rangesExact, valuesExact } = lp;
  const data: RangesData = { shared: lp.shared, given: { objective, duals, rangeUp, rangeDown, activity, rangesExact, valuesExact }, searches, taken };
  const found = new Map<number, RowRange>();
  const started = startThreads<RangeReply>(worker, data, Math.min(threads, searches.length - 1), (reply) => {
    if (reply.range) found.set(reply.search, reply.range);
  });
  if (!started) return null;
  return {
    takeNext: () => {
      const i = Atomics.add(taken, 0, 1);
      return i < searches.length ? i : null;
    },
    found: () => started.ended.then(() => found),
    close: started.close,
  };
}

/** The ranges of `searches` on `lp`: those no thread has taken made here, then the threads' (each a thread took and did not answer made here). */
export async function searchedWith(shared: SharedSearches, searches: readonly RowSearch[], lp: ParametricLp): Promise<RowRange[]> {
  const here = new Map<number, RowRange>();
  for (let i = shared.takeNext(); i !== null; i = shared.takeNext()) here.set(i, searchRow(lp, searches[i]!));
  const theirs = await shared.found();
  return searches.map((s, i) => here.get(i) ?? theirs.get(i) ?? searchRow(lp, s));
}
