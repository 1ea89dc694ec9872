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
 * basis, and its potentials are the LP's duals.
 */
import type { Basis, LinearProgram } from './types.js';

/** 2^53 − 1: every integer the solver computes stays within it. */
const SAFE = Number.MAX_SAFE_INTEGER;
/** Bounds and costs are scaled by at most 10^6. */
const MAX_DECIMALS = 6;
/** A value is taken as an integer after scaling when within 1e-9 of one, relatively. */
const SCALE_TOLERANCE = 1e-9;
/** Σ over columns of (rows per column)²: beyond this the crossing check is refused as too dense. */
const MAX_PAIR_WORK = 200_000_000;

/**
 * What the detector found: the network form of an LP (scaled to integers), ready for
 * {@link solveNetwork}. The arrays are the solver's input; treat them as read-only.
 */
export interface NetworkPlan {
  /** What the detector found, in words (families, scales). */
  readonly reason?: string;
  readonly lp: LinearProgram;
  /** Bounds × boundScale and costs × costScale are integers (both powers of ten). */
  readonly boundScale: number;
  readonly costScale: number;
  /** Per LP row: 0 family A, 1 family B, −1 left out (a row with no finite bound constrains nothing). */
  readonly family: Int8Array;
  /** Node 0 is the root R; node k + 1 is the k-th row in the network. */
  readonly nodeCount: number;
  /** Per LP row its node, or −1. */
  readonly rowNode: Int32Array;
  /** Per node the node of its parent row in its family (0 = R; −1 for R itself). */
  readonly parent: Int32Array;
  /** Row nodes, each after all the rows it contains (the start is built bottom-up). */
  readonly bottomUp: Int32Array;
  /** Arcs: the columns in at least one network row, then one arc per network row. */
  readonly arcCount: number;
  readonly arcFrom: Int32Array;
  readonly arcTo: Int32Array;
  /** Scaled flow bounds of each arc (arcUpper may be Infinity). */
  readonly arcLower: Float64Array;
  readonly arcUpper: Float64Array;
  /** Scaled primary cost of each arc, to be minimised (negated for a 'max' LP). */
  readonly arcCost: Float64Array;
  /** Per arc its LP column (or −1), and its LP row (or −1). */
  readonly arcColumn: Int32Array;
  readonly arcRow: Int32Array;
  /** Per row arc: 1 when it carries −activity (a row with no lower bound; see `buildPlan`). */
  readonly arcReversed: Uint8Array;
  /** Per LP column its arc, or −1 for a column in no network row (set to its better bound). */
  readonly columnArc: Int32Array;
  /** Per LP row its arc, or −1. */
  readonly rowArc: Int32Array;
}

export interface NetworkSolution {
  readonly status: 'optimal' | 'infeasible';
  /** Per LP column, in the LP's units (scaled integers / boundScale). NaN when infeasible. */
  readonly values: Float64Array;
  /** Σ cost_j · values_j, in the LP's sense and units. NaN when infeasible. */
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

type Analysis = { readonly plan: NetworkPlan; readonly reason?: undefined } | { readonly plan?: undefined; readonly reason: string };
const analyses = new WeakMap<LinearProgram, Analysis>();

function analyse(lp: LinearProgram): Analysis {
  let a = analyses.get(lp);
  if (!a) {
    const r = buildPlan(lp);
    a = typeof r === 'string' ? { reason: r } : { plan: r };
    analyses.set(lp, a);
  }
  return a;
}

/** The network form of `lp`, or null when it is not a network LP (see {@link whyNotNetwork}). */
export function networkOf(lp: LinearProgram): NetworkPlan | null {
  return analyse(lp).plan ?? null;
}

/** Why `lp` is not a network LP this solver takes, or null when it is. */
export function whyNotNetwork(lp: LinearProgram): string | null {
  return analyse(lp).reason ?? null;
}

/**
 * The smallest k ≤ 6 such that every value × 10^k is within 1e-9 (relative) of an integer, or −1.
 */
function decimalScale(values: ArrayLike<number>): number {
  let k = 0;
  let p = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    while (!nearInteger(v * p)) {
      if (++k > MAX_DECIMALS) return -1;
      p = POWERS[k]!;
    }
  }
  // A value integral at 10^k is at 10^(k+1) too, up to rounding: check the final k once more.
  for (let i = 0; i < values.length; i++) if (!nearInteger(values[i]! * p)) return -1;
  return k;
}

const POWERS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

function nearInteger(t: number): boolean {
  return Math.abs(t - Math.round(t)) <= SCALE_TOLERANCE * Math.max(1, Math.abs(t));
}

/** A value scaled to an exact integer (−0 made 0). */
function scaled(v: number, scale: number): number {
  return Math.round(v * scale) + 0;
}

function buildPlan(lp: LinearProgram): NetworkPlan | string {
  const n = lp.columns.length;
  const m = lp.rows.length;
  for (let j = 0; j < n; j++) {
    const c = lp.columns[j]!;
    if (c.integer || c.semicontinuous) return `column ${j} is integer or semi-continuous (a MIP)`;
    if (!Number.isFinite(c.lower) || !Number.isFinite(c.upper)) return `column ${j} has an infinite or undefined bound`;
    if (!Number.isFinite(c.cost)) return `column ${j} has a cost that is not finite`;
  }

  // Rows in the network ("active"): those with a finite bound. A row with neither constrains nothing.
  const family = new Int8Array(m).fill(-1);
  const rowNode = new Int32Array(m).fill(-1);
  const active: number[] = [];
  const lowerOf: (number | null)[] = [];
  const upperOf: (number | null)[] = [];
  const rowStart: number[] = [0];
  const rowCols: number[] = [];
  const seen = new Int32Array(n).fill(-1);
  for (let r = 0; r < m; r++) {
    const row = lp.rows[r]!;
    const lo = row.lower === null || row.lower === -Infinity ? null : row.lower;
    const hi = row.upper === null || row.upper === Infinity ? null : row.upper;
    if ((lo !== null && !Number.isFinite(lo)) || (hi !== null && !Number.isFinite(hi))) return `row ${r} has a bound that is not a finite number`;
    const terms = row.terms;
    for (let t = 0; t < terms.length; t++) {
      const term = terms[t]!;
      const j = term[0];
      const v = term[1];
      if (!Number.isInteger(j) || j < 0 || j >= n) return `row ${r} refers to column ${j}, which does not exist`;
      if (lo === null && hi === null) continue;
      if (v === 0) continue;
      if (v !== 1) return `row ${r} has coefficient ${v} on column ${j} (a network row has only coefficients 1)`;
      if (seen[j] === r) return `row ${r} has column ${j} twice`;
      seen[j] = r;
      rowCols.push(j);
    }
    if (lo === null && hi === null) continue;
    rowNode[r] = active.length + 1;
    active.push(r);
    lowerOf.push(lo);
    upperOf.push(hi);
    rowStart.push(rowCols.length);
  }
  const mA = active.length;
  const size = new Int32Array(mA);
  for (let a = 0; a < mA; a++) size[a] = rowStart[a + 1]! - rowStart[a]!;

  // Per column, the active rows containing it.
  const colStart = new Int32Array(n + 1);
  for (const j of rowCols) colStart[j + 1]!++;
  for (let j = 0; j < n; j++) colStart[j + 1]! += colStart[j]!;
  const colRows = new Int32Array(rowCols.length);
  {
    const fill = colStart.slice(0, n);
    for (let a = 0; a < mA; a++) for (let p = rowStart[a]!; p < rowStart[a + 1]!; p++) colRows[fill[rowCols[p]!]!++] = a;
  }
  let work = 0;
  for (let j = 0; j < n; j++) work += (colStart[j + 1]! - colStart[j]!) ** 2;
  if (work > MAX_PAIR_WORK) return `the rows overlap too densely to check quickly (${work} row pairs through columns)`;

  // Every pair of rows sharing a column: |a ∩ b| counted through the columns of a.
  const count = new Int32Array(mA);
  const touched = new Int32Array(mA);
  const crossA: number[] = [];
  const crossB: number[] = [];
  const candChild: number[] = [];
  const candSuper: number[] = [];
  for (let a = 0; a < mA; a++) {
    let nt = 0;
    for (let p = rowStart[a]!; p < rowStart[a + 1]!; p++) {
      const j = rowCols[p]!;
      for (let q = colStart[j]!; q < colStart[j + 1]!; q++) {
        const b = colRows[q]!;
        if (b > a && count[b]!++ === 0) touched[nt++] = b;
      }
    }
    for (let t = 0; t < nt; t++) {
      const b = touched[t]!;
      const c = count[b]!;
      count[b] = 0;
      const sa = size[a]!;
      const sb = size[b]!;
      if (c === sa && c === sb) {
        candChild.push(b); // identical sets: chained by row index, the later one inside
        candSuper.push(a);
      } else if (c === sa) {
        candChild.push(a);
        candSuper.push(b);
      } else if (c === sb) {
        candChild.push(b);
        candSuper.push(a);
      } else {
        crossA.push(a);
        crossB.push(b);
      }
    }
  }

  // Two crossing rows go to different families: 2-colour the crossing graph.
  const degree = new Int32Array(mA + 1);
  for (let i = 0; i < crossA.length; i++) {
    degree[crossA[i]! + 1]!++;
    degree[crossB[i]! + 1]!++;
  }
  for (let a = 0; a < mA; a++) degree[a + 1]! += degree[a]!;
  const adj = new Int32Array(2 * crossA.length);
  {
    const fill = degree.slice(0, mA);
    for (let i = 0; i < crossA.length; i++) {
      adj[fill[crossA[i]!]!++] = crossB[i]!;
      adj[fill[crossB[i]!]!++] = crossA[i]!;
    }
  }
  const colour = new Int8Array(mA).fill(-1);
  const bfsParent = new Int32Array(mA).fill(-1);
  const bfsDepth = new Int32Array(mA);
  const queue = new Int32Array(mA);
  for (let s = 0; s < mA; s++) {
    if (colour[s] !== -1) continue;
    colour[s] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const a = queue[head++]!;
      for (let p = degree[a]!; p < degree[a + 1]!; p++) {
        const b = adj[p]!;
        if (colour[b] === -1) {
          colour[b] = (1 - colour[a]!) as 0 | 1;
          bfsParent[b] = a;
          bfsDepth[b] = bfsDepth[a]! + 1;
          queue[tail++] = b;
        } else if (colour[b] === colour[a]) {
          // An odd cycle of crossing rows: a → … → LCA ← … ← b, closed by the edge a–b.
          const left: number[] = [];
          const right: number[] = [];
          let x = a;
          let y = b;
          while (x !== y) {
            if (bfsDepth[x]! >= bfsDepth[y]!) {
              left.push(x);
              x = bfsParent[x]!;
            } else {
              right.push(y);
              y = bfsParent[y]!;
            }
          }
          const cycle = [...left, x, ...right.reverse()].map((k) => active[k]!);
          const shown = cycle.length > 8 ? `${cycle.slice(0, 8).join(', ')}, …` : cycle.join(', ');
          return `rows ${shown} form an odd cycle of crossing rows (each shares columns with the next without either containing the other): they cannot be split into two laminar families`;
        }
      }
    }
  }
  let inA = 0;
  for (let a = 0; a < mA; a++) {
    family[active[a]!] = colour[a]!;
    if (colour[a] === 0) inA++;
  }

  // Parent in the family: the smallest containing row, identical sets by the largest smaller index.
  const sup = new Int32Array(mA).fill(-1);
  for (let i = 0; i < candChild.length; i++) {
    const c = candChild[i]!;
    const s = candSuper[i]!;
    if (colour[c] !== colour[s]) continue;
    const best = sup[c]!;
    if (best < 0 || size[s]! < size[best]! || (size[s] === size[best] && s > best)) sup[c] = s;
  }
  const nodeCount = mA + 1;
  const parent = new Int32Array(nodeCount);
  parent[0] = -1;
  for (let a = 0; a < mA; a++) parent[a + 1] = sup[a]! >= 0 ? sup[a]! + 1 : 0;
  const depth = new Int32Array(nodeCount).fill(-1);
  depth[0] = 0;
  let maxDepth = 0;
  {
    const path: number[] = [];
    for (let v = 1; v < nodeCount; v++) {
      let x = v;
      while (depth[x] === -1) {
        path.push(x);
        x = parent[x]!;
      }
      let d = depth[x]!;
      while (path.length) {
        d++;
        depth[path.pop()!] = d;
      }
      if (d > maxDepth) maxDepth = d;
    }
  }
  const bottomUp = new Int32Array(mA);
  {
    const start = new Int32Array(maxDepth + 2);
    for (let v = 1; v < nodeCount; v++) start[maxDepth - depth[v]! + 1]!++;
    for (let d = 0; d <= maxDepth; d++) start[d + 1]! += start[d]!;
    for (let v = 1; v < nodeCount; v++) bottomUp[start[maxDepth - depth[v]!]!++] = v;
  }

  // Scales: bounds (columns, and the finite bounds of network rows), then costs.
  const bounds = new Float64Array(2 * n + 2 * mA);
  let nb = 0;
  for (let j = 0; j < n; j++) {
    bounds[nb++] = lp.columns[j]!.lower;
    bounds[nb++] = lp.columns[j]!.upper;
  }
  for (let a = 0; a < mA; a++) {
    if (lowerOf[a] !== null) bounds[nb++] = lowerOf[a]!;
    if (upperOf[a] !== null) bounds[nb++] = upperOf[a]!;
  }
  const kb = decimalScale(bounds.subarray(0, nb));
  if (kb < 0) return `a bound is not a decimal with at most ${MAX_DECIMALS} places (an exact integer scale does not exist)`;
  const boundScale = POWERS[kb]!;
  let boundSum = 0;
  for (let i = 0; i < nb; i++) boundSum += Math.abs(scaled(bounds[i]!, boundScale));
  if (boundSum > SAFE) return `the bounds × 10^${kb} sum to more than 2^53: flows would not be exact`;
  const costs = Float64Array.from(lp.columns, (c) => c.cost);
  const kc = decimalScale(costs);
  if (kc < 0) return `a cost is not a decimal with at most ${MAX_DECIMALS} places (an exact integer scale does not exist)`;
  const costScale = POWERS[kc]!;
  let maxCost = 0;
  for (const v of costs) maxCost = Math.max(maxCost, Math.abs(scaled(v, costScale)));
  // Potentials are sums of at most (rows) tree-arc costs; a reduced cost adds a cost and two potentials.
  if (maxCost * (2 * mA + 1) > SAFE) return `the costs × 10^${kc} are too large for exact potentials (max |cost| × (2 × rows + 1) > 2^53)`;

  // Innermost row of each family per column.
  const innerA = new Int32Array(n);
  const innerB = new Int32Array(n);
  let netColumns = 0;
  for (let j = 0; j < n; j++) {
    let ba = -1;
    let bb = -1;
    for (let q = colStart[j]!; q < colStart[j + 1]!; q++) {
      const a = colRows[q]!;
      if (colour[a] === 0) {
        if (ba < 0 || size[a]! < size[ba]! || (size[a] === size[ba] && a > ba)) ba = a;
      } else if (bb < 0 || size[a]! < size[bb]! || (size[a] === size[bb] && a > bb)) bb = a;
    }
    innerA[j] = ba + 1;
    innerB[j] = bb + 1;
    if (ba >= 0 || bb >= 0) netColumns++;
  }

  const arcCount = netColumns + mA;
  const arcFrom = new Int32Array(arcCount);
  const arcTo = new Int32Array(arcCount);
  const arcLower = new Float64Array(arcCount);
  const arcUpper = new Float64Array(arcCount);
  const arcCost = new Float64Array(arcCount);
  const arcColumn = new Int32Array(arcCount).fill(-1);
  const arcRow = new Int32Array(arcCount).fill(-1);
  const arcReversed = new Uint8Array(arcCount);
  const columnArc = new Int32Array(n).fill(-1);
  const rowArc = new Int32Array(m).fill(-1);
  const sign = lp.sense === 'max' ? -1 : 1;
  let e = 0;
  for (let j = 0; j < n; j++) {
    if (innerA[j] === 0 && innerB[j] === 0) continue;
    const c = lp.columns[j]!;
    arcFrom[e] = innerA[j]!;
    arcTo[e] = innerB[j]!;
    arcLower[e] = scaled(c.lower, boundScale);
    arcUpper[e] = scaled(c.upper, boundScale);
    arcCost[e] = sign * scaled(c.cost, costScale) + 0;
    arcColumn[e] = j;
    columnArc[j] = e;
    e++;
  }
  for (let a = 0; a < mA; a++) {
    const v = a + 1;
    const p = parent[v]!;
    // Family A: parent → row; family B: row → parent. Both carry the row's activity.
    let from = colour[a] === 0 ? p : v;
    let to = colour[a] === 0 ? v : p;
    const lo = lowerOf[a]!;
    const hi = upperOf[a]!;
    if (lo === null) {
      // No lower bound. The activity is bounded below anyway (by the columns' lower bounds), but
      // treating the missing bound as 0 would let the network report the row "at its lower bound"
      // with a dual of the floor's sign, which HiGHS (seeing −∞) rejects: checked, it re-solves such
      // a basis. So the arc is turned round and carries −activity with bounds [−upper, ∞): the row
      // can only be basic or at its upper bound, exactly as HiGHS sees it, and the set of flows is
      // the same.
      [from, to] = [to, from];
      arcLower[e] = -scaled(hi!, boundScale) + 0;
      arcUpper[e] = Infinity;
      arcReversed[e] = 1;
    } else {
      arcLower[e] = scaled(lo, boundScale);
      arcUpper[e] = hi === null ? Infinity : scaled(hi, boundScale);
    }
    arcFrom[e] = from;
    arcTo[e] = to;
    arcRow[e] = active[a]!;
    rowArc[active[a]!] = e;
    e++;
  }

  const left = m - mA;
  const reason =
    `network LP: ${mA} rows in two laminar families (${inA} A, ${mA - inA} B)` +
    (left ? `, ${left} rows without a finite bound left out` : '') +
    `; ${netColumns} of ${n} columns in the network; bounds × 10^${kb}, costs × 10^${kc}`;
  return {
    reason, lp, boundScale, costScale, family, nodeCount, rowNode, parent, bottomUp,
    arcCount, arcFrom, arcTo, arcLower, arcUpper, arcCost, arcColumn, arcRow, arcReversed, columnArc, rowArc,
  };
}

const LOWER = 1;
const UPPER = -1;
const TREE = 0;
/** A non-tree arc with equal bounds: never priced, reported at its lower bound. */
const FIXED = 2;

/**
 * Solve `plan`'s LP. `secondary` (per LP column, same sense as the LP, default all 0) breaks ties
 * among the primary optima exactly; like the costs it must scale to integers by 10^k, k ≤ 6, and
 * max |secondary × 10^k| × (2 × rows + 1) must stay within 2^53 (a RangeError otherwise).
 */
export function solveNetwork(plan: NetworkPlan, secondary?: ArrayLike<number>): NetworkSolution {
  const lp = plan.lp;
  const n = lp.columns.length;
  const m = lp.rows.length;
  const N = plan.nodeCount;
  const A = plan.arcCount;
  const mA = N - 1;
  const sense = lp.sense === 'max' ? -1 : 1;

  // Secondary costs, scaled and in the min form.
  const sec = new Float64Array(n);
  if (secondary) {
    if (secondary.length !== n) throw new RangeError(`secondary has ${secondary.length} entries for ${n} columns`);
    for (let j = 0; j < n; j++) if (!Number.isFinite(secondary[j]!)) throw new RangeError(`secondary[${j}] is not finite`);
    const k = decimalScale(secondary);
    if (k < 0) throw new RangeError(`the secondary costs are not decimals with at most ${MAX_DECIMALS} places`);
    let max = 0;
    for (let j = 0; j < n; j++) {
      sec[j] = sense * scaled(secondary[j]!, POWERS[k]!) + 0;
      max = Math.max(max, Math.abs(sec[j]!));
    }
    if (max * (2 * mA + 1) > SAFE) throw new RangeError('the secondary costs are too large for exact potentials');
  }

  const infeasible = (pivots: number): NetworkSolution => ({
    status: 'infeasible',
    values: new Float64Array(n).fill(NaN),
    objective: NaN,
    secondaryObjective: NaN,
    duals: new Float64Array(m).fill(NaN),
    basis: { colStatus: new Int32Array(n), rowStatus: new Int32Array(m) },
    pivots,
  });
  for (let e = 0; e < A; e++) if (plan.arcLower[e]! > plan.arcUpper[e]!) return infeasible(0);
  for (const c of lp.columns) if (c.lower > c.upper) return infeasible(0);

  // Arcs: the plan's, then up to one artificial arc per row node (cost (1, 0, 0), capacity ∞).
  const T = A + mA;
  const src = new Int32Array(T);
  const tgt = new Int32Array(T);
  const cap = new Float64Array(T);
  const flow = new Float64Array(T); // shifted: actual − lower, in [0, cap]
  const c1 = new Float64Array(T);
  const c2 = new Float64Array(T);
  const state = new Int8Array(T);
  for (let e = 0; e < A; e++) {
    src[e] = plan.arcFrom[e]!;
    tgt[e] = plan.arcTo[e]!;
    cap[e] = plan.arcUpper[e]! - plan.arcLower[e]!;
    c1[e] = plan.arcCost[e]!;
    const j = plan.arcColumn[e]!;
    if (j >= 0) c2[e] = sec[j]!;
    state[e] = cap[e] === 0 ? FIXED : LOWER;
  }

  // The start: columns at a bound (see the crash), row arcs in the tree where they can be (bottom-up).
  const nc = A - mA; // column arcs come first
  crash(plan, cap, c1, c2, flow, state, nc);
  const parent = new Int32Array(N);
  const pred = new Int32Array(N);
  const predUp = new Uint8Array(N); // 1: pred arc goes node → parent
  const bal = new Float64Array(N); // net inflow from the arcs fixed so far (actual flows)
  for (let e = 0; e < nc; e++) {
    const f = plan.arcLower[e]! + flow[e]!;
    bal[tgt[e]!]! += f;
    bal[src[e]!]! -= f;
  }
  let arts = 0;
  let artsInTree = 0;
  parent[0] = -1;
  pred[0] = -1;
  for (let i = 0; i < mA; i++) {
    const v = plan.bottomUp[i]!;
    const e = A - N + v; // row arcs come last, in node order
    const up = src[e] === v;
    const p = up ? tgt[e]! : src[e]!;
    const lo = plan.arcLower[e]!;
    const hi = plan.arcUpper[e]!;
    const f = up ? bal[v]! : -bal[v]!; // the flow that balances v
    // Strongly feasible: a tree arc at its lower bound points to the root, one at its upper bound away.
    const ok = (lo < f && f < hi) || (lo < hi && ((f === lo && up) || (f === hi && !up)));
    let actual = f;
    if (ok) {
      parent[v] = p;
      pred[v] = e;
      predUp[v] = up ? 1 : 0;
      flow[e] = f - lo;
      state[e] = TREE;
    } else {
      actual = f >= hi ? hi : lo;
      flow[e] = actual - lo;
      if (cap[e] !== 0) state[e] = actual === hi ? UPPER : LOWER;
      const excess = bal[v]! + (up ? -actual : actual);
      const a = A + arts++;
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
      state[a] = TREE;
      parent[v] = 0;
      pred[v] = a;
      artsInTree++;
    }
    bal[p]! += up ? actual : -actual;
  }
  const arcsUsed = A + arts;

  // The tree: thread (preorder, circular through R), subtree sizes, the last node of each subtree
  // in the thread, and potentials (reduced cost c + π[from] − π[to]; π is kept up to a constant
  // per level, see `reroot`).
  const thread = new Int32Array(N);
  const rev = new Int32Array(N);
  const size = new Int32Array(N);
  const last = new Int32Array(N);
  const pi0 = new Float64Array(N);
  const pi1 = new Float64Array(N);
  const pi2 = new Float64Array(N);
  {
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
        pi0[v] = pi0[p]! + s * (e >= A ? 1 : 0);
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

  // Scratch for `reroot`, per stem node.
  const stem = new Int32Array(N);
  const segEnd = new Int32Array(N);
  const skipFrom = new Int32Array(N);
  const skipTo = new Int32Array(N);
  const stemSize = new Int32Array(N);
  /** Potentials stay exact while no offset exceeds this (see `reroot`). */
  const OFFSET_LIMIT = 2 ** 51;

  /**
   * Make `e` the tree arc of `uIn` (hanging from `vIn`), dropping the tree arc of `uOut`, which is
   * on the path from `uIn` to `join` (the apex of e's cycle): the subtree of `uOut` is re-rooted at
   * `uIn`. The thread is spliced in segments: the old subtree of uIn, then each stem node s_i
   * (uIn's old ancestors up to uOut) with its old subtree minus s_(i−1)'s, so the work is the stem
   * and the paths to the root, not the subtree. Potentials: the moved subtree's shift, or, when the
   * moved subtree is the larger side, the opposite shift of the rest (the root included: potentials
   * are then right up to a constant, which reduced costs do not see).
   */
  function reroot(e: number, uIn: number, vIn: number, uOut: number, join: number): void {
    const up = src[e] === uIn;
    const c0e = e >= A ? 1 : 0;
    const s0 = (up ? pi0[vIn]! - c0e : pi0[vIn]! + c0e) - pi0[uIn]!;
    const s1 = (up ? pi1[vIn]! - c1[e]! : pi1[vIn]! + c1[e]!) - pi1[uIn]!;
    const s2 = (up ? pi2[vIn]! - c2[e]! : pi2[vIn]! + c2[e]!) - pi2[uIn]!;
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
      shift(uIn, S, -1, -1, s0, s1, s2);
    } else {
      shift(0, N - S, uIn, nv, -s0, -s1, -s2);
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
  function shift(from: number, count: number, skip: number, resume: number, d0: number, d1: number, d2: number): void {
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

  // Block search (LEMON's rule): scan blocks of ~√arcs from where the last search stopped and
  // take the most violating arc of the first block that has one. Violations are lexicographic
  // triples (artificial level, primary, secondary).
  const block = Math.max(10, Math.ceil(Math.sqrt(A)));
  let nextArc = 0;
  function findEntering(): number {
    let best = -1;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let cnt = block;
    let e = nextArc;
    if (artsInTree === 0) {
      // No artificial arc in the tree: the first level of every potential is 0.
      for (let k = 0; k < A; k++) {
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
        if (++e === A) e = 0;
        if (--cnt === 0) {
          if (best >= 0) break;
          cnt = block;
        }
      }
      nextArc = e;
      return best;
    }
    for (let k = 0; k < A; k++) {
      const s = state[e]!;
      if (s === LOWER || s === UPPER) {
        const u = src[e]!;
        const v = tgt[e]!;
        const d0 = s * (pi0[u]! - pi0[v]!);
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
      if (++e === A) e = 0;
      if (--cnt === 0) {
        if (best >= 0) break;
        cnt = block;
      }
    }
    nextArc = e;
    return best;
  }

  let pivots = 0;
  for (;;) {
    const e = A > 0 ? findEntering() : -1;
    if (e < 0) break;
    pivots++;
    const s = state[e]!;
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
      flow[e]! += s * delta;
      for (let w = first; w !== join; w = parent[w]!) flow[pred[w]!]! += predUp[w] ? -delta : delta;
      for (let w = second; w !== join; w = parent[w]!) flow[pred[w]!]! += predUp[w] ? delta : -delta;
    }
    if (result === 0) {
      state[e] = -s;
      continue;
    }
    const uIn = result === 1 ? first : second;
    const vIn = result === 1 ? second : first;
    const leave = pred[uOut]!;
    state[leave] = flow[leave] === 0 ? LOWER : UPPER;
    if (leave >= A) artsInTree--;
    state[e] = TREE;
    reroot(e, uIn, vIn, uOut, join);
  }

  // Artificial flow left: the floors cannot all be met.
  for (let a = A; a < arcsUsed; a++) if (flow[a] !== 0) return infeasible(pivots);

  // Artificial arcs still in the tree (zero flow): swap each for a real arc across its cut, chosen
  // by a dual ratio test so every real arc keeps a reduced cost of the right sign (no flow moves).
  if (artsInTree > 0) {
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
      if (pred[x]! < A) continue;
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
      state[leave] = LOWER;
      state[e] = TREE;
      reroot(e, inS, outS, x, 0);
      artsInTree--;
    }
  }

  // Results.
  const bs = plan.boundScale;
  const values = new Float64Array(n);
  const colStatus = new Int32Array(n);
  const rowStatus = new Int32Array(m).fill(1);
  const duals = new Float64Array(m);
  let objective = 0;
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
      values[j] = (plan.arcLower[e]! + flow[e]!) / bs;
      colStatus[j] = state[e] === TREE ? 1 : state[e] === UPPER ? 2 : 0;
    }
    objective += c.cost * values[j]!;
    if (secondary) secondaryObjective += secondary[j]! * values[j]!;
  }
  const cs = plan.costScale;
  for (let r = 0; r < m; r++) {
    const e = plan.rowArc[r]!;
    if (e < 0) continue;
    const st = state[e]!;
    const reversed = plan.arcReversed[e] === 1;
    // The arc's status, seen from the row: a reversed arc at its lower bound is the row at its upper.
    rowStatus[r] = st === TREE ? 1 : (st === UPPER) !== reversed ? 2 : 0;
    const d = pi1[src[e]!]! - pi1[tgt[e]!]!; // a row arc costs nothing
    // y = d for a min LP (forward arc); −d for a reversed arc; the opposite again for 'max'.
    duals[r] = (reversed ? -1 : 1) * sense * d / cs + 0;
  }
  return { status: 'optimal', values, objective, secondaryObjective, duals, basis: { colStatus, rowStatus }, pivots };
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
