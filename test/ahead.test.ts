/**
 * An integer model's re-solves run ahead on worker threads (pipeline/ahead.ts): the analysis gets
 * from them what solving them on the main thread gives (the whole summary the same, the threads
 * having answered every re-solve: budget ± step and each year's cash), a thread that read other
 * files refuses, and an answer that does not fit the allocation is not used. The threads are the
 * compiled ones (npm test builds first): the sources have no .js worker to start.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import type { Allocation } from '../src/model/allocate.js';
import { aheadKey, resolvedFrom, type AheadAnswer, type AheadJob, type AheadSetup, type startAhead } from '../src/pipeline/ahead.js';
import type { solve } from '../src/pipeline/solve.js';
import { writeFamily } from '../scripts/families.js';

const work = mkdtempSync(join(tmpdir(), 'fundplan-ahead-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The compiled library and its ahead module (paths, not modules the type checker follows). */
async function compiled(): Promise<{ solve: typeof solve; startAhead: typeof startAhead; fingerprint: (loaded: unknown) => string; loadScenario: (path: string) => unknown }> {
  expect(existsSync(fileURLToPath(new URL('../dist/src/pipeline/ahead-worker.js', import.meta.url)))).toBe(true);
  const lib: string = '../dist/src/index.js';
  const ahead: string = '../dist/src/pipeline/ahead.js';
  const [l, a] = (await Promise.all([import(lib), import(ahead)])) as [{ solve: typeof solve; loadScenario: (path: string) => unknown }, { startAhead: typeof startAhead; fingerprint: (loaded: unknown) => string }];
  return { solve: l.solve, loadScenario: l.loadScenario, startAhead: a.startAhead, fingerprint: a.fingerprint };
}

/** The summary as JSON, and how many re-solves other threads answered. */
async function solvedWith(path: string, aheadThreads: number): Promise<{ summary: string; resolvedAhead: number; lines: string[] }> {
  const { solve } = await compiled();
  const o = await solve(path, { timings: false, aheadThreads });
  if (o.status === 'infeasible') throw new Error(o.message);
  return { summary: JSON.stringify(o.summary), resolvedAhead: o.detail.resolvedAhead, lines: o.detail.allocation.lines.map((l) => `${l.app.projectId} ${l.grant.toString()}`) };
}

/** The three-year demonstration's 2020 step with all-or-nothing grants under one measure: an integer model with a cash plan. */
function integerWithCash(): string {
  const root = join(work, 'scenarios');
  cpSync(fileURLToPath(new URL('../scenarios', import.meta.url)), root, { recursive: true });
  const path = join(root, 'shenzhen-2019-2021', '2020', 'scenario.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { measureBudgets: Record<string, Record<string, unknown>> };
  json.measureBudgets['P11-RETROFIT']!.allOrNothing = true;
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('re-solves of an integer model on other threads', () => {
  it('give the analysis what solving them here gives: the budget ± step', async () => {
    const path = writeFamily(join(work, 'integer'), 'integer', 400, 11);
    const here = await solvedWith(path, 0);
    const ahead = await solvedWith(path, 2);
    expect(here.resolvedAhead).toBe(0);
    expect(ahead.resolvedAhead).toBe(2);
    expect(ahead.lines).toEqual(here.lines);
    expect(ahead.summary).toBe(here.summary);
    // The analysis moved something: a comparison of two empty analyses would prove nothing.
    expect(JSON.parse(here.summary).marginalValues.budget.up.status).toBe('optimal');
  }, 60_000);

  it("and each year's cash, on one thread as on two", async () => {
    const path = integerWithCash();
    const here = await solvedWith(path, 0);
    const one = await solvedWith(path, 1);
    const two = await solvedWith(path, 2);
    const values = JSON.parse(here.summary).marginalValues as Record<string, unknown>;
    expect(Object.keys(values)).toEqual(['budget', 'cash:2020', 'cash:2021', 'cash:2022']);
    expect([here.resolvedAhead, one.resolvedAhead, two.resolvedAhead]).toEqual([0, 5, 5]);
    expect(one.summary).toBe(here.summary);
    expect(two.summary).toBe(here.summary);
  }, 60_000);

  it('are refused by a thread that read other files, and then solved here', async () => {
    const { startAhead, fingerprint, loadScenario } = await compiled();
    const path = writeFamily(join(work, 'refused'), 'integer', 200, 5);
    const setup: AheadSetup = { scenarioPath: path, solver: 'auto', fingerprint: fingerprint(loadScenario(path)) };
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
    const racing = solve(changed, {
      timings: false,
      aheadThreads: 2,
      // Once this thread has read the file (the threads read it later), it changes: one more line end.
      onLoaded: () => writeFileSync(csv, text + '\n'),
    });
    const after = await racing;
    writeFileSync(csv, text);
    if (before.status === 'infeasible' || after.status === 'infeasible') throw new Error('infeasible');
    expect(after.detail.resolvedAhead).toBe(0);
    expect(JSON.stringify(after.summary)).toBe(JSON.stringify(before.summary));
  }, 60_000);
});

describe('an answer as the analysis reads it', () => {
  const line = (id: string, grant: string, score = 80) => ({ app: { projectId: id, score: new D(score) }, grant: new D(grant) });
  const base = { lines: [line('A', '100'), line('B', '0')], objective: new D(8000), granted: new D(100) } as unknown as Allocation;
  const solved = (ids: string[], grants: string[]): AheadAnswer => ({ kind: 'solved', status: 'optimal', ids, grants, objective: '16000', granted: '200', planGranted: null });

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
