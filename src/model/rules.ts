/**
 * What the rules beyond the money rules share (decisions, all or nothing, minimum shares,
 * exclusive groups, count rules): the integer rule of an application, the count rules (how many
 * applications of a measure or a district are funded), which scenarios need the integer model,
 * and how many decisions the candidates carry.
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

/** What a count rule counts: the funded applications of one measure (a quota) or of one district. */
export type CountKind = 'measure' | 'district';

/** At least `minCount` / at most `maxCount` applications funded (grant > 0) among those of `subject`. */
export interface CountRule {
  readonly kind: CountKind;
  /** The measure id or the district. */
  readonly subject: string;
  readonly minCount?: number;
  readonly maxCount?: number;
}

/** The scenario's count rules: the measures' quotas (measureBudgets), then the districts' counts (districtBudgets). */
export function countRules(s: Scenario): CountRule[] {
  const out: CountRule[] = [];
  const add = (kind: CountKind, entries: Iterable<readonly [string, { readonly minCount?: number; readonly maxCount?: number }]>) => {
    for (const [subject, b] of entries) {
      if (b.minCount === undefined && b.maxCount === undefined) continue;
      out.push({ kind, subject, ...(b.minCount !== undefined ? { minCount: b.minCount } : {}), ...(b.maxCount !== undefined ? { maxCount: b.maxCount } : {}) });
    }
  };
  add('measure', s.measureBudgets);
  add('district', s.districtBudgets ?? []);
  return out;
}

/** Whether count rule `r` counts application `a`. */
export const counts = (r: CountRule, a: Application): boolean => (r.kind === 'measure' ? a.measureId : a.district) === r.subject;

/** A count rule's stable id per sense: `maxCount:<measure>`, `district_maxCount:<district>`. */
export const countRuleId = (r: CountRule, sense: 'min' | 'max'): string => `${r.kind === 'district' ? 'district_' : ''}${sense}Count:${r.subject}`;

/** Where a count rule is set in the scenario: `scenario.measureBudgets.<id>.maxCount`, `scenario.districtBudgets.<district>.maxCount`. */
export const countRuleSource = (r: CountRule, sense: 'min' | 'max'): string => `scenario.${r.kind === 'district' ? 'districtBudgets' : 'measureBudgets'}.${r.subject}.${sense}Count`;

/** Whether any rule needs binaries or fixed decisions (the per-application integer model on HiGHS). */
export function usesIntegerModel(s: Scenario, candidates: readonly Application[]): boolean {
  if (s.allOrNothing || (s.minShare && s.minShare.gt(0))) return true;
  for (const m of s.measureBudgets.values()) {
    if (m.allOrNothing || (m.minShare && m.minShare.gt(0))) return true;
  }
  if (countRules(s).length) return true;
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
