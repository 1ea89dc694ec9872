/**
 * The budget sweep's figure: 50 budget points over 3,000 seeded applications, end to end
 * (load, 50 solves re-using the model and basis, rounding and verification at every point,
 * writing the frontier files).
 *   npm run bench:sweep [-- --apps 3000 --steps 50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { D } from '../src/money.js';
import { runSweep } from '../src/commands/sweep.js';
import { writeBenchScenario } from './bench.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const apps = arg('apps', 3000);
const steps = arg('steps', 50);
const work = mkdtempSync(join(tmpdir(), 'fundplan-sweep-bench-'));
try {
  const scenario = writeBenchScenario(work, apps);
  // From a quarter to the whole of what the policy allows (the bench budget is ≈ 40% of it).
  const full = apps * 1_100_000 / 0.4;
  const t = performance.now();
  const out = await runSweep({ scenario, from: new D(Math.round(full * 0.25)), to: new D(Math.round(full)), steps, out: join(work, 'out') });
  const ms = performance.now() - t;
  console.log(`sweep: ${steps} budget points × ${apps.toLocaleString('en')} applications in ${(ms / 1000).toFixed(2)} s (${(ms / steps).toFixed(0)} ms a point, every point verified); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; knee at point ${out.knee ?? 'none'}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
