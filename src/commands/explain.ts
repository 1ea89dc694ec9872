/**
 * `fundplan explain <scenario> <project_id>`: the full explanation of one project's grant,
 * and, for a project cut by the budget, what would have funded it — for one that gets nothing,
 * the extra budget that starts funding it; for both it and one funded in part, the extra
 * budget, or the score, that funds it in full — each found by re-solving the whole allocation.
 */
import type { Decimal } from 'decimal.js';
import { InputError } from '../errors.js';
import { D, floorTo, fmtYuanHuman as y } from '../money.js';
import type { Allocation } from '../model/allocate.js';
import type { Application } from '../model/application.js';
import { withBudget, type Scenario } from '../model/scenario.js';
import { lowestFundedLine } from '../model/budget-figures.js';
import { marginalValues } from '../model/marginal.js';
import { nearest } from '../model/nearest.js';
import { cashWindows, horizonOf } from '../model/years.js';
import { explainAll } from '../report/explain.js';
import { words } from '../report/i18n/index.js';
import { openSensitivity, type SolverChoice } from '../solver/select.js';
import { loadScenario, withLocks } from '../pipeline/load.js';
import { engineWith, infeasibleError, openEngine, solveVerified, withCash, withOptions, type Infeasible } from '../pipeline/solve.js';

export interface ExplainOptions {
  readonly scenario: string;
  readonly projectId: string;
  readonly budget?: Decimal;
  readonly lang?: 'zh' | 'en';
  readonly solver?: SolverChoice;
  /** Earlier batches' allocations.csv kept fixed, after the scenario's own `lock` (a later batch). */
  readonly lock?: string | readonly string[];
}

export interface WhatWouldFund {
  /** It gets part of its entitlement at this budget already. */
  readonly partly: boolean;
  /**
   * The least budget (whole granularity units) at which it gets something, and its full
   * entitlement; null: budget alone never does (or, for `firstFundedAt`, it is funded already).
   */
  readonly firstFundedAt: Decimal | null;
  readonly fullyFundedAt: Decimal | null;
  /** The least score (0.1 steps) that would have funded it fully at this budget; null: none up to 100. */
  readonly scoreNeeded: Decimal | null;
}

/** For a project cut by a year's cash: what more cash in one year alone would do. */
export interface CashWouldFund {
  readonly year: number;
  /** The least cash of that year (whole granularity units) at which it gets something (null: funded in part already, or never), and its full entitlement (null: never). */
  readonly firstFundedAt: Decimal | null;
  readonly fullyFundedAt: Decimal | null;
}

export interface ExplainOutcome {
  readonly text: string;
  readonly whatWouldFund: WhatWouldFund | null;
  /** A project cut by a year's cash: the latest year of its window first, then the earliest whose cash may pay in it (when another). */
  readonly cashWouldFund: readonly CashWouldFund[] | null;
}

export async function runExplain(options: ExplainOptions): Promise<ExplainOutcome> {
  // The earlier batches first: a locked project may be known only from its lock file.
  const loaded = withLocks(withOptions(loadScenario(options.scenario), options), options.lock);
  const { policy, applications, scenario } = loaded;
  const index = applications.findIndex((a) => a.projectId === options.projectId);
  if (index < 0) {
    throw new InputError([{ file: 'project_id', expected: `a project of ${loaded.inputs.applications.file} (nearest: ${nearest(options.projectId, applications.map((a) => a.projectId))})`, found: JSON.stringify(options.projectId) }]);
  }
  const base = orThrow(await openEngine(loaded, { solver: options.solver }));
  // The re-solves below change the budget, a year's cash or one score: the same kind of model, the
  // same backends, the same locked grants. Those of the same applications (another budget or cash)
  // start from the first solve's optimal bases where HiGHS solves the LP and its rows are the same
  // (AllocateOptions.warmStart); another score may reorder the columns.
  let first: Allocation | undefined;
  const solve = (apps: readonly Application[], s: Scenario): Allocation => {
    const engine = apps === applications && s === scenario ? base : orThrow(engineWith({ ...loaded, applications: apps, scenario: s }, base.picker, { locked: base.locked }));
    const solved = orThrow(solveVerified(engine, { warmStart: apps === applications ? first?.model : undefined })).allocation;
    first ??= solved;
    return solved;
  };
  const allocation = solve(applications, scenario);
  // The funding line: the budget's dual in the LP; under integer rules the lowest score funded where the budget binds.
  const parametric = allocation.rules ? null : await openSensitivity(allocation.model.lp, allocation.model.basis);
  const fundingLine = parametric
    ? marginalValues(allocation, parametric, { maxCompanyLimits: 0 }).fundingLine
    : allocation.rules?.model === 'integer'
    ? (lowestFundedLine(allocation, scenario.granularity)?.score ?? null)
    : null;
  parametric?.dispose();
  const lang = options.lang ?? 'zh';
  const lines = [...explainAll({ allocation, scenario, policy, fundingLine }, lang, true)[index]!.lines];
  const line = allocation.lines[index]!;
  let whatWouldFund: WhatWouldFund | null = null;
  if (line.binding === 'total_budget') {
    const entitled = allocation.lines.reduce((s, l) => s.plus(l.entitlement?.amount ?? 0), new D(0));
    const partly = line.grant.gt(0);
    whatWouldFund = findWhatWouldFund(line.entitlement!.amount, index, applications, scenario, solve, entitled, partly);
    const w = whatWouldFund;
    const t = words(lang).explain.whatWouldFund;
    const more = (at: Decimal) => [y(at.minus(scenario.budget)), y(at)] as const;
    // What starts funding it only for a project that gets nothing yet; what funds it in full for both.
    if (!partly) lines.push(w.firstFundedAt ? t.startsAt(...more(w.firstFundedAt)) : t.neverStarts);
    lines.push(
      w.fullyFundedAt ? t.fullyAt(...more(w.fullyFundedAt)) : t.neverFully,
      w.scoreNeeded ? t.scoreNeeded(w.scoreNeeded.toString()) : t.noScore,
      t.method(y(scenario.granularity)),
    );
  }
  let cashWouldFund: CashWouldFund[] | null = null;
  if (line.binding === 'cash' && scenario.cashPlan && line.limitId) {
    const plan = scenario.cashPlan;
    const window = cashWindows(plan, scenario.years?.ledger ?? []).find((x) => x.id === line.limitId)!;
    const horizon = horizonOf(plan);
    // Money of years from − K..to may pay in the window; of those, the horizon's years can be given more.
    const earliest = Math.max(window.from - plan.carryYears, horizon[0]!);
    const partly = line.grant.gt(0);
    const entitled = [...allocation.lines, ...(allocation.plan?.lines ?? [])].reduce((s, l) => s.plus(l.entitlement?.amount ?? 0), new D(0));
    const t = words(lang).explain.whatWouldFund.cash;
    cashWouldFund = [...new Set([window.to, earliest])].map((year) => {
      const now = plan.cash.get(year)!;
      const grantAt = (cash: Decimal) => solve(applications, withCash(scenario, year, cash)).lines[index]!.grant;
      const least = (target: Decimal, ceiling: Decimal) => leastAmount(now, ceiling, scenario.granularity, target, grantAt);
      const full = floorTo(line.entitlement!.amount, scenario.granularity);
      const fullyFundedAt = full.gt(0) ? least(full, now.plus(entitled)) : null;
      // Where it is funded fully, it starts at that cash or below.
      const r = { year, firstFundedAt: partly ? null : least(scenario.granularity, fullyFundedAt ?? now.plus(entitled)), fullyFundedAt };
      const more = (at: Decimal) => [y(at.minus(now)), y(at)] as const;
      if (!partly) lines.push(r.firstFundedAt ? t.startsAt(year, ...more(r.firstFundedAt)) : t.neverStarts(year));
      lines.push(r.fullyFundedAt ? t.fullyAt(year, ...more(r.fullyFundedAt)) : t.neverFully(year));
      return r;
    });
    if (earliest !== window.to) lines.push(t.runOfYears(earliest, window.to));
    lines.push(t.method(y(scenario.granularity)));
  }
  return { text: lines.join('\n'), whatWouldFund, cashWouldFund };
}

/** The least amount (whole units above `from`, at most `ceiling`) at which `grantAt` reaches `target`, by bisection; null: not even at the ceiling. */
function leastAmount(from: Decimal, ceiling: Decimal, g: Decimal, target: Decimal, grantAt: (amount: Decimal) => Decimal): Decimal | null {
  if (grantAt(ceiling).lt(target)) return null;
  let lo = 0; // units above `from` that do not suffice
  let hi = ceiling.minus(from).div(g).ceil().toNumber();
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (grantAt(from.plus(g.times(mid))).gte(target)) hi = mid;
    else lo = mid;
  }
  return from.plus(g.times(hi));
}

function findWhatWouldFund(
  entitlement: Decimal,
  index: number,
  applications: readonly Application[],
  scenario: Scenario,
  solve: (apps: readonly Application[], s: Scenario) => Allocation,
  entitled: Decimal,
  partly: boolean,
): WhatWouldFund {
  const g = scenario.granularity;
  const full = floorTo(entitlement, g);
  const grantAt = (budget: Decimal) => solve(applications, withBudget(scenario, budget)).lines[index]!.grant;
  // Enough budget for every entitlement: beyond it, more budget changes nothing.
  const least = (target: Decimal): Decimal | null => leastAmount(scenario.budget, scenario.budget.plus(entitled), g, target, grantAt);
  const firstFundedAt = partly ? null : least(g);
  const fullyFundedAt = full.gt(0) ? least(full) : null;
  // The least score, in 0.1 steps, that funds it fully at this budget.
  const withScore = (score: Decimal) => applications.map((a, i) => (i === index ? { ...a, score } : a));
  const fundedWith = (tenths: number) => solve(withScore(new D(tenths).div(10)), scenario).lines[index]!.grant.gte(full);
  let scoreNeeded: Decimal | null = null;
  const own = applications[index]!.score.times(10).floor().toNumber();
  if (full.gt(0) && fundedWith(1000)) {
    let lo = own;
    let hi = 1000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fundedWith(mid)) hi = mid;
      else lo = mid;
    }
    scoreNeeded = new D(hi).div(10);
  }
  return { partly, firstFundedAt, fullyFundedAt, scoreNeeded };
}

/** An infeasible outcome where none can be (a changed budget or score keeps every floor reachable): exit 2 all the same. */
function orThrow<T extends object>(x: T): Exclude<T, Infeasible> {
  if ('status' in x && x.status === 'infeasible') throw infeasibleError(x as unknown as Infeasible);
  return x as Exclude<T, Infeasible>;
}
