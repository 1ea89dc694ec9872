/**
 * `--threads` on `solve` and `sweep`: the number reaches the command as `aheadThreads`, anything
 * but a whole number is an input error naming the flag (exit 1, nothing run), and through the
 * built binary an integer model's outputs are the same bytes with and without threads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFamily } from '../scripts/families.js';

const calls = vi.hoisted(() => ({ solve: [] as Record<string, unknown>[], sweep: [] as Record<string, unknown>[] }));
vi.mock('../src/commands/solve.js', () => ({
  runSolve: async (options: Record<string, unknown>) => {
    calls.solve.push(options);
    return { text: 'solved', summary: { warnings: [] } };
  },
}));
vi.mock('../src/commands/sweep.js', () => ({
  runSweep: async (options: Record<string, unknown>) => {
    calls.sweep.push(options);
    return { text: 'swept' };
  },
}));
const { main } = await import('../src/cli.js');

/** `main(argv)` with stdout and stderr captured. */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeEach(() => {
  calls.solve.length = 0;
  calls.sweep.length = 0;
});

describe('--threads', () => {
  it('reaches solve and sweep as aheadThreads; left out, the pipeline picks', async () => {
    expect((await run(['solve', 's.json', '--threads', '0'])).code).toBe(0);
    expect((await run(['solve', 's.json', '--threads', '3'])).code).toBe(0);
    expect((await run(['solve', 's.json'])).code).toBe(0);
    expect(calls.solve.map((o) => o.aheadThreads)).toEqual([0, 3, undefined]);
    expect((await run(['sweep', 's.json', '--from', '1亿', '--to', '2亿', '--threads', '1'])).code).toBe(0);
    expect((await run(['sweep', 's.json', '--from', '1亿', '--to', '2亿'])).code).toBe(0);
    expect(calls.sweep.map((o) => o.aheadThreads)).toEqual([1, undefined]);
    expect('aheadThreads' in calls.sweep[1]!).toBe(false);
  });

  it('anything but a whole number is an input error naming the flag; nothing runs', async () => {
    for (const bad of ['-1', '1.5', 'two', '', '1e3']) {
      for (const argv of [['solve', 's.json', '--threads', bad], ['sweep', 's.json', '--from', '1亿', '--to', '2亿', '--threads', bad]]) {
        const r = await run(argv);
        expect(r.code, `${argv[0]} --threads ${JSON.stringify(bad)}`).toBe(1);
        expect(r.stderr).toContain('--threads');
        expect(r.stderr).toContain('expected a whole number of threads, 0 or more');
        expect(r.stderr).toContain(`found ${JSON.stringify(bad)}`);
      }
    }
    expect(calls.solve).toEqual([]);
    expect(calls.sweep).toEqual([]);
  });
});

describe('--threads through the built binary', () => {
  const cli = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
  const work = mkdtempSync(join(tmpdir(), 'fundplan-threads-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('an integer model: the same bytes with 0 and 1 threads, for solve and sweep', () => {
    expect(existsSync(cli), 'run `npm run build` (npm test does it in pretest)').toBe(true);
    const scenario = writeFamily(join(work, 'integer'), 'integer', 200, 6);
    const runs = ['0', '1'].map((threads) => {
      const out = join(work, `solve-${threads}`);
      const swept = join(work, `sweep-${threads}`);
      const a = spawnSync(process.execPath, [cli, 'solve', scenario, '--out', out, '--no-timings', '--no-whatif', '--threads', threads], { encoding: 'utf8', timeout: 120_000 });
      const b = spawnSync(process.execPath, [cli, 'sweep', scenario, '--from', '100万', '--to', '3000万', '--steps', '4', '--out', swept, '--threads', threads], { encoding: 'utf8', timeout: 120_000 });
      expect([a.status, b.status], a.stderr + b.stderr).toEqual([0, 0]);
      return { out, swept };
    });
    for (const key of ['out', 'swept'] as const) {
      const files = readdirSync(runs[0]![key]).sort();
      expect(files.length).toBeGreaterThan(2);
      expect(readdirSync(runs[1]![key]).sort()).toEqual(files);
      for (const f of files) expect(readFileSync(join(runs[1]![key], f)).equals(readFileSync(join(runs[0]![key], f))), `${key}/${f}`).toBe(true);
    }
  });
});
