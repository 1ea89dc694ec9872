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
 * budget and cash (`fingerprint`); it solves each job as this thread would (`resolveCold`,
 * `resolveCashAt`: the same code, the same inputs, the same answer) and sends back what the
 * analysis compares (`resolvedFrom`): each line's grant, the objective and the totals, or the
 * conflicts. A job a thread did not answer (it refused, failed or died) is solved here as before,
 * so the figures never depend on whether a thread ran.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Decimal } from 'decimal.js';
import type { Conflict } from '../errors.js';
import { D } from '../money.js';
import type { Allocation } from '../model/allocate.js';
import type { SolverChoice } from '../solver/select.js';
import type { Resolved } from './analyse.js';
import type { Loaded } from './load.js';

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
      /** Per line, in the allocation's order: its project id and grant. */
      readonly ids: readonly string[];
      readonly grants: readonly string[];
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

/** The key a job is found by: its kind, year and amount. */
export function aheadKey(job: AheadJob): string {
  return job.kind === 'budget' ? `budget ${job.at}` : `cash ${job.year} ${job.at}`;
}

/** Jobs running on threads. */
export interface Ahead {
  /** The jobs no thread has taken yet, taken away from the threads: the caller solves them. */
  takeRest(): readonly AheadJob[];
  /** The answers of the jobs threads took, by `aheadKey`, once each is answered or its thread gone (those missing). */
  answers(): Promise<ReadonlyMap<string, AheadAnswer>>;
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
  const count = Math.min(threads, jobs.length);
  if (count < 1 || !existsSync(fileURLToPath(worker))) return null;
  const taken = new Int32Array(new SharedArrayBuffer(4));
  const data: AheadData = { setup, jobs, taken };
  const workers: Worker[] = [];
  try {
    for (let t = 0; t < count; t++) workers.push(new Worker(worker, { workerData: data }));
  } catch {
    for (const w of workers) void w.terminate();
    return null;
  }
  const answers = new Map<string, AheadAnswer>();
  let alive = workers.length;
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));
  for (const w of workers) {
    let ended = false;
    // A thread that fails or exits leaves the job it took unanswered: the analysis solves it on this thread.
    const end = (): void => {
      if (ended) return;
      ended = true;
      if (--alive === 0) settle();
    };
    w.on('message', (reply: AheadReply) => answers.set(aheadKey(jobs[reply.id]!), reply.answer));
    w.on('error', end);
    w.on('messageerror', end);
    w.on('exit', end);
  }
  return {
    takeRest: () => {
      const from = Atomics.add(taken, 0, jobs.length);
      return from < jobs.length ? jobs.slice(from) : [];
    },
    answers: () => done.then(() => answers),
    close: () => {
      for (const w of workers) void w.terminate();
    },
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
  if (answer.ids.length !== lines.length || answer.grants.length !== lines.length) return null;
  const out = new Array<(typeof lines)[number]>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.app.projectId !== answer.ids[i]) return null;
    const grant: Decimal = new D(answer.grants[i]!);
    out[i] = grant.eq(line.grant) ? line : { ...line, grant };
  }
  const plan = answer.planGranted === null ? undefined : { granted: new D(answer.planGranted) };
  return { status: answer.status, allocation: { lines: out, objective: new D(answer.objective), granted: new D(answer.granted), ...(plan ? { plan } : {}) } };
}
