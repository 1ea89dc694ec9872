/**
 * The network simplex proper: the start (a crash of the columns to their cheaper bound, the row
 * arcs in the tree where they can be, an artificial arc on the dominant cost level where not),
 * the pivots (Cunningham's leaving-arc rule on strongly feasible trees: no cycling, and
 * degenerate pivots are common here), and the removal of artificial arcs left in the optimal
 * tree, so that the final tree is an LP basis. Pricing is ./pricing.ts; the tree ./tree.ts.
 */
import type { NetworkPlan } from './detect.js';
import { addProduct, SAFE } from './exact.js';
import { Pricing } from './pricing.js';
import { FIXED, LOWER, TREE, UPPER } from './tree.js';

/**
 * One network simplex, kept as an object so that a solved LP can be re-solved from its optimal
 * tree (see `openNetworkParametric`). The start: every column at a bound (see {@link crash}),
 * every row's arc in the tree where it can be, bottom-up; a row whose arc cannot start in the tree
 * (a floor that is not met, say) hangs from R by an artificial arc of infinite capacity whose cost
 * is (1, 0, 0) on the dominant level: no big M.
 */
export class Simplex extends Pricing {
  pivots = 0;
  /** Σ primary cost × flow changed by the pivots since it was last set to 0: exactly dS + dT (see {@link addProduct}). */
  readonly delta = { s: 0, t: 0 };

  /** `sec`: the secondary cost per LP column (scaled, min form); `spare`: slots for arcs a bound change adds. */
  constructor(plan: NetworkPlan, sec: Float64Array, spare: number) {
    super(plan.nodeCount, plan.arcCount, spare);
    const { N, A, src, tgt, lo, cap, flow, c0, c1, c2, state, parent, pred, predUp } = this;
    const mA = N - 1;
    for (let e = 0; e < A; e++) {
      src[e] = plan.arcFrom[e]!;
      tgt[e] = plan.arcTo[e]!;
      lo[e] = plan.arcLower[e]!;
      cap[e] = plan.arcUpper[e]! - plan.arcLower[e]!;
      c1[e] = plan.arcCost[e]!;
      const j = plan.arcColumn[e]!;
      if (j >= 0) c2[e] = sec[j]!;
      state[e] = cap[e] === 0 ? FIXED : LOWER;
    }
    // The start: the plan's arcs, columns at a bound (see the crash), row arcs in the tree where
    // they can be (bottom-up).
    const nc = A - mA; // column arcs come first
    crash(plan, cap, c1, c2, flow, state, nc);
    const bal = new Float64Array(N); // net inflow from the arcs fixed so far (actual flows)
    for (let e = 0; e < nc; e++) {
      const f = lo[e]! + flow[e]!;
      bal[tgt[e]!]! += f;
      bal[src[e]!]! -= f;
    }
    let arts = 0;
    parent[0] = -1;
    pred[0] = -1;
    for (let i = 0; i < mA; i++) {
      const v = plan.bottomUp[i]!;
      const e = A - N + v; // row arcs come last, in node order
      const up = src[e] === v;
      const p = up ? tgt[e]! : src[e]!;
      const l = lo[e]!;
      const hi = l + cap[e]!;
      const f = up ? bal[v]! : -bal[v]!; // the flow that balances v
      // Strongly feasible: a tree arc at its lower bound points to the root, one at its upper bound away.
      const ok = (l < f && f < hi) || (l < hi && ((f === l && up) || (f === hi && !up)));
      let actual = f;
      if (ok) {
        parent[v] = p;
        pred[v] = e;
        predUp[v] = up ? 1 : 0;
        flow[e] = f - l;
        state[e] = TREE;
      } else {
        actual = f >= hi ? hi : l;
        flow[e] = actual - l;
        if (cap[e] !== 0) state[e] = actual === hi ? UPPER : LOWER;
        const excess = bal[v]! + (up ? -actual : actual);
        const a = this.artBase + arts++;
        if (excess >= 0) {
          src[a] = v;
          tgt[a] = 0;
          flow[a] = excess;
          predUp[v] = 1;
        } else {
          src[a] = 0;
          tgt[a] = v;
          flow[a] = -excess;
          predUp[v] = 0;
        }
        cap[a] = Infinity;
        c0[a] = 1;
        state[a] = TREE;
        parent[v] = 0;
        pred[v] = a;
        this.artsInTree++;
      }
      bal[p]! += up ? actual : -actual;
    }
    this.buildTree();
  }

  /** Pivot until optimal (true), or until `this.pivots` reaches `limit` (false). */
  run(limit: number): boolean {
    const { src, tgt, cap, flow, state, parent, pred, predUp, size, c0 } = this;
    for (;;) {
      if (this.pivots >= limit) return false;
      const e = this.priced > 0 ? this.findEntering() : -1;
      if (e < 0) return true;
      this.pivots++;
      const s = state[e]!;
      const rc1 = this.c1[e]! + this.pi1[src[e]!]! - this.pi1[tgt[e]!]!; // the cycle's primary cost per unit
      const first = s === LOWER ? src[e]! : tgt[e]!;
      const second = s === LOWER ? tgt[e]! : src[e]!;
      // The join: where the paths from first and second meet (the walk of `apex`, inline here).
      let u = first;
      let v = second;
      while (u !== v) {
        if (size[u]! < size[v]!) u = parent[u]!;
        else v = parent[v]!;
      }
      const join = u;
      // Cunningham: the last blocking arc met going round the cycle from the join in the cycle's
      // direction (ties on the first side keep the earliest; on the second side the latest).
      let delta = cap[e]!;
      let result = 0;
      let uOut = -1;
      for (let w = first; w !== join; w = parent[w]!) {
        const a = pred[w]!;
        const d = predUp[w] ? flow[a]! : cap[a]! - flow[a]!;
        if (d < delta) {
          delta = d;
          uOut = w;
          result = 1;
        }
      }
      for (let w = second; w !== join; w = parent[w]!) {
        const a = pred[w]!;
        const d = predUp[w] ? cap[a]! - flow[a]! : flow[a]!;
        if (d <= delta) {
          delta = d;
          uOut = w;
          result = 2;
        }
      }
      if (delta === Infinity) throw new Error('network simplex: unbounded cycle (cannot happen with finite column bounds)');
      if (delta > 0) {
        addProduct(this.delta, s * delta, rc1);
        flow[e]! += s * delta;
        for (let w = first; w !== join; w = parent[w]!) flow[pred[w]!]! += predUp[w] ? -delta : delta;
        for (let w = second; w !== join; w = parent[w]!) flow[pred[w]!]! += predUp[w] ? delta : -delta;
      }
      if (result === 0) {
        state[e] = -s;
        if (c0[e] !== 0 && flow[e] === 0) {
          // A dominant-cost arc that gave back all its flow is dropped (it would never enter again).
          state[e] = FIXED;
          this.dominantOut--;
        }
        continue;
      }
      const uIn = result === 1 ? first : second;
      const vIn = result === 1 ? second : first;
      const leave = pred[uOut]!;
      if (c0[e] !== 0) {
        this.dominantOut--;
        this.artsInTree++;
      }
      if (c0[leave] !== 0) {
        this.artsInTree--;
        if (flow[leave] === 0) state[leave] = FIXED;
        else {
          state[leave] = UPPER;
          this.dominantOut++;
        }
      } else state[leave] = flow[leave] === 0 ? LOWER : UPPER;
      state[e] = TREE;
      this.leftTree(leave);
      this.reroot(e, uIn, vIn, uOut, join);
    }
  }

  /** Whether an artificial arc still carries flow (then the floors cannot all be met). */
  artificialFlow(): boolean {
    for (let a = this.artBase; a < this.T; a++) if (this.flow[a] !== 0) return true;
    return false;
  }

  /**
   * Artificial arcs still in the tree (zero flow): swap each for a real arc across its cut, chosen
   * by a dual ratio test so every real arc keeps a reduced cost of the right sign (no flow moves).
   */
  removeArtificials(): void {
    if (this.artsInTree === 0) return;
    const { N, src, tgt, state, c0, c1, c2, pi0, pi1, pi2, pred, size, thread } = this;
    const { start: incStart, arcs: inc } = this.incidence();
    const mark = new Int32Array(N).fill(-1);
    for (let x = 1; x < N; x++) {
      if (c0[pred[x]!] === 0) continue;
      // S: the subtree of x (its parent is R: artificial arcs join a node to R).
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
      this.reroot(e, inS, outS, x, 0);
      this.artsInTree--;
    }
  }
}

/**
 * The crash: a column whose cost (primary, secondary) is negative (in the min form) starts at
 * its upper bound, cheapest first, as long as every row it is in stays strictly below its upper
 * bound, so that every row arc can still start in the tree. Most columns of an allocation end at
 * their caps; this saves the pivots that would only have moved them there one by one.
 */
function crash(plan: NetworkPlan, cap: Float64Array, c1: Float64Array, c2: Float64Array, flow: Float64Array, state: Int8Array, nc: number): void {
  const N = plan.nodeCount;
  const A = plan.arcCount;
  const par = plan.parent;
  const act = new Float64Array(N);
  const upper = new Float64Array(N);
  for (let v = 1; v < N; v++) {
    const e = A - N + v;
    upper[v] = plan.arcReversed[e] ? -plan.arcLower[e]! : plan.arcUpper[e]!;
  }
  let count = 0;
  let maxCost = 0;
  for (let e = 0; e < nc; e++) {
    const lo = plan.arcLower[e]!;
    if (lo !== 0) {
      for (let v = plan.arcFrom[e]!; v > 0; v = par[v]!) act[v]! += lo;
      for (let v = plan.arcTo[e]!; v > 0; v = par[v]!) act[v]! += lo;
    }
    if (cap[e]! > 0 && (c1[e]! < 0 || (c1[e] === 0 && c2[e]! < 0))) {
      count++;
      maxCost = Math.max(maxCost, -c1[e]!);
    }
  }
  if (count === 0) return;
  // Cheapest first: sort the keys c1 · nc + e (exact while they stay within 2^53), else arc order.
  const keys = new Float64Array(count);
  const exact = (maxCost + 1) * nc < SAFE;
  let k = 0;
  for (let e = 0; e < nc; e++) if (cap[e]! > 0 && (c1[e]! < 0 || (c1[e] === 0 && c2[e]! < 0))) keys[k++] = exact ? c1[e]! * nc + e : e;
  if (exact) keys.sort();
  for (let i = 0; i < count; i++) {
    const key = keys[i]!;
    const e = exact ? ((key % nc) + nc) % nc : key;
    const inc = cap[e]!;
    let fits = true;
    for (let v = plan.arcFrom[e]!; fits && v > 0; v = par[v]!) fits = act[v]! + inc < upper[v]!;
    for (let v = plan.arcTo[e]!; fits && v > 0; v = par[v]!) fits = act[v]! + inc < upper[v]!;
    if (!fits) continue;
    for (let v = plan.arcFrom[e]!; v > 0; v = par[v]!) act[v]! += inc;
    for (let v = plan.arcTo[e]!; v > 0; v = par[v]!) act[v]! += inc;
    flow[e] = inc;
    state[e] = UPPER;
  }
}

