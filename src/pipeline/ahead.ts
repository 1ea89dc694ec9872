/**
 * An integer model's re-solves run ahead, on other threads. The analysis of an integer model
 * (analyse.ts) solves the whole model again at budget ± step, and at each year's cash + step: each
 * a MIP as hard as the first, one after the other. None of them depends on the first solve's
 * answer, only on the scenario, so for a scenario read from files they start on worker threads as
 * soon as the scenario is checked (`startAhead`), while this thread solves the model itself; the
 * jobs no thread has taken when that solve ends, this thread takes (`takeRest`) and solves.
 *
 * Each thread loads the scenario again from its files (ahead-worker.ts) and refuses to answer
 * unless it read the same files (their SHA-256s, as the summary records them), earlier batches,
 * budget and cash (`fingerprint`); it solves each job as this thread would (`resolveJob`: the
 * same code, the same inputs, the same answer; this thread's re-solve of a year's cash offers
 * HiGHS the first solve's bases, which a MIP does not take, so it is the same solve) and sends
 * back what the analysis compares (`resolvedFrom`): each line's grant, the objective and the
 * totals, or the conflicts. A job a thread did not answer (it refused, failed or died) is solved here as before,
 * so the figures never depend on whether a thread ran.
 *
 * `fundplan sweep` of an integer model gives the same threads its points after the first, each
 * thread's engine prepared as the sweep's (`budgetAt` or `cash`, `keepBudgetRow`); it reads a
 * thread's point through `sweptFrom`.
 */
import { availableParallelism } from 'node:os';
import type { Decimal } from 'decimal.js';
import { D } from '../money.js';
import type { Allocation } from '../model/allocate.js';
import { usesIntegerModel } from '../model/rules.js';
import type { Binding, Line, Prepared } from '../model/types.js';
import { InputError, type Conflict, type InputIssue } from '../errors.js';
import type { SolverChoice } from '../solver/select.js';
import type { Resolved } from './analyse.js';
import type { Loaded } from './load.js';
import { startThreads } from './threads.js';

/** The compiled worker beside this module (dist/src/pipeline/), or, in the bundled command line, the bundled worker beside it (dist/bin/). */
const WORKER = new URL('./ahead-worker.js', import.meta.url);

/** What a thread needs to load and prepare the scenario as this thread did. */
export interface AheadSetup {
  /** The scenario file, as `loadScenario` was given it (relative paths from the same working folder). */
  readonly scenarioPath: string;
  readonly sheet?: string;
  /** Earlier batches' allocations files, as the solve was given them. */
  readonly lock?: string | readonly string[];
  readonly solver: SolverChoice;
  /** The solve's `budget` option, as text (the scenario's own budget when absent). */
  readonly budget?: string;
  /** The budget set to an amount (yuan, as Decimal text) after loading, as `withBudget` sets it (a sweep's largest). */
  readonly budgetAt?: string;
  /** One year's cash set to an amount (yuan, as Decimal text) after loading, as `withCash` sets it. */
  readonly cash?: { readonly year: number; readonly at: string };
  /** Prepare with the budget row kept where it cannot bind, as a sweep does (`EngineOptions.keepBudgetRow`). */
  readonly keepBudgetRow?: boolean;
  /** What this thread read (`fingerprint`): a thread that read anything else refuses every job. */
  readonly fingerprint: string;
}

/**
 * The files a loaded scenario was read from, with their SHA-256s, its earlier batches' allocations
 * files, and its budget and cash by year (which options change after loading), as text.
 */
export function fingerprint(loaded: Loaded): string {
  const { scenario, inputs, locks } = loaded;
  const cash = scenario.cashPlan ? [...scenario.cashPlan.cash].map(([year, amount]) => [year, amount.toString()]) : null;
  return JSON.stringify([inputs, locks.sources.map((s) => [s.file, s.sha256, s.batch]), scenario.budget.toString(), cash]);
}

/** A re-solve: the scenario at another budget, or with one year's cash set to an amount (yuan, as Decimal text). */
export type AheadJob = { readonly kind: 'budget'; readonly at: string } | { readonly kind: 'cash'; readonly year: number; readonly at: string };

/** A thread's answer to a job. */
export type AheadAnswer =
  | { readonly kind: 'refused'; readonly why: string }
  | { readonly kind: 'infeasible'; readonly conflicts: readonly Conflict[] }
  | {
      readonly kind: 'solved';
      readonly status: 'optimal' | 'time_limit';
      /** Per line, in the allocation's order: its project id, grant, and what set the grant (`Line.binding`, `Line.limitId`). */
      readonly ids: readonly string[];
      readonly grants: readonly string[];
      readonly bindings: readonly Binding[];
      readonly limitIds: readonly (string | null)[];
      readonly objective: string;
      readonly granted: string;
      /** The plan years' total granted, for a multi-year plan; else null. */
      readonly planGranted: string | null;
    };

/** What a thread is started with: the setup, every job, and the count of jobs taken so far (shared with every thread). */
export interface AheadData {
  readonly setup: AheadSetup;
  readonly jobs: readonly AheadJob[];
  /** Int32 [0]: how many of `jobs` are taken; a thread takes the next with `Atomics.add`. */
  readonly taken: Int32Array;
}

/** A thread's reply: the job's index and its answer. */
export interface AheadReply {
  readonly id: number;
  readonly answer: AheadAnswer;
}

/** Whether a prepared scenario's re-solves can run ahead: the priority objective under integer rules (each re-solve a MIP). */
export function solvesAhead(prepared: Prepared): boolean {
  return prepared.scenario.objective === 'priority' && usesIntegerModel(prepared.scenario, prepared.candidates);
}

/** The key a job is found by: its kind, year and amount. */
export function aheadKey(job: AheadJob): string {
  return job.kind === 'budget' ? `budget ${job.at}` : `cash ${job.year} ${job.at}`;
}

/** Jobs running on threads. */
export interface Ahead {
  /** The jobs no thread has taken yet, taken away from the threads: the caller solves them. */
  takeRest(): readonly AheadJob[];
  /**
   * Job `id` (an index into the jobs) for the caller, where no thread has taken it yet: true when
   * the caller now has it (the jobs before it must all be taken already, as they are for a caller
   * going through them in order).
   */
  take(id: number): boolean;
  /** The next job no thread has taken, for the caller (its index), or null when none is left. */
  takeNext(): number | null;
  /** Whether job `id`'s answer is in, or every thread is gone (as far as this thread has read their messages). */
  settled(id: number): boolean;
  /** The answers of the jobs threads took, by `aheadKey`, once each is answered or its thread gone (those missing). */
  answers(): Promise<ReadonlyMap<string, AheadAnswer>>;
  /** Job `id`'s answer once it is in, or undefined once every thread is gone without it. */
  answerOf(id: number): Promise<AheadAnswer | undefined>;
  /** Stop the threads (a job still running is dropped). */
  close(): void;
}

/**
 * Start `threads` worker threads (at most one per job) on `jobs`: each takes the next job not
 * taken (a count shared with every thread, so a thread never waits for this one to hand it a
 * job) until none is left, and sends back each answer. Null when there is nothing to start, the
 * compiled worker is not there (running from the TypeScript sources, as the unit tests do), or a
 * thread cannot be started (those started are stopped).
 */
export function startAhead(setup: AheadSetup, jobs: readonly AheadJob[], threads: number, worker: URL = WORKER): Ahead | null {
  const taken = new Int32Array(new SharedArrayBuffer(4));
  const data: AheadData = { setup, jobs, taken };
  const answers = new Map<string, AheadAnswer>();
  const waiting = new Map<number, (answer: AheadAnswer | undefined) => void>();
  const started = startThreads<AheadReply>(worker, data, Math.min(threads, jobs.length), (reply) => {
    answers.set(aheadKey(jobs[reply.id]!), reply.answer);
    waiting.get(reply.id)?.(reply.answer);
  });
  if (!started) return null;
  // A thread that fails or exits leaves the job it took unanswered: the analysis solves it on this thread.
  void started.ended.then(() => {
    for (const [id, give] of waiting) give(answers.get(aheadKey(jobs[id]!)));
  });
  return {
    takeRest: () => {
      const from = Atomics.add(taken, 0, jobs.length);
      return from < jobs.length ? jobs.slice(from) : [];
    },
    take: (id) => Atomics.compareExchange(taken, 0, id, id + 1) === id,
    takeNext: () => {
      const id = Atomics.add(taken, 0, 1);
      return id < jobs.length ? id : null;
    },
    settled: (id) => started.alive() === 0 || answers.has(aheadKey(jobs[id]!)),
    answers: () => started.ended.then(() => answers),
    answerOf: (id) => {
      const known = answers.get(aheadKey(jobs[id]!));
      if (known || started.alive() === 0) return Promise.resolve(known);
      return new Promise((resolve) => waiting.set(id, resolve));
    },
    close: started.close,
  };
}

/**
 * A thread's answer as the analysis reads a re-solve (`Resolved`), against the allocation it is
 * compared with: the same lines (the same projects in the same order, else null: it is solved
 * here) with the thread's grants, a line's own grant object kept where the grant is the same.
 * Null for an answer that is not one.
 */
export function resolvedFrom(base: Allocation, answer: AheadAnswer | undefined): Resolved | null {
  if (!answer || answer.kind === 'refused') return null;
  if (answer.kind === 'infeasible') return { status: 'infeasible', conflicts: answer.conflicts };
  const lines = base.lines;
  if (!sameProjects(lines, answer)) return null;
  const out = new Array<(typeof lines)[number]>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const grant: Decimal = new D(answer.grants[i]!);
    out[i] = grant.eq(line.grant) ? line : { ...line, grant };
  }
  const plan = answer.planGranted === null ? undefined : { granted: new D(answer.planGranted) };
  return { status: answer.status, allocation: { lines: out, objective: new D(answer.objective), granted: new D(answer.granted), ...(plan ? { plan } : {}) } };
}

/** What a sweep reads of a point's line. */
export type SweptLine = Pick<Line, 'app' | 'grant' | 'binding' | 'limitId' | 'candidate' | 'entitlement'>;

/** What a sweep reads of a point: its lines, objective and total granted. */
export interface SweptPoint {
  readonly lines: readonly SweptLine[];
  readonly objective: Decimal;
  readonly granted: Decimal;
}

/**
 * A thread's answer as a sweep reads a point: the lines of another point of the same sweep
 * (`lines`: the same applications, candidates and entitlements, which no budget changes) with the
 * thread's grants and what set each, the objective and the total granted. Null where the lines
 * are not the same projects in the same order, or for an answer that is not an allocation (the
 * point is then solved here, which also says why one has none).
 */
export function sweptFrom(lines: readonly SweptLine[], answer: AheadAnswer | undefined): SweptPoint | null {
  if (!answer || answer.kind !== 'solved' || !sameProjects(lines, answer)) return null;
  const out = new Array<SweptLine>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const { app, candidate, entitlement } = lines[i]!;
    out[i] = { app, candidate, entitlement, grant: new D(answer.grants[i]!), binding: answer.bindings[i]!, limitId: answer.limitIds[i]! };
  }
  return { lines: out, objective: new D(answer.objective), granted: new D(answer.granted) };
}

/** Whether a solved answer has one entry per line in every list, for the same projects in the same order as `lines`. */
function sameProjects(lines: readonly Pick<Line, 'app'>[], answer: Extract<AheadAnswer, { kind: 'solved' }>): boolean {
  const n = lines.length;
  if (answer.ids.length !== n || answer.grants.length !== n || answer.bindings.length !== n || answer.limitIds.length !== n) return false;
  for (let i = 0; i < n; i++) if (lines[i]!.app.projectId !== answer.ids[i]) return false;
  return true;
}

/**
 * The threads for an integer model's re-solves: as given (a whole number, 0 or more), else one
 * fewer than the cores, at most 2, so that this thread keeps a core of its own (and so the time
 * an integer model's tie rule may take, a multiple of its own first solve's, is what it is
 * without them).
 */
export function threadsFor(given: number | undefined, option: string): number {
  const issue = threadsIssue(given, option);
  if (issue) throw new InputError([issue]);
  return given ?? Math.max(0, Math.min(2, availableParallelism() - 1));
}

/** What is wrong with a number of threads given as `option` (a whole number, 0 or more), or null. */
export function threadsIssue(given: number | undefined, option: string): InputIssue | null {
  return given === undefined || (Number.isInteger(given) && given >= 0) ? null : { file: option, expected: 'a whole number of threads, 0 or more', found: JSON.stringify(given) };
}
