/**
 * The network simplex's exact arithmetic: bounds and costs scaled by powers of ten to integers
 * (refused when no such scale exists, or when the sums could leave the doubles' exact integers,
 * 2^53), primary and secondary costs as exact integers for lexicographic pairs, exact sums of
 * integer products, and the one rounding of an exact integer objective back to the LP's units.
 */

/** 2^53 − 1: every integer the solver computes stays within it. */
export const SAFE = Number.MAX_SAFE_INTEGER;
/** Bounds and costs are scaled by at most 10^6. */
export const MAX_DECIMALS = 6;
/**
 * A value is taken as an integer after scaling when within 1e-12 of one, relatively: a decimal
 * held in a double (and scaled) is off by a few units of 2^-53 at most, and a value that is not a
 * decimal is refused rather than moved (1e-9 let a 6-place bound near 2,000 pass as 5 places).
 */
const SCALE_TOLERANCE = 1e-12;

/** 10^k for k = 0 … MAX_DECIMALS. */
export const POWERS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

/**
 * The smallest k ≤ 6 such that every value × 10^k is within 1e-12 (relative) of an integer, or −1.
 */
export function decimalScale(values: ArrayLike<number>): number {
  let k = 0;
  let p = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    for (let t = v * p, d = t - Math.round(t); d !== 0 && offGrid(d, t); t = v * p, d = t - Math.round(t)) {
      if (++k > MAX_DECIMALS) return -1;
      p = POWERS[k]!;
    }
  }
  // A value integral at 10^k is at 10^(k+1) too, up to rounding: check the final k once more.
  for (let i = 0; i < values.length; i++) {
    const t = values[i]! * p;
    const d = t - Math.round(t);
    if (d !== 0 && offGrid(d, t)) return -1;
  }
  return k;
}

/**
 * Whether t, which is d away from its nearest integer, is further from it than 1e-12
 * (relatively). Callers test d !== 0 first, inline: an exact integer, the common case, makes no call.
 */
function offGrid(d: number, t: number): boolean {
  return !(Math.abs(d) <= SCALE_TOLERANCE * Math.max(1, Math.abs(t)));
}

/** A value scaled to an exact integer (−0 made 0). */
export function scaled(v: number, scale: number): number {
  return Math.round(v * scale) + 0;
}

/**
 * `v` × 10^k as an integer, `v` taken first as the decimal it is at its own smallest scale k' ≤ k
 * (within 1e-12, relatively: see {@link decimalScale}), else rounded at 10^k.
 */
export function asInteger(v: number, k: number): number {
  const d = decimalScale([v]);
  if (d < 0 || d > k) return Math.round(v * POWERS[k]!) + 0;
  return Math.round(v * POWERS[d]!) * POWERS[k - d]! + 0;
}

/**
 * A scale 10^k found for a set of values, or why there is none (`refused`): the values are not
 * decimals with at most 6 places (k is −1 then), or at 10^k they are too large to stay exact.
 */
export interface Scaling {
  readonly k: number;
  readonly refused?: 'not decimal' | 'too large';
}

/**
 * The scale of the bounds: the smallest k ≤ 6 at which every bound is an integer, and the sum of
 * their absolute values at that scale (no flow exceeds it), refused as too large beyond 2^53.
 */
export function boundScaleOf(bounds: ArrayLike<number>): Scaling & { readonly sum: number } {
  // decimalScale's test and the sum in one pass: each value's |round(v × 10^k)| is added at the
  // scale it passed at; when the scale is raised the sum starts again, and the values before that
  // point are tested and added once more at the final scale. The order of the additions differs
  // from index order, but the sum does not: while it stays within 2^53 every partial sum of these
  // integers is exact, and a sum beyond it is beyond it in any order (refused either way).
  const n = bounds.length;
  let k = 0;
  let p = 1;
  let raised = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = bounds[i]!;
    let t = v * p;
    let r = Math.round(t);
    for (let d = t - r; d !== 0 && offGrid(d, t); d = t - r) {
      if (++k > MAX_DECIMALS) return { k: -1, refused: 'not decimal', sum: 0 };
      p = POWERS[k]!;
      raised = i;
      sum = 0;
      t = v * p;
      r = Math.round(t);
    }
    sum += Math.abs(r);
  }
  for (let i = 0; i < raised; i++) {
    const t = bounds[i]! * p;
    const r = Math.round(t);
    const d = t - r;
    if (d !== 0 && offGrid(d, t)) return { k: -1, refused: 'not decimal', sum: 0 };
    sum += Math.abs(r);
  }
  return sum > SAFE ? { k, refused: 'too large', sum } : { k, sum };
}

/**
 * One level of the lexicographic cost as exact integers: sign × cost × 10^k with the smallest
 * k ≤ 6 at which every cost is an integer (sign −1 gives a 'max' LP's min form). Potentials are
 * sums of at most `rows` tree-arc costs and a reduced cost adds a cost and two potentials, so
 * max |cost × 10^k| × (2 × rows + 1) must stay within 2^53, else refused as too large.
 */
export function integerCosts(costs: Float64Array, sign: number, rows: number): Scaling & { readonly values: Float64Array } {
  // decimalScale's test and the scaling in one pass (integers, the tie rule's ranks, pass at
  // k = 0 as they are): each value is scaled at the scale it passed at; when the scale is raised,
  // the values before that point are tested and scaled once more at the final scale (and the
  // maximum taken again), so every value ends at the smallest scale that fits them all.
  const n = costs.length;
  const values = new Float64Array(n);
  let k = 0;
  let p = 1;
  let raised = 0;
  let max = 0;
  for (let j = 0; j < n; j++) {
    const c = costs[j]!;
    let t = c * p;
    let r = Math.round(t);
    for (let d = t - r; d !== 0 && offGrid(d, t); d = t - r) {
      if (++k > MAX_DECIMALS) return { k: -1, refused: 'not decimal', values };
      p = POWERS[k]!;
      raised = j;
      max = 0;
      t = c * p;
      r = Math.round(t);
    }
    const v = sign * r + 0;
    values[j] = v;
    if (v > max) max = v;
    else if (-v > max) max = -v;
  }
  for (let j = 0; j < raised; j++) {
    const t = costs[j]! * p;
    const r = Math.round(t);
    const d = t - r;
    if (d !== 0 && offGrid(d, t)) return { k: -1, refused: 'not decimal', values };
    const v = sign * r + 0;
    values[j] = v;
    if (v > max) max = v;
    else if (-v > max) max = -v;
  }
  return max * (2 * rows + 1) > SAFE ? { k, refused: 'too large', values } : { k, values };
}

/**
 * Add a · b to the exact sum `acc.s + acc.t` (a, b integers): Dekker's product and Knuth's sum give
 * the rounding errors exactly; `t` sums them (small integers, exact).
 */
export function addProduct(acc: { s: number; t: number }, a: number, b: number): void {
  const p = a * b;
  let q = SPLITTER * a;
  const ah = q - (q - a);
  const al = a - ah;
  q = SPLITTER * b;
  const bh = q - (q - b);
  const bl = b - bh;
  const ep = ah * bh - p + ah * bl + al * bh + al * bl; // a·b − p, exactly
  const s = acc.s;
  const sum = s + p;
  const bv = sum - s;
  const es = s - (sum - bv) + (p - bv); // s + p − sum, exactly
  acc.s = sum;
  acc.t += ep + es;
}

/** 2^27 + 1: Dekker's splitter for doubles. */
const SPLITTER = 134217729;

/**
 * S / D (D a power of ten) as a double: the correctly rounded quotient when S is a double (the
 * model's LPs), else S / D in lowest terms over a power of ten first. Either way a function of the
 * rational value alone: the same value gives the same double whatever S and D stood for it.
 */
export function exactQuotient(S: bigint, D: number): number {
  if (S <= MAX_EXACT && S >= -MAX_EXACT) return Number(S) / D + 0;
  let d = BigInt(D);
  while (d > 1n && S % 10n === 0n) {
    S /= 10n;
    d /= 10n;
  }
  return Number(S) / Number(d) + 0;
}

const MAX_EXACT = BigInt(SAFE);
