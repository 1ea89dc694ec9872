/**
 * Pricing for the network simplex: which non-tree arc enters the tree. Block search over all
 * priced arcs (LEMON's rule), or, in a warm re-solve from an optimum, only the candidates: the
 * arcs that changed, the arcs that left the tree, and the arcs at nodes whose potentials moved.
 * Either way an arc's violation is a lexicographic triple (dominant level, primary, secondary)
 * and the most violating arc is taken.
 */
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
  private listed = 0;
  private stamp = 0;
  private dirtyCount = 0;
  private dirtyArcs = 0;
  private readonly extra = new Int32Array(64);
  private extraCount = 0;

  constructor(nodeCount: number, planArcs: number, spare: number) {
    super(nodeCount, planArcs, spare);
    this.priced = this.A;
    this.block = Math.max(10, Math.ceil(Math.sqrt(this.A)));
  }

  /**
   * The arc to enter the tree, or −1 when none violates (the tree is optimal). Block search
   * (LEMON's rule): blocks of ~√arcs from where the last search stopped, the most violating arc of
   * the first block that has one; or, in candidate pricing (see `startCandidates`), the most
   * violating candidate, priced as one block.
   */
  findEntering(): number {
    const { state, src, tgt, c1, c2, pi1, pi2 } = this;
    let list: Int32Array | null = null;
    let P = this.priced;
    let block = this.block;
    let e = this.nextArc;
    let best = -1;
    let b1 = 0;
    let b2 = 0;
    if (this.candidates === 1) {
      list = this.candidateList();
      P = block = this.listed;
      e = 0;
    } else if (this.artsInTree === 0 && this.dominantOut === 0) {
      // No dominant-cost arc in the tree or priced: the first level of every reduced cost is 0.
      // A loop of its own on purpose, inline, pricing the other two levels only. Measured at
      // 100,000 applications: one loop for both cases made the solve slower (about 50% reading the
      // first level everywhere, about 20% skipping it on a flag), and pricing in methods of their
      // own (one per block, or the three-level loop) made a fresh process's solve slower (more to
      // compile before the loops run optimised).
      let cnt = block;
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
    // All three levels (dominant, primary, secondary), over the priced arcs or the candidates.
    const { c0, pi0 } = this;
    let b0 = 0;
    let cnt = block;
    for (let k = 0; k < P; k++) {
      const a = list === null ? e : list[e]!;
      const s = state[a]!;
      if (s === LOWER || s === UPPER) {
        const u = src[a]!;
        const v = tgt[a]!;
        const d0 = s * (c0[a]! + pi0[u]! - pi0[v]!);
        if (d0 <= 0) {
          const d1 = s * (c1[a]! + pi1[u]! - pi1[v]!);
          if (d0 < 0 || d1 <= 0) {
            const d2 = s * (c2[a]! + pi2[u]! - pi2[v]!);
            if ((d0 < 0 || d1 < 0 || d2 < 0) && (best < 0 || d0 < b0 || (d0 === b0 && (d1 < b1 || (d1 === b1 && d2 < b2))))) {
              best = a;
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
    if (list === null) this.nextArc = e;
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

  /** The candidates in `list[0 … listed)`: the extra arcs, then the arcs at each dirty node. */
  private candidateList(): Int32Array {
    const { start, arcs } = this.incidence();
    const { extra, dirty } = this;
    const list = this.list!;
    let n = 0;
    for (let i = 0; i < this.extraCount; i++) list[n++] = extra[i]!;
    for (let k = 0; k < this.dirtyCount; k++) {
      const w = dirty![k]!;
      for (let q = start[w]!; q < start[w + 1]!; q++) list[n++] = arcs[q]!;
    }
    this.listed = n;
    return list;
  }
}
