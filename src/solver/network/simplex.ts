/**
 * The network simplex: one `Simplex` object holds the arcs, the spanning-tree basis (a `Tree`,
 * ./tree.ts) and the pricing state. The start (the crash of the columns to their
 * cheaper bound, the row arcs in the tree where they can be, an artificial arc on a dominant
 * cost level where not), the pivots (Cunningham's leaving-arc rule on strongly feasible trees: no
 * cycling, and degenerate pivots are common here), and the pricing: block search (LEMON's rule),
 * or in a warm re-solve only the candidates. The removal of artificial arcs left in the optimal
 * tree is ./solve.ts's.
 */
import type { NetworkPlan } from './detect.js';
import { addProduct, SAFE } from './exact.js';
import { FIXED, LOWER, Tree, TREE, UPPER, type ShiftWatcher } from './tree.js';

/**
 * One network simplex: arcs, spanning-tree basis and potentials, kept as an object so that a
 * solved LP can be re-solved from its optimal tree (see `openNetworkParametric`, ./sensitivity.ts).
 *
 * Arcs: the plan's (columns, then rows, with the plan's indices), then `spare` slots for the
 * arcs a bound change adds (unused: FIXED), then up to one artificial arc per row node. Costs are
 * triples (dominant level c0: 1 on artificial and excess arcs; primary c1; secondary c2), all
 * scaled integers in the min form. Flows are kept shifted: actual = lo + flow, flow ∈ [0, cap].
 */
export class Simplex implements ShiftWatcher {
  readonly N: number;
  /** The plan's arcs. */
  readonly A: number;
  /** The first artificial arc. */
  readonly artBase: number;
  readonly T: number;
  readonly src: Int32Array;
  readonly tgt: Int32Array;
  readonly lo: Float64Array;
  readonly cap: Float64Array;
  readonly flow: Float64Array;
  readonly c0: Uint8Array;
  readonly c1: Float64Array;
  readonly c2: Float64Array;
  readonly state: Int8Array;
  /** The spanning-tree basis and its potentials. */
  readonly tree: Tree;
  /** Arcs [0, priced) are priced: the plan's, and the spare slots while one is in use. */
  priced: number;
  readonly block: number;
  nextArc = 0;
  /** Dominant-cost arcs in the tree; and out of it but priced (at a bound with flow to give back). */
  artsInTree = 0;
  dominantOut = 0;
  pivots = 0;
  /** Σ primary cost × flow changed by the pivots since it was last set to 0: exactly dS + dT (see {@link addProduct}). */
  readonly delta = { s: 0, t: 0 };
  // Candidate pricing (warm re-solves from an optimum, see `startCandidates`): the incidence of
  // the plan's arcs per node, the nodes whose potentials moved (stamped), extra arcs to price.
  /** 1: price only the candidates; 0: block search over all arcs. */
  candidates = 0;
  private incStart: Int32Array | null = null;
  private inc: Int32Array | null = null;
  private stampOf: Int32Array | null = null;
  private dirty: Int32Array | null = null;
  private stamp = 0;
  private dirtyCount = 0;
  private dirtyArcs = 0;
  private readonly extra = new Int32Array(64);
  private extraCount = 0;

  constructor(plan: NetworkPlan, sec: Float64Array, spare: number) {
    const N = plan.nodeCount;
    const A = plan.arcCount;
    const mA = N - 1;
    const T = A + spare + mA;
    this.N = N;
    this.A = A;
    this.artBase = A + spare;
    this.T = T;
    const src = (this.src = new Int32Array(T));
    const tgt = (this.tgt = new Int32Array(T));
    const lo = (this.lo = new Float64Array(T));
    const cap = (this.cap = new Float64Array(T));
    const flow = (this.flow = new Float64Array(T));
    const c0 = (this.c0 = new Uint8Array(T));
    const c1 = (this.c1 = new Float64Array(T));
    const c2 = (this.c2 = new Float64Array(T));
    const state = (this.state = new Int8Array(T).fill(FIXED));
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
    this.priced = A;
    this.block = Math.max(10, Math.ceil(Math.sqrt(A)));
    this.tree = new Tree(N, src, c0, c1, c2, this);

    // The start: columns at a bound (see the crash), row arcs in the tree where they can be (bottom-up).
    const nc = A - mA; // column arcs come first
    crash(plan, cap, c1, c2, flow, state, nc);
    const { parent, pred, predUp } = this.tree;
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
    this.tree.build();
  }

  /**
   * Block search (LEMON's rule): scan blocks of ~√arcs from where the last search stopped and take
   * the most violating arc of the first block that has one. Violations are lexicographic triples
   * (dominant level, primary, secondary).
   */
  findEntering(): number {
    if (this.candidates === 1) return this.findCandidate();
    const { state, src, tgt, c1, c2 } = this;
    const { pi1, pi2 } = this.tree;
    const P = this.priced;
    const block = this.block;
    let best = -1;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let cnt = block;
    let e = this.nextArc;
    if (this.artsInTree === 0 && this.dominantOut === 0) {
      // No dominant-cost arc in the tree or priced: the first level of every potential is the same.
      // A loop of its own on purpose: pricing the third level everywhere (one loop, or one method
      // shared with findCandidate) made the 100,000-application solve about 50% slower, measured;
      // one loop that skips that level on a flag, about 20%.
      for (let k = 0; k < P; k++) {
        const s = state[e]!;
        if (s === LOWER || s === UPPER) {
          const u = src[e]!;
          const v = tgt[e]!;
          const d1 = s * (c1[e]! + pi1[u]! - pi1[v]!);
          if (d1 <= 0) {
            const d2 = s * (c2[e]! + pi2[u]! - pi2[v]!);
            if ((d1 < 0 || d2 < 0) && (best < 0 || d1 < b1 || (d1 === b1 && d2 < b2))) {
              best = e;
              b1 = d1;
              b2 = d2;
            }
          }
        }
        if (++e === P) e = 0;
        if (--cnt === 0) {
          if (best >= 0) break;
          cnt = block;
        }
      }
      this.nextArc = e;
      return best;
    }
    const { c0 } = this;
    const { pi0 } = this.tree;
    for (let k = 0; k < P; k++) {
      const s = state[e]!;
      if (s === LOWER || s === UPPER) {
        const u = src[e]!;
        const v = tgt[e]!;
        const d0 = s * (c0[e]! + pi0[u]! - pi0[v]!);
        if (d0 <= 0) {
          const d1 = s * (c1[e]! + pi1[u]! - pi1[v]!);
          if (d0 < 0 || d1 <= 0) {
            const d2 = s * (c2[e]! + pi2[u]! - pi2[v]!);
            if ((d0 < 0 || d1 < 0 || d2 < 0) && (best < 0 || d0 < b0 || (d0 === b0 && (d1 < b1 || (d1 === b1 && d2 < b2))))) {
              best = e;
              b0 = d0;
              b1 = d1;
              b2 = d2;
            }
          }
        }
      }
      if (++e === P) e = 0;
      if (--cnt === 0) {
        if (best >= 0) break;
        cnt = block;
      }
    }
    this.nextArc = e;
    return best;
  }

  /** Pivot until optimal (true), or until `this.pivots` reaches `limit` (false). */
  run(limit: number): boolean {
    const { src, tgt, cap, flow, state, c0, tree } = this;
    const { parent, pred, predUp, size } = tree;
    for (;;) {
      if (this.pivots >= limit) return false;
      const e = this.priced > 0 ? this.findEntering() : -1;
      if (e < 0) return true;
      this.pivots++;
      const s = state[e]!;
      const rc1 = this.c1[e]! + tree.pi1[src[e]!]! - tree.pi1[tgt[e]!]!; // the cycle's primary cost per unit
      const first = s === LOWER ? src[e]! : tgt[e]!;
      const second = s === LOWER ? tgt[e]! : src[e]!;
      // The join, where the paths from first and second meet (the walk of `Tree.apex`, inline).
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
      if (this.candidates === 1) {
        if (this.extraCount < this.extra.length) this.extra[this.extraCount++] = leave;
        else this.candidates = 0;
      }
      tree.reroot(e, uIn, vIn, uOut, join);
    }
  }

  /** Whether an artificial arc still carries flow (then the floors cannot all be met). */
  artificialFlow(): boolean {
    for (let a = this.artBase; a < this.T; a++) if (this.flow[a] !== 0) return true;
    return false;
  }

  /**
   * The plan's arcs at each node, inc[incStart[v] … incStart[v + 1]), built on first use (for
   * candidate pricing, and for swapping artificial arcs out of the tree; those arcs never change
   * ends).
   */
  incidence(): { readonly incStart: Int32Array; readonly inc: Int32Array } {
    if (!this.incStart || !this.inc) {
      const { N, A, src, tgt } = this;
      const incStart = new Int32Array(N + 1);
      for (let e = 0; e < A; e++) {
        incStart[src[e]! + 1]!++;
        incStart[tgt[e]! + 1]!++;
      }
      for (let v = 0; v < N; v++) incStart[v + 1]! += incStart[v]!;
      const inc = new Int32Array(2 * A);
      const fill = incStart.slice(0, N);
      for (let e = 0; e < A; e++) {
        inc[fill[src[e]!]!++] = e;
        inc[fill[tgt[e]!]!++] = e;
      }
      this.incStart = incStart;
      this.inc = inc;
    }
    return { incStart: this.incStart, inc: this.inc };
  }

  /**
   * Price only candidates from now on (until the kept state is restored, see ./sensitivity.ts): `arcs`, the arcs leaving the tree, and the
   * arcs at nodes whose potentials move. Valid from an optimal state whose only changes are `arcs`
   * (bounds, states, a spare arc): any other arc's reduced cost changes only with a potential of
   * one of its ends, and every potential move goes through `Tree.shift`. When the candidates grow to a
   * quarter of the arcs, pricing goes back to the block search.
   */
  startCandidates(arcs: readonly number[]): void {
    if (!this.stampOf) {
      this.incidence();
      this.stampOf = new Int32Array(this.N);
      this.dirty = new Int32Array(this.N);
    }
    this.stamp++;
    this.dirtyCount = 0;
    this.dirtyArcs = 0;
    this.extraCount = 0;
    for (const a of arcs) this.extra[this.extraCount++] = a;
    this.candidates = 1;
  }

  /** Stamp the nodes a potential shift walks (see `Tree.shift`) as candidates' ends. */
  mark(from: number, count: number, skip: number, resume: number): void {
    const stampOf = this.stampOf!;
    const dirty = this.dirty!;
    const incStart = this.incStart!;
    const thread = this.tree.thread;
    const st = this.stamp;
    const limit = this.A / 4;
    let w = from;
    for (let c = 0; c < count; c++) {
      if (stampOf[w] !== st) {
        stampOf[w] = st;
        dirty[this.dirtyCount++] = w;
        this.dirtyArcs += incStart[w + 1]! - incStart[w]!;
        if (this.dirtyArcs > limit) {
          this.candidates = 0;
          return;
        }
      }
      w = thread[w]!;
      if (w === skip) w = resume;
    }
  }

  /**
   * The most violating candidate (lexicographic over the three levels), or −1. A copy of the
   * three-level pricing on purpose: pricing the candidates in findEntering's loop (over a list)
   * cost a fresh process at 20,000 applications about 6 ms more in findEntering, measured.
   */
  private findCandidate(): number {
    const { state, src, tgt, c0, c1, c2, extra } = this;
    const { pi0, pi1, pi2 } = this.tree;
    const dirty = this.dirty!;
    const incStart = this.incStart!;
    const inc = this.inc!;
    let best = -1;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    const consider = (e: number): void => {
      const s = state[e]!;
      if (s !== LOWER && s !== UPPER) return;
      const u = src[e]!;
      const v = tgt[e]!;
      const d0 = s * (c0[e]! + pi0[u]! - pi0[v]!);
      if (d0 > 0) return;
      const d1 = s * (c1[e]! + pi1[u]! - pi1[v]!);
      if (d0 === 0 && d1 > 0) return;
      const d2 = s * (c2[e]! + pi2[u]! - pi2[v]!);
      if ((d0 < 0 || d1 < 0 || d2 < 0) && (best < 0 || d0 < b0 || (d0 === b0 && (d1 < b1 || (d1 === b1 && d2 < b2))))) {
        best = e;
        b0 = d0;
        b1 = d1;
        b2 = d2;
      }
    };
    for (let i = 0; i < this.extraCount; i++) consider(extra[i]!);
    for (let k = 0; k < this.dirtyCount; k++) {
      const w = dirty[k]!;
      for (let q = incStart[w]!; q < incStart[w + 1]!; q++) consider(inc[q]!);
    }
    return best;
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
