/**
 * Pricing for the network simplex: which non-tree arc enters the tree. Block search over all
 * priced arcs (LEMON's rule), or, in a warm re-solve from an optimum, only the candidates: the
 * arcs that changed, the arcs that left the tree, and the arcs at nodes whose potentials moved.
 * Either way an arc's violation is a lexicographic triple (dominant level, primary, secondary)
 * and the most violating arc is taken.
 */
import type { NetworkPlan } from './detect.js';
import { LOWER, Tree, UPPER } from './tree.js';

export abstract class Pricing extends Tree {
  /** Arcs [0, priced) are priced: the plan's, and the spare slots while one is in use. */
  priced: number;
  readonly block: number;
  nextArc = 0;
  /** Dominant-cost arcs in the tree; and out of it but priced (at a bound with flow to give back). */
  artsInTree = 0;
  dominantOut = 0;
  // Candidate pricing (warm re-solves from an optimum, see `startCandidates`): the nodes whose
  // potentials moved (stamped), extra arcs to price, and the list of candidates to price.
  /** 1: price only the candidates; 0: block search over all arcs. */
  candidates = 0;
  private stampOf: Int32Array | null = null;
  private dirty: Int32Array | null = null;
  private list: Int32Array | null = null;
  private stamp = 0;
  private dirtyCount = 0;
  private dirtyArcs = 0;
  private readonly extra = new Int32Array(64);
  private extraCount = 0;

  constructor(plan: NetworkPlan, sec: Float64Array, spare: number) {
    super(plan, sec, spare);
    this.priced = this.A;
    this.block = Math.max(10, Math.ceil(Math.sqrt(this.A)));
  }

  /**
   * The arc to enter the tree, or −1 when none violates (the tree is optimal): the most violating
   * candidate (see `startCandidates`), or by block search (LEMON's rule): blocks of ~√arcs from
   * where the last search stopped, the most violating arc of the first block that has one.
   */
  findEntering(): number {
    if (this.candidates === 1) return this.findCandidate();
    const P = this.priced;
    const dominant = this.artsInTree !== 0 || this.dominantOut !== 0;
    let e = this.nextArc;
    let best = -1;
    for (let left = P; left > 0 && best < 0; ) {
      const n = Math.min(this.block, left);
      best = dominant ? this.mostViolating(null, e, n) : this.mostViolatingPrimary(e, n);
      e += n;
      if (e >= P) e -= P;
      left -= n;
    }
    this.nextArc = e;
    return best;
  }

  /**
   * The most violating of `count` arcs from `start` on (circularly over the priced arcs), or −1,
   * when no dominant-cost arc is in the tree or priced: the first level of every reduced cost is
   * then 0, and only the other two are priced. A loop of its own on purpose: one loop for both
   * cases made the solve of 100,000 applications slower, measured: about 50% reading the first
   * level everywhere, about 20% skipping it on a flag.
   */
  private mostViolatingPrimary(start: number, count: number): number {
    const { state, src, tgt, c1, c2, pi1, pi2 } = this;
    const P = this.priced;
    let best = -1;
    let b1 = 0;
    let b2 = 0;
    let e = start;
    for (let k = 0; k < count; k++) {
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
    }
    return best;
  }

  /**
   * The most violating of `count` arcs over the three levels, or −1: the arcs list[0 … count), or,
   * when `list` is null, the arcs from `start` on (circularly over the priced arcs).
   */
  private mostViolating(list: Int32Array | null, start: number, count: number): number {
    const { state, src, tgt, c0, c1, c2, pi0, pi1, pi2 } = this;
    const P = this.priced;
    let best = -1;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let i = start;
    for (let k = 0; k < count; k++) {
      const e = list === null ? i : list[k]!;
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
      if (++i === P) i = 0;
    }
    return best;
  }

  /**
   * Price only candidates from now on (until the kept state is restored): `arcs`, the arcs leaving
   * the tree, and the arcs at nodes whose potentials move. Valid from an optimal state whose only
   * changes are `arcs` (bounds, states, a spare arc): any other arc's reduced cost changes only
   * with a potential of one of its ends, and every potential move goes through `shift`. When the
   * candidates grow to a quarter of the arcs, pricing goes back to the block search.
   */
  startCandidates(arcs: readonly number[]): void {
    if (!this.stampOf) {
      this.stampOf = new Int32Array(this.N);
      this.dirty = new Int32Array(this.N);
      // At most a quarter of the arcs at dirty nodes (see `moved`), and the extra arcs.
      this.list = new Int32Array(Math.floor(this.A / 4) + this.extra.length);
    }
    this.stamp++;
    this.dirtyCount = 0;
    this.dirtyArcs = 0;
    this.extraCount = 0;
    for (const a of arcs) this.extra[this.extraCount++] = a;
    this.candidates = 1;
  }

  /** Arc `e` left the tree in a pivot: a candidate from now on (past 64 of them, back to block search). */
  protected leftTree(e: number): void {
    if (this.candidates !== 1) return;
    if (this.extraCount < this.extra.length) this.extra[this.extraCount++] = e;
    else this.candidates = 0;
  }

  /** Stamp the nodes a potential shift walks (see `shift`) as candidates' ends. */
  protected moved(from: number, count: number, skip: number, resume: number): void {
    if (this.candidates !== 1) return;
    const stampOf = this.stampOf!;
    const dirty = this.dirty!;
    const incStart = this.incidence().start;
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

  /** The most violating candidate: the extra arcs, then the arcs at each dirty node; or −1. */
  private findCandidate(): number {
    const { start, arcs } = this.incidence();
    const { extra, dirty } = this;
    const list = this.list!;
    let n = 0;
    for (let i = 0; i < this.extraCount; i++) list[n++] = extra[i]!;
    for (let k = 0; k < this.dirtyCount; k++) {
      const w = dirty![k]!;
      for (let q = start[w]!; q < start[w + 1]!; q++) list[n++] = arcs[q]!;
    }
    return this.mostViolating(list, 0, n);
  }
}
