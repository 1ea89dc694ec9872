/**
 * The command line end to end: every error class with its exit code and message, and
 * nothing written unless the run succeeded. `main(argv)` runs in-process; the built
 * binary is spawned too, to prove the real process exit codes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { HEADER, REPO, ROWS, baseScenario, creditCode, csv, fixture, outputFiles, removeFixtures, run } from './helpers/cli-fixtures.js';
import { outputFilesOf } from '../src/commands/solve.js';

/** The files a solve of a one-year scenario writes. */
const OUTPUT_FILES = outputFilesOf({});

afterAll(removeFixtures);

const BOM = [0xef, 0xbb, 0xbf];

function readAllocations(out: string): Record<string, string>[] {
  const bytes = readFileSync(join(out, 'allocations.csv'));
  return parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
}
function readSummary(out: string): Record<string, any> {
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, any>;
}
function expectNoOutputs(out: string): void {
  const files = outputFiles(out);
  expect(files).not.toContain('allocations.csv');
  expect(files).not.toContain('summary.json');
  expect(files.filter((f) => f.startsWith('.fundplan-tmp-'))).toEqual([]);
}

// ---------------------------------------------------------------------------------------
describe('success', () => {
  it('exit 0; allocations.csv (UTF-8 BOM, CRLF) and summary.json are written to --out', async () => {
    const f = fixture();
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputFiles(f.out).sort()).toEqual([...OUTPUT_FILES].sort());

    const bytes = readFileSync(join(f.out, 'allocations.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual(BOM);
    expect(bytes.toString('utf8')).toContain('\r\n');
    const rows = readAllocations(f.out);
    const grant = Object.fromEntries(rows.map((x) => [x.project_id, x.grant]));
    // Budget 8,000,000 by score: SZ-001 (88) 1.5M, SZ-002 (80) 6M, SZ-003 (75) 0.5M; SZ-004 (70) nothing left; SZ-005 below minScore.
    expect(grant).toEqual({ 'SZ-001': '1500000.00', 'SZ-002': '6000000.00', 'SZ-003': '500000.00', 'SZ-004': '0.00', 'SZ-005': '0.00' });
    expect(rows.find((x) => x.project_id === 'SZ-005')!.binding).toBe('below_min_score');
    expect(rows.find((x) => x.project_id === 'SZ-004')!.binding).toBe('total_budget');
    expect(rows[0]!.measure).toBe('P10-APPLICATION');

    const s = readSummary(f.out);
    expect(s).toMatchObject({
      status: 'optimal', budget: '8000000.00', granted: '8000000.00', unallocated: '0.00',
      applications: { file: 'applications.csv', encoding: 'utf-8', rows: 5 },
      verification: { violations: 0 },
      warnings: [],
    });
    expect(s.timingsMs).toBeDefined();
    expect(r.stdout).toContain('已分配 ¥8,000,000');
    expect(r.stdout).toContain(join(f.out, 'allocations.csv'));
  });

  it('a GB18030 applications file solves the same as UTF-8', async () => {
    const a = fixture();
    const b = fixture({ applications: new Uint8Array(iconv.encode(csv(ROWS), 'gb18030')) });
    expect((await run(['solve', a.scenario, '--out', a.out, '--no-timings'])).code).toBe(0);
    expect((await run(['solve', b.scenario, '--out', b.out, '--no-timings'])).code).toBe(0);
    expect(readFileSync(join(b.out, 'allocations.csv'))).toEqual(readFileSync(join(a.out, 'allocations.csv')));
    expect(readSummary(b.out).applications.encoding).toBe('gb18030');
  });

  it('--help and --version exit 0', async () => {
    expect((await run(['--help'])).code).toBe(0);
    const v = await run(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/\d+\.\d+\.\d+/);
  });
});

// ---------------------------------------------------------------------------------------
describe('bad applications: exit 1, every problem listed, nothing written', () => {
  it('lists each bad cell as file:row:column: expected …, found …', async () => {
    const rows = ROWS.map((r) => [...r]);
    rows[0]![7] = '12a'; // row 2, 总投资（万元）
    rows[1]![11] = '120'; // row 3, 评审得分
    rows[2]![6] = ''; // row 4, 年度
    rows[3]![0] = ''; // row 5, 项目编号
    const f = fixture({ applications: csv(rows) });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(1);
    const file = f.shown(f.applications);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('错误：输入有 4 处问题 / input errors:');
    expect(lines.slice(1)).toEqual([
      `${file}:2:总投资（万元）: expected an amount such as 1234567.89 or 1,234,567.89, found "12a"`,
      `${file}:3:评审得分: expected a score from 0 to 100, found "120"`,
      `${file}:4:年度: expected a value for year, found an empty cell`,
      `${file}:5:项目编号: expected a value for project_id, found an empty cell`,
    ]);
    expect(r.stdout).toBe('');
    expectNoOutputs(f.out);
  });

  it('policy-level problems (unknown measure, duplicate id, missing base) are listed together', async () => {
    const rows = ROWS.map((r) => [...r]);
    rows[1]![5] = '工业互联网应用项木'; // row 3
    rows[2]![0] = 'SZ-001'; // row 4 duplicates row 2
    rows[4]![7] = ''; // row 6: P10 needs a base
    const f = fixture({ applications: csv(rows) });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(1);
    const file = f.shown(f.applications);
    expect(r.stderr).toContain(`${file}:3:申报类别: expected a measure of policy shenzhen-iiot-2018 (nearest: P10-APPLICATION 工业互联网应用项目), found "工业互联网应用项木"`);
    expect(r.stderr).toContain(`${file}:4:项目编号: expected a unique project id (row 2 has the same), found "SZ-001"`);
    expect(r.stderr).toContain(`${file}:6:总投资（万元）: expected a positive amount (P10-APPLICATION （十） grants a share of 实际总投入), found an empty cell`);
    expect(r.stderr).toContain('3 处问题');
    expectNoOutputs(f.out);
  });

  it('a missing applications file, a binary file, a missing column', async () => {
    const missing = fixture({ scenario: { ...baseScenario(), applications: 'nope.csv' } });
    const r1 = await run(['solve', missing.scenario, '--out', missing.out]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`${missing.shown(join(missing.dir, 'nope.csv'))}: expected a readable file, found no such file`);

    // (A ZIP header would now be read as a damaged .xlsx: see test/hostile.test.ts.)
    const binary = fixture({ applications: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]) });
    const r2 = await run(['solve', binary.scenario, '--out', binary.out]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('found a binary file (NUL byte at offset 4)');

    const noScore = fixture({ applications: csv(ROWS.map((r) => r.slice(0, 11)), HEADER.slice(0, 11)) });
    const r3 = await run(['solve', noScore.scenario, '--out', noScore.out]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain(`${noScore.shown(noScore.applications)}:1:score: expected a column score (or 评审得分 / 得分 / 专家评分)`);
    for (const f of [missing, binary, noScore]) expectNoOutputs(f.out);
  });

  it('an earlier good run is not overwritten or removed by a failed one', async () => {
    const f = fixture();
    expect((await run(['solve', f.scenario, '--out', f.out])).code).toBe(0);
    const before = readFileSync(join(f.out, 'allocations.csv'));
    const rows = ROWS.map((r) => [...r]);
    rows[0]![11] = 'abc';
    writeFileSync(f.applications, csv(rows));
    expect((await run(['solve', f.scenario, '--out', f.out])).code).toBe(1);
    expect(readFileSync(join(f.out, 'allocations.csv'))).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------
describe('bad scenario JSON: exit 1', () => {
  it('a syntax error names line and column', async () => {
    const text = '{\n  "name": "x",\n  "year": 2019,\n}\n';
    const f = fixture({ scenario: text });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f.shown(f.scenario)}:4:1: expected valid JSON, found `);
    expectNoOutputs(f.out);

    const missingComma = fixture({ scenario: '{\n  "name": "x"\n  "year": 2019\n}\n' });
    const r2 = await run(['solve', missingComma.scenario, '--out', missingComma.out]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`${missingComma.shown(missingComma.scenario)}:3:3: expected valid JSON`);

    // V8 gives no position for a bad token; fundplan finds it.
    const badToken = fixture({ scenario: '{\n  "name": "x",\n  "budget": abc\n}\n' });
    const r3 = await run(['solve', badToken.scenario, '--out', badToken.out]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain(`${badToken.shown(badToken.scenario)}:3:13: expected valid JSON, found "abc`);
  });

  it('an unknown key is named', async () => {
    const f = fixture({ scenario: { ...baseScenario(), budgett: '100' } });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f.shown(f.scenario)}:(top level): expected no unknown keys`);
    expect(r.stderr).toContain('found "budgett"');
    expectNoOutputs(f.out);
  });

  it('a negative budget, a sub-fen budget and a missing field', async () => {
    const neg = fixture({ scenario: { ...baseScenario(), budget: '-100' } });
    const r = await run(['solve', neg.scenario, '--out', neg.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${neg.shown(neg.scenario)}:budget: expected a non-negative amount (yuan, or with 万/亿), found "-100"`);

    const fen = fixture({ scenario: { ...baseScenario(), budget: 100.001 } });
    const r2 = await run(['solve', fen.scenario, '--out', fen.out]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`${fen.shown(fen.scenario)}:budget: expected an amount in whole fen`);

    const { year: _year, ...noYear } = baseScenario();
    const ny = fixture({ scenario: noYear });
    const r3 = await run(['solve', ny.scenario, '--out', ny.out]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain(`${ny.shown(ny.scenario)}:year: expected number, found nothing`);
    for (const f of [neg, fen, ny]) expectNoOutputs(f.out);
  });

  it('measureBudgets naming an unknown measure names the nearest measure', async () => {
    const f = fixture({ scenario: { ...baseScenario(), measureBudgets: { 'P10-APPLICATON': { min: '100' } } } });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${f.shown(f.scenario)}:measureBudgets.P10-APPLICATON: expected a measure id of policy shenzhen-iiot-2018, or a measure's Chinese name or alias (nearest: P10-APPLICATION 工业互联网应用项目), found "P10-APPLICATON"`,
    );
    expectNoOutputs(f.out);
  });

  it('measureBudgets min above max', async () => {
    const f = fixture({ scenario: { ...baseScenario(), measureBudgets: { 'P10-APPLICATION': { min: '200万', max: '100万' } } } });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f.shown(f.scenario)}:measureBudgets.P10-APPLICATION: expected min ≤ max, found min 2000000 > max 1000000`);
  });

  it('a policy path that does not exist', async () => {
    const f = fixture({ scenario: { ...baseScenario(), policy: 'missing-policy.json' } });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f.shown(join(f.dir, 'missing-policy.json'))}: expected a readable file, found no such file`);
  });
});

// ---------------------------------------------------------------------------------------
describe('usage: exit 1', () => {
  it('an unknown command', async () => {
    const r = await run(['solev', 'x.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown command 'solev'/);
  });

  it('solve without its scenario argument', async () => {
    const r = await run(['solve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing required argument 'scenario'/);
  });

  it('an unknown option, and --out without a value', async () => {
    const f = fixture();
    const r = await run(['solve', f.scenario, '--bugdet', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown option '--bugdet'/);
    const r2 = await run(['solve', f.scenario, '--out']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/argument missing/);
    expectNoOutputs(f.out);
  });

  it('no command at all', async () => {
    expect((await run([])).code).toBe(1);
  });

  it('a scenario file that does not exist', async () => {
    const f = fixture();
    const r = await run(['solve', join(f.dir, 'nope.json'), '--out', f.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f.shown(join(f.dir, 'nope.json'))}: expected a readable file, found no such file`);
  });
});

// ---------------------------------------------------------------------------------------
describe('infeasible: exit 2, the conflicting limit named, nothing written', () => {
  it('a measure floor above what its applications can get', async () => {
    // P10-APPLICATION: SZ-001 is entitled to 1,500,000 (SZ-005 is below minScore).
    const f = fixture({ scenario: { ...baseScenario(), measureBudgets: { 'P10-APPLICATION': { min: '2000000' } } } });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^无可行分配 \/ infeasible: /);
    expect(r.stderr).toContain('measure_min:P10-APPLICATION (scenario.measureBudgets.P10-APPLICATION.min)');
    expect(r.stderr).toContain('floor ¥2,000,000 cannot be met: its applications are entitled to ¥1,500,000 in all');
    expect(r.stdout).toBe('');
    expectNoOutputs(f.out);
  });

  it('a floor on a measure nobody applied to', async () => {
    const f = fixture({ scenario: { ...baseScenario(), measureBudgets: { 'P13-EVENT': { min: '1' } } } });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('measure_min:P13-EVENT');
    expectNoOutputs(f.out);
  });

  it('floors summing above the budget', async () => {
    const f = fixture({
      scenario: {
        ...baseScenario(),
        budget: '4000000',
        measureBudgets: { 'P10-APPLICATION': { min: '1000000' }, 'P01-CROSS': { min: '4000000' } },
      },
    });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('budget (scenario.budget): ¥4,000,000 is less than the measure floors together, ¥5,000,000');
    expect(r.stderr).toMatch(/measure_min:(P10-APPLICATION|P01-CROSS)/);
    expectNoOutputs(f.out);
  });

  it('--budget can make a feasible scenario infeasible', async () => {
    const f = fixture({ scenario: { ...baseScenario(), measureBudgets: { 'P01-CROSS': { min: '5000000' } } } });
    expect((await run(['solve', f.scenario, '--out', f.out, '--no-timings'])).code).toBe(0);
    const g = fixture({ scenario: { ...baseScenario(), measureBudgets: { 'P01-CROSS': { min: '5000000' } } } });
    const r = await run(['solve', g.scenario, '--out', g.out, '--budget', '400万']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('budget (scenario.budget)');
    expectNoOutputs(g.out);
  });
});

// ---------------------------------------------------------------------------------------
describe('--budget', () => {
  it('--budget 5000万 overrides the scenario budget', async () => {
    const f = fixture();
    const r = await run(['solve', f.scenario, '--out', f.out, '--budget', '5000万']);
    expect(r.code).toBe(0);
    const s = readSummary(f.out);
    expect(s.budget).toBe('50000000.00');
    // Everything a candidate is entitled to now fits: 1.5M + 6M + 0.5M + 2M.
    expect(s.granted).toBe('10000000.00');
    expect(s.unallocated).toBe('40000000.00');
  });

  it('--budget 0.05亿 and a plain yuan amount with separators', async () => {
    const f = fixture();
    expect((await run(['solve', f.scenario, '--out', f.out, '--budget', '0.05亿'])).code).toBe(0);
    expect(readSummary(f.out).budget).toBe('5000000.00');
    expect((await run(['solve', f.scenario, '--out', f.out, '--budget', '1,234,500'])).code).toBe(0);
    expect(readSummary(f.out).budget).toBe('1234500.00');
  });

  it('--budget abc exits 1 naming the flag; nothing written', async () => {
    const f = fixture();
    const r = await run(['solve', f.scenario, '--out', f.out, '--budget', 'abc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--budget: expected an amount such as 1234567.89 or 1,234,567.89 (yuan, or with 万/亿), found "abc"');
    expectNoOutputs(f.out);
    const neg = await run(['solve', f.scenario, '--out', f.out, '--budget=-5']);
    expect(neg.code).toBe(1);
    expect(neg.stderr).toContain('--budget: expected a non-negative amount');
  });
});

// ---------------------------------------------------------------------------------------
describe('solver options', () => {
  it('--solver highs, jslp and network give the same allocation; --emit-lp writes the LP; bad values exit 1', async () => {
    const f = fixture();
    const lpFile = join(f.dir, 'model.lp');
    expect((await run(['solve', f.scenario, '--out', join(f.dir, 'h'), '--solver', 'highs', '--no-timings', '--emit-lp', lpFile])).code).toBe(0);
    expect((await run(['solve', f.scenario, '--out', join(f.dir, 'j'), '--solver', 'jslp', '--no-timings'])).code).toBe(0);
    expect(readSummary(join(f.dir, 'h')).solver.backend).toMatch(/^highs \d/);
    expect(readSummary(join(f.dir, 'j')).solver.backend).toBe('javascript-lp-solver');
    expect(readFileSync(join(f.dir, 'h', 'allocations.csv')).equals(readFileSync(join(f.dir, 'j', 'allocations.csv')))).toBe(true);
    expect((await run(['solve', f.scenario, '--out', join(f.dir, 'n'), '--solver', 'network', '--no-timings'])).code).toBe(0);
    expect(readSummary(join(f.dir, 'n')).solver.backend).toBe('network simplex');
    expect(readFileSync(join(f.dir, 'n', 'allocations.csv')).equals(readFileSync(join(f.dir, 'h', 'allocations.csv')))).toBe(true);
    const lp = readFileSync(lpFile, 'utf8');
    expect(lp).toMatch(/^\\ fundplan /);
    expect(lp).toContain('\nMaximize\n obj:');
    expect(lp.trimEnd().endsWith('End')).toBe(true);

    const bad = await run(['solve', f.scenario, '--out', join(f.dir, 'x'), '--time-limit', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--time-limit: expected a positive number of seconds, found "soon"');
    const badSolver = await run(['solve', f.scenario, '--out', join(f.dir, 'x'), '--solver', 'cplex']);
    expect(badSolver.code).toBe(1);
    expect(badSolver.stderr).toMatch(/Allowed choices are auto, network, jslp, highs/);
    expect(outputFiles(join(f.dir, 'x'))).toEqual([]);
  });
});

describe('determinism and CSV safety', () => {
  it('the same inputs twice with --no-timings give byte-identical outputs', async () => {
    const f = fixture();
    const out1 = join(f.dir, 'out1');
    const out2 = join(f.dir, 'out2');
    expect((await run(['solve', f.scenario, '--out', out1, '--no-timings'])).code).toBe(0);
    expect((await run(['solve', f.scenario, '--out', out2, '--no-timings'])).code).toBe(0);
    for (const name of OUTPUT_FILES) {
      expect(readFileSync(join(out2, name)).equals(readFileSync(join(out1, name)))).toBe(true);
    }
    expect(readSummary(out1).timingsMs).toBeUndefined();
    // And the same from a copy of the inputs in another folder.
    const g = fixture();
    expect((await run(['solve', g.scenario, '--out', g.out, '--no-timings'])).code).toBe(0);
    for (const name of OUTPUT_FILES) {
      expect(readFileSync(join(g.out, name)).equals(readFileSync(join(out1, name)))).toBe(true);
    }
  });

  it('summary.json does not depend on the folder fundplan is run from (warnings included)', async () => {
    const rows = ROWS.map((r) => [...r]);
    rows[0]![2] = '91440300MA5ABCDE10'; // wrong check character: a warning
    const f = fixture({ applications: csv(rows) });
    const cli = join(REPO, 'dist/src/cli.js');
    const a = spawnSync(process.execPath, [cli, 'solve', 'scenario.json', '--out', 'o1', '--no-timings'], { cwd: f.dir, encoding: 'utf8' });
    mkdirSync(join(f.dir, 'x', 'y'), { recursive: true });
    const b = spawnSync(process.execPath, [cli, 'solve', '../../scenario.json', '--out', '../../o2', '--no-timings'], { cwd: join(f.dir, 'x', 'y'), encoding: 'utf8' });
    expect([a.status, b.status]).toEqual([0, 0]);
    const s1 = readFileSync(join(f.dir, 'o1', 'summary.json'));
    expect(JSON.parse(s1.toString()).warnings[0]).toMatch(/^applications\.csv:2:统一社会信用代码: expected a unified social credit code/);
    expect(readFileSync(join(f.dir, 'o2', 'summary.json')).equals(s1)).toBe(true);
  });

  it('cells Excel would evaluate as formulas get a leading apostrophe', async () => {
    const rows = ROWS.map((r) => [...r]);
    rows[0]![1] = '=HYPERLINK("http://x","y")';
    rows[1]![3] = '+1';
    rows[2]![3] = '@SUM(A1)';
    rows[3]![1] = '-2+3';
    rows[3]![4] = '\t=1+1';
    rows[4]![1] = '普通=名称';
    const f = fixture({ applications: csv(rows) });
    expect((await run(['solve', f.scenario, '--out', f.out])).code).toBe(0);
    const out = readAllocations(f.out);
    const by = Object.fromEntries(out.map((x) => [x.project_id, x]));
    expect(by['SZ-001']!.project_name).toBe(`'=HYPERLINK("http://x","y")`);
    expect(by['SZ-002']!.company_name).toBe(`'+1`);
    expect(by['SZ-003']!.company_name).toBe(`'@SUM(A1)`);
    expect(by['SZ-004']!.project_name).toBe(`'-2+3`);
    expect(by['SZ-005']!.project_name).toBe('普通=名称');
    // No cell anywhere in the file starts with a formula character.
    for (const x of out) for (const v of Object.values(x)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
    // The raw bytes carry the apostrophe inside the quoted cell.
    expect(readFileSync(join(f.out, 'allocations.csv'), 'utf8')).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('unknown columns do not disturb the run', async () => {
    const header = [...HEADER, '备注'];
    const rows = ROWS.map((r, i) => [...r, `备注${i}`]);
    rows.push(['SZ-006', '另一家', creditCode('91440300MA5ABCDE6'), '深圳市己有限公司', '', '应用项目', '2018', '100', '', '', '', '90', '']);
    const f = fixture({ applications: csv(rows, header) });
    expect((await run(['solve', f.scenario, '--out', f.out])).code).toBe(0);
    const out = readAllocations(f.out);
    expect(out.find((x) => x.project_id === 'SZ-006')!.binding).toBe('ineligible');
  });
});

// ---------------------------------------------------------------------------------------
// The modules tsc compiled, and the one file `fundplan` runs (dist/bin, bundled from them).
describe.each(['dist/src/cli.js', 'dist/bin/fundplan.js'])('the built binary (node %s) returns the real exit codes', (path) => {
  const cli = join(REPO, path);
  const spawn = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });

  it('is built', async () => {
    expect(existsSync(cli), 'run `npm run build` (npm test does it in pretest)').toBe(true);
  });

  it('0 on success, 1 on bad input, 2 when infeasible, 1 on usage', async () => {
    const ok = fixture();
    const r0 = spawn(['solve', ok.scenario, '--out', ok.out, '--no-timings']);
    expect(r0.stderr).toBe('');
    expect(r0.status).toBe(0);
    expect(outputFiles(ok.out).sort()).toEqual([...OUTPUT_FILES].sort());

    // The spawned binary and the in-process main write the same bytes, every file.
    const same = fixture();
    expect((await run(['solve', same.scenario, '--out', same.out, '--no-timings'])).code).toBe(0);
    for (const name of OUTPUT_FILES) expect(readFileSync(join(ok.out, name)).equals(readFileSync(join(same.out, name))), name).toBe(true);

    const rows = ROWS.map((r) => [...r]);
    rows[2]![11] = '120';
    const bad = fixture({ applications: csv(rows) });
    const r1 = spawn(['solve', bad.scenario, '--out', bad.out]);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/applications\.csv:4:评审得分: expected a score from 0 to 100, found "120"/);
    expectNoOutputs(bad.out);

    const inf = fixture({ scenario: { ...baseScenario(), measureBudgets: { 'P10-APPLICATION': { min: '2000000' } } } });
    const r2 = spawn(['solve', inf.scenario, '--out', inf.out]);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('measure_min:P10-APPLICATION');
    expectNoOutputs(inf.out);

    const usage = spawn(['frobnicate']);
    expect(usage.status).toBe(1);
    expect(usage.stderr).toMatch(/unknown command/);
  });
});
