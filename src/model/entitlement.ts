/**
 * What the policy alone allows one application: the least of the per-project ceilings
 * its measure states (rate × base, the project cap, matching) and the amount requested.
 * Per-company and budget limits are not here: they couple applications and live in the LP.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, fmtYuanHuman } from '../money.js';
import type { Application } from './application.js';
import type { Measure } from './policy.js';

export type EntitlementBinding = 'rate' | 'base' | 'matching' | 'cap' | 'requested';

export interface Ceiling {
  readonly rule: EntitlementBinding;
  readonly amount: Decimal;
  /** How the number came about, in Chinese and English (formatted on demand). */
  text(): { readonly zh: string; readonly en: string };
}

export interface Entitlement {
  /** The least ceiling, rounded down to the fen. */
  readonly amount: Decimal;
  readonly binding: EntitlementBinding;
  /** The ceiling that set it (the first listed among equals). */
  readonly ceiling: Ceiling;
  readonly ceilings: readonly Ceiling[];
}

const pct = (r: Decimal) => `${r.times(100).toString()}%`;
const y = fmtYuanHuman;

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
        const amount = rule.rate.times(b);
        out.push({
          rule: 'rate',
          amount,
          text: () => ({ zh: `${c}：${pct(rule.rate)} × ${y(b)} = ${y(amount)}`, en: `${c}: ${pct(rule.rate)} × ${y(b)} = ${y(amount)}` }),
        });
        break;
      }
      case 'baseCeiling':
        if (base !== null) {
          out.push({ rule: 'base', amount: base, text: () => ({ zh: `${c}：不超过核定基数 ${y(base)}`, en: `${c}: at most the base ${y(base)}` }) });
        }
        break;
      case 'matching': {
        const upper = app.upperFunding ?? ZERO;
        const total = app.totalInvestment ?? ZERO;
        const share = rule.totalShare;
        const room = D.max(ZERO, share.times(total).minus(upper));
        out.push({
          rule: 'matching',
          amount: room,
          text: () => ({
            zh: `${c}：各级合计不超过总投资的${pct(share)}，${pct(share)} × ${y(total)} − 上级 ${y(upper)} = ${y(room)}`,
            en: `${c}: all levels at most ${pct(share)} of investment, ${pct(share)} × ${y(total)} − upper ${y(upper)} = ${y(room)}`,
          }),
        });
        if (upper.gt(0)) {
          const matched = rule.ratio.times(upper);
          const r = rule.ratio.toString();
          out.push({
            rule: 'matching',
            amount: matched,
            text: () => ({ zh: `${c}：按上级资助 ${y(upper)} 的 ${r}:1 配套 = ${y(matched)}`, en: `${c}: ${r}:1 match of the upper-level grant ${y(upper)} = ${y(matched)}` }),
          });
        } else {
          const cap = rule.fallbackCap;
          out.push({
            rule: 'matching',
            amount: cap,
            text: () => ({ zh: `${c}：国家、省未明确资助金额，最高 ${y(cap)}`, en: `${c}: no upper-level amount stated, at most ${y(cap)}` }),
          });
        }
        break;
      }
      case 'projectCap': {
        const cap = rule.amount;
        out.push({ rule: 'cap', amount: cap, text: () => ({ zh: `${c}：单个项目最高 ${y(cap)}`, en: `${c}: at most ${y(cap)} per project` }) });
        break;
      }
      case 'companyCap':
        break; // couples applications: an LP row, see limits.ts
    }
  }
  const requested = app.requested;
  if (requested !== null) {
    out.push({ rule: 'requested', amount: requested, text: () => ({ zh: `申请金额 ${y(requested)}`, en: `requested ${y(requested)}` }) });
  }
  return out;
}

export function entitlementOf(app: Application, m: Measure): Entitlement {
  const ceilings = ceilingsOf(app, m);
  let best = ceilings[0]!;
  for (const c of ceilings) if (c.amount.lt(best.amount)) best = c;
  return { amount: best.amount.toDecimalPlaces(2, D.ROUND_DOWN), binding: best.rule, ceiling: best, ceilings };
}
