/** `fundplan solve`: the pipeline, then every output file. A plain function the CLI and tests call. */
import type { Decimal } from 'decimal.js';
import { humanSummary, type Summary } from '../report/summary.js';
import type { MipProgress, Picker, SolverChoice } from '../solver/select.js';
import type { Allocation } from '../model/allocate.js';
import type { Verification } from '../verify/verify.js';
import type { Loaded } from '../pipeline/load.js';
import { infeasibleError, solve, withSummary, type NoticeScope, type Solved, type SolveOptions } from '../pipeline/solve.js';
import { formatAside, writeOutputs } from '../pipeline/outputs.js';

export { OUTPUT_FILES, outputFilesOf } from '../pipeline/outputs.js';

export interface SolveCommandOptions {
  readonly scenario: string;
  readonly out: string;
  /** Overrides the scenario's budget. */
  readonly budget?: Decimal;
  /** Leave timings out of summary.json, so that every byte is a function of the inputs. */
  readonly noTimings?: boolean;
  /** Stop the LP after this long and report the best allocation found and its gap. */
  readonly timeLimitSeconds?: number;
  /** Earlier batches' allocations.csv kept fixed, after the scenario's own `lock` (a later batch). */
  readonly lock?: string | readonly string[];
  /** notice.csv lists this run's batch alone (default) or every batch. */
  readonly notice?: NoticeScope;
  /** Language of the one-line explanations and reports (default zh). */
  readonly lang?: 'zh' | 'en';
  /** Write the stage-1 LP (CPLEX LP format) to this file. */
  readonly emitLp?: string;
  /** Which LP backend (default auto), or a ready picker (tests). */
  readonly solver?: SolverChoice | Picker;
  /** The sheet of an .xlsx applications file (default: the first). */
  readonly sheet?: string;
  /** Any warning is an error (exit 1) and nothing is written: for unattended runs. */
  readonly strict?: boolean;
  /** How far the budget is moved in the re-solves that say what more (and less) budget would do (default ¥1,000,000). */
  readonly marginalStep?: Decimal;
  /** Leave out whatif.html. */
  readonly noWhatif?: boolean;
  /** Worker threads for an integer model's re-solves (the pipeline's `aheadThreads`; default one fewer than the cores, at most 2). */
  readonly aheadThreads?: number;
  /** Hears how an integer model's search stands while it runs on this thread (the CLI prints a long one's). */
  readonly onMipProgress?: (progress: MipProgress) => void;
}

export interface SolveOutcome {
  readonly loaded: Loaded;
  readonly allocation: Allocation;
  readonly verification: Verification;
  readonly summary: Summary;
  readonly files: readonly string[];
  readonly text: string;
}

/** Solve without writing (an infeasible scenario throws InfeasibleError, the CLI's exit 2). */
export async function solveScenario(options: Omit<SolveCommandOptions, 'out'>, hooks: Pick<SolveOptions, 'onApplicationsRead' | 'onLoaded' | 'onRows' | 'onNotice' | 'onCommitments'> = {}): Promise<Solved> {
  const outcome = await solve(options.scenario, { ...options, timings: !options.noTimings, onApplicationsRead: hooks.onApplicationsRead, onLoaded: hooks.onLoaded, onRows: hooks.onRows, onNotice: hooks.onNotice, onCommitments: hooks.onCommitments });
  if (outcome.status === 'infeasible') throw infeasibleError(outcome);
  return outcome;
}

/**
 * The most applications `solve` writes whatif.html for: the page is made for a meeting's questions
 * on a city's batch (its figures are measured up to 20,000); `fundplan whatif` makes it for any size.
 */
export const WHATIF_SOLVE_MAX = 20_000;

export async function runSolve(options: SolveCommandOptions): Promise<SolveOutcome> {
  const aside = formatAside();
  let given: Solved;
  try {
    given = await solveScenario(options, aside);
  } catch (e) {
    // The format threads start once the applications are read: a solve that fails after that stops them.
    aside.close();
    throw e;
  }
  // The table's length: neither `allocations` (a record object of every row) nor the rows are made here.
  const count = given.detail.table.length;
  const tooMany = count > WHATIF_SOLVE_MAX;
  // The what-if page has no controls for a year's cash and cannot solve every multi-year model as the CLI does: not written for one.
  const multiYear = !options.noWhatif && given.detail.loaded.scenario.cashPlan !== undefined;
  const solved: Solved = multiYear ? withSummary(given, { ...given.summary, whatif: { written: false, why: 'multi-year', description: WHATIF_MULTI_YEAR } }) : given;
  const files = await writeOutputs(solved, options.out, aside.started(), options.noWhatif || tooMany || multiYear ? {} : { whatifOf: options.scenario });
  const { loaded, allocation, verification } = solved.detail;
  const note = options.noWhatif
    ? ''
    : multiYear
    ? '\nwhatif.html 未写出：多年度情景（按年度资金）暂不支持模拟页面；各年度资金的作用见报告的边际价值，或用 fundplan sweep --cash-year 试算'
    : tooMany
    ? `\nwhatif.html 未写出：申请 ${count} 项，多于 ${WHATIF_SOLVE_MAX} 项（需要时用 fundplan whatif 单独生成）`
    : '';
  return { loaded, allocation, verification, summary: solved.summary, files, text: humanSummary(solved.summary, files) + note };
}

/** Why whatif.html is not written for a multi-year scenario (summary.json's `whatif`, and `fundplan whatif`'s refusal). */
export const WHATIF_MULTI_YEAR =
  "the what-if page does not take multi-year scenarios (cash by year): it has no controls for a year's cash, and it cannot solve every such model as fundplan solve does; see the marginal values of each year's cash, or fundplan sweep --cash-year";
