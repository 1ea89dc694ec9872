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
 *   a year's cash     (multi-year scenarios, `cash:<year>`) the whole model prepared again with
 *                     that year's cash + step and re-solved; the LP's estimate beside it is the
 *                     sum of the duals of the cash rows whose supply includes the year.
 *
 * Every re-solve goes through the pipeline's own solve and is verified like the first
 * (`resolveAt`; the priority LP's budget + step from the first solve's optimum, and only what its
 * comparison reads). A solve stopped by its time limit is not analysed (an integer one still has
 * its funding line: a fact of the allocation written).
 */
import type { Decimal } from 'decimal.js';
import { InputError, InternalError, type Conflict } from '../errors.js';
import { D, floorTo, fmtYuan, fmtYuanHuman, parseAmount } from '../money.js';
import { budgetBinds, budgetChange, lowestFundedLine, type Compared } from '../model/budget-figures.js';
import { budgetSlope, fundingLineOf, marginalPlan, searchRow, type MarginalAnalysis, type MarginalPlan } from '../model/marginal.js';
import type { Allocation } from '../model/types.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import { dueByYear, dueInYears, horizonOf, type CashWindow } from '../model/years.js';
import { openSensitivity } from '../solver/select.js';
import type { Backend, LinearProgram } from '../solver/types.js';
import { budgetWords, cashWords, limitWords } from '../report/budget-words.js';
import { words, type Lang } from '../report/i18n/index.js';
import { limitLabel } from '../report/labels.js';
import type { Summary } from '../report/summary.js';
import { searchedWith, shareSearches, type SharedSearches } from './ranges.js';

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

/** The first solve's optimum, kept open for a re-solve of the same LP at another budget. */
export interface Warm {
  /** Backends wrapped to answer an LP near the one solved from its optimum (`ParametricLp.warm`). */
  readonly backend: (fallback: Backend) => Backend;
  /** The LP the first solve solved. */
  readonly lp: LinearProgram;
  /** Whether another LP is that one with one row's bounds moved, and a network LP as it is (`ParametricLp.sameNetwork`). */
  readonly sameNetwork: (other: LinearProgram) => boolean;
}

/**
 * A re-solve's outcome (the pipeline's `Verified`, without its import: solve.ts imports this
 * file): a verified allocation, of which the analysis reads what `budgetChange` compares (and, at
 * another year's cash, what the forecasts get), or the conflicts that leave none.
 */
export type Resolved =
  | { readonly status: 'optimal' | 'time_limit'; readonly allocation: Compared & { readonly plan?: { readonly granted: Decimal } } }
  | { readonly status: 'infeasible'; readonly conflicts: readonly Conflict[] };

export interface AnalyseArgs {
  readonly allocation: Allocation;
  readonly policy: Policy;
  readonly scenario: Scenario;
  readonly lang: Lang;
  /** The budget step of the re-solves (yuan, whole granularity units). */
  readonly step: Decimal;
  /** Solve (round, verify) the same scenario at another budget; `warm`: from the first solve's optimum (see `ParametricLp.warm`). */
  readonly resolveAt: (budget: Decimal, warm?: Warm) => Resolved;
  /** A multi-year scenario: the cash windows of the preparation solved (in the order of its cash rows), and a re-solve at another cash for one year. */
  readonly cash?: { readonly windows: readonly CashWindow[]; readonly resolveAt: (year: number, cash: Decimal) => Resolved };
  /** Worker threads the marginal values' searches may be shared with (ranges.ts; default none): the values are the same with any number. */
  readonly threads?: number;
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

/**
 * An analysis begun: the funding line is known (the explanations need it), the re-solves that
 * check what more budget and cash would do are still to come (`finish`). Between the two the
 * caller can work with the funding line, e.g. write the explanations and hand allocations.csv's
 * rows to another thread while the re-solves run here. `dispose` frees what `finish` would have
 * used, where `finish` is not called (it disposes itself); calling it again does nothing.
 */
export interface Analysing {
  readonly fundingLine: number | null;
  finish(): Promise<Analysis>;
  dispose(): void;
}

/** The amounts the analysis re-solves at (`reSolveAmounts`). */
export interface ReSolveAmounts {
  /** The budget + step. */
  readonly up: Decimal;
  /** The budget − step, where that is not below 0 (an integer model's is re-solved there too). */
  readonly down: Decimal | null;
  /** Each year's cash + step, with a cash plan (in the plan's years' order). */
  readonly cash: readonly { readonly year: number; readonly at: Decimal }[];
}

/**
 * The amounts the analysis re-solves at, one place for them: this module's re-solves, and those
 * other threads solve ahead for an integer model (solve.ts), which are found by these amounts.
 */
export function reSolveAmounts(scenario: Scenario, step: Decimal): ReSolveAmounts {
  const below = scenario.budget.minus(step);
  const plan = scenario.cashPlan;
  return {
    up: scenario.budget.plus(step),
    down: below.gte(0) ? below : null,
    cash: plan ? horizonOf(plan).map((year) => ({ year, at: plan.cash.get(year)!.plus(step) })) : [],
  };
}

export async function analyse(args: AnalyseArgs): Promise<Analysis> {
  const started = await startAnalysis(args);
  try {
    return await started.finish();
  } finally {
    started.dispose();
  }
}

/** The analysis up to its funding line (`Analysing`): the duals and the ranges checked by re-solving; the budget's and the cash's re-solves wait for `finish`. */
export async function startAnalysis(args: AnalyseArgs): Promise<Analysing> {
  const { allocation, scenario } = args;
  const done = (a: Analysis): Analysing => ({ fundingLine: a.fundingLine, finish: () => Promise.resolve(a), dispose: () => {} });
  const none = (why: keyof typeof DESCRIPTION.none): Analysis => ({
    values: [],
    reportValues: [],
    fundingLine: null,
    fundingLineBasis: { method: 'none', why, description: DESCRIPTION.none[why] },
  });
  if (allocation.rules?.model === 'proportional') return done(none('proportional'));
  const budgetLimit = allocation.limits.find((l) => l.kind === 'budget')!;
  const side = (budget: Decimal, warm?: Warm): Side => sideAt(allocation, budget, args, warm);

  if (allocation.rules?.model === 'integer') {
    const line = lowestFundedLine(allocation, scenario.granularity);
    const basis: Analysis['fundingLineBasis'] = line
      ? { method: 'lowest-funded-score', projectId: line.projectId, description: DESCRIPTION.lowest }
      : { method: 'none', why: 'budget-not-binding', description: DESCRIPTION.none['budget-not-binding'] };
    if (allocation.status !== 'optimal') return done({ values: [], reportValues: [], fundingLine: line?.score ?? null, fundingLineBasis: basis });
    const finish = (): Analysis => {
      const amounts = reSolveAmounts(scenario, args.step);
      const up = side(amounts.up);
      const down = amounts.down ? side(amounts.down) : null;
      const entry: Omit<Entry, 'label' | 'words'> = {
        perYuan: up.status === 'infeasible' ? null : up.perYuan,
        from: fmtYuan(amounts.down ?? scenario.budget),
        to: fmtYuan(amounts.up),
        verified: up.status === 'optimal' && down?.status !== 'time_limit',
        binding: line !== null || budgetBinds(allocation),
        method: 'finite-difference',
        step: fmtYuan(args.step),
        up,
        down,
      };
      const worded = (lang: Lang): MarginalEntry => ({ limit: budgetLimit.id, label: limitLabel(budgetLimit, new Map(), lang), ...entry, words: budgetWords(entry, words(lang).budget) });
      const cash = cashValues(args, null);
      return { values: [worded('zh'), ...cash('zh')], reportValues: [worded(args.lang), ...cash(args.lang)], fundingLine: line?.score ?? null, fundingLineBasis: basis };
    };
    return { fundingLine: line?.score ?? null, finish: () => Promise.resolve(finish()), dispose: () => {} };
  }

  // The priority LP: duals and ranges from stage one, checked by re-solving.
  const parametric = allocation.status === 'optimal' ? await openSensitivity(allocation.model.lp, allocation.model.basis) : null;
  if (!parametric) return done(none('time-limit'));
  // The funding line now (the budget's slope: one re-solve at most); the other limits' values wait
  // for `finish`, which is given the same slope, so that what needs only the funding line (the
  // explanations, allocations.csv's rows) comes first. With threads to use and a model they can
  // open, the other limits' searches start on them now, each thread with its own copy of the model
  // (ranges.ts), while this thread goes on.
  let slope: number | null | undefined;
  let plan: MarginalPlan;
  let shared: SharedSearches | null = null;
  // The optimum is kept open for the marginal values, then for the budget re-solve in `finish`; disposed (and the threads stopped) however they end.
  let open = true;
  const dispose = () => {
    shared?.close();
    if (open) parametric.dispose();
    open = false;
  };
  try {
    slope = budgetSlope(allocation, parametric);
    plan = marginalPlan(allocation, parametric, { budgetSlope: slope });
    shared = shareSearches(parametric, allocation.model.lp.columns.length, plan.searches, args.threads ?? 0);
  } catch (e) {
    dispose();
    throw e;
  }
  const fundingLine = fundingLineOf(slope);
  const finish = async (): Promise<Analysis> => {
    let marginal: MarginalAnalysis;
    let up: Side;
    let cash: (lang: Lang) => MarginalEntry[];
    try {
      // Without threads, every search here first; with them, this thread first makes the re-solves
      // only it can make (the budget's and each year's cash: the whole scenario), then the searches
      // no thread has taken, and takes the threads' ranges (a search a thread took and did not
      // answer is made here too).
      const found = shared ? null : plan.searches.map((s) => searchRow(parametric, s));
      const duals = Float64Array.from(parametric.duals);
      // A budget with a unit or more left over does not bind: the LP's optimum stays where it is, not re-solved.
      const k = allocation.limits.indexOf(budgetLimit);
      const budgetIdle = budgetLimit.amount.minus(allocation.limitTotals[k]!).gte(scenario.granularity);
      const at = reSolveAmounts(scenario, args.step).up;
      // Else re-solved from the kept optimum (where that gives what a cold solve gives).
      const warm: Warm | undefined = parametric.warm && {
        backend: parametric.warm.bind(parametric),
        lp: allocation.model.lp,
        sameNetwork: (other) => parametric.sameNetwork?.(other) ?? false,
      };
      up = budgetIdle ? notBinding(allocation, at, args.step) : side(at, warm);
      cash = cashValues(args, duals);
      marginal = plan.values(found ?? (await searchedWith(shared!, plan.searches, parametric)));
      if (marginal.fundingLine !== fundingLine) throw new InternalError(`the funding line found first (${fundingLine}) is not the budget's marginal value (${marginal.fundingLine})`);
    } finally {
      dispose();
    }
    const basis: Analysis['fundingLineBasis'] =
      marginal.fundingLine !== null ? { method: 'dual', description: DESCRIPTION.dual } : { method: 'none', why: 'budget-not-binding', description: DESCRIPTION.none['budget-not-binding'] };
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
    return { values: [...entries('zh'), ...cash('zh')], reportValues: [...entries(args.lang), ...cash(args.lang)], fundingLine: marginal.fundingLine, fundingLineBasis: basis };
  };
  return { fundingLine, finish, dispose };
}

/**
 * The value of each year's cash (`cash:<year>`): the allocation re-solved (and verified) with
 * that year's cash raised by the step, against the one written. A year's cash is in the supply
 * of every window [a, b] with a − K ≤ year ≤ b, so the LP's first estimate is the sum of those
 * windows' duals (and the budget's, where the budget is the cash's total and moves with it).
 */
function cashValues(args: AnalyseArgs, duals: ArrayLike<number> | null): (lang: Lang) => MarginalEntry[] {
  const plan = args.scenario.cashPlan;
  const cash = args.cash;
  if (!plan || !cash) return () => [];
  const { allocation } = args;
  const step = fmtYuan(args.step);
  const g = args.scenario.granularity;
  // A window with a unit or more of room left after the grants does not bind: more cash in it changes nothing.
  const granted = [...allocation.lines.filter((l) => l.candidate >= 0), ...(allocation.plan?.lines ?? [])];
  const due = dueByYear(granted, g);
  const idle = cash.windows.map((w) => w.room.minus(dueInYears(due, w.from, w.to)).gte(g));
  // Without a budget of its own the budget is the cash's total and moves with it: full, it binds too.
  const budget = allocation.limits.findIndex((l) => l.kind === 'budget');
  const budgetFull = args.scenario.budgetGiven === false && budget >= 0 && allocation.limits[budget]!.amount.minus(allocation.limitTotals[budget]!).lt(g);
  const figures = reSolveAmounts(args.scenario, args.step).cash.map(({ year, at }) => {
    const now = plan.cash.get(year)!;
    // No window whose money includes the year's binds: an LP's optimum stays where it is (not an
    // integer model's: more room can admit a better combination), so it is not re-solved.
    const unchanged = allocation.rules?.model !== 'integer' && !budgetFull && cash.windows.every((w, k) => idle[k] || w.from - plan.carryYears > year || w.to < year);
    const v: Resolved = unchanged ? { status: 'optimal', allocation } : cash.resolveAt(year, at);
    const side = unchanged ? notBinding(allocation, at, args.step) : compared(allocation, v, at, args.step);
    const up: Side =
      side.status === 'infeasible' || v.status === 'infeasible'
        ? side
        : { ...side, fundedChange: side.entering.count - side.leaving.count, ...(allocation.plan ? { planGrantedChange: fmtYuan(v.allocation.plan!.granted.minus(allocation.plan.granted)) } : {}) };
    const dual = duals && cashDual(allocation, duals, cash.windows, plan.carryYears, year, args.scenario.budgetGiven === false);
    return {
      year,
      perYuan: up.status === 'infeasible' ? null : up.perYuan,
      from: fmtYuan(now),
      to: fmtYuan(at),
      verified: up.status === 'optimal',
      binding: (up.status !== 'infeasible' && up.perYuan > 1e-9) || (dual ?? 0) > 1e-9,
      method: 'finite-difference' as const,
      step,
      up,
      down: null,
      dual,
    };
  });
  return (lang) => figures.map((f) => ({ limit: `cash:${f.year}`, label: words(lang).budget.cashLabel(f.year), ...f, words: cashWords(f, words(lang).budget, allocation.rules?.model === 'integer') }));
}

/** The LP's estimate of one more yuan of a year's cash: the duals (of the stage-one LP's rows) of the cash rows whose supply includes it, and of the budget's row when the budget is the cash's total. */
export function cashDual(allocation: Allocation, duals: ArrayLike<number>, windows: readonly CashWindow[], carryYears: number, year: number, withBudget: boolean): number {
  const { shape } = allocation.model;
  const first = shape.rowLimit.length + shape.shareRows.length;
  let sum = 0;
  shape.cashRows.forEach((row, k) => {
    const w = windows[row.cash]!;
    if (w.from - carryYears <= year && year <= w.to) sum += duals[first + k]!;
  });
  if (withBudget) {
    const r = shape.rowLimit.findIndex((k) => allocation.limits[k]!.kind === 'budget');
    if (r >= 0) sum += duals[r]!;
  }
  return Math.round(sum * 1e6) / 1e6;
}

/** The allocation re-solved at `budget`, compared with the one written. */
function sideAt(allocation: Allocation, budget: Decimal, args: AnalyseArgs, warm?: Warm): Side {
  return compared(allocation, args.resolveAt(budget, warm), budget, budget.minus(args.scenario.budget));
}

/** A limit with a unit or more left moved by `moved` to `at`: an LP's optimum stays, so nothing changes (not re-solved). */
function notBinding(allocation: Allocation, at: Decimal, moved: Decimal): Side {
  return { ...compared(allocation, { status: 'optimal', allocation }, at, moved), notBinding: true } as Side;
}

/** A re-solve at `at` (an amount moved by `moved`) against the allocation written. */
function compared(allocation: Allocation, v: Resolved, at: Decimal, moved: Decimal): Side {
  if (v.status === 'infeasible') return { status: 'infeasible', budget: fmtYuan(at), conflicts: v.conflicts.map((c) => `${c.limit}: ${c.description}`) };
  const c = budgetChange(...linesThatMayDiffer(allocation, v.allocation));
  return {
    status: v.status,
    budget: fmtYuan(at),
    objectiveChange: c.objectiveChange.toString(),
    perYuan: Math.round(c.objectiveChange.div(moved).toNumber() * 1e6) / 1e6,
    grantedChange: fmtYuan(c.grantedChange),
    entering: c.entering,
    leaving: c.leaving,
    raised: c.raised,
    lowered: c.lowered,
  };
}

/**
 * The two allocations `budgetChange` compares, with only the lines whose grants are not the same
 * Decimal object (the rest are equal, and `budgetChange` counts nothing of a line whose grant is
 * unchanged): a re-solve keeps the first allocation's grant object wherever a grant did not move
 * (`solveCompared`), so at 100,000 lines this leaves the few that moved. The objectives and totals
 * granted are the allocations' own.
 */
export function linesThatMayDiffer(from: Compared, to: Compared): [Compared, Compared] {
  const a = from.lines;
  const b = to.lines;
  if (a.length !== b.length) return [from, to];
  const fromLines: Compared['lines'][number][] = [];
  const toLines: Compared['lines'][number][] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.grant === y.grant) continue;
    fromLines.push(x);
    toLines.push(y);
  }
  return [
    { lines: fromLines, objective: from.objective, granted: from.granted },
    { lines: toLines, objective: to.objective, granted: to.granted },
  ];
}
