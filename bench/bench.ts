/**
 * End-to-end benchmark: seeded synthetic batches of the Shenzhen policy's shape, solved by
 * the same code path as `fundplan solve`, each run in a fresh process so peak RSS is its own.
 *
 *   npm run bench                                   # 1,000 and 3,000 applications, --solver auto
 *   npm run bench -- --sizes 1000,10000 --solvers jslp,highs --runs 3
 *
 * javascript-lp-solver is skipped above 5,000 applications (its dense tableau takes minutes). *
 * Prints per-phase times (median of the runs), the wall time of the whole process, and peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApplications, toCsv } from '../scripts/synthetic.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Write a scenario folder for n applications: budget ≈ 40% of what the policy allows. */
export function writeBenchScenario(dir: string, n: number, seed = 7): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'applications.csv'), toCsv(generateApplications({ seed, count: n, year: 2019 }), { chinese: false }));
  const scenario = {
    name: `bench-${n}`,
    policy: join(root, 'scenarios/policies/shenzhen-iiot-2018.json'),
    applications: 'applications.csv',
    year: 2019,
    budget: String(n * 1_100_000),
    minScore: 60,
    companyAnnualCap: '30000000',
    measureBudgets: { 'P11-RETROFIT': { max: String(n * 270_000) }, 'P10-APPLICATION': { min: String(n * 80_000) } },
  };
  const path = join(dir, 'scenario.json');
  writeFileSync(path, JSON.stringify(scenario, null, 2));
  return path;
}

interface RunResult {
  timingsMs: Record<string, number>;
  backend: string;
  objective: string;
  maxRssMb: number;
  wallMs: number;
  lp: { columns: number; rows: number };
  checks: number;
}

function runOnce(scenarioPath: string, out: string, solver: string): RunResult {
  const child = join(here, 'bench-child.js');
  const t = performance.now();
  const r = spawnSync(process.execPath, [child, scenarioPath, out, solver], { encoding: 'utf8' });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`bench child failed (${r.status}): ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<RunResult, 'wallMs'>), wallMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main() {
  const sizes = arg('sizes', '1000,3000').split(',').map(Number);
  const runs = Number(arg('runs', '3'));
  const solvers = arg('solvers', 'auto').split(',');
  const work = mkdtempSync(join(tmpdir(), 'fundplan-bench-'));
  const phases = ['parse', 'build', 'solve', 'round', 'verify', 'write'];
  console.log(`fundplan benchmark · node ${process.version} · median of ${runs} fresh processes per size`);
  console.log(['apps', 'solver', 'LP cols×rows', ...phases.map((p) => `${p} ms`), 'in-process ms', 'process wall ms', 'peak RSS MB'].join(' | '));
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
        const inProcess = median(results.map((r) => phases.reduce((s, p) => s + r.timingsMs[p]!, 0)));
        console.log(
          [
            n.toLocaleString('en'),
            `${solver}→${results[0]!.backend}`,
            `${results[0]!.lp.columns}×${results[0]!.lp.rows}`,
            ...phases.map((p) => phase(p).toFixed(0)),
            inProcess.toFixed(0),
            median(results.map((r) => r.wallMs)).toFixed(0),
            median(results.map((r) => r.maxRssMb)).toFixed(0),
          ].join(' | '),
        );
      }
      if (objectives.size > 1) console.log(`  note: objectives differ between backends: ${[...objectives].join(' vs ')}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
