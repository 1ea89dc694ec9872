/**
 * Later batches as a bureau's year runs them, on the bundled scenario: batch one is solved;
 * objections change one project's score and exclude another (资助决定 = 不予资助) and batch one
 * is solved again; batch two comes as a file of the new applications alone, its scenario
 * locking batch one's allocations.csv. Every command agrees with solve under the lock.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { D, ZERO, WAN, fmtYuanHuman } from '../src/money.js';
import { solve, type Outcome, type Solved } from '../src/index.js';
import { runSolve } from '../src/commands/solve.js';
import { runExplain } from '../src/commands/explain.js';
import { runSweep } from '../src/commands/sweep.js';
import { runCompare } from '../src/commands/compare.js';
import { runValidate } from '../src/commands/validate.js';
import { loadScenario } from '../src/pipeline/load.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { ALLOCATION_COLUMNS } from '../src/report/allocations.js';
import { csv, REPO, run } from './helpers/cli-fixtures.js';

const BUNDLED = join(REPO, 'scenarios', 'shenzhen-2019');
type Row = Record<string, string>;

const readCsv = (path: string): Row[] => parse(readFileSync(path, 'utf8'), { bom: true, columns: true }) as Row[];
const readRows = (path: string): string[][] => parse(readFileSync(path, 'utf8'), { bom: true }) as string[][];
const writeJson = (path: string, v: unknown) => writeFileSync(path, JSON.stringify(v, null, 2) + '\n');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const byId = (rows: readonly Row[]) => new Map(rows.map((r) => [r.project_id!, r]));
const sum = (rows: readonly Row[]) => rows.reduce((s, r) => s.plus(r.grant!), ZERO);
function solved(o: Outcome): Solved {
  if (o.status === 'infeasible') throw new Error(`infeasible: ${o.message}`);
  return o;
}
/** The InputError a call throws. */
async function inputError(f: () => Promise<unknown>): Promise<InputError> {
  const e = await f().then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

// The bundled applications: header, then 372 rows. Batch one: the first 300; batch two: the rest.
const [HEAD, ...ALL] = readRows(join(BUNDLED, 'applications.csv'));
const FIRST = ALL.slice(0, 300);
const SECOND = ALL.slice(300);

let dir: string;
/** The year's folders and files. */
const at = (...p: string[]) => join(dir, ...p);
let first: Row[];
let reviewed: Row[];
let second: Row[];
let secondSummary: Record<string, any>;
let changedScore: string;
let excluded: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fundplan-year-'));
  mkdirSync(at('batch1'));
  mkdirSync(at('batch2'));
  // Batch one: ¥300m of the year's ¥400m.
  writeFileSync(at('batch1', 'applications.csv'), csv(FIRST, HEAD));
  writeJson(at('batch1', 'scenario.json'), { extends: join(BUNDLED, 'scenario.json'), name: '2019年第一批', applications: 'applications.csv', budget: '300000000' });
  await runSolve({ scenario: at('batch1', 'scenario.json'), out: at('batch1', 'out-published'), noTimings: true });
  first = readCsv(at('batch1', 'out-published', 'allocations.csv'));

  // Objections: an unfunded project's score was marked wrong (now 99); a funded one is excluded.
  changedScore = first.find((r) => r.binding === 'total_budget' && r.grant === '0.00' && new D(r.entitlement!).gte(1_000_000))!.project_id!;
  excluded = first.find((r) => new D(r.grant!).gt(0) && r.binding !== 'locked')!.project_id!;
  const scoreCol = HEAD!.indexOf('评审得分');
  const review = FIRST.map((r) => {
    const row = [...r];
    if (row[0] === changedScore) row[scoreCol] = '99';
    return [...row, row[0] === excluded ? '不予资助' : '', row[0] === excluded ? '复核：重复申报' : ''];
  });
  writeFileSync(at('batch1', 'applications-review.csv'), csv(review, [...HEAD!, '资助决定', '决定理由']));
  writeJson(at('batch1', 'review.json'), { extends: 'scenario.json', name: '2019年第一批（复核）', applications: 'applications-review.csv' });
  await runSolve({ scenario: at('batch1', 'review.json'), out: at('batch1', 'out'), noTimings: true });
  reviewed = readCsv(at('batch1', 'out', 'allocations.csv'));

  // The year's applications: the reviewed batch one and the new ones (for the checks below).
  writeFileSync(at('batch2', 'all.csv'), csv([...review, ...SECOND.map((r) => [...r, '', ''])], [...HEAD!, '资助决定', '决定理由']));

  // Batch two: only the new applications; the scenario locks batch one's (reviewed) allocations.csv.
  writeFileSync(at('batch2', 'new.csv'), csv(SECOND, HEAD));
  writeJson(at('batch2', 'scenario.json'), { extends: join(BUNDLED, 'scenario.json'), name: '2019年第二批', applications: 'new.csv', lock: ['../batch1/out/allocations.csv'] });
  const out = await runSolve({ scenario: at('batch2', 'scenario.json'), out: at('batch2', 'out'), noTimings: true });
  second = readCsv(at('batch2', 'out', 'allocations.csv'));
  secondSummary = out.summary as unknown as Record<string, any>;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a bureau's year: batch one, objections, batch two", () => {
  it('objections: the corrected score is funded, the excluded project gets nothing, nothing else is asked of the solve', () => {
    expect(byId(first).get(changedScore)!.grant).toBe('0.00');
    expect(new D(byId(reviewed).get(changedScore)!.grant!).gt(0)).toBe(true);
    expect(new D(byId(first).get(excluded)!.grant!).gt(0)).toBe(true);
    expect(byId(reviewed).get(excluded)).toMatchObject({ grant: '0.00', binding: 'excluded' });
    expect(reviewed.every((r) => r.batch === '1')).toBe(true);
  });

  it('batch two keeps every batch-one grant, row for row, as batch 1, and allocates only what is left', () => {
    expect(second).toHaveLength(372);
    const after = byId(second);
    for (const r of reviewed) {
      expect(after.get(r.project_id!)).toMatchObject({ grant: r.grant, batch: '1', binding: 'locked', company_id: r.company_id, measure: r.measure, district: r.district });
    }
    const fresh = second.filter((r) => r.batch === '2');
    expect(fresh.map((r) => r.project_id)).toEqual(SECOND.map((r) => r[0]));
    expect(fresh.every((r) => r.binding !== 'locked')).toBe(true);
    // The year's ¥400m: batch one's money is spent, the rest is batch two's.
    const lockedMoney = sum(reviewed);
    expect(sum(fresh).toFixed(2)).toBe(new D(secondSummary.budget).minus(lockedMoney).toFixed(2));
    expect(secondSummary.granted).toBe(sum(second).toFixed(2));
    expect(secondSummary.batches.locked).toEqual({ applications: 300, granted: lockedMoney.toFixed(2) });
  });

  it('fails if the lock is ignored: without it the new applications alone would take more of the budget', async () => {
    // (Without batch one, the new applications cannot reach the floor of （十）: it goes.)
    writeJson(at('batch2', 'unlocked.json'), { extends: join(BUNDLED, 'scenario.json'), name: '2019年第二批', applications: 'new.csv', measureBudgets: { 'P10-APPLICATION': { min: '0' } } });
    const without = solved(await solve(at('batch2', 'unlocked.json'), { timings: false }));
    expect(without.summary.batch).toBe(1);
    expect(without.summary.locks).toEqual([]);
    expect(new D(without.summary.granted).gt(sum(second.filter((r) => r.batch === '2')))).toBe(true);
  });

  it('the verifier, on both batches together with every application known, finds every rule kept', () => {
    // The year's applications (all.csv), with the year's limits.
    writeJson(at('year.json'), { extends: join(BUNDLED, 'scenario.json'), name: 'year', applications: 'batch2/all.csv' });
    const year = loadScenario(at('year.json'));
    const grants = byId(second);
    const v = verifyAllocation(year.policy, year.scenario, year.applications, year.applications.map((a) => new D(grants.get(a.projectId)!.grant!)), new Set(reviewed.map((r) => r.project_id!)));
    expect(v.violations).toEqual([]);
    expect(secondSummary.verification).toMatchObject({ violations: 0 });
    expect(secondSummary.verification.checks).toBeGreaterThan(372);
  });

  it('summary.json records the lock file: as the scenario names it, its SHA-256, its batch, its grants and money', () => {
    const lockFile = at('batch1', 'out', 'allocations.csv');
    expect(secondSummary.locks).toEqual([
      {
        file: '../batch1/out/allocations.csv',
        sha256: sha256(lockFile),
        batch: 1,
        projects: 300,
        funded: reviewed.filter((r) => new D(r.grant!).gt(0)).length,
        granted: sum(reviewed).toFixed(2),
      },
    ]);
    expect(secondSummary.batch).toBe(2);
    expect(secondSummary.applications.rows).toBe(SECOND.length);
    expect(secondSummary.counts.applications).toBe(372);
    expect(secondSummary.scenario.fields.lock).toBe('../batch1/out/allocations.csv');
    const report = readFileSync(at('batch2', 'out', 'report.md'), 'utf8');
    expect(report).toContain('第 2 批次');
    expect(report).toContain(`第 1 批次（../batch1/out/allocations.csv）已锁定 300 项`);
    expect(readFileSync(at('batch2', 'out', 'report.html'), 'utf8')).toMatch(/data-testid="batch">第 2 批次<br>第 1 批次/);
  });

  it("allocations.xlsx: 明细 has each row's 批次, 参数 each lock file with its SHA-256", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(at('batch2', 'out', 'allocations.xlsx')) as unknown as ExcelJS.Buffer);
    const detail = wb.getWorksheet('明细')!;
    const col = (detail.getRow(1).values as ExcelJS.CellValue[]).indexOf('批次');
    expect(col).toBeGreaterThan(0);
    second.forEach((r, i) => expect(detail.getRow(i + 2).getCell(col).value).toBe(Number(r.batch)));
    const params = new Map<string, string>();
    wb.getWorksheet('参数')!.eachRow((row) => params.set(String(row.getCell(1).value), String(row.getCell(2).value)));
    expect(params.get('第 1 批次锁定文件')).toBe('../batch1/out/allocations.csv');
    expect(params.get('第 1 批次锁定文件 SHA-256')).toBe(secondSummary.locks[0].sha256);
    expect(params.get('本次批次')).toBe('2');
  });

  it('notice.csv lists batch two alone by default, every batch with --notice all; each total is what it lists', async () => {
    const notice = (path: string) => {
      const rows = readRows(path);
      expect(rows[0]).toEqual(['序号', '批次', '项目名称', '申报单位', '申报类别', '资助金额(万元)']);
      const body = rows.slice(1, -2);
      const total = rows.at(-2)!;
      expect(total[0]).toBe('合计');
      expect(body.reduce((s, r) => s.plus(r[5]!), ZERO).toFixed(2)).toBe(total[5]);
      return { body, total: new D(total[5]!), rule: rows.at(-1)![0]! };
    };
    const fresh = second.filter((r) => r.batch === '2');
    const only = notice(at('batch2', 'out', 'notice.csv'));
    expect(only.body.every((r) => r[1] === '2')).toBe(true);
    expect(only.body).toHaveLength(fresh.filter((r) => new D(r.grant!).gt(0)).length);
    expect(only.total.eq(sum(fresh).div(WAN))).toBe(true);
    expect(only.rule).toContain(`中第2批次合计${sum(fresh).toFixed(2)}元一致`);

    const r = await run(['solve', at('batch2', 'scenario.json'), '--out', at('batch2', 'out-all'), '--notice', 'all', '--no-timings']);
    expect(r.code).toBe(0);
    const all = notice(at('batch2', 'out-all', 'notice.csv'));
    expect(all.body).toHaveLength(second.filter((x) => new D(x.grant!).gt(0)).length);
    expect(all.body.map((x) => x[1])).toEqual([...all.body.map((x) => x[1])].sort());
    expect(new Set(all.body.map((x) => x[1]))).toEqual(new Set(['1', '2']));
    expect(all.total.eq(new D(secondSummary.granted).div(WAN))).toBe(true);
    // The allocations themselves do not depend on the notice.
    expect(readFileSync(at('batch2', 'out-all', 'allocations.csv'), 'utf8')).toBe(readFileSync(at('batch2', 'out', 'allocations.csv'), 'utf8'));
  });

  it('explain gives the grant allocations.csv has, for a new project cut by the budget and for a locked one', async () => {
    const cut = second.find((r) => r.batch === '2' && r.binding === 'total_budget')!;
    const fundedFresh = second.find((r) => r.batch === '2' && new D(r.grant!).gt(0))!;
    const locked = second.find((r) => r.batch === '1' && new D(r.grant!).gt(0))!;
    for (const r of [fundedFresh, cut]) {
      const e = await runExplain({ scenario: at('batch2', 'scenario.json'), projectId: r.project_id! });
      expect(e.text).toContain(`资助 ${fmtYuanHuman(new D(r.grant!))}`);
    }
    const l = await runExplain({ scenario: at('batch2', 'scenario.json'), projectId: locked.project_id! });
    expect(l.text).toContain(`已锁定：前一批次已确定资助 ${fmtYuanHuman(new D(locked.grant!))}`);
  }, 60_000);

  it('sweep: the point at the scenario budget is the solve', async () => {
    const out = await runSweep({ scenario: at('batch2', 'scenario.json'), from: new D(secondSummary.budget), to: new D(secondSummary.budget).plus(50_000_000), steps: 2, out: at('batch2', 'sweep') });
    expect(out.points[0]!.budget.toFixed(2)).toBe(secondSummary.budget);
    expect(out.points[0]!.granted.toFixed(2)).toBe(secondSummary.granted);
    expect(out.points[0]!.objective.toFixed(2)).toBe(secondSummary.objective.value);
    expect(out.points[0]!.funded).toBe(second.filter((r) => new D(r.grant!).gt(0)).length);
    // The range said is the points swept, as money is written everywhere else.
    expect(out.text).toContain(`预算扫描 2 点（${fmtYuanHuman(out.points[0]!.budget)}–${fmtYuanHuman(out.points[1]!.budget)}）`);
    // Entry budgets are for what can move: batch two's applications.
    expect(out.entries.map((e) => e.projectId)).toEqual(SECOND.map((r) => r[0]));
    // Below what batch one locked there is no allocation.
    await expect(runSweep({ scenario: at('batch2', 'scenario.json'), from: new D(1_000_000), to: new D(secondSummary.budget), steps: 2, out: at('batch2', 'sweep-low') })).rejects.toThrow(/locked/);
  });

  it('compare: two batch-two scenarios that lock the same batch one differ only in what can still move', async () => {
    writeJson(at('batch2', 'more.json'), { extends: 'scenario.json', name: '第二批（追加预算）', budget: '420000000' });
    const out = await runCompare({ inputs: [at('batch2', 'out'), at('batch2', 'more.json')], out: at('batch2', 'cmp') });
    const fixed = out.fixed[0]!;
    expect(fixed.projects).toEqual(new Set(reviewed.map((r) => r.project_id)));
    expect(fixed.granted.toFixed(2)).toBe(sum(reviewed).toFixed(2));
    const lockedIds = new Set(reviewed.map((r) => r.project_id));
    expect(out.changes[0]!.length).toBeGreaterThan(0);
    expect(out.changes[0]!.filter((c) => lockedIds.has(c.projectId))).toEqual([]);
    expect(out.fieldDiffs[0]).toEqual([{ field: 'budget', from: '400000000.00', to: '420000000.00' }]);
    const html = readFileSync(at('batch2', 'cmp', 'compare.html'), 'utf8');
    expect(html).toContain(`这 300 项共 ${fmtYuanHuman(sum(reviewed))} 在两次运行中固定不变`);
    expect(html).toContain('其中本批次分配（可变动部分）');
    expect(out.text).toContain(`共同锁定的前批次 300 项 ${fmtYuanHuman(sum(reviewed))} 不变`);
  }, 60_000);

  it('validate reads the lock file with the scenario and finds nothing wrong', async () => {
    const v = await runValidate({ target: at('batch2', 'scenario.json') });
    expect(v.errors).toEqual([]);
    expect(v.applications).toBe(SECOND.length);
    expect(v.text).toContain('batch 2, locking ../batch1/out/allocations.csv');
  });

  it('an applications file that repeats batch one (the same data) gives batch two the same grants', async () => {
    writeJson(at('batch2', 'repeat.json'), { extends: 'scenario.json', applications: 'all.csv' });
    const o = solved(await solve(at('batch2', 'repeat.json'), { timings: false }));
    const grants = (rows: readonly Row[]) => new Map(rows.map((r) => [r.project_id, [r.grant, r.batch, r.binding]]));
    expect(grants(o.allocations)).toEqual(grants(second));
  });
});

describe('lock files that disagree', () => {
  it('a project in the applications and the lock file with other data is an error naming both files and rows', async () => {
    // A new application reuses a batch-one project id under another company.
    const lockRow = reviewed.findIndex((r) => new D(r.grant!).gt(0));
    const clash = [...SECOND[0]!];
    clash[0] = reviewed[lockRow]!.project_id!;
    writeFileSync(at('batch2', 'clash.csv'), csv([SECOND[1]!, clash], HEAD));
    writeJson(at('batch2', 'clash.json'), { extends: 'scenario.json', applications: 'clash.csv' });
    const e = await inputError(() => runSolve({ scenario: at('batch2', 'clash.json'), out: at('batch2', 'out-clash') }));
    const shown = relative(process.cwd(), at('batch1', 'out', 'allocations.csv'));
    const apps = relative(process.cwd(), at('batch2', 'clash.csv'));
    const issue = e.issues.find((i) => i.column === 'company_id')!;
    expect(issue).toMatchObject({ file: shown, row: lockRow + 2 });
    expect(issue.expected).toContain(`as ${apps} row 3 has it for ${clash[0]}`);
    expect(issue.found).toBe(JSON.stringify(reviewed[lockRow]!.company_id));
    // validate reports the same, with the rest.
    const v = await runValidate({ target: at('batch2', 'clash.json') });
    expect(v.errors).toContainEqual(issue);
  });

  it('the same project in two lock files is an error; a later batch that carries it with its batch column is not', async () => {
    writeJson(at('batch2', 'twice.json'), { extends: 'scenario.json', lock: ['../batch1/out/allocations.csv', '../batch1/out-published/allocations.csv'] });
    const e = await inputError(() => solve(at('batch2', 'twice.json')));
    expect(e.issues[0]).toMatchObject({ file: relative(process.cwd(), at('batch1', 'out-published', 'allocations.csv')), row: 2, column: 'project_id' });
    expect(e.issues[0]!.expected).toContain(`(${relative(process.cwd(), at('batch1', 'out', 'allocations.csv'))} row 2 fixes it)`);
    expect(e.issues).toHaveLength(300);

    // Batch three locks batch one, then batch two's allocations.csv (which carries batch one's rows as batch 1).
    mkdirSync(at('batch3'), { recursive: true });
    writeFileSync(at('batch3', 'new.csv'), csv([[`${SECOND[0]![0]}-3`, ...SECOND[0]!.slice(1)]], HEAD));
    writeJson(at('batch3', 'scenario.json'), { extends: join(BUNDLED, 'scenario.json'), name: '第三批', budget: '450000000', applications: 'new.csv', lock: ['../batch1/out/allocations.csv', '../batch2/out/allocations.csv'] });
    const third = solved(await solve(at('batch3', 'scenario.json'), { timings: false }));
    expect(third.summary.batch).toBe(3);
    expect(third.summary.locks.map((l) => [l.batch, l.projects])).toEqual([[1, 300], [2, 72]]);
    const kept = new Map(third.allocations.map((r) => [r.project_id, [r.batch, r.grant, r.binding]]));
    for (const r of second) expect(kept.get(r.project_id!)).toEqual([r.batch, r.grant, 'locked']);
    expect(kept.get(`${SECOND[0]![0]}-3`)![0]).toBe('3');
    // Batch two's file alone: its batch-one rows have no earlier file to belong to.
    writeJson(at('batch3', 'alone.json'), { extends: 'scenario.json', lock: ['../batch2/out/allocations.csv'] });
    const alone = await inputError(() => solve(at('batch3', 'alone.json')));
    expect(alone.issues[0]).toMatchObject({ column: 'batch', found: expect.stringContaining('1, with no earlier lock file fixing') });
  });

  it('a lock file without the batch column, as older runs wrote it, reads the same', async () => {
    const rows = readRows(at('batch1', 'out', 'allocations.csv'));
    const k = rows[0]!.indexOf('batch');
    writeFileSync(at('batch1', 'old.csv'), csv(rows.slice(1).map((r) => r.filter((_, i) => i !== k)), rows[0]!.filter((_, i) => i !== k)));
    writeJson(at('batch2', 'old.json'), { extends: 'scenario.json', lock: ['../batch1/old.csv'] });
    const o = solved(await solve(at('batch2', 'old.json'), { timings: false }));
    expect(o.allocations.map((r) => [r.project_id, r.grant, r.batch])).toEqual(second.map((r) => [r.project_id, r.grant, r.batch]));
  });

  it('a locked project not in the applications needs its company and measure in the lock file', async () => {
    const rows = readRows(at('batch1', 'out', 'allocations.csv'));
    const keep = ['project_id', 'grant'].map((c) => rows[0]!.indexOf(c));
    writeFileSync(at('batch1', 'bare.csv'), csv(rows.slice(1).map((r) => keep.map((i) => r[i]!)), ['project_id', 'grant']));
    writeJson(at('batch2', 'bare-lock.json'), { extends: 'scenario.json', lock: ['../batch1/bare.csv'] });
    const e = await inputError(() => solve(at('batch2', 'bare-lock.json')));
    expect(e.issues[0]).toMatchObject({ row: 2, column: 'company_id', found: 'no such column' });
    expect(e.issues).toHaveLength(600);
  });
});

describe('--lock on the command line and in the library', () => {
  it('adds to the scenario\'s own list, repeatable; the library takes a path, a list or a map', async () => {
    // The scenario of batch two without its own lock: --lock gives the same result.
    writeJson(at('batch2', 'bare.json'), { extends: join(BUNDLED, 'scenario.json'), name: '2019年第二批', applications: 'new.csv' });
    const lock = at('batch1', 'out', 'allocations.csv');
    const r = await run(['solve', at('batch2', 'bare.json'), '--lock', lock, '--out', at('batch2', 'out-flag'), '--no-timings']);
    expect(r.code).toBe(0);
    const flagged = readCsv(at('batch2', 'out-flag', 'allocations.csv'));
    expect(flagged.map((x) => [x.project_id, x.grant, x.batch])).toEqual(second.map((x) => [x.project_id, x.grant, x.batch]));
    expect(JSON.parse(readFileSync(at('batch2', 'out-flag', 'summary.json'), 'utf8')).locks[0].file).toBe(lock);
    // Repeated: the same file twice is the same project in two lock files.
    const twice = await run(['solve', at('batch2', 'bare.json'), '--lock', lock, '--lock', lock, '--out', at('batch2', 'out-twice')]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('a project no other lock file fixes');
    // validate and explain take it too.
    expect((await run(['validate', at('batch2', 'bare.json'), '--lock', lock])).stdout).toContain('batch 2, locking');
    const id = second.find((x) => x.batch === '1' && new D(x.grant!).gt(0))!;
    expect((await run(['explain', at('batch2', 'bare.json'), id.project_id!, '--lock', lock])).stdout).toContain('已锁定');

    const asList = solved(await solve(at('batch2', 'bare.json'), { lock: [lock], timings: false }));
    expect(asList.allocations.map((x) => x.grant)).toEqual(second.map((x) => x.grant));
    expect(asList.summary.locks).toHaveLength(1);
    // Grants by project id: their applications must be in the file (a map has no company or measure).
    writeJson(at('batch2', 'bare-all.json'), { extends: 'bare.json', applications: 'all.csv' });
    const asMap = solved(await solve(at('batch2', 'bare-all.json'), { lock: new Map(reviewed.map((x) => [x.project_id!, new D(x.grant!)])), timings: false }));
    const grants = (rows: readonly Row[]) => new Map(rows.map((x) => [x.project_id, [x.grant, x.batch]]));
    expect(grants(asMap.allocations)).toEqual(grants(second));
    expect(asMap.summary.locks[0]).toMatchObject({ file: '(in memory)', batch: 1, projects: 300 });
    const missing = await inputError(() => solve(at('batch2', 'bare.json'), { lock: new Map([[reviewed[0]!.project_id!, new D(0)]]) }));
    expect(missing.issues[0]).toMatchObject({ column: 'project_id', found: JSON.stringify(reviewed[0]!.project_id) });
  });

  it('allocations.csv has the batch column after grant', () => {
    expect(Object.keys(second[0]!)).toEqual([...ALLOCATION_COLUMNS]);
    expect(ALLOCATION_COLUMNS.indexOf('batch')).toBe(ALLOCATION_COLUMNS.indexOf('grant') + 1);
  });
});
