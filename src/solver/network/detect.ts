/**
 * Recognising a network LP and building its network form ({@link NetworkPlan}).
 *
 * Shape: every coefficient is 1, so a row is a set of columns. When the rows split into two
 * families A and B, each laminar (two rows of a family are disjoint or nested), the LP is a
 * min-cost circulation: one root node R plus a node per row; a family-A row r is an arc
 * parent(r) → r, a family-B row an arc r → parent(r) (parent: the smallest row of the same family
 * strictly containing r, identical sets chained by row index, R when none); column j is an arc
 * from its innermost A row to its innermost B row (R when none). Conservation makes the flow on
 * a row's arc equal to the row's activity.
 *
 * The steps (one function, `buildPlan`): the rows with a finite bound and their columns; every
 * pair of rows sharing a column, as nested or crossing; two crossing rows go to different families
 * (a two-colouring of the crossing rows, refused with an odd cycle when there is none); each
 * row's parent in its family; the integer scales of bounds and costs (./exact.ts); the arcs.
 * Each LP is analysed once.
 */
import type { LinearProgram } from '../types.js';
import { boundScaleOf, integerCosts, MAX_DECIMALS, POWERS, scaled } from './exact.js';

/** Σ over columns of (rows per column)²: beyond this the crossing check is refused as too dense. */
const MAX_PAIR_WORK = 200_000_000;

/**
 * What the detector found: the network form of an LP (scaled to integers), ready for
 * `solveNetwork`. The arrays are the solver's input; treat them as read-only.
 */
export interface NetworkPlan {
  /** What the detector found, in words (families, scales). */
  readonly reason?: string;
  readonly lp: LinearProgram;
  /** Bounds × boundScale and costs × costScale are integers (both powers of ten). */
  readonly boundScale: number;
  readonly costScale: number;
  /** Σ |bound × boundScale| over the columns' bounds and the network rows' finite bounds (at most 2^53). */
  readonly boundSum: number;
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
  /**
   * Whether some bound pair is crossed (an arc's, or a column's outside the network): the LP is
   * then infeasible before any pivot.
   */
  readonly crossed: boolean;
}

type Analysis = { readonly plan: NetworkPlan; readonly reason?: undefined } | { readonly plan?: undefined; readonly reason: string };
const analyses = new WeakMap<LinearProgram, Analysis>();

/**
 * An LP refused while its columns and rows were read (`readColumns`, `readRows`): why, and what
 * of its rows that answer rests on — the rows read, up to the one refused, as their terms and
 * which bounds they have (`boundKinds`). Kept per columns array: an LP made again with the same
 * columns and rows, other bounds of the same kinds (a re-solve at another amount), is refused
 * the same, without reading it again.
 */
interface Refusal {
  readonly reason: string;
  readonly terms: readonly LinearProgram['rows'][number]['terms'][];
  readonly kinds: Uint8Array;
}
const refusals = new WeakMap<LinearProgram['columns'], Refusal>();

function analyse(lp: LinearProgram): Analysis {
  let a = analyses.get(lp);
  if (!a) {
    const refused = refusals.get(lp.columns);
    if (refused && refusedAgain(refused, lp.rows)) {
      a = { reason: refused.reason };
    } else {
      const r = buildPlan(lp);
      a = typeof r === 'string' ? { reason: r } : { plan: r };
    }
    analyses.set(lp, a);
  }
  return a;
}

/** A row's bounds, as reading it depends on them: per side none (null or the infinity of its side), a finite number, or another value. */
function boundKinds(row: LinearProgram['rows'][number]): number {
  const kind = (v: number | null, none: number) => (v === null || v === none ? 0 : Number.isFinite(v) ? 1 : 2);
  return 3 * kind(row.lower, -Infinity) + kind(row.upper, Infinity);
}

/** Whether `rows` start with the rows `refused` was read to: the same terms arrays, bounds of the same kinds. */
function refusedAgain(refused: Refusal, rows: LinearProgram['rows']): boolean {
  const { terms, kinds } = refused;
  if (rows.length < terms.length) return false;
  for (let r = 0; r < terms.length; r++) if (rows[r]!.terms !== terms[r] || boundKinds(rows[r]!) !== kinds[r]) return false;
  return true;
}

/** Keep a refusal of `lp` by its columns and rows, read to row `rowsRead` − 1 (the last refusal per columns array: a re-solve's LP is refused as the one before it). */
function keepRefusal(lp: LinearProgram, reason: string, rowsRead: number): string {
  const rows = lp.rows.slice(0, rowsRead);
  refusals.set(lp.columns, { reason, terms: rows.map((r) => r.terms), kinds: Uint8Array.from(rows, boundKinds) });
  return reason;
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
 * The network form of `lp`, or why there is none. The steps in one function, but for the loops
 * over every column and term, which are small functions of their own: in a fresh process a loop
 * runs unoptimised until its function is compiled, and this function whole takes tens of
 * milliseconds to compile (about 40% less main-thread time for the detection at 100,000
 * applications, measured; with every step a function of its own it was about 40% more at 20,000).
 */
function buildPlan(lp: LinearProgram): NetworkPlan | string {
  const n = lp.columns.length;
  const m = lp.rows.length;
  // The columns checked, their costs and bounds read in one pass (plain loops: a callback per
  // column costs a fresh process several milliseconds at 60,000 columns).
  const columnCosts = new Float64Array(n);
  const bounds = new Float64Array(2 * n + 2 * m);
  const columnsWrong = readColumns(lp.columns, columnCosts, bounds);
  if (columnsWrong !== null) return keepRefusal(lp, columnsWrong, 0);

  // Rows in the network ("active"): those with a finite bound. A row with neither constrains nothing.
  // Typed arrays sized from the rows' lengths (a JS array grown by push costs more, cold).
  const family = new Int8Array(m).fill(-1);
  const rowNode = new Int32Array(m).fill(-1);
  let terms = 0;
  for (let r = 0; r < m; r++) terms += lp.rows[r]!.terms.length;
  const active = new Int32Array(m);
  const lowerOf = new Float64Array(m); // NaN: no lower bound
  const upperOf = new Float64Array(m); // NaN: no upper bound
  const rowStart = new Int32Array(m + 1);
  const rowCols = new Int32Array(terms);
  const colStart = new Int32Array(n + 1); // counts of active rows per column at j + 1 (readRows), then starts (columnRows)
  const read = readRows(lp.rows, n, { rowNode, active, lowerOf, upperOf, rowStart, rowCols, colStart, bounds });
  if ('reason' in read) return keepRefusal(lp, read.reason, read.row + 1);
  const { mA, nTerms, nb } = read;
  const size = new Int32Array(mA);
  for (let a = 0; a < mA; a++) size[a] = rowStart[a + 1]! - rowStart[a]!;

  // Per column, the active rows containing it.
  const colRows = new Int32Array(nTerms);
  const { work, netColumns } = columnRows(rowStart, rowCols, mA, n, colStart, colRows);
  if (work > MAX_PAIR_WORK) return `the rows overlap too densely to check quickly (${work} row pairs through columns)`;

  // Every pair of rows sharing a column, as nested or crossing.
  const { candChild, candSuper, nCand, crossA, crossB, nCross } = rowPairs(rowStart, rowCols, colStart, colRows, size, mA);

  // Two crossing rows go to different families: 2-colour the crossing graph.
  const degree = new Int32Array(mA + 1);
  for (let i = 0; i < nCross; i++) {
    degree[crossA[i]! + 1]!++;
    degree[crossB[i]! + 1]!++;
  }
  for (let a = 0; a < mA; a++) degree[a + 1]! += degree[a]!;
  const adj = new Int32Array(2 * nCross);
  {
    const fill = degree.slice(0, mA);
    for (let i = 0; i < nCross; i++) {
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
  for (let i = 0; i < nCand; i++) {
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
    const path = new Int32Array(nodeCount);
    for (let v = 1; v < nodeCount; v++) {
      let x = v;
      let np = 0;
      while (depth[x] === -1) {
        path[np++] = x;
        x = parent[x]!;
      }
      let d = depth[x]!;
      while (np > 0) {
        d++;
        depth[path[--np]!] = d;
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

  // Scales: bounds (columns, and the finite bounds of network rows, read above), then costs.
  const bScale = boundScaleOf(bounds.subarray(0, nb));
  const kb = bScale.k;
  if (bScale.refused === 'not decimal') return `a bound is not a decimal with at most ${MAX_DECIMALS} places (an exact integer scale does not exist)`;
  if (bScale.refused === 'too large') return `the bounds × 10^${kb} sum to more than 2^53: flows would not be exact`;
  const boundScale = POWERS[kb]!;
  const costs = integerCosts(columnCosts, lp.sense === 'max' ? -1 : 1, mA);
  const kc = costs.k;
  if (costs.refused === 'not decimal') return `a cost is not a decimal with at most ${MAX_DECIMALS} places (an exact integer scale does not exist)`;
  if (costs.refused === 'too large') return `the costs × 10^${kc} are too large for exact potentials (max |cost| × (2 × rows + 1) > 2^53)`;
  const costScale = POWERS[kc]!;

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
  const columns = columnArcs(colStart, colRows, colour, size, bounds, boundScale, costs.values, { arcFrom, arcTo, arcLower, arcUpper, arcCost, arcColumn, columnArc });
  let e = columns.arcs;
  let crossed = columns.crossed;
  for (let a = 0; a < mA; a++) {
    const v = a + 1;
    const p = parent[v]!;
    // Family A: parent → row; family B: row → parent. Both carry the row's activity.
    let from = colour[a] === 0 ? p : v;
    let to = colour[a] === 0 ? v : p;
    const lo = lowerOf[a]!;
    const hi = upperOf[a]!;
    if (Number.isNaN(lo)) {
      // No lower bound. The activity is bounded below anyway (by the columns' lower bounds), but
      // treating the missing bound as 0 would let the network report the row "at its lower bound"
      // with a dual of the floor's sign, which HiGHS (seeing −∞) rejects: checked, it re-solves such
      // a basis. So the arc is turned round and carries −activity with bounds [−upper, ∞): the row
      // can only be basic or at its upper bound, exactly as HiGHS sees it, and the set of flows is
      // the same.
      const swap = from;
      from = to;
      to = swap;
      arcLower[e] = -scaled(hi, boundScale) + 0;
      arcUpper[e] = Infinity;
      arcReversed[e] = 1;
    } else {
      arcLower[e] = scaled(lo, boundScale);
      arcUpper[e] = Number.isNaN(hi) ? Infinity : scaled(hi, boundScale);
    }
    if (arcLower[e]! > arcUpper[e]!) crossed = true;
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
    reason, lp, boundScale, costScale, boundSum: bScale.sum, family, nodeCount, rowNode, parent, bottomUp,
    arcCount, arcFrom, arcTo, arcLower, arcUpper, arcCost, arcColumn, arcRow, arcReversed, columnArc, rowArc, crossed,
  };
}

/**
 * The column-wise view of the rows (`colStart`, `colRows`: the active rows of column j are
 * colRows[colStart[j] … colStart[j + 1])) from the counts `readRows` left in colStart[j + 1];
 * Σ over columns of (rows per column)², and how many columns are in an active row (the
 * network's column arcs). The loops of the detection that run over every term are functions of
 * their own: small, they are compiled early in a fresh process (buildPlan whole takes tens of
 * milliseconds to compile).
 */
function columnRows(rowStart: Int32Array, rowCols: Int32Array, mA: number, n: number, colStart: Int32Array, colRows: Int32Array): { readonly work: number; readonly netColumns: number } {
  let work = 0;
  let netColumns = 0;
  for (let j = 0; j < n; j++) {
    const d = colStart[j + 1]!; // still column j's count
    work += d * d;
    if (d > 0) netColumns++;
    colStart[j + 1] = d + colStart[j]!;
  }
  const fill = colStart.slice(0, n);
  for (let a = 0; a < mA; a++) for (let p = rowStart[a]!; p < rowStart[a + 1]!; p++) colRows[fill[rowCols[p]!]!++] = a;
  return { work, netColumns };
}

/** Grown by doubling. */
function grow(x: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const y = new Int32Array(2 * x.length);
  y.set(x);
  return y;
}

/**
 * Every pair of rows sharing a column, |a ∩ b| counted through the columns of a: nested (child
 * inside super; identical sets chained by row index, the later one inside) or crossing.
 */
function rowPairs(rowStart: Int32Array, rowCols: Int32Array, colStart: Int32Array, colRows: Int32Array, size: Int32Array, mA: number) {
  const count = new Int32Array(mA);
  const touched = new Int32Array(mA);
  let candChild = new Int32Array(2 * mA + 16);
  let candSuper = new Int32Array(2 * mA + 16);
  let crossA = new Int32Array(16);
  let crossB = new Int32Array(16);
  let nCand = 0;
  let nCross = 0;
  for (let a = 0; a < mA; a++) {
    let nt = 0;
    for (let p = rowStart[a]!; p < rowStart[a + 1]!; p++) {
      const j = rowCols[p]!;
      for (let q = colStart[j]!; q < colStart[j + 1]!; q++) {
        const b = colRows[q]!;
        if (b > a && count[b]!++ === 0) touched[nt++] = b;
      }
    }
    const sa = size[a]!;
    for (let t = 0; t < nt; t++) {
      const b = touched[t]!;
      const c = count[b]!;
      count[b] = 0;
      const sb = size[b]!;
      if (c !== sa && c !== sb) {
        if (nCross === crossA.length) {
          crossA = grow(crossA);
          crossB = grow(crossB);
        }
        crossA[nCross] = a;
        crossB[nCross++] = b;
        continue;
      }
      if (nCand === candChild.length) {
        candChild = grow(candChild);
        candSuper = grow(candSuper);
      }
      const inner = c === sb ? b : a;
      candChild[nCand] = inner;
      candSuper[nCand++] = inner === a ? b : a;
    }
  }
  return { candChild, candSuper, nCand, crossA, crossB, nCross };
}

/**
 * The column arcs (columns in a network row, in column order; `bounds` holds column j's lower
 * and upper bounds at 2j and 2j + 1): each from its innermost row of family A to its innermost
 * row of family B (node numbers, 0 for none; the smallest row, identical sets by the larger
 * index), with its scaled bounds and cost; how many, and whether a bound pair is crossed (a
 * column outside the network's too).
 */
function columnArcs(
  colStart: Int32Array,
  colRows: Int32Array,
  colour: Int8Array,
  size: Int32Array,
  bounds: Float64Array,
  boundScale: number,
  costs: Float64Array,
  arcs: { arcFrom: Int32Array; arcTo: Int32Array; arcLower: Float64Array; arcUpper: Float64Array; arcCost: Float64Array; arcColumn: Int32Array; columnArc: Int32Array },
): { readonly arcs: number; readonly crossed: boolean } {
  const { arcFrom, arcTo, arcLower, arcUpper, arcCost, arcColumn, columnArc } = arcs;
  const n = columnArc.length;
  let e = 0;
  let crossed = false;
  for (let j = 0; j < n; j++) {
    const lower = bounds[2 * j]!;
    const upper = bounds[2 * j + 1]!;
    const q0 = colStart[j]!;
    const q1 = colStart[j + 1]!;
    if (q0 === q1) {
      if (lower > upper) crossed = true;
      continue;
    }
    let ba = -1;
    let bb = -1;
    for (let q = q0; q < q1; q++) {
      const a = colRows[q]!;
      if (colour[a] === 0) {
        if (ba < 0 || size[a]! < size[ba]! || (size[a] === size[ba] && a > ba)) ba = a;
      } else if (bb < 0 || size[a]! < size[bb]! || (size[a] === size[bb] && a > bb)) bb = a;
    }
    arcFrom[e] = ba + 1;
    arcTo[e] = bb + 1;
    const lo = Math.round(lower * boundScale) + 0; // scaled(lower, boundScale), inline
    const hi = Math.round(upper * boundScale) + 0;
    arcLower[e] = lo;
    arcUpper[e] = hi;
    arcCost[e] = costs[j]!;
    arcColumn[e] = j;
    columnArc[j] = e;
    if (lo > hi) crossed = true;
    e++;
  }
  return { arcs: e, crossed };
}

/**
 * Every column checked (continuous, finite bounds and cost; else why not), its cost into `costs`,
 * its bounds into `bounds` at 2j and 2j + 1.
 */
function readColumns(columns: LinearProgram['columns'], costs: Float64Array, bounds: Float64Array): string | null {
  const n = columns.length;
  for (let j = 0; j < n; j++) {
    const c = columns[j]!;
    if (c.integer || c.semicontinuous) return `column ${j} is integer or semi-continuous (a MIP)`;
    const lower = c.lower;
    const upper = c.upper;
    if (!Number.isFinite(lower) || !Number.isFinite(upper)) return `column ${j} has an infinite or undefined bound`;
    if (!Number.isFinite(c.cost)) return `column ${j} has a cost that is not finite`;
    costs[j] = c.cost;
    bounds[2 * j] = lower;
    bounds[2 * j + 1] = upper;
  }
  return null;
}

/**
 * Every row checked (finite bounds, existing columns; a row with a bound: coefficients 1, each
 * column once; else why not, and the row refused), and the rows with a bound, the active ones, read: their node
 * (`rowNode`), row (`active`), bounds (`lowerOf`, `upperOf`, NaN for none; the finite ones also
 * appended to `bounds` after the columns'), columns (`rowCols` from `rowStart`; each column's
 * count of active rows added to colStart[j + 1]). How many active rows, terms in them and bounds
 * in all.
 */
function readRows(
  rows: LinearProgram['rows'],
  n: number,
  out: { rowNode: Int32Array; active: Int32Array; lowerOf: Float64Array; upperOf: Float64Array; rowStart: Int32Array; rowCols: Int32Array; colStart: Int32Array; bounds: Float64Array },
): { readonly reason: string; readonly row: number } | { readonly mA: number; readonly nTerms: number; readonly nb: number } {
  const { rowNode, active, lowerOf, upperOf, rowStart, rowCols, colStart, bounds } = out;
  const m = rows.length;
  let mA = 0;
  let nTerms = 0;
  let nb = 2 * n;
  const seen = new Int32Array(n).fill(-1);
  for (let r = 0; r < m; r++) {
    const row = rows[r]!;
    const lo = row.lower === null || row.lower === -Infinity ? null : row.lower;
    const hi = row.upper === null || row.upper === Infinity ? null : row.upper;
    if ((lo !== null && !Number.isFinite(lo)) || (hi !== null && !Number.isFinite(hi))) return { reason: `row ${r} has a bound that is not a finite number`, row: r };
    const rowTerms = row.terms;
    const skip = lo === null && hi === null;
    for (let t = 0; t < rowTerms.length; t++) {
      const term = rowTerms[t]!;
      const j = term[0];
      const v = term[1];
      // Number.isInteger(j) && 0 ≤ j < n (n < 2^32), without a call per term.
      if (!((j >>> 0) === j && j < n)) return { reason: `row ${r} refers to column ${j}, which does not exist`, row: r };
      if (skip || v === 0) continue;
      if (v !== 1) return { reason: `row ${r} has coefficient ${v} on column ${j} (a network row has only coefficients 1)`, row: r };
      if (seen[j] === r) return { reason: `row ${r} has column ${j} twice`, row: r };
      seen[j] = r;
      rowCols[nTerms++] = j;
      colStart[j + 1]!++;
    }
    if (skip) continue;
    rowNode[r] = mA + 1;
    active[mA] = r;
    lowerOf[mA] = lo === null ? NaN : lo;
    upperOf[mA] = hi === null ? NaN : hi;
    if (lo !== null) bounds[nb++] = lo;
    if (hi !== null) bounds[nb++] = hi;
    rowStart[++mA] = nTerms;
  }
  return { mA, nTerms, nb };
}
