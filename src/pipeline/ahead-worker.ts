/**
 * A worker thread that runs an integer model's re-solves ahead (ahead.ts). It loads and prepares
 * the scenario from its files as the main thread did, once, then answers each job it is sent: the
 * scenario solved at another budget (`resolveAt`) or with one year's cash moved (`resolveCashAt`),
 * rounded and verified, as what the analysis compares. It refuses every job when it read other
 * files than the main thread (one changed in between) or could not prepare the scenario.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { D } from '../money.js';
import { fingerprint, type AheadAnswer, type AheadMessage, type AheadReply, type AheadSetup } from './ahead.js';
import { loadScenario } from './load.js';
import { openEngine, resolveAt, resolveCashAt, withOptions, type Engine, type Verified } from './solve.js';

const setup = workerData as AheadSetup;

/** The engine, or why there is none: made at the first job. */
let engine: Promise<Engine | string> | undefined;

async function open(): Promise<Engine | string> {
  const loaded = withOptions(loadScenario(setup.scenarioPath, setup.sheet === undefined ? {} : { sheet: setup.sheet }), setup.budget === undefined ? {} : { budget: setup.budget });
  const opened = await openEngine(loaded, { solver: setup.solver, ...(setup.lock === undefined ? {} : { lock: setup.lock }) });
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
    objective: allocation.objective.toString(),
    granted: allocation.granted.toString(),
    planGranted: allocation.plan ? allocation.plan.granted.toString() : null,
  };
}

parentPort!.on('message', async (message: AheadMessage) => {
  if ('close' in message) {
    parentPort!.close();
    return;
  }
  let answer: AheadAnswer;
  try {
    const e = await (engine ??= open());
    if (typeof e === 'string') answer = { kind: 'refused', why: e };
    else {
      const { job } = message;
      const at = new D(job.at);
      answer = answerOf(job.kind === 'budget' ? resolveAt(e, at, undefined) : resolveCashAt(e, job.year, at, undefined));
    }
  } catch (err) {
    answer = { kind: 'refused', why: String(err) };
  }
  parentPort!.postMessage({ id: message.id, answer } satisfies AheadReply);
});
