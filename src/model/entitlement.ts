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
  /** How the number came about, in Chinese and English. */
  readonly zh: string;
  readonly en: string;
}

export interface Entitlement {
  /** The least ceiling, rounded down to the fen. */
  readonly amount: Decimal;
  readonly binding: EntitlementBinding;
  readonly ceilings: readonly Ceiling[];
}

const pct = (r: Decimal) => `${r.times(100).toString()}%`;

/** Ceilings in the order they are preferred as the named reason when equal. */
export function ceilingsOf(app: Application, m: Measure): Ceiling[] {
  const out: Ceiling[] = [];
  const base = app.eligibleBase ?? app.totalInvestment;
  for (const rule of m.rules) {
    switch (rule.type) {
      case 'rate': {
        const rate = new D(rule.rate);
        const b = base ?? ZERO;
        out.push({
          rule: 'rate',
          amount: rate.times(b),
          zh: `${m.clause}：${pct(rate)} × ${fmtYuanHuman(b)} = ${fmtYuanHuman(rate.times(b))}`,
          en: `${m.clause}: ${pct(rate)} × ${fmtYuanHuman(b)} = ${fmtYuanHuman(rate.times(b))}`,
        });
        break;
      }
      case 'baseCeiling':
        if (base !== null) {
          out.push({ rule: 'base', amount: base, zh: `${m.clause}：不超过核定基数 ${fmtYuanHuman(base)}`, en: `${m.clause}: at most the base ${fmtYuanHuman(base)}` });
        }
        break;
      case 'matching': {
        const upper = app.upperFunding ?? ZERO;
        const total = app.totalInvestment ?? ZERO;
        const share = new D(rule.totalShare);
        const room = D.max(ZERO, share.times(total).minus(upper));
        out.push({
          rule: 'matching',
          amount: room,
          zh: `${m.clause}：各级合计不超过总投资的${pct(share)}，${pct(share)} × ${fmtYuanHuman(total)} − 上级 ${fmtYuanHuman(upper)} = ${fmtYuanHuman(room)}`,
          en: `${m.clause}: all levels at most ${pct(share)} of investment, ${pct(share)} × ${fmtYuanHuman(total)} − upper ${fmtYuanHuman(upper)} = ${fmtYuanHuman(room)}`,
        });
        if (upper.gt(0)) {
          const ratio = new D(rule.ratio);
          out.push({
            rule: 'matching',
            amount: ratio.times(upper),
            zh: `${m.clause}：按上级资助 ${fmtYuanHuman(upper)} 的 ${ratio.toString()}:1 配套 = ${fmtYuanHuman(ratio.times(upper))}`,
            en: `${m.clause}: ${ratio.toString()}:1 match of the upper-level grant ${fmtYuanHuman(upper)} = ${fmtYuanHuman(ratio.times(upper))}`,
          });
        } else {
          const cap = new D(rule.fallbackCap);
          out.push({
            rule: 'matching',
            amount: cap,
            zh: `${m.clause}：国家、省未明确资助金额，最高 ${fmtYuanHuman(cap)}`,
            en: `${m.clause}: no upper-level amount stated, at most ${fmtYuanHuman(cap)}`,
          });
        }
        break;
      }
      case 'projectCap': {
        const cap = new D(rule.amount);
        out.push({ rule: 'cap', amount: cap, zh: `${m.clause}：单个项目最高 ${fmtYuanHuman(cap)}`, en: `${m.clause}: at most ${fmtYuanHuman(cap)} per project` });
        break;
      }
      case 'companyCap':
        break; // couples applications: an LP row, see limits.ts
    }
  }
  if (app.requested !== null) {
    out.push({ rule: 'requested', amount: app.requested, zh: `申请金额 ${fmtYuanHuman(app.requested)}`, en: `requested ${fmtYuanHuman(app.requested)}` });
  }
  return out;
}

export function entitlementOf(app: Application, m: Measure): Entitlement {
  const ceilings = ceilingsOf(app, m);
  let best = ceilings[0]!;
  for (const c of ceilings) if (c.amount.lt(best.amount)) best = c;
  return { amount: best.amount.toDecimalPlaces(2, D.ROUND_DOWN), binding: best.rule, ceilings };
}
