/**
 * The one path from a scenario to a verified allocation, which every command and the library
 * take: load → check → prepare → pick a backend → solve → round → verify → analyse → the
 * summary and the reports' data. The outcome is a status union: an allocation only with
 * `optimal` or `time_limit`, and only after the independent verifier passed it; a scenario
 * that no allocation satisfies is `infeasible` with its conflicts, not an exception. Bad input
 * throws InputError (every issue at once); a broken rule or a misbehaving solver throws
 * InternalError.
 */
import type { Decimal } from 'decimal.js';
import { InfeasibleError, InputError, InternalError, type Conflict, type InputIssue } from '../errors.js';
import { D, ZERO, parseAmount } from '../money.js';
import { writeFileAtomically } from '../io/write.js';
import { pickerWork, type AllocateOptions, type Allocation, type Prepared } from '../model/allocate.js';
import { checkScenario } from '../model/check.js';
import { budgetUseWarnings, type BudgetUse } from '../model/plausibility.js';
import { candidatesOf, capsIn } from '../model/prepare.js';
import type { LinearProgram, MipProgress } from '../solver/types.js';
import { cashTotal, withBudget, type Scenario } from '../model/scenario.js';
import { toCplexLp } from '../solver/lp-format.js';
import { integerBackendOf, loadPicker, needsOf, type Picker, type SolverChoice } from '../solver/select.js';
import type { Commitment } from '../model/ledger.js';
import type { Verification } from '../verify/verify.js';
import { ALLOCATION_COLUMNS, allocationTable, type BatchNumbers } from '../report/allocations.js';
import { tableRows, type TextTable } from '../report/text-table.js';
import { buildNotice, buildReportData, lineKeys, type Lang, type Notice, type ReportData } from '../report/data.js';
import { explainAll } from '../report/explain.js';
import { buildSummary, type Summary, type Timings } from '../report/summary.js';
import { TOOL_VERSION } from '../version.js';
import { marginalStepOf, reSolveAmounts, startAnalysis, type Analysis, type Resolved, type Warm } from './analyse.js';
import { comparable, prepareOrConflicts, solveCompared, solveRounded, type Checked, type Conflicted, type Rounded } from './verified.js';
import { MEMORY, loadInput, withLocks, type Input, type Loaded, type LockInput } from './load.js';
import { aheadKey, fingerprint, resolvedFrom, solvesAhead, startAhead, threadsFor, type Ahead, type AheadAnswer, type AheadJob } from './ahead.js';

export interface SolveOptions {
  /** Overrides the scenario's budget: a Decimal, or yuan as text (`"5000万"`, `"0.5亿"`) or a number. */
  readonly budget?: Decimal | string | number;
  /**
   * Earlier batches whose grants are kept fixed, after the scenario's own `lock`: a previous
   * run's allocations.csv, several in order (batch 1, 2, …), or grants by project id.
   */
  readonly lock?: LockInput;
  /** The public notice (notice.csv and the reports' notice table): this run's batch alone (default), or every batch. */
  readonly notice?: NoticeScope;
  /** Language of explanations and reports (default zh). */
  readonly lang?: Lang;
  /** Which LP backend (default auto), or a ready picker. */
  readonly solver?: SolverChoice | Picker;
  /** Stop the LP after this long; the best allocation found is returned with status `time_limit` and its gap. */
  readonly timeLimitSeconds?: number;
  /** Hears how an integer model's search stands while HiGHS runs it on this thread (the CLI prints it for a long one). */
  readonly onMipProgress?: (progress: MipProgress) => void;
  /** Keep timings in the summary (default true); false makes every output a function of the inputs. */
  readonly timings?: boolean;
  /** The sheet of an .xlsx applications file (default: the scenario's "sheet", else the first). */
  readonly sheet?: string;
  /** Write the stage-1 LP (CPLEX LP format) to this file. */
  readonly emitLp?: string;
  /** Called with the applications file's size in bytes once it is read, before it is parsed (the CLI starts the threads that will format the big outputs, for a big file). */
  readonly onApplicationsRead?: (bytes: number) => void;
  /** Called once the applications are read, with their count (the CLI starts the threads that will format the big outputs, or stops those it started for a file that held fewer than it took). */
  readonly onLoaded?: (applications: number) => void;
  /**
   * Called with allocations.csv's rows, as a table (`TextTable`), and the scenario's name as soon as they exist (the CLI formats them on another thread):
   * before the verifier has passed them. Nothing may be written from them unless `solve` returns an allocation; where it throws
   * or finds the scenario infeasible, they are to be dropped.
   */
  readonly onRows?: (rows: TextTable, scenario: string) => void;
  /**
   * Called with the public notice (in `lang`'s run, of the scenario named) as soon as the allocation is rounded, before the analysis
   * and the verifier: the same terms as `onRows`.
   */
  readonly onNotice?: (notice: Notice, lang: Lang, scenario: string) => void;
  /** Called with commitments.csv's instalments as soon as the verifier has passed them, before the analysis ends: the same terms as `onRows`. */
  readonly onCommitments?: (commitments: readonly Commitment[], lang: Lang, scenario: string) => void;
  /**
   * Treat every warning as an error (for unattended runs): a solve with any throws an InputError
   * listing them, and nothing is written (not even `emitLp`).
   */
  readonly strict?: boolean;
  /** How far the budget is moved in the re-solves that say what more (and less) budget would do: yuan, or text (`"1000万"`); default ¥1,000,000. */
  readonly marginalStep?: Decimal | string | number;
  /**
   * Worker threads that solve an integer model again at budget ± step and at each year's cash + step (the analysis's re-solves, each a
   * MIP as hard as the first) while this thread solves it the first time, for a scenario given as a file's path (pipeline/ahead.ts); and
   * that share the marginal values' searches of a big LP HiGHS solved, each with its own copy of the model (pipeline/ranges.ts).
   * Default: one fewer than the machine's cores, at most 2 (0 on one core: each is then solved after the first, on this thread). Not
   * used for the re-solves under `timeLimitSeconds`. The figures are the same either way.
   */
  readonly aheadThreads?: number;
}

/** One row of allocations.csv, by column name: every application, in input order, amounts as yuan strings. */
export type AllocationRecord = { readonly [K in (typeof ALLOCATION_COLUMNS)[number]]: string };

/** What a solve produced beyond the records and the summary: for the writers and the commands. */
export interface SolvedDetail {
  readonly loaded: Loaded;
  readonly allocation: Allocation;
  readonly verification: Verification;
  /** commitments.csv's rows: the instalments of this run's new grants, as the verifier checked them. */
  readonly commitments: readonly Commitment[];
  readonly data: ReportData;
  /** allocations.csv's rows (ALLOCATION_COLUMNS order; the file is `toExcelCsv` of them), made from `table` when first read. */
  readonly rows: readonly (readonly string[])[];
  /** The same rows as columns. */
  readonly table: TextTable;
  /** Milliseconds spent formatting so far (the writer adds the files'). */
  readonly msFormat: number;
  /** How many of the analysis's re-solves other threads answered (`aheadThreads`). */
  readonly resolvedAhead: number;
}

export interface Solved {
  readonly status: 'optimal' | 'time_limit';
  /** Every application, in input order, as allocations.csv has it. */
  readonly allocations: readonly AllocationRecord[];
  /** The object summary.json holds. */
  readonly summary: Summary;
  readonly conflicts: readonly [];
  readonly detail: SolvedDetail;
}

/**
 * `solved` with another summary. Its `allocations` stay made only when read (a spread would read
 * them: a record object for every row).
 */
export function withSummary(solved: Solved, summary: Summary): Solved {
  return {
    status: solved.status,
    get allocations() {
      return solved.allocations;
    },
    summary,
    conflicts: solved.conflicts,
    detail: solved.detail,
  };
}

export interface Infeasible {
  readonly status: 'infeasible';
  /** Every limit or rule that cannot be met together, with by how much. */
  readonly conflicts: readonly Conflict[];
  /** One sentence for people. */
  readonly message: string;
  readonly loaded: Loaded;
}

export type Outcome = Solved | Infeasible;

/** Which batches the public notice lists. */
export type NoticeScope = 'new' | 'all';

/** Solve a scenario (a file's path, or one in memory): the library's entry point. */
export async function solve(input: Input, options: SolveOptions = {}): Promise<Outcome> {
  const t0 = performance.now();
  const loaded = withOptions(loadInput(input, { sheet: options.sheet, onApplicationsRead: options.onApplicationsRead }), options);
  const msParse = performance.now() - t0;
  options.onLoaded?.(loaded.applications.length);
  return solveFrom(loaded, options, msParse, typeof input === 'string' ? input : undefined);
}

/** The loaded scenario with the options that change it (the budget). */
export function withOptions(loaded: Loaded, options: Pick<SolveOptions, 'budget'>): Loaded {
  if (options.budget === undefined) return loaded;
  return { ...loaded, scenario: withBudget(loaded.scenario, budgetOf(options.budget)) };
}

function budgetOf(budget: Decimal | string | number): Decimal {
  if (typeof budget === 'object') return budget;
  const r = parseAmount(String(budget));
  if (!r.ok) throw new InputError([{ file: 'budget', expected: `${r.expected} (yuan, or with 万/亿)`, found: JSON.stringify(budget) }]);
  return r.value;
}

/** A preparation and the backends for it: the part of a solve that does not depend on the budget. */
export interface Engine {
  readonly loaded: Loaded;
  readonly prepared: Prepared;
  readonly picker: Picker;
  readonly locked: ReadonlyMap<string, Decimal> | undefined;
  /** Milliseconds spent loading the backends (counted as solving). */
  readonly msBackends: number;
  /** The picker was made here from a solver choice: it picks by the LP's kind alone (integer, network or neither, and its size). */
  readonly picksByKind?: boolean;
  /** Milliseconds spent building the LPs the model hands the backends, built before them (counted as building). */
  readonly msLps: number;
  /** Milliseconds spent checking the scenario as a whole and working out its candidates (counted as building). */
  readonly msCheck: number;
}

export interface EngineOptions extends Pick<SolveOptions, 'lock' | 'solver' | 'onMipProgress'> {
  /** Keep the budget row even where it cannot bind, to solve at other budgets (`atBudget`). */
  readonly keepBudgetRow?: boolean;
}

/**
 * Check the scenario as a whole (every input issue at once, as `validate` reports them), prepare
 * it and load the backends it needs. The engine's `loaded` holds the earlier batches: the
 * scenario's own and `lock`'s. Locked grants that no longer fit come back as conflicts.
 */
export async function openEngine(given: Loaded, options: EngineOptions = {}): Promise<Engine | Infeasible> {
  const loaded = withLocks(given, options.lock);
  const locked = loaded.locks.sources.length ? loaded.locks.grants : undefined;
  const solver = typeof options.solver === 'function' ? undefined : integerBackendOf(options.solver ?? 'auto');
  const tc = performance.now();
  checkScenario(loaded.applications, loaded.policy, loaded.scenario, { locked, lockedFrom: loaded.locks.at, solver });
  const msCheck = performance.now() - tc;
  const prepared = prepare(loaded, locked, options);
  if ('status' in prepared) return prepared;
  // HiGHS's WebAssembly is loaded only for a model that needs it (an integer model, or an LP that
  // is not a network LP): the policy's own priority model never does.
  // The LPs first (building them is the model's work, counted as building), then the backends for them.
  const tl = performance.now();
  const work = pickerWork(prepared);
  const t = performance.now();
  const picker = typeof options.solver === 'function' ? options.solver : await loadPicker(options.solver ?? 'auto', Math.max(loaded.applications.length, prepared.candidates.length), { ...needsOf(work), onMipProgress: options.onMipProgress });
  return { loaded, prepared, picker, locked, msBackends: performance.now() - t, msLps: t - tl, msCheck, picksByKind: typeof options.solver !== 'function' };
}

/** An engine on backends already loaded, for re-solves of a checked scenario changed in its budget or a score. */
export function engineWith(loaded: Loaded, picker: Picker, options: { readonly locked?: ReadonlyMap<string, Decimal>; readonly keepBudgetRow?: boolean } = {}): Engine | Infeasible {
  const prepared = prepare(loaded, options.locked, options);
  return 'status' in prepared ? prepared : { loaded, prepared, picker, locked: options.locked, msBackends: 0, msLps: 0, msCheck: 0 };
}

function prepare(loaded: Loaded, locked: ReadonlyMap<string, Decimal> | undefined, options: { readonly keepBudgetRow?: boolean }): Prepared | Infeasible {
  const prepared = prepareOrConflicts(loaded.applications, loaded.policy, loaded.scenario, { locked, keepBudgetRow: options.keepBudgetRow });
  return 'status' in prepared ? { ...prepared, loaded } : prepared;
}

/** A verified allocation, or the conflicts that leave none. */
export type Verified = Exclude<Checked, Conflicted> | Infeasible;

/**
 * Solve an engine's preparation (or its preparation at budget `at`, for an engine that kept its budget row), round,
 * and verify: the allocation comes back only when the independent verifier found no broken rule.
 */
export function solveVerified(
  engine: Engine,
  options: Pick<SolveOptions, 'timeLimitSeconds' | 'emitLp'> & { readonly at?: Decimal; readonly onLp?: (lp: LinearProgram) => void; readonly warmStart?: AllocateOptions['warmStart'] } = {},
): Verified {
  const rounded = solveRoundedOf(engine, options);
  return rounded.status === 'infeasible' ? rounded : rounded.verify();
}

/** `solveVerified` in two steps: solved and rounded, verified when its `verify` is called (nothing of it may leave before). */
function solveRoundedOf(
  engine: Engine,
  options: Pick<SolveOptions, 'timeLimitSeconds' | 'emitLp'> & { readonly at?: Decimal; readonly onLp?: (lp: LinearProgram) => void; readonly warmStart?: AllocateOptions['warmStart'] },
): Exclude<Rounded, Conflicted> | Infeasible {
  const { loaded, picker, locked } = engine;
  const emit = options.emitLp;
  const onLp = options.onLp ?? (emit ? (lp: LinearProgram) => writeLp(emit, lp, loaded, loaded.scenario.name) : undefined);
  const rounded = solveRounded(engine.prepared, picker, { at: options.at, timeLimitSeconds: options.timeLimitSeconds, onLp, locked, warmStart: options.warmStart });
  return rounded.status === 'infeasible' ? { ...rounded, loaded } : rounded;
}

/** The LP as handed to the solver, in CPLEX LP format, with where it came from. */
function writeLp(path: string, lp: LinearProgram, loaded: Loaded, scenarioName: string): void {
  writeFileAtomically(
    path,
    toCplexLp(lp, [
      `fundplan ${TOOL_VERSION}: ${scenarioName}, policy ${loaded.policy.id}`,
      'the model as handed to the solver: the priority LP is in 万元, one column per group of interchangeable applications; integer models are in granularity units, one column per application',
      `applications sha256 ${loaded.inputs.applications.sha256}`,
    ]),
  );
}

/**
 * The budget's check (model/plausibility.ts): after a solve, from its allocation; before one
 * (`validate`), from what the policy allows the candidates. Named after the scenario file.
 */
export function budgetWarnings(loaded: Loaded, file: string, allocation?: Allocation): InputIssue[] {
  const { scenario } = loaded;
  // Without a budget the cash by year bounds the grants: there is no budget to be too large or too small.
  if (scenario.budgetGiven === false) return [];
  const g = scenario.granularity;
  let use: BudgetUse;
  if (allocation) {
    const lines = allocation.lines;
    const locked = lines.reduce((sum, l) => (l.binding === 'locked' ? sum.plus(l.grant) : sum), ZERO);
    const capOf = capsIn(g);
    // Made only where the check reads them (less than half of the budget allocated).
    let candidates: BudgetUse['candidates'] | undefined;
    use = {
      budget: scenario.budget,
      granted: allocation.granted,
      locked,
      applications: lines.length,
      get candidates() {
        return (candidates ??= lines.filter((l) => l.candidate >= 0).map((l) => ({ app: l.app, cap: capOf(l.entitlement!.amount), grant: l.grant, binding: l.binding })));
      },
    };
  } else {
    const c = candidatesOf(loaded.applications, loaded.policy, scenario);
    use = { budget: scenario.budget, granted: null, locked: ZERO, applications: loaded.applications.length, candidates: c.candidates.map((app, i) => ({ app, cap: c.caps[i]! })) };
  }
  return budgetUseWarnings(use, { file, row: 'budget' }, loaded.source ?? { file: loaded.inputs.applications.file, headers: {} });
}

/** `--strict`: the warnings as an InputError, the first issue saying why. */
function strictError(warnings: readonly InputIssue[]): InputError {
  const why = { file: 'strict', expected: 'no warnings (--strict treats each as an error; nothing was written)', found: `${warnings.length} warning${warnings.length === 1 ? '' : 's'}, listed below` };
  return new InputError([why, ...warnings]);
}

/** The InfeasibleError an infeasible outcome stands for (the CLI's exit 2). */
export function infeasibleError(outcome: Infeasible): InfeasibleError {
  return new InfeasibleError(outcome.message, outcome.conflicts);
}

/**
 * The engine's scenario solved (rounded, verified) at another budget: on its own preparation where it kept the budget row, else prepared again.
 * For the priority LP on its own preparation, with `base` (the allocation it is compared with), only to be compared with `base`
 * (`solveCompared`): with `warm` (the priority LP's first solve kept open), the LP at that budget solved from the first solve's
 * optimum where that gives the values a cold solve gives (see `ParametricLp.warm`); without it, from `base`'s optimal bases where
 * HiGHS takes them. Otherwise (an integer model, another objective, a scenario prepared again), solved and verified in full from
 * `base`'s bases where HiGHS takes them, else from the start (`resolveBudgetAt`).
 */
export function resolveAt(engine: Engine, budget: Decimal, timeLimitSeconds: number | undefined, warm?: Warm, base?: Allocation): Resolved {
  const { prepared } = engine;
  if (!base || !prepared.shape.rowLimit.some((k) => prepared.limits[k]!.kind === 'budget') || !comparable(prepared)) return resolveBudgetAt(engine, budget, timeLimitSeconds, base?.model);
  if (!warm) return solveCompared(prepared, engine.picker, base, { at: budget, timeLimitSeconds, locked: engine.locked, warmStart: base.model });
  const picker: Picker = (lp) => {
    // The LP at another budget is the first one with the budget row moved. A picker that picks by the LP's kind (integer,
    // network, its size: every one made from a solver choice) picks for it what it picked for the first, where it is a network
    // LP too: known from the first's detection and the moved bound's scale, without detecting it again.
    const picked = engine.picksByKind && warm.sameNetwork(lp) ? engine.picker(warm.lp) : engine.picker(lp);
    return { ...picked, backend: warm.backend(picked.backend) };
  };
  return solveCompared(prepared, picker, base, { at: budget, timeLimitSeconds, locked: engine.locked });
}

/**
 * The engine's scenario solved (rounded, verified) at another budget: on its own preparation where
 * it kept the budget row, else prepared again; its priority LP's stages from `warmStart` where
 * given (an earlier allocation's optimal bases, AllocateOptions.warmStart), else from the start.
 */
export function resolveBudgetAt(engine: Engine, budget: Decimal, timeLimitSeconds: number | undefined, warmStart?: AllocateOptions['warmStart']): Verified {
  const { prepared } = engine;
  if (prepared.shape.rowLimit.some((k) => prepared.limits[k]!.kind === 'budget')) return solveVerified(engine, { at: budget, timeLimitSeconds, warmStart });
  const other = engineWith({ ...engine.loaded, scenario: withBudget(engine.loaded.scenario, budget) }, engine.picker, { locked: engine.locked });
  return 'status' in other ? other : solveVerified(other, { timeLimitSeconds, warmStart });
}

/**
 * The scenario with one year's cash set to `amount`. Where the scenario states no budget (the
 * budget is the cash's total), the budget moves with it.
 */
export function withCash(s: Scenario, year: number, amount: Decimal): Scenario {
  const plan = s.cashPlan;
  if (!plan?.cash.has(year)) throw new InternalError(`no cash for ${year} in the scenario`);
  const cashPlan = { ...plan, cash: new Map([...plan.cash].map(([y, c]) => [y, y === year ? amount : c])) };
  return { ...s, budget: s.budgetGiven === false ? cashTotal(cashPlan) : s.budget, cashPlan };
}

/**
 * A re-solve that may run ahead on another thread (`AheadJob`), solved here from the start: at
 * another budget (`resolveBudgetAt`, what `resolveAt` does without a kept optimum), or with one year's
 * cash set to an amount (`resolveCashAt`).
 */
export function resolveJob(engine: Engine, job: AheadJob, timeLimitSeconds: number | undefined): Verified {
  const at = new D(job.at);
  return job.kind === 'budget' ? resolveBudgetAt(engine, at, timeLimitSeconds) : resolveCashAt(engine, job.year, at, timeLimitSeconds);
}

/**
 * The engine's scenario solved (rounded, verified) with one year's cash set to `amount`, prepared
 * again; its priority LP's stages from `warmStart` where given (the first solve's optimal bases: the
 * same model but for one cash row's bound).
 */
export function resolveCashAt(engine: Engine, year: number, amount: Decimal, timeLimitSeconds: number | undefined, warmStart?: AllocateOptions['warmStart']): Verified {
  const other = engineAtCash(engine, year, amount);
  return 'status' in other ? other : solveVerified(other, { timeLimitSeconds, warmStart });
}

/** The engine's scenario with one year's cash set to `amount`, prepared again (the same backends and locked grants). */
function engineAtCash(engine: Engine, year: number, amount: Decimal): Engine | Infeasible {
  return engineWith({ ...engine.loaded, scenario: withCash(engine.loaded.scenario, year, amount) }, engine.picker, { locked: engine.locked });
}

/**
 * The engine's scenario with one year's cash set to `amount` (`resolveCashAt`), solved from `base`'s
 * optimal bases, only to be compared with `base`: for the priority LP, without what only a written
 * allocation needs (`solveCompared`: the same candidates, only the cash rows made again); for an
 * integer model or another objective, solved and verified in full.
 */
export function compareCashAt(engine: Engine, year: number, amount: Decimal, timeLimitSeconds: number | undefined, base: Allocation): Resolved {
  const other = engineAtCash(engine, year, amount);
  if ('status' in other) return other;
  if (!comparable(other.prepared)) return solveVerified(other, { timeLimitSeconds, warmStart: base.model });
  return solveCompared(other.prepared, other.picker, base, { timeLimitSeconds, locked: engine.locked, warmStart: base.model });
}

/** Solve a loaded scenario: engine, verified allocation, analysis, summary and the reports' data. */
export async function solveLoaded(given: Loaded, options: SolveOptions = {}, msParse = 0): Promise<Outcome> {
  return solveFrom(given, options, msParse, undefined);
}

/** `solveLoaded` of a scenario loaded (by `solve`) from the file `source`, which other threads may load again (`aheadOf`). */
async function solveFrom(given: Loaded, options: SolveOptions, msParse: number, source: string | undefined): Promise<Outcome> {
  const step = marginalStepOf(options.marginalStep, given.scenario.granularity);
  const threads = threadsFor(options.aheadThreads, 'aheadThreads');
  const engine = await openEngine(given, options);
  if ('status' in engine) return engine;
  const ahead = source === undefined ? null : aheadOf(engine, source, options, step, threads);
  try {
    return await solveOpened(engine, options, msParse, step, ahead, threads);
  } finally {
    ahead?.close();
  }
}

/**
 * An integer model's re-solves started on `threads` other threads (ahead.ts), for a scenario read
 * from the file `source`; null for any other model, or where no thread is to be used or can load the
 * scenario as this one did (locks or a solver given as objects). Not under a time limit either:
 * the first solve shares the cores with the threads, and what a limit cuts short must not depend
 * on work this run started beside it.
 */
function aheadOf(engine: Engine, source: string, options: SolveOptions, step: Decimal, threads: number): Ahead | null {
  const { prepared, loaded } = engine;
  if (threads < 1 || options.timeLimitSeconds !== undefined) return null;
  if (!solvesAhead(prepared)) return null;
  const { solver, lock } = options;
  if (typeof solver === 'function' || (lock !== undefined && typeof lock !== 'string' && !Array.isArray(lock))) return null;
  // The amounts the analysis re-solves at.
  const amounts = reSolveAmounts(loaded.scenario, step);
  const jobs: AheadJob[] = [
    ...[amounts.up, amounts.down].flatMap((at): AheadJob[] => (at ? [{ kind: 'budget', at: at.toString() }] : [])),
    ...amounts.cash.map(({ year, at }): AheadJob => ({ kind: 'cash', year, at: at.toString() })),
  ];
  const setup = {
    scenarioPath: source,
    solver: solver ?? 'auto',
    fingerprint: fingerprint(loaded),
    ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
    ...(lock === undefined ? {} : { lock: lock as string | readonly string[] }),
    ...(options.budget === undefined ? {} : { budget: String(options.budget) }),
  };
  return startAhead(setup, jobs, threads);
}

/** `solveLoaded` once the engine is open: the solve, its analysis (with `ahead`'s answers where it has them), the summary and the reports' data. */
async function solveOpened(engine: Engine, options: SolveOptions, msParse: number, step: Decimal, ahead: Ahead | null, threads: number): Promise<Outcome> {
  const { loaded } = engine;
  // Strict: the LP is written only once the warnings are known to be none.
  let lp: LinearProgram | undefined;
  const strictLp = options.strict && options.emitLp ? (x: LinearProgram) => void (lp ??= x) : undefined;
  // Solved and rounded; verified below, once allocations.csv's rows are on their way (no output is written before).
  const rounded = solveRoundedOf(engine, { timeLimitSeconds: options.timeLimitSeconds, emitLp: options.emitLp, onLp: strictLp });
  if (rounded.status === 'infeasible') return rounded;
  const { allocation } = rounded;
  // Every warning, once: the applications' (made by loading) after the budget's.
  const scenarioFile = loaded.inputs.scenario.file === MEMORY ? 'scenario' : loaded.inputs.scenario.file;
  const warnings = [...budgetWarnings(loaded, scenarioFile, allocation), ...loaded.warnings];
  if (options.strict && warnings.length) throw strictError(warnings);
  const t3 = performance.now();

  // The value of money: the funding line, the marginal values, what more (and less) budget would do.
  const lang = options.lang ?? 'zh';
  const { scenario, policy } = loaded;
  const batches: BatchNumbers = { current: loaded.locks.batch, of: loaded.locks.batchOf };
  // The public notice depends on the rounded allocation alone: made now, it is formatted (`onNotice`) while the analysis runs.
  const tn = performance.now();
  const keys = lineKeys(allocation.lines);
  const notice = buildNotice(allocation, policy, scenario, batches, options.notice ?? 'new', keys);
  options.onNotice?.(notice, lang, scenario.name);
  let msFormat = performance.now() - tn;
  // The re-solves other threads answered (`ahead`), once the analysis needs them; the others are solved here.
  let answers: ReadonlyMap<string, AheadAnswer> | null = null;
  const solvedHere = new Map<string, Resolved>();
  let resolvedAhead = 0;
  const answered = (job: AheadJob): Resolved | null => {
    const key = aheadKey(job);
    const r = answers && resolvedFrom(allocation, answers.get(key));
    if (r) resolvedAhead++;
    return r ?? solvedHere.get(key) ?? null;
  };
  const cash = scenario.cashPlan
    ? {
        windows: engine.prepared.cash.map((r) => r.window),
        resolveAt: (year: number, amount: Decimal) => answered({ kind: 'cash', year, at: amount.toString() }) ?? compareCashAt(engine, year, amount, options.timeLimitSeconds, allocation),
      }
    : undefined;
  // The funding line first: the explanations need it, and with them allocations.csv's rows are
  // complete and go to `onRows` (the CLI formats them on another thread) while the verifier and
  // the re-solves that check what more budget would do run here.
  const started = await startAnalysis({ allocation, policy, scenario, lang, step, resolveAt: (budget, warm) => answered({ kind: 'budget', at: budget.toString() }) ?? resolveAt(engine, budget, options.timeLimitSeconds, warm, allocation), cash, threads });
  let analysis: Analysis;
  let verified: Exclude<Checked, Conflicted>;
  let table: TextTable;
  let msRows: number;
  let notes: string[];
  try {
    notes = explainAll({ allocation, scenario, policy, fundingLine: started.fundingLine }, lang).map((e) => e.oneLine);
    const tr = performance.now();
    table = allocationTable(allocation, notes, batches);
    options.onRows?.(table, scenario.name);
    msRows = performance.now() - tr;
    verified = rounded.verify();
    const tc = performance.now();
    options.onCommitments?.(verified.commitments, lang, scenario.name);
    msFormat += performance.now() - tc;
    if (ahead && allocation.status === 'optimal') {
      // The jobs no thread has taken yet are solved here, as the analysis would, while the threads finish theirs.
      for (const job of ahead.takeRest()) solvedHere.set(aheadKey(job), resolveJob(engine, job, options.timeLimitSeconds));
      answers = await ahead.answers();
    }
    analysis = await started.finish();
  } finally {
    started.dispose();
  }
  const { verification } = verified;
  // Strict: the LP once the warnings are known to be none and the verifier passed the allocation.
  if (lp) writeLp(options.emitLp!, lp, loaded, loaded.scenario.name);
  const t4 = performance.now();

  // Loading a backend counts as solving; building the LPs before it, and checking the scenario, as building.
  const timings: Timings = { parse: msParse, ...allocation.timingsMs, verify: verified.msVerify, analyse: t4 - t3 - msRows - msFormat - verified.msVerify, write: 0 };
  timings.solve += engine.msBackends;
  timings.build += engine.msLps + engine.msCheck;
  const summary = buildSummary({
    ...loaded,
    warnings,
    allocation,
    verification,
    timingsMs: options.timings === false ? null : timings,
    fundingLine: analysis.fundingLine,
    fundingLineBasis: analysis.fundingLineBasis,
    marginalValues: analysis.values,
    batches: { current: batches.current, locked: loaded.locks.sources },
  });
  const data = buildReportData({ lang, summary, allocation, policy, scenario, marginalValues: analysis.reportValues, fundingLine: analysis.fundingLine, notes, batches, notice, keys });
  let rows: readonly (readonly string[])[] | null = null;
  const detail: SolvedDetail = {
    loaded,
    allocation,
    verification,
    commitments: verified.commitments,
    data,
    get rows() {
      return (rows ??= tableRows(table));
    },
    table,
    msFormat: performance.now() - t4 + msRows + msFormat,
    resolvedAhead,
  };
  let records: AllocationRecord[] | null = null;
  return {
    status: verified.status,
    get allocations() {
      return (records ??= detail.rows.map((r) => Object.fromEntries(ALLOCATION_COLUMNS.map((c, i) => [c, r[i]!])) as AllocationRecord));
    },
    summary,
    conflicts: [],
    detail,
  };
}
