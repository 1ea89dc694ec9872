/**
 * The solver-neutral LP and what a backend returns. Backends know nothing of policies;
 * the model knows no backend. Names here are opaque: provenance lives with the model.
 */

export interface Column {
  readonly lower: number;
  readonly upper: number;
  readonly cost: number;
  /** An integer column (absent: continuous). A model with one is a MIP: only HiGHS solves it. */
  readonly integer?: boolean;
  /** Semi-continuous: 0, or between `lower` and `upper` (a MIP column as well). */
  readonly semicontinuous?: boolean;
}

/** Whether any column of `lp` is integer. */
export function isMip(lp: LinearProgram): boolean {
  return lp.columns.some((c) => c.integer || c.semicontinuous);
}

/** MIP results: the best bound proven and the relative gap of the incumbent to it. */
export interface MipInfo {
  readonly bound: number;
  readonly gap: number;
}

export interface Row {
  /** Sparse terms: [column index, coefficient]. */
  readonly terms: readonly (readonly [number, number])[];
  readonly lower: number | null;
  readonly upper: number | null;
}

export interface LinearProgram {
  readonly sense: 'max' | 'min';
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
}

export type SolveResult =
  | {
      readonly status: 'optimal';
      readonly objective: number;
      readonly values: Float64Array;
      /** Row duals (shadow prices) where the backend gives them. */
      readonly duals?: Float64Array;
      /** Column reduced costs (cost less the rows' duals times the column's terms) where the backend gives them with the row duals. */
      readonly reducedCosts?: Float64Array;
      readonly mip?: MipInfo;
      /** The optimal basis, where the backend gives one: a warm start for a related LP. */
      readonly basis?: Basis;
      readonly backend: string;
      readonly raw: string;
    }
  | {
      /** Stopped by the time (or iteration) limit: the point reached, which need not be feasible. */
      readonly status: 'time-limit';
      readonly detail: string;
      readonly values: Float64Array | null;
      readonly duals?: Float64Array;
      readonly mip?: MipInfo;
      readonly backend: string;
      readonly raw: string;
    }
  | {
      readonly status: 'infeasible' | 'unbounded' | 'error';
      readonly detail: string;
      readonly backend: string;
      readonly raw: string;
    };

/**
 * A simplex basis: per column and per row, one of HiGHS's basis codes (0 at lower, 1 basic,
 * 2 at upper, 3 zero, 4 nonbasic). HiGHS gives and takes one, the network simplex gives one
 * (its spanning tree); javascript-lp-solver neither.
 */
export interface Basis {
  readonly colStatus: Int32Array;
  readonly rowStatus: Int32Array;
}

/** How an integer model's search stands (HiGHS reports it every so often while it runs). */
export interface MipProgress {
  /** Seconds since this solve started. */
  readonly seconds: number;
  /** Whether an allocation meeting every rule has been found yet. */
  readonly found: boolean;
  /** The relative gap between the best allocation found and the proven bound (null: none found yet). */
  readonly gap: number | null;
}

export interface SolveOptions {
  readonly timeLimitSeconds?: number;
  /** Simplex iteration limit (reported as 'time-limit'): a deterministic limit for tests. */
  readonly iterationLimit?: number;
  /** MIP: the relative gap at which to stop (0: prove optimality; the default for MIPs). */
  readonly mipRelGap?: number;
  /**
   * Start from this basis (an LP's optimal basis; for an LP with rows added at the end, the
   * added rows' slacks are made basic). A hint: a backend may ignore it; the answer is the same.
   */
  readonly warmStart?: Basis;
  /**
   * The columns' reduced costs at `warmStart` (under this LP's costs or another objective's, as
   * stage one's for the tie rule's stage): a backend may solve a large LP first on the columns
   * basic there or priced near zero, the rest held at their bounds until its pricing calls them in
   * (highs-backend.ts). A hint: the answer is an optimum of the LP either way.
   */
  readonly reducedCosts?: ArrayLike<number>;
  /**
   * MIP: a point to start from, one value per column (a known feasible selection, e.g. a first
   * stage's optimum). A hint: a backend may ignore it, or find it infeasible; the answer is the same.
   */
  readonly mipStart?: ArrayLike<number>;
}

export interface Backend {
  readonly name: string;
  /**
   * It solves models with integer or semi-continuous columns (MIPs), to a proven optimum or a
   * stated gap. Absent: it refuses them, and a model with one must go to another backend.
   */
  readonly solvesIntegers?: boolean;
  solve(lp: LinearProgram, options?: SolveOptions): SolveResult;
  /**
   * Where a backend can: the best solution of `lp` and, among all of them, the best for the
   * `secondary` costs (same sense, whole numbers), exactly, in one solve. Without it the model
   * solves a second LP with the first objective held (see model/priority.ts).
   */
  solveTieBroken?(lp: LinearProgram, secondary: ArrayLike<number>, options?: SolveOptions): SolveResult;
}

export interface Picked {
  readonly backend: Backend;
  /** Why this backend, for the summary. */
  readonly reason: string;
}

/** Chooses a backend for each LP a model hands over (select.ts `loadPicker`). */
export type Picker = (lp: LinearProgram) => Picked;

/**
 * What a model will hand a picker, so that the backends it needs can be made ready first
 * (select.ts `needsOf`): an integer model, or these LPs (none: it needs no backend).
 */
export interface PickerWork {
  readonly integerModel: boolean;
  readonly lps: readonly LinearProgram[];
}

/** Objective of `values` under `lp` (for checks and for stage-two constraints). */
export function objectiveOf(lp: LinearProgram, values: ArrayLike<number>): number {
  let s = 0;
  lp.columns.forEach((c, j) => (s += c.cost * values[j]!));
  return s;
}

/**
 * A solved LP kept open for sensitivity questions: its row duals, and the optimal value
 * after moving one row's bounds (re-solved warm, so a handful of pivots). The network simplex
 * (network.ts, for network LPs) and HiGHS (highs.ts, for any LP) offer it; the model layer asks
 * for it through this interface (select.ts, `openSensitivity`).
 */
export interface ParametricLp {
  readonly objective: number;
  readonly duals: Float64Array;
  /** How far each row's active bound can move with the same basis (a hint; callers verify by re-solving). */
  readonly rangeUp: ArrayLike<number>;
  readonly rangeDown: ArrayLike<number>;
  /** Each row's activity (the sum of its terms) at the kept optimum, where the backend gives it. */
  readonly activity?: ArrayLike<number>;
  /**
   * The ranges are exact, not hints: within [rangeDown, rangeUp] of a row's finite active bound
   * (its upper if it has one, else its lower) the optimum stays on the same basis, so the optimal
   * objective there is the objective plus the row's dual times the distance moved.
   */
  readonly rangesExact?: boolean;
  /**
   * `objectiveWithRowBounds` answers the exact optimum (as the nearest double), not a solver's
   * floating approximation: bounds drawn from its answers (the optimum is concave in a row's bound)
   * are then bounds on what any other answer would be.
   */
  readonly valuesExact?: boolean;
  /** Optimal objective with row `row`'s bounds moved, or null when that is infeasible. */
  objectiveWithRowBounds(row: number, lower: number | null, upper: number | null): number | null;
  /**
   * Where the backend can: `fallback` with its tie-broken solve answered from the kept optimum for
   * this LP with one row's bounds moved (the same columns, costs and other rows), when the point is
   * provably the LP's only optimum, so that its values and objective are those any exact solve
   * gives (its duals are the kept tree's, and it carries no basis); every other LP, and any it
   * cannot prove, `fallback` solves. Until dispose.
   */
  warm?(fallback: Backend): Backend;
  /**
   * Whether `other` is this LP with one row's bounds moved (the same sides bounded, by finite
   * numbers) and is a network LP as this one is: what the network detection would say of it, found
   * from this LP's form and the moved bounds' scale alone. Where the backend can.
   */
  sameNetwork?(other: LinearProgram): boolean;
  /** What another thread needs to open the same model and re-solve it there (highs.ts `openProbes`), where the backend can. */
  readonly shared?: SharedModel;
  dispose(): void;
}

/**
 * A solved model as another thread opens it (highs.ts `openProbes`): the data of the backend that
 * made it, opaque to everyone else (typed arrays and numbers only, so a message carries it), and
 * the basis to start from.
 */
export interface SharedModel {
  readonly model: unknown;
  readonly basis?: Basis;
}
