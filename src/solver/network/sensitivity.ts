/**
 * Sensitivity on the network simplex ({@link openNetworkParametric}): the optimal tree kept as a
 * `Simplex` object answers "the optimum with this row's bounds replaced" by a few warm primal
 * pivots from that tree (pricing only the candidates, see `Simplex.startCandidates`), restoring
 * the kept optimum after each answer; each row's active bound is ranged along its arc's cycle.
 * `warm` answers a tie-broken solve of the LP with one row's bounds moved the same way, then the
 * tie stage, where the point it ends in is provably the only optimum (so a cold solve gives it too).
 */
import type { Backend, LinearProgram, ParametricLp, SolveOptions, SolveResult } from '../types.js';
import { networkOf, whyNotNetwork, type NetworkPlan } from './detect.js';
import { asInteger, boundScaleOf, decimalScale, MAX_DECIMALS, POWERS, SAFE, scaled } from './exact.js';
import type { Simplex } from './simplex.js';
import { objectiveValue, optimalTree, rowDuals, scaledObjective, secondaryCostsOrWhy, solveNetwork, takeSolvedTree, valueOutside } from './solve.js';
import { FIXED, LOWER, TREE, UPPER } from './tree.js';

/** A {@link ParametricLp} on the network simplex, with counters (for tests and benchmarks). */
export interface NetworkParametricLp extends ParametricLp {
  readonly stats: {
    /** Calls of objectiveWithRowBounds; pivots of their warm re-solves; calls answered by a cold solve. */
    readonly calls: number;
    readonly pivots: number;
    readonly cold: number;
    /** Tie-broken re-solves asked of the warm backend (`warm`); those it handed to the fallback after all (not provably the cold answer). */
    readonly warm: number;
    readonly warmRefused: number;
    /** Calls of objectiveWithRowBounds answered from an earlier answer on the same row (see `fromPoint`, `fromCut`). */
    readonly continued: number;
    /** Of those, the calls continued from an answer its move cut (`fromCut`). */
    readonly fromCut: number;
  };
}

/** A row bound as the solver reads it: null for none (null, ±Infinity on the side where it means none). */
function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

/** How far the flow of the non-tree arc `e` can move in direction `dir` (+1: up) before a tree arc on its cycle hits a bound. */
function cycleRoom(sx: Simplex, e: number, dir: number): number {
  const { src, tgt, cap, flow } = sx;
  const { parent, pred, predUp } = sx.tree;
  const first = dir > 0 ? src[e]! : tgt[e]!;
  const second = dir > 0 ? tgt[e]! : src[e]!;
  const join = sx.tree.apex(first, second);
  let t = Infinity;
  for (let w = first; w !== join; w = parent[w]!) {
    const a = pred[w]!;
    t = Math.min(t, predUp[w] ? flow[a]! : cap[a]! - flow[a]!);
  }
  for (let w = second; w !== join; w = parent[w]!) {
    const a = pred[w]!;
    t = Math.min(t, predUp[w] ? cap[a]! - flow[a]! : flow[a]!);
  }
  return t;
}

/** What moving a row's bounds in the kept optimum came to (see `moveRow` in {@link openNetworkParametric}). */
type Moved =
  /** `split`: where the row arc's range ends and the spare arc's room above begins (arc units, scaled), when the move was no cut (see {@link Point}); else null. */
  | { readonly kind: 'solved'; readonly F: number; readonly bs: number; readonly e: number; readonly split: number | null; readonly aLo: number; readonly aHi: number }
  | { readonly kind: 'infeasible' }
  | { readonly kind: 'cold'; readonly lower: number | null; readonly upper: number | null }
  | { readonly kind: 'same' };

/** A warm tie-broken answer: per LP column, the objective, the row duals, the pivots it took. */
interface WarmAnswer {
  readonly values: Float64Array;
  readonly objective: number;
  readonly duals: Float64Array;
  readonly pivots: number;
}

/**
 * Whether the optimum the simplex ended in (primal feasible, no flow on a dominant-cost arc) is the
 * LP's only optimal point for the lexicographic costs (dominant, primary, secondary): every arc
 * out of the tree that can move has a reduced cost that is not 0 on some level and, on the first
 * such level, of the sign that keeps it at its bound. Then, for any feasible point x',
 * cost(x') − cost(x) = Σ over those arcs of d_e (x'_e − x_e) > 0 unless x' keeps every one of them
 * where it is, and the tree arcs' flows follow from those: x' = x. So any exact solver finds this
 * point (a cold solve included, whatever its pivots). The dominant-cost spare arc and the
 * artificial arcs carry nothing in any point of the LP and are not checked. A row arc split over
 * the spare arc (`parallel`: the same ends and costs) is one variable: at a bound when both
 * parts are, strictly inside when one part is at its upper bound and the other at its lower (then
 * not unique as far as this test can tell), free to move with the tree when either is in it.
 */
function uniqueOptimum(sx: Simplex, e: number, parallel: boolean): boolean {
  const { src, tgt, state, c0, c1, c2, A } = sx;
  const { pi0, pi1, pi2 } = sx.tree;
  const p = A;
  const strict = (a: number): boolean => {
    const s = state[a]!;
    const u = src[a]!;
    const v = tgt[a]!;
    const d0 = s * (c0[a]! + pi0[u]! - pi0[v]!);
    if (d0 !== 0) return d0 > 0;
    const d1 = s * (c1[a]! + pi1[u]! - pi1[v]!);
    if (d1 !== 0) return d1 > 0;
    return s * (c2[a]! + pi2[u]! - pi2[v]!) > 0;
  };
  for (let a = 0; a < A; a++) {
    const s = state[a]!;
    if (s === TREE || s === FIXED || (parallel && a === e)) continue;
    if (!strict(a)) return false;
  }
  if (!parallel || state[e] === TREE || state[p] === TREE) return true;
  if (state[p] === FIXED) return state[e] === FIXED || strict(e);
  return (state[e] === FIXED || state[e] === state[p]) && strict(p);
}

/** What a warm re-solve changes in a `Simplex`, copied (see {@link keep}). */
interface Kept {
  readonly arrays: readonly (readonly [Float64Array | Int32Array | Int8Array | Uint8Array, Float64Array | Int32Array | Int8Array | Uint8Array])[];
  readonly scalars: readonly [number, number, number, number];
}

/**
 * A copy of the arcs' bounds, flows and states (the first four arrays; without `arcs`, none), the
 * tree and the pricing position; {@link restore} brings it back. `into`: a copy of the same kind to overwrite.
 */
function keep(sx: Simplex, into?: Kept, arcs = true): Kept {
  const t = sx.tree;
  const tree = [t.parent, t.pred, t.predUp, t.thread, t.rev, t.size, t.last, t.pi0, t.pi1, t.pi2];
  const arrays = arcs ? [sx.lo, sx.cap, sx.flow, sx.state, ...tree] : tree;
  return {
    arrays: arrays.map((a, i) => {
      const copy = into?.arrays[i]![1];
      if (copy) (copy as typeof a).set(a as never);
      return [a, copy ?? a.slice()] as const;
    }),
    scalars: [sx.priced, sx.nextArc, sx.artsInTree, sx.dominantOut],
  };
}

/**
 * An optimum re-solved with one row's bounds moved without a cut, kept for the next calls on the
 * same row: the row arc `e` has the range [aLo, split] and the spare arc, parallel to it with cost
 * 0, the room [0, aHi − split] above (none when split = aHi), all scaled by `F`; `delta`: what the
 * pivots from the kept optimum changed the objective by (exactly, see `Simplex.delta`).
 */
interface Point {
  readonly row: number;
  /** An optimum the move cut (see `fromCut`): its row arc is at the bound [aLo, aHi], the spare arc unused; `split` is aHi. */
  readonly cut: boolean;
  readonly F: number;
  readonly aLo: number;
  readonly aHi: number;
  readonly split: number;
  /** A copy of the whole state (F ≠ 1), or of the tree alone, the arcs that differ from the kept optimum's in `arcValues`. */
  readonly kept: Kept;
  /** The arcs whose bounds, flows or states differ from the kept optimum's (all of them besides, when F ≠ 1). */
  readonly touched: Int32Array;
  /** Where `kept` holds no arcs: the touched arcs' lower bounds, capacities and flows (three per arc) and states. */
  readonly arcValues: Float64Array | null;
  readonly arcStates: Int8Array | null;
  readonly spareEnds: readonly [number, number];
  readonly delta: readonly [number, number];
  used: number;
}

/** Back to the kept state: pricing over all arcs again, no pivot's cost counted, the spare arcs costless. */
function restore(sx: Simplex, kept: Kept): void {
  for (const [a, copy] of kept.arrays) a.set(copy as never);
  restoreScalars(sx, kept);
}

/** The kept scalars back, pricing over all arcs again, no pivot's cost counted, the spare arcs costless. */
function restoreScalars(sx: Simplex, kept: Kept): void {
  [sx.priced, sx.nextArc, sx.artsInTree, sx.dominantOut] = kept.scalars;
  sx.candidates = 0;
  sx.delta.s = 0;
  sx.delta.t = 0;
  for (let e = sx.A; e < sx.artBase; e++) {
    sx.c0[e] = 0;
    sx.c1[e] = 0;
    sx.c2[e] = 0;
  }
}

/**
 * `restore`, copying of the arcs' bounds, flows and states only those of the arcs `sx` listed as
 * touched since its kept state (see `Simplex.startTouched`): the others are still the kept ones.
 */
function restoreTouched(sx: Simplex, kept: Kept): void {
  const touched = sx.touched!;
  const count = sx.touchedCount;
  for (let i = 0; i < 4; i++) {
    const [a, copy] = kept.arrays[i]!;
    for (let k = 0; k < count; k++) {
      const e = touched[k]!;
      a[e] = copy[e]!;
    }
  }
  for (let i = 4; i < kept.arrays.length; i++) {
    const [a, copy] = kept.arrays[i]!;
    a.set(copy as never);
  }
  restoreScalars(sx, kept);
}

/** Multiply every bound and flow by `f` (a power of ten: a finer bound scale; the tree stays optimal). */
function rescale(sx: Simplex, f: number): void {
  const { lo, cap, flow } = sx;
  for (let e = 0; e < sx.T; e++) {
    lo[e]! *= f;
    cap[e]! *= f;
    flow[e]! *= f;
  }
}

/**
 * An optimal tree of `plan`'s LP for the primary objective: the one `solveNetwork` left (its tie
 * stage's tree is optimal for the primary costs too; the secondary costs and potentials are
 * cleared), else solved here; null when the LP is infeasible.
 */
function solvedTree(plan: NetworkPlan): Simplex | null {
  const kept = takeSolvedTree(plan);
  if (kept) {
    kept.c2.fill(0);
    kept.tree.pi2.fill(0);
    return kept;
  }
  const solved = optimalTree(plan, null, 1);
  return solved.status === 'optimal' ? solved.sx : null;
}

/**
 * The LP's optimum kept open for sensitivity questions (primary objective only), or null when the
 * LP is infeasible.
 *
 * - `objective`, `duals`: as {@link solveNetwork} gave them (its optimal tree, when it solved this plan).
 * - `rangeUp[r]` / `rangeDown[r]`: how far row r's active bound (its upper bound if it has one, else
 *   its lower) can rise / fall with the optimal tree unchanged, in the LP's units. A row at that
 *   bound (its arc out of the tree, at the bound): the primal ratio test along the cycle its arc
 *   closes with the tree, both ways (and not below the row's other bound); a row not at it: from
 *   its activity on, unlimited the other way (±Infinity). Exact for the tree; with a degenerate
 *   tree (a tree arc at a bound) the range can be empty although the slope holds further.
 * - `objectiveWithRowBounds(row, lower, upper)`: the exact optimal objective with the row's bounds
 *   replaced (null: none), or null when infeasible, re-solved from the kept optimal tree. The row's
 *   arc takes the new bounds; its current flow is kept feasible by one extra arc parallel to it:
 *   when the flow is still within the new bounds and the arc is out of the tree, the arc keeps
 *   [new lower, flow] and a cost-0 arc takes the room above; when the new bounds cut the flow (or
 *   the arc is in the tree, at a new bound, oriented so that the tree would not be strongly
 *   feasible), the arc goes to that bound and the difference goes onto an arc costed on the
 *   dominant level, which the simplex drives out (infeasible when it cannot). A side without a
 *   bound is the row's natural limit (the sum of its columns' bounds), which changes nothing. Then
 *   primal pivots; afterwards the kept optimum is restored (typed-array copies: of the tree, and of
 *   the arcs the pivots touched, or of every arc after a change of bound scale). A call on the row
 *   of the last calls whose bounds only widen the row arc's range of one of their answers (one
 *   solved without cutting the flow, on a large LP in 32 pivots or more: up to three kept, as
 *   copies of the tree and the arcs that differ from the kept optimum) starts from that answer's optimum
 *   instead (`fromPoint`): the range search of model/marginal.ts asks a row at points moving away
 *   from its bound, and from the nearest such point it takes a few pivots where the kept optimum
 *   takes hundreds. Likewise a call whose bounds narrow further the range of an answer whose move
 *   cut the flow (kept where it left the spare arc unused, on the plan's bound scale) starts from
 *   that answer's optimum (`fromCut`): a floor raised, or a ceiling lowered, past the row's
 *   activity step by step. The optimum's objective is the same exact integer either way, so
 *   answers do not depend on the order of calls.
 *
 *   Bound scale: a new bound is taken on the terms the plan takes the LP's own bounds: as the
 *   decimal it is at the smallest k ≤ 6 where v × 10^k is within 1e-12 (relatively) of an integer,
 *   and that is exact: when it needs more places than the plan's scale, the kept state is scaled
 *   to 10^k for that call (flows and bounds × 10^(k − plan's k); the tree stays optimal). A double
 *   with no such form (b + range/2^k, say) is rounded to the nearest multiple of 10^-6 (in the
 *   LP's units: ¥0.01 for 万元), or of the finest 10^-k at which the plan's bound sum × 10^k stays
 *   within 2^52, when that is coarser. The answer is exact for the bound so taken (the same as a
 *   cold solve of the LP with that bound).
 *   More pivots than arcs + nodes + 1000 (cycling, in principle possible from a tree that the
 *   removal of zero-flow artificial arcs left not strongly feasible) falls back to a cold
 *   {@link solveNetwork} of the changed LP, as does a row with no finite bound in the LP (not in
 *   the network; a RangeError when the changed LP is not a network LP).
 * - `warm(fallback)`: `fallback` with its tie-broken solve of this LP with one row's bounds moved
 *   (the same columns, costs, terms and secondary costs as the solve that left the tree) answered
 *   from the kept optimum: the row moved as above, primal pivots, the tie stage on the new optimum's
 *   face, and the point kept only where {@link uniqueOptimum} proves it the LP's only optimum,
 *   hence exactly what a cold solve gives (values, and the objective summed exactly); anything else
 *   `fallback` solves.
 */
export function openNetworkParametric(plan: NetworkPlan): NetworkParametricLp | null {
  const lp = plan.lp;
  const n = lp.columns.length;
  const m = lp.rows.length;
  const sx = solvedTree(plan);
  if (!sx) return null;
  const A = plan.arcCount;
  const N = plan.nodeCount;
  const bs0 = plan.boundScale;
  const kb = POWERS.indexOf(bs0);
  const S0 = scaledObjective(plan, bs0, sx.lo, sx.flow);
  const objective = objectiveValue(plan, S0, bs0);
  const duals = rowDuals(plan, sx);

  // Ranging of each row's active bound.
  const rangeUp = new Float64Array(m).fill(Infinity);
  const rangeDown = new Float64Array(m).fill(-Infinity);
  for (let r = 0; r < m; r++) {
    const e = plan.rowArc[r]!;
    if (e < 0) continue;
    const row = lp.rows[r]!;
    const lo = finiteOrNull(row.lower);
    const hi = finiteOrNull(row.upper);
    const activeUpper = hi !== null;
    const b = activeUpper ? hi : lo!;
    const reversed = plan.arcReversed[e] === 1;
    const f = sx.lo[e]! + sx.flow[e]!;
    const activity = reversed ? -f : f; // scaled
    if (sx.state[e] !== TREE && activity === scaled(b, bs0)) {
      const dirUp = reversed ? -1 : 1; // the arc's flow moves this way when the activity rises
      rangeUp[r] = b + cycleRoom(sx, e, dirUp) / bs0;
      const down = b - cycleRoom(sx, e, -dirUp) / bs0;
      rangeDown[r] = activeUpper && lo !== null ? Math.max(down, lo) : down;
    } else if (activeUpper) {
      rangeDown[r] = activity / bs0 + 0;
    } else {
      rangeUp[r] = activity / bs0 + 0;
    }
  }

  // The natural limits of each row arc (the sums of its columns' bounds, in the arc's direction).
  const natLo = new Float64Array(A);
  const natHi = new Float64Array(A);
  for (let r = 0; r < m; r++) {
    const e = plan.rowArc[r]!;
    if (e < 0) continue;
    let sLo = 0;
    let sHi = 0;
    for (const [j, v] of lp.rows[r]!.terms) {
      if (v === 0) continue;
      const a = plan.columnArc[j]!;
      sLo += plan.arcLower[a]!;
      sHi += plan.arcUpper[a]!;
    }
    natLo[e] = plan.arcReversed[e] ? -sHi + 0 : sLo;
    natHi[e] = plan.arcReversed[e] ? -sLo + 0 : sHi;
  }
  const kept = keep(sx);
  const sense = lp.sense === 'max' ? -1 : 1;
  // From here on the simplex lists the arcs it changes, and the kept optimum is brought back by
  // copying only those (`backToKept`), but after a change of scale (every arc's bounds and flow).
  sx.startTouched();
  let rescaled = false;
  const backToKept = (): void => {
    if (rescaled) restore(sx, kept);
    else restoreTouched(sx, kept);
    rescaled = false;
    sx.startTouched();
  };

  const spare = A;
  const pivotLimit = A + N + 1000;
  // The LP's bounds as detection lists them, made at the first `sameNetwork`; the row `oneRowMoved`
  // found for the last LP asked about (the picker and the warm backend ask about the same one).
  let bounds: BoundList | undefined;
  let lastMoved: { readonly other: LinearProgram; readonly row: number } | undefined;
  const movedRow = (other: LinearProgram): number => {
    if (lastMoved?.other !== other) lastMoved = { other, row: oneRowMoved(lp, other) };
    return lastMoved.row;
  };
  const stats = { calls: 0, pivots: 0, cold: 0, warm: 0, warmRefused: 0, continued: 0, fromCut: 0 };
  let disposed = false;

  /** The changed LP solved from scratch (bounds already on the scale used). */
  const cold = (row: number, lower: number | null, upper: number | null): number | null => {
    stats.cold++;
    const rows = lp.rows.slice();
    rows[row] = { ...rows[row]!, lower, upper };
    const changed: LinearProgram = { sense: lp.sense, columns: lp.columns, rows };
    const p = networkOf(changed);
    if (!p) throw new RangeError(`with row ${row}'s bounds replaced the LP is not a network LP: ${whyNotNetwork(changed)}`);
    const s = solveNetwork(p);
    return s.status === 'optimal' ? s.objective : null;
  };

  /**
   * Row arc `e`, its flow `f` cut by its new bounds [aLo, aHi] (or in the tree and at one of them,
   * see `solveWith`), to the bound (the upper when `high`); the difference onto the spare arc,
   * parallel to e in the direction that carries it, costed on the dominant level and priced.
   * The spare arc's capacity and state are the caller's.
   */
  const toBound = (e: number, f: number, high: boolean, aLo: number, aHi: number): void => {
    const { src, tgt, lo, cap, flow, state, c0 } = sx;
    const p = spare;
    const b = high ? aHi : aLo;
    lo[e] = aLo;
    cap[e] = aHi - aLo;
    flow[e] = b - aLo;
    state[e] = cap[e] === 0 ? FIXED : high ? UPPER : LOWER;
    src[p] = high ? src[e]! : tgt[e]!;
    tgt[p] = high ? tgt[e]! : src[e]!;
    lo[p] = 0;
    flow[p] = Math.abs(f - b);
    c0[p] = 1;
    sx.priced = A + 1;
  };

  /**
   * Row arc `e`, out of the tree, split at `split` (arc units): itself [aLo, split] at its upper
   * bound, and where aHi is above it the room above on the spare arc, parallel to e, costless, at
   * its lower bound and priced; whether the spare arc took that room (the caller sets it otherwise).
   */
  const splitRow = (e: number, aLo: number, aHi: number, split: number): boolean => {
    const { src, tgt, lo, cap, flow, state, c0 } = sx;
    const p = spare;
    lo[e] = aLo;
    cap[e] = split - aLo;
    flow[e] = cap[e]!;
    state[e] = cap[e] === 0 ? FIXED : UPPER;
    if (!(aHi > split)) return false;
    src[p] = src[e]!;
    tgt[p] = tgt[e]!;
    lo[p] = 0;
    cap[p] = aHi - split;
    flow[p] = 0;
    c0[p] = 0;
    state[p] = LOWER;
    sx.priced = A + 1;
    return true;
  };

  /**
   * The kept optimum with row `row`'s bounds replaced, re-solved by primal pivots on the primary
   * costs (the state stays changed until `restore`): `solved` with the bound scale used, or
   * `infeasible`, or `cold` (the row has no arc, or the pivots hit their limit) with the row's
   * bounds on that scale, or `same` (a row with no arc and no bounds: nothing changes).
   */
  const moveRow = (row: number, lower: number | null, upper: number | null, delta: readonly [number, number] = [0, 0]): Moved => {
    const { F, bs, lRow, uRow } = scaleOf(lower, upper);
    const e = plan.rowArc[row]!;
    if (e < 0) {
      if (lower === null && upper === null) return { kind: 'same' };
      return { kind: 'cold', lower: lower === null ? null : lRow / bs, upper: upper === null ? null : uRow / bs };
    }

    const reversed = plan.arcReversed[e] === 1;
    const [aLo, aHi] = arcBounds(e, F, lRow, uRow);
    if (aLo > aHi) return { kind: 'infeasible' };
    let split: number | null = null;
    if (F !== 1) {
      rescale(sx, F);
      rescaled = true;
    }
    const { src, tgt, lo, cap, flow, state, c0 } = sx;
    const { pred, predUp, size } = sx.tree;
    const f = lo[e]! + flow[e]!;
    const p = spare;
    sx.touch(e);
    sx.touch(p);
    sx.delta.s = delta[0];
    sx.delta.t = delta[1];
    // From the kept optimum only the row's arc and the spare arc change; the rest is priced as
    // potentials move.
    sx.startCandidates([e, p]);
    if (state[e] === TREE) {
      const v = e - A + N; // the row's node; the arc joins it to its parent row
      const w = pred[v] === e ? v : src[e] === v ? tgt[e]! : src[e]!;
      const up = predUp[w] === 1;
      // At a new bound, oriented against strong feasibility (at the upper pointing to the root, at
      // the lower away from it), or beyond it: the arc leaves the tree at the bound; the excess arc
      // takes its place.
      const high = f > aHi || (f === aHi && up);
      const low = !high && (f < aLo || (f === aLo && !up));
      if (!high && !low) {
        lo[e] = aLo;
        cap[e] = aHi - aLo;
        flow[e] = f - aLo;
        split = aHi;
      } else {
        toBound(e, f, high, aLo, aHi);
        cap[p] = Infinity;
        state[p] = TREE;
        pred[w] = p;
        predUp[w] = src[p] === w ? 1 : 0;
        sx.artsInTree++;
        // The tree arc now costs 1 on the dominant level: w's subtree moves by ±1 there.
        sx.tree.shift(w, size[w]!, -1, -1, w === tgt[p] ? 1 : -1, 0, 0);
      }
    } else if (f > aHi || f < aLo) {
      // Out of the tree, cut: to the new bound; the excess on a dominant-cost arc at its upper bound.
      toBound(e, f, f > aHi, aLo, aHi);
      cap[p] = flow[p]!;
      state[p] = UPPER;
      sx.dominantOut++;
    } else {
      // Out of the tree, still feasible: [new lower, flow] at its upper bound, the room above on a parallel arc.
      split = f;
      splitRow(e, aLo, aHi, split);
    }
    const before = sx.pivots;
    const done = sx.run(before + pivotLimit);
    stats.pivots += sx.pivots - before;
    if (!done) {
      const rowLo = reversed ? -aHi : aLo;
      const rowHi = reversed ? -aLo : aHi;
      return { kind: 'cold', lower: rowLo / bs + 0, upper: rowHi / bs + 0 };
    }
    if (c0[p] === 1 && flow[p] !== 0) return { kind: 'infeasible' };
    return { kind: 'solved', F, bs, e, split, aLo, aHi };
  };

  /** How `moveRow` takes new row bounds: the scale (a factor F of the plan's, bs in all) and the bounds as integers on it. */
  function scaleOf(lower: number | null, upper: number | null): { F: number; bs: number; lRow: number; uRow: number } {
    // Each new bound as a decimal: at the smallest k ≤ 6 where it is one (within 1e-12, relatively,
    // as buildPlan takes the LP's bounds), else rounded at 10^-6. The scale: the plan's, or finer
    // for a bound with more places, as long as the bounds stay exact integers.
    let k = kb;
    for (const v of [lower, upper]) {
      if (v === null) continue;
      const d = decimalScale([v]);
      k = Math.max(k, d < 0 ? MAX_DECIMALS : d);
    }
    while (k > kb && plan.boundSum * POWERS[k - kb]! > SAFE / 2) k--;
    const F = POWERS[k - kb]!;
    return { F, bs: bs0 * F, lRow: lower === null ? -Infinity : asInteger(lower, k), uRow: upper === null ? Infinity : asInteger(upper, k) };
  }

  /** Row arc e's bounds for the row's bounds [lRow, uRow] on scale F: in the arc's direction, within its natural limits. */
  function arcBounds(e: number, F: number, lRow: number, uRow: number): [number, number] {
    const reversed = plan.arcReversed[e] === 1;
    return [Math.max(reversed ? -uRow : lRow, natLo[e]! * F) + 0, Math.min(reversed ? -lRow : uRow, natHi[e]! * F) + 0];
  }

  // The optima kept of the last row asked about (a few, the most recently used), to continue from.
  const points: Point[] = [];
  const MAX_POINTS = 3;
  // A copy of the state costs about as much as a few dozen pivots on a large LP: an answer reached
  // in fewer is not kept there (every one is on a small LP, where copies cost next to nothing).
  const KEEP_AFTER = Math.min(32, Math.floor(sx.T / 4096));
  /** Copies no longer kept, overwritten by the next points. */
  const unused: Kept[] = [];
  /** Whether the simplex's state is a kept point's, not the kept optimum's. */
  let fromKeptPoint = false;
  /** Keep the state `moveRow` solved row `row` to (no cut: `split`; a cut: `cut`, see `fromCut`), for later calls on the row. */
  const keepPoint = (row: number, F: number, aLo: number, aHi: number, split: number, pivots: number, cut = false): void => {
    if (pivots < KEEP_AFTER) return;
    if (points.length > 0 && points[0]!.row !== row) for (const q of points.splice(0)) unused.push(q.kept);
    if (points.length >= MAX_POINTS) {
      let oldest = 0;
      for (let i = 1; i < points.length; i++) if (points[i]!.used < points[oldest]!.used) oldest = i;
      unused.push(points.splice(oldest, 1)[0]!.kept);
    }
    // On the plan's scale the state differs from the kept optimum's in the touched arcs only: those
    // are copied, with the tree. After a change of scale, everything.
    const arcs = rescaled;
    const reuse = unused.findIndex((k) => k.arrays.length === (arcs ? 14 : 10));
    const kept = keep(sx, reuse < 0 ? undefined : unused.splice(reuse, 1)[0], arcs);
    const touched = sx.touched!.slice(0, sx.touchedCount);
    let arcValues: Float64Array | null = null;
    let arcStates: Int8Array | null = null;
    if (!arcs) {
      arcValues = new Float64Array(3 * touched.length);
      arcStates = new Int8Array(touched.length);
      for (let k = 0; k < touched.length; k++) {
        const a = touched[k]!;
        arcValues[3 * k] = sx.lo[a]!;
        arcValues[3 * k + 1] = sx.cap[a]!;
        arcValues[3 * k + 2] = sx.flow[a]!;
        arcStates[k] = sx.state[a]!;
      }
    }
    points.push({ row, cut, F, aLo, aHi, split, kept, touched, arcValues, arcStates, spareEnds: [sx.src[spare]!, sx.tgt[spare]!], delta: [sx.delta.s, sx.delta.t], used: stats.calls });
  };

  /**
   * A kept point's state in place of the kept optimum's (every call starts at the kept optimum):
   * the point's copy, and where it holds only the tree, its arcs; the arcs it changed listed as touched.
   */
  const loadPoint = (from: Point): void => {
    restore(sx, from.kept);
    if (from.arcValues !== null && from.arcStates !== null) {
      const values = from.arcValues;
      for (let k = 0; k < from.touched.length; k++) {
        const a = from.touched[k]!;
        sx.lo[a] = values[3 * k]!;
        sx.cap[a] = values[3 * k + 1]!;
        sx.flow[a] = values[3 * k + 2]!;
        sx.state[a] = from.arcStates[k]!;
      }
    }
    fromKeptPoint = true;
    sx.startTouched();
    for (let i = 0; i < from.touched.length; i++) sx.touch(from.touched[i]!);
    if (from.F !== 1) rescaled = true;
  };

  /**
   * Row `row`'s optimum at new bounds inside those of a kept point that a move cut (the row arc's
   * range [aLo, aHi] narrowed further, as the range search of model/marginal.ts raises a floor or
   * lowers a ceiling past its row's activity step by step): from that optimum, which is the LP's
   * at the point's bounds with the spare arc unused (no flow, out of the tree, no dominant-cost arc
   * in the tree or at a bound: `keepSolved`), `moveRow` moves the row as it moves it from the kept
   * optimum; its objective is the point's (the kept optimum's plus its pivots' changes) plus the
   * new pivots' changes, summed exactly. On the plan's bound scale only. undefined where no kept
   * point serves (or the pivots hit their limit): then `moveRow` answers from the kept optimum.
   */
  const fromCut = (row: number, lower: number | null, upper: number | null): number | null | undefined => {
    const e = plan.rowArc[row]!;
    if (e < 0 || points.length === 0 || points[0]!.row !== row) return undefined;
    const { F, lRow, uRow } = scaleOf(lower, upper);
    if (F !== 1) return undefined;
    const [aLo, aHi] = arcBounds(e, F, lRow, uRow);
    if (aLo > aHi) return undefined;
    let from: Point | null = null;
    for (const q of points) {
      if (!q.cut || q.F !== 1 || aLo < q.aLo || aHi > q.aHi) continue;
      // The nearest: the narrowest range the new one is inside.
      if (from === null || q.aHi - q.aLo < from.aHi - from.aLo) from = q;
    }
    if (from === null) return undefined;
    loadPoint(from);
    // The spare arc unused, as in the kept optimum.
    sx.lo[spare] = 0;
    sx.cap[spare] = 0;
    sx.flow[spare] = 0;
    sx.state[spare] = FIXED;
    from.used = stats.calls;
    const before = sx.pivots;
    const moved = moveRow(row, lower, upper, from.delta);
    if (moved.kind === 'infeasible') return null;
    if (moved.kind !== 'solved') return undefined;
    stats.continued++;
    stats.fromCut++;
    keepSolved(row, moved, sx.pivots - before);
    return objectiveValue(plan, S0 + BigInt(sx.delta.s) + BigInt(sx.delta.t), moved.bs);
  };

  /** Keep what `moveRow` solved row `row` to: a point that was no cut, or one that was where its state allows (see `fromCut`). */
  const keepSolved = (row: number, moved: Extract<Moved, { kind: 'solved' }>, pivots: number): void => {
    if (moved.split !== null) keepPoint(row, moved.F, moved.aLo, moved.aHi, moved.split, pivots);
    else if (moved.F === 1 && sx.state[spare] !== TREE && sx.flow[spare] === 0 && sx.artsInTree === 0 && sx.dominantOut === 0) keepPoint(row, 1, moved.aLo, moved.aHi, moved.aHi, pivots, true);
  };

  /**
   * Row `row`'s optimum at new bounds that only widen the row arc's range of a kept point (see
   * {@link Point}): from that optimum, with the row arc and the spare arc both out of the tree, split
   * again at their flow as `moveRow` splits the kept optimum's (the row arc [new lower, flow] at its
   * upper bound, the new room above on the spare arc); with one of them in the tree, the row arc's
   * lower end moved down (its flow kept: at its upper bound, or in the tree) and the spare arc's
   * room grown by the rise of the upper end (where it is not at its upper bound); then primal
   * pivots. The optimum reached is the LP's, as from the kept optimum; its objective is summed
   * exactly the same way (the kept optimum's plus every pivot's change). undefined where no kept
   * point serves (or the pivots hit their limit): then `moveRow` answers.
   */
  const fromPoint = (row: number, lower: number | null, upper: number | null): number | null | undefined => {
    const e = plan.rowArc[row]!;
    if (e < 0 || points.length === 0 || points[0]!.row !== row) return undefined;
    const { F, bs, lRow, uRow } = scaleOf(lower, upper);
    const [aLo, aHi] = arcBounds(e, F, lRow, uRow);
    let from: Point | null = null;
    for (const q of points) {
      if (q.cut || q.F !== F || aLo > q.aLo || aHi < q.aHi) continue;
      // The nearest: the widest range still inside the new one.
      if (from === null || q.aHi - q.aLo > from.aHi - from.aLo) from = q;
    }
    if (from === null) return undefined;
    loadPoint(from);
    sx.touch(e);
    sx.touch(spare);
    const { src, tgt, lo, cap, flow, state } = sx;
    const p = spare;
    [src[p], tgt[p]] = from.spareEnds;
    const spareUsed = sx.priced > A;
    let split = from.split;
    if (state[e] !== TREE && (!spareUsed || state[p] !== TREE)) {
      // Both out of the tree: split again where their flow is, as `moveRow` splits the kept
      // optimum's: the row arc [new lower, flow] at its upper bound, the room above on the spare arc.
      split = lo[e]! + flow[e]! + (spareUsed ? flow[p]! : 0);
      if (!splitRow(e, aLo, aHi, split) && spareUsed) {
        cap[p] = 0;
        flow[p] = 0;
        state[p] = FIXED;
      }
    } else {
      // One of them in the tree. The row arc's lower end down, its flow where it is.
      if (aLo < from.aLo) {
        const d = from.aLo - aLo;
        if (state[e] === TREE) {
          lo[e] = aLo;
          cap[e]! += d;
          flow[e]! += d;
        } else if (state[e] === UPPER || state[e] === FIXED) {
          lo[e] = aLo;
          cap[e] = split - aLo;
          flow[e] = cap[e]!;
          state[e] = UPPER;
        } else return undefined;
      }
      // The room above up.
      if (aHi > from.aHi) {
        if (!spareUsed) {
          src[p] = src[e]!;
          tgt[p] = tgt[e]!;
          lo[p] = 0;
          cap[p] = aHi - split;
          flow[p] = 0;
          state[p] = LOWER;
          sx.priced = A + 1;
        } else if (state[p] === LOWER || state[p] === TREE) {
          cap[p] = aHi - split;
        } else return undefined;
      }
    }
    from.used = stats.calls;
    sx.delta.s = from.delta[0];
    sx.delta.t = from.delta[1];
    sx.startCandidates([e, p]);
    const before = sx.pivots;
    const done = sx.run(before + pivotLimit);
    stats.pivots += sx.pivots - before;
    if (!done) return undefined;
    stats.continued++;
    keepPoint(row, F, aLo, aHi, split, sx.pivots - before);
    return objectiveValue(plan, S0 * BigInt(F) + BigInt(sx.delta.s) + BigInt(sx.delta.t), bs);
  };

  const solveWith = (row: number, lower: number | null, upper: number | null): number | null => {
    const pivotsBefore = sx.pivots;
    const moved = moveRow(row, lower, upper);
    switch (moved.kind) {
      case 'same':
        return objective;
      case 'infeasible':
        return null;
      case 'cold':
        return cold(row, moved.lower, moved.upper);
      case 'solved':
        keepSolved(row, moved, sx.pivots - pivotsBefore);
        // The optimum's integer, on this call's scale, plus what the pivots changed.
        return objectiveValue(plan, S0 * BigInt(moved.F) + BigInt(sx.delta.s) + BigInt(sx.delta.t), moved.bs);
    }
  };

  /**
   * The tie-broken optimum (the secondary costs the solve had, minimised on the primary optimum's
   * face) with row `row`'s bounds replaced, as `solveNetwork` gives it, where it is provably the
   * one a cold solve finds: the LP's point is unique (see {@link uniqueOptimum}). Else null.
   */
  const tieBrokenWith = (row: number, lower: number | null, upper: number | null, outsideTie: Float64Array): WarmAnswer | null => {
    const before = sx.pivots;
    const moved = moveRow(row, lower, upper);
    if (moved.kind !== 'solved') return null;
    const { flow, lo, c0 } = sx;
    // The secondary costs on the face of the new primary optimum (block search over its arcs).
    sx.candidates = 0;
    sx.tieStage();
    if (flow[spare] !== 0 && c0[spare] !== 0) return null;
    for (let a = sx.artBase; a < sx.T; a++) if (flow[a] !== 0) return null;
    if (!uniqueOptimum(sx, moved.e, sx.priced > A && c0[spare] === 0)) return null;
    const values = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const c = lp.columns[j]!;
      const a = plan.columnArc[j]!;
      if (a >= 0) values[j] = (lo[a]! + flow[a]!) / moved.bs;
      else values[j] = valueOutside(c, sense, outsideTie[j]!);
    }
    const S = scaledObjective(plan, moved.bs, lo, flow);
    return { objective: objectiveValue(plan, S, moved.bs), values, duals: rowDuals(plan, sx), pivots: sx.pivots - before };
  };

  return {
    objective,
    duals,
    rangeUp,
    rangeDown,
    // The primal ratio test along the row arc's cycle in the kept optimal tree: the tree stays feasible (and optimal) inside.
    rangesExact: true,
    // The objective of the optimum reached, summed in integers at the bound's scale.
    valuesExact: true,
    stats,
    objectiveWithRowBounds(row, lower, upper) {
      if (disposed) throw new Error('network parametric LP used after dispose()');
      if (!Number.isInteger(row) || row < 0 || row >= m) throw new RangeError(`row ${row} does not exist (${m} rows)`);
      if (Number.isNaN(lower) || Number.isNaN(upper)) throw new RangeError('a row bound is NaN');
      stats.calls++;
      if (lower === Infinity || upper === -Infinity) return null;
      try {
        const [l, u] = [finiteOrNull(lower), finiteOrNull(upper)];
        const continued = fromPoint(row, l, u);
        if (continued !== undefined) return continued;
        if (fromKeptPoint) backToKept();
        fromKeptPoint = false;
        const cut = fromCut(row, l, u);
        if (cut !== undefined) return cut;
        if (fromKeptPoint) backToKept();
        fromKeptPoint = false;
        return solveWith(row, l, u);
      } finally {
        backToKept();
        fromKeptPoint = false;
      }
    },
    warm(fallback) {
      // The LP `other` answered warm: the same as this one but for one row's bounds, with the secondary costs the solve had.
      const warmAnswer = (other: LinearProgram, secondary: ArrayLike<number>): SolveResult | null => {
        if (disposed) return null;
        const row = movedRow(other);
        if (row < 0 || secondary.length !== n) return null;
        const sec = secondaryCostsOrWhy(secondary, sense, N - 1);
        if (typeof sec === 'string') return null;
        for (let j = 0; j < n; j++) {
          const a = plan.columnArc[j]!;
          if (a >= 0 && sec[j] !== (sx.tie ? sx.tie[a]! : 0)) return null;
        }
        stats.warm++;
        let answer: WarmAnswer | null;
        try {
          const r = other.rows[row]!;
          answer = tieBrokenWith(row, finiteOrNull(r.lower), finiteOrNull(r.upper), sec);
        } finally {
          backToKept();
          sx.c2.fill(0);
        }
        if (!answer) {
          stats.warmRefused++;
          return null;
        }
        return { status: 'optimal', objective: answer.objective, values: answer.values, duals: answer.duals, backend: fallback.name, raw: `optimal after ${answer.pivots} warm pivots from the kept optimum` };
      };
      const tieBroken = fallback.solveTieBroken;
      return {
        name: fallback.name,
        ...(fallback.solvesIntegers ? { solvesIntegers: true } : {}),
        solve: (other, options) => fallback.solve(other, options),
        ...(tieBroken ? { solveTieBroken: (other: LinearProgram, secondary: ArrayLike<number>, options?: SolveOptions) => warmAnswer(other, secondary) ?? tieBroken.call(fallback, other, secondary, options) } : {}),
      };
    },
    sameNetwork(other) {
      const row = movedRow(other);
      if (row < 0) return false;
      // Detection reads a row's bounds for its finiteness and their scale, nothing else: with the
      // same sides bounded, the rows, families and costs are this LP's; the bounds' scale is checked
      // as detection checks it, on the same list (the columns' bounds, then the bounded rows').
      const [a, b] = [lp.rows[row]!, other.rows[row]!];
      if ((boundOrNull(a.lower) === null) !== (boundOrNull(b.lower) === null) || (boundOrNull(a.upper) === null) !== (boundOrNull(b.upper) === null)) return false;
      if ([b.lower, b.upper].some((v) => boundOrNull(v) !== null && !Number.isFinite(v))) return false;
      // That list is this LP's (`boundList`) but for the row's own bounds (the columns' bounds and
      // every other row's are the same numbers, `oneRowMoved`), in the same places (the same sides bounded).
      const list = (bounds ??= boundList(lp));
      const at = list.rowAt[row]!;
      const lo = boundOrNull(b.lower);
      const hi = boundOrNull(b.upper);
      const kept = [list.values[at]!, list.values[at + 1]!] as const;
      if (lo !== null) list.values[at] = lo;
      if (hi !== null) list.values[lo !== null ? at + 1 : at] = hi;
      try {
        return boundScaleOf(list.values).refused === undefined;
      } finally {
        list.values[at] = kept[0];
        if (at + 1 < list.values.length) list.values[at + 1] = kept[1];
      }
    },
    dispose() {
      disposed = true;
    },
  };
}

/** A row bound as network detection reads it: null for none (null, ±Infinity). */
function boundOrNull(v: number | null): number | null {
  return v === null || v === Infinity || v === -Infinity ? null : v;
}

/** The bounds network detection checks the scale of, in its order (each column's lower and upper, then each row's finite lower and upper), and where each row's begin. */
interface BoundList {
  readonly values: Float64Array;
  readonly rowAt: Int32Array;
}

function boundList(lp: LinearProgram): BoundList {
  const { columns, rows } = lp;
  let count = 2 * columns.length;
  for (const r of rows) count += (boundOrNull(r.lower) === null ? 0 : 1) + (boundOrNull(r.upper) === null ? 0 : 1);
  const values = new Float64Array(count);
  const rowAt = new Int32Array(rows.length);
  let k = 0;
  for (const c of columns) {
    values[k++] = c.lower;
    values[k++] = c.upper;
  }
  for (let r = 0; r < rows.length; r++) {
    rowAt[r] = k;
    const lo = boundOrNull(rows[r]!.lower);
    const hi = boundOrNull(rows[r]!.upper);
    if (lo !== null) values[k++] = lo;
    if (hi !== null) values[k++] = hi;
  }
  return { values, rowAt };
}

/**
 * The row of `b` whose bounds differ from `a`'s, where `b` is `a` with only that changed (the same
 * sense, columns and terms; a column or a row may be a copy); −1 otherwise (none, or more).
 */
function oneRowMoved(a: LinearProgram, b: LinearProgram): number {
  if (a.sense !== b.sense || a.columns.length !== b.columns.length || a.rows.length !== b.rows.length) return -1;
  // The same columns (an LP made of the same parts, model/lp.ts) need no comparing.
  if (a.columns !== b.columns) {
    for (let j = 0; j < a.columns.length; j++) {
      const x = a.columns[j]!;
      const y = b.columns[j]!;
      if (x !== y && (x.lower !== y.lower || x.upper !== y.upper || x.cost !== y.cost || !x.integer !== !y.integer || !x.semicontinuous !== !y.semicontinuous)) return -1;
    }
  }
  let moved = -1;
  for (let r = 0; r < a.rows.length; r++) {
    const x = a.rows[r]!;
    const y = b.rows[r]!;
    if (x === y) continue;
    if (x.terms !== y.terms) {
      if (x.terms.length !== y.terms.length) return -1;
      for (let t = 0; t < x.terms.length; t++) if (x.terms[t]![0] !== y.terms[t]![0] || x.terms[t]![1] !== y.terms[t]![1]) return -1;
    }
    if (x.lower === y.lower && x.upper === y.upper) continue;
    if (moved >= 0) return -1;
    moved = r;
  }
  return moved;
}
