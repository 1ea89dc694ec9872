/**
 * The policy as a linear program, in 万元.
 *
 * Rows: one per coupling limit that could bind (a `max` limit whose members' caps sum to
 * no more than it never binds and gets no row; `min` limits always get one, since an
 * unreachable floor must make the LP infeasible). Rows keep the index of their limit.
 *
 * Columns: candidates that sit in exactly the same rows and have the same score are
 * interchangeable in every constraint and in the objective, so they share one column
 * bounded by the sum of their caps (an exact reduction: a batch of thousands of
 * applications has a few hundred distinct scores). After the solve a column's value is
 * handed to its members in priority order, which is also what the tie rule asks for.
 */
import type { Decimal } from 'decimal.js';
import { D, LP_UNIT, toLpUnits } from '../money.js';
import { unitsToYuan } from './rounding.js';
import { inUnits, type Units } from './units.js';
import type { Column, LinearProgram, Row } from '../solver/types.js';
import { sizedLists, sumOver, type Limit, type ShareRow } from './limits.js';
import type { CashRow } from './cash-rows.js';

export interface PolicyLpShape {
  /** Candidate indexes per column, in priority order. */
  readonly groups: readonly (readonly number[])[];
  /** Σ caps per column (yuan), and the same in LP units. */
  readonly groupCaps: readonly Decimal[];
  readonly columnUpper: readonly number[];
  /** Index into `limits` per row. */
  readonly rowLimit: readonly number[];
  /** Per row, the columns in it. */
  readonly rowColumns: readonly (readonly number[])[];
  /**
   * Per row, its limit's amount in whole granularity units (a ceiling's rounded down, a floor's up:
   * what whole grants can reach), in LP units. On a network LP every vertex is then whole units,
   * so the solve's allocation needs no rounding and meets every floor whole units can meet.
   */
  readonly rowBounds: readonly { readonly lower: number | null; readonly upper: number | null }[];
  /** The granularity the rows' bounds are whole units of. */
  readonly granularity: Decimal;
  /**
   * Rows of the share rules, after the limits' rows: per row its share (index into the shares),
   * columns, a weight per column and the lower bound (Σ weight × value ≥ lower, in LP units).
   */
  readonly shareRows: readonly ShapeShareRow[];
  /** Rows of the cash windows, after the share rows: Σ weight × value ≤ upper (LP units), weight the share of a grant due in the window. */
  readonly cashRows: readonly ShapeCashRow[];
}

export interface ShapeCashRow {
  /** Index into the cash rows. */
  readonly cash: number;
  readonly columns: readonly number[];
  readonly weights: readonly number[];
  readonly upper: number;
}

export interface ShapeShareRow {
  readonly share: number;
  readonly columns: readonly number[];
  readonly weights: readonly number[];
  readonly lower: number;
}

/**
 * @param scoreKeys a key per candidate that is equal exactly when scores are equal
 * @param order candidate indexes in priority order
 */
export function shapePolicyLp(
  units: Units,
  limits: readonly Limit[],
  scoreKeys: readonly string[],
  order: readonly number[],
  keepRow: (l: Limit) => boolean = () => false,
  shares: readonly ShareRow[] = [],
  cash: readonly CashRow[] = [],
  rows: readonly number[] = limitRows(units, limits, keepRow),
): PolicyLpShape {
  const rowLimit = [...rows];
  const n = units.caps.length;
  // Each candidate's rows, ascending, in one flat list: candidate i's are rowsAt[rowStart[i]..rowStart[i + 1]).
  const rowStart = new Int32Array(n + 1);
  // Indexed loops here and below: a loop of `for … of` run once allocates a step object per item until optimised.
  for (let r = 0; r < rowLimit.length; r++) {
    const members = limits[rowLimit[r]!]!.members;
    for (let t = 0; t < members.length; t++) rowStart[members[t]! + 1]!++;
  }
  for (let i = 0; i < n; i++) rowStart[i + 1]! += rowStart[i]!;
  const rowsAt = new Int32Array(rowStart[n]!);
  const next = rowStart.slice(0, n);
  for (let r = 0; r < rowLimit.length; r++) {
    const members = limits[rowLimit[r]!]!.members;
    for (let t = 0; t < members.length; t++) rowsAt[next[members[t]!]!++] = r;
  }
  // A share row weighs its qualifying and other members differently: they never share a column.
  const sided = shares.length > 0 || cash.length > 0;
  const sideOf: string[] = sided ? units.caps.map(() => '') : [];
  shares.forEach((row, j) => {
    for (const i of row.qualifying) sideOf[i] += `q${j}`;
    for (const i of row.others) sideOf[i] += `o${j}`;
  });
  // Nor do candidates with different shares of their grant due in a cash window.
  cash.forEach((row, j) => {
    const text = new Map<Decimal, string>();
    row.members.forEach((i, k) => {
      const w = row.weights[k]!;
      let t = text.get(w);
      if (t === undefined) text.set(w, (t = `c${j}:${w.toString()}`));
      sideOf[i] += t;
    });
  });
  // Candidates with the same rows, side and score share a column: found by a hash of the three
  // (numbers: the score's and the side's index among the distinct ones, the rows), then compared
  // with the column's first member.
  const scoreIds = new Map<string, number>();
  const sideIds = new Map<string, number>();
  const idOf = (ids: Map<string, number>, key: string) => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  const scoreId = new Int32Array(n);
  const sideId = new Int32Array(n);
  const sameKey = (a: number, b: number) => {
    if (scoreId[a] !== scoreId[b] || sideId[a] !== sideId[b]) return false;
    const from = rowStart[a]!;
    const len = rowStart[a + 1]! - from;
    if (rowStart[b + 1]! - rowStart[b]! !== len) return false;
    for (let t = 0, u = rowStart[b]!; t < len; t++) if (rowsAt[from + t] !== rowsAt[u + t]) return false;
    return true;
  };
  // Each candidate's column, each column's first member and size; then the columns' lists at their
  // lengths. Columns by hash in a table of chains: `head` per slot (−1: none), `chain` per column.
  const columnOf = new Int32Array(n).fill(-1);
  const firstOf: number[] = [];
  const sizes: number[] = [];
  const chain: number[] = [];
  let slots = 16;
  while (slots < 2 * n) slots *= 2;
  const head = new Int32Array(slots).fill(-1);
  for (let o = 0; o < order.length; o++) {
    const i = order[o]!;
    scoreId[i] = idOf(scoreIds, scoreKeys[i]!);
    // Without share or cash rows every candidate's side is '' (id 0).
    sideId[i] = sided ? idOf(sideIds, sideOf[i]!) : 0;
    let h = Math.imul(scoreId[i]! + 1, 0x9e3779b1) ^ sideId[i]!;
    for (let t = rowStart[i]!; t < rowStart[i + 1]!; t++) h = Math.imul(h ^ rowsAt[t]!, 0x01000193);
    const slot = (h ^ (h >>> 16)) & (slots - 1);
    // At most one column of a chain has i's key (columns have distinct keys).
    let g = head[slot]!;
    while (g >= 0 && !sameKey(firstOf[g]!, i)) g = chain[g]!;
    if (g < 0) {
      g = firstOf.length;
      firstOf.push(i);
      sizes.push(0);
      chain.push(head[slot]!);
      head[slot] = g;
    }
    columnOf[i] = g;
    sizes[g]!++;
  }
  const groups = sizedLists(Int32Array.from(sizes));
  const filled = new Int32Array(groups.length);
  for (let o = 0; o < order.length; o++) {
    const i = order[o]!;
    const g = columnOf[i]!;
    groups[g]![filled[g]!++] = i;
  }
  const perRow = new Int32Array(rowLimit.length);
  for (let g = 0; g < firstOf.length; g++) for (let t = rowStart[firstOf[g]!]!; t < rowStart[firstOf[g]! + 1]!; t++) perRow[rowsAt[t]!]!++;
  const rowColumns = sizedLists(perRow);
  perRow.fill(0);
  firstOf.forEach((first, g) => {
    for (let t = rowStart[first]!; t < rowStart[first + 1]!; t++) {
      const r = rowsAt[t]!;
      rowColumns[r]![perRow[r]!++] = g;
    }
  });
  const rowBounds = rowBoundsOf(rowLimit, limits, units.granularity);
  const yuan = unitsToYuan(units.granularity);
  const groupCaps = groups.map((members) => yuan(sumOver(members, units.caps)));
  const shareRows = shares.map((row, share) => {
    const sign = row.sense === 'min' ? 1 : -1;
    const wq = new D(1).minus(row.rate).times(sign).toNumber();
    const wo = row.rate.times(-sign).toNumber();
    const columns: number[] = [];
    const weights: number[] = [];
    for (const [members, w] of [[row.qualifying, wq], [row.others, wo]] as const) {
      for (const g of new Set(members.map((i) => columnOf[i]!))) {
        columns.push(g);
        weights.push(w);
      }
    }
    const locked = row.lockedQualifying.times(sign).times(new D(1).minus(row.rate)).minus(row.lockedOthers.times(sign).times(row.rate));
    return { share, columns, weights, lower: -toLpUnits(locked) };
  });
  const cashRows = cash.map((row, j) => {
    const columns: number[] = [];
    const weights: number[] = [];
    const seen = new Set<number>();
    row.members.forEach((i, k) => {
      const g = columnOf[i]!;
      if (seen.has(g)) return;
      seen.add(g);
      columns.push(g);
      weights.push(row.weights[k]!.toNumber());
    });
    return { cash: j, columns, weights, upper: toLpUnits(row.window.room) };
  });
  return { groups, groupCaps, columnUpper: groupCaps.map(toLpUnits), rowLimit, rowColumns, rowBounds, granularity: units.granularity, shareRows, cashRows };
}

/** Each row's bounds (LP units): a ceiling's amount above, a floor's below, in whole units of `g`. */
function rowBoundsOf(rowLimit: readonly number[], limits: readonly Limit[], g: Decimal): { lower: number | null; upper: number | null }[] {
  // Many rows share one amount (every company's cap under a measure): each converted once per sense.
  const made = { max: new Map<Decimal, number>(), min: new Map<Decimal, number>() };
  return rowLimit.map((k) => {
    const l = limits[k]!;
    let bound = made[l.sense].get(l.amount);
    if (bound === undefined) made[l.sense].set(l.amount, (bound = wholeUnitsBound(l.amount, l.sense, g)));
    return { lower: l.sense === 'min' ? bound : null, upper: l.sense === 'max' ? bound : null };
  });
}

/** A limit's amount as a row's bound (LP units): whole units of `g`, a ceiling's rounded down and a floor's up. */
export function wholeUnitsBound(amount: Decimal, sense: Limit['sense'], g: Decimal): number {
  const u = inUnits(amount, g, sense === 'max' ? 'floor' : 'ceil');
  return toLpUnits(unitsToYuan(g)(u));
}

/** Which limits get a row (indexes into `limits`): every floor; a ceiling only where its members' caps together exceed it, or `keepRow` asks for it. */
export function limitRows(units: Units, limits: readonly Limit[], keepRow: (l: Limit) => boolean = () => false, capsOf: (k: number) => number = (k) => sumOver(limits[k]!.members, units.caps)): number[] {
  const rows: number[] = [];
  limits.forEach((l, k) => {
    if (l.sense === 'max' && !keepRow(l) && capsOf(k) <= units.limits[k]!) return;
    rows.push(k);
  });
  return rows;
}

/**
 * A shape for limits that differ from `shape`'s only in their amounts, with the same rows: the
 * columns and the rows' members are the same, only the rows' bounds move; and, given `cash`, cash
 * rows of the same windows (the same members and weights) with their room at `cash`'s.
 */
export function shapeAtAmounts(shape: PolicyLpShape, limits: readonly Limit[], cash?: readonly CashRow[]): PolicyLpShape {
  const cashRows = cash ? shape.cashRows.map((c) => ({ ...c, upper: toLpUnits(cash[c.cash]!.window.room) })) : shape.cashRows;
  return { ...shape, rowBounds: rowBoundsOf(shape.rowLimit, limits, shape.granularity), cashRows };
}

/** What an LP of a shape is made of but its rows' bounds: the columns at their costs, and every row's terms. */
interface LpParts {
  readonly columnUpper: PolicyLpShape['columnUpper'];
  readonly rowColumns: PolicyLpShape['rowColumns'];
  readonly shareRows: PolicyLpShape['shareRows'];
  readonly cashRows: PolicyLpShape['cashRows'];
  readonly columns: readonly Column[];
  readonly terms: readonly Row['terms'][];
}

/**
 * The parts of the last LP made with each array of costs (no caller changes such an array once
 * made: the preparation's scores, a stage's ranks). A shape at other amounts
 * (`shapeAtAmounts`: the same columns and rows, only the limit rows' bounds moved) with the same
 * costs makes an LP of the same columns and terms, which it shares: only its rows are new (and a
 * backend that asks whether it is the first LP with one row moved compares the rows alone).
 */
const partsByCosts = new WeakMap<readonly number[], LpParts>();

/** The LP of a shape with the given cost per column. */
export function policyLp(shape: PolicyLpShape, costs: readonly number[], sense: 'max' | 'min' = 'max'): LinearProgram {
  let parts = partsByCosts.get(costs);
  if (!parts || parts.columnUpper !== shape.columnUpper || parts.rowColumns !== shape.rowColumns || parts.shareRows !== shape.shareRows || !sameCashTerms(parts.cashRows, shape.cashRows)) {
    parts = lpParts(shape, costs);
    partsByCosts.set(costs, parts);
  }
  const { terms } = parts;
  const limitRows = shape.rowColumns.length;
  const rows: Row[] = shape.rowColumns.map((_, r) => ({ terms: terms[r]!, ...shape.rowBounds[r]! }));
  shape.shareRows.forEach((s, k) => rows.push({ terms: terms[limitRows + k]!, lower: s.lower, upper: null }));
  shape.cashRows.forEach((c, k) => rows.push({ terms: terms[limitRows + shape.shareRows.length + k]!, lower: null, upper: c.upper }));
  return { sense, columns: parts.columns, rows };
}

/** Whether two shapes' cash rows have the same terms (the same arrays of columns and weights: a shape at other amounts keeps them). */
function sameCashTerms(a: PolicyLpShape['cashRows'], b: PolicyLpShape['cashRows']): boolean {
  return a === b || (a.length === b.length && a.every((r, k) => r.columns === b[k]!.columns && r.weights === b[k]!.weights));
}

/** `LpParts` of a shape at these costs. */
function lpParts(shape: PolicyLpShape, costs: readonly number[]): LpParts {
  const columns: Column[] = shape.columnUpper.map((upper, g) => ({ lower: 0, upper, cost: costs[g]! }));
  // A limit's row weighs each of its columns 1: one term per column, shared by the rows it is in.
  const unit = shape.columnUpper.map((_, g) => [g, 1] as const);
  const terms: Row['terms'][] = shape.rowColumns.map((cols) => cols.map((g) => unit[g]!));
  for (const s of shape.shareRows) terms.push(s.columns.map((g, k) => [g, s.weights[k]!] as const));
  for (const c of shape.cashRows) terms.push(c.columns.map((g, k) => [g, c.weights[k]!] as const));
  return { columnUpper: shape.columnUpper, rowColumns: shape.rowColumns, shareRows: shape.shareRows, cashRows: shape.cashRows, columns, terms };
}

/** Hand each column's value (万元) to its members in priority order, as yuan. */
export function disaggregate(shape: PolicyLpShape, units: Units, values: ArrayLike<number>, unit: number): Float64Array {
  const out = new Float64Array(units.caps.length);
  const g = units.granularity.toNumber();
  shape.groups.forEach((members, col) => {
    let left = Math.max(0, values[col]! * unit);
    for (const i of members) {
      const cap = units.caps[i]! * g;
      const take = Math.min(cap, left);
      out[i] = take;
      left -= take;
      if (left <= 0) break;
    }
  });
  return out;
}
