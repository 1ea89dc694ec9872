/**
 * `fundplan sweep <scenario> --from A --to B --steps K`: the efficient frontier. The model
 * is built once; each budget moves only the budget row and is solved, rounded and verified by
 * the pipeline like any solve (with the backend the solve would pick, or the one asked for).
 * With `--cash-year Y` (a multi-year scenario), year Y's cash is varied instead: each point is
 * prepared again with that cash (its cash rows' rooms move) and solved the same way.
 */
import type { Decimal } from 'decimal.js';
import { InputError, InternalError } from '../errors.js';
import { writeOutputsAtomically } from '../io/write.js';
import { floorTo, fmtYuanHuman } from '../money.js';
import type { Allocation } from '../model/allocate.js';
import { withBudget, type Scenario } from '../model/scenario.js';
import { horizonOf, type CashWindow } from '../model/years.js';
import { frontierCsv, entryCsv, frontierHtml, frontierSvg, findKnee, type FrontierPoint, type EntryBudgets, type Varied } from '../report/frontier.js';
import type { SolverChoice } from '../solver/select.js';
import { loadScenario } from '../pipeline/load.js';
import { cashDual } from '../pipeline/analyse.js';
import { engineWith, infeasibleError, openEngine, solveVerified, withCash, type Verified } from '../pipeline/solve.js';
import { fingerprint, solvesAhead, startAhead, sweptFrom, threadsFor, threadsIssue, type AheadJob, type SweptLine, type SweptPoint } from '../pipeline/ahead.js';

export interface SweepOptions {
  readonly scenario: string;
  readonly from: Decimal;
  readonly to: Decimal;
  readonly steps: number;
  readonly out: string;
  /** Which LP backend (default auto). */
  readonly solver?: SolverChoice;
  /** Earlier batches' allocations.csv kept fixed at every budget, after the scenario's own `lock`. */
  readonly lock?: string | readonly string[];
  /** Vary this year's cash (a year of the scenario's `cash`) instead of the budget. */
  readonly cashYear?: number;
  /** Called after each point (for a progress bar). */
  readonly onPoint?: (done: number, total: number) => void;
  /**
   * Worker threads that solve an integer model's points while this thread solves the first and
   * takes the others in order (pipeline/ahead.ts): default one fewer than the cores, at most 2. The
   * figures are the same either way.
   */
  readonly aheadThreads?: number;
}

export interface SweepOutcome {
  readonly points: readonly FrontierPoint[];
  readonly entries: readonly EntryBudgets[];
  /** Index into points of the knee, or null. */
  readonly knee: number | null;
  readonly files: readonly string[];
  readonly text: string;
  /** How many points other threads solved (`aheadThreads`). */
  readonly resolvedAhead: number;
}

/** A point as the sweep reads it: its lines, objective and total granted, and the LP's marginal value of what is varied (null without one). */
interface Point extends SweptPoint {
  readonly dual: number | null;
}

export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const issues = [];
  if (!Number.isInteger(options.steps) || options.steps < 2 || options.steps > 10_000) {
    issues.push({ file: '--steps', expected: 'a whole number of budget points from 2 to 10,000', found: String(options.steps) });
  }
  if (options.to.lte(options.from)) issues.push({ file: '--to', expected: `${options.cashYear === undefined ? 'a budget' : 'an amount'} above --from (${options.from})`, found: options.to.toString() });
  const threadsWrong = threadsIssue(options.aheadThreads, 'aheadThreads');
  if (threadsWrong) issues.push(threadsWrong);
  if (issues.length) throw new InputError(issues);
  const threads = threadsFor(options.aheadThreads, 'aheadThreads');

  const loaded0 = loadScenario(options.scenario);
  const g = loaded0.scenario.granularity;
  const varied: Varied = options.cashYear === undefined ? null : { cashYear: cashYearOf(loaded0.scenario, options.cashYear, options.scenario) };
  const at = (amount: Decimal): Scenario => (varied ? withCash(loaded0.scenario, varied.cashYear, amount) : withBudget(loaded0.scenario, amount));
  const engine = await openEngine({ ...loaded0, scenario: at(options.to) }, { solver: options.solver, lock: options.lock, keepBudgetRow: !varied });
  if ('status' in engine) throw infeasibleError(engine);
  // Budgets on whole granularity units, evenly spaced, both ends included.
  const budgets = Array.from({ length: options.steps }, (_, k) => (k === options.steps - 1 ? options.to : floorTo(options.from.plus(options.to.minus(options.from).times(k).div(options.steps - 1)), g)));
  // Each point from the optimal bases of the point solved before it, where HiGHS solves the LP
  // (the same model with another budget or cash: a few pivots; AllocateOptions.warmStart). An LP
  // model's points are solved here in order; a model whose points also run on threads is a MIP,
  // which takes no basis.
  let last: Allocation['model'] | undefined;
  const kept = (verified: Verified): Verified => {
    if (verified.status !== 'infeasible') last = verified.allocation.model;
    return verified;
  };
  /** The point at `amount`, solved (rounded, verified): the budget row moved, or a year's cash prepared again. */
  const solvedAt = (amount: Decimal): { verified: Verified; windows: readonly CashWindow[] } => {
    if (!varied) return { verified: kept(solveVerified(engine, { at: amount, warmStart: last })), windows: [] };
    const other = engineWith({ ...engine.loaded, scenario: at(amount) }, engine.picker, { locked: engine.locked });
    return 'status' in other ? { verified: other, windows: [] } : { verified: kept(solveVerified(other, { warmStart: last })), windows: other.prepared.cash.map((r) => r.window) };
  };
  /** A point solved here as the sweep reads it, with the LP's marginal value of the budget (or of the year's cash) where there is one. */
  const pointOf = (amount: Decimal, { verified, windows }: { verified: Verified; windows: readonly CashWindow[] }): Point => {
    // Floors above a low budget: that point has no allocation, and the sweep says so.
    if (verified.status === 'infeasible') throw infeasibleError(verified);
    const { allocation } = verified;
    const budgetRow = allocation.model.shape.rowLimit.findIndex((kk) => allocation.limits[kk]!.kind === 'budget');
    const { duals } = allocation.model;
    const scenario = at(amount);
    const dual = !duals || (varied && allocation.rules)
      ? null
      : varied
      ? cashDual(allocation, duals, windows, scenario.cashPlan!.carryYears, varied.cashYear, scenario.budgetGiven === false)
      : budgetRow >= 0
      ? duals[budgetRow]!
      : null;
    return { lines: allocation.lines, objective: allocation.objective, granted: allocation.granted, dual };
  };
  // An integer model's points after the first on other threads, each as this thread would solve it
  // (the same engine, loaded again). An integer model's points have no marginal value from duals.
  const ahead =
    solvesAhead(engine.prepared) && threads > 0
      ? startAhead(
          {
            scenarioPath: options.scenario,
            solver: options.solver ?? 'auto',
            fingerprint: fingerprint(engine.loaded),
            ...(options.lock === undefined ? {} : { lock: options.lock }),
            ...(varied ? { cash: { year: varied.cashYear, at: options.to.toString() } } : { budgetAt: options.to.toString(), keepBudgetRow: true }),
          },
          budgets.slice(1).map((b): AheadJob => (varied ? { kind: 'cash', year: varied.cashYear, at: b.toString() } : { kind: 'budget', at: b.toString() })),
          threads,
        )
      : null;
  let first: Point | null = null;
  let resolvedAhead = 0;
  /** Points after the first that this thread solved while a thread had the one it needed next (by job: point − 1), or what solving one threw. */
  const solvedHere = new Map<number, { readonly solved: { verified: Verified; windows: readonly CashWindow[] } } | { readonly error: unknown }>();
  /** Point k: another thread's answer where one took it (and answered), else solved here. */
  const pointAt = async (k: number): Promise<Point> => {
    const id = k - 1;
    const early = solvedHere.get(id);
    if (early) {
      if ('error' in early) throw early.error;
      return pointOf(budgets[k]!, early.solved);
    }
    if (!ahead || !first || first.dual !== null || k === 0 || ahead.take(id)) return pointOf(budgets[k]!, solvedAt(budgets[k]!));
    // A thread has point k. Until its answer is in, this thread solves the next points no thread
    // has taken (what one of them has to say, an error too, is said when the sweep reaches it).
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve)); // the threads' messages so far
      if (ahead.settled(id)) break;
      const next = ahead.takeNext();
      if (next === null) break;
      try {
        solvedHere.set(next, { solved: solvedAt(budgets[next + 1]!) });
      } catch (error) {
        solvedHere.set(next, { error });
      }
    }
    const swept = sweptFrom(first.lines, await ahead.answerOf(id));
    if (!swept) return pointOf(budgets[k]!, solvedAt(budgets[k]!));
    resolvedAhead++;
    return { ...swept, dual: null };
  };
  // With the earlier batches: a locked project known only from its lock file is one of its lines.
  const { loaded } = engine;
  const points: FrontierPoint[] = [];
  const firstFunded: (Decimal | null)[] = loaded.applications.map(() => null);
  const fullyFunded: (Decimal | null)[] = loaded.applications.map(() => null);
  /** What stopped each application at the largest budget, for those it did not fund fully. */
  let reasons: string[] = [];
  try {
    for (let k = 0; k < options.steps; k++) {
      const budget = budgets[k]!;
      const point = await pointAt(k);
      first ??= point;
      let fully = 0;
      let partly = 0;
      point.lines.forEach((line, i) => {
        if (line.grant.gt(0)) {
          if (line.limitId === null) fully++;
          else partly++;
        }
        // Entry budgets are the budget's doing: a candidate's grant, against its entitlement
        // rounded down to the granularity (not an earlier batch's locked grant, nor the "no limit
        // stopped it" of an excluded, group-blocked or zero-entitlement application).
        if (line.candidate < 0 || line.grant.isZero()) return;
        firstFunded[i] ??= budget;
        if (line.grant.gte(floorTo(line.entitlement!.amount, g))) fullyFunded[i] ??= budget;
      });
      if (k === options.steps - 1) reasons = point.lines.map((line, i) => (fullyFunded[i] ? '' : entryReason(line, g)));
      const { dual } = point;
      points.push({
        ...(varied ? { unallocated: at(budget).budget.minus(point.granted) } : {}),
        budget,
        objective: point.objective,
        granted: point.granted,
        funded: fully + partly,
        fullyFunded: fully,
        partlyFunded: partly,
        fundingLine: dual !== null && dual > 1e-9 ? Math.round(dual * 1e4) / 1e4 : null,
      });
      options.onPoint?.(k + 1, options.steps);
    }
  } finally {
    ahead?.close();
  }
  // An earlier batch's grant does not move with the budget: those projects have no entry budget.
  const entries: EntryBudgets[] = loaded.applications.flatMap((a, i) =>
    engine.locked?.has(a.projectId)
      ? []
      : [{ projectId: a.projectId, projectName: a.projectName, measure: a.measureId, score: a.score.toString(), firstFunded: firstFunded[i] ?? null, fullyFunded: fullyFunded[i] ?? null, reason: reasons[i] ?? '' }],
  );
  const knee = findKnee(points);
  const name = loaded.scenario.name;
  const svg = frontierSvg(points, knee, 'zh', varied);
  const files = writeOutputsAtomically(options.out, [
    { name: 'frontier.csv', content: frontierCsv(points, knee, varied) },
    { name: 'entry-budgets.csv', content: entryCsv(entries, varied) },
    { name: 'frontier.svg', content: svg },
    { name: 'frontier.html', content: frontierHtml(name, points, knee, entries, svg, 'zh', varied) },
  ]);
  // More budget never lowers the LP optimum; rounding to whole units can cost at most a unit per
  // application at the top score. A larger drop is a bug.
  const slack = g.times(100).times(loaded.applications.length);
  const drops = points.filter((p, i) => i > 0 && points[i - 1]!.objective.minus(p.objective).gt(slack));
  if (drops.length) throw new InternalError(`the frontier fell as ${varied ? `the cash of ${varied.cashYear}` : 'the budget'} rose`, drops.map((p) => `at ${p.budget}`));
  const what = varied ? `${varied.cashYear}年资金` : '预算';
  const kneeText = knee === null ? '' : `；拐点：${what} ${fmtYuanHuman(points[knee]!.budget)}，此后每增加¥1,000,000 的目标值增量明显下降`;
  return {
    points,
    entries,
    knee,
    files,
    resolvedAhead,
    text: `${what}扫描 ${options.steps} 点（${fmtYuanHuman(points[0]!.budget)}–${fmtYuanHuman(points[points.length - 1]!.budget)}${varied ? '，其余年度资金与预算不变' : ''}），每点均逐条校验通过${kneeText}\n输出：${files.join('，')}`,
  };
}

/** `--cash-year`: a year of the scenario's cash, or an InputError naming the scenario. */
function cashYearOf(scenario: Scenario, year: number, file: string): number {
  const plan = scenario.cashPlan;
  if (!plan) throw new InputError([{ file: '--cash-year', expected: `a scenario with "cash" by year (${file} has none)`, found: String(year) }]);
  const years = horizonOf(plan);
  if (!Number.isInteger(year) || !plan.cash.has(year)) throw new InputError([{ file: '--cash-year', expected: `a year of ${file}'s "cash" (${years.join(', ')})`, found: String(year) }]);
  return year;
}


/**
 * Why an application was not fully funded at the largest budget swept: what set its grant there
 * (allocations.csv's binding: not a candidate, a decision, its exclusive group, a limit, a rule),
 * or `zero_entitlement` when the policy allows it nothing.
 */
function entryReason(line: SweptLine, granularity: Decimal): string {
  if (line.candidate >= 0 && floorTo(line.entitlement!.amount, granularity).isZero()) return 'zero_entitlement';
  return line.binding;
}
