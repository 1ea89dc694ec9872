/**
 * The spanning-tree basis of the network simplex in LEMON's layout ({@link Tree}, kept by
 * `Simplex`, ./simplex.ts): building the thread, sizes and potentials from the parents,
 * re-rooting a subtree in a pivot (splicing thread segments, shifting the potentials of the
 * smaller side), and where two tree paths meet. Also the arc states the simplex uses.
 */

/**
 * Arc states: at the lower bound (the sign of a flow increase), at the upper bound, in the tree.
 * The states at a bound are the odd ones (the pricing loops test `state & 1`).
 */
export const LOWER = 1;
export const UPPER = -1;
export const TREE = 0;
/**
 * A non-tree arc that is never priced, at its lower bound: an arc with equal bounds, an unused
 * spare slot, or a dominant-cost arc (artificial, excess) that has given back all its flow.
 */
export const FIXED = 2;

/** Potentials stay exact while no offset exceeds this (see `Tree.reroot`). */
const OFFSET_LIMIT = 2 ** 51;

/** Told the nodes whose potentials `shift` moves while `candidates` is 1 (candidate pricing). */
export interface ShiftWatcher {
  readonly candidates: number;
  mark(from: number, count: number, skip: number, resume: number): void;
}

/**
 * A simplex's spanning tree (LEMON's layout): parent, tree arc of each node (pred; predUp = 1
 * when it goes node → parent), thread (preorder, circular through the root) and its reverse,
 * subtree sizes, the last node of each subtree in the thread, potentials per cost level (reduced
 * cost c + π[from] − π[to]). The root is the last node (the simplex's artificial root). It reads
 * the simplex's arcs (their sources and costs, the same arrays).
 */
export class Tree {
  /** The root: node N − 1. */
  readonly root: number;
  /** Potentials moved by `shift` (Σ of its counts), for benchmarks. */
  moved = 0;
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

  /** A tree on `N` nodes over arcs with these sources and costs; `parent`, `pred` and `predUp` are the start's to set. */
  constructor(
    readonly N: number,
    readonly src: Int32Array,
    readonly c0: Uint8Array,
    readonly c1: Float64Array,
    readonly c2: Float64Array,
    private readonly watcher: ShiftWatcher,
  ) {
    this.root = N - 1;
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
  }

  /** Thread, sizes, last nodes and potentials from `parent` / `pred` / `predUp`. */
  build(): void {
    const { N, root, parent, pred, predUp, thread, rev, size, last, pi0, pi1, pi2, c0, c1, c2 } = this;
    parent[root] = -1;
    pred[root] = -1;
    const childStart = new Int32Array(N + 1);
    for (let v = 0; v < root; v++) childStart[parent[v]! + 1]!++;
    for (let v = 0; v < N; v++) childStart[v + 1]! += childStart[v]!;
    const children = new Int32Array(Math.max(N - 1, 0));
    const fill = childStart.slice(0, N);
    for (let v = 0; v < root; v++) children[fill[parent[v]!]!++] = v;
    const order = new Int32Array(N);
    const at = new Int32Array(N);
    const stack = new Int32Array(N);
    let sp = 0;
    let k = 0;
    stack[sp++] = root;
    while (sp > 0) {
      const v = stack[--sp]!;
      at[v] = k;
      order[k++] = v;
      if (v !== root) {
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
      if (v !== root) size[parent[v]!]! += size[v]!;
    }
    for (let v = 0; v < N; v++) last[v] = order[at[v]! + size[v]! - 1]!;
  }

  /** The third level's potentials again from the tree (after its costs changed): along the thread, each node after its parent. */
  rebuildLevel2(): void {
    const { root, thread, parent, pred, predUp, pi2, c2 } = this;
    pi2[root] = 0;
    for (let v = thread[root]!; v !== root; v = thread[v]!) {
      const e = pred[v]!;
      pi2[v] = pi2[parent[v]!]! + (predUp[v] ? -c2[e]! : c2[e]!);
    }
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
      const root = this.root;
      this.shift(root, N - S, uIn, nv, -s0, -s1, -s2);
      if (Math.abs(pi0[root]!) > OFFSET_LIMIT || Math.abs(pi1[root]!) > OFFSET_LIMIT || Math.abs(pi2[root]!) > OFFSET_LIMIT) {
        const r0 = pi0[root]!;
        const r1 = pi1[root]!;
        const r2 = pi2[root]!;
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
    if (this.watcher.candidates === 1) this.watcher.mark(from, count, skip, resume);
    const { thread, pi0, pi1, pi2 } = this;
    this.moved += count;
    let w = from;
    if (d0 === 0 && d2 === 0) {
      for (let c = 0; c < count; c++) {
        pi1[w]! += d1;
        w = thread[w]!;
        if (w === skip) w = resume;
      }
    } else if (d0 === 0 && d1 === 0) {
      for (let c = 0; c < count; c++) {
        pi2[w]! += d2;
        w = thread[w]!;
        if (w === skip) w = resume;
      }
    } else if (d0 === 0) {
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

  /** Where the tree paths from `u` and from `v` to the root meet (climbing from the smaller subtree first). */
  apex(u: number, v: number): number {
    const { parent, size } = this;
    while (u !== v) {
      if (size[u]! < size[v]!) u = parent[u]!;
      else v = parent[v]!;
    }
    return u;
  }
}
