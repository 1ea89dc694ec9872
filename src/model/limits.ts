/**
 * Limits that couple applications: a company's grants under one measure in a year, a
 * company's grants over all measures, a measure's budget (ceiling and floor), the total
 * budget. Each carries a stable id and its provenance; the LP rows, the rounding step
 * and the explanations are all built from these.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO } from '../money.js';
import type { Application } from './application.js';
import type { Measure, Policy } from './policy.js';
import { ruleOf } from './policy.js';
import type { Scenario } from './scenario.js';

export type LimitKind = 'company_measure' | 'company_annual' | 'joint_cap' | 'measure_max' | 'measure_min' | 'district_max' | 'district_min' | 'budget';

export interface Limit {
  /** Stable id, e.g. `company_measure:P05-ROLLOUT:91440300MA5XXXXX`. */
  readonly id: string;
  readonly kind: LimitKind;
  /** 'max': Σ grants ≤ amount; 'min': Σ grants ≥ amount. */
  readonly sense: 'max' | 'min';
  readonly amount: Decimal;
  /** Indexes into the candidate list the limits were built for. */
  readonly members: readonly number[];
  /** Company id or measure id (empty for the budget). */
  readonly subject: string;
  /** Where it comes from: a clause of the policy or a field of the scenario. */
  readonly source: string;
  /** Already used by grants locked by an earlier batch (taken off `amount`, which is what is left). */
  readonly locked: Decimal;
}

/** The keys of the coupling limits an application counts against (besides the budget). */
function keysOf(a: Application, measures: ReadonlyMap<string, Measure>, scenario: Scenario): string[] {
  const keys: string[] = [];
  if (ruleOf(measures.get(a.measureId)!, 'companyCap')) keys.push(`company_measure:${a.measureId}:${a.companyId}`);
  if (scenario.companyAnnualCap) keys.push(`company_annual:${a.companyId}`);
  keys.push(`measure:${a.measureId}`);
  if (scenario.districtBudgets?.has(a.district)) keys.push(`district:${a.district}`);
  return keys;
}

export interface LockedGrant {
  readonly app: Application;
  readonly grant: Decimal;
}

/**
 * The limits over `candidates`. Grants `locked` by an earlier batch count against every
 * limit they fall under: what they use is taken off each ceiling and floor first. A
 * ceiling they already exceed is returned in `overrun` (the scenario cannot hold them).
 */
export function buildLimits(
  candidates: readonly Application[],
  policy: Policy,
  scenario: Scenario,
  locked: readonly LockedGrant[] = [],
): { limits: Limit[]; overrun: { limit: Limit; locked: Decimal }[] } {
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const byKey = new Map<string, number[]>();
  candidates.forEach((a, i) => {
    for (const key of keysOf(a, measures, scenario)) {
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    }
  });
  const lockedBy = new Map<string, Decimal>();
  let lockedTotal = ZERO;
  for (const { app, grant } of locked) {
    for (const key of keysOf(app, measures, scenario)) {
      lockedBy.set(key, (lockedBy.get(key) ?? ZERO).plus(grant));
      if (!byKey.has(key)) byKey.set(key, []);
    }
    lockedTotal = lockedTotal.plus(grant);
  }
  const limits: Limit[] = [];
  const push = (l: Omit<Limit, 'locked'>, lockedUse: Decimal) => limits.push({ ...l, locked: lockedUse });
  for (const [key, members] of byKey) {
    const [kind, a, b] = key.split(':') as [string, string, string | undefined];
    const used = lockedBy.get(key) ?? ZERO;
    if (kind === 'company_measure') {
      const m = measures.get(a)!;
      const rule = ruleOf(m, 'companyCap')!;
      push({ id: key, kind: 'company_measure', sense: 'max', amount: new D(rule.amount), members, subject: b!, source: `${m.clause} ${m.id}` }, used);
    } else if (kind === 'company_annual') {
      push({ id: key, kind: 'company_annual', sense: 'max', amount: scenario.companyAnnualCap!, members, subject: a, source: 'scenario.companyAnnualCap' }, used);
    } else if (kind === 'district') {
      const d = key.slice('district:'.length);
      const budget = scenario.districtBudgets!.get(d)!;
      if (budget.max) push({ id: `district_max:${d}`, kind: 'district_max', sense: 'max', amount: budget.max, members, subject: d, source: `scenario.districtBudgets.${d}.max` }, used);
      if (budget.min) push({ id: `district_min:${d}`, kind: 'district_min', sense: 'min', amount: budget.min, members, subject: d, source: `scenario.districtBudgets.${d}.min` }, used);
    } else {
      const budget = scenario.measureBudgets.get(a);
      if (budget?.max) push({ id: `measure_max:${a}`, kind: 'measure_max', sense: 'max', amount: budget.max, members, subject: a, source: `scenario.measureBudgets.${a}.max` }, used);
      if (budget?.min) push({ id: `measure_min:${a}`, kind: 'measure_min', sense: 'min', amount: budget.min, members, subject: a, source: `scenario.measureBudgets.${a}.min` }, used);
    }
  }
  // A floor on a measure nobody applied to still binds (and cannot be met).
  for (const [id, budget] of scenario.measureBudgets) {
    if (budget.min?.gt(0) && !byKey.has(`measure:${id}`)) {
      push({ id: `measure_min:${id}`, kind: 'measure_min', sense: 'min', amount: budget.min, members: [], subject: id, source: `scenario.measureBudgets.${id}.min` }, ZERO);
    }
  }
  for (const [d, budget] of scenario.districtBudgets ?? []) {
    if (budget.min?.gt(0) && !byKey.has(`district:${d}`)) {
      push({ id: `district_min:${d}`, kind: 'district_min', sense: 'min', amount: budget.min, members: [], subject: d, source: `scenario.districtBudgets.${d}.min` }, ZERO);
    }
  }
  push({ id: 'budget', kind: 'budget', sense: 'max', amount: scenario.budget, members: candidates.map((_, i) => i), subject: '', source: 'scenario.budget' }, lockedTotal);
  limits.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  // What is left for the new batch.
  const overrun: { limit: Limit; locked: Decimal }[] = [];
  const left = limits.map((l) => {
    if (l.locked.isZero()) return l;
    if (l.sense === 'max' && l.locked.gt(l.amount)) overrun.push({ limit: l, locked: l.locked });
    return { ...l, amount: D.max(ZERO, l.amount.minus(l.locked)) };
  });
  return { limits: left, overrun };
}
