/**
 * The policy as a linear program, in 万元. One column per candidate application,
 * bounded by its entitlement (rounded down to the granularity); one row per coupling
 * limit that could bind. Rows keep the id of the limit they came from.
 */
import type { Decimal } from 'decimal.js';
import { sum, toLpUnits } from '../money.js';
import type { LinearProgram, Row } from '../solver/types.js';
import type { Limit } from './limits.js';

export interface PolicyLp {
  readonly lp: LinearProgram;
  /** Index into `limits` for each row. */
  readonly rowLimit: readonly number[];
}

/**
 * A `max` limit whose members' caps sum to no more than it can never bind and gets no
 * row; `min` limits always get one (an unreachable floor must make the LP infeasible).
 */
export function buildPolicyLp(caps: readonly Decimal[], limits: readonly Limit[], costs: readonly number[], sense: 'max' | 'min' = 'max'): PolicyLp {
  const rows: Row[] = [];
  const rowLimit: number[] = [];
  limits.forEach((l, k) => {
    if (l.sense === 'max' && sum(l.members.map((i) => caps[i]!)).lte(l.amount)) return;
    const bound = toLpUnits(l.amount);
    rows.push({ terms: l.members.map((i) => [i, 1] as const), lower: l.sense === 'min' ? bound : null, upper: l.sense === 'max' ? bound : null });
    rowLimit.push(k);
  });
  const columns = caps.map((c, i) => ({ lower: 0, upper: toLpUnits(c), cost: costs[i]! }));
  return { lp: { sense, columns, rows }, rowLimit };
}
