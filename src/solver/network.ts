/**
 * An exact network simplex for the LPs of the allocation model when they are network LPs.
 *
 * Shape: every coefficient is 1, so a row is a set of columns. When the rows split into two
 * families A and B, each laminar (two rows of a family are disjoint or nested), the LP is a
 * min-cost circulation: one root node R plus a node per row; a family-A row r is an arc
 * parent(r) → r, a family-B row an arc r → parent(r) (parent: the smallest row of the same family
 * strictly containing r, identical sets chained by row index, R when none); column j is an arc
 * from its innermost A row to its innermost B row (R when none). Conservation makes the flow on
 * a row's arc equal to the row's activity.
 *
 * Exactness: bounds and costs are scaled by powers of ten to integers (refused when that is not
 * possible, or when the sums could leave the doubles' exact integers), so flows, potentials and
 * reduced costs are exact integers held in doubles. Costs are lexicographic pairs (primary,
 * secondary): one run gives "best primary, and among those the best secondary", exactly.
 *
 * Algorithm: primal network simplex on a spanning-tree basis with the tree in parent / pred /
 * thread / subtree-size / last-of-subtree typed arrays (LEMON's layout; a pivot splices thread
 * segments and shifts the potentials of the smaller side), block-search pricing (LEMON's rule:
 * blocks of ~√arcs), Cunningham's leaving-arc rule on strongly feasible trees (no cycling;
 * degenerate pivots are common here). The start is the slack basis: every row's arc in the tree,
 * every column at a bound (at its upper bound when that is cheaper and every row it is in stays
 * below its ceiling: a greedy crash, cheapest first; else at its lower bound). A row whose arc
 * cannot start in the tree (a floor that is not met, say) hangs from R by an
 * artificial arc of infinite capacity whose cost is (1, 0, 0) on a third, dominant cost level:
 * no big M. Artificial arcs that are still in the tree at the end (with zero flow: otherwise the
 * LP is infeasible) are swapped for real arcs by a dual ratio test, so the final tree is an LP
 * basis, and its potentials are the LP's duals. The objective is Σ cost × value summed exactly in
 * the scaled integers and divided once (so equal optima give equal doubles).
 *
 * Detection and the network form are in ./network/detect.ts, the exact arithmetic in
 * ./network/exact.ts.
 *
 * Sensitivity: {@link openNetworkParametric} keeps the optimal tree (the `Simplex` object) and
 * answers "the optimum with this row's bounds replaced" by a few warm primal pivots, restoring the
 * kept optimum after each answer; it also ranges each row's active bound along its arc's cycle.
 */
import { networkOf, whyNotNetwork, type NetworkPlan } from './network/detect.js';
import { addProduct, asInteger, decimalScale, exactQuotient, integerCosts, MAX_DECIMALS, POWERS, SAFE, scaled } from './network/exact.js';
import type { ParametricLp } from './types.js';
import type { Basis, LinearProgram } from './types.js';

export { networkOf, whyNotNetwork, type NetworkPlan };

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

const LOWER = 1;
const UPPER = -1;
const TREE = 0;
/**
 * A non-tree arc that is never priced, at its lower bound: an arc with equal bounds, an unused
 * spare slot, or a dominant-cost arc (artificial, excess) that has given back all its flow.
 */
const FIXED = 2;

/**
 * One network simplex: arcs, spanning-tree basis and potentials, kept as an object so that a
 * solved LP can be re-solved from its optimal tree (see {@link openNetworkParametric}).
 *
 * Arcs: the plan's (columns, then rows, with the plan's indices), then `spare` slots for the
 * arcs a bound change adds (unused: FIXED), then up to one artificial arc per row node. Costs are
 * triples (dominant level c0: 1 on artificial and excess arcs; primary c1; secondary c2), all
 * scaled integers in the min form. Flows are kept shifted: actual = lo + flow, flow ∈ [0, cap].
 */
class Simplex {
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
  // The tree (LEMON's layout): parent, tree arc of each node (pred; predUp = 1 when it goes node →
  // parent), thread (preorder, circular through R) and its reverse, subtree sizes, the last node
  // of each subtree in the thread, potentials per cost level (reduced cost c + π[from] − π[to]).
  readonly parent: Int32Array;
  readonly pred: Int32Array;
  readonly predUp: Uint8Array;
  readonly thread: Int32Array;
  readonly rev: Int32Array;
  readonly size: Int32Array;
  readonly last: Int32Array;
  readonly pi0: Float64Array;
  readonly pi1: Float64Array;
  readonly pi2: Float64Array;
  // Scratch for `reroot`, per stem node.
  private readonly stem: Int32Array;
  private readonly segEnd: Int32Array;
  private readonly skipFrom: Int32Array;
  private readonly skipTo: Int32Array;
  private readonly stemSize: Int32Array;
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
  private saved: { arrays: [Float64Array | Int32Array | Int8Array | Uint8Array, Float64Array | Int32Array | Int8Array | Uint8Array][]; scalars: number[] } | null = null;

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
    this.parent = new Int32Array(N);
    this.pred = new Int32Array(N);
    this.predUp = new Uint8Array(N);
    this.thread = new Int32Array(N);
    this.rev = new Int32Array(N);
    this.size = new Int32Array(N);
    this.last = new Int32Array(N);
    this.pi0 = new Float64Array(N);
    this.pi1 = new Float64Array(N);
    this.pi2 = new Float64Array(N);
    this.stem = new Int32Array(N);
    this.segEnd = new Int32Array(N);
    this.skipFrom = new Int32Array(N);
    this.skipTo = new Int32Array(N);
    this.stemSize = new Int32Array(N);

    // The start: columns at a bound (see the crash), row arcs in the tree where they can be (bottom-up).
    const nc = A - mA; // column arcs come first
    crash(plan, cap, c1, c2, flow, state, nc);
    const { parent, pred, predUp } = this;
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

  /** Thread, sizes, last nodes and potentials from `parent` / `pred` / `predUp`. */
  private buildTree(): void {
    const { N, parent, pred, predUp, thread, rev, size, last, pi0, pi1, pi2, c0, c1, c2 } = this;
    const childStart = new Int32Array(N + 1);
    for (let v = 1; v < N; v++) childStart[parent[v]! + 1]!++;
    for (let v = 0; v < N; v++) childStart[v + 1]! += childStart[v]!;
    const children = new Int32Array(Math.max(N - 1, 0));
    const fill = childStart.slice(0, N);
    for (let v = 1; v < N; v++) children[fill[parent[v]!]!++] = v;
    const order = new Int32Array(N);
    const at = new Int32Array(N);
    const stack = new Int32Array(N);
    let sp = 0;
    let k = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const v = stack[--sp]!;
      at[v] = k;
      order[k++] = v;
      if (v !== 0) {
        const p = parent[v]!;
        const e = pred[v]!;
        const s = predUp[v] ? -1 : 1;
        pi0[v] = pi0[p]! + s * c0[e]!;
        pi1[v] = pi1[p]! + s * c1[e]!;
        pi2[v] = pi2[p]! + s * c2[e]!;
      }
      for (let q = childStart[v + 1]! - 1; q >= childStart[v]!; q--) stack[sp++] = children[q]!;
    }
    for (let i = 0; i < N; i++) {
      const v = order[i]!;
      const w = order[(i + 1) % N]!;
      thread[v] = w;
      rev[w] = v;
    }
    for (let i = N - 1; i >= 0; i--) {
      const v = order[i]!;
      size[v]! += 1;
      if (v !== 0) size[parent[v]!]! += size[v]!;
    }
    for (let v = 0; v < N; v++) last[v] = order[at[v]! + size[v]! - 1]!;
  }

  /**
   * Make `e` the tree arc of `uIn` (hanging from `vIn`), dropping the tree arc of `uOut`, which is
   * on the path from `uIn` to `join` (the apex of e's cycle): the subtree of `uOut` is re-rooted at
   * `uIn`. The thread is spliced in segments: the old subtree of uIn, then each stem node s_i
   * (uIn's old ancestors up to uOut) with its old subtree minus s_(i−1)'s, so the work is the stem
   * and the paths to the root, not the subtree. Potentials: the moved subtree's shift, or, when the
   * moved subtree is the larger side, the opposite shift of the rest (the root included: potentials
   * are then right up to a constant, which reduced costs do not see).
   */
  reroot(e: number, uIn: number, vIn: number, uOut: number, join: number): void {
    const { N, src, parent, pred, predUp, thread, rev, size, last, pi0, pi1, pi2, stem, segEnd, skipFrom, skipTo, stemSize } = this;
    const up = src[e] === uIn;
    const c0e = this.c0[e]!;
    const c1e = this.c1[e]!;
    const c2e = this.c2[e]!;
    const s0 = (up ? pi0[vIn]! - c0e : pi0[vIn]! + c0e) - pi0[uIn]!;
    const s1 = (up ? pi1[vIn]! - c1e : pi1[vIn]! + c1e) - pi1[uIn]!;
    const s2 = (up ? pi2[vIn]! - c2e : pi2[vIn]! + c2e) - pi2[uIn]!;
    const S = size[uOut]!;
    const vOut = parent[uOut]!;
    let k = 0;
    for (let w = uIn; ; w = parent[w]!) {
      stem[k++] = w;
      if (w === uOut) break;
    }
    // Reads of the old tree first.
    const prevOut = rev[uOut]!;
    const oldLastOut = last[uOut]!;
    const nextOut = thread[oldLastOut]!;
    segEnd[0] = last[uIn]!;
    for (let i = 1; i < k; i++) {
      const si = stem[i]!;
      const sp = stem[i - 1]!;
      const before = rev[sp]!; // s_i itself, or the last node before s_(i−1)'s subtree
      const lp = last[sp]!;
      const hasAfter = last[si] !== lp; // nodes of s_i's subtree after s_(i−1)'s
      skipFrom[i] = before;
      skipTo[i] = hasAfter ? thread[lp]! : -1;
      segEnd[i] = hasAfter ? last[si]! : before;
    }
    let acc = 0;
    for (let i = k - 1; i >= 1; i--) {
      acc += size[stem[i]!]! - size[stem[i - 1]!]!;
      stemSize[i] = acc;
    }
    // The thread: take the subtree out, link its segments in the new order, put it after vIn.
    thread[prevOut] = nextOut;
    rev[nextOut] = prevOut;
    for (let i = 1; i < k; i++) {
      const to = skipTo[i]!;
      if (to >= 0) {
        thread[skipFrom[i]!] = to;
        rev[to] = skipFrom[i]!;
      }
      const si = stem[i]!;
      thread[segEnd[i - 1]!] = si;
      rev[si] = segEnd[i - 1]!;
    }
    const lastNew = segEnd[k - 1]!;
    const nv = thread[vIn]!;
    thread[vIn] = uIn;
    rev[uIn] = vIn;
    thread[lastNew] = nv;
    rev[nv] = lastNew;
    // Parents and tree arcs along the stem (reversed), sizes, last nodes.
    for (let i = k - 1; i >= 1; i--) {
      const x = stem[i]!;
      const y = stem[i - 1]!;
      parent[x] = y;
      pred[x] = pred[y]!;
      predUp[x] = predUp[y]! ^ 1;
      size[x] = stemSize[i]!;
      last[x] = lastNew;
    }
    parent[uIn] = vIn;
    pred[uIn] = e;
    predUp[uIn] = up ? 1 : 0;
    size[uIn] = S;
    last[uIn] = lastNew;
    for (let w = vOut; w !== join; w = parent[w]!) size[w]! -= S;
    for (let w = vIn; w !== join; w = parent[w]!) size[w]! += S;
    for (let w = vOut; w !== -1 && last[w] === oldLastOut; w = parent[w]!) last[w] = prevOut;
    for (let w = vIn; w !== -1 && last[w] === vIn; w = parent[w]!) last[w] = lastNew;
    // Potentials.
    if (s0 === 0 && s1 === 0 && s2 === 0) return;
    if (2 * S <= N) {
      this.shift(uIn, S, -1, -1, s0, s1, s2);
    } else {
      this.shift(0, N - S, uIn, nv, -s0, -s1, -s2);
      if (Math.abs(pi0[0]!) > OFFSET_LIMIT || Math.abs(pi1[0]!) > OFFSET_LIMIT || Math.abs(pi2[0]!) > OFFSET_LIMIT) {
        const r0 = pi0[0]!;
        const r1 = pi1[0]!;
        const r2 = pi2[0]!;
        for (let v = 0; v < N; v++) {
          pi0[v]! -= r0;
          pi1[v]! -= r1;
          pi2[v]! -= r2;
        }
      }
    }
  }

  /** Add (d0, d1, d2) to the potentials of `count` nodes along the thread from `from`, jumping from `skip` to `resume`. */
  shift(from: number, count: number, skip: number, resume: number, d0: number, d1: number, d2: number): void {
    if (this.candidates === 1) this.mark(from, count, skip, resume);
    const { thread, pi0, pi1, pi2 } = this;
    let w = from;
    if (d0 === 0) {
      for (let c = 0; c < count; c++) {
        pi1[w]! += d1;
        pi2[w]! += d2;
        w = thread[w]!;
        if (w === skip) w = resume;
      }
    } else {
      for (let c = 0; c < count; c++) {
        pi0[w]! += d0;
        pi1[w]! += d1;
        pi2[w]! += d2;
        w = thread[w]!;
        if (w === skip) w = resume;
      }
    }
  }

  /**
   * Block search (LEMON's rule): scan blocks of ~√arcs from where the last search stopped and take
   * the most violating arc of the first block that has one. Violations are lexicographic triples
   * (dominant level, primary, secondary).
   */
  findEntering(): number {
    if (this.candidates === 1) return this.findCandidate();
    const { state, src, tgt, c1, c2, pi1, pi2 } = this;
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
      // shared with findCandidate) made the 100,000-application solve about 50% slower, measured.
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
    const { c0, pi0 } = this;
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
    const { N, A, src, tgt, state, c0, c1, c2, pi0, pi1, pi2, pred, size, thread } = this;
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

  /**
   * Price only candidates from now on (until `restore`): `arcs`, the arcs leaving the tree, and the
   * arcs at nodes whose potentials move. Valid from an optimal state whose only changes are `arcs`
   * (bounds, states, a spare arc): any other arc's reduced cost changes only with a potential of
   * one of its ends, and every potential move goes through `shift`. When the candidates grow to a
   * quarter of the arcs, pricing goes back to the block search.
   */
  startCandidates(arcs: readonly number[]): void {
    if (!this.incStart) {
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
      this.stampOf = new Int32Array(N);
      this.dirty = new Int32Array(N);
    }
    this.stamp++;
    this.dirtyCount = 0;
    this.dirtyArcs = 0;
    this.extraCount = 0;
    for (const a of arcs) this.extra[this.extraCount++] = a;
    this.candidates = 1;
  }

  /** Stamp the nodes a potential shift walks (see `shift`) as candidates' ends. */
  private mark(from: number, count: number, skip: number, resume: number): void {
    const stampOf = this.stampOf!;
    const dirty = this.dirty!;
    const incStart = this.incStart!;
    const thread = this.thread;
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

  /** The most violating candidate (lexicographic over the three levels), or −1. */
  private findCandidate(): number {
    const { state, src, tgt, c0, c1, c2, pi0, pi1, pi2, extra } = this;
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

  /** Multiply every bound and flow by `f` (a power of ten: a finer bound scale; the tree stays optimal). */
  rescale(f: number): void {
    const { lo, cap, flow } = this;
    for (let e = 0; e < this.T; e++) {
      lo[e]! *= f;
      cap[e]! *= f;
      flow[e]! *= f;
    }
  }

  /** Keep the current state; {@link restore} brings it back. */
  save(): void {
    const arrays = [this.lo, this.cap, this.flow, this.state, this.parent, this.pred, this.predUp, this.thread, this.rev, this.size, this.last, this.pi0, this.pi1, this.pi2];
    this.saved = {
      arrays: arrays.map((a) => [a, a.slice()] as [typeof a, typeof a]),
      scalars: [this.priced, this.nextArc, this.artsInTree, this.dominantOut],
    };
  }

  restore(): void {
    const saved = this.saved!;
    for (const [a, copy] of saved.arrays) a.set(copy as never);
    [this.priced, this.nextArc, this.artsInTree, this.dominantOut] = saved.scalars as [number, number, number, number];
    this.candidates = 0;
    this.delta.s = 0;
    this.delta.t = 0;
    for (let e = this.A; e < this.artBase; e++) {
      this.c0[e] = 0;
      this.c1[e] = 0;
      this.c2[e] = 0;
    }
  }
}

/** Potentials stay exact while no offset exceeds this (see `Simplex.reroot`). */
const OFFSET_LIMIT = 2 ** 51;

/** Whether some bound pair is crossed (then the LP is infeasible before any pivot). */
function crossedBounds(plan: NetworkPlan): boolean {
  for (let e = 0; e < plan.arcCount; e++) if (plan.arcLower[e]! > plan.arcUpper[e]!) return true;
  for (const c of plan.lp.columns) if (c.lower > c.upper) return true;
  return false;
}

/**
 * Σ primary cost × value over the LP's columns in the min form and scaled integers (costs ×
 * costScale, values × `bs`), exactly.
 */
function scaledObjective(plan: NetworkPlan, bs: number, lo: Float64Array, flow: Float64Array): bigint {
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
function objectiveValue(plan: NetworkPlan, S: bigint, bs: number): number {
  return exactQuotient(plan.lp.sense === 'max' ? -S : S, plan.costScale * bs);
}

/** HiGHS's row duals for the primary objective, from the potentials (see {@link NetworkSolution.duals}). */
function rowDuals(plan: NetworkPlan, sx: Simplex): Float64Array {
  const m = plan.lp.rows.length;
  const sense = plan.lp.sense === 'max' ? -1 : 1;
  const cs = plan.costScale;
  const duals = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const e = plan.rowArc[r]!;
    if (e < 0) continue;
    const reversed = plan.arcReversed[e] === 1;
    const d = sx.pi1[sx.src[e]!]! - sx.pi1[sx.tgt[e]!]!; // a row arc costs nothing
    // y = d for a min LP (forward arc); −d for a reversed arc; the opposite again for 'max'.
    duals[r] = ((reversed ? -1 : 1) * sense * d) / cs + 0;
  }
  return duals;
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
  const sec = secondary ? secondaryCosts(secondary, sense, plan.nodeCount - 1) : new Float64Array(n);

  const infeasible = (pivots: number): NetworkSolution => ({
    status: 'infeasible',
    values: new Float64Array(n).fill(NaN),
    objective: NaN,
    secondaryObjective: NaN,
    duals: new Float64Array(m).fill(NaN),
    basis: { colStatus: new Int32Array(n), rowStatus: new Int32Array(m) },
    pivots,
  });
  if (crossedBounds(plan)) return infeasible(0);

  const sx = new Simplex(plan, sec, 0);
  sx.run(Infinity);
  if (sx.artificialFlow()) return infeasible(sx.pivots);
  sx.removeArtificials();

  // Results.
  const { state, lo, flow } = sx;
  const bs = plan.boundScale;
  const values = new Float64Array(n);
  const colStatus = new Int32Array(n);
  const rowStatus = new Int32Array(m).fill(1);
  let secondaryObjective = 0;
  for (let j = 0; j < n; j++) {
    const c = lp.columns[j]!;
    const e = plan.columnArc[j]!;
    if (e < 0) {
      // In no network row: its better bound (by cost, then secondary), lower on a tie.
      const better = sense * c.cost < 0 || (sense * c.cost === 0 && sec[j]! < 0);
      values[j] = better ? c.upper : c.lower;
      colStatus[j] = better && c.upper !== c.lower ? 2 : 0;
    } else {
      values[j] = (lo[e]! + flow[e]!) / bs;
      colStatus[j] = state[e] === TREE ? 1 : state[e] === UPPER ? 2 : 0;
    }
    if (secondary) secondaryObjective += secondary[j]! * values[j]!;
  }
  for (let r = 0; r < m; r++) {
    const e = plan.rowArc[r]!;
    if (e < 0) continue;
    const st = state[e]!;
    const reversed = plan.arcReversed[e] === 1;
    // The arc's status, seen from the row: a reversed arc at its lower bound is the row at its upper.
    rowStatus[r] = st === TREE ? 1 : (st === UPPER) !== reversed ? 2 : 0;
  }
  const objective = objectiveValue(plan, scaledObjective(plan, bs, lo, flow), bs);
  return { status: 'optimal', values, objective, secondaryObjective, duals: rowDuals(plan, sx), basis: { colStatus, rowStatus }, pivots: sx.pivots };
}

/** The secondary costs as exact integers in the min form (see {@link solveNetwork}), or a RangeError. */
function secondaryCosts(secondary: ArrayLike<number>, sense: number, rows: number): Float64Array {
  const n = secondary.length;
  for (let j = 0; j < n; j++) if (!Number.isFinite(secondary[j]!)) throw new RangeError(`secondary[${j}] is not finite`);
  const costs = integerCosts(secondary, sense, rows);
  if (costs.refused === 'not decimal') throw new RangeError(`the secondary costs are not decimals with at most ${MAX_DECIMALS} places`);
  if (costs.refused === 'too large') throw new RangeError('the secondary costs are too large for exact potentials');
  return costs.values;
}

/** A {@link ParametricLp} on the network simplex, with counters (for tests and benchmarks). */
export interface NetworkParametricLp extends ParametricLp {
  readonly stats: {
    /** Calls of objectiveWithRowBounds; pivots of their warm re-solves; calls answered by a cold solve. */
    readonly calls: number;
    readonly pivots: number;
    readonly cold: number;
  };
}

/** How far the flow of the non-tree arc `e` can move in direction `dir` (+1: up) before a tree arc on its cycle hits a bound. */
function cycleRoom(sx: Simplex, e: number, dir: number): number {
  const { src, tgt, cap, flow, parent, pred, predUp, size } = sx;
  const first = dir > 0 ? src[e]! : tgt[e]!;
  const second = dir > 0 ? tgt[e]! : src[e]!;
  let u = first;
  let v = second;
  while (u !== v) {
    if (size[u]! < size[v]!) u = parent[u]!;
    else v = parent[v]!;
  }
  let t = Infinity;
  for (let w = first; w !== u; w = parent[w]!) {
    const a = pred[w]!;
    t = Math.min(t, predUp[w] ? flow[a]! : cap[a]! - flow[a]!);
  }
  for (let w = second; w !== u; w = parent[w]!) {
    const a = pred[w]!;
    t = Math.min(t, predUp[w] ? cap[a]! - flow[a]! : flow[a]!);
  }
  return t;
}

/** A row bound as the solver reads it: null for none (null, ±Infinity on the side where it means none). */
function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

/**
 * The LP's optimum kept open for sensitivity questions (primary objective only), or null when the
 * LP is infeasible.
 *
 * - `objective`, `duals`: as {@link solveNetwork} gives them (the same pivots: the same vertex).
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
  if (crossedBounds(plan)) return null;
  const sx = new Simplex(plan, new Float64Array(n), 1);
  sx.run(Infinity);
  if (sx.artificialFlow()) return null;
  sx.removeArtificials();
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
  sx.save();

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
    if (F !== 1) sx.rescale(F);
    const { src, tgt, lo, cap, flow, state, c0, pred, predUp, size } = sx;
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
      lo[e] = aLo;
      cap[e] = aHi - aLo;
      if (!high && !low) flow[e] = f - aLo;
      else {
        const b = high ? aHi : aLo;
        flow[e] = b - aLo;
        state[e] = cap[e] === 0 ? FIXED : high ? UPPER : LOWER;
        src[p] = high ? src[e]! : tgt[e]!;
        tgt[p] = high ? tgt[e]! : src[e]!;
        lo[p] = 0;
        cap[p] = Infinity;
        flow[p] = Math.abs(f - b);
        c0[p] = 1;
        state[p] = TREE;
        pred[w] = p;
        predUp[w] = src[p] === w ? 1 : 0;
        sx.artsInTree++;
        // The tree arc now costs 1 on the dominant level: w's subtree moves by ±1 there.
        sx.shift(w, size[w]!, -1, -1, w === tgt[p] ? 1 : -1, 0, 0);
        sx.priced = A + 1;
      }
    } else if (f > aHi || f < aLo) {
      // Out of the tree, cut: to the new bound; the excess on a dominant-cost arc at its upper bound.
      const high = f > aHi;
      const b = high ? aHi : aLo;
      lo[e] = aLo;
      cap[e] = aHi - aLo;
      flow[e] = b - aLo;
      state[e] = cap[e] === 0 ? FIXED : high ? UPPER : LOWER;
      src[p] = high ? src[e]! : tgt[e]!;
      tgt[p] = high ? tgt[e]! : src[e]!;
      lo[p] = 0;
      cap[p] = Math.abs(f - b);
      flow[p] = cap[p]!;
      c0[p] = 1;
      state[p] = UPPER;
      sx.dominantOut++;
      sx.priced = A + 1;
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
        sx.restore();
      }
    },
    dispose() {
      disposed = true;
    },
  };
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
