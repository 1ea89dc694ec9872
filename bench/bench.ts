/**
 * End-to-end benchmark: seeded synthetic batches of the Shenzhen policy's shape, solved by
 * the same code path as `fundplan solve`, each run in a fresh process so peak RSS is its own.
 *
 *   npm run bench                                   # 1,000 and 3,000 applications, --solver auto
 *   npm run bench -- --sizes 1000,10000,100000 --solvers auto,jslp,highs --runs 3 --native
 *
 * Prints per-phase times (median of the runs), the whole process's wall time and peak RSS,
 * and how each grows with size (the exponent b in t ∝ n^b between the smallest and largest
 * size). javascript-lp-solver is skipped above 5,000 applications (its dense tableau takes
 * minutes). --native also compares, on the identical stage-1 LP exported with --emit-lp,
 * fundplan's solve phase (`auto`), HiGHS WebAssembly's stage 1 and native HiGHS's (highspy,
 * if installed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFamily } from '../scripts/families.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository: up from bench/ (sources, under vitest) or dist/bench/ (built). */
const root = (() => {
  let dir = here;
  while (!existsSync(join(dir, 'scenarios', 'policies')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Write the synthetic family's scenario folder for n applications: budget ≈ 40% of what the policy allows. */
export function writeBenchScenario(dir: string, n: number, seed = 7): string {
  return writeFamily(dir, 'synthetic', n, seed);
}

interface RunResult {
  timingsMs: Record<string, number>;
  stagesMs: Record<string, number>;
  backend: string;
  objective: string;
  lpObjective: number;
  maxRssMb: number;
  wallMs: number;
  lp: { applications: number; columns: number; rows: number };
  checks: number;
}

function runOnce(scenarioPath: string, out: string, solver: string, emitLp = ''): RunResult {
  const child = join(here, 'bench-child.js');
  const t = performance.now();
  const r = spawnSync(process.execPath, [child, scenarioPath, out, solver, emitLp], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`bench child failed (${r.status}): ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<RunResult, 'wallMs'>), wallMs };
}

function native(lpFile: string, presolve: 'on' | 'off'): { seconds: number; objective: number } | string {
  const r = spawnSync('python3', [join(root, 'bench', 'native-highs.py'), lpFile, '--presolve', presolve], { encoding: 'utf8' });
  if (r.error) return 'python3 not found';
  const line = (r.stdout || '').trim();
  try {
    const j = JSON.parse(line) as { seconds?: number; objective?: number; error?: string };
    return j.error ?? { seconds: j.seconds!, objective: j.objective! };
  } catch {
    return `native run failed: ${r.stderr.trim().split('\n').pop()}`;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const PHASES = ['parse', 'build', 'solve', 'round', 'verify', 'analyse', 'write'] as const;

function main() {
  const sizes = arg('sizes', '1000,3000').split(',').map(Number);
  const runs = Number(arg('runs', '3'));
  const solvers = arg('solvers', 'auto').split(',');
  const withNative = process.argv.includes('--native');
  const work = mkdtempSync(join(tmpdir(), 'fundplan-bench-'));
  console.log(`fundplan benchmark · node ${process.version} · median of ${runs} fresh processes per size and solver`);
  console.log(['apps', 'solver', 'LP cols×rows', ...PHASES.map((p) => `${p} ms`), 'in-process ms', 'process wall ms', 'peak RSS MB'].join(' | '));
  const series = new Map<string, { n: number; values: Record<string, number> }[]>();
  const nativeRows: string[] = [];
  try {
    for (const n of sizes) {
      const scenario = writeBenchScenario(join(work, String(n)), n);
      const objectives = new Set<string>();
      for (const solver of solvers) {
        if (solver === 'jslp' && n > 5000) {
          console.log(`${n.toLocaleString('en')} | jslp | skipped above 5,000 applications`);
          continue;
        }
        const results = Array.from({ length: runs }, () => runOnce(scenario, join(work, String(n), 'out'), solver));
        objectives.add(results[0]!.objective);
        const phase = (p: string) => median(results.map((r) => r.timingsMs[p]!));
        const values: Record<string, number> = Object.fromEntries(PHASES.map((p) => [p, phase(p)]));
        values.inProcess = median(results.map((r) => PHASES.reduce((s, p) => s + r.timingsMs[p]!, 0)));
        values.wall = median(results.map((r) => r.wallMs));
        values.rss = median(results.map((r) => r.maxRssMb));
        const key = `${solver}`;
        series.set(key, [...(series.get(key) ?? []), { n, values }]);
        const r0 = results[0]!;
        console.log(
          [
            n.toLocaleString('en'),
            `${solver}→${r0.backend}`,
            `${r0.lp.columns}×${r0.lp.rows}`,
            ...PHASES.map((p) => values[p]!.toFixed(0)),
            values.inProcess!.toFixed(0),
            values.wall!.toFixed(0),
            values.rss!.toFixed(0),
          ].join(' | '),
        );
      }
      if (objectives.size > 1) console.log(`  note: objectives differ between backends: ${[...objectives].join(' vs ')}`);
      if (withNative) {
        // The identical stage-1 LP (--emit-lp, written by one more run) three ways: fundplan's solve
        // phase as `auto` runs it (the table's median above: the network simplex recognising the
        // network, then both stages in one solve), HiGHS WebAssembly's stage 1 alone (median of
        // fresh processes), native HiGHS's stage 1 alone.
        const lpFile = join(work, String(n), 'model.lp');
        const emitted = runOnce(scenario, join(work, String(n), 'out'), 'auto', lpFile);
        const autoSolve = series.get('auto')?.find((p) => p.n === n)?.values.solve ?? emitted.timingsMs.solve!;
        const wasm = median(Array.from({ length: runs }, () => runOnce(scenario, join(work, String(n), 'out'), 'highs').stagesMs.priority!));
        const off = native(lpFile, 'off');
        const on = native(lpFile, 'on');
        const fmt = (x: typeof off) => (typeof x === 'string' ? x : `${(x.seconds * 1000).toFixed(0)} ms`);
        const ratio = (ms: number) => (typeof off === 'string' ? 'no native figure' : `${(ms / (off.seconds * 1000)).toFixed(2)}×`);
        nativeRows.push(
          `${n.toLocaleString('en')} | ${emitted.backend}, both stages ${autoSolve.toFixed(0)} ms (${ratio(autoSolve)}) | ` +
            `wasm HiGHS stage 1 ${wasm.toFixed(0)} ms (${ratio(wasm)}) | native HiGHS stage 1, presolve off ${fmt(off)} | presolve on ${fmt(on)}`,
        );
      }
    }
    if (nativeRows.length) {
      console.log('\nsolve phase on the identical model (--emit-lp); ratios to native HiGHS with presolve off:');
      for (const r of nativeRows) console.log(r);
    }
    for (const [solver, points] of series) {
      if (points.length < 2) continue;
      const a = points[0]!;
      const b = points[points.length - 1]!;
      const exp = (k: string) => (Math.log(b.values[k]! / a.values[k]!) / Math.log(b.n / a.n)).toFixed(2);
      console.log(
        `\ngrowth ${solver}, ${a.n.toLocaleString('en')} → ${b.n.toLocaleString('en')} applications (t ∝ n^b): ` +
          [...PHASES, 'inProcess', 'wall', 'rss'].map((k) => `${k} ${exp(k)}`).join(', '),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
