/**
 * End-to-end benchmark on every instance family of scripts/families.ts, solved by the same code
 * path as `fundplan solve`, each run in a fresh process so peak RSS is its own.
 *
 *   npm run bench                                   # every family at its default size, --solver auto
 *   npm run bench -- --families many-companies,crossing --sizes 20000,100000 --runs 3 --native
 *   npm run bench -- --integer-size 1000 --seed 9 --solvers auto,highs
 *   npm run bench -- --families floors --sizes 100000 --format gb18030   # or xlsx: the file as bureaus send it
 *
 * Per family and solver it prints per-phase times (median of the runs), the solver's pivots where
 * it reports them, the parse rate of the applications file (UTF-8 CSV, or with `--format` GB18030
 * CSV or an .xlsx as Excel saves it), the whole process's wall time, peak RSS and minor
 * page faults (pages of memory touched for the first time; on Linux also the main thread's, whose
 * run they lengthen), and with two or more sizes how each grows (the exponent b in t ∝ n^b).
 * `--sizes` applies to every family but "integer", which is a MIP and runs at `--integer-size`
 * (default 3,000).
 * javascript-lp-solver is skipped above 5,000 applications (its dense tableau takes minutes).
 *
 * References on the identical LP (one more run writes it with --emit-lp):
 * - LEMON's NetworkSimplex and CostScaling (bench/lemon/lemon-flow.cpp), whenever g++ and the
 *   LEMON headers are installed (`apt-get install liblemon-dev g++`); `--no-lemon` skips them.
 *   Compiled into a temporary folder; a measuring tool, never a dependency.
 * - with `--native`: native HiGHS (highspy, bench/native-highs.py) with presolve off and on.
 * Ratios are fundplan's solve phase (median) to the reference's run time, taken in the same
 * benchmark run; on a shared machine only such back-to-back ratios compare. Beside LEMON, one more
 * process solves the scenario through the library and then times the same LP's network
 * recognition and simplex (tie rule included) again and again, its code compiled by then: the
 * solve's own work without a fresh process's JIT warm-up, against the same LEMON figure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, FAMILIES, type Family, writeFamily } from '../scripts/families.js';

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
  stagesRaw: string[];
  backend: string;
  objective: string;
  /** The first stage's objective in the LP's units (the model --emit-lp writes), null if it did not finish. */
  lpObjective: number | null;
  maxRssMb: number;
  /** Minor page faults of the whole process, and of its main thread (null off Linux). */
  minorFaults: number;
  mainFaults: number | null;
  wallMs: number;
  lp: { applications: number; columns: number; rows: number };
  checks: number;
}

/** The bench child run with `args` in a fresh process: what it printed (JSON), and its wall time. */
function child<T>(args: readonly string[]): { readonly printed: T; readonly wallMs: number } {
  // The child bundled as the command line is (dist/bin: one file to load, its worker beside it).
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'dist', 'bin', 'bench-child.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`bench child failed (${r.status}): ${r.stderr}`);
  return { printed: JSON.parse(r.stdout) as T, wallMs };
}

function runOnce(scenarioPath: string, out: string, solver: string, emitLp = ''): RunResult {
  const { printed, wallMs } = child<Omit<RunResult, 'wallMs'>>([scenarioPath, out, solver, emitLp]);
  return { ...printed, wallMs };
}

/** The network LP's recognition and simplex (tie rule included) timed again and again in one process, its code compiled (medians). */
interface WarmResult {
  detectMs: number;
  solveMs: number;
  totalMs: number;
  pivots: number;
  runs: number;
}

/** The bench child's `warm` mode on the scenario: null for a model the network simplex does not take. */
function warmOnce(scenarioPath: string): WarmResult | null {
  return child<{ warm: WarmResult | null }>([scenarioPath, '', 'auto', '', 'warm']).printed.warm;
}

/** Pivots as the solver's stages report them ("optimal after N pivots"), summed; null if none says. */
function pivots(r: RunResult): number | null {
  const counts = r.stagesRaw.map((s) => /(\d+) pivots/.exec(s)?.[1]).filter((s): s is string => s !== undefined);
  return counts.length ? counts.reduce((s, c) => s + Number(c), 0) : null;
}

interface Timed {
  seconds: number;
  objective: number;
}

function native(lpFile: string, presolve: 'on' | 'off'): Timed | string {
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

/** Compile bench/lemon/lemon-flow.cpp into `dir` if g++ and LEMON's headers are there; the binary, or why not. */
function compileLemon(dir: string): string | { missing: string } {
  const source = join(root, 'bench', 'lemon', 'lemon-flow.cpp');
  if (!existsSync('/usr/include/lemon/network_simplex.h')) return { missing: 'LEMON headers not installed (apt-get install liblemon-dev)' };
  const binary = join(dir, 'lemon-flow');
  const r = spawnSync('g++', ['-O2', '-std=c++17', '-o', binary, source, '-llemon'], { encoding: 'utf8' });
  if (r.error) return { missing: 'g++ not found' };
  if (r.status !== 0) return { missing: `lemon-flow did not compile: ${r.stderr.trim().split('\n')[0]}` };
  return binary;
}

interface LemonResult {
  networkSimplex: Timed & { status: string };
  costScaling: Timed & { status: string };
}

function lemon(binary: string, lpFile: string, runs: number): LemonResult | string {
  const r = spawnSync(binary, [lpFile, '--runs', String(runs)], { encoding: 'utf8' });
  try {
    const j = JSON.parse((r.stdout || '').trim()) as LemonResult & { error?: string };
    return j.error ?? j;
  } catch {
    return `lemon-flow failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  }
}

/** The applications file as the families write it (UTF-8 CSV), or as bureaus' files often come: GB18030 CSV, or a workbook as Excel writes it. */
const FORMATS = ['csv', 'gb18030', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];

/**
 * The family's applications file in `format`, in place of its UTF-8 CSV (the scenario names an
 * .xlsx where it becomes one); its size in bytes. GB18030 by iconv-lite; the workbook by exceljs,
 * shared strings and amounts as numbers, as Excel saves one.
 */
async function inFormat(dir: string, scenario: string, format: Format): Promise<number> {
  const csvPath = join(dir, 'applications.csv');
  if (format === 'csv') return statSync(csvPath).size;
  const text = readFileSync(csvPath, 'utf8');
  if (format === 'gb18030') {
    const { default: iconv } = await import('iconv-lite');
    writeFileSync(csvPath, iconv.encode(text, 'gb18030'));
    return statSync(csvPath).size;
  }
  const { default: ExcelJS } = await import('exceljs');
  const { parse } = await import('csv-parse/sync');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('申报汇总');
  // The amount and score columns (the 8th on) as numbers where they are.
  for (const row of parse(text) as string[][]) sheet.addRow(row.map((v, i) => (i >= 7 && v !== '' && Number.isFinite(Number(v)) ? Number(v) : v)));
  const xlsxPath = join(dir, 'applications.xlsx');
  await book.xlsx.writeFile(xlsxPath);
  rmSync(csvPath);
  const json = JSON.parse(readFileSync(scenario, 'utf8')) as { applications: string };
  writeFileSync(scenario, JSON.stringify({ ...json, applications: 'applications.xlsx' }, null, 2));
  return statSync(xlsxPath).size;
}

/** Seconds as milliseconds, with decimals below 10 ms. */
const ms = (seconds: number) => (seconds * 1000).toFixed(seconds < 0.01 ? 2 : 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const PHASES = ['parse', 'build', 'solve', 'round', 'verify', 'analyse', 'write'] as const;
/** The families whose model a min-cost-flow solver cannot take: why, for the reference table. */
const NOT_A_FLOW: Partial<Record<Family, string>> = {
  integer: 'not a flow (integer model)',
  instalments: 'not a flow (cash rows weigh grants by instalment shares)',
};

async function main() {
  const families = arg('families', FAMILIES.join(',')).split(',') as Family[];
  for (const f of families) if (!FAMILIES.includes(f)) throw new Error(`unknown family ${f} (${FAMILIES.join(', ')})`);
  const sizes = arg('sizes', '20000').split(',').map(Number);
  const integerSize = Number(arg('integer-size', '3000'));
  const runs = Number(arg('runs', '1'));
  const solvers = arg('solvers', 'auto').split(',');
  const seedArg = arg('seed', '');
  const withNative = process.argv.includes('--native');
  const format = arg('format', 'csv') as Format;
  if (!FORMATS.includes(format)) throw new Error(`unknown format ${format} (${FORMATS.join(', ')})`);
  const work = mkdtempSync(join(tmpdir(), 'fundplan-bench-'));
  const lemonBinary = process.argv.includes('--no-lemon') ? { missing: 'skipped (--no-lemon)' } : compileLemon(work);
  console.log(`fundplan benchmark · node ${process.version} · median of ${runs} fresh process(es) per family, size and solver`);
  if (typeof lemonBinary !== 'string') console.log(`LEMON reference: ${lemonBinary.missing}`);
  console.log(
    ['family', 'apps', 'solver', 'LP cols×rows', 'pivots', ...PHASES.map((p) => `${p} ms`), 'of write: main thread ms', 'parse MB/s', 'in-process ms', 'process wall ms', 'peak RSS MB', 'page faults', 'of them main thread'].join(' | '),
  );
  const series = new Map<string, { n: number; values: Record<string, number> }[]>();
  const referenceRows: string[] = [];
  try {
    for (const family of families) {
      const seed = seedArg ? Number(seedArg) : DEFAULT_SEED[family];
      for (const n of family === 'integer' ? [integerSize] : sizes) {
        const dir = join(work, `${family}-${n}`);
        const scenario = writeFamily(dir, family, n, seed);
        const inputMb = (await inFormat(dir, scenario, format)) / 1e6;
        const label = format === 'csv' ? family : `${family} (${format})`;
        const objectives = new Set<string>();
        let autoSolveMs: number | null = null;
        let autoPivots: number | null = null;
        for (const solver of solvers) {
          if (solver === 'jslp' && n > 5000) {
            console.log(`${family} | ${n.toLocaleString('en')} | jslp | skipped above 5,000 applications`);
            continue;
          }
          const results = Array.from({ length: runs }, () => runOnce(scenario, join(dir, 'out'), solver));
          objectives.add(results[0]!.objective);
          const phase = (p: string) => median(results.map((r) => r.timingsMs[p]!));
          const values: Record<string, number> = Object.fromEntries(PHASES.map((p) => [p, phase(p)]));
          values.writeMain = median(results.map((r) => r.timingsMs.writeMain ?? NaN));
          values.inProcess = median(results.map((r) => PHASES.reduce((s, p) => s + r.timingsMs[p]!, 0)));
          values.wall = median(results.map((r) => r.wallMs));
          values.rss = median(results.map((r) => r.maxRssMb));
          values.faults = median(results.map((r) => r.minorFaults));
          values.mainFaults = median(results.map((r) => r.mainFaults ?? NaN));
          const key = `${label} ${solver}`;
          series.set(key, [...(series.get(key) ?? []), { n, values }]);
          const r0 = results[0]!;
          const p = pivots(r0);
          if (solver === 'auto') {
            autoSolveMs = values.solve!;
            autoPivots = p;
          }
          console.log(
            [
              label,
              n.toLocaleString('en'),
              `${solver}→${r0.backend}`,
              `${r0.lp.columns}×${r0.lp.rows}`,
              p === null ? '–' : p.toLocaleString('en'),
              ...PHASES.map((ph) => values[ph]!.toFixed(0)),
              Number.isNaN(values.writeMain) ? '–' : values.writeMain!.toFixed(0),
              (inputMb / (values.parse! / 1000)).toFixed(1),
              values.inProcess!.toFixed(0),
              values.wall!.toFixed(0),
              values.rss!.toFixed(0),
              `${(values.faults! / 1000).toFixed(0)}k`,
              Number.isNaN(values.mainFaults) ? '–' : `${(values.mainFaults! / 1000).toFixed(0)}k`,
            ].join(' | '),
          );
        }
        if (objectives.size > 1) console.log(`  note: objectives differ between backends: ${[...objectives].join(' vs ')}`);
        const notFlow = NOT_A_FLOW[family];
        const wantLemon = typeof lemonBinary === 'string' && notFlow === undefined;
        if (!withNative && !wantLemon) continue;
        // The identical stage-1 LP, written by one more run (writing it is inside the solve phase,
        // so that run is not timed).
        const lpFile = join(dir, 'model.lp');
        const emitted = runOnce(scenario, join(dir, 'out'), 'auto', lpFile);
        const solveMs = autoSolveMs ?? emitted.timingsMs.solve!;
        const cells = [label, n.toLocaleString('en'), `${emitted.lp.columns}×${emitted.lp.rows}`, `fundplan ${emitted.backend} ${solveMs.toFixed(0)} ms`];
        cells.push(autoPivots === null ? '–' : `${autoPivots.toLocaleString('en')} pivots`);
        const ratio = (seconds: number) => `${(solveMs / (seconds * 1000)).toFixed(1)}×`;
        const agree = (objective: number) => {
          if (emitted.lpObjective === null) return 'no fundplan objective to compare';
          const rel = Math.abs(objective - emitted.lpObjective) / Math.max(1, Math.abs(emitted.lpObjective));
          return rel <= 1e-9 ? 'same objective' : `objective differs by ${rel.toExponential(1)}`;
        };
        if (typeof lemonBinary === 'string' && notFlow === undefined) {
          const l = lemon(lemonBinary, lpFile, 3);
          if (typeof l === 'string') cells.push(`LEMON: ${l}`);
          else {
            cells.push(`LEMON NetworkSimplex ${ms(l.networkSimplex.seconds)} ms (fundplan ${ratio(l.networkSimplex.seconds)}, ${agree(l.networkSimplex.objective)})`);
            cells.push(`LEMON CostScaling ${ms(l.costScaling.seconds)} ms (fundplan ${ratio(l.costScaling.seconds)})`);
            const w = warmOnce(scenario);
            if (w) {
              cells.push(
                `compiled (the same LP again in that process, median of ${w.runs}): recognition ${w.detectMs.toFixed(1)} ms + simplex with the tie rule ${w.solveMs.toFixed(1)} ms ` +
                  `= ${w.totalMs.toFixed(1)} ms (${(w.totalMs / (l.networkSimplex.seconds * 1000)).toFixed(1)}× LEMON NetworkSimplex)`,
              );
            }
          }
        } else cells.push(`LEMON: ${notFlow ?? (lemonBinary as { missing: string }).missing}`);
        if (withNative) {
          for (const presolve of ['off', 'on'] as const) {
            const h = native(lpFile, presolve);
            cells.push(typeof h === 'string' ? `native HiGHS: ${h}` : `native HiGHS presolve ${presolve} ${ms(h.seconds)} ms (fundplan ${ratio(h.seconds)}, ${agree(h.objective)})`);
          }
        }
        referenceRows.push(cells.join(' | '));
      }
    }
    if (referenceRows.length) {
      console.log('\nsolve phase on the identical model (--emit-lp): fundplan (both stages: priority + tie rule) against references (priority LP only); ratio = fundplan ÷ reference:');
      for (const r of referenceRows) console.log(r);
    }
    for (const [key, points] of series) {
      if (points.length < 2) continue;
      const a = points[0]!;
      const b = points[points.length - 1]!;
      const exp = (k: string) => (Math.log(b.values[k]! / a.values[k]!) / Math.log(b.n / a.n)).toFixed(2);
      console.log(
        `\ngrowth ${key}, ${a.n.toLocaleString('en')} → ${b.n.toLocaleString('en')} applications (t ∝ n^b): ` +
          [...PHASES, 'inProcess', 'wall', 'rss'].map((k) => `${k} ${exp(k)}`).join(', '),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
