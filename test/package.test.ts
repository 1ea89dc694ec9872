/**
 * fundplan as another project uses it: the packed tarball (`npm pack`) installed into a fresh
 * package, imported by name. The grants it returns are the ones its own CLI writes; an
 * in-memory scenario works; an infeasible one is an outcome, not a throw; a TypeScript
 * consumer type-checks against the shipped declarations.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER, ROWS } from './helpers/cli-fixtures.js';

const REPO = new URL('..', import.meta.url).pathname;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir = '';
let files: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fundplan-consumer-'));
  // The tarball of the build `npm test` made (pretest); prepare would only build it again.
  const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', join(dir, packed[0]!.filename)], { cwd: dir, encoding: 'utf8' });
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (script: string) => execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });

describe('the packed package', () => {
  it('ships what a user needs and nothing else', () => {
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/src/cli.js');
    expect(files).toContain('dist/bin/fundplan.js');
    expect(files).toContain('dist/bin/format-worker.js');
    expect(files).toContain('dist/bin/ahead-worker.js');
    expect(files).toContain('dist/bin/ranges-worker.js');
    expect(files.filter((f) => f.startsWith('dist/bin/'))).toHaveLength(4);
    expect(files).toContain('scenarios/policies/shenzhen-iiot-2018.json');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => /^(test|bench|scripts|src)\/|^dist\/(test|bench|scripts)\/|\.test\./.test(f))).toEqual([]);
  });

  it('solve(path) gives the grants the packed CLI writes, every application in input order', () => {
    const scenario = 'node_modules/fundplan/scenarios/shenzhen-2019/scenario.json';
    const out = JSON.parse(
      node(`
        import { solve } from 'fundplan';
        const o = await solve(${JSON.stringify(scenario)}, { timings: false });
        console.log(JSON.stringify({ status: o.status, rows: o.allocations.map((a) => [a.project_id, a.grant]), summary: o.summary }));
      `),
    ) as { status: string; rows: [string, string][]; summary: { granted: string; timingsMs?: unknown; counts: { applications: number } } };
    expect(out.status).toBe('optimal');
    expect(out.summary.timingsMs).toBeUndefined();
    // The command npm installs (its `bin`), as a user runs it.
    execFileSync(join(dir, 'node_modules', '.bin', 'fundplan'), ['solve', scenario, '--out', 'cli-out', '--no-timings'], { cwd: dir, stdio: 'pipe' });
    const csv = readFileSync(join(dir, 'cli-out', 'allocations.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n').slice(1);
    expect(out.rows.length).toBe(out.summary.counts.applications);
    // project_id is the first column and grant the 13th; no fixture cell holds a comma or quote before them.
    expect(out.rows).toEqual(csv.map((line) => { const c = line.split(','); return [c[0], c[12]]; }));
    // The file also commits the run's other files by their SHA-256, which only the writer knows.
    const { files, ...written } = JSON.parse(readFileSync(join(dir, 'cli-out', 'summary.json'), 'utf8'));
    expect(written).toEqual(out.summary);
    expect(Object.keys(files).sort()).toEqual(['allocations.csv', 'allocations.xlsx', 'commitments.csv', 'notice.csv', 'report.html', 'report.md', 'whatif.html']);
  });

  it('an in-memory scenario (policy and records as objects) solves; one that cannot be met is infeasible with its conflicts', () => {
    const policy = JSON.parse(readFileSync(join(REPO, 'scenarios/policies/shenzhen-iiot-2018.json'), 'utf8')) as unknown;
    const records = ROWS.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]!])));
    const out = JSON.parse(
      node(`
        import { solve } from 'fundplan';
        const input = (budget, extra = {}) => ({ scenario: { name: '内存场景', year: 2019, budget, minScore: 60, policy: ${JSON.stringify(policy)}, ...extra }, applications: ${JSON.stringify(records)} });
        const ok = await solve(input('800万'), { timings: false });
        const bad = await solve(input('100万', { measureBudgets: { 'P10-APPLICATION': { min: '200万' } } }));
        console.log(JSON.stringify({ ok: [ok.status, ok.summary.granted, ok.allocations.map((a) => a.grant)], bad: [bad.status, bad.conflicts, 'allocations' in bad] }));
      `),
    ) as { ok: [string, string, string[]]; bad: [string, { limit: string; description: string }[], boolean] };
    expect(out.ok[0]).toBe('optimal');
    // Entitlements 1.5m + 6m + 0.5m + 2m = 10m against 8m: the budget is used up, SZ-005 is below the minimum score.
    expect(out.ok[1]).toBe('8000000.00');
    expect(out.ok[2]).toHaveLength(5);
    expect(out.ok[2][4]).toBe('0.00');
    expect(out.bad[0]).toBe('infeasible');
    expect(out.bad[1].map((c) => c.limit).join(' ')).toMatch(/budget/);
    expect(out.bad[2]).toBe(false);
  });

  it('bad input throws InputError naming every problem', () => {
    const out = node(`
      import { solve, InputError } from 'fundplan';
      try { await solve({ scenario: { name: 'x', year: 2019, budget: 'lots', policy: 'nowhere.json', applications: 'none.csv' } }); console.log('no error'); }
      catch (e) { console.log(e instanceof InputError, JSON.stringify(e.issues)); }
    `);
    expect(out).toMatch(/^true \[.*"budget"/);
  });

  it('a TypeScript consumer type-checks against the shipped declarations', () => {
    writeFileSync(
      join(dir, 'consumer.ts'),
      `import { solve, type Outcome } from 'fundplan';
       const o: Outcome = await solve('x.json', { lang: 'en', timings: false });
       if (o.status === 'infeasible') console.log(o.conflicts[0]?.limit);
       else console.log(o.allocations[0]?.project_id, o.summary.granted);
       export {};\n`,
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] }, files: ['consumer.ts'] }));
    execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    expect(readdirSync(dir)).toContain('consumer.ts');
  });
});
