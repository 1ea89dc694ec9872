/**
 * What the rules beyond the money rules share (decisions, all or nothing, minimum shares,
 * exclusive groups, quotas): the integer rule of an application, which scenarios need the
 * integer model, and how many decisions the candidates carry.
 */
import type { Decimal } from 'decimal.js';
import type { Application } from './application.js';
import type { Scenario } from './scenario.js';

/** The per-measure integer rule of an application: all or nothing, a minimum share, or none. */
export function integerRuleOf(a: Application, s: Scenario): { allOrNothing: boolean; minShare: Decimal | null } {
  const m = s.measureBudgets.get(a.measureId);
  const allOrNothing = m?.allOrNothing ?? s.allOrNothing ?? false;
  const minShare = m?.minShare ?? s.minShare ?? null;
  return { allOrNothing, minShare: minShare && minShare.gt(0) ? minShare : null };
}

/** Whether any rule needs binaries or fixed decisions (the per-application integer model on HiGHS). */
export function usesIntegerModel(s: Scenario, candidates: readonly Application[]): boolean {
  if (s.allOrNothing || (s.minShare && s.minShare.gt(0))) return true;
  for (const m of s.measureBudgets.values()) {
    if (m.allOrNothing || (m.minShare && m.minShare.gt(0)) || m.minCount !== undefined || m.maxCount !== undefined) return true;
  }
  return candidates.some((a) => !!a.decision || !!a.exclusiveGroup);
}

/** Forced and excluded counts among the candidates. */
export function decisionCounts(candidates: readonly Application[]): { forced: number; excluded: number } {
  let forced = 0;
  let excluded = 0;
  for (const a of candidates) {
    if (a.decision === 'fund') forced++;
    else if (a.decision === 'exclude') excluded++;
  }
  return { forced, excluded };
}
