/**
 * The what-if page without a browser: its settings and URL fragment, the data it embeds, the
 * engine its worker runs (the same grants as `fundplan solve` for the same settings, through the
 * exported scenario), scenario decisions, and the page file `fundplan whatif` writes.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { D } from '../src/money.js';
import { loadScenario } from '../src/pipeline/load.js';
import { solve } from '../src/pipeline/solve.js';
import { runWhatIf } from '../src/commands/whatif.js';
import { decodeValue, encodeInput, encodeValue } from '../src/whatif/data.js';
import { WhatIf } from '../src/whatif/engine.js';
import { applySettings, formatFragment, parseFragment } from '../src/whatif/settings.js';
import { atBudget, openPreparation, prepareAllocation, priorityLp } from '../src/model/prepare.js';
import { policyLp } from '../src/model/lp.js';
import { withScenarioDecisions } from '../src/model/decisions.js';
import { runSolve } from '../src/commands/solve.js';
import { withBudget, type Scenario } from '../src/model/scenario.js';

const SCENARIO = fileURLToPath(new URL('../scenarios/shenzhen-2019/scenario.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fundplan-whatif-unit-'));

const loaded = loadScenario(SCENARIO);
const data = () => JSON.parse(JSON.stringify(encodeInput({ lang: 'zh', extends: SCENARIO, policy: loaded.policy, scenario: loaded.scenario, applications: loaded.applications, locked: undefined })));

describe('the URL fragment', () => {
  it('reads and writes the keys of the contract, amounts in yuan, ids comma-separated', () => {
    const text = 'budget=350000000&measure.P11-RETROFIT.max=80000000&fund=SZ2019-00017&exclude=SZ2019-00200';
    const { settings, issues } = parseFragment(`#${text}`);
    expect(issues).toEqual([]);
    expect(settings.budget!.toString()).toBe('350000000');
    expect(settings.measures.get('P11-RETROFIT')!.max!.toString()).toBe('80000000');
    expect(settings.fund).toEqual(['SZ2019-00017']);
    expect(settings.exclude).toEqual(['SZ2019-00200']);
    expect(formatFragment(settings)).toBe(text);
    const all = 'measure.P10-APPLICATION.min=&companyAnnualCap=20000000&district.%E5%8D%97%E5%B1%B1%E5%8C%BA.max=1000000&district.%E5%8D%97%E5%B1%B1%E5%8C%BA.min=500000&fund=A,B&reason.A=%E4%BC%9A%E8%AE%AE';
    const read = parseFragment(all);
    expect(read.issues).toEqual([]);
    expect(read.settings.measures.get('P10-APPLICATION')).toEqual({ min: null });
    expect(read.settings.districts.get('南山区')!.min!.toString()).toBe('500000');
    expect(read.settings.reasons.get('A')).toBe('会议');
    expect(formatFragment(read.settings)).toBe(all);
  });

  it('names every key it cannot use', () => {
    const { issues } = parseFragment('budget=abc&colour=red&companyAnnualCap=&measure.X.max=-5');
    expect(issues.map((i) => i.key)).toEqual(['budget', 'colour', 'companyAnnualCap', 'measure.X.max']);
  });
});

describe('the embedded data', () => {
  it('gives back the same Decimals and Maps, and keeps a column named like the encoding', () => {
    const value = { a: new D('123.45'), m: new Map([['k', { min: new D(1), max: null }]]), $d: 'x', $$e: ['y'], nested: [{ $m: 1 }] };
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value)))) as typeof value;
    expect(back.a.eq(new D('123.45'))).toBe(true);
    expect(back.m.get('k')!.min!.eq(1)).toBe(true);
    expect(back.$d).toBe('x');
    expect(back.$$e).toEqual(['y']);
    expect(back.nested).toEqual([{ $m: 1 }]);
  });
});

describe('the engine the worker runs', () => {
  const engine = new WhatIf(data());
  const grantsOf = (r: ReturnType<WhatIf['solve']>) => (r.status === 'optimal' ? r.grants : null);

  it('starts from the scenario as solved: the grants of fundplan solve', async () => {
    const base = engine.solve();
    const cli = await solve(SCENARIO, { timings: false });
    expect(cli.status).toBe('optimal');
    expect(grantsOf(base)).toEqual(cli.status === 'optimal' ? cli.allocations.map((a) => a.grant) : []);
    expect(base.status === 'optimal' && base.changes).toEqual([]);
  });

  it('gives, for any settings, the grants fundplan solve gives for the exported scenario', async () => {
    const fragment = 'budget=320000000&measure.P11-RETROFIT.max=60000000&measure.P10-APPLICATION.min=&companyAnnualCap=25000000&district.%E5%8D%97%E5%B1%B1%E5%8C%BA.max=40000000&fund=SZ2019-00360&exclude=SZ2019-00001&reason.SZ2019-00360=%E9%87%8D%E7%82%B9';
    const r = engine.solveFragment(fragment);
    expect(r.status).toBe('optimal');
    const file = join(dir, 'exported.json');
    writeFileSync(file, engine.exportScenario(fragment)!);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ extends: SCENARIO, budget: '320000000', measureBudgets: { 'P11-RETROFIT': { max: '60000000' }, 'P10-APPLICATION': {} }, companyAnnualCap: '25000000' });
    expect(exported.decisions['SZ2019-00360']).toEqual({ decision: 'fund', reason: '重点' });
    const cli = await solve(file, { timings: false });
    expect(cli.status === 'optimal' && cli.allocations.map((a) => a.grant)).toEqual(grantsOf(r));
    if (r.status !== 'optimal') return;
    // Every change from the baseline is listed with allocations.csv's sentence.
    const cliNotes = new Map(cli.status === 'optimal' ? cli.allocations.map((a) => [a.project_id, a.note]) : []);
    expect(r.changes.length).toBeGreaterThan(0);
    for (const c of r.changes) expect(c.note).toBe(cliNotes.get(c.id));
  });

  it('more budget never lowers the objective; an unusable or infeasible setting gives no numbers', () => {
    const objectives = [300, 350, 400, 450].map((wan) => engine.solveFragment(`budget=${wan * 1_000_000}`)).map((r) => (r.status === 'optimal' ? Number(r.objective) : NaN));
    expect(objectives.every((v, i) => i === 0 || v >= objectives[i - 1]!)).toBe(true);
    const infeasible = engine.solveFragment('measure.P10-APPLICATION.min=500000000');
    expect(infeasible.status).toBe('infeasible');
    expect(infeasible).not.toHaveProperty('grants');
    expect(engine.solveFragment('fund=NOPE').status).toBe('error');
    expect(engine.solveFragment('fund=SZ2019-00001&exclude=SZ2019-00001').status).toBe('error');
  });

  it('draws the frontier from the warm network simplex: non-decreasing in the budget', () => {
    // Below the floor of P10-APPLICATION (¥30,000,000) no budget is feasible: those points are left out.
    const points = engine.frontier('', new D(1_000_000_000), 10)!;
    expect(points.map((p) => p.budget)).toEqual(['100000000.00', '200000000.00', '300000000.00', '400000000.00', '500000000.00', '600000000.00', '700000000.00', '800000000.00', '900000000.00', '1000000000.00']);
    expect(points.every((p, i) => i === 0 || p.objective >= points[i - 1]!.objective - 1e-6)).toBe(true);
  });
});

describe('a preparation kept open across settings', () => {
  it('gives, at every limit amount, what a preparation from the start gives', () => {
    const input = { lang: 'zh' as const, extends: SCENARIO, policy: loaded.policy, scenario: loaded.scenario, applications: loaded.applications, locked: undefined };
    const locked = new Map([[loaded.applications[3]!.projectId, new D(200_000)]]);
    const open = openPreparation(loaded.applications, loaded.policy, loaded.scenario, { locked });
    const fragments = [
      'budget=250000000',
      'measure.P11-RETROFIT.max=60000000&measure.P10-APPLICATION.min=',
      // The company cap and district budgets come and go: who counts against what is worked out again.
      'companyAnnualCap=25000000&district.%E5%8D%97%E5%B1%B1%E5%8C%BA.max=40000000',
      'district.%E5%8D%97%E5%B1%B1%E5%8C%BA.min=10000000&district.%E7%A6%8F%E7%94%B0%E5%8C%BA.max=',
      'budget=420000000',
    ];
    for (const fragment of fragments) {
      const { scenario, applications } = applySettings(input, parseFragment(fragment).settings, '');
      expect(applications).toBe(loaded.applications);
      const kept = open(scenario);
      const fresh = prepareAllocation(loaded.applications, loaded.policy, scenario, { locked });
      const view = (p: typeof kept) => ({
        limits: p.limits.map((l) => [l.id, l.amount.toString(), l.locked.toString(), l.source, l.members.length]),
        units: p.units.limits,
        caps: p.units.caps,
        shape: [p.shape.groups, p.shape.rowLimit, p.shape.rowBounds],
        scores: p.scores,
      });
      expect(view(kept), fragment).toEqual(view(fresh));
      expect(kept.limits.some((l) => l.kind === 'district_max')).toBe(fragment.includes('.max=4'));
    }
  });

  it('makes the LP at another budget of the same columns and terms, its rows its own, as a preparation from the start makes it', () => {
    const input = { lang: 'zh' as const, extends: SCENARIO, policy: loaded.policy, scenario: loaded.scenario, applications: loaded.applications, locked: undefined };
    const open = openPreparation(loaded.applications, loaded.policy, loaded.scenario);
    const at = (budget: string) => applySettings(input, parseFragment(`budget=${budget}`).settings, '').scenario;
    const first = open(at('250000000'));
    const second = open(at('260000000'));
    const [a, b] = [priorityLp(first), priorityLp(second)];
    expect(second.shape.groups).toBe(first.shape.groups);
    expect(b.columns).toBe(a.columns);
    expect(b.rows.map((r) => r.terms)).toEqual(a.rows.map((r) => r.terms));
    b.rows.forEach((r, i) => expect(r.terms).toBe(a.rows[i]!.terms));
    // Only the budget's row moved, and it is the LP a fresh preparation makes, value for value.
    const budgetRow = second.shape.rowLimit.findIndex((k) => second.limits[k]!.kind === 'budget');
    expect(b.rows.flatMap((r, i) => (r.lower === a.rows[i]!.lower && r.upper === a.rows[i]!.upper ? [] : [i]))).toEqual([budgetRow]);
    expect(b).toEqual(priorityLp(prepareAllocation(loaded.applications, loaded.policy, at('260000000'))));
    // Other costs (a stage of their own) make their own columns.
    const other = policyLp(second.shape, second.scores.map((s) => -s));
    expect(other.columns).not.toBe(b.columns);
    expect(other.columns.map((c) => c.cost)).toEqual(b.columns.map((c) => -c.cost));
  });

  it('makes the LP of a re-solve at another budget (atBudget) of the same columns and terms as the first', () => {
    const first = prepareAllocation(loaded.applications, loaded.policy, loaded.scenario, { keepBudgetRow: true });
    const budget = loaded.scenario.budget.plus(1_000_000);
    const [a, b] = [priorityLp(first), priorityLp(atBudget(first, budget))];
    expect(b.columns).toBe(a.columns);
    b.rows.forEach((r, i) => expect(r.terms).toBe(a.rows[i]!.terms));
    expect(b).toEqual(priorityLp(prepareAllocation(loaded.applications, loaded.policy, withBudget(loaded.scenario, budget), { keepBudgetRow: true })));
  });

  it('makes an LP of its own shape where the same costs come with other columns or rows', () => {
    const p = prepareAllocation(loaded.applications, loaded.policy, loaded.scenario);
    const fresh = (shape: typeof p.shape) => policyLp(shape, [...p.scores]);
    const a = policyLp(p.shape, p.scores);
    const halved = { ...p.shape, columnUpper: p.shape.columnUpper.map((u) => u / 2) };
    const fewerRows = { ...p.shape, rowColumns: p.shape.rowColumns.slice(1), rowBounds: p.shape.rowBounds.slice(1), rowLimit: p.shape.rowLimit.slice(1) };
    for (const shape of [halved, fewerRows, p.shape]) {
      const lp = policyLp(shape, p.scores);
      expect(lp).toEqual(fresh(shape));
      if (shape === halved) expect(lp.columns).not.toBe(a.columns);
    }
  });
});

describe('scenario decisions', () => {
  it('replace the applications file’s decision; an id naming no application is an input issue', async () => {
    const file = join(dir, 'decided.json');
    writeFileSync(file, JSON.stringify({ extends: SCENARIO, decisions: { 'SZ2019-00001': { decision: 'exclude', reason: '材料不全' } } }));
    const r = await solve(file, { timings: false });
    expect(r.status === 'optimal' && r.allocations[0]).toMatchObject({ grant: '0.00', binding: 'excluded', note: expect.stringContaining('材料不全') });
    writeFileSync(file, JSON.stringify({ extends: SCENARIO, decisions: { 'NO-SUCH': { decision: 'fund' } } }));
    const error = await solve(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([{ file: 'decided.json', row: 'decisions.NO-SUCH', expected: 'the project id of an application in the applications file', found: '"NO-SUCH"' }]);
  });
});

describe('a decision taken back on the page (clear)', () => {
  it('clears the decision the scenario read; the exported scenario says none and solves to the same grants', async () => {
    // A project the rules fund at ¥380m, excluded by the scenario's decisions.
    writeFileSync(join(dir, 'plain.json'), JSON.stringify({ extends: SCENARIO, budget: '380000000' }));
    const plain = await solve(join(dir, 'plain.json'), { timings: false });
    const k = plain.status === 'optimal' ? plain.allocations.findIndex((a) => Number(a.grant) > 0) : -1;
    const id = loaded.applications[k]!.projectId;
    const decided = join(dir, 'decided-base.json');
    writeFileSync(decided, JSON.stringify({ extends: SCENARIO, decisions: { [id]: { decision: 'exclude', reason: '材料不全' } } }));
    const l = loadScenario(decided);
    expect(l.applications[k]!.decision).toBe('exclude');
    const engine = new WhatIf(JSON.parse(JSON.stringify(encodeInput({ lang: 'zh', extends: decided, policy: l.policy, scenario: l.scenario, applications: l.applications, locked: undefined }))));
    expect(engine.controls().projects[k]!.decision).toBe('exclude');
    expect(engine.solveFragment('budget=380000000')).toMatchObject({ status: 'optimal', grants: expect.arrayContaining(['0.00']) });
    const fragment = `budget=380000000&clear=${id}`;
    expect(formatFragment(parseFragment(fragment).settings)).toBe(fragment);
    const r = engine.solveFragment(fragment);
    expect(r.status === 'optimal' && r.decisions[k]).toBe(null);
    const file = join(dir, 'cleared.json');
    writeFileSync(file, engine.exportScenario(fragment)!);
    expect(JSON.parse(readFileSync(file, 'utf8')).decisions).toEqual({ [id]: { decision: 'none' } });
    const cli = await solve(file, { timings: false });
    expect(cli.status === 'optimal' && cli.allocations.map((a) => a.grant)).toEqual(r.status === 'optimal' ? r.grants : null);
    // No decision at all: what the scenario without one gives.
    expect(plain.status === 'optimal' && plain.allocations.map((a) => a.grant)).toEqual(r.status === 'optimal' ? r.grants : null);
    // Clearing and deciding one project at once is not a setting.
    expect(engine.solveFragment(`fund=${id}&clear=${id}`).status).toBe('error');
  });

  it('a scenario decision none takes back the applications file’s decision', () => {
    const app = { ...loaded.applications[0]!, decision: 'fund' as const, decisionReason: '申报表' };
    const scenario = { ...loaded.scenario, decisions: new Map([[app.projectId, { decision: 'none' as const, reason: '' }]]) } as Scenario;
    const { applications, issues } = withScenarioDecisions([app], scenario, 'scenario');
    expect(issues).toEqual([]);
    expect(applications[0]).toMatchObject({ decision: null, decisionReason: '' });
  });
});

describe('an export after a solve with --lock', () => {
  it('names every lock file, relative to the page’s folder, and solves to the page’s grants', async () => {
    const b1 = join(dir, 'lock-b1');
    mkdirSync(b1, { recursive: true });
    const [head, ...rows] = readFileSync(SCENARIO.replace('scenario.json', 'applications.csv'), 'utf8').replace(/\r?\n$/, '').split(/\r?\n/);
    writeFileSync(join(b1, 'applications.csv'), [head, ...rows.slice(0, 150)].join('\n') + '\n');
    writeFileSync(join(b1, 'scenario.json'), JSON.stringify({ extends: SCENARIO, applications: 'applications.csv', budget: '150000000', measureBudgets: { 'P10-APPLICATION': { min: '0' } } }));
    await runSolve({ scenario: join(b1, 'scenario.json'), out: join(b1, 'out'), noTimings: true, noWhatif: true });
    const out = join(dir, 'lock-page');
    const page = await runWhatIf({ scenario: SCENARIO, out, lock: [join(b1, 'out', 'allocations.csv')] });
    const json = /<script type="application\/json" id="fundplan-data">([^<]*)<\/script>/.exec(readFileSync(page.file, 'utf8'))![1]!;
    const pageData = JSON.parse(json);
    expect(pageData.lock).toEqual(['../lock-b1/out/allocations.csv']);
    const engine = new WhatIf(pageData);
    expect(engine.controls().lock).toEqual(['../lock-b1/out/allocations.csv']);
    const fragment = 'budget=380000000';
    const r = engine.solveFragment(fragment);
    expect(r.status).toBe('optimal');
    const file = join(out, 'exported.json');
    writeFileSync(file, engine.exportScenario(fragment)!);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ extends: relative(out, SCENARIO), lock: ['../lock-b1/out/allocations.csv'] });
    const cli = await solve(file, { timings: false });
    expect(cli.status === 'optimal' && cli.allocations.map((a) => a.grant)).toEqual(r.status === 'optimal' ? r.grants : null);
    expect(cli.status === 'optimal' && cli.allocations.filter((a) => a.binding === 'locked').length).toBe(150);
  });
});

describe('fundplan whatif', () => {
  it('writes one self-contained page under a strict CSP, its data unable to close its element', async () => {
    const out = join(dir, 'page');
    const outcome = await runWhatIf({ scenario: SCENARIO, out, lang: 'en' });
    const html = readFileSync(outcome.file, 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; worker-src blob:; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(html).toContain('<html lang="en" data-lang="en">');
    // Exactly the three scripts: the data, the worker's code (not run as a script), the page's.
    expect(html.match(/<script/g)).toHaveLength(3);
    const json = /<script type="application\/json" id="fundplan-data">([^<]*)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(json).extends).toBe(relative(out, SCENARIO));
    // Nothing to load: no element names an outside resource.
    expect(/<(link|img|iframe|object|embed)\b|\ssrc=/i.test(html.replace(/<script type="(application\/json|text\/plain)"[^>]*>[^<]*<\/script>/g, ''))).toBe(false);
  });
});
