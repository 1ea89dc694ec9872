/**
 * Sensitivity on the network simplex ({@link openNetworkParametric}): the optimal tree kept as a
 * `Simplex` object answers "the optimum with this row's bounds replaced" by a few warm primal
 * pivots from that tree (pricing only the candidates, see `Simplex.startCandidates`), restoring
 * the kept optimum after each answer; each row's active bound is ranged along its arc's cycle.
 */
import type { LinearProgram, ParametricLp } from '../types.js';
import { networkOf, whyNotNetwork, type NetworkPlan } from './detect.js';
import { asInteger, decimalScale, MAX_DECIMALS, POWERS, SAFE, scaled } from './exact.js';
import type { Simplex } from './simplex.js';
import { objectiveValue, optimalTree, rowDuals, scaledObjective, solveNetwork, takeSolvedTree } from './solve.js';
import { FIXED, LOWER, TREE, UPPER } from './tree.js';

/** A {@link ParametricLp} on the network simplex, with counters (for tests and benchmarks). */
export interface NetworkParametricLp extends ParametricLp {
  readonly stats: {
    /** Calls of objectiveWithRowBounds; pivots of their warm re-solves; calls answered by a cold solve. */
    readonly calls: number;
    readonly pivots: number;
    readonly cold: number;
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

/** What a warm re-solve changes in a `Simplex`, copied (see {@link keep}). */
interface Kept {
  readonly arrays: readonly (readonly [Float64Array | Int32Array | Int8Array | Uint8Array, Float64Array | Int32Array | Int8Array | Uint8Array])[];
  readonly scalars: readonly [number, number, number, number];
}

/** A copy of the arcs' bounds, flows and states, the tree and the pricing position; {@link restore} brings it back. */
function keep(sx: Simplex): Kept {
  const t = sx.tree;
  const arrays = [sx.lo, sx.cap, sx.flow, sx.state, t.parent, t.pred, t.predUp, t.thread, t.rev, t.size, t.last, t.pi0, t.pi1, t.pi2];
  return {
    arrays: arrays.map((a) => [a, a.slice()] as const),
    scalars: [sx.priced, sx.nextArc, sx.artsInTree, sx.dominantOut],
  };
}

/** Back to the kept state: block search again, no pivot's cost counted, the spare arcs costless. */
function restore(sx: Simplex, kept: Kept): void {
  for (const [a, copy] of kept.arrays) a.set(copy as never);
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
 *   primal pivots; afterwards the kept optimum is restored (typed-array copies), so every call
 *   starts from the same state and answers do not depend on the order of calls.
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

  const spare = A;
  const pivotLimit = A + N + 1000;
  const stats = { calls: 0, pivots: 0, cold: 0 };
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

  const solveWith = (row: number, lower: number | null, upper: number | null): number | null => {
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
    const bs = bs0 * F;
    const lRow = lower === null ? -Infinity : asInteger(lower, k);
    const uRow = upper === null ? Infinity : asInteger(upper, k);
    const e = plan.rowArc[row]!;
    if (e < 0) {
      if (lower === null && upper === null) return objective;
      return cold(row, lower === null ? null : lRow / bs, upper === null ? null : uRow / bs);
    }

    const reversed = plan.arcReversed[e] === 1;
    const aLo = Math.max(reversed ? -uRow : lRow, natLo[e]! * F) + 0;
    const aHi = Math.min(reversed ? -lRow : uRow, natHi[e]! * F) + 0;
    if (aLo > aHi) return null;
    if (F !== 1) rescale(sx, F);
    const { src, tgt, lo, cap, flow, state, c0 } = sx;
    const { pred, predUp, size } = sx.tree;
    const f = lo[e]! + flow[e]!;
    const p = spare;
    sx.delta.s = 0;
    sx.delta.t = 0;
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
      lo[e] = aLo;
      cap[e] = f - aLo;
      flow[e] = f - aLo;
      state[e] = cap[e] === 0 ? FIXED : UPPER;
      if (aHi > f) {
        src[p] = src[e]!;
        tgt[p] = tgt[e]!;
        lo[p] = 0;
        cap[p] = aHi - f;
        flow[p] = 0;
        c0[p] = 0;
        state[p] = LOWER;
        sx.priced = A + 1;
      }
    }
    const before = sx.pivots;
    const done = sx.run(before + pivotLimit);
    stats.pivots += sx.pivots - before;
    if (!done) {
      const rowLo = reversed ? -aHi : aLo;
      const rowHi = reversed ? -aLo : aHi;
      return cold(row, rowLo / bs + 0, rowHi / bs + 0);
    }
    if (c0[p] === 1 && flow[p] !== 0) return null;
    // The optimum's integer, on this call's scale, plus what the pivots changed.
    return objectiveValue(plan, S0 * BigInt(F) + BigInt(sx.delta.s) + BigInt(sx.delta.t), bs);
  };

  return {
    objective,
    duals,
    rangeUp,
    rangeDown,
    stats,
    objectiveWithRowBounds(row, lower, upper) {
      if (disposed) throw new Error('network parametric LP used after dispose()');
      if (!Number.isInteger(row) || row < 0 || row >= m) throw new RangeError(`row ${row} does not exist (${m} rows)`);
      if (Number.isNaN(lower) || Number.isNaN(upper)) throw new RangeError('a row bound is NaN');
      stats.calls++;
      if (lower === Infinity || upper === -Infinity) return null;
      try {
        return solveWith(row, finiteOrNull(lower), finiteOrNull(upper));
      } finally {
        restore(sx, kept);
      }
    },
    dispose() {
      disposed = true;
    },
  };
}
