/**
 * What the policy alone allows one application: the least of the per-project ceilings
 * its measure states (rate × base, the project cap, matching) and the amount requested.
 * Per-company and budget limits are not here: they couple applications and live in the LP.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO } from '../money.js';
import type { Application } from './application.js';
import type { Measure } from './policy.js';

export type EntitlementBinding = 'rate' | 'base' | 'matching' | 'cap' | 'requested';

/** How a ceiling's amount came about, with its numbers (the words are the report's). */
export type CeilingBasis =
  /** rate × base (the eligible base, else the total investment). */
  | { readonly kind: 'rate'; readonly rate: Decimal; readonly base: Decimal }
  /** At most the base. */
  | { readonly kind: 'base' }
  /** All levels together at most `share` of the total investment, less the upper-level grant. */
  | { readonly kind: 'matching_share'; readonly share: Decimal; readonly total: Decimal; readonly upper: Decimal }
  /** `ratio`:1 of the upper-level grant. */
  | { readonly kind: 'matching_ratio'; readonly ratio: Decimal; readonly upper: Decimal }
  /** No upper-level amount stated: the measure's fallback cap. */
  | { readonly kind: 'matching_fallback' }
  /** The measure's cap per project. */
  | { readonly kind: 'project_cap' }
  /** The amount requested. */
  | { readonly kind: 'requested' };

export interface Ceiling {
  readonly rule: EntitlementBinding;
  readonly amount: Decimal;
  /** The clause of the policy it comes from (empty for the amount requested). */
  readonly clause: string;
  readonly basis: CeilingBasis;
}

export interface Entitlement {
  /** The least ceiling, rounded down to the fen. */
  readonly amount: Decimal;
  readonly binding: EntitlementBinding;
  /** The ceiling that set it (the first listed among equals). */
  readonly ceiling: Ceiling;
  readonly ceilings: readonly Ceiling[];
}

type ParsedRule =
  | { type: 'rate'; rate: Decimal }
  | { type: 'baseCeiling' }
  | { type: 'matching'; ratio: Decimal; totalShare: Decimal; fallbackCap: Decimal }
  | { type: 'projectCap'; amount: Decimal }
  | { type: 'companyCap' };

/** Rules with their numbers parsed once per measure. */
const parsed = new WeakMap<Measure, readonly ParsedRule[]>();
function rulesOf(m: Measure): readonly ParsedRule[] {
  let rules = parsed.get(m);
  if (!rules) {
    rules = m.rules.map((r): ParsedRule => {
      switch (r.type) {
        case 'rate':
          return { type: 'rate', rate: new D(r.rate) };
        case 'matching':
          return { type: 'matching', ratio: new D(r.ratio), totalShare: new D(r.totalShare), fallbackCap: new D(r.fallbackCap) };
        case 'projectCap':
          return { type: 'projectCap', amount: new D(r.amount) };
        default:
          return { type: r.type };
      }
    });
    parsed.set(m, rules);
  }
  return rules;
}

/** Ceilings in the order they are preferred as the named reason when equal. */
export function ceilingsOf(app: Application, m: Measure): Ceiling[] {
  const out: Ceiling[] = [];
  const base = app.eligibleBase ?? app.totalInvestment;
  const c = m.clause;
  for (const rule of rulesOf(m)) {
    switch (rule.type) {
      case 'rate': {
        const b = base ?? ZERO;
        out.push({ rule: 'rate', amount: rule.rate.times(b), clause: c, basis: { kind: 'rate', rate: rule.rate, base: b } });
        break;
      }
      case 'baseCeiling':
        if (base !== null) out.push({ rule: 'base', amount: base, clause: c, basis: { kind: 'base' } });
        break;
      case 'matching': {
        const upper = app.upperFunding ?? ZERO;
        const total = app.totalInvestment ?? ZERO;
        const share = rule.totalShare;
        const room = D.max(ZERO, share.times(total).minus(upper));
        out.push({ rule: 'matching', amount: room, clause: c, basis: { kind: 'matching_share', share, total, upper } });
        if (upper.gt(0)) {
          out.push({ rule: 'matching', amount: rule.ratio.times(upper), clause: c, basis: { kind: 'matching_ratio', ratio: rule.ratio, upper } });
        } else {
          out.push({ rule: 'matching', amount: rule.fallbackCap, clause: c, basis: { kind: 'matching_fallback' } });
        }
        break;
      }
      case 'projectCap':
        out.push({ rule: 'cap', amount: rule.amount, clause: c, basis: { kind: 'project_cap' } });
        break;
      case 'companyCap':
        break; // couples applications: an LP row, see limits.ts
    }
  }
  const requested = app.requested;
  if (requested !== null) out.push({ rule: 'requested', amount: requested, clause: '', basis: { kind: 'requested' } });
  return out;
}

export function entitlementOf(app: Application, m: Measure): Entitlement {
  const ceilings = ceilingsOf(app, m);
  let best = ceilings[0]!;
  for (const c of ceilings) if (c.amount.lt(best.amount)) best = c;
  return { amount: best.amount.toDecimalPlaces(2, D.ROUND_DOWN), binding: best.rule, ceiling: best, ceilings };
}
