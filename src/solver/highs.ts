/**
 * HiGHS (WebAssembly, npm `highs`) backend: sparse arrays in, native column bounds,
 * row duals out. Loading the Wasm is asynchronous; solving is synchronous after that.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import type { Highs, ModelData } from 'highs';

import { highsBackendOf, startFrom, STATUS_TEXT, toModelData } from './highs-backend.js';
import { openSifted, type SiftedReSolves } from './sifted.js';
import type { Basis, Backend, LinearProgram, MipProgress, ParametricLp, SharedModel, SolveOptions, SolveResult } from './types.js';

export { toModelData } from './highs-backend.js';

export type { ParametricLp } from './types.js';

/**
 * From this many LP columns on, HiGHS's Wasm is compiled by V8's optimizing compiler from the
 * start, without its baseline compiler (Liftoff). A solve is one long call into the module, and
 * V8 swaps a function's baseline code for optimized code only when it is next called, so the
 * first solve of a big LP would run its inner loops in baseline code throughout; compiling
 * without the baseline costs more at load, which small models do not repay (the measurements:
 * docs/solvers-and-benchmarks.md, round 13).
 */
export const OPTIMIZED_WASM_COLUMNS = 30_000;

let runtime: Promise<Highs> | undefined;
/**
 * The Wasm runtime, loaded on first use (a small LP solved by javascript-lp-solver never pays
 * for it); `optimized`: compiled without the baseline (see OPTIMIZED_WASM_COLUMNS), when this is
 * its first use. The flag is the process's: it holds for every module compiled after it, on every
 * thread, and only the main thread sets it (a worker that loads HiGHS for the same model finds it
 * set). The package's types describe its CommonJS entry; that is the one loaded.
 */
function highsRuntime(optimized = false): Promise<Highs> {
  if (!runtime && optimized && isMainThread) setFlagsFromString('--no-liftoff');
  return (runtime ??= (createRequire(import.meta.url)('highs') as (options?: object) => Promise<Highs>)());
}

/**
 * Load the Wasm runtime once and return a synchronous backend, for models of up to `maxColumns`
 * columns (see OPTIMIZED_WASM_COLUMNS); `onMipProgress` hears how its integer models' searches stand.
 */
export async function createHighsBackend(maxColumns = 0, onMipProgress?: (progress: MipProgress) => void): Promise<Backend> {
  return highsBackendOf(await highsRuntime(maxColumns >= OPTIMIZED_WASM_COLUMNS), onMipProgress);
}

/** `warmStart`: the LP's optimal basis when known (then the first solve is a check, not a search). */
export async function openParametricLp(lp: LinearProgram, warmStart?: Basis): Promise<ParametricLp | null> {
  const h = await highsRuntime();
  const data = toModelData(h, lp);
  const opened = openModel(h, data, warmStart);
  if (!opened) return null;
  const { model } = opened;
  const objective = model.getObjectiveValue();
  const { rowDual: duals, rowValue: activity } = opened.optimum.solution;
  // Ranging is a hint only (callers verify by re-solving); HiGHS gives none for a model without rows.
  let rangeUp: ArrayLike<number> = new Float64Array(lp.rows.length).fill(Infinity);
  let rangeDown: ArrayLike<number> = new Float64Array(lp.rows.length).fill(-Infinity);
  if (lp.rows.length > 0) {
    try {
      const ranging = model.getRanging();
      rangeUp = ranging.rowBoundUp.value;
      rangeDown = ranging.rowBoundDown.value;
    } catch {
      // keep the neutral hints
    }
  }
  return {
    objective,
    duals,
    rangeUp,
    rangeDown,
    activity,
    objectiveWithRowBounds: opened.objectiveWithRowBounds,
    // The optimal basis this model ended at, before any re-solve moves it: another thread's copy starts optimal.
    shared: { model: data, basis: opened.optimum.basis },
    dispose: opened.dispose,
  };
}

/** Re-solves of an LP with one row's bounds moved (`ParametricLp.objectiveWithRowBounds`). */
export interface Probes {
  objectiveWithRowBounds(row: number, lower: number | null, upper: number | null): number | null;
  dispose(): void;
}

/**
 * The model another thread kept open (`ParametricLp.shared`), opened here and solved to its
 * optimum from its basis: re-solves of it with one row's bounds moved, each from the basis the
 * last one ended in. Null where HiGHS does not find it optimal.
 */
export async function openProbes(shared: SharedModel): Promise<Probes | null> {
  const h = await highsRuntime();
  const opened = openModel(h, shared.model as ModelData, shared.basis);
  return opened && { objectiveWithRowBounds: opened.objectiveWithRowBounds, dispose: opened.dispose };
}

/** The re-solve of an open model from which the rest are made on a working model of the columns that may move (sifted.ts). */
export const SIFT_FROM = 4;

/** The model solved (without presolve, from `warmStart` where given), with its re-solves at moved row bounds; null (disposed) unless optimal. */
function openModel(h: Highs, data: ModelData, warmStart: Basis | undefined) {
  const model = h.createModel(data);
  model.options.set({ output_flag: false, presolve: 'off' });
  if (warmStart) startFrom(model, warmStart, data.numCols, data.numRows);
  model.run();
  if (model.getModelStatus() !== h.constants.modelStatus.optimal) {
    model.dispose();
    return null;
  }
  const { rowLower, rowUpper } = data;
  /** A re-solve of the whole model, from the basis the last one ended in. */
  const wholeAt = (row: number, lower: number | null, upper: number | null): number | null => {
    model.changeRowBounds(row, lower ?? -h.infinity, upper ?? h.infinity);
    model.run();
    const ok = model.getModelStatus() === h.constants.modelStatus.optimal;
    const value = ok ? model.getObjectiveValue() : null;
    model.changeRowBounds(row, rowLower[row]!, rowUpper[row]!);
    return value;
  };
  // Re-solves on a model of the columns that may move where it answers (sifted.ts), on the whole
  // model otherwise. Opening that model costs about as much as a dozen re-solves of the whole one,
  // so it is opened at the SIFT_FROM-th re-solve (a thread that makes a few re-solves does not pay
  // for it), from the optimum the whole model had when opened.
  const optimum = { basis: model.getBasis(), solution: model.getSolution() };
  let sifted: SiftedReSolves | null = null;
  let reSolves = 0;
  return {
    model,
    optimum,
    objectiveWithRowBounds(row: number, lower: number | null, upper: number | null): number | null {
      if (++reSolves === SIFT_FROM) {
        try {
          sifted = openSifted(h, data, optimum.basis, optimum.solution.colDual);
        } catch {
          // HiGHS refused the working model: the whole model answers
        }
      }
      if (sifted) {
        try {
          const value = sifted.objectiveWithRowBounds(row, lower, upper);
          if (value !== undefined) return value;
        } catch {
          // HiGHS refused a change to the working model: the whole model answers from here on.
          sifted.dispose();
          sifted = null;
        }
      }
      return wholeAt(row, lower, upper);
    },
    dispose: () => {
      sifted?.dispose();
      model.dispose();
    },
  };
}

/**
 * A HiGHS backend for many solves of the same model with different numbers (a budget
 * sweep): it keeps one persistent model per structure (columns, and rows with their
 * terms) and, when an LP of a known structure comes again, changes only its bounds and
 * costs and re-solves from the last basis. Call `dispose()` when done.
 */
export async function createWarmHighsBackend(): Promise<Backend & { dispose(): void }> {
  const h = await highsRuntime();
  const name = `highs ${h.version.major}.${h.version.minor}.${h.version.patch} (warm)`;
  type Kept = { lp: LinearProgram; model: ReturnType<Highs['createModel']> };
  const kept: Kept[] = [];
  const sameStructure = (a: LinearProgram, b: LinearProgram) =>
    a.sense === b.sense &&
    a.columns.length === b.columns.length &&
    a.rows.length === b.rows.length &&
    a.rows.every((r, i) => {
      const t = b.rows[i]!.terms;
      return r.terms.length === t.length && r.terms.every(([j, v], k) => t[k]![0] === j && t[k]![1] === v);
    });
  const bound = (v: number | null, sign: 1 | -1) => (v === null || !Number.isFinite(v) ? sign * h.infinity : v);
  return {
    name,
    solvesIntegers: true,
    solve(lp: LinearProgram, options: SolveOptions = {}): SolveResult {
      try {
        let entry = kept.find((k) => sameStructure(k.lp, lp));
        if (!entry) {
          entry = { lp, model: h.createModel(toModelData(h, lp)) };
          entry.model.options.set({ output_flag: false, presolve: 'off' });
          kept.push(entry);
        } else {
          const { model } = entry;
          lp.columns.forEach((c, j) => {
            const was = entry!.lp.columns[j]!;
            if (was.cost !== c.cost) model.changeColCost(j, c.cost);
            if (was.lower !== c.lower || was.upper !== c.upper) model.changeColBounds(j, c.lower, bound(c.upper, 1));
          });
          lp.rows.forEach((r, i) => {
            const was = entry!.lp.rows[i]!;
            if (was.lower !== r.lower || was.upper !== r.upper) model.changeRowBounds(i, bound(r.lower, -1), bound(r.upper, 1));
          });
          entry.lp = lp;
        }
        const { model } = entry;
        if (options.timeLimitSeconds) model.options.set({ time_limit: options.timeLimitSeconds });
        model.run();
        const code = model.getModelStatus() as number;
        const raw = STATUS_TEXT[code] ?? `status ${code}`;
        if (code === h.constants.modelStatus.optimal) {
          const s = model.getSolution();
          return { status: 'optimal', objective: model.getObjectiveValue(), values: s.colValue, duals: s.rowDual, backend: name, raw };
        }
        if (code === h.constants.modelStatus.infeasible) return { status: 'infeasible', detail: raw, backend: name, raw };
        return { status: 'error', detail: raw, backend: name, raw };
      } catch (e) {
        return { status: 'error', detail: String(e), backend: name, raw: 'exception' };
      }
    },
    dispose() {
      for (const k of kept.splice(0)) k.model.dispose();
    },
  };
}
