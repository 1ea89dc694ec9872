/**
 * The analysis step of a solve: the value of money (docs/how-it-works.md, "The value of money").
 *
 *   the priority LP   the limits' duals and ranges, each checked by re-solving (model/marginal.ts);
 *                     the funding line is the budget's dual; what `step` more budget funds is
 *                     found by re-solving at budget + step.
 *   integer rules     no duals: the funding line is the lowest score funded where the budget binds
 *                     (model/budget-figures.ts); the budget's value is a finite difference, the
 *                     whole model re-solved at budget + step and budget − step.
 *   proportional      no funding line, no marginal values.
 *
 * Every re-solve goes through the pipeline's own solve and is verified like the first
 * (`resolveAt`). A solve stopped by its time limit is not analysed (an integer one still has
 * its funding line: a fact of the allocation written).
 */
import type { Decimal } from 'decimal.js';
import { InputError, type Conflict } from '../errors.js';
import { D, floorTo, fmtYuan, fmtYuanHuman, parseAmount } from '../money.js';
import { budgetBinds, budgetChange, lowestFundedLine } from '../model/budget-figures.js';
import { marginalValues } from '../model/marginal.js';
import type { Allocation } from '../model/types.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import { openSensitivity } from '../solver/select.js';
import { budgetWords, limitWords } from '../report/budget-words.js';
import { words, type Lang } from '../report/i18n/index.js';
import { limitLabel } from '../report/labels.js';
import type { Summary } from '../report/summary.js';

type Entry = Summary['marginalValues'][string];
type Side = NonNullable<Entry['up']>;
/** A marginal value by limit id, as summary.json holds it (words in one language). */
export type MarginalEntry = { readonly limit: string } & Entry;

export interface Analysis {
  /** summary.json's marginal values (words in Chinese, as summary.json has always had them). */
  readonly values: readonly MarginalEntry[];
  /** The same in the reports' language. */
  readonly reportValues: readonly MarginalEntry[];
  readonly fundingLine: number | null;
  readonly fundingLineBasis: NonNullable<Summary['fundingLineBasis']>;
}

/** A re-solve's outcome (the pipeline's `Verified`, without its import: solve.ts imports this file). */
export type Resolved = { readonly status: 'optimal' | 'time_limit'; readonly allocation: Allocation } | { readonly status: 'infeasible'; readonly conflicts: readonly Conflict[] };

export interface AnalyseArgs {
  readonly allocation: Allocation;
  readonly policy: Policy;
  readonly scenario: Scenario;
  readonly lang: Lang;
  /** The budget step of the re-solves (yuan, whole granularity units). */
  readonly step: Decimal;
  /** Solve (round, verify) the same scenario at another budget. */
  readonly resolveAt: (budget: Decimal) => Resolved;
}

/** The budget step of the re-solves when none is given: ¥1,000,000. */
export const DEFAULT_MARGINAL_STEP = new D(1_000_000);

/** The budget step (yuan, or text with 万/亿), in whole granularity units: at least one unit. */
export function marginalStepOf(step: Decimal | string | number | undefined, granularity: Decimal): Decimal {
  if (step === undefined) return floorTo(DEFAULT_MARGINAL_STEP, granularity).gt(0) ? floorTo(DEFAULT_MARGINAL_STEP, granularity) : granularity;
  const r = typeof step === 'object' ? ({ ok: true, value: step } as const) : parseAmount(String(step));
  const value = r.ok ? floorTo(r.value, granularity) : null;
  if (value === null || !value.gt(0)) {
    throw new InputError([{ file: '--marginal-step', expected: `an amount of at least the granularity ${fmtYuanHuman(granularity)} (yuan, or with 万/亿)`, found: JSON.stringify(String(step)) }]);
  }
  return value;
}

const DESCRIPTION = {
  dual: "the budget's marginal value in the LP (its dual): the score one more yuan of budget funds",
  lowest: 'integer rules: the lowest score among the applications funded in competition for the budget (not forced, not locked, not held up by a floor), given where the total budget binds (an application below its entitlement is stopped by it and by no narrower limit)',
  none: {
    'budget-not-binding': 'no application is stopped by the total budget: more budget would fund nothing more',
    proportional: 'a proportional objective has no funding line: every application gets the same share',
    'time-limit': 'the solve stopped at its time limit: not analysed',
  },
} as const;

export async function analyse(args: AnalyseArgs): Promise<Analysis> {
  const { allocation, scenario } = args;
  const none = (why: keyof typeof DESCRIPTION.none): Analysis => ({
    values: [],
    reportValues: [],
    fundingLine: null,
    fundingLineBasis: { method: 'none', why, description: DESCRIPTION.none[why] },
  });
  if (allocation.rules?.model === 'proportional') return none('proportional');
  const budgetLimit = allocation.limits.find((l) => l.kind === 'budget')!;
  const side = (budget: Decimal): Side => sideAt(allocation, budget, args);

  if (allocation.rules?.model === 'integer') {
    const line = lowestFundedLine(allocation, scenario.granularity);
    const basis: Analysis['fundingLineBasis'] = line
      ? { method: 'lowest-funded-score', projectId: line.projectId, description: DESCRIPTION.lowest }
      : { method: 'none', why: 'budget-not-binding', description: DESCRIPTION.none['budget-not-binding'] };
    if (allocation.status !== 'optimal') return { values: [], reportValues: [], fundingLine: line?.score ?? null, fundingLineBasis: basis };
    const up = side(scenario.budget.plus(args.step));
    const below = scenario.budget.minus(args.step);
    const down = below.gte(0) ? side(below) : null;
    const entry: Omit<Entry, 'label' | 'words'> = {
      perYuan: up.status === 'infeasible' ? null : up.perYuan,
      from: fmtYuan(down ? below : scenario.budget),
      to: fmtYuan(scenario.budget.plus(args.step)),
      verified: up.status === 'optimal' && down?.status !== 'time_limit',
      binding: line !== null || budgetBinds(allocation),
      method: 'finite-difference',
      step: fmtYuan(args.step),
      up,
      down,
    };
    const worded = (lang: Lang): MarginalEntry => ({ limit: budgetLimit.id, label: limitLabel(budgetLimit, new Map(), lang), ...entry, words: budgetWords(entry, words(lang).budget) });
    return { values: [worded('zh')], reportValues: [worded(args.lang)], fundingLine: line?.score ?? null, fundingLineBasis: basis };
  }

  // The priority LP: duals and ranges from stage one, checked by re-solving.
  const parametric = allocation.status === 'optimal' ? await openSensitivity(allocation.model.lp, allocation.model.basis) : null;
  if (!parametric) return none('time-limit');
  const marginal = marginalValues(allocation, parametric);
  parametric.dispose();
  const basis: Analysis['fundingLineBasis'] =
    marginal.fundingLine !== null ? { method: 'dual', description: DESCRIPTION.dual } : { method: 'none', why: 'budget-not-binding', description: DESCRIPTION.none['budget-not-binding'] };
  const up = side(scenario.budget.plus(args.step));
  const measures = new Map(args.policy.measures.map((m) => [m.id, m]));
  const step = fmtYuan(args.step);
  const entries = (lang: Lang): MarginalEntry[] =>
    marginal.values.map((m) => {
      const label = limitLabel(m.limit, measures, lang);
      const numbers = {
        perYuan: m.perYuan === -Infinity ? null : Math.round(m.perYuan * 1e6) / 1e6,
        from: fmtYuan(m.from),
        to: m.to === null ? '' : fmtYuan(m.to),
        verified: m.verified,
        binding: m.binding,
      };
      if (m.limit.kind !== 'budget') return { limit: m.limit.id, label, ...numbers, words: limitWords({ kind: m.limit.kind, label, ...numbers }, marginal.fundingLine !== null, words(lang).budget) };
      const figures = { method: 'dual' as const, step, up, down: null };
      return { limit: m.limit.id, label, ...numbers, words: budgetWords(figures, words(lang).budget), ...figures };
    });
  return { values: entries('zh'), reportValues: entries(args.lang), fundingLine: marginal.fundingLine, fundingLineBasis: basis };
}

/** The allocation re-solved at `budget`, compared with the one written. */
function sideAt(allocation: Allocation, budget: Decimal, args: AnalyseArgs): Side {
  const v = args.resolveAt(budget);
  if (v.status === 'infeasible') return { status: 'infeasible', budget: fmtYuan(budget), conflicts: v.conflicts.map((c) => `${c.limit}: ${c.description}`) };
  const c = budgetChange(allocation, v.allocation);
  const moved = budget.minus(args.scenario.budget);
  return {
    status: v.status,
    budget: fmtYuan(budget),
    objectiveChange: c.objectiveChange.toString(),
    perYuan: Math.round(c.objectiveChange.div(moved).toNumber() * 1e6) / 1e6,
    grantedChange: fmtYuan(c.grantedChange),
    entering: c.entering,
    leaving: c.leaving,
    raised: c.raised,
    lowered: c.lowered,
  };
}

