/**
 * The HiGHS backend on a loaded runtime, with nothing of files in it (so the what-if page's
 * worker runs it on the WebAssembly the page carries): sparse arrays in, native column bounds,
 * row duals out. `highs.ts` loads the runtime in Node.
 */
import type { Highs, HighsCallbackMap, ModelData } from 'highs';

import { solveWithSideRows } from './side-rows.js';
import { solveOnWorkingModel, type WholeSolution } from './sifted.js';
import { isMip, type Basis, type Backend, type LinearProgram, type MipInfo, type MipProgress, type SolveOptions, type SolveResult } from './types.js';

/** The matrix of an LP made before from the same rows' terms, kept by its first row's terms: re-solves at other bounds share the terms. */
const matrices = new WeakMap<object, { readonly terms: readonly LinearProgram['rows'][number]['terms'][]; readonly columns: number; readonly starts: Int32Array; readonly indices: Int32Array; readonly values: Float64Array }>();

/** The LP's matrix by row (CSR), made once for LPs of the same columns and rows' terms (the arrays are only read). */
function matrixOf(lp: LinearProgram) {
  const { rows } = lp;
  const m = rows.length;
  const kept = m > 0 ? matrices.get(rows[0]!.terms) : undefined;
  if (kept && kept.columns === lp.columns.length && kept.terms.length === m && kept.terms.every((t, i) => rows[i]!.terms === t)) return kept;
  let nnz = 0;
  for (let i = 0; i < m; i++) nnz += rows[i]!.terms.length;
  const starts = new Int32Array(m + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < m; i++) {
    const terms = rows[i]!.terms;
    starts[i] = k;
    for (let t = 0; t < terms.length; t++) {
      const term = terms[t]!;
      indices[k] = term[0];
      values[k] = term[1];
      k++;
    }
  }
  starts[m] = k;
  const made = { terms: rows.map((r) => r.terms), columns: lp.columns.length, starts, indices, values };
  if (m > 0) matrices.set(rows[0]!.terms, made);
  return made;
}

/** The LP as HiGHS's sparse model (CSR rows; infinite bounds as HiGHS's infinity). */
export function toModelData(h: Highs, lp: LinearProgram): ModelData {
  const n = lp.columns.length;
  const m = lp.rows.length;
  const colCost = new Float64Array(n);
  const colLower = new Float64Array(n);
  const colUpper = new Float64Array(n);
  // Plain indexed loops: a callback per column and an iterator per term cost more in a fresh process.
  const { columns, rows } = lp;
  const inf = h.infinity;
  for (let j = 0; j < n; j++) {
    const c = columns[j]!;
    colCost[j] = c.cost;
    colLower[j] = c.lower;
    colUpper[j] = Number.isFinite(c.upper) ? c.upper : inf;
  }
  const rowLower = new Float64Array(m);
  const rowUpper = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    rowLower[i] = rows[i]!.lower ?? -inf;
    rowUpper[i] = rows[i]!.upper ?? inf;
  }
  const { starts, indices, values } = matrixOf(lp);
  return {
    numCols: n,
    numRows: m,
    sense: lp.sense === 'max' ? h.constants.objectiveSense.maximize : h.constants.objectiveSense.minimize,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows: m, numCols: n, starts, indices, values },
    ...(isMip(lp) ? { integrality: Int32Array.from(lp.columns, (c) => (c.semicontinuous ? (c.integer ? 3 : 2) : c.integer ? 1 : 0)) } : {}),
  };
}

/**
 * From this many columns on, an LP solved from the start (no basis to start from) goes to HiGHS's
 * interior point method, with crossover to an optimal basis: on the policy's LPs with cash rows,
 * 2.2–2.5 s against 4.1–4.4 s for the dual simplex at 62,855 columns, 1.0–1.1 against 1.6–1.7 s at
 * 32,002, slower below 20,000 (docs/solvers-and-benchmarks.md, round 14). Which optimum it ends
 * at may differ from the dual simplex's; the tie rule's stage on the optimal face (priority.ts)
 * then ends at the same allocation.
 */
export const INTERIOR_POINT_COLUMNS = 30_000;

/**
 * From this many columns on, an LP is solved first on a working model of part of its columns
 * (sifted.ts), the whole LP only where that does not answer: from the start, where it is a
 * network LP but for a few rows (side-rows.ts); from a basis given with the reduced costs there.
 * Not under a time limit or an iteration limit.
 */
export const WORKING_MODEL_COLUMNS = 5_000;

export const STATUS_TEXT: Record<number, string> = {
  0: 'not set', 1: 'load error', 2: 'model error', 3: 'presolve error', 4: 'solve error', 5: 'postsolve error',
  6: 'empty', 7: 'optimal', 8: 'infeasible', 9: 'unbounded or infeasible', 10: 'unbounded', 11: 'objective bound',
  12: 'objective target', 13: 'time limit reached', 14: 'iteration limit reached', 15: 'unknown',
};

/**
 * Install a warm-start basis: `basis` is for the model's `columns` and its first rows; rows added
 * after those start with their slack basic (still one basic variable per row). A basis of
 * another shape is ignored (the solve starts cold, with the same answer).
 */
export function startFrom(model: { setBasis(b: { colStatus: Int32Array; rowStatus: Int32Array }): unknown }, basis: Basis, columns: number, rows: number): void {
  if (basis.colStatus.length !== columns || basis.rowStatus.length > rows) return;
  const rowStatus = new Int32Array(rows).fill(1);
  rowStatus.set(basis.rowStatus);
  try {
    model.setBasis({ colStatus: basis.colStatus, rowStatus });
  } catch {
    // HiGHS refused it: solve from its own start
  }
}

/** Hand a MIP a point to start from; one HiGHS refuses is dropped (it searches from its own start). */
export function startAt(model: { setSolution(s: { colValue: Float64Array }): unknown }, values: ArrayLike<number>): void {
  try {
    model.setSolution({ colValue: Float64Array.from(values) });
  } catch {
    // HiGHS refused it: solve without a start
  }
}

/**
 * A synchronous backend on a loaded HiGHS runtime; `onMipProgress`, where given, hears how each
 * integer model's search stands while it runs (HiGHS calls it often: a caller prints what it needs).
 */
export function highsBackendOf(h: Highs, onMipProgress?: (progress: MipProgress) => void): Backend {
  const name = `highs ${h.version.major}.${h.version.minor}.${h.version.patch}`;
  return {
    name,
    solvesIntegers: true,
    solve(lp: LinearProgram, options: SolveOptions = {}): SolveResult {
      if (lp.columns.length === 0) {
        return { status: 'optimal', objective: 0, values: new Float64Array(0), duals: new Float64Array(lp.rows.length), backend: name, raw: 'empty' };
      }
      try {
        const mip = isMip(lp);
        const cold = !mip && !options.warmStart && options.iterationLimit === undefined;
        // Under a time limit the whole LP is solved, as far as the limit lets it get: the working
        // model's way has no point to offer where it stops short.
        const data = toModelData(h, lp);
        if (!mip && options.iterationLimit === undefined && options.timeLimitSeconds === undefined && lp.columns.length >= WORKING_MODEL_COLUMNS) {
          const { warmStart, reducedCosts } = options;
          const s: WholeSolution | undefined = !warmStart
            ? solveWithSideRows(h, lp, data)
            : reducedCosts?.length === lp.columns.length
              ? solveOnWorkingModel(h, data, warmStart, reducedCosts)
              : undefined;
          if (s) return { status: 'optimal', objective: s.objective, values: s.values, duals: s.duals, basis: s.basis, reducedCosts: s.reducedCosts, backend: name, raw: 'optimal' };
        }
        return h.withModel(data, (model) => {
          // Presolve is off: on this model's shape (many boxed columns, few coupling rows) the Wasm build's
          // presolve took 5.6 s of a 6 s solve at 10,000 columns; without it the dual simplex needs 0.4 s.
          const interior = cold && lp.columns.length >= INTERIOR_POINT_COLUMNS;
          model.options.set({
            output_flag: false,
            // A MIP needs presolve (and optimality is promised: gap 0 unless asked otherwise).
            presolve: mip ? 'on' : 'off',
            ...(mip ? { mip_rel_gap: options.mipRelGap ?? 0 } : {}),
            ...(options.timeLimitSeconds ? { time_limit: options.timeLimitSeconds } : {}),
            ...(options.iterationLimit !== undefined ? { simplex_iteration_limit: options.iterationLimit } : {}),
            ...(interior ? { solver: 'ipm' } : {}),
          });
          if (!mip && options.warmStart) startFrom(model, options.warmStart, lp.columns.length, lp.rows.length);
          if (mip && options.mipStart?.length === lp.columns.length) startAt(model, options.mipStart);
          model.run(mip && onMipProgress ? progressCallbacks(h, onMipProgress) : undefined);
          let code = model.getModelStatus() as number;
          if (interior && code !== h.constants.modelStatus.optimal && code !== h.constants.modelStatus.timeLimit) {
            // The interior point method did not end at an optimum (nor at the time limit): the dual simplex decides.
            model.options.set({ solver: 'simplex' });
            model.run();
            code = model.getModelStatus() as number;
          }
          const raw = STATUS_TEXT[code] ?? `status ${code}`;
          const mipInfo = (): { mip?: MipInfo } => (mip ? { mip: { bound: Number(model.info.get('mip_dual_bound')), gap: Number(model.info.get('mip_gap')) } } : {});
          if (code === h.constants.modelStatus.optimal) {
            const s = model.getSolution();
            const basis = mip ? {} : { basis: model.getBasis(), reducedCosts: s.colDual };
            return { status: 'optimal', objective: model.getObjectiveValue(), values: s.colValue, duals: s.rowDual, ...basis, ...mipInfo(), backend: name, raw } as const;
          }
          if (code === h.constants.modelStatus.infeasible) return { status: 'infeasible', detail: raw, backend: name, raw } as const;
          if (code === h.constants.modelStatus.unbounded || code === h.constants.modelStatus.unboundedOrInfeasible) {
            return { status: 'unbounded', detail: raw, backend: name, raw } as const;
          }
          if (code === h.constants.modelStatus.timeLimit || code === h.constants.modelStatus.iterationLimit) {
            const s = model.getSolution();
            // A MIP stopped before any integer point was found has no values to offer.
            const found = !mip || Number(model.info.get('primal_solution_status')) === 2;
            return { status: 'time-limit', detail: raw, values: found ? s.colValue : null, duals: s.rowDual, ...mipInfo(), backend: name, raw } as const;
          }
          return { status: 'error', detail: raw, backend: name, raw } as const;
        });
      } catch (e) {
        return { status: 'error', detail: String(e), backend: name, raw: 'exception' };
      }
    },
  };
}

/** HiGHS's periodic MIP checkpoint, read as progress (never interrupting the search). */
function progressCallbacks(h: Highs, onMipProgress: (progress: MipProgress) => void): HighsCallbackMap {
  return {
    [h.constants.callbackType.mipInterrupt](event) {
      const { running_time: seconds, mip_primal_bound: primal, mip_gap: gap } = event.data;
      // No allocation yet: the incumbent's objective is infinite (HiGHS's "none").
      const found = primal !== undefined && Math.abs(primal) < 1e30;
      onMipProgress({ seconds: seconds ?? 0, found, gap: found && gap !== undefined && Number.isFinite(gap) ? gap : null });
      return undefined;
    },
  };
}
