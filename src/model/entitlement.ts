/**
 * What the policy alone allows one application: the least of the per-project ceilings
 * its measure states (rate × base, the project cap, matching) and the amount requested.
 * Per-company and budget limits are not here: they couple applications and live in the LP.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO } from '../money.js';
import type { Application } from './application.js';
import type { Measure } from './policy.js';
import { isStandardAmount, STANDARD_AMOUNT } from './attributes.js';
import { lessThan, scaledExact } from '../scaled.js';

export type EntitlementBinding = 'rate' | 'base' | 'matching' | 'cap' | 'requested' | 'bands' | 'tier' | 'bonus' | 'ineligible';

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
  | { readonly kind: 'requested' }
  /**
   * An eligibility condition the application fails (amount 0): its field, the value it has (null:
   * none), and the condition (`min`/`max` bounds as canonical text, or the eligible values `in`).
   */
  | { readonly kind: 'eligibility'; readonly field: string; readonly value: string | null; readonly min?: string; readonly max?: string; readonly in?: readonly string[] }
  /** Banded rates on the base: each part of the base that a band covers, at its rate. */
  | { readonly kind: 'bands'; readonly mode: 'marginal' | 'whole'; readonly base: Decimal; readonly parts: readonly BandPart[] }
  /** The amount for the application's value of an attribute (`listed` false: the value has none, so nothing). */
  | { readonly kind: 'tier'; readonly field: string; readonly value: string | null; readonly listed: boolean }
  /** 每家企业只享受一次: the company's earlier approval under the measure, from the commitments ledger (amount 0). */
  | { readonly kind: 'once_per_company'; readonly projectId: string; readonly approvedYear: number; readonly grant: Decimal }
  /** `bonus` for the value of an attribute, on top of the least other ceiling `before`. */
  | { readonly kind: 'bonus'; readonly field: string; readonly value: string; readonly bonus: Decimal; readonly before: Ceiling };

/** A band's share of a banded ceiling: the base from `from` up to `to` (null: no upper end), at `rate`. */
export interface BandPart {
  readonly from: Decimal;
  readonly to: Decimal | null;
  readonly rate: Decimal;
  readonly amount: Decimal;
}

export interface Ceiling {
  readonly rule: EntitlementBinding;
  readonly amount: Decimal;
  /** The clause of the policy it comes from (empty for the amount requested). */
  readonly clause: string;
  readonly basis: CeilingBasis;
  /** A ceiling a bonus is added on top of: shown, but the bonus ceiling replaces it. */
  readonly superseded?: boolean;
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
  | { type: 'matching'; ratio: Decimal; totalShare: Decimal; fallbackCap: Decimal; fallback: Ceiling }
  | { type: 'projectCap'; amount: Decimal; ceiling: Ceiling }
  | { type: 'companyCap' }
  | { type: 'oncePerCompany' }
  | { type: 'eligibility'; field: string; min?: string; max?: string; in?: readonly string[] }
  | { type: 'bands'; mode: 'marginal' | 'whole'; bands: readonly { from: Decimal; rate: Decimal }[] }
  | { type: 'tiers'; field: string; amounts: ReadonlyMap<string, Decimal> }
  | { type: 'bonus'; field: string; amounts: ReadonlyMap<string, Decimal> };

/** Bases that carry no numbers: one object each, shared by every ceiling (frozen: a shared ceiling is never changed). */
const BASE: CeilingBasis = Object.freeze({ kind: 'base' });
const REQUESTED: CeilingBasis = Object.freeze({ kind: 'requested' });

/** Rules with their numbers parsed once per measure; a ceiling the same for every application under it (a project cap, matching's fallback cap) made once too. */
const parsed = new WeakMap<Measure, readonly ParsedRule[]>();
function rulesOf(m: Measure): readonly ParsedRule[] {
  let rules = parsed.get(m);
  if (!rules) {
    rules = m.rules.map((r): ParsedRule => {
      switch (r.type) {
        case 'rate':
          return { type: 'rate', rate: new D(r.rate) };
        case 'matching': {
          const fallbackCap = new D(r.fallbackCap);
          const fallback: Ceiling = Object.freeze({ rule: 'matching', amount: fallbackCap, clause: m.clause, basis: Object.freeze({ kind: 'matching_fallback' }) });
          return { type: 'matching', ratio: new D(r.ratio), totalShare: new D(r.totalShare), fallbackCap, fallback };
        }
        case 'projectCap': {
          const amount = new D(r.amount);
          return { type: 'projectCap', amount, ceiling: Object.freeze({ rule: 'cap', amount, clause: m.clause, basis: Object.freeze({ kind: 'project_cap' }) }) };
        }
        case 'eligibility':
          return { type: 'eligibility', field: r.field, ...(r.min !== undefined ? { min: r.min } : {}), ...(r.max !== undefined ? { max: r.max } : {}), ...(r.in ? { in: r.in } : {}) };
        case 'bands':
          return { type: 'bands', mode: r.mode, bands: r.bands.map((b) => ({ from: new D(b.from), rate: new D(b.rate) })) };
        case 'tiers':
        case 'bonus': {
          const amounts = new Map(Object.entries(r.amounts).map(([k, v]) => [k, new D(v)]));
          return r.type === 'tiers' ? { type: 'tiers', field: r.field, amounts } : { type: 'bonus', field: r.field, amounts };
        }
        default:
          return { type: r.type };
      }
    });
    parsed.set(m, rules);
  }
  return rules;
}

/** The value an eligibility rule compares: a standard amount or score as a decimal string, or an attribute's canonical text. */
function fieldValue(app: Application, field: string): string | null {
  if (field === 'score') return app.score.toString();
  if (isStandardAmount(field)) return app[STANDARD_AMOUNT[field]]?.toString() ?? null;
  return app.attributes?.[field] ?? null;
}

/** Does a value meet an eligibility rule? Dates (yyyy-mm-dd) compare as text, everything else as decimals. */
function eligible(rule: Extract<ParsedRule, { type: 'eligibility' }>, value: string | null): boolean {
  if (value === null) return false;
  if (rule.in) return rule.in.includes(value);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const cmp = (bound: string) => (date ? (value < bound ? -1 : value > bound ? 1 : 0) : new D(value).comparedTo(new D(bound)));
  return (rule.min === undefined || cmp(rule.min) >= 0) && (rule.max === undefined || cmp(rule.max) <= 0);
}

/** A banded ceiling: marginal (each band's rate on its part of the base) or whole (the base's band's rate on all of it). */
export function bandedCeiling(mode: 'marginal' | 'whole', bands: readonly { from: Decimal; rate: Decimal }[], base: Decimal): { amount: Decimal; parts: BandPart[] } {
  const parts: BandPart[] = [];
  if (mode === 'whole') {
    let band: { from: Decimal; rate: Decimal } | undefined;
    for (const b of bands) if (base.gte(b.from)) band = b;
    if (!band) return { amount: ZERO, parts };
    const k = bands.indexOf(band);
    const part = { from: band.from, to: bands[k + 1]?.from ?? null, rate: band.rate, amount: band.rate.times(base) };
    return { amount: part.amount, parts: [part] };
  }
  let amount = ZERO;
  bands.forEach((b, k) => {
    const to = bands[k + 1]?.from ?? null;
    if (base.lte(b.from)) return;
    const top = to === null ? base : D.min(base, to);
    const part = { from: b.from, to, rate: b.rate, amount: b.rate.times(top.minus(b.from)) };
    parts.push(part);
    amount = amount.plus(part.amount);
  });
  return { amount, parts };
}

/**
 * The ceilings of the last call of `ceilingsOf`, the first `n` of them: the list handed out is a
 * copy at its own length (a list grown one push at a time holds room for 17 from its first).
 */
const ceilingsMade: Ceiling[] = [];

/**
 * A product kept in a ceiling: decimal.js grows a product's digit list one push at a time (room
 * for 17 words from its first); a copy (`new D`, the same value) holds its words alone.
 */
const kept = (d: Decimal): Decimal => new D(d);

/** Ceilings in the order they are preferred as the named reason when equal. */
export function ceilingsOf(app: Application, m: Measure): Ceiling[] {
  const out = ceilingsMade;
  let n = 0;
  const base = app.eligibleBase ?? app.totalInvestment;
  const c = m.clause;
  const rules = rulesOf(m);
  // Conditions first: an application that fails one gets nothing, whatever else applies.
  let gated = false;
  // Indexed loops: `for … of` allocates a step object per item until the function is optimised.
  for (let k = 0; k < rules.length; k++) {
    const rule = rules[k]!;
    if (rule.type !== 'eligibility') continue;
    const value = fieldValue(app, rule.field);
    if (eligible(rule, value)) continue;
    gated = true;
    const { field, min, max } = rule;
    out[n++] = { rule: 'ineligible', amount: ZERO, clause: c, basis: { kind: 'eligibility', field, value, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), ...(rule.in ? { in: rule.in } : {}) } };
  }
  let bonus = undefined as Extract<ParsedRule, { type: 'bonus' }> | undefined;
  for (let k = 0; k < rules.length; k++) {
    const rule = rules[k]!;
    switch (rule.type) {
      case 'rate': {
        const b = base ?? ZERO;
        out[n++] = { rule: 'rate', amount: kept(rule.rate.times(b)), clause: c, basis: { kind: 'rate', rate: rule.rate, base: b } };
        break;
      }
      case 'baseCeiling':
        if (base !== null) out[n++] = { rule: 'base', amount: base, clause: c, basis: BASE };
        break;
      case 'matching': {
        const upper = app.upperFunding ?? ZERO;
        const total = app.totalInvestment ?? ZERO;
        const share = rule.totalShare;
        const room = D.max(ZERO, share.times(total).minus(upper));
        out[n++] = { rule: 'matching', amount: room, clause: c, basis: { kind: 'matching_share', share, total, upper } };
        if (upper.gt(0)) {
          out[n++] = { rule: 'matching', amount: kept(rule.ratio.times(upper)), clause: c, basis: { kind: 'matching_ratio', ratio: rule.ratio, upper } };
        } else {
          out[n++] = rule.fallback;
        }
        break;
      }
      case 'projectCap':
        out[n++] = rule.ceiling;
        break;
      case 'bands': {
        const b = base ?? ZERO;
        const { amount, parts } = bandedCeiling(rule.mode, rule.bands, b);
        out[n++] = { rule: 'bands', amount, clause: c, basis: { kind: 'bands', mode: rule.mode, base: b, parts } };
        break;
      }
      case 'tiers': {
        const value = app.attributes?.[rule.field] ?? null;
        const amount = value === null ? undefined : rule.amounts.get(value);
        if (amount === undefined) gated = true;
        out[n++] = { rule: amount === undefined ? 'ineligible' : 'tier', amount: amount ?? ZERO, clause: c, basis: { kind: 'tier', field: rule.field, value, listed: amount !== undefined } };
        break;
      }
      case 'bonus':
        bonus = rule;
        break;
      case 'companyCap':
      case 'eligibility':
      case 'oncePerCompany':
        break; // companyCap couples applications: an LP row, see limits.ts; conditions are above; once per company reads the ledger (onceOnly)
    }
  }
  // A bonus goes on top of the least of the policy's other ceilings, which it replaces.
  const value = bonus ? (app.attributes?.[bonus.field] ?? null) : null;
  const extra = bonus && value !== null ? bonus.amounts.get(value) : undefined;
  if (bonus && value !== null && extra !== undefined && extra.gt(0) && !gated && n > 0) {
    let before = out[0]!;
    for (let t = 0; t < n; t++) if (lessThan(out[t]!.amount, before.amount)) before = out[t]!;
    for (let t = 0; t < n; t++) out[t] = { ...out[t]!, superseded: true };
    out[n++] = { rule: 'bonus', amount: before.amount.plus(extra), clause: c, basis: { kind: 'bonus', field: bonus.field, value, bonus: extra, before } };
  }
  const requested = app.requested;
  if (requested !== null) out[n++] = { rule: 'requested', amount: requested, clause: '', basis: REQUESTED };
  return out.slice(0, n);
}

export function entitlementOf(app: Application, m: Measure): Entitlement {
  const ceilings = ceilingsOf(app, m);
  // The first of the least ceilings not superseded by a bonus.
  let best: Ceiling | undefined;
  for (let k = 0; k < ceilings.length; k++) {
    const c = ceilings[k]!;
    if (!c.superseded && (best === undefined || lessThan(c.amount, best.amount))) best = c;
  }
  // An amount already in whole fen is its own rounding down to the fen (scaled.ts): no new Decimal.
  const amount = scaledExact(best!.amount, 2) !== null ? best!.amount : best!.amount.toDecimalPlaces(2, D.ROUND_DOWN);
  return { amount, binding: best!.rule, ceiling: best!, ceilings };
}

/** The entitlement of an application whose company was approved under its measure before (oncePerCompany): nothing, naming that approval. */
export function onceOnly(e: Entitlement, clause: string, earlier: { readonly projectId: string; readonly approvedYear: number; readonly grant: Decimal }): Entitlement {
  const ceiling: Ceiling = { rule: 'ineligible', amount: ZERO, clause, basis: { kind: 'once_per_company', ...earlier } };
  return { amount: ZERO, binding: 'ineligible', ceiling, ceilings: [ceiling, ...e.ceilings] };
}
