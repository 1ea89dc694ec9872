/**
 * The marginal values' searches shared with worker threads (pipeline/ranges.ts): each thread
 * opens its own copy of the kept HiGHS model, and the ranges are those found on this thread alone,
 * with one thread or two, whoever takes which search; a thread that fails leaves its searches to
 * this thread. The threads are the compiled ones (npm test builds first): the sources have no .js
 * worker to start.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFamily } from '../scripts/families.js';
import { budgetSlope, marginalPlan, searchRow, type MarginalPlan, type RowRange } from '../src/model/marginal.js';
import type { Allocation } from '../src/model/types.js';
import { loadInput } from '../src/pipeline/load.js';
import { RANGE_THREAD_COLUMNS, searchedWith, shareSearches } from '../src/pipeline/ranges.js';
import { openEngine, solveVerified, type Engine } from '../src/pipeline/solve.js';
import { openSensitivity } from '../src/solver/select.js';
import type { ParametricLp } from '../src/solver/types.js';

const work = mkdtempSync(join(tmpdir(), 'fundplan-ranges-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const WORKERS = [new URL('../dist/src/pipeline/ranges-worker.js', import.meta.url), new URL('../dist/bin/ranges-worker.js', import.meta.url)];

/** A scenario solved, its LP kept open, and its marginal values' searches. */
async function opened(family: 'instalments' | 'many-companies'): Promise<{ allocation: Allocation; lp: ParametricLp; plan: MarginalPlan }> {
  const engine = (await openEngine(loadInput(writeFamily(join(work, family), family, 1200, 7)))) as Engine;
  const first = solveVerified(engine);
  if (first.status === 'infeasible') throw new Error('infeasible');
  const { allocation } = first;
  const lp = (await openSensitivity(allocation.model.lp, allocation.model.basis))!;
  const plan = marginalPlan(allocation, lp, { budgetSlope: budgetSlope(allocation, lp) });
  return { allocation, lp, plan };
}

describe("the marginal values' searches on other threads", () => {
  let instalments: Awaited<ReturnType<typeof opened>>;
  let alone: RowRange[];
  beforeAll(async () => {
    for (const w of WORKERS) expect(existsSync(fileURLToPath(w)), w.href).toBe(true);
    instalments = await opened('instalments');
    alone = instalments.plan.searches.map((s) => searchRow(instalments.lp, s));
  }, 120_000);
  afterAll(() => instalments?.lp.dispose());

  it('the model is HiGHS’s, kept for other threads, and has searches of every kind', () => {
    const { lp, plan } = instalments;
    expect(lp.shared).toBeDefined();
    expect(lp.rangesExact).toBeFalsy();
    expect(plan.searches.length).toBeGreaterThan(5);
    // Ranges with ends both ways, and slopes that bind and that do not.
    expect(alone.some((r) => r.hi !== null && r.slope !== null && Math.abs(r.slope) > 1e-9)).toBe(true);
    expect(alone.some((r) => r.lo > 0)).toBe(true);
  });

  it.each([1, 2])('with %i thread(s), the ranges found on this thread alone, by the compiled and the bundled worker', async (threads) => {
    const { lp, plan } = instalments;
    for (const worker of WORKERS) {
      // Every search a thread's: this thread waits until the threads have ended before it takes any.
      const theirs = shareSearches(lp, RANGE_THREAD_COLUMNS, plan.searches, threads, worker)!;
      expect(theirs).not.toBeNull();
      const found = await theirs.found();
      expect(found.size, worker.href).toBe(plan.searches.length);
      expect(await searchedWith(theirs, plan.searches, lp)).toEqual(alone);
      // Shared: this thread takes searches as the threads do.
      const shared = shareSearches(lp, RANGE_THREAD_COLUMNS, plan.searches, threads, worker)!;
      expect(await searchedWith(shared, plan.searches, lp)).toEqual(alone);
      shared.close();
    }
    // The values as the analysis gives them: the same.
    expect(plan.values(alone)).toEqual(plan.values(await searchedWith(shareSearches(lp, RANGE_THREAD_COLUMNS, plan.searches, threads, WORKERS[0])!, plan.searches, lp)));
  }, 120_000);

  it('a thread that fails leaves its searches to this thread', async () => {
    const { lp, plan } = instalments;
    for (const [name, body] of [
      ['exits', 'process.exit(0);'],
      ['throws', "throw new Error('at load');"],
      ['takes two and dies', "const { workerData } = await import('node:worker_threads'); Atomics.add(workerData.taken, 0, 2); throw new Error('mid-search');"],
      ['answers nothing', "const { parentPort, workerData } = await import('node:worker_threads'); for (let i = Atomics.add(workerData.taken, 0, 1); i < workerData.searches.length; i = Atomics.add(workerData.taken, 0, 1)) parentPort.postMessage({ search: i, range: null });"],
    ] as const) {
      const file = join(work, `worker-${name.replaceAll(' ', '-')}.mjs`);
      writeFileSync(file, body);
      const shared = shareSearches(lp, RANGE_THREAD_COLUMNS, plan.searches, 2, pathToFileURL(file))!;
      await shared.found();
      expect(await searchedWith(shared, plan.searches, lp), name).toEqual(alone);
    }
  }, 120_000);

  it('starts no thread where none would help or none can open the model', async () => {
    const { lp, plan } = instalments;
    expect(shareSearches(lp, RANGE_THREAD_COLUMNS - 1, plan.searches, 1, WORKERS[0])).toBeNull();
    expect(shareSearches(lp, RANGE_THREAD_COLUMNS, plan.searches, 0, WORKERS[0])).toBeNull();
    expect(shareSearches(lp, RANGE_THREAD_COLUMNS, plan.searches.slice(0, 1), 1, WORKERS[0])).toBeNull();
    expect(shareSearches(lp, RANGE_THREAD_COLUMNS, plan.searches, 1, pathToFileURL(join(work, 'no-such-worker.js')))).toBeNull();
    // A network LP's optimum (the network simplex's, exact) is kept on this thread only.
    const network = await opened('many-companies');
    try {
      expect(network.lp.shared).toBeUndefined();
      expect(shareSearches(network.lp, RANGE_THREAD_COLUMNS, network.plan.searches, 1, WORKERS[0])).toBeNull();
    } finally {
      network.lp.dispose();
    }
  }, 120_000);
});
