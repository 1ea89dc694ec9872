/**
 * The network simplex: one `Simplex` object holds the arcs, the spanning-tree basis (a `Tree`,
 * ./tree.ts) and the pricing state. The start (LEMON's flat tree: every node on its own
 * artificial arc to an artificial root, after a crash that fills the best columns as far as their
 * rows allow, see `crash`), the pivots (Cunningham's leaving-arc rule on strongly feasible trees: no cycling,
 * and degenerate pivots are common here), the pricing (a candidate list, LEMON's rule; in a warm
 * re-solve only the candidates) and the tie stage (the secondary costs minimised on the primary
 * optimum's face, from its tree). The removal of artificial arcs left in the optimal tree is
 * ./solve.ts's.
 */
import type { NetworkPlan } from './detect.js';
import { addProduct, SAFE } from './exact.js';
import { FIXED, LOWER, Tree, TREE, UPPER, type ShiftWatcher } from './tree.js';

/**
 * One network simplex: arcs, spanning-tree basis and potentials, kept as an object so that a
 * solved LP can be re-solved from its optimal tree (see `openNetworkParametric`, ./sensitivity.ts).
 *
 * Nodes: the plan's, then an artificial root (the tree's root, `tree.root`). Arcs: the plan's
 * (columns, then rows, with the plan's indices), then `spare` slots for the arcs a bound change
 * adds (unused: FIXED), then one artificial arc per plan node, joining it to the artificial root
 * or, in the fallback start, to R. An artificial arc is never priced: once out of the tree it is
 * FIXED. Costs are triples (dominant level c0: 1 on the artificial arcs that carry a deficit and
 * on excess arcs, else 0; primary c1; secondary c2, which is 0 until the tie stage), all scaled
 * integers in the min form. Flows are kept shifted: actual = lo + flow, flow ∈ [0, cap].
 */
export class Simplex implements ShiftWatcher {
  /** Tree nodes: the plan's and the artificial root. */
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
  /** The secondary costs per plan arc (the tie stage's), or null when there are none. */
  readonly tie: Float64Array | null;
  /** The spanning-tree basis and its potentials. */
  readonly tree: Tree;
  /** Arcs [0, priced) are priced: the plan's, and the spare slots while one is in use. */
  priced: number;
  /** Where the next scan of the arcs starts. */
  nextArc = 0;
  /** The candidate list (see {@link findEntering}): its first `listed` arcs, and the minor iterations since it was made. */
  private readonly list: Int32Array;
  private listed = 0;
  private minor = 0;
  private readonly minorLimit: number;
  /** Dominant-cost arcs in the tree; and out of it but priced (at a bound with flow to give back). */
  artsInTree = 0;
  dominantOut = 0;
  pivots = 0;
  /** Pivots of the tie stage (counted in `pivots` too). */
  tiePivots = 0;
  /** Pivots that moved no flow (for benchmarks). */
  degenerate = 0;
  /** Whether the start was the flat one (else the fallback, every row under its parent row). */
  readonly flat: boolean;
  /** Σ primary cost × flow changed by the pivots since it was last set to 0: exactly dS + dT (see {@link addProduct}). */
  readonly delta = { s: 0, t: 0 };
  // The tie stage: the arcs of the primary optimum's face (reduced costs 0 on levels 0 and 1), priced by block search.
  private face: Int32Array | null = null;
  private faceCount = 0;
  private faceBlock = 0;
  private faceNext = 0;
  // Candidate pricing (warm re-solves from an optimum, see `startCandidates`): the incidence of
  // the plan's arcs per node, the nodes whose potentials moved (stamped), extra arcs to price.
  /** 1: price only the warm candidates (see `startCandidates`); 0: the candidate list over all arcs (see findEntering). */
  candidates = 0;
  /** Per node v, at v + 1, how many of the plan's arcs it is an end of (the constructor's count, for {@link incidence}). */
  private readonly incCounts: Int32Array;
  private incStart: Int32Array | null = null;
  private inc: Int32Array | null = null;
  private stampOf: Int32Array | null = null;
  private dirty: Int32Array | null = null;
  private stamp = 0;
  private dirtyCount = 0;
  private dirtyArcs = 0;
  private readonly extra = new Int32Array(64);
  private extraCount = 0;
  // Touched arcs (see `startTouched`): stamped once each per epoch, listed in `touched`.
  private touchStamp: Int32Array | null = null;
  private touchEpoch = 0;
  /** Whether the pivots list the arcs they change (`startTouched`). */
  tracking = false;
  /** The arcs listed since `startTouched`, the first `touchedCount` of it. */
  touched: Int32Array | null = null;
  touchedCount = 0;

  /** The start for `plan` with secondary costs `sec` per LP column (scaled, min form; null: none) and `spare` slots. */
  constructor(plan: NetworkPlan, sec: Float64Array | null, spare: number) {
    const Np = plan.nodeCount;
    const N = Np + 1;
    const A = plan.arcCount;
    const T = A + spare + Np;
    this.N = N;
    this.A = A;
    this.artBase = A + spare;
    this.T = T;
    const src = (this.src = new Int32Array(T));
    const tgt = (this.tgt = new Int32Array(T));
    const lo = (this.lo = new Float64Array(T));
    const cap = (this.cap = new Float64Array(T));
    this.flow = new Float64Array(T);
    const c0 = (this.c0 = new Uint8Array(T));
    const c1 = (this.c1 = new Float64Array(T));
    this.c2 = new Float64Array(T);
    const state = (this.state = new Int8Array(T).fill(FIXED));
    src.set(plan.arcFrom);
    tgt.set(plan.arcTo);
    lo.set(plan.arcLower);
    c1.set(plan.arcCost);
    // Capacities, the secondary costs and both costs' ranges (for the crash's order); the arcs'
    // states are the start's to set.
    const range = { min: 0, max: 0, tieMin: 0, tieMax: 0 };
    const tie = sec === null ? null : new Float64Array(A);
    const incCounts = (this.incCounts = new Int32Array(N + 1));
    const lowerAct = new Float64Array(Np);
    const ties = capacitiesAndRanges(plan.arcUpper, plan.arcColumn, lo, c1, sec, cap, tie, range, src, tgt, incCounts, A, plan.parent, lowerAct, A - (Np - 1));
    this.tie = ties ? tie : null;
    this.priced = A;
    // LEMON's sizes: a list of a quarter of √arcs, remade once it has given a tenth of its length of entering arcs (at least 3).
    this.list = new Int32Array(Math.max(10, Math.ceil(0.25 * Math.sqrt(A))));
    this.minorLimit = Math.max(3, Math.ceil(0.1 * this.list.length));
    this.tree = new Tree(N, src, c0, c1, this.c2, this);
    this.flat = this.flatStart(plan, range, lowerAct);
    if (!this.flat) this.deepStart(plan);
    this.tree.build();
    if (this.flat) this.placeComponents();
  }

  /**
   * LEMON's flat start after a crash (see {@link crash}): the arcs strictly between their bounds
   * (columns partly filled, rows neither empty nor full) are the tree's, a forest; every other
   * real arc is at a bound; each component of that forest hangs from the artificial root on the
   * artificial arc of its first node (cost 0, no flow: the flow already balances at every node).
   * False, with the column flows back at 0, when the crash cannot meet every floor or its arcs
   * between bounds would close a cycle (then {@link deepStart}, which sets every arc's state and
   * every row arc's flow again).
   */
  private flatStart(plan: NetworkPlan, range: CostRange, lowerAct: Float64Array): boolean {
    const { A, src, tgt, lo, cap, flow, state, c0 } = this;
    const Np = plan.nodeCount;
    const root = Np;
    const nc = A - (Np - 1); // column arcs come first
    const act = crash(plan, cap, this.c1, range, this.tie, flow, nc, lowerAct);
    const undo = (): false => {
      flow.fill(0, 0, nc);
      return false;
    };
    if (!act) return undo();
    // Every arc's state and the row arcs' flows, and each component of the arcs between bounds
    // (union-find), refused on a cycle (the start's fallback sets every state and row flow again).
    const comp = new Int32Array(Np);
    for (let v = 0; v < Np; v++) comp[v] = v;
    const degree = new Int32Array(Np + 1);
    const forest = new Int32Array(Np); // its arcs (fewer than its nodes: a cycle is refused first)
    let inTree = 0;
    for (let e = 0; e < A; e++) {
      let f: number;
      if (e < nc) f = flow[e]!;
      else {
        const v = e - A + Np;
        f = (plan.arcReversed[e] ? -act[v]! : act[v]!) - lo[e]!;
        if (f < 0 || f > cap[e]!) return undo();
        flow[e] = f;
      }
      const c = cap[e]!;
      if (c === 0) state[e] = FIXED;
      else if (f === 0) state[e] = LOWER;
      else if (f === c) state[e] = UPPER;
      else {
        state[e] = TREE;
        let a = src[e]!;
        while (comp[a] !== a) {
          comp[a] = comp[comp[a]!]!;
          a = comp[a]!;
        }
        let b = tgt[e]!;
        while (comp[b] !== b) {
          comp[b] = comp[comp[b]!]!;
          b = comp[b]!;
        }
        if (a === b) return undo();
        comp[a] = b;
        degree[src[e]! + 1]!++;
        degree[tgt[e]! + 1]!++;
        forest[inTree++] = e;
      }
    }
    // The forest's incidence, then each component hung from the artificial root by its first node.
    for (let v = 0; v < Np; v++) degree[v + 1]! += degree[v]!;
    const adj = new Int32Array(2 * inTree);
    const fill = degree.slice(0, Np);
    for (let i = 0; i < inTree; i++) {
      const e = forest[i]!;
      adj[fill[src[e]!]!++] = e;
      adj[fill[tgt[e]!]!++] = e;
    }
    const { parent, pred, predUp } = this.tree;
    const seen = new Uint8Array(Np);
    const queue = new Int32Array(Np);
    for (let c = 0; c < Np; c++) {
      if (seen[c]) continue;
      const a = this.artBase + c;
      src[a] = c;
      tgt[a] = root;
      cap[a] = Infinity;
      c0[a] = 0;
      state[a] = TREE;
      parent[c] = root;
      pred[c] = a;
      predUp[c] = 1;
      seen[c] = 1;
      let head = 0;
      let tail = 0;
      queue[tail++] = c;
      while (head < tail) {
        const u = queue[head++]!;
        for (let q = degree[u]!; q < degree[u + 1]!; q++) {
          const e = adj[q]!;
          const w = src[e] === u ? tgt[e]! : src[e]!;
          if (seen[w]) continue;
          seen[w] = 1;
          parent[w] = u;
          pred[w] = e;
          predUp[w] = src[e] === w ? 1 : 0;
          queue[tail++] = w;
        }
      }
    }
    return true;
  }

  /**
   * The flat start's potentials, component by component, breadth first from R's: each
   * component's potentials move by the offset that the arcs joining it to the components already
   * placed ask for (the largest lower limit their reduced costs' signs put on it, else the least
   * upper limit), so that arcs do not price as violations only because a component hangs on its
   * artificial arc with an arbitrary potential. The offset is that artificial arc's cost: it never
   * carries flow (no arc leaves the artificial root), and the offset makes one real arc's reduced
   * cost 0 as if that arc were in the tree, so potentials stay sums of real costs along paths of
   * distinct nodes (the exactness bound of ./exact.ts holds).
   */
  private placeComponents(): void {
    const { src, tgt, state, c1 } = this;
    const { root, parent, pred, thread, size, pi1 } = this.tree;
    const { incStart, inc } = this.incidence();
    const top = new Int32Array(root); // the component of each plan node: its node under the artificial root
    for (let v = thread[root]!; v !== root; v = thread[v]!) top[v] = parent[v] === root ? v : top[parent[v]!]!;
    const placed = new Uint8Array(root);
    const queue = new Int32Array(root);
    let head = 0;
    let tail = 0;
    let r = 0;
    while (parent[r] !== root) r = parent[r]!;
    placed[r] = 1;
    queue[tail++] = r;
    while (head < tail) {
      const c = queue[head++]!;
      for (let k = 0, w = c; k < size[c]!; k++, w = thread[w]!) {
        for (let q = incStart[w]!; q < incStart[w + 1]!; q++) {
          const e = inc[q]!;
          const x = src[e] === w ? tgt[e]! : src[e]!;
          const b = top[x]!;
          if (placed[b]) continue;
          // Place component b: its offset from the arcs joining it to the components placed.
          let lower = -Infinity;
          let upper = Infinity;
          for (let kb = 0, y = b; kb < size[b]!; kb++, y = thread[y]!) {
            for (let qb = incStart[y]!; qb < incStart[y + 1]!; qb++) {
              const f = inc[qb]!;
              const s = state[f]!;
              if (s !== LOWER && s !== UPPER) continue;
              const z = src[f] === y ? tgt[f]! : src[f]!;
              if (top[z] === b || !placed[top[z]!]) continue;
              // The offset t at which f's reduced cost is 0; at its lower bound it must stay ≥ 0, at its upper ≤ 0.
              const t = src[f] === y ? pi1[z]! - c1[f]! - pi1[y]! : c1[f]! + pi1[z]! - pi1[y]!;
              if ((s === LOWER) === (src[f] === y)) {
                if (t > lower) lower = t;
              } else if (t < upper) upper = t;
            }
          }
          const d = lower > -Infinity ? lower : upper < Infinity ? upper : 0;
          placed[b] = 1;
          queue[tail++] = b;
          if (d === 0) continue;
          for (let kb = 0, y = b; kb < size[b]!; kb++, y = thread[y]!) pi1[y]! += d;
          c1[pred[b]!] = -d; // pred[b] is b's artificial arc, b → root: π[b] = π[root] − cost
        }
      }
    }
  }

  /**
   * The fallback start: the columns at their lower bounds, each row's arc in the tree under its
   * parent row where the flow that balances its node is within its bounds (bottom-up), else at
   * a bound with the excess on an artificial arc to R on the dominant cost level; R on a
   * costless artificial arc to the artificial root.
   */
  private deepStart(plan: NetworkPlan): void {
    const { A, src, tgt, lo, cap, flow, state, c0 } = this;
    const Np = plan.nodeCount;
    const mA = Np - 1;
    const nc = A - mA;
    const { parent, pred, predUp } = this.tree;
    const bal = new Float64Array(Np); // net inflow from the arcs fixed so far (actual flows)
    for (let e = 0; e < nc; e++) {
      state[e] = cap[e] === 0 ? FIXED : LOWER;
      bal[tgt[e]!]! += lo[e]!;
      bal[src[e]!]! -= lo[e]!;
    }
    let arts = 0;
    for (let i = 0; i < mA; i++) {
      const v = plan.bottomUp[i]!;
      const e = A - Np + v; // row arcs come last, in node order
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
        state[e] = cap[e] === 0 ? FIXED : actual === hi ? UPPER : LOWER;
        const excess = bal[v]! + (up ? -actual : actual);
        const a = this.artBase + arts++;
        src[a] = excess >= 0 ? v : 0;
        tgt[a] = excess >= 0 ? 0 : v;
        flow[a] = Math.abs(excess);
        predUp[v] = excess >= 0 ? 1 : 0;
        cap[a] = Infinity;
        c0[a] = 1;
        state[a] = TREE;
        parent[v] = 0;
        pred[v] = a;
        this.artsInTree++;
      }
      bal[p]! += up ? actual : -actual;
    }
    const a = this.artBase + arts;
    src[a] = 0;
    tgt[a] = Np;
    cap[a] = Infinity;
    state[a] = TREE;
    parent[0] = Np;
    pred[0] = a;
    predUp[0] = 1;
  }

  /**
   * The tie stage, from an optimal tree of the primary costs: the secondary costs minimised over
   * the optimal face, so that the result is the lexicographic optimum (primary, then secondary).
   * Every arc whose reduced cost on level 0 or 1 is not 0 stays at its bound (moving it would
   * lose primary objective); the pivots enter only arcs with both 0, so no potential of those
   * levels moves and the face stays the same set of arcs.
   */
  tieStage(): void {
    const tie = this.tie;
    if (!tie) return;
    const { A, src, tgt, state, c0, c1, c2 } = this;
    const { pi0, pi1 } = this.tree;
    c2.set(tie);
    this.tree.rebuildLevel2();
    const face = new Int32Array(A);
    const count = faceArcs(A, src, tgt, state, c0, c1, pi0, pi1, face);
    this.face = face;
    this.faceCount = count;
    this.faceBlock = Math.max(10, Math.ceil(Math.sqrt(count)));
    this.faceNext = 0;
    const before = this.pivots;
    this.run(Infinity);
    this.tiePivots = this.pivots - before;
    this.face = null;
  }

  /**
   * The entering arc by LEMON's candidate-list rule: a major iteration scans the arcs from where
   * the last scan stopped, lists the violating ones until the list is full (or every arc was
   * scanned) and takes the most violating; the minor iterations after it price only the listed
   * arcs, drop those no longer violating and take the most violating of the rest, until none is
   * left or the list has given `minorLimit` entering arcs, the major iteration's included. Near an optimum (where the crash leaves the pivots) the
   * violating arcs are few and far apart: one scan serves several pivots. Violations are
   * lexicographic pairs (dominant level, primary); the secondary level is the tie stage's
   * ({@link findOnFace}). `(s & 1) !== 0` is "at a bound" (LOWER or UPPER, the odd states; see
   * ./tree.ts). The list is made anew by each {@link run}.
   */
  findEntering(): number {
    if (this.candidates === 1) return this.findCandidate();
    if (this.face) return this.findOnFace();
    if (this.listed > 0 && this.minor < this.minorLimit) {
      this.minor++;
      const e = this.bestListed();
      if (e >= 0) return e;
    }
    this.minor = 1;
    // No dominant-cost arc in the tree or priced: the first level of every potential is the same.
    return this.scan(this.artsInTree === 0 && this.dominantOut === 0);
  }

  /**
   * A major iteration (see {@link findEntering}): the arcs from nextArc to the last, then from the
   * first, as runs of consecutive arcs, so that the loop over a run tests nothing but the arc
   * (these loops are most of a solve's time). `plain`: no dominant-cost arc in the tree or
   * priced, so the first level is left out (its test costs time on every arc, measured).
   */
  private scan(plain: boolean): number {
    const { state, src, tgt, c0, c1, list } = this;
    const { pi0, pi1 } = this.tree;
    const P = this.priced;
    const L = list.length;
    let n = 0;
    let best = -1;
    let b0 = 0;
    let b1 = 0;
    let e = this.nextArc < P ? this.nextArc : 0;
    for (let left = P; left > 0 && n < L; ) {
      const end = e + left < P ? e + left : P;
      left -= end - e;
      if (plain) {
        for (; e < end; e++) {
          const s = state[e]!;
          if ((s & 1) !== 0) {
            const d1 = s * (c1[e]! + pi1[src[e]!]! - pi1[tgt[e]!]!);
            if (d1 < 0) {
              list[n++] = e;
              if (d1 < b1) {
                best = e;
                b1 = d1;
              }
              if (n === L) {
                e++;
                break;
              }
            }
          }
        }
      } else {
        for (; e < end; e++) {
          const s = state[e]!;
          if ((s & 1) !== 0) {
            const u = src[e]!;
            const v = tgt[e]!;
            const d0 = s * (c0[e]! + pi0[u]! - pi0[v]!);
            if (d0 <= 0) {
              const d1 = s * (c1[e]! + pi1[u]! - pi1[v]!);
              if (d0 < 0 || d1 < 0) {
                list[n++] = e;
                if (best < 0 || d0 < b0 || (d0 === b0 && d1 < b1)) {
                  best = e;
                  b0 = d0;
                  b1 = d1;
                }
                if (n === L) {
                  e++;
                  break;
                }
              }
            }
          }
        }
      }
      if (e === P) e = 0;
    }
    this.nextArc = e;
    this.listed = n;
    return best;
  }

  /** A minor iteration: the most violating listed arc (on both levels: the list is short), the others dropped (see {@link findEntering}). */
  private bestListed(): number {
    const { state, src, tgt, c0, c1, list } = this;
    const { pi0, pi1 } = this.tree;
    let n = this.listed;
    let best = -1;
    let b0 = 0;
    let b1 = 0;
    for (let i = 0; i < n; ) {
      const e = list[i]!;
      const s = state[e]!;
      if ((s & 1) !== 0) {
        const u = src[e]!;
        const v = tgt[e]!;
        const d0 = s * (c0[e]! + pi0[u]! - pi0[v]!);
        if (d0 <= 0) {
          const d1 = s * (c1[e]! + pi1[u]! - pi1[v]!);
          if (d0 < 0 || d1 < 0) {
            if (best < 0 || d0 < b0 || (d0 === b0 && d1 < b1)) {
              best = e;
              b0 = d0;
              b1 = d1;
            }
            i++;
            continue;
          }
        }
      }
      list[i] = list[--n]!;
    }
    this.listed = n;
    return best;
  }

  /**
   * Block search (LEMON's rule) over the optimal face's arcs (see {@link tieStage}) by their
   * secondary reduced costs: blocks of ~√arcs from where the last search stopped, the most
   * violating arc of the first block that has one; each block scanned as runs of consecutive
   * entries (see {@link scan}).
   */
  private findOnFace(): number {
    const { state, src, tgt, c2 } = this;
    const face = this.face!;
    const { pi2 } = this.tree;
    const F = this.faceCount;
    const block = this.faceBlock;
    let best = -1;
    let b2 = 0;
    let i = this.faceNext;
    for (let left = F; left > 0 && best < 0; ) {
      let c = block < left ? block : left;
      left -= c;
      while (c > 0) {
        const end = i + c < F ? i + c : F;
        c -= end - i;
        for (; i < end; i++) {
          const e = face[i]!;
          const s = state[e]!;
          if ((s & 1) !== 0) {
            const d2 = s * (c2[e]! + pi2[src[e]!]! - pi2[tgt[e]!]!);
            if (d2 < b2) {
              best = e;
              b2 = d2;
            }
          }
        }
        if (i === F) i = 0;
      }
    }
    this.faceNext = i;
    return best;
  }

  /** Pivot until optimal (true), or until `this.pivots` reaches `limit` (false). */
  run(limit: number): boolean {
    const { src, tgt, cap, flow, state, c0, tree } = this;
    const { parent, pred, predUp, size } = tree;
    this.listed = 0;
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
      if (this.tracking) {
        // Every arc whose flow or state this pivot can change: the entering arc and the cycle's tree arcs (the leaving one among them).
        this.touch(e);
        for (let w = first; w !== join; w = parent[w]!) this.touch(pred[w]!);
        for (let w = second; w !== join; w = parent[w]!) this.touch(pred[w]!);
      }
      if (delta === 0) this.degenerate++;
      else {
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
      if (leave >= this.artBase) {
        // An artificial arc leaves with no flow (its capacity is unlimited) and never returns.
        if (c0[leave] !== 0) this.artsInTree--;
        state[leave] = FIXED;
      } else if (c0[leave] !== 0) {
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

  /**
   * From now on list every arc whose bounds, flow or state may change (the pivots list theirs; a
   * caller that changes an arc itself lists it with `touch`), so that a kept copy of the state can
   * be brought back by copying only those arcs (./sensitivity.ts). The list starts empty.
   */
  startTouched(): void {
    if (!this.touchStamp) {
      this.touchStamp = new Int32Array(this.T);
      this.touched = new Int32Array(this.T);
    }
    this.touchEpoch++;
    this.touchedCount = 0;
    this.tracking = true;
  }

  /** List arc `a` as touched (once). */
  touch(a: number): void {
    const stamp = this.touchStamp!;
    if (stamp[a] !== this.touchEpoch) {
      stamp[a] = this.touchEpoch;
      this.touched![this.touchedCount++] = a;
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
      const incStart = this.incCounts; // the counts at v + 1, made starts here
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
   * quarter of the arcs, pricing goes back to the candidate list over all arcs.
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
   * The most violating warm candidate (lexicographic over the three levels), or −1. A copy of the
   * three-level pricing on purpose: pricing the warm candidates in the loops over all arcs (as a
   * list of arcs to price) cost a fresh process at 20,000 applications about 6 ms more, measured.
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
 * The arcs' capacities (`cap`), the secondary costs per arc (into `tie`, when there are `sec`),
 * both costs' ranges (into `range`: the crash's order), per node v at v + 1 how many arcs it
 * is an end of (into `ends`, zero before: the incidence's counts), and each row node's activity
 * with the column arcs (the first `nc`) at their lower bounds (into `act`, zero before: the
 * crash's start, see {@link RowLimits}); whether any secondary cost is not 0. One pass over the
 * arcs, a function of its own: small, it is compiled early in a fresh process.
 */
function capacitiesAndRanges(
  upper: Float64Array,
  column: Int32Array,
  lo: Float64Array,
  c1: Float64Array,
  sec: Float64Array | null,
  cap: Float64Array,
  tie: Float64Array | null,
  range: { min: number; max: number; tieMin: number; tieMax: number },
  src: Int32Array,
  tgt: Int32Array,
  ends: Int32Array,
  A: number,
  par: Int32Array,
  act: Float64Array,
  nc: number,
): boolean {
  let min = 0;
  let max = 0;
  // With secondary costs, both in the same pass.
  const ties = sec !== null && tie !== null;
  let any = false;
  let tieMin = 0;
  let tieMax = 0;
  for (let e = 0; e < A; e++) {
    const l = lo[e]!;
    cap[e] = upper[e]! - l;
    if (l !== 0 && e < nc) {
      for (let v = src[e]!; v > 0; v = par[v]!) act[v]! += l;
      for (let v = tgt[e]!; v > 0; v = par[v]!) act[v]! += l;
    }
    const c = c1[e]!;
    if (c < min) min = c;
    else if (c > max) max = c;
    ends[src[e]! + 1]!++;
    ends[tgt[e]! + 1]!++;
    if (!ties) continue;
    const j = column[e]!;
    if (j < 0) continue;
    const t = sec[j]!;
    if (t === 0) continue;
    tie[e] = t;
    any = true;
    if (t < tieMin) tieMin = t;
    else if (t > tieMax) tieMax = t;
  }
  range.min = min;
  range.max = max;
  range.tieMin = tieMin;
  range.tieMax = tieMax;
  return any;
}

/**
 * The arcs of the primary optimum's face (see `Simplex.tieStage`): not FIXED, reduced costs 0 on
 * levels 0 and 1, into `face`; how many. A function of its own: small, it is compiled early.
 */
function faceArcs(A: number, src: Int32Array, tgt: Int32Array, state: Int8Array, c0: Uint8Array, c1: Float64Array, pi0: Float64Array, pi1: Float64Array, face: Int32Array): number {
  let count = 0;
  for (let e = 0; e < A; e++) {
    if (state[e] === FIXED) continue;
    const u = src[e]!;
    const v = tgt[e]!;
    if (c0[e]! + pi0[u]! - pi0[v]! === 0 && c1[e]! + pi1[u]! - pi1[v]! === 0) face[count++] = e;
  }
  return count;
}

/**
 * The crash: the columns in cost order (primary, then secondary: cheapest first in the min form),
 * each filled as far as its bound and every row it is in allow (see {@link greedy}). For one
 * laminar family of ceilings this is already the optimum (a polymatroid: best first); with two
 * it is a start the simplex improves. Where a family-B ceiling (a measure ceiling, crossing the
 * company caps) is full after that pass, the greedy is far from the optimum: a company's cap went
 * to its columns under the full ceiling although another company could have used that room, and
 * the simplex pivots each such exchange (tens of thousands of pivots on crossing ceilings: see
 * docs/solvers-and-benchmarks.md). The greedy then runs again in the order of costs that price each
 * full family-B ceiling, by the budget's clearing cost (see {@link budgetPrices}) and, where
 * some row has a floor, once more by each column's own clearing (see {@link levelPrices}); the
 * rows, and which columns are worth filling at all, stay those of the real costs. No estimate is
 * right on every shape of limits (full district ceilings misprice the budget's, and the plain
 * order is then the better start), so the start kept is the pass whose flows cost least (primary
 * costs; a later pass on a tie). Sets the column arcs' flows (above their lower bounds) and
 * returns each row node's activity, or null when a floor stays unmet (the flows are then partial:
 * the caller resets them).
 */
function crash(plan: NetworkPlan, cap: Float64Array, c1: Float64Array, range: CostRange, tie: Float64Array | null, flow: Float64Array, nc: number, lowerAct: Float64Array): Float64Array | null {
  const rows = rowLimits(plan, lowerAct);
  const act = greedy(plan, rows, cap, c1, range, c1, tie, flow, nc);
  if (act === null) return null;
  const full = fullRows(plan, act);
  if (full === null) return act;
  const first = flow.slice(0, nc);
  let best = { act, flow: first, cost: flowCost(c1, first, nc) };
  // The level estimate only where a floor is below its minimum with every column at its lower
  // bound: there it started closest on the shapes measured, and elsewhere it cost its pass for
  // nothing (docs/solvers-and-benchmarks.md, round 17).
  const prices = [budgetPrices(plan, full, c1, first, nc)];
  if (rows.short) prices.push(levelPrices(plan, full, c1, first, cap, rows.act, nc));
  for (const lambda of prices) {
    if (lambda === null) continue;
    const priced = pricedCosts(plan, c1, lambda, nc);
    flow.fill(0, 0, nc);
    const again = greedy(plan, rows, cap, priced.key, { ...range, min: priced.min, max: priced.max }, c1, tie, flow, nc);
    if (again === null) continue;
    const cost = flowCost(c1, flow, nc);
    if (cost <= best.cost) best = { act: again, flow: flow.slice(0, nc), cost };
  }
  flow.set(best.flow);
  return best.act;
}

/** Σ cost × flow over the column arcs [0, nc) (the flows above their lower bounds): how good a start is, to compare two. */
function flowCost(c1: Float64Array, flow: Float64Array, nc: number): number {
  let sum = 0;
  for (let e = 0; e < nc; e++) sum += c1[e]! * flow[e]!;
  return sum;
}

/**
 * The rows full after a greedy pass (1 per node), whether a top-level family-A row is among them,
 * and whether the only top-level family-A row is full (the budget, over every other family-A row);
 * null when no family-B row is full.
 */
interface FullRows {
  readonly full: Uint8Array;
  readonly topFull: boolean;
  readonly onlyTopFull: boolean;
}

function fullRows(plan: NetworkPlan, act: Float64Array): FullRows | null {
  const N = plan.nodeCount;
  const A = plan.arcCount;
  const full = new Uint8Array(N);
  let fullB = false;
  let topFull = false;
  let tops = 0;
  for (let v = 1; v < N; v++) {
    const e = A - N + v; // row arcs come last, in node order
    const top = plan.parent[v] === 0 && !inFamilyB(plan, v);
    if (top) tops++;
    if (!(act[v]! >= rowUpper(plan, e))) continue;
    full[v] = 1;
    if (inFamilyB(plan, v)) fullB = true;
    else if (top) topFull = true;
  }
  return fullB ? { full, topFull, onlyTopFull: topFull && tops === 1 } : null;
}

/** The upper bound of row arc e, in flow units. */
function rowUpper(plan: NetworkPlan, e: number): number {
  return plan.arcReversed[e] ? -plan.arcLower[e]! : plan.arcUpper[e]!;
}

/** Whether node v is a family-B row's. */
function inFamilyB(plan: NetworkPlan, v: number): boolean {
  return plan.family[plan.arcRow[plan.arcCount - plan.nodeCount + v]!] === 1;
}

/**
 * A price λ_v per node for a greedy pass, by the budget's clearing: each full family-B row
 * v is priced at (the budget's clearing cost: the worst cost admitted, when a top-level family-A
 * row is full, else 0) − (the worst cost admitted under v), when that is positive. It is an
 * estimate of v's dual (the cost at which its room clears against the rest), so that a column
 * under a full ceiling comes after the columns elsewhere that are worth as much once the
 * ceiling's room is priced. Null when no row gets a price.
 */
function budgetPrices(plan: NetworkPlan, { full, topFull }: FullRows, c1: Float64Array, flow: Float64Array, nc: number): Float64Array | null {
  const N = plan.nodeCount;
  const par = plan.parent;
  const to = plan.arcTo;
  // The worst cost admitted, overall and under each family-B row (a column's B rows: from its arc's head up).
  let clearing = -Infinity;
  const worst = new Float64Array(N).fill(-Infinity);
  for (let e = 0; e < nc; e++) {
    if (!(flow[e]! > 0)) continue;
    const c = c1[e]!;
    if (c > clearing) clearing = c;
    for (let v = to[e]!; v > 0; v = par[v]!) if (c > worst[v]!) worst[v] = c;
  }
  if (!topFull) clearing = 0;
  const lambda = new Float64Array(N);
  let any = false;
  for (let v = 1; v < N; v++) {
    if (full[v] === 1 && worst[v]! > -Infinity && clearing > worst[v]! && inFamilyB(plan, v)) {
      lambda[v] = clearing - worst[v]!;
      any = true;
    }
  }
  return any ? lambda : null;
}

/**
 * A price λ_v per node for a greedy pass, by each column's own clearing: a column's level
 * is the worst cost admitted under its highest full family-A row (the budget, a district's ceiling,
 * a company's cap; 0 under none), its surplus the level less its cost. Each full family-B row v admits its
 * columns of the largest surplus first, each at its bound, until v's room is used: λ_v is the
 * surplus where that happens (0 where it does not). Where family-A rows below the budget fill up,
 * each clears at its own cost, which one clearing cost for all misprices. Null when no row gets a
 * price, or when the columns' level is one (then {@link budgetPrices} is the better estimate).
 */
function levelPrices(plan: NetworkPlan, { full, onlyTopFull }: FullRows, c1: Float64Array, flow: Float64Array, cap: Float64Array, lowerAct: Float64Array, nc: number): Float64Array | null {
  // The budget full over every other family-A row: one level for the columns under it (below).
  if (onlyTopFull) return null;
  const N = plan.nodeCount;
  const A = plan.arcCount;
  const par = plan.parent;
  const from = plan.arcFrom;
  const to = plan.arcTo;
  const fullB = new Uint8Array(N);
  for (let v = 1; v < N; v++) if (full[v] === 1 && inFamilyB(plan, v)) fullB[v] = 1;
  // The worst cost admitted under each family-A row (a column's A rows: from its arc's tail up).
  const worstA = new Float64Array(N).fill(-Infinity);
  for (let e = 0; e < nc; e++) {
    if (!(flow[e]! > 0)) continue;
    const c = c1[e]!;
    for (let v = from[e]!; v > 0; v = par[v]!) if (c > worstA[v]!) worstA[v] = c;
  }
  // The columns under a full family-B row with a surplus, largest first (then by arc).
  const surplus = new Float64Array(nc);
  const listed = new Int32Array(nc);
  let count = 0;
  let most = 0;
  let oneLevel: number | null = null;
  let levels = 0;
  for (let e = 0; e < nc; e++) {
    if (!(cap[e]! > 0)) continue;
    let under = false;
    for (let v = to[e]!; !under && v > 0; v = par[v]!) under = fullB[v] === 1;
    if (!under) continue;
    let level = 0;
    for (let v = from[e]!; v > 0; v = par[v]!) if (full[v] === 1 && worstA[v]! > -Infinity) level = worstA[v]!;
    if (level !== oneLevel) (oneLevel = level), levels++;
    const s = level - c1[e]!;
    if (!(s > 0)) continue;
    surplus[e] = s;
    listed[count++] = e;
    if (s > most) most = s;
  }
  // One level for every column (the budget clears them all): the budget's prices are this
  // estimate, with the company caps seen (this one takes each column whole).
  if (levels < 2) return null;
  const order = listed.subarray(0, count);
  if ((most + 1) * nc < SAFE) {
    // One exact number per column (a plain numeric sort is several times faster than one with a comparator).
    const keys = new Float64Array(count);
    for (let k = 0; k < count; k++) keys[k] = (most - surplus[order[k]!]!) * nc + order[k]!;
    keys.sort();
    for (let k = 0; k < count; k++) order[k] = keys[k]! % nc;
  } else order.sort((a, b) => surplus[b]! - surplus[a]! || a - b);
  const used = new Float64Array(N);
  const lambda = new Float64Array(N);
  const priced = new Uint8Array(N);
  let any = false;
  for (let k = 0; k < count; k++) {
    const e = order[k]!;
    for (let v = to[e]!; v > 0; v = par[v]!) {
      if (fullB[v] === 0 || priced[v] === 1) continue;
      used[v]! += cap[e]!;
      if (used[v]! >= rowUpper(plan, A - N + v) - lowerAct[v]!) {
        priced[v] = 1;
        lambda[v] = surplus[e]!;
        any = true;
      }
    }
  }
  return any ? lambda : null;
}

/** The column arcs' costs with each family-B row's price λ added under it (the second pass's order), and their range. */
function pricedCosts(plan: NetworkPlan, c1: Float64Array, lambda: Float64Array, nc: number): { readonly key: Float64Array; readonly min: number; readonly max: number } {
  const par = plan.parent;
  const to = plan.arcTo;
  const key = new Float64Array(nc);
  let min = 0;
  let max = 0;
  for (let e = 0; e < nc; e++) {
    let c = c1[e]!;
    for (let v = to[e]!; v > 0; v = par[v]!) c += lambda[v]!;
    key[e] = c;
    if (c < min) min = c;
    else if (c > max) max = c;
  }
  return { key, min, max };
}

/**
 * Bounds on the crash's order keys (primary or priced costs: `min`, `max`) and on the secondary
 * costs (`tieMin`, `tieMax`), over the column arcs (a wider range gives the same order).
 */
interface CostRange {
  readonly min: number;
  readonly max: number;
  readonly tieMin: number;
  readonly tieMax: number;
}

/**
 * Each row node's bounds on its activity (`upper`, `lower`: ±Infinity for none) and its activity
 * with every column arc at its lower bound (`act`): the start of every greedy pass.
 */
interface RowLimits {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  readonly act: Float64Array;
  /** Whether some row is below its floor in `act`. */
  readonly short: boolean;
}

/**
 * The rows' limits (see {@link RowLimits}), with `act` the rows' activities at the columns' lower
 * bounds (from `capacitiesAndRanges`): once for both greedy passes.
 */
function rowLimits(plan: NetworkPlan, act: Float64Array): RowLimits {
  const N = plan.nodeCount;
  const A = plan.arcCount;
  const { arcReversed, arcLower, arcUpper } = plan;
  const upper = new Float64Array(N);
  const lower = new Float64Array(N);
  upper[0] = Infinity;
  lower[0] = -Infinity;
  let short = false;
  for (let v = 1; v < N; v++) {
    const e = A - N + v;
    if (arcReversed[e]) {
      upper[v] = -arcLower[e]!;
      lower[v] = -Infinity;
    } else {
      upper[v] = arcUpper[e]!;
      const l = arcLower[e]!;
      lower[v] = l;
      if (act[v]! < l) short = true;
    }
  }
  return { upper, lower, act, short };
}

/**
 * One greedy pass from `rows` (read only): the columns in the order of `key` (then secondary, then arc), each filled as far
 * as its bound and every row it is in allow (the tightest row stops it, maybe part way), the
 * columns whose real cost `c1` is negative (primary, else secondary); first, rows below their floor
 * take their columns whole in that order (as far as the rows allow) until the floor is met. Sets the
 * column arcs' flows and returns each row node's activity, or null when a floor stays unmet.
 */
function greedy(plan: NetworkPlan, rows: RowLimits, cap: Float64Array, key: Float64Array, range: CostRange, c1: Float64Array, tie: Float64Array | null, flow: Float64Array, nc: number): Float64Array | null {
  const N = plan.nodeCount;
  const par = plan.parent;
  const from = plan.arcFrom;
  const to = plan.arcTo;
  const { upper, lower } = rows;
  // Every array first: an allocation after a loop has no type feedback yet when that loop is
  // compiled on the fly, and leaves the compiled code there (measured in a fresh process).
  const act = rows.act.slice();
  const order = new Int32Array(nc);
  // Order: key (the primary cost, or the priced one), secondary, arc. As one number per arc where
  // that stays exact (a plain numeric sort is several times faster than one with a comparator),
  // else compared.
  const min1 = range.min;
  const min2 = range.tieMin;
  const span2 = range.tieMax - min2 + 1;
  const keys = (range.max - min1 + 1) * span2 * nc < SAFE ? new Float64Array(nc) : null;
  const count = keys !== null ? orderByKeys(keys, order, cap, key, tie, min1, min2, span2, nc) : orderCompared(order, cap, key, tie, nc);
  // Floors, innermost first: cheapest columns of the row, whole (each may overshoot the floor).
  if (rows.short) {
    const inRow = new Uint8Array(N);
    for (let i = 0; i < N - 1; i++) {
      const r = plan.bottomUp[i]!;
      if (!(act[r]! < lower[r]!)) continue;
      inRow.fill(0);
      inRow[r] = 1;
      fillFloor(r, inRow, order, count, cap, flow, from, to, par, upper, lower, act);
      if (act[r]! < lower[r]!) return null;
    }
  }
  fillNegative(order, count, key === c1, c1, tie, cap, flow, from, to, par, upper, act);
  return act;
}

/** The column arcs with room, into `order` by one exact number per arc (key, secondary, arc); how many. */
function orderByKeys(keys: Float64Array, order: Int32Array, cap: Float64Array, key: Float64Array, tie: Float64Array | null, min1: number, min2: number, span2: number, nc: number): number {
  let count = 0;
  if (tie !== null) {
    for (let e = 0; e < nc; e++) if (cap[e]! > 0) keys[count++] = ((key[e]! - min1) * span2 + (tie[e]! - min2)) * nc + e;
  } else {
    for (let e = 0; e < nc; e++) if (cap[e]! > 0) keys[count++] = (key[e]! - min1) * span2 * nc + e;
  }
  keys.subarray(0, count).sort();
  for (let k = 0; k < count; k++) order[k] = keys[k]! % nc;
  return count;
}

/** The column arcs with room, into `order` by (key, secondary, arc) compared; how many. */
function orderCompared(order: Int32Array, cap: Float64Array, key: Float64Array, tie: Float64Array | null, nc: number): number {
  let count = 0;
  for (let e = 0; e < nc; e++) if (cap[e]! > 0) order[count++] = e;
  order.subarray(0, count).sort((a, b) => key[a]! - key[b]! || (tie ? tie[a]! - tie[b]! : 0) || a - b);
  return count;
}

/** The columns in row r (marked in `inRow`), whole in `order`, until r's floor is met. */
function fillFloor(r: number, inRow: Uint8Array, order: Int32Array, count: number, cap: Float64Array, flow: Float64Array, from: Int32Array, to: Int32Array, par: Int32Array, upper: Float64Array, lower: Float64Array, act: Float64Array): void {
  for (let k = 0; k < count && act[r]! < lower[r]!; k++) {
    const e = order[k]!;
    let member = false;
    for (let v = from[e]!; !member && v > 0; v = par[v]!) member = inRow[v] === 1;
    for (let v = to[e]!; !member && v > 0; v = par[v]!) member = inRow[v] === 1;
    if (member) fillColumn(e, cap, flow, from, to, par, upper, act);
  }
}

/** Add to column arc e as much as its bound and its rows' rooms allow. */
function fillColumn(e: number, cap: Float64Array, flow: Float64Array, from: Int32Array, to: Int32Array, par: Int32Array, upper: Float64Array, act: Float64Array): void {
  let room = cap[e]! - flow[e]!;
  for (let v = from[e]!; room > 0 && v > 0; v = par[v]!) room = Math.min(room, upper[v]! - act[v]!);
  for (let v = to[e]!; room > 0 && v > 0; v = par[v]!) room = Math.min(room, upper[v]! - act[v]!);
  if (room <= 0) return;
  for (let v = from[e]!; v > 0; v = par[v]!) act[v]! += room;
  for (let v = to[e]!; v > 0; v = par[v]!) act[v]! += room;
  flow[e]! += room;
}

/**
 * The columns whose cost is negative (primary, else secondary), in `order`, each as far as its
 * bound and rows allow; in the real costs' order (`inCostOrder`) they all come before the first
 * that is not. A loop of its own: small, it is compiled early in a fresh process.
 */
function fillNegative(order: Int32Array, count: number, inCostOrder: boolean, c1: Float64Array, tie: Float64Array | null, cap: Float64Array, flow: Float64Array, from: Int32Array, to: Int32Array, par: Int32Array, upper: Float64Array, act: Float64Array): void {
  for (let k = 0; k < count; k++) {
    const e = order[k]!;
    const c = c1[e]!;
    if (c > 0 || (c === 0 && !(tie !== null && tie[e]! < 0))) {
      if (inCostOrder) break;
      continue;
    }
    let room = cap[e]! - flow[e]!;
    for (let v = from[e]!; room > 0 && v > 0; v = par[v]!) {
      const r = upper[v]! - act[v]!;
      if (r < room) room = r;
    }
    for (let v = to[e]!; room > 0 && v > 0; v = par[v]!) {
      const r = upper[v]! - act[v]!;
      if (r < room) room = r;
    }
    if (room <= 0) continue;
    for (let v = from[e]!; v > 0; v = par[v]!) act[v]! += room;
    for (let v = to[e]!; v > 0; v = par[v]!) act[v]! += room;
    flow[e]! += room;
  }
}
