/**
 * Re-solves of an optimal LP with one row's bounds moved, made on a model of part of its columns
 * (sifting). HiGHS's `run` costs time in proportion to the model's columns and rows even when
 * nothing moves, and most of the policy's columns never move when one limit does: an application
 * fully funded or not funded at all far from the funding line stays so. The working model holds
 * the columns that may move (the basic ones, and the nonbasic ones priced near zero) and the rows
 * they are in; every other column is held at the bound it sits at, its part of each row taken off
 * the row's bounds and its cost added to the objective as a constant. A row none of the working
 * columns is in holds on held columns only, so it is met, and is left out (its slack basic, its
 * dual zero); a row whose bound a re-solve moves comes in with its columns.
 *
 * After each solve of the working model, every held column is priced with the working model's row
 * duals. Where none would improve the objective, those duals with the held columns at their bounds
 * satisfy the whole LP's optimality conditions, so the working optimum is the LP's optimum (LP
 * duality: the same primal value, a dual solution feasible for every column). Where some would,
 * they join the working model at the bound they sit at (the same primal point: only the duals are
 * infeasible) and it is solved again. An answer the working model cannot give (not optimal:
 * infeasible there need not mean infeasible in the whole LP) is left to the caller.
 */
import type { Highs, ModelData } from 'highs';
import type { Basis } from './types.js';

type Model = ReturnType<Highs['createModel']>;

/** Re-solves on the working model: the optimum at row `row`'s bounds, `undefined` where the working model is not optimal there. Until `dispose`. */
export interface SiftedReSolves {
  objectiveWithRowBounds(row: number, lower: number | null, upper: number | null): number | undefined;
  /** Columns in the working model now. */
  columns(): number;
  /** Whether row `row` is in the working model now (a row none of its columns are in is left out). */
  hasRow(row: number): boolean;
  dispose(): void;
}

/** A column priced this close to zero (relative to its cost's scale) joins the working model from the start. */
const NEAR_ZERO = 1e-6;
/** A row left out of the working model is broken by its held columns beyond this (times its bound's size, at least 1). */
const FEASIBILITY = 1e-9;
/** A held column improves the objective when its reduced cost has the wrong sign by more than this (times 1 + |cost|). */
const PRICE_TOLERANCE = 1e-9;

/** The LP's data as the working models read it: its arrays, and the matrix by column as well as by row. */
interface Shape {
  readonly h: Highs;
  readonly data: ModelData;
  readonly n: number;
  readonly m: number;
  readonly cost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly rowStart: Int32Array;
  readonly colOf: Int32Array;
  readonly colStart: Int32Array;
  readonly rowOf: Int32Array;
  readonly valueOf: Float64Array;
}

/** The matrix by column, kept by the row-wise matrix's arrays (the same for the re-solves of one LP at other bounds: highs-backend.ts). */
const byColumn = new WeakMap<Int32Array, { readonly colStart: Int32Array; readonly rowOf: Int32Array; readonly valueOf: Float64Array }>();

function shapeOf(h: Highs, data: ModelData): Shape {
  const n = data.numCols;
  const m = data.numRows;
  const csr = data.matrix as { starts: Int32Array; indices: Int32Array; values: Float64Array };
  let columns = byColumn.get(csr.indices);
  if (!columns || columns.colStart.length !== n + 1) {
    const nnz = csr.starts[m]!;
    const colStart = new Int32Array(n + 1);
    for (let k = 0; k < nnz; k++) colStart[csr.indices[k]! + 1]!++;
    for (let j = 0; j < n; j++) colStart[j + 1]! += colStart[j]!;
    const rowOf = new Int32Array(nnz);
    const valueOf = new Float64Array(nnz);
    const fill = colStart.slice(0, n);
    for (let i = 0; i < m; i++) {
      for (let k = csr.starts[i]!; k < csr.starts[i + 1]!; k++) {
        const at = fill[csr.indices[k]!]!++;
        rowOf[at] = i;
        valueOf[at] = csr.values[k]!;
      }
    }
    columns = { colStart, rowOf, valueOf };
    byColumn.set(csr.indices, columns);
  }
  const { colStart, rowOf, valueOf } = columns;
  return {
    h,
    data,
    n,
    m,
    cost: data.colCost as Float64Array,
    colLower: data.colLower as Float64Array,
    colUpper: data.colUpper as Float64Array,
    rowLower: data.rowLower as Float64Array,
    rowUpper: data.rowUpper as Float64Array,
    rowStart: csr.starts,
    colOf: csr.indices,
    colStart,
    rowOf,
    valueOf,
  };
}

/** A working model: solves at the rows' bounds as they are set. */
interface Working {
  /** Solve, pricing the held columns and taking in those that would improve it, until none would: the whole LP's optimum, or undefined where the working model is not optimal. */
  solve(): number | undefined;
  /** Row `row`'s bounds for the solves after (a row left out comes in with its columns: its bound moves, so they may have to). */
  setRow(row: number, lower: number, upper: number): void;
  columns(): number;
  hasRow(row: number): boolean;
  /** The whole LP's solution at the working model's optimum (after `solve` answered): held columns at their bounds, left-out rows basic with dual 0. */
  solution(): WholeSolution;
  dispose(): void;
}

/** An optimal solution of the whole LP, in HiGHS's terms. */
export interface WholeSolution {
  readonly objective: number;
  readonly values: Float64Array;
  readonly duals: Float64Array;
  readonly reducedCosts: Float64Array;
  readonly basis: Basis;
}

/**
 * A working model of `shape` at a basis of it (`colStatus`, `rowStatus`: HiGHS's codes; an optimal
 * one, or a start from elsewhere) and the columns' reduced costs there (or estimates of them), or
 * null where it would hold more than half the columns or a left-out row is broken by columns that
 * cannot move.
 */
function openWorking(shape: Shape, colStatus: Int32Array, rowStatus: Int32Array, reduced: ArrayLike<number>): Working | null {
  const { h, data, n, m, cost, colLower, colUpper, rowLower, rowUpper, colStart, rowOf, valueOf } = shape;
  const inf = h.infinity;
  const maximize = data.sense === h.constants.objectiveSense.maximize;
  const { lower: AT_LOWER, upper: AT_UPPER, basic: BASIC } = h.constants.basisStatus;
  const finite = (bound: number) => Number.isFinite(bound) && Math.abs(bound) < inf;

  /** Where a held column sits. */
  const valueAt = (j: number) => (colStatus[j] === AT_UPPER ? colUpper[j]! : colLower[j]!);
  const held = new Uint8Array(n);
  /** The working model's columns, in its order. */
  const inModel: number[] = [];
  for (let j = 0; j < n; j++) {
    const s = colStatus[j]!;
    const atBound = (s === AT_LOWER || s === AT_UPPER) && finite(valueAt(j));
    const movable = colLower[j] !== colUpper[j];
    if (atBound && !(movable && Math.abs(reduced[j]!) <= NEAR_ZERO * (1 + Math.abs(cost[j]!)))) held[j] = 1;
    else inModel.push(j);
  }
  /** Each row's part from held columns, and the objective's. */
  const heldPart = new Float64Array(m);
  let offset = 0;
  const sumHeld = () => {
    heldPart.fill(0);
    offset = 0;
    for (let j = 0; j < n; j++) {
      if (!held[j]) continue;
      const x = valueAt(j);
      if (x === 0) continue;
      offset += cost[j]! * x;
      for (let k = colStart[j]!; k < colStart[j + 1]!; k++) heldPart[rowOf[k]!]! += valueOf[k]! * x;
    }
  };
  sumHeld();
  // A row none of the working columns is in is left out, met by its held columns: where they break
  // it (a start that is not an optimum of this LP: another LP's, a relaxation's), its columns that
  // can move join the working model, and the row with them. One it cannot join breaks the LP.
  const inRows = new Uint8Array(m);
  for (const j of inModel) for (let k = colStart[j]!; k < colStart[j + 1]!; k++) inRows[rowOf[k]!] = 1;
  let released = false;
  for (let i = 0; i < m; i++) {
    if (inRows[i]) continue;
    const v = heldPart[i]!;
    const breaks = (finite(rowLower[i]!) && v < rowLower[i]! - FEASIBILITY * Math.max(1, Math.abs(rowLower[i]!))) || (finite(rowUpper[i]!) && v > rowUpper[i]! + FEASIBILITY * Math.max(1, Math.abs(rowUpper[i]!)));
    if (!breaks) continue;
    let freed = 0;
    for (let k = shape.rowStart[i]!; k < shape.rowStart[i + 1]!; k++) {
      const j = shape.colOf[k]!;
      if (held[j] && colLower[j] !== colUpper[j]) {
        held[j] = 0;
        inModel.push(j);
        for (let q = colStart[j]!; q < colStart[j + 1]!; q++) inRows[rowOf[q]!] = 1;
        freed++;
      }
    }
    if (freed === 0) return null;
    released = true;
  }
  if (released) sumHeld();
  if (inModel.length * 2 > n) return null;
  /** The held columns that can move (lower bound below the upper): the ones priced. */
  let priced = Int32Array.from({ length: n }, (_, j) => j).filter((j) => held[j] === 1 && colLower[j] !== colUpper[j]);

  /** Each row's bounds as set (the LP's until `setRow`), and as the working model has them (less the held part). */
  const setLower = Float64Array.from(rowLower);
  const setUpper = Float64Array.from(rowUpper);
  const lowerOf = (i: number) => (finite(setLower[i]!) ? setLower[i]! - heldPart[i]! : setLower[i]!);
  const upperOf = (i: number) => (finite(setUpper[i]!) ? setUpper[i]! - heldPart[i]! : setUpper[i]!);

  /** The held columns of row i. */
  const heldIn = (i: number): number[] => {
    const found: number[] = [];
    for (let k = shape.rowStart[i]!; k < shape.rowStart[i + 1]!; k++) if (held[shape.colOf[k]!]) found.push(shape.colOf[k]!);
    return found;
  };

  /** Each row's index in the working model, -1 where it is left out; the rows in it, in order. */
  const rowAt = new Int32Array(m).fill(-1);
  const rowsIn: number[] = [];
  for (let i = 0; i < m; i++) if (inRows[i]) rowAt[i] = rowsIn.push(i) - 1;

  /** Columns `cols` as the working model's data (rows as numbered there). */
  const columnsOf = (cols: readonly number[]) => {
    const k = cols.length;
    const starts = new Int32Array(k + 1);
    for (let c = 0; c < k; c++) starts[c + 1] = starts[c]! + colStart[cols[c]! + 1]! - colStart[cols[c]!]!;
    const indices = new Int32Array(starts[k]!);
    const values = new Float64Array(starts[k]!);
    for (let c = 0, at = 0; c < k; c++) {
      for (let q = colStart[cols[c]!]!; q < colStart[cols[c]! + 1]!; q++, at++) {
        indices[at] = rowAt[rowOf[q]!]!;
        values[at] = valueOf[q]!;
      }
    }
    return {
      cost: Float64Array.from(cols, (j) => cost[j]!),
      lower: Float64Array.from(cols, (j) => colLower[j]!),
      upper: Float64Array.from(cols, (j) => colUpper[j]!),
      matrix: { format: 'csc' as const, numRows: rowsIn.length, numCols: k, starts, indices, values },
    };
  };

  const first = columnsOf(inModel);
  /**
   * The working model's basis as of its last optimal solve (or as set): HiGHS gives none once a
   * bound has changed since (a probe's bounds put back), and a row left out may join just then.
   */
  let basisNow: Basis = { colStatus: Int32Array.from(inModel, (j) => colStatus[j]!), rowStatus: Int32Array.from(rowsIn, (i) => rowStatus[i]!) };
  let model: Model;
  try {
    model = h.createModel({
      numCols: inModel.length,
      numRows: rowsIn.length,
      sense: data.sense,
      colCost: first.cost,
      colLower: first.lower,
      colUpper: first.upper,
      rowLower: Float64Array.from(rowsIn, lowerOf),
      rowUpper: Float64Array.from(rowsIn, upperOf),
      matrix: first.matrix,
    });
  } catch {
    return null;
  }
  try {
    model.options.set({ output_flag: false, presolve: 'off' });
    model.setBasis(basisNow);
  } catch {
    model.dispose();
    return null;
  }

  /** Held columns that would improve the objective at the working model's row duals y (zero for the rows left out). */
  /** Held column j's reduced cost at the working model's row duals y (zero for the rows left out). */
  const reducedAt = (j: number, y: Float64Array): number => {
    let d = cost[j]!;
    for (let k = colStart[j]!; k < colStart[j + 1]!; k++) {
      const i = rowAt[rowOf[k]!]!;
      if (i >= 0) d -= valueOf[k]! * y[i]!;
    }
    return d;
  };
  const improving = (y: Float64Array): number[] => {
    const found: number[] = [];
    for (let c = 0; c < priced.length; c++) {
      const j = priced[c]!;
      const d = reducedAt(j, y);
      // Minimising, a column at its lower bound improves the objective when its reduced cost is
      // negative, at its upper bound when positive; maximising, the other way round.
      const tol = PRICE_TOLERANCE * (1 + Math.abs(cost[j]!));
      if ((colStatus[j] === AT_UPPER) !== maximize ? d > tol : d < -tol) found.push(j);
    }
    return found;
  };

  /**
   * Columns `cols` (held) join the working model at the bound they sit at, the same point: the rows
   * they touch (and `rows`) get their part back in their bounds, and a row left out so far comes
   * in, its slack basic.
   */
  const join = (cols: readonly number[], rows: readonly number[] = []) => {
    const touched = new Set<number>(rows);
    for (const j of cols) {
      held[j] = 0;
      inModel.push(j);
      const x = valueAt(j);
      offset -= cost[j]! * x;
      for (let k = colStart[j]!; k < colStart[j + 1]!; k++) {
        heldPart[rowOf[k]!]! -= valueOf[k]! * x;
        touched.add(rowOf[k]!);
      }
    }
    priced = priced.filter((j) => held[j] === 1);
    const now = model.getModelStatus() === h.constants.modelStatus.optimal ? model.getBasis() : basisNow;
    const sorted = [...touched].sort((a, b) => a - b);
    const back = sorted.filter((i) => rowAt[i]! >= 0);
    const added = sorted.filter((i) => rowAt[i]! < 0);
    if (added.length > 0) {
      const columnsBefore = now.colStatus.length;
      for (const i of added) rowAt[i] = rowsIn.push(i) - 1;
      const none = { format: 'csr' as const, numRows: added.length, numCols: columnsBefore, starts: new Int32Array(added.length + 1), indices: new Int32Array(0), values: new Float64Array(0) };
      model.addRows({ lower: Float64Array.from(added, lowerOf), upper: Float64Array.from(added, upperOf), matrix: none });
    }
    model.addCols(columnsOf(cols));
    if (back.length > 0) {
      const at = Int32Array.from(back, (i) => rowAt[i]!);
      const order = Int32Array.from(at.keys()).sort((a, b) => at[a]! - at[b]!);
      model.changeRowsBounds(
        { kind: 'set', indices: Int32Array.from(order, (o) => at[o]!) },
        Float64Array.from(order, (o) => lowerOf(back[o]!)),
        Float64Array.from(order, (o) => upperOf(back[o]!)),
      );
    }
    const colStatuses = new Int32Array(inModel.length);
    colStatuses.set(now.colStatus);
    cols.forEach((j, c) => (colStatuses[now.colStatus.length + c] = colStatus[j]!));
    const rowStatuses = new Int32Array(rowsIn.length).fill(BASIC);
    rowStatuses.set(now.rowStatus);
    basisNow = { colStatus: colStatuses, rowStatus: rowStatuses };
    model.setBasis(basisNow);
  };

  return {
    solve() {
      for (;;) {
        model.run();
        if (model.getModelStatus() !== h.constants.modelStatus.optimal) return undefined;
        const more = improving(model.getSolution().rowDual);
        if (more.length === 0) {
          basisNow = model.getBasis();
          return model.getObjectiveValue() + offset;
        }
        join(more);
      }
    },
    setRow(row, lower, upper) {
      setLower[row] = lower;
      setUpper[row] = upper;
      if (rowAt[row]! < 0) join(heldIn(row), [row]);
      else model.changeRowBounds(rowAt[row]!, lowerOf(row), upperOf(row));
    },
    columns: () => inModel.length,
    hasRow: (row) => rowAt[row]! >= 0,
    solution() {
      const s = model.getSolution();
      const basis = model.getBasis();
      const values = new Float64Array(n);
      const reducedCosts = new Float64Array(n);
      const colStatuses = Int32Array.from(colStatus);
      for (let j = 0; j < n; j++) {
        if (!held[j]) continue;
        values[j] = valueAt(j);
        reducedCosts[j] = reducedAt(j, s.rowDual);
      }
      inModel.forEach((j, c) => {
        values[j] = s.colValue[c]!;
        reducedCosts[j] = s.colDual[c]!;
        colStatuses[j] = basis.colStatus[c]!;
      });
      const duals = new Float64Array(m);
      const rowStatuses = new Int32Array(m).fill(BASIC);
      rowsIn.forEach((i, r) => {
        duals[i] = s.rowDual[r]!;
        rowStatuses[i] = basis.rowStatus[r]!;
      });
      return { objective: model.getObjectiveValue() + offset, values, duals, reducedCosts, basis: { colStatus: colStatuses, rowStatus: rowStatuses } };
    },
    dispose: () => model.dispose(),
  };
}

/**
 * The whole LP `data` solved on a working model opened at `basis` (HiGHS's codes: one basic
 * variable per row; it need not be feasible nor optimal): the columns basic there or whose
 * `reduced` cost is near zero start in it, every other column held at the bound it sits at until
 * the pricing calls it in. Undefined where the working model would not be much smaller, HiGHS
 * refuses it, or it is not optimal (infeasible there need not be infeasible in the whole LP): the
 * caller solves the whole LP then. `reduced` may be estimates (another objective's, or an
 * approximation's): they choose where the working model starts, never what it ends at.
 */
export function solveOnWorkingModel(h: Highs, data: ModelData, basis: Basis, reduced: ArrayLike<number>): WholeSolution | undefined {
  const working = openWorking(shapeOf(h, data), basis.colStatus, basis.rowStatus, reduced);
  if (!working) return undefined;
  try {
    return working.solve() === undefined ? undefined : working.solution();
  } catch {
    // HiGHS refused the working model: the whole LP answers
    return undefined;
  } finally {
    working.dispose();
  }
}

/**
 * Re-solves of `data` with one row's bounds moved, on a working model opened at its optimum: the
 * optimal `basis` and the columns' reduced costs there; null where the working model would not be
 * much smaller or is not optimal at the start.
 */
export function openSifted(h: Highs, data: ModelData, basis: Basis, reduced: Float64Array): SiftedReSolves | null {
  const shape = shapeOf(h, data);
  const { colStatus, rowStatus } = basis;
  const open = () => {
    const working = openWorking(shape, colStatus, rowStatus, reduced);
    try {
      if (working?.solve() !== undefined) return working;
    } catch {
      // HiGHS refused the working model: none
    }
    working?.dispose();
    return null;
  };
  // A search that moves a bound far (the budget's) takes many columns into the working model, and
  // every re-solve after it pays for them: when a re-solve moves another row and the working model
  // has grown to twice its size at the start, it starts again from the start.
  let current = open();
  if (!current) return null;
  const started = current.columns();
  let lastRow = -1;
  const inf = h.infinity;
  return {
    objectiveWithRowBounds(row, lower, upper) {
      if (row !== lastRow && current!.columns() > 2 * started) {
        current!.dispose();
        current = open();
        if (!current) throw new Error('the working model did not open again');
      }
      lastRow = row;
      const working = current!;
      working.setRow(row, lower ?? -inf, upper ?? inf);
      try {
        return working.solve();
      } finally {
        working.setRow(row, shape.rowLower[row]!, shape.rowUpper[row]!);
      }
    },
    columns: () => current!.columns(),
    hasRow: (row) => current!.hasRow(row),
    dispose: () => current?.dispose(),
  };
}
