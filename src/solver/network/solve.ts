/**
 * Solving a network LP cold ({@link solveNetwork}): the simplex to an optimal tree, the artificial
 * arcs still in it swapped for real arcs (so that it is an LP basis), and the answer read off it:
 * the columns' values and the objective (summed exactly in the scaled integers and divided once,
 * so equal optima give equal doubles), HiGHS-convention row duals from the potentials, and the
 * tree as a HiGHS basis.
 */
import type { Basis, LinearProgram } from '../types.js';
import type { NetworkPlan } from './detect.js';
import { addProduct, exactQuotient, integerCosts, MAX_DECIMALS, SAFE, scaled } from './exact.js';
import { Simplex } from './simplex.js';
import { FIXED, TREE, UPPER } from './tree.js';

export interface NetworkSolution {
  readonly status: 'optimal' | 'infeasible';
  /** Per LP column, in the LP's units (scaled integers / boundScale). NaN when infeasible. */
  readonly values: Float64Array;
  /** Σ cost_j · values_j, in the LP's sense and units (summed exactly, rounded once). NaN when infeasible. */
  readonly objective: number;
  /** Σ secondary_j · values_j (0 without a secondary objective). NaN when infeasible. */
  readonly secondaryObjective: number;
  /**
   * Per LP row, HiGHS's dual for the primary objective: y_r = ∂objective/∂(the row's binding
   * bound), so that cost_j − Σ_r∋j y_r is column j's reduced cost. For a 'max' LP a binding
   * ceiling has y ≥ 0 and a binding floor y ≤ 0; for 'min' the reverse. 0 for a row left out.
   */
  readonly duals: Float64Array;
  /** HiGHS basis codes (0 at lower, 1 basic, 2 at upper): an optimal basis HiGHS accepts as is. */
  readonly basis: Basis;
  readonly pivots: number;
}

/**
 * Solve `plan`'s LP. `secondary` (per LP column, same sense as the LP, default all 0) breaks ties
 * among the primary optima exactly; like the costs it must scale to integers by 10^k, k ≤ 6, and
 * max |secondary × 10^k| × (2 × rows + 1) must stay within 2^53 (a RangeError otherwise).
 */
export function solveNetwork(plan: NetworkPlan, secondary?: ArrayLike<number>): NetworkSolution {
  const lp = plan.lp;
  const n = lp.columns.length;
  const m = lp.rows.length;
  const sense = lp.sense === 'max' ? -1 : 1;
  if (secondary && secondary.length !== n) throw new RangeError(`secondary has ${secondary.length} entries for ${n} columns`);

  // Secondary costs, scaled and in the min form.
  const sec = secondary ? secondaryCosts(secondary, sense, plan.nodeCount - 1) : null;

  const infeasible = (pivots: number): NetworkSolution => ({
    status: 'infeasible',
    values: new Float64Array(n).fill(NaN),
    objective: NaN,
    secondaryObjective: NaN,
    duals: new Float64Array(m).fill(NaN),
    basis: { colStatus: new Int32Array(n), rowStatus: new Int32Array(m) },
    pivots,
  });
  const cold = optimalTree(plan, sec, 1);
  if (cold.status === 'infeasible') return infeasible(cold.pivots);
  const sx = cold.sx;
  solvedTrees.set(plan, sx);

  // Results.
  const values = new Float64Array(n);
  const colStatus = new Int32Array(n);
  const rowStatus = new Int32Array(m).fill(1);
  // The primary objective in the same pass: exactly as scaledObjective sums it (min form, scaled integers).
  const acc = { s: 0, t: 0 };
  const secondaryObjective = columnResults(plan, sx, sense, sec, secondary, values, colStatus, acc);
  // The rows' duals and basis statuses in one pass.
  const duals = rowDuals(plan, sx, rowStatus);
  const objective = objectiveValue(plan, BigInt(acc.s) + BigInt(acc.t), plan.boundScale);
  return { status: 'optimal', values, objective, secondaryObjective, duals, basis: { colStatus, rowStatus }, pivots: sx.pivots };
}

/**
 * Each column's value and basis status (into `values`, `colStatus`), Σ primary cost × value added
 * to `acc` (min form, scaled integers); returns Σ secondary × value (0 without `secondary`). A
 * function of its own: small, it is compiled early in a fresh process.
 */
function columnResults(
  plan: NetworkPlan,
  sx: Simplex,
  sense: number,
  sec: Float64Array | null,
  secondary: ArrayLike<number> | undefined,
  values: Float64Array,
  colStatus: Int32Array,
  acc: { s: number; t: number },
): number {
  const lp = plan.lp;
  const n = values.length;
  const bs = plan.boundScale;
  const { state, lo, flow } = sx;
  const columnArc = plan.columnArc;
  const arcCost = plan.arcCost;
  let secondaryObjective = 0;
  // The sum kept in `s` while every product and partial sum is an integer within 2^53 (then
  // exact as a double, and acc.s + acc.t stays the exact sum); addProduct's error terms otherwise.
  let s = acc.s;
  for (let j = 0; j < n; j++) {
    const e = columnArc[j]!;
    if (e < 0) {
      const c = lp.columns[j]!;
      values[j] = valueOutside(c, sense, sec !== null ? sec[j]! : 0);
      colStatus[j] = values[j] === c.upper && c.upper !== c.lower ? 2 : 0;
      if (c.cost !== 0) {
        acc.s = s;
        addProduct(acc, sense * scaled(c.cost, plan.costScale), scaled(values[j]!, bs));
        s = acc.s;
      }
    } else {
      const x = lo[e]! + flow[e]!;
      values[j] = x / bs;
      const st = state[e]!;
      colStatus[j] = st === TREE ? 1 : st === UPPER ? 2 : 0;
      const a = arcCost[e]!;
      if (a !== 0) {
        const p = a * x;
        const sum = s + p;
        if (p <= SAFE && p >= -SAFE && sum <= SAFE && sum >= -SAFE) s = sum;
        else {
          acc.s = s;
          addProduct(acc, a, x);
          s = acc.s;
        }
      }
    }
    if (secondary) secondaryObjective += secondary[j]! * values[j]!;
  }
  acc.s = s;
  return secondaryObjective;
}

/** The secondary costs as exact integers in the min form (see {@link solveNetwork}), or a RangeError. */
function secondaryCosts(secondary: ArrayLike<number>, sense: number, rows: number): Float64Array {
  const costs = secondaryCostsOrWhy(secondary, sense, rows);
  if (typeof costs === 'string') throw new RangeError(costs);
  return costs;
}

const TOO_LARGE = 'the secondary costs are too large for exact potentials';

/** The secondary costs as exact integers in the min form, or why they cannot be. */
export function secondaryCostsOrWhy(secondary: ArrayLike<number>, sense: number, rows: number): Float64Array | string {
  const n = secondary.length;
  // Integers already (the tie rule's ranks): what integerCosts gives them (scale 1, the min form)
  // in one pass over `secondary`, without the copy.
  const whole = new Float64Array(n);
  let max = 0;
  let j = 0;
  for (; j < n; j++) {
    const t = secondary[j]!;
    if (!(typeof t === 'number' && t % 1 === 0 && t <= SAFE && t >= -SAFE)) break; // Number.isSafeInteger(t), without a call per value
    whole[j] = sense * t + 0;
    if (t > max) max = t;
    else if (-t > max) max = -t;
  }
  if (j === n) return max * (2 * rows + 1) > SAFE ? TOO_LARGE : whole;
  const copy = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const t = secondary[j]!;
    if (!Number.isFinite(t)) return `secondary[${j}] is not finite`;
    copy[j] = t;
  }
  const costs = integerCosts(copy, sense, rows);
  if (costs.refused === 'not decimal') return `the secondary costs are not decimals with at most ${MAX_DECIMALS} places`;
  if (costs.refused === 'too large') return TOO_LARGE;
  return costs.values;
}

/** The value of a column in no network row: its better bound (by cost, then its secondary cost `tie`), lower on a tie. */
export function valueOutside(c: LinearProgram['columns'][number], sense: number, tie: number): number {
  return sense * c.cost < 0 || (sense * c.cost === 0 && tie < 0) ? c.upper : c.lower;
}

/**
 * The optimal trees of the LPs `solveNetwork` solved (primary objective; the secondary costs are
 * still on them), for `openNetworkParametric` to start from: taken, not shared.
 */
const solvedTrees = new WeakMap<NetworkPlan, Simplex>();

/** The optimal tree `solveNetwork` left for `plan` (once: it is removed), or undefined. */
export function takeSolvedTree(plan: NetworkPlan): Simplex | undefined {
  const sx = solvedTrees.get(plan);
  solvedTrees.delete(plan);
  return sx;
}

/**
 * The optimal tree of `plan`'s LP from the start (see `Simplex`): the primary costs, then with
 * `sec` the tie stage on the primary optimum's face (see `Simplex.tieStage`), then the artificial
 * arcs still in it (at zero flow) swapped for real arcs, so that it is an LP basis; or infeasible,
 * with the pivots it took to find that out (0: a bound pair is crossed).
 */
export function optimalTree(plan: NetworkPlan, sec: Float64Array | null, spare: number): { readonly status: 'optimal'; readonly sx: Simplex } | { readonly status: 'infeasible'; readonly pivots: number } {
  if (plan.crossed) return { status: 'infeasible', pivots: 0 };
  const sx = new Simplex(plan, sec, spare);
  sx.run(Infinity);
  if (sx.artificialFlow()) return { status: 'infeasible', pivots: sx.pivots };
  sx.tieStage();
  removeArtificials(sx);
  return { status: 'optimal', sx };
}

/**
 * Artificial arcs still in the tree (zero flow), but one: swap each for a real arc across its
 * cut, chosen by a dual ratio test so every real arc keeps a reduced cost of the right sign (no
 * flow moves). The one kept joins the plan's nodes, all in one tree then, to the artificial root.
 */
function removeArtificials(simplex: Simplex): void {
  const { src, tgt, state, c0, c1, c2, tree, artBase } = simplex;
  const { N, root, pi0, pi1, pi2, parent, pred, size, thread } = tree;
  const { incStart, inc } = simplex.incidence();
  const mark = new Int32Array(N).fill(-1);
  // The node under the artificial root on R's path stays there.
  let keep = 0;
  while (parent[keep] !== root) keep = parent[keep]!;
  for (let x = 0; x < root; x++) {
    if (x === keep || pred[x]! < artBase) continue;
    // S: the subtree of x (its parent is the artificial root, or R in the fallback start).
    const sx = size[x]!;
    let w = x;
    for (let c = 0; c < sx; c++, w = thread[w]!) mark[w] = x;
    let bestPos = -1;
    let bestNeg = -1;
    let fixed = -1;
    let p0 = 0, p1 = 0, p2 = 0, q0 = 0, q1 = 0, q2 = 0;
    w = x;
    for (let c = 0; c < sx; c++, w = thread[w]!) {
      for (let q = incStart[w]!; q < incStart[w + 1]!; q++) {
        const e = inc[q]!;
        const s = state[e]!;
        if (s === TREE) continue;
        const fromIn = mark[src[e]!] === x;
        if (fromIn === (mark[tgt[e]!] === x)) continue;
        if (s === FIXED) {
          fixed = e;
          continue;
        }
        // Moving S's potentials by +Δ changes d by +Δ for arcs leaving S, by −Δ for arcs entering.
        const d0 = pi0[src[e]!]! - pi0[tgt[e]!]!;
        const d1 = c1[e]! + pi1[src[e]!]! - pi1[tgt[e]!]!;
        const d2 = c2[e]! + pi2[src[e]!]! - pi2[tgt[e]!]!;
        // The room before the sign flips: d at lower (d ≥ 0), −d at upper (d ≤ 0).
        const r0 = s * d0, r1 = s * d1, r2 = s * d2;
        // Δ > 0 is limited by arcs whose d moves towards the wrong side: entering S at lower, leaving at upper.
        const pos = fromIn === (s === UPPER);
        if (pos) {
          if (bestPos < 0 || r0 < p0 || (r0 === p0 && (r1 < p1 || (r1 === p1 && r2 < p2)))) {
            bestPos = e;
            p0 = r0;
            p1 = r1;
            p2 = r2;
          }
        } else if (bestNeg < 0 || r0 < q0 || (r0 === q0 && (r1 < q1 || (r1 === q1 && r2 < q2)))) {
          bestNeg = e;
          q0 = r0;
          q1 = r1;
          q2 = r2;
        }
      }
    }
    let e = bestPos >= 0 ? bestPos : bestNeg;
    if (bestPos >= 0 && bestNeg >= 0 && (q0 < p0 || (q0 === p0 && (q1 < p1 || (q1 === p1 && q2 < p2))))) e = bestNeg;
    if (e < 0) e = fixed;
    if (e < 0) throw new Error('network simplex: no real arc across a cut (cannot happen: the row arcs span the network)');
    const inS = mark[src[e]!] === x ? src[e]! : tgt[e]!;
    const outS = inS === src[e] ? tgt[e]! : src[e]!;
    const leave = pred[x]!;
    state[leave] = FIXED;
    state[e] = TREE;
    tree.reroot(e, inS, outS, x, tree.apex(x, outS));
    if (c0[leave] !== 0) simplex.artsInTree--;
  }
}

/**
 * Σ primary cost × value over the LP's columns in the min form and scaled integers (costs ×
 * costScale, values × `bs`), exactly.
 */
export function scaledObjective(plan: NetworkPlan, bs: number, lo: Float64Array, flow: Float64Array): bigint {
  const lp = plan.lp;
  const sign = lp.sense === 'max' ? -1 : 1; // arcCost = sign × scaled cost (the min form)
  const nc = plan.arcCount - (plan.nodeCount - 1);
  const acc = { s: 0, t: 0 };
  for (let e = 0; e < nc; e++) {
    const c = plan.arcCost[e]!;
    if (c !== 0) addProduct(acc, c, lo[e]! + flow[e]!);
  }
  // Columns in no network row: at their better bound (any bound when the cost is 0: no term).
  for (let j = 0; j < lp.columns.length; j++) {
    if (plan.columnArc[j]! >= 0) continue;
    const c = lp.columns[j]!;
    if (c.cost !== 0) addProduct(acc, sign * scaled(c.cost, plan.costScale), scaled(sign * c.cost < 0 ? c.upper : c.lower, bs));
  }
  return BigInt(acc.s) + BigInt(acc.t);
}

/**
 * The objective in the LP's sense and units from its exact scaled integer S (min form, on bound
 * scale `bs`): S / (costScale × bs), rounded once (see {@link exactQuotient}), so the same optimum
 * gives the same double whichever vertex and bound scale gave it.
 */
export function objectiveValue(plan: NetworkPlan, S: bigint, bs: number): number {
  return exactQuotient(plan.lp.sense === 'max' ? -S : S, plan.costScale * bs);
}

/**
 * HiGHS's row duals for the primary objective, from the potentials (see {@link NetworkSolution.duals});
 * with `rowStatus`, each network row's HiGHS basis status into it as well (rows left out untouched).
 */
export function rowDuals(plan: NetworkPlan, sx: Simplex, rowStatus?: Int32Array): Float64Array {
  const m = plan.lp.rows.length;
  const sense = plan.lp.sense === 'max' ? -1 : 1;
  const cs = plan.costScale;
  const duals = new Float64Array(m);
  const { rowArc, arcReversed } = plan;
  const { src, tgt, state } = sx;
  const pi1 = sx.tree.pi1;
  for (let r = 0; r < m; r++) {
    const e = rowArc[r]!;
    if (e < 0) continue;
    const reversed = arcReversed[e] === 1;
    const d = pi1[src[e]!]! - pi1[tgt[e]!]!; // a row arc costs nothing
    // y = d for a min LP (forward arc); −d for a reversed arc; the opposite again for 'max'.
    duals[r] = ((reversed ? -1 : 1) * sense * d) / cs + 0;
    if (rowStatus === undefined) continue;
    // The arc's status, seen from the row: a reversed arc at its lower bound is the row at its upper.
    const st = state[e]!;
    rowStatus[r] = st === TREE ? 1 : (st === UPPER) !== reversed ? 2 : 0;
  }
  return duals;
}
