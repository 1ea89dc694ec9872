/**
 * A run's files are one set, even after a crash: each file is flushed (fsync) before it is
 * renamed into place and the folder after the renames; summary.json, renamed last, holds the
 * others' SHA-256. A crash between any two renames leaves either the previous set or one that
 * compare and --lock refuse, naming the file; never a mix read as one run.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../src/errors.js';
import { runCompare } from '../src/commands/compare.js';
import { outputFilesOf, runSolve } from '../src/commands/solve.js';
import { loadScenario, withLocks } from '../src/pipeline/load.js';
import { writeOutputsAtomically } from '../src/io/write.js';
import { D } from '../src/money.js';
import { fixture, removeFixtures } from './helpers/cli-fixtures.js';

/** The files a solve of a one-year scenario writes. */
const OUTPUT_FILES = outputFilesOf({});

/** What the file operations did, and a rename to fail (a crash or power cut at that point). */
const fsTrace = vi.hoisted(() => ({ calls: [] as string[], fds: new Map<number, string>(), renames: 0, failAt: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    openSync: (...args: Parameters<typeof real.openSync>) => {
      const fd = real.openSync(...args);
      fsTrace.fds.set(fd, String(args[0]));
      return fd;
    },
    open: (path: string, flags: string, done: (e: NodeJS.ErrnoException | null, fd: number) => void) =>
      real.open(path, flags, (e, fd) => {
        if (!e) fsTrace.fds.set(fd, String(path));
        done(e, fd);
      }),
    fsync: (fd: number, done: (e: NodeJS.ErrnoException | null) => void) =>
      real.fsync(fd, (e) => {
        if (!e) fsTrace.calls.push(`fsync ${fsTrace.fds.get(fd)}`);
        done(e);
      }),
    fsyncSync: (fd: number) => {
      fsTrace.calls.push(`fsync ${fsTrace.fds.get(fd)}`);
      real.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      if (++fsTrace.renames === fsTrace.failAt) throw new Error('the power went out');
      fsTrace.calls.push(`rename ${from} ${to}`);
      real.renameSync(from, to);
    },
  };
});

afterAll(removeFixtures);
beforeEach(() => {
  fsTrace.calls = [];
  fsTrace.failAt = 0;
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const files = (dir: string) => Object.fromEntries(readdirSync(dir).filter((n) => !n.startsWith('.')).map((n) => [n, readFileSync(join(dir, n))]));

/** The error `f` throws (or rejects with), or null when it succeeds. */
async function refusal(f: () => unknown): Promise<InputError | null> {
  try {
    await f();
    return null;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
}

describe('the write protocol', () => {
  it('each file is flushed before its rename, the folder after the renames, summary.json renamed last', async () => {
    const f = fixture();
    await runSolve({ scenario: f.scenario, out: f.out, noTimings: true });
    const calls = fsTrace.calls.filter((c) => c.includes(f.out));
    const tmp = /rename (\S+)\/summary\.json /.exec(calls.join('\n'))![1]!;
    expect(relative(f.out, tmp)).toMatch(/^\.fundplan-tmp-/);
    const at = (call: string) => {
      const i = calls.indexOf(call);
      expect(i, call).toBeGreaterThanOrEqual(0);
      return i;
    };
    for (const name of OUTPUT_FILES) expect(at(`fsync ${join(tmp, name)}`)).toBeLessThan(at(`rename ${join(tmp, name)} ${join(f.out, name)}`));
    const renames = calls.filter((c) => c.startsWith('rename '));
    expect(renames).toHaveLength(OUTPUT_FILES.length);
    expect(renames.at(-1)).toBe(`rename ${join(tmp, 'summary.json')} ${join(f.out, 'summary.json')}`);
    // The other renames are on disk before summary.json's, and summary.json's before the write returns.
    const lastRename = calls.indexOf(renames.at(-1)!);
    expect(calls.slice(calls.indexOf(renames.at(-2)!), lastRename)).toContain(`fsync ${f.out}`);
    expect(calls.slice(lastRename)).toEqual([renames.at(-1), `fsync ${f.out}`]);
  });

  it('summary.json records the SHA-256 of every other file it commits', async () => {
    const f = fixture();
    await runSolve({ scenario: f.scenario, out: f.out });
    const written = files(f.out);
    const summary = JSON.parse(written['summary.json']!.toString('utf8'));
    expect(summary.timingsMs.write).toBeGreaterThan(0);
    expect(Object.keys(summary.files).sort()).toEqual(OUTPUT_FILES.filter((n) => n !== 'summary.json').sort());
    for (const [name, hash] of Object.entries(summary.files)) expect(hash, name).toBe(sha(written[name]!));
  });

  it('a set without a commit record (sweep, compare) is flushed the same way; at most one record', () => {
    const f = fixture();
    const out = join(f.dir, 'pages');
    expect(writeOutputsAtomically(out, [{ name: 'a.csv', content: 'a' }, { name: 'b.html', content: new Uint8Array([98]) }])).toEqual([join(out, 'a.csv'), join(out, 'b.html')]);
    expect(fsTrace.calls.filter((c) => c.startsWith('fsync')).map((c) => relative(out, c.slice(6)).replace(/^\.fundplan-tmp-[\w-]+/, 'tmp'))).toEqual(['tmp/a.csv', 'tmp/b.html', '']);
    const record = { name: 's.json', commit: () => '{}' };
    expect(() => writeOutputsAtomically(out, [record, record])).toThrow('a set has one commit record, not 2');
  });

  it("a killed run's hidden folder is removed by the next write; a running one's is left", () => {
    const f = fixture();
    const out = join(f.dir, 'killed');
    // A process id that does not run: a child that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const dead = join(out, `.fundplan-tmp-${gone.stdout}-abc123`);
    const alive = join(out, `.fundplan-tmp-${process.ppid}-def456`);
    const other = join(out, '.fundplan-tmp-xyz789');
    for (const d of [dead, alive, other]) mkdirSync(d, { recursive: true });
    writeFileSync(join(dead, 'allocations.csv'), 'half');
    writeOutputsAtomically(out, [{ name: 'a.csv', content: 'a' }]);
    expect(readdirSync(out).sort()).toEqual(['.fundplan-tmp-xyz789', `.fundplan-tmp-${process.ppid}-def456`, 'a.csv'].sort());
  });
});

describe('a crash between two renames', () => {
  it('leaves the previous set, or one that compare and --lock refuse naming allocations.csv', async () => {
    const f = fixture();
    const loaded = loadScenario(f.scenario);
    for (let k = 1; k <= OUTPUT_FILES.length; k++) {
      const out = join(f.dir, `out-${k}`);
      await runSolve({ scenario: f.scenario, out, noTimings: true });
      const before = files(out);
      // A second run with another budget (another allocation), cut off at its k-th rename.
      fsTrace.failAt = fsTrace.renames + k;
      await expect(runSolve({ scenario: f.scenario, out, budget: new D(5_000_000), noTimings: true })).rejects.toThrow('the power went out');
      const after = files(out);
      const mixed = Object.keys(before).filter((n) => !before[n]!.equals(after[n]!));
      const shown = join(relative(process.cwd(), out), 'allocations.csv');
      const lock = await refusal(() => withLocks(loaded, join(out, 'allocations.csv')));
      const compare = await refusal(() => runCompare({ inputs: [out, f.scenario], out: join(f.dir, `compare-${k}`) }));
      if (mixed.length === 0) {
        // Cut off before anything was renamed: the previous set, whole.
        expect(k).toBe(1);
        expect([lock, compare]).toEqual([null, null]);
        continue;
      }
      expect(mixed).toEqual(['allocations.csv', 'allocations.xlsx', 'commitments.csv', 'notice.csv', 'report.html', 'report.md', 'whatif.html'].slice(0, Math.min(k - 1, 7)));
      expect(after['summary.json']!.equals(before['summary.json']!)).toBe(true);
      const expected = JSON.parse(before['summary.json']!.toString('utf8')).files['allocations.csv'];
      for (const e of [lock, compare]) {
        expect(e?.issues).toEqual([
          {
            file: shown,
            expected: `sha256 ${expected}, as ${join(relative(process.cwd(), out), 'summary.json')} records it (a run's files are one set)`,
            found: `sha256 ${sha(after['allocations.csv']!)}: a file of another run, cut short, or changed since it was written (solve again)`,
          },
        ]);
      }
    }
  });

  it('a file left empty by a power cut is refused', async () => {
    const f = fixture();
    await runSolve({ scenario: f.scenario, out: f.out, noTimings: true });
    truncateSync(join(f.out, 'allocations.csv'), 0);
    const e = await refusal(() => withLocks(loadScenario(f.scenario), join(f.out, 'allocations.csv')));
    expect(e?.issues[0]?.found).toMatch(`sha256 ${sha(new Uint8Array())}:`);
  });
});
