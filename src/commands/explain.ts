/**
 * `fundplan explain <scenario> <project_id>`: the full explanation of one project's grant,
 * and, for a project cut by the budget, what would have funded it — the extra budget, or
 * the score it would have needed — each found by re-solving the whole allocation.
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
import { explainAll } from '../report/explain.js';
import { openSensitivity, type SolverChoice } from '../solver/select.js';
import { loadScenario } from '../pipeline/load.js';
import { engineWith, infeasibleError, openEngine, solveVerified, withOptions, type Infeasible } from '../pipeline/solve.js';

export interface ExplainOptions {
  readonly scenario: string;
  readonly projectId: string;
  readonly budget?: Decimal;
  readonly lang?: 'zh' | 'en';
  readonly solver?: SolverChoice;
  /** A previous run's allocations.csv whose grants are kept fixed (a later batch). */
  readonly lock?: string;
}

export interface WhatWouldFund {
  /** The least budget (whole granularity units) at which it gets something, and its full entitlement; null: budget alone never does. */
  readonly firstFundedAt: Decimal | null;
  readonly fullyFundedAt: Decimal | null;
  /** The least score (0.1 steps) that would have funded it fully at this budget; null: none up to 100. */
  readonly scoreNeeded: Decimal | null;
}

export interface ExplainOutcome {
  readonly text: string;
  readonly whatWouldFund: WhatWouldFund | null;
}

export async function runExplain(options: ExplainOptions): Promise<ExplainOutcome> {
  const loaded = withOptions(loadScenario(options.scenario), options);
  const { policy, applications, scenario } = loaded;
  const index = applications.findIndex((a) => a.projectId === options.projectId);
  if (index < 0) {
    throw new InputError([{ file: 'project_id', expected: `a project of ${loaded.inputs.applications.file} (nearest: ${nearest(options.projectId, applications.map((a) => a.projectId))})`, found: JSON.stringify(options.projectId) }]);
  }
  const base = orThrow(await openEngine(loaded, options));
  // The re-solves below change the budget or one score: the same kind of model, the same backends, the same locked grants.
  const solve = (apps: readonly Application[], s: Scenario): Allocation => {
    const engine = apps === applications && s === scenario ? base : orThrow(engineWith({ ...loaded, applications: apps, scenario: s }, base.picker, { locked: base.locked }));
    return orThrow(solveVerified(engine)).allocation;
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
    whatWouldFund = findWhatWouldFund(line.entitlement!.amount, index, applications, scenario, solve, entitled);
    const w = whatWouldFund;
    const g = scenario.granularity;
    if (lang === 'zh') {
      lines.push(
        w.firstFundedAt ? `总预算增加 ${y(w.firstFundedAt.minus(scenario.budget))}（至 ${y(w.firstFundedAt)}）时开始获得资助` : '仅增加总预算不能使其获得资助',
        w.fullyFundedAt ? `总预算增加 ${y(w.fullyFundedAt.minus(scenario.budget))}（至 ${y(w.fullyFundedAt)}）时获得全额资助` : '仅增加总预算不能使其获得全额资助',
        w.scoreNeeded ? `在现有预算下，评审得分达到 ${w.scoreNeeded.toString()} 分即可获得全额资助` : '在现有预算下，得分再高也不能获得全额资助',
        `（以上均为整体重新求解并逐条校验的结果，预算以 ${y(g)} 为单位）`,
      );
    } else {
      lines.push(
        w.firstFundedAt ? `It would get something with ${y(w.firstFundedAt.minus(scenario.budget))} more budget (${y(w.firstFundedAt)})` : 'More budget alone would not fund it',
        w.fullyFundedAt ? `It would be fully funded with ${y(w.fullyFundedAt.minus(scenario.budget))} more budget (${y(w.fullyFundedAt)})` : 'More budget alone would not fund it fully',
        w.scoreNeeded ? `At this budget, a score of ${w.scoreNeeded.toString()} would have funded it fully` : 'At this budget, no score would have funded it fully',
        `(each found by re-solving the whole allocation and verifying it; budget steps of ${y(g)})`,
      );
    }
  }
  return { text: lines.join('\n'), whatWouldFund };
}

function findWhatWouldFund(
  entitlement: Decimal,
  index: number,
  applications: readonly Application[],
  scenario: Scenario,
  solve: (apps: readonly Application[], s: Scenario) => Allocation,
  entitled: Decimal,
): WhatWouldFund {
  const g = scenario.granularity;
  const full = floorTo(entitlement, g);
  const grantAt = (budget: Decimal) => solve(applications, withBudget(scenario, budget)).lines[index]!.grant;
  // Enough budget for every entitlement: beyond it, more budget changes nothing.
  const ceiling = scenario.budget.plus(entitled);
  /** The least budget (whole units above the current one) with grant ≥ target, by bisection. */
  const least = (target: Decimal): Decimal | null => {
    if (grantAt(ceiling).lt(target)) return null;
    let lo = 0; // units above the budget that do not suffice
    let hi = ceiling.minus(scenario.budget).div(g).ceil().toNumber();
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (grantAt(scenario.budget.plus(g.times(mid))).gte(target)) hi = mid;
      else lo = mid;
    }
    return scenario.budget.plus(g.times(hi));
  };
  const firstFundedAt = least(g);
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
  return { firstFundedAt, fullyFundedAt, scoreNeeded };
}

/** An infeasible outcome where none can be (a changed budget or score keeps every floor reachable): exit 2 all the same. */
function orThrow<T extends object>(x: T): Exclude<T, Infeasible> {
  if ('status' in x && x.status === 'infeasible') throw infeasibleError(x as unknown as Infeasible);
  return x as Exclude<T, Infeasible>;
}
