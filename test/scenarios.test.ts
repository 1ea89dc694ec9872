/** Scenario runs: extends chains, compare, the budget sweep, and locked re-runs. */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { InfeasibleError, InputError } from '../src/errors.js';
import { D } from '../src/money.js';
import { toExcelCsv } from '../src/io/write.js';
import { runCompare } from '../src/commands/compare.js';
import { loadScenario } from '../src/pipeline/load.js';
import { runSolve } from '../src/commands/solve.js';
import { runSweep } from '../src/commands/sweep.js';
import { allocate } from '../src/model/allocate.js';
import { withBudget } from '../src/model/scenario.js';
import { jslpBackend } from '../src/solver/jslp.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { HEADER, POLICY, creditCode, csv } from './helpers/cli-fixtures.js';
import { generateApplications, toCsv } from '../scripts/synthetic.js';

/** Four application projects, each entitled to ¥3m (30% × ¥12m, capped), scores 90/80/70/60. */
function four(dir: string, name = 'applications.csv'): void {
  const rows = [
    ['A', 90], ['B', 80], ['C', 70], ['D', 60],
  ].map(([id, score], k) => [String(id), `项目${id}`, creditCode(`91440300MA5ABCDE${k}`), `企业${id}`, k < 2 ? '南山区' : '福田区', 'P10-APPLICATION', '2019', '1200', '', '', '', String(score)]);
  writeFileSync(join(dir, name), csv(rows, HEADER));
}
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `fundplan-${p}-`));
const writeJson = (path: string, v: unknown) => writeFileSync(path, JSON.stringify(v, null, 2));

describe('extends', () => {
  it('a chain overrides field by field; paths resolve from the file that names them; measureBudgets merge', () => {
    const dir = tmp('extends');
    mkdirSync(join(dir, 'base'));
    four(join(dir, 'base'));
    writeJson(join(dir, 'base', 'base.json'), { name: 'base', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '7000000', measureBudgets: { 'P10-APPLICATION': { max: '9000000' } } });
    writeJson(join(dir, 'mid.json'), { extends: 'base/base.json', name: 'mid', minScore: 65, measureBudgets: { 'P07-INTRANET': { max: '1' } } });
    writeJson(join(dir, 'leaf.json'), { extends: 'mid.json', name: 'leaf', budget: '10000000' });
    const loaded = loadScenario(join(dir, 'leaf.json'));
    expect(loaded.scenario.name).toBe('leaf');
    expect(loaded.scenario.budget.toString()).toBe('10000000');
    expect(loaded.scenario.minScore!.toString()).toBe('65');
    expect([...loaded.scenario.measureBudgets.keys()].sort()).toEqual(['P07-INTRANET', 'P10-APPLICATION']);
    expect(loaded.applications).toHaveLength(4); // base/applications.csv, relative to base.json
    expect(loaded.inputs.scenario.extends.map((f) => f.file)).toEqual(['mid.json', 'base/base.json']);
  });

  it('a cycle and a missing base are errors naming the file and the field', () => {
    const dir = tmp('cycle');
    writeJson(join(dir, 'a.json'), { extends: 'b.json', name: 'a' });
    writeJson(join(dir, 'b.json'), { extends: 'a.json', name: 'b' });
    writeJson(join(dir, 'c.json'), { extends: 'nowhere.json', name: 'c' });
    const issue = (f: string) => {
      try {
        loadScenario(join(dir, f));
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as InputError).issues[0]!;
      }
      throw new Error('no error');
    };
    const cycle = issue('a.json');
    expect(cycle).toMatchObject({ row: 'extends', expected: 'a chain of scenarios without a cycle' });
    expect(cycle.found).toMatch(/a\.json → .*b\.json → .*a\.json$/);
    expect(issue('c.json')).toMatchObject({ row: 'extends', expected: 'an existing base scenario file', found: '"nowhere.json" (no such file)' });
  });
});

describe('compare', () => {
  it('known differences: ¥7m → ¥10m funds C fully and brings D in; the budget is the field that differs', async () => {
    const dir = tmp('compare');
    four(dir);
    writeJson(join(dir, 'a.json'), { name: '七百万', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '7000000' });
    writeJson(join(dir, 'b.json'), { extends: 'a.json', name: '一千万', budget: '10000000' });
    // The baseline may also be a finished run's folder.
    await runSolve({ scenario: join(dir, 'a.json'), out: join(dir, 'run-a'), noTimings: true });
    const out = await runCompare({ inputs: [join(dir, 'run-a'), join(dir, 'b.json')], out: join(dir, 'cmp') });
    expect(out.fieldDiffs[0]).toEqual([{ field: 'budget', from: '7000000.00', to: '10000000.00' }]);
    expect(out.changes[0]!.map((c) => [c.projectId, c.kind, c.from.toString(), c.to.toString()])).toEqual([
      ['C', 'gains', '1000000', '3000000'],
      ['D', 'enters', '0', '1000000'],
    ]);
    const rows = parse(readFileSync(join(dir, 'cmp', 'compare.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.project_id === 'D')).toMatchObject({ 'grant: 七百万': '0.00', 'grant: 一千万': '1000000.00', 'change: 一千万': '1000000.00', 'kind: 一千万': 'enters' });
    const html = readFileSync(join(dir, 'cmp', 'compare.html'), 'utf8');
    expect(html.indexOf('设置的不同之处')).toBeLessThan(html.indexOf('项目变化'));
    // A scenario against its own finished run: read from allocations.csv or solved afresh, the same.
    const same = await runCompare({ inputs: [join(dir, 'run-a'), join(dir, 'a.json')], out: join(dir, 'cmp-same') });
    expect(same.fieldDiffs[0]).toEqual([]);
    expect(same.changes[0]).toEqual([]);
    expect(html).toContain('<b>总预算</b>（budget）：7000000.00 → 10000000.00');
  });
});

describe('sweep', () => {
  it('the frontier rises and flattens; each entry budget is confirmed by single solves', async () => {
    const dir = tmp('sweep');
    writeFileSync(join(dir, 'applications.csv'), toCsv(generateApplications({ seed: 5, count: 300, year: 2019 }), { chinese: false }));
    writeJson(join(dir, 's.json'), { name: 'sweep', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '100000000', minScore: 60, companyAnnualCap: '30000000' });
    const out = await runSweep({ scenario: join(dir, 's.json'), from: new D(50_000_000), to: new D(600_000_000), steps: 12, out: join(dir, 'sw') });
    const pts = out.points;
    expect(pts).toHaveLength(12);
    // Non-decreasing, and concave: each step buys no more per yuan than the one before
    // (up to rounding: a unit of ¥100 per application at the top score).
    const slack = 100 * 100 * 300;
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.objective.plus(slack).gte(pts[i - 1]!.objective)).toBe(true);
    const slopes = pts.slice(1).map((p, i) => p.objective.minus(pts[i]!.objective).div(p.budget.minus(pts[i]!.budget)).toNumber());
    for (let i = 1; i < slopes.length; i++) expect(slopes[i]!).toBeLessThanOrEqual(slopes[i - 1]! + 1e-3);
    expect(pts[0]!.fundingLine).not.toBeNull();
    // Entry budgets: funded at that point by a fresh single solve, not at the point before.
    const loaded = loadScenario(join(dir, 's.json'));
    const checked = out.entries.filter((e) => e.firstFunded && !e.firstFunded.eq(pts[0]!.budget)).slice(0, 4);
    expect(checked.length).toBeGreaterThan(0);
    for (const e of checked) {
      const k = pts.findIndex((p) => p.budget.eq(e.firstFunded!));
      const i = loaded.applications.findIndex((a) => a.projectId === e.projectId);
      const at = (b: D) => allocate(loaded.applications, loaded.policy, withBudget(loaded.scenario, b), jslpBackend).lines[i]!.grant;
      expect(at(pts[k]!.budget).gt(0)).toBe(true);
      expect(at(pts[k - 1]!.budget).isZero()).toBe(true);
    }
    const csvRows = parse(readFileSync(join(dir, 'sw', 'frontier.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(csvRows).toHaveLength(12);
    expect(readFileSync(join(dir, 'sw', 'frontier.svg'), 'utf8')).toContain('data-testid="frontier-objective"');
  });

  it('entry budgets only where a bigger budget funds: excluded, group-blocked, zero-entitlement and non-candidates get empty cells and a reason', async () => {
    const dir = tmp('sweep-entry');
    const header = [...HEADER, '资助决定', '互斥组'];
    const row = (id: string, k: number, total: string, score: string, decision = '', group = '') =>
      [id, `项目${id}`, creditCode(`91440300MA5ENTR${k}0`), `企业${id}`, '南山区', 'P10-APPLICATION', '2019', total, '', '', '', score, decision, group];
    writeFileSync(
      join(dir, 'applications.csv'),
      csv(
        [
          row('A', 1, '1000', '90'), // ¥3m
          row('B', 2, '1000', '85', '不予资助'), // excluded
          row('C', 3, '1000', '80', '', 'G'), // funded: the group's better score
          row('D', 4, '500', '75', '', 'G'), // blocked by C
          row('E', 5, '0.03', '70'), // 30% × ¥300 = ¥90: nothing at ¥100 units
          row('F', 6, '1000', '65'), // ¥3m, funded as the budget grows
          row('G', 7, '1000', '50'), // below minScore
        ],
        header,
      ),
    );
    writeJson(join(dir, 's.json'), { name: 'entry', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '6000000', minScore: 60 });
    const out = await runSweep({ scenario: join(dir, 's.json'), from: new D(6_000_000), to: new D(9_000_000), steps: 4, out: join(dir, 'sw') });
    const rows = parse(readFileSync(join(dir, 'sw', 'entry-budgets.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.project_id, r.first_funded_at_budget, r.fully_funded_at_budget, r.reason])).toEqual([
      ['A', '6000000.00', '6000000.00', ''],
      ['B', '', '', 'excluded'],
      ['C', '6000000.00', '6000000.00', ''],
      ['D', '', '', 'exclusive_group'],
      ['E', '', '', 'zero_entitlement'],
      ['F', '7000000.00', '9000000.00', ''],
      ['G', '', '', 'below_min_score'],
    ]);
    expect(out.entries.find((e) => e.projectId === 'F')!.reason).toBe('');
  });

  it('refuses a backwards range and too few steps', async () => {
    await expect(runSweep({ scenario: 'x.json', from: new D(10), to: new D(5), steps: 1, out: 'x' })).rejects.toThrow(/--steps.*\n.*--to/s);
  });
});

describe('--lock: a later batch', () => {
  it('never changes a locked grant and never breaks a limit across both batches', async () => {
    const dir = tmp('lock');
    const rows = generateApplications({ seed: 9, count: 240, year: 2019 });
    writeFileSync(join(dir, 'first.csv'), toCsv(rows.slice(0, 120), { chinese: false }));
    writeFileSync(join(dir, 'all.csv'), toCsv(rows, { chinese: false }));
    const base = { policy: POLICY, year: 2019, minScore: 60, companyAnnualCap: '20000000', measureBudgets: { 'P11-RETROFIT': { max: '30000000' } } };
    writeJson(join(dir, 'first.json'), { ...base, name: '第一批', applications: 'first.csv', budget: '150000000' });
    writeJson(join(dir, 'second.json'), { ...base, name: '第二批', applications: 'all.csv', budget: '260000000' });
    const first = await runSolve({ scenario: join(dir, 'first.json'), out: join(dir, 'o1'), noTimings: true });
    const second = await runSolve({ scenario: join(dir, 'second.json'), out: join(dir, 'o2'), lock: join(dir, 'o1', 'allocations.csv'), noTimings: true });
    const before = new Map(first.allocation.lines.map((l) => [l.app.projectId, l.grant.toString()]));
    for (const l of second.allocation.lines) {
      if (before.has(l.app.projectId)) {
        expect(l.binding).toBe('locked');
        expect(l.grant.toString()).toBe(before.get(l.app.projectId));
      }
    }
    // The verifier, on both batches together, with the second scenario's limits.
    const v = verifyAllocation(second.loaded.policy, second.loaded.scenario, second.loaded.applications, second.allocation.lines.map((l) => l.grant), new Set(before.keys()));
    expect(v.violations).toEqual([]);
    expect(second.summary.batches.locked).toEqual({ applications: 120, granted: first.summary.granted });
    expect(new D(second.summary.batches.new.granted).plus(first.summary.granted).toFixed(2)).toBe(second.summary.granted);
  });

  it("an allocations.csv changed in its run's folder is refused by --lock and compare, naming it; the same file alone is a lock file", async () => {
    const dir = tmp('locktamper');
    four(dir);
    writeJson(join(dir, 'a.json'), { name: 'a', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '9000000' });
    await runSolve({ scenario: join(dir, 'a.json'), out: join(dir, 'o1'), noTimings: true });
    const path = join(dir, 'o1', 'allocations.csv');
    const rows = parse(readFileSync(path), { bom: true }) as string[][];
    const grant = rows[0]!.indexOf('grant');
    expect(rows[3]![grant]).toBe('3000000.00'); // C
    rows[3]![grant] = '2000000.00';
    writeFileSync(path, toExcelCsv(rows[0]!, rows.slice(1)));
    const recorded = JSON.parse(readFileSync(join(dir, 'o1', 'summary.json'), 'utf8')).files['allocations.csv'];
    const issue = {
      file: relative(process.cwd(), path),
      expected: `sha256 ${recorded}, as ${relative(process.cwd(), join(dir, 'o1', 'summary.json'))} records it (a run's files are one set)`,
      found: `sha256 ${createHash('sha256').update(readFileSync(path)).digest('hex')}: a file of another run, cut short, or changed since it was written (solve again)`,
    };
    const lock = await runSolve({ scenario: join(dir, 'a.json'), out: join(dir, 'o2'), lock: path }).catch((e) => e);
    expect(lock).toBeInstanceOf(InputError);
    expect((lock as InputError).issues).toEqual([issue]);
    const compared = await runCompare({ inputs: [join(dir, 'o1'), join(dir, 'a.json')], out: join(dir, 'cmp') }).catch((e) => e);
    expect(compared).toBeInstanceOf(InputError);
    expect((compared as InputError).issues).toEqual([{ ...issue, file: join(relative(process.cwd(), join(dir, 'o1')), 'allocations.csv') }]);
    // Without a summary.json beside it, the same file is a lock file made by hand: its grants are kept.
    mkdirSync(join(dir, 'hand'));
    copyFileSync(path, join(dir, 'hand', 'allocations.csv'));
    const second = await runSolve({ scenario: join(dir, 'a.json'), out: join(dir, 'o3'), lock: join(dir, 'hand', 'allocations.csv'), noTimings: true });
    expect(second.allocation.lines.find((l) => l.app.projectId === 'C')!.grant.toFixed(2)).toBe('2000000.00');
  });

  it('a sweep with locked grants counts them against every budget point, as a single solve does', async () => {
    const dir = tmp('locksweep');
    four(dir);
    // The first batch is A alone (90): it holds ¥3m. Entitlements are ¥3m each, ¥12m in all.
    const [header, a] = readFileSync(join(dir, 'applications.csv'), 'utf8').split('\r\n');
    writeFileSync(join(dir, 'first.csv'), `${header}\r\n${a}\r\n`);
    writeJson(join(dir, 'first.json'), { name: 'first', policy: POLICY, applications: 'first.csv', year: 2019, budget: '3000000' });
    writeJson(join(dir, 'all.json'), { name: 'all', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '9000000' });
    await runSolve({ scenario: join(dir, 'first.json'), out: join(dir, 'o1'), noTimings: true });
    const out = await runSweep({ scenario: join(dir, 'all.json'), from: new D(4_000_000), to: new D(9_000_000), steps: 3, out: join(dir, 'sw'), lock: join(dir, 'o1', 'allocations.csv') });
    expect(out.points.map((p) => [p.budget.toString(), p.granted.toString()])).toEqual([
      ['4000000', '4000000'],
      ['6500000', '6500000'],
      ['9000000', '9000000'],
    ]);
  });

  it('a locked file that no longer fits (the budget was cut) is an error naming the limits it breaks', async () => {
    const dir = tmp('lockcut');
    four(dir);
    writeJson(join(dir, 'a.json'), { name: 'a', policy: POLICY, applications: 'applications.csv', year: 2019, budget: '9000000', measureBudgets: { 'P10-APPLICATION': { max: '9000000' } } });
    writeJson(join(dir, 'cut.json'), { extends: 'a.json', name: 'cut', budget: '5000000', measureBudgets: { 'P10-APPLICATION': { max: '4000000' } } });
    await runSolve({ scenario: join(dir, 'a.json'), out: join(dir, 'o1') });
    const error = await runSolve({ scenario: join(dir, 'cut.json'), out: join(dir, 'o2'), lock: join(dir, 'o1', 'allocations.csv') }).catch((e) => e);
    expect(error).toBeInstanceOf(InfeasibleError);
    expect((error as InfeasibleError).conflicts.map((c) => c.limit)).toEqual(['budget (scenario.budget)', 'measure_max:P10-APPLICATION (scenario.measureBudgets.P10-APPLICATION.max)']);
    expect((error as InfeasibleError).conflicts[0]!.description).toBe('¥5,000,000 < locked ¥9,000,000');
  });
});
