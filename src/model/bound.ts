/**
 * Upper bounds on the objective (Σ score × grant) from Lagrangian relaxation: for any
 * multipliers y ≥ 0 on the ceiling rows,
 *     objective ≤ Σ_r y_r b_r + Σ_columns cap_c · max(0, score_c − Σ_{r ∋ c} y_r)
 * (dropping floors only loosens it). Used to state the gap of an allocation found under a
 * time limit. Floating point, in the LP's units (score × 万元): a report, not a proof.
 */
import type { LinearProgram } from '../solver/types.js';

/** The bound for multipliers y (negative entries and floor rows count as 0). */
export function lagrangianBound(lp: LinearProgram, y: ArrayLike<number>): number {
  const reduced = lp.columns.map((c) => c.cost);
  let bound = 0;
  lp.rows.forEach((r, i) => {
    const yi = r.upper === null ? 0 : Math.max(0, y[i] ?? 0);
    if (yi === 0) return;
    bound += yi * r.upper!;
    for (const [j, a] of r.terms) reduced[j]! -= yi * a;
  });
  lp.columns.forEach((c, j) => (bound += c.upper * Math.max(0, reduced[j]!)));
  return bound;
}

/** The best bound with one multiplier on the budget row alone (the fractional knapsack bound). */
export function budgetBound(lp: LinearProgram, budgetRow: number): number {
  const byCost = lp.columns.map((_, j) => j).sort((a, b) => lp.columns[b]!.cost - lp.columns[a]!.cost);
  const budget = lp.rows[budgetRow]!.upper!;
  let left = budget;
  let bound = 0;
  for (const j of byCost) {
    const c = lp.columns[j]!;
    if (c.cost <= 0) break;
    const take = Math.min(c.upper, left);
    bound += take * c.cost;
    left -= take;
    if (left <= 0) break;
  }
  return bound;
}

/** The least of the bounds that the given duals (either sign convention) and the budget give. */
export function bestBound(lp: LinearProgram, duals: ArrayLike<number> | undefined, budgetRow: number | null): number {
  const candidates = [lagrangianBound(lp, [])];
  if (duals) {
    candidates.push(lagrangianBound(lp, duals), lagrangianBound(lp, Array.from(duals, (d) => -d)));
  }
  if (budgetRow !== null) candidates.push(budgetBound(lp, budgetRow));
  return Math.min(...candidates);
}
