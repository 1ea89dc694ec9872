/**
 * An integer model's re-solves run ahead on worker threads (pipeline/ahead.ts): each thread's
 * answer is what this thread's own re-solve gives (budget ± step and each year's cash), the whole
 * summary is the same with 0, 1 and 2 threads, a thread that read other files refuses, a thread
 * that fails leaves its jobs to this thread, and an answer that does not fit the allocation is
 * not used. The threads are the compiled ones (npm test builds first): the sources have no .js
 * worker to start.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import type { Allocation } from '../src/model/allocate.js';
import type { Decimal } from 'decimal.js';
import { aheadKey, resolvedFrom, type AheadAnswer, type AheadJob, type AheadSetup, type fingerprint, type startAhead, type sweptFrom } from '../src/pipeline/ahead.js';
import type { runSweep } from '../src/commands/sweep.js';
import type { Resolved } from '../src/pipeline/analyse.js';
import type { Loaded } from '../src/pipeline/load.js';
import type { Engine, solve, SolveOptions, Verified } from '../src/pipeline/solve.js';
import { writeFamily } from '../scripts/families.js';

const work = mkdtempSync(join(tmpdir(), 'fundplan-ahead-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The pipeline's functions the test solves with on this thread (the compiled ones, as the threads run them). */
interface Pipeline {
  loadScenario(path: string): Loaded;
  openEngine(loaded: Loaded, options?: { keepBudgetRow?: boolean }): Promise<Engine | { status: 'infeasible' }>;
  solveVerified(engine: Engine, options?: { at?: Decimal }): Verified;
  withOptions(loaded: Loaded, options: { budget?: string }): Loaded;
  resolveBudgetAt(engine: Engine, budget: Decimal, timeLimitSeconds: undefined): Verified;
  resolveCashAt(engine: Engine, year: number, cash: Decimal, timeLimitSeconds: undefined): Verified;
}

/** The compiled library, pipeline and ahead module (paths, not modules the type checker follows). */
async function compiled(): Promise<{
  solve: typeof solve;
  runSweep: typeof runSweep;
  startAhead: typeof startAhead;
  fingerprint: typeof fingerprint;
  resolvedFrom: typeof resolvedFrom;
  sweptFrom: typeof sweptFrom;
  pipeline: Pipeline;
}> {
  expect(existsSync(fileURLToPath(new URL('../dist/src/pipeline/ahead-worker.js', import.meta.url)))).toBe(true);
  const paths: string[] = ['../dist/src/index.js', '../dist/src/pipeline/ahead.js', '../dist/src/pipeline/solve.js', '../dist/src/pipeline/load.js', '../dist/src/commands/sweep.js'];
  const [lib, ahead, solver, load, sweep] = (await Promise.all(paths.map((p) => import(p)))) as [
    { solve: typeof solve },
    { startAhead: typeof startAhead; fingerprint: typeof fingerprint; resolvedFrom: typeof resolvedFrom; sweptFrom: typeof sweptFrom },
    Omit<Pipeline, 'loadScenario'>,
    Pick<Pipeline, 'loadScenario'>,
    { runSweep: typeof runSweep },
  ];
  return { solve: lib.solve, runSweep: sweep.runSweep, ...ahead, pipeline: { ...solver, loadScenario: load.loadScenario } };
}

/** What the analysis reads of a re-solve, as text. */
function compact(v: Resolved): unknown {
  if (v.status === 'infeasible') return { status: v.status, conflicts: v.conflicts.map((c) => [c.limit, c.description]) };
  const a = v.allocation;
  return { status: v.status, grants: a.lines.map((l) => l.grant.toString()), scores: a.lines.map((l) => l.app.score.toString()), objective: a.objective.toString(), granted: a.granted.toString(), plan: a.plan?.granted.toString() ?? null };
}

/** The summary as JSON, the grants, and how many re-solves other threads answered. */
async function solvedWith(path: string, aheadThreads: number, options: SolveOptions = {}): Promise<{ summary: string; resolvedAhead: number; lines: string[] }> {
  const { solve } = await compiled();
  const o = await solve(path, { ...options, timings: false, aheadThreads });
  if (o.status === 'infeasible') throw new Error(o.message);
  return { summary: JSON.stringify(o.summary), resolvedAhead: o.detail.resolvedAhead, lines: o.detail.allocation.lines.map((l) => `${l.app.projectId} ${l.grant.toString()}`) };
}

/** The three-year demonstration's 2020 step with all-or-nothing grants under one measure (in a copy named `name`): an integer model with a cash plan. */
function integerWithCash(name: string): string {
  const root = join(work, name);
  cpSync(fileURLToPath(new URL('../scenarios', import.meta.url)), root, { recursive: true });
  const path = join(root, 'shenzhen-2019-2021', '2020', 'scenario.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { measureBudgets: Record<string, Record<string, unknown>> };
  json.measureBudgets['P11-RETROFIT']!.allOrNothing = true;
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('re-solves of an integer model on other threads', () => {
  it("answer each job as this thread's own re-solve does: the budget ± step and each year's cash", async () => {
    const { startAhead, fingerprint, pipeline, resolvedFrom: fromCompiled } = await compiled();
    for (const path of [writeFamily(join(work, 'jobs'), 'integer', 300, 3), integerWithCash('jobs-cash')]) {
      const opened = await pipeline.openEngine(pipeline.loadScenario(path));
      if ('status' in opened) throw new Error('infeasible');
      const first = pipeline.solveVerified(opened);
      if (first.status === 'infeasible') throw new Error('infeasible');
      const { scenario } = opened.loaded;
      const step = new D(1_000_000);
      const jobs: AheadJob[] = [
        { kind: 'budget', at: scenario.budget.plus(step).toString() },
        { kind: 'budget', at: scenario.budget.minus(step).toString() },
        ...[...(scenario.cashPlan?.cash ?? [])].map(([year, cash]): AheadJob => ({ kind: 'cash', year, at: cash.plus(step).toString() })),
      ];
      const ahead = startAhead({ scenarioPath: path, solver: 'auto', fingerprint: fingerprint(opened.loaded) }, jobs, 2)!;
      const answers = await ahead.answers(); // nothing taken here: the threads take every job
      ahead.close();
      expect(answers.size).toBe(jobs.length);
      for (const job of jobs) {
        const here = job.kind === 'budget' ? pipeline.resolveBudgetAt(opened, new D(job.at), undefined) : pipeline.resolveCashAt(opened, job.year, new D(job.at), undefined);
        const there = fromCompiled(first.allocation, answers.get(aheadKey(job)));
        expect(there, aheadKey(job)).not.toBeNull();
        expect(compact(there!), aheadKey(job)).toEqual(compact(here));
      }
    }
  }, 120_000);

  it('leave the whole summary as solving them here does, with 0, 1 and 2 threads and with options set', async () => {
    const family = writeFamily(join(work, 'integer'), 'integer', 400, 11);
    const cash = integerWithCash('summary-cash');
    for (const [path, options, jobs] of [
      [family, {}, 2],
      [family, { budget: '300000000', marginalStep: '300万' }, 2],
      [cash, {}, 5],
    ] as const) {
      const here = await solvedWith(path, 0, options);
      expect(here.resolvedAhead).toBe(0);
      for (const threads of [1, 2]) {
        const ahead = await solvedWith(path, threads, options);
        // How many the threads took depends on how soon the first solve ends (the rest are solved here); the figures do not.
        expect(ahead.resolvedAhead).toBeLessThanOrEqual(jobs);
        expect(ahead.lines).toEqual(here.lines);
        expect(ahead.summary === here.summary, `${path} ${JSON.stringify(options)} with ${threads} threads`).toBe(true);
      }
      // The analysis moved something: a comparison of two empty analyses would prove nothing.
      expect(JSON.parse(here.summary).marginalValues.budget.up.status).toBe('optimal');
    }
  }, 120_000);

  it('are refused by a thread that read other files, and then solved here', async () => {
    const { startAhead, fingerprint, pipeline } = await compiled();
    const path = writeFamily(join(work, 'refused'), 'integer', 200, 5);
    const setup: AheadSetup = { scenarioPath: path, solver: 'auto', fingerprint: fingerprint(pipeline.loadScenario(path)) };
    const jobs: AheadJob[] = [{ kind: 'budget', at: '1000000' }];
    const wrong = startAhead({ ...setup, fingerprint: setup.fingerprint.replace(/[0-9a-f]{64}/, '0'.repeat(64)) }, jobs, 1)!;
    const refused = (await wrong.answers()).get(aheadKey(jobs[0]!));
    wrong.close();
    expect(refused).toMatchObject({ kind: 'refused', why: 'the files read here are not the ones the solve read' });
    // The same setup with what was read: answered, by the compiled worker and by the bundled one beside the command line.
    for (const worker of [new URL('../dist/src/pipeline/ahead-worker.js', import.meta.url), new URL('../dist/bin/ahead-worker.js', import.meta.url)]) {
      const right = startAhead(setup, jobs, 1, worker)!;
      const answer = (await right.answers()).get(aheadKey(jobs[0]!));
      right.close();
      expect(answer?.kind).toBe('solved');
    }
    // With the files changed after the solve read them, the solve's threads refuse and every re-solve is made here, the same.
    const changed = writeFamily(join(work, 'changed'), 'integer', 300, 8);
    const { solve } = await compiled();
    const before = await solve(changed, { timings: false, aheadThreads: 0 });
    const csv = join(work, 'changed', 'applications.csv');
    const text = readFileSync(csv, 'utf8');
    const after = await solve(changed, {
      timings: false,
      aheadThreads: 2,
      // Once this thread has read the file (the threads read it later), it changes: one more line end.
      onLoaded: () => writeFileSync(csv, text + '\n'),
    });
    writeFileSync(csv, text);
    if (before.status === 'infeasible' || after.status === 'infeasible') throw new Error('infeasible');
    expect(after.detail.resolvedAhead).toBe(0);
    expect(JSON.stringify(after.summary)).toBe(JSON.stringify(before.summary));
  }, 60_000);

  it('leave their jobs to this thread when a thread fails, exits or cannot start', async () => {
    const { startAhead } = await compiled();
    const jobs: AheadJob[] = [
      { kind: 'budget', at: '1' },
      { kind: 'budget', at: '2' },
    ];
    const setup: AheadSetup = { scenarioPath: 'none', solver: 'auto', fingerprint: '' };
    for (const [name, body] of [
      ['exits', 'process.exit(0);'],
      ['throws', "throw new Error('at load');"],
      ['takes one and dies', "const { workerData } = await import('node:worker_threads'); Atomics.add(workerData.taken, 0, 1); throw new Error('mid-job');"],
    ] as const) {
      const file = join(work, `worker-${name.replaceAll(' ', '-')}.mjs`);
      writeFileSync(file, body);
      const ahead = startAhead(setup, jobs, 2, pathToFileURL(file))!;
      expect((await ahead.answers()).size, name).toBe(0);
      // What no thread took is this thread's; what a dead thread took is unanswered and solved here by the analysis.
      const rest = ahead.takeRest();
      ahead.close();
      expect(rest.length, name).toBe(name === 'takes one and dies' ? 0 : 2);
    }
    expect(startAhead(setup, jobs, 2, pathToFileURL(join(work, 'no-such-worker.mjs')))).toBeNull();
    expect(startAhead(setup, [], 2)).toBeNull();
    expect(startAhead(setup, jobs, 0)).toBeNull();
  }, 60_000);

  it("answer a sweep's points as the sweep's own engine solves them, what set each grant too", async () => {
    const { startAhead, fingerprint, pipeline, sweptFrom: swept } = await compiled();
    const path = writeFamily(join(work, 'sweep-jobs'), 'integer', 300, 4);
    const loaded = pipeline.loadScenario(path);
    const budgets = ['200000000', '260000000', '320000000', '380000000'].map((b) => new D(b));
    const to = budgets[budgets.length - 1]!;
    // The sweep's engine: prepared at the largest budget with the budget row kept.
    const opened = await pipeline.openEngine(pipeline.withOptions(loaded, { budget: to.toString() }), { keepBudgetRow: true });
    if ('status' in opened) throw new Error('infeasible');
    const first = pipeline.solveVerified(opened, { at: budgets[0] });
    if (first.status === 'infeasible') throw new Error('infeasible');
    const jobs = budgets.slice(1).map((b): AheadJob => ({ kind: 'budget', at: b.toString() }));
    const ahead = startAhead({ scenarioPath: path, solver: 'auto', fingerprint: fingerprint(opened.loaded), budgetAt: to.toString(), keepBudgetRow: true }, jobs, 2)!;
    const answers = await ahead.answers();
    ahead.close();
    for (const [i, job] of jobs.entries()) {
      const here = pipeline.solveVerified(opened, { at: budgets[i + 1] });
      if (here.status === 'infeasible') throw new Error('infeasible');
      const there = swept(first.allocation.lines, answers.get(aheadKey(job)));
      expect(there, aheadKey(job)).not.toBeNull();
      const view = (a: Pick<Allocation, 'objective' | 'granted'> & { lines: readonly Pick<Allocation['lines'][number], 'app' | 'grant' | 'binding' | 'limitId' | 'candidate'>[] }) => ({ objective: a.objective.toString(), granted: a.granted.toString(), lines: a.lines.map((l) => [l.app.projectId, l.grant.toString(), l.binding, l.limitId, l.candidate]) });
      expect(view(there!), aheadKey(job)).toEqual(view(here.allocation));
    }
  }, 120_000);

  it('leave the frontier of an integer model as solving every point here does, by budget and by a year\'s cash', async () => {
    const { runSweep } = await compiled();
    const family = writeFamily(join(work, 'sweep'), 'integer', 400, 6);
    const cash = integerWithCash('sweep-cash');
    let answered = 0;
    for (const [path, extra] of [
      [family, { from: new D(200_000_000), to: new D(400_000_000), steps: 6 }],
      [cash, { from: new D(200_000_000), to: new D(400_000_000), steps: 4, cashYear: 2021 }],
    ] as const) {
      const files = async (threads: number) => {
        const out = join(work, `frontier-${threads}-${'cashYear' in extra ? 'cash' : 'budget'}`);
        const o = await runSweep({ scenario: path, out, ...extra, aheadThreads: threads });
        expect(o.resolvedAhead).toBeLessThanOrEqual(threads === 0 ? 0 : extra.steps - 1);
        answered += o.resolvedAhead;
        return o.files.map((f) => readFileSync(f, 'utf8'));
      };
      const here = await files(0);
      expect(await files(1)).toEqual(here);
      expect(await files(2)).toEqual(here);
    }
    // Which points the threads solve depends on how soon each ends; that they solve some does not.
    expect(answered).toBeGreaterThan(0);
  }, 120_000);

  it('take a whole number of threads, 0 or more', async () => {
    const { solve, runSweep } = await compiled();
    const path = writeFamily(join(work, 'threads'), 'integer', 100, 2);
    const refusal = { name: 'InputError', issues: [{ file: 'aheadThreads', expected: 'a whole number of threads, 0 or more' }] };
    for (const aheadThreads of [1.5, -1, Number.NaN]) {
      await expect(solve(path, { aheadThreads }), String(aheadThreads)).rejects.toMatchObject(refusal);
      await expect(runSweep({ scenario: path, out: join(work, 'no'), from: new D(1), to: new D(2), steps: 2, aheadThreads })).rejects.toMatchObject(refusal);
    }
    // With the sweep's other options' issues, all at once.
    await expect(runSweep({ scenario: path, out: join(work, 'no'), from: new D(1), to: new D(2), steps: 1, aheadThreads: -1 })).rejects.toMatchObject({ name: 'InputError', issues: [{ file: '--steps' }, { file: 'aheadThreads' }] });
  }, 60_000);
});

describe('an answer as the analysis reads it', () => {
  const line = (id: string, grant: string, score = 80) => ({ app: { projectId: id, score: new D(score) }, grant: new D(grant) });
  const base = { lines: [line('A', '100'), line('B', '0')], objective: new D(8000), granted: new D(100) } as unknown as Allocation;
  const solved = (ids: string[], grants: string[]): AheadAnswer => ({
    kind: 'solved',
    status: 'optimal',
    ids,
    grants,
    bindings: ids.map(() => 'measure_budget'),
    limitIds: ids.map(() => 'budget'),
    objective: '16000',
    granted: '200',
    planGranted: null,
  });

  it('keeps a line whose grant is the same and gives the others their new grant', () => {
    const r = resolvedFrom(base, solved(['A', 'B'], ['100', '100']))!;
    expect(r.status).toBe('optimal');
    if (r.status === 'infeasible') return;
    expect(r.allocation.lines[0]).toBe(base.lines[0]);
    expect(r.allocation.lines[1]!.grant.toString()).toBe('100');
    expect(r.allocation.lines[1]!.app).toBe(base.lines[1]!.app);
    expect([r.allocation.objective.toString(), r.allocation.granted.toString(), r.allocation.plan]).toEqual(['16000', '200', undefined]);
  });

  it('is not used where its lines are other projects, or where there is none', () => {
    expect(resolvedFrom(base, solved(['B', 'A'], ['0', '100']))).toBeNull();
    expect(resolvedFrom(base, solved(['A'], ['100']))).toBeNull();
    expect(resolvedFrom(base, { kind: 'refused', why: 'x' })).toBeNull();
    expect(resolvedFrom(base, undefined)).toBeNull();
  });

  it('passes on the conflicts of an infeasible re-solve', () => {
    const conflicts = [{ limit: 'budget', description: 'too small' }];
    expect(resolvedFrom(base, { kind: 'infeasible', conflicts })).toEqual({ status: 'infeasible', conflicts });
  });
});
