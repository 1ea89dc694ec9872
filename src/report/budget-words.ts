/**
 * The value of money in words a director reads, from the numbers the analysis found: the
 * funding line or why there is none (said against what was granted, never "unused" when every
 * yuan went out), what more or less budget would do (how many projects, which scores), and
 * what a limit's marginal value means. Numbers in, sentences out; the words are the language's
 * (i18n `BudgetWords`).
 */
import { D } from '../money.js';
import type { LimitKind } from '../model/limits.js';
import { fmtNumber, yuan } from './format.js';
import type { BudgetChangeText, BudgetWords, ScoreGroupText } from './i18n/index.js';
import type { Summary } from './summary-schema.js';

type Entry = Summary['marginalValues'][string];
type Side = NonNullable<Entry['up']>;
type Group = Extract<Side, { entering: unknown }>['entering'];

const score = (v: number) => fmtNumber(v, 2);

function groupText(g: Group): ScoreGroupText | null {
  if (g.count === 0 || g.scoreMin === null || g.scoreMax === null) return null;
  return { count: g.count, scores: g.scoreMin === g.scoreMax ? score(g.scoreMin) : `${score(g.scoreMin)}–${score(g.scoreMax)}` };
}

/** Who enters, leaves, gains and loses when the budget moves, for a sentence; `integer`: the model has integer rules. */
export function changeText(side: Extract<Side, { entering: unknown }>, integer: boolean): BudgetChangeText {
  return { integer, entering: groupText(side.entering), leaving: groupText(side.leaving), raised: groupText(side.raised), lowered: groupText(side.lowered) };
}

/** The budget's figures in words: what `step` more (and, under integer rules, less) would do, and how that was found. */
export function budgetWords(entry: Pick<Entry, 'method' | 'step' | 'up' | 'down'>, w: BudgetWords): string {
  const step = entry.step!;
  const proven = (s: Side) => (s.status === 'time_limit' ? w.notProven : '');
  // The budget's figures are finite differences only under integer rules.
  const integer = entry.method === 'finite-difference';
  const up = entry.up && entry.up.status !== 'infeasible' ? `${w.up(step, changeText(entry.up, integer))}${proven(entry.up)}` : '';
  const down = !entry.down ? '' : entry.down.status === 'infeasible' ? w.downInfeasible(step) : `${w.down(step, changeText(entry.down, integer))}${proven(entry.down)}`;
  const how = entry.up?.status !== 'infeasible' && entry.up?.notBinding ? w.notBinding : entry.method === 'finite-difference' ? w.finiteDifference(step) : w.resolved(step);
  return w.figures([up, down].filter(Boolean), how);
}

/** A limit's marginal value (the LP's dual) in words. `shifted`: the budget binds, so more of a limit moves money rather than adding it. */
export function limitWords(
  m: { readonly kind: LimitKind; readonly label: string; readonly perYuan: number | null; readonly from: string; readonly to: string; readonly binding: boolean },
  shifted: boolean,
  w: BudgetWords,
): string {
  const range = w.range(yuan(m.from), m.to === '' ? null : yuan(m.to));
  if (m.perYuan === null) return w.limitCannotRaise(m.label);
  if (!m.binding) return w.limitNotBinding(m.label, range);
  // The objective per ¥10,000 of the limit.
  const perWan = fmtNumber(Math.abs(m.perYuan) * 10_000, 0);
  if (m.kind === 'measure_min' || m.kind === 'district_min') return w.floorCost(m.label, range, score(-m.perYuan), perWan, shifted);
  return w.ceilingValue(m.label, range, score(m.perYuan), perWan, shifted);
}

/** The funding line as a report shows it, or why there is none — said against what was granted. */
export function fundingLineWords(s: Summary, w: BudgetWords): string {
  const basis = s.fundingLineBasis;
  if (s.fundingLine !== null) return w.lineIs(score(s.fundingLine), basis?.method === 'lowest-funded-score' ? (basis.projectId ?? null) : null);
  const unallocated = new D(s.unallocated);
  return w.noLine(basis?.why ?? 'budget-not-binding', unallocated.gt(0) ? yuan(s.unallocated) : null);
}

/** A year's cash in words: what `step` more of it would fund (re-solved), and the LP duals' estimate; `integer`: the model has integer rules. */
export function cashWords(entry: Pick<Entry, 'step' | 'up' | 'dual'> & { readonly year: number }, w: BudgetWords, integer: boolean): string {
  const step = entry.step!;
  const plan = entry.up && entry.up.status !== 'infeasible' && entry.up.planGrantedChange && entry.up.planGrantedChange !== '0.00' ? w.cashPlanChange(entry.up.planGrantedChange) : '';
  const up = entry.up && entry.up.status !== 'infeasible' ? `${w.up(step, changeText(entry.up, integer))}${plan}${entry.up.status === 'time_limit' ? w.notProven : ''}` : null;
  const perWan = entry.dual === null || entry.dual === undefined ? null : fmtNumber(entry.dual * 10_000, 0);
  const how = entry.up?.status !== 'infeasible' && entry.up?.notBinding ? w.notBinding : w.cashResolved(entry.year, step, perWan);
  return w.figures([w.cashUp(entry.year, step, up)], how);
}
