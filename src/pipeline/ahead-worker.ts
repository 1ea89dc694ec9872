/**
 * A worker thread that runs an integer model's re-solves ahead (ahead.ts): the analysis's, or a
 * sweep's points. It loads and prepares the scenario from its files as the main thread did
 * (budget, cash and budget row as its setup says), once, then takes the jobs no thread has
 * taken, one at a time, and answers each: the scenario solved at another budget or with one
 * year's cash moved (`resolveJob`), rounded and verified, as what the analysis
 * compares. It refuses every job when it read other files than the main thread (one changed in
 * between) or could not prepare the scenario.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { D } from '../money.js';
import { withBudget } from '../model/scenario.js';
import { fingerprint, type AheadAnswer, type AheadData, type AheadJob, type AheadReply } from './ahead.js';
import { loadScenario } from './load.js';
import { openEngine, resolveJob, withCash, withOptions, type Engine, type Verified } from './solve.js';

const { setup, jobs, taken } = workerData as AheadData;

/** The engine, or why there is none. */
async function open(): Promise<Engine | string> {
  const read = withOptions(loadScenario(setup.scenarioPath, setup.sheet === undefined ? {} : { sheet: setup.sheet }), setup.budget === undefined ? {} : { budget: setup.budget });
  const loaded = setup.cash
    ? { ...read, scenario: withCash(read.scenario, setup.cash.year, new D(setup.cash.at)) }
    : setup.budgetAt !== undefined
      ? { ...read, scenario: withBudget(read.scenario, new D(setup.budgetAt)) }
      : read;
  const opened = await openEngine(loaded, { solver: setup.solver, ...(setup.lock === undefined ? {} : { lock: setup.lock }), ...(setup.keepBudgetRow ? { keepBudgetRow: true } : {}) });
  if ('status' in opened) return 'the scenario has no allocation here';
  return fingerprint(opened.loaded) === setup.fingerprint ? opened : 'the files read here are not the ones the solve read';
}

function answerOf(v: Verified): AheadAnswer {
  if (v.status === 'infeasible') return { kind: 'infeasible', conflicts: v.conflicts.map((c) => ({ limit: c.limit, description: c.description })) };
  const { allocation } = v;
  return {
    kind: 'solved',
    status: v.status,
    ids: allocation.lines.map((l) => l.app.projectId),
    grants: allocation.lines.map((l) => l.grant.toString()),
    bindings: allocation.lines.map((l) => l.binding),
    limitIds: allocation.lines.map((l) => l.limitId),
    objective: allocation.objective.toString(),
    granted: allocation.granted.toString(),
    planGranted: allocation.plan ? allocation.plan.granted.toString() : null,
  };
}

/** One job's answer: refused where there is no engine or the job fails. */
function run(engine: Engine | string, job: AheadJob): AheadAnswer {
  if (typeof engine === 'string') return { kind: 'refused', why: engine };
  try {
    return answerOf(resolveJob(engine, job, undefined));
  } catch (err) {
    return { kind: 'refused', why: String(err) };
  }
}

// The jobs not taken yet, one after the other, until none is left; then the thread ends.
const engine = await open().catch((err: unknown) => `the scenario could not be prepared here: ${String(err)}`);
for (let id = Atomics.add(taken, 0, 1); id < jobs.length; id = Atomics.add(taken, 0, 1)) {
  parentPort!.postMessage({ id, answer: run(engine, jobs[id]!) } satisfies AheadReply);
}
