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

/** What a count rule counts: the funded applications of one measure (a quota), of one district, or under a multi-year target's measures. */
export type CountKind = 'measure' | 'district' | 'target';

/** At least `minCount` / at most `maxCount` applications funded (grant > 0) among those of `subject`. */
export interface CountRule {
  readonly kind: CountKind;
  /** The measure id, the district, or the target's id. */
  readonly subject: string;
  readonly minCount?: number;
  readonly maxCount?: number;
  /** Quotas and district counts count this year's applications only (not plan years' forecasts). */
  readonly year?: number;
  /** A target: its measures, the last year it counts, and the approvals the ledger already has. */
  readonly measures?: ReadonlySet<string>;
  readonly by?: number;
  readonly earlier?: number;
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
  const before = out.length;
  add('measure', s.measureBudgets);
  add('district', s.districtBudgets ?? []);
  for (let k = before; k < out.length; k++) out[k] = { ...out[k]!, year: s.year };
  // Hard count targets: approvals under the measures up to `by`, this year's and plan years', beside the ledger's.
  for (const t of s.targets ?? []) {
    if (!t.hard || !t.count) continue;
    out.push({ kind: 'target', subject: t.id, minCount: t.count.min, measures: new Set(t.measures), by: t.by, earlier: s.years?.earlier?.get(t.id)?.count ?? 0 });
  }
  return out;
}

/** Whether count rule `r` counts application `a`. */
export const counts = (r: CountRule, a: Application): boolean =>
  r.kind === 'target' ? r.measures!.has(a.measureId) && a.year <= r.by! : (r.year === undefined || a.year === r.year) && (r.kind === 'measure' ? a.measureId : a.district) === r.subject;

/** A count rule's stable id per sense: `maxCount:<measure>`, `district_maxCount:<district>`, `target:<id>`. */
export const countRuleId = (r: CountRule, sense: 'min' | 'max'): string => (r.kind === 'target' ? `target:${r.subject}` : `${r.kind === 'district' ? 'district_' : ''}${sense}Count:${r.subject}`);

/** Where a count rule is set in the scenario: `scenario.measureBudgets.<id>.maxCount`, `scenario.districtBudgets.<district>.maxCount`, `scenario.targets.<id>.count`. */
export const countRuleSource = (r: CountRule, sense: 'min' | 'max'): string =>
  r.kind === 'target' ? `scenario.targets.${r.subject}.count.${sense}` : `scenario.${r.kind === 'district' ? 'districtBudgets' : 'measureBudgets'}.${r.subject}.${sense}Count`;

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
