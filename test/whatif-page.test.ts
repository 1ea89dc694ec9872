/**
 * whatif.html in real Chromium (Debian's, through playwright-core): the page solves the bundled
 * scenario with fundplan's own code, its grants are byte-identical to `fundplan solve`'s for the
 * same settings (the exported scenario, solved by the CLI's own function), the URL fragment
 * reproduces a view and is followed while the page is open, an infeasible setting names its
 * conflict instead of showing numbers, a decision the scenario read can be cleared, hostile
 * project names stay text, and nothing is logged as an error. One browser for the file.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSolve, solveScenario } from '../src/commands/solve.js';
import { runWhatIf } from '../src/commands/whatif.js';
import { browserStatus, launchChromium, requireBrowser } from './helpers/browser.js';

const SCENARIO = fileURLToPath(new URL('../scenarios/shenzhen-2019/scenario.json', import.meta.url));
const POLICY = fileURLToPath(new URL('../scenarios/policies/shenzhen-iiot-2018.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fundplan-whatif-'));
let browser: Browser | null = null;
let cliGrants: Map<string, string>;
const errors: string[] = [];

async function open(file: string, fragment = ''): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href + (fragment ? `#${fragment}` : ''));
  await settled(page);
  return page;
}

/** Wait until the result shown is the one for the settings in the URL. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const r = document.getElementById('result')!;
    return r.dataset.busy === 'false' && r.dataset.status !== undefined && r.dataset.fragment === location.hash.slice(1);
  });
}

const grantsOf = async (page: Page) => new Map(await page.$$eval('[data-project-id]', (rows) => rows.map((r) => [(r as HTMLElement).dataset.projectId!, (r as HTMLElement).dataset.grant!] as [string, string])));
const resultOf = (page: Page) => page.$eval('#result', (r) => ({ ...(r as HTMLElement).dataset }));
const hashOf = (page: Page) => page.evaluate(() => location.hash.slice(1));

/** Every row of the differences, page by page (‹ › turn them), largest first; back on the first page after. */
async function changesOf(page: Page): Promise<{ id: string; kind: string; delta: string; note: string }[]> {
  const out: { id: string; kind: string; delta: string; note: string }[] = [];
  let pages = 0;
  for (;;) {
    out.push(...(await page.$$eval('#changes tr', (rows) => rows.map((r) => ({ id: (r as HTMLElement).dataset.diffId!, kind: r.className, delta: r.children[5]!.textContent!, note: r.children[6]!.textContent! })))));
    if (await page.isDisabled('#changes-next')) break;
    await page.click('#changes-next');
    pages++;
  }
  for (let i = 0; i < pages; i++) await page.click('#changes-prev');
  return out;
}

/** Type an amount (万元) into a control and leave the field, as a person would. */
async function type(page: Page, control: string, wan: string): Promise<void> {
  const field = page.locator(`[data-control="${control}"]`);
  await field.fill(wan);
  await field.press('Tab');
  await settled(page);
}

/** Solve the page's exported scenario with the CLI's own function; its grants by project id. */
async function exportedGrants(page: Page, name: string): Promise<{ grants: Map<string, string>; json: Record<string, unknown> }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-scenario')]);
  const path = join(dir, name);
  await download.saveAs(path);
  const solved = await solveScenario({ scenario: path });
  return { grants: new Map(solved.allocations.map((r) => [r.project_id, r.grant])), json: JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> };
}

const pagePath = join(dir, 'out', 'whatif.html');

beforeAll(async () => {
  // `fundplan solve` writes the page beside its outputs.
  const outcome = await runSolve({ scenario: SCENARIO, out: join(dir, 'out'), noTimings: true });
  cliGrants = new Map(outcome.allocation.lines.map((l) => [l.app.projectId, l.grant.toFixed(2)]));
  if (browserStatus().available) browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('whatif.html in Chromium', () => {
  it('opens on the scenario as solved: the same grants as fundplan solve, to the fen', async (ctx) => {
    requireBrowser(ctx);
    const page = await open(pagePath);
    const r = await resultOf(page);
    expect(r.status).toBe('optimal');
    const grants = await grantsOf(page);
    expect(grants).toEqual(cliGrants);
    expect(r.fundedCount).toBe(String([...cliGrants.values()].filter((g) => Number(g) > 0).length));
    expect(r.totalGranted).toBe([...cliGrants.values()].reduce((s, g) => s + Math.round(Number(g) * 100), 0) / 100 + '.00');
    expect(await page.locator('#changes tr').count()).toBe(0);
    await page.close();
  });

  it('follows every kind of control, force and exclude; the exported scenario solves to the same grants; the link reproduces the view', async (ctx) => {
    requireBrowser(ctx);
    const page = await open(pagePath);
    await type(page, 'budget', '35000');
    expect(await hashOf(page)).toBe('budget=350000000');
    const afterBudget = await grantsOf(page);
    expect(Number((await resultOf(page)).totalGranted)).toBeLessThanOrEqual(350_000_000);
    // Every change from the baseline is listed, largest first, each with its sentence.
    const changes = await changesOf(page);
    expect(await page.locator('#changes tr').count()).toBe(Math.min(25, changes.length));
    expect(changes.length).toBe([...afterBudget].filter(([id, g]) => g !== cliGrants.get(id)).length);
    expect(changes.every((c) => c.note.length > 0)).toBe(true);
    const sizes = changes.map((c) => Number(c.delta.replace(/[−+,]/g, '')));
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);

    await type(page, 'measure.P11-RETROFIT.max', '8000');
    await type(page, 'measure.P10-APPLICATION.min', '4000');
    await type(page, 'companyAnnualCap', '2000');
    // A slider, moved.
    await page.$eval('#budget-r', (el) => {
      const input = el as HTMLInputElement;
      input.value = '36000';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await settled(page);
    // Force the highest-scoring unfunded candidate and exclude the largest grant, through a project's explanation.
    const rows = await page.$$eval('[data-project-id]', (els) => els.map((e) => ({ id: (e as HTMLElement).dataset.projectId!, grant: Number((e as HTMLElement).dataset.grant), score: Number(e.children[4]!.textContent), ent: e.children[5]!.textContent! })));
    const force = rows.filter((r) => r.grant === 0 && cliGrants.get(r.id) === '0.00' && r.ent !== '' && r.score >= 60).sort((a, b) => b.score - a.score)[0]!;
    const exclude = [...rows].sort((a, b) => b.grant - a.grant)[0]!;
    await page.click(`[data-project-id="${force.id}"] [data-explain]`);
    await page.waitForSelector('#explain[open] #explain-body p');
    expect(await page.locator('#explain-body p').count()).toBeGreaterThan(1);
    await page.fill('#reason', '会议决定：重点项目');
    await page.click('[data-decide="fund"]');
    await settled(page);
    await page.click(`[data-project-id="${exclude.id}"] [data-explain]`);
    await page.waitForSelector('#explain[open]');
    await page.click('[data-decide="exclude"]');
    await settled(page);
    const hash = await hashOf(page);
    expect(hash).toBe(
      `budget=360000000&measure.P11-RETROFIT.max=80000000&measure.P10-APPLICATION.min=40000000&companyAnnualCap=20000000&fund=${force.id}&exclude=${exclude.id}&reason.${force.id}=${encodeURIComponent('会议决定：重点项目')}`,
    );
    const r = await resultOf(page);
    expect(r.status).toBe('optimal');
    const grants = await grantsOf(page);
    expect(Number(grants.get(force.id))).toBeGreaterThan(0);
    expect(grants.get(exclude.id)).toBe('0.00');
    expect((await changesOf(page)).filter((c) => c.id === force.id).map((c) => c.kind)).toEqual(['enter']);

    // Export scenario → fundplan solve: byte-identical grants.
    const exported = await exportedGrants(page, 'exported.json');
    expect(exported.json.extends).toBe(SCENARIO);
    expect(exported.grants).toEqual(grants);

    // Export table: the funded list, CSV with a BOM.
    const [table] = await Promise.all([page.waitForEvent('download'), page.click('#export-table')]);
    const csv = readFileSync((await table.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.trimEnd().split('\r\n').length - 1).toBe(Number(r.fundedCount));
    expect(csv).toContain(`${force.id},`);

    // The link reproduces the view in a fresh page.
    const again = await open(pagePath, hash);
    expect(await grantsOf(again)).toEqual(grants);
    expect(await again.inputValue('[data-control="budget"]')).toBe('36000');
    await again.close();

    // A district budget from the link (the scenario has none: the key still works), and undo.
    const district = 'district.南山区.max=30000000';
    await page.evaluate((h) => (location.hash = h), `${hash}&${district}`);
    await settled(page);
    expect(await hashOf(page)).toContain(`district.${encodeURIComponent('南山区')}.max=30000000`);
    const withDistrict = await grantsOf(page);
    expect((await exportedGrants(page, 'district.json')).grants).toEqual(withDistrict);
    await page.click('#undo');
    await settled(page);
    expect(await grantsOf(page)).toEqual(grants);
    await page.click('#reset');
    await settled(page);
    expect(await grantsOf(page)).toEqual(cliGrants);
    await page.close();
  });

  it('a result drawn over earlier ones shows what the page opened on its link shows: differences, bars, rows, the frontier and its mark', async (ctx) => {
    requireBrowser(ctx);
    /** Once the background worker has answered: the frontier drawn and what more budget would do. */
    const quiet = (page: Page) => page.waitForFunction(() => document.querySelectorAll('#frontier circle').length > 0 && document.getElementById('more')!.textContent !== '');
    const view = (page: Page) =>
      page.evaluate(() => ({
        result: document.getElementById('result')!.dataset.totalGranted,
        headline: document.getElementById('headline')!.textContent,
        counts: document.getElementById('change-counts')!.textContent,
        changes: [...document.querySelectorAll('#changes tr')].map((r) => r.outerHTML),
        bars: [...document.querySelectorAll<HTMLElement>('#measures .bar')].map((b) => [b.dataset.measureId, b.dataset.granted, b.querySelector<HTMLElement>('.fill')!.style.width, b.textContent]),
        rows: [...document.querySelectorAll<HTMLElement>('#projects tr')].map((r) => [r.dataset.projectId, r.dataset.grant, r.className, r.textContent]),
        frontier: document.getElementById('frontier')!.innerHTML,
        marks: document.getElementById('budget-marks')!.innerHTML,
      }));
    const page = await open(pagePath, 'budget=300000000&measure.P11-RETROFIT.max=60000000');
    await quiet(page);
    // The budget alone moves: the same frontier, its mark moved; then the frontier changes too.
    for (const fragment of ['budget=380000000&measure.P11-RETROFIT.max=60000000', 'budget=330000000&companyAnnualCap=15000000']) {
      await page.evaluate((h) => (location.hash = h), fragment);
      await settled(page);
      await quiet(page);
      const fresh = await open(pagePath, fragment);
      await quiet(fresh);
      const shown = await view(page);
      expect(shown.changes.length).toBeGreaterThan(0);
      // The current budget's line is drawn at a place (the line is always there, hidden without one).
      expect(shown.frontier).toMatch(/<line class="current"(?![^>]*display="none")[^>]*\bx1="[\d.]+"/);
      expect(shown).toEqual(await view(fresh));
      await fresh.close();
    }
    await page.close();
  });

  it('follows a change of the fragment while open, as if the controls had been moved', async (ctx) => {
    requireBrowser(ctx);
    const page = await open(pagePath);
    await page.evaluate(() => (location.hash = 'budget=300000000&exclude=SZ2019-00001'));
    await settled(page);
    expect(await page.inputValue('[data-control="budget"]')).toBe('30000');
    const r = await resultOf(page);
    expect(Number(r.totalGranted)).toBeLessThanOrEqual(300_000_000);
    expect((await grantsOf(page)).get('SZ2019-00001')).toBe('0.00');
    await page.close();
  });

  it('clears a decision the scenario read: the page funds it by the rules, and the export says none', async (ctx) => {
    requireBrowser(ctx);
    const id = [...cliGrants].find(([, g]) => Number(g) > 0)![0];
    const decided = join(dir, 'decided');
    mkdirSync(decided, { recursive: true });
    writeFileSync(join(decided, 'scenario.json'), JSON.stringify({ extends: SCENARIO, decisions: { [id]: { decision: 'exclude', reason: '材料不全' } } }));
    const { file } = await runWhatIf({ scenario: join(decided, 'scenario.json'), out: join(decided, 'out') });
    const page = await open(file);
    expect((await grantsOf(page)).get(id)).toBe('0.00');
    await page.click(`[data-project-id="${id}"] [data-explain]`);
    await page.waitForSelector('#explain[open] #explain-body p');
    expect(await page.isVisible('[data-decide="clear"]')).toBe(true);
    await page.click('[data-decide="clear"]');
    await settled(page);
    expect(await hashOf(page)).toBe(`clear=${id}`);
    expect(await grantsOf(page)).toEqual(cliGrants);
    const exported = await exportedGrants(page, 'cleared.json');
    expect(exported.json.decisions).toEqual({ [id]: { decision: 'none' } });
    expect(exported.grants).toEqual(cliGrants);
    // A project nobody decided has nothing to clear.
    const other = [...cliGrants.keys()].find((x) => x !== id)!;
    await page.click(`[data-project-id="${other}"] [data-explain]`);
    await page.waitForSelector('#explain[open] #explain-body p');
    expect(await page.isVisible('[data-decide="clear"]')).toBe(false);
    await page.close();
  });

  it('an infeasible setting names the conflict and shows no numbers', async (ctx) => {
    requireBrowser(ctx);
    const page = await open(pagePath, 'measure.P10-APPLICATION.min=500000000');
    const r = await resultOf(page);
    expect(r.status).toBe('infeasible');
    expect(r.totalGranted).toBeUndefined();
    expect(await page.locator('[data-project-id]').count()).toBe(0);
    const problem = await page.textContent('#problem');
    expect(problem).toMatch(/P10-APPLICATION|budget/);
    // Settings that name nothing are an error, not numbers.
    await page.evaluate(() => (location.hash = 'fund=NO-SUCH-PROJECT'));
    await settled(page);
    expect((await resultOf(page)).status).toBe('error');
    expect(await page.textContent('#problem')).toContain('NO-SUCH-PROJECT');
    await page.close();
  });

  it('hostile project names stay text: no script runs', async (ctx) => {
    requireBrowser(ctx);
    const hostile = join(dir, 'hostile');
    mkdirSync(hostile, { recursive: true });
    const csv = readFileSync(SCENARIO.replace('scenario.json', 'applications.csv'), 'utf8');
    const names = ['<img src=x onerror="window.__xss=1">', '</script><script>window.__xss=2</script>', "'><svg onload=window.__xss=3>"];
    let k = 0;
    const edited = csv.replace(/^(SZ2019-0000[1-3]),[^,]*,/gm, (_m, id: string) => `${id},"${names[k++]!.replace(/"/g, '""')}",`);
    writeFileSync(join(hostile, 'applications.csv'), edited);
    const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(hostile, 'scenario.json'), JSON.stringify({ ...scenario, $schema: undefined, policy: POLICY, name: '<b>方案</b><script>window.__xss=4</script>' }));
    await runWhatIf({ scenario: join(hostile, 'scenario.json'), out: join(hostile, 'out') });
    const page = await open(join(hostile, 'out', 'whatif.html'));
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#projects img, #projects svg, #projects script').count()).toBe(0);
    expect(await page.textContent('[data-project-id="SZ2019-00001"]')).toContain(names[0]);
    expect(await page.textContent('header .sub')).toBe('<b>方案</b><script>window.__xss=4</script>');
    await page.close();
  });

  it('draws a long table a page at a time; the grants of every page are the CLI’s', async (ctx) => {
    requireBrowser(ctx);
    // The bundled applications twice (the copies with ids SZ2019-1…): 744 rows, pages of 100.
    const long = join(dir, 'long');
    mkdirSync(long, { recursive: true });
    const csv = readFileSync(SCENARIO.replace('scenario.json', 'applications.csv'), 'utf8').replace(/\r?\n$/, '');
    const [head, ...rows] = csv.split(/\r?\n/);
    writeFileSync(join(long, 'applications.csv'), [head, ...rows, ...rows.map((r) => r.replace(/^SZ2019-0/, 'SZ2019-1'))].join('\n') + '\n');
    const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(long, 'scenario.json'), JSON.stringify({ ...scenario, $schema: undefined, policy: POLICY }));
    const outcome = await runSolve({ scenario: join(long, 'scenario.json'), out: join(long, 'out'), noTimings: true });
    const cli = new Map(outcome.allocation.lines.map((l) => [l.app.projectId, l.grant.toFixed(2)]));
    expect(cli.size).toBe(2 * rows.length);
    const page = await open(join(long, 'out', 'whatif.html'));
    const seen = new Map<string, string>();
    for (let p = 0; ; p++) {
      const shown = await grantsOf(page);
      expect(shown.size).toBe(Math.min(100, cli.size - p * 100));
      for (const [id, g] of shown) seen.set(id, g);
      if (await page.isDisabled('#page-next')) break;
      await page.click('#page-next');
    }
    expect(seen).toEqual(cli);
    // The filter searches every row, not only the page shown.
    await page.fill('#filter', 'SZ2019-10372');
    expect([...(await grantsOf(page)).entries()]).toEqual([['SZ2019-10372', cli.get('SZ2019-10372')]]);
    expect(await page.isHidden('#pager')).toBe(true);
    await page.close();
  });

  it('an integer rule: the page carries HiGHS, and its grants are fundplan solve’s', async (ctx) => {
    requireBrowser(ctx);
    // All or nothing on a measure: an integer model, which `fundplan solve` gives to HiGHS.
    const aon = join(dir, 'all-or-nothing');
    mkdirSync(aon, { recursive: true });
    const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8')) as { measureBudgets: Record<string, object> } & Record<string, unknown>;
    const measureBudgets = { ...scenario.measureBudgets, 'P11-RETROFIT': { ...scenario.measureBudgets['P11-RETROFIT'], allOrNothing: true } };
    const applications = SCENARIO.replace('scenario.json', 'applications.csv');
    writeFileSync(join(aon, 'scenario.json'), JSON.stringify({ ...scenario, $schema: undefined, policy: POLICY, applications, measureBudgets }));
    const outcome = await runSolve({ scenario: join(aon, 'scenario.json'), out: join(aon, 'out'), noTimings: true });
    const cli = new Map(outcome.allocation.lines.map((l) => [l.app.projectId, l.grant.toFixed(2)]));
    const html = readFileSync(join(aon, 'out', 'whatif.html'), 'utf8');
    // Only a page that needs HiGHS carries it, and only such a page's CSP allows compiling WebAssembly.
    const carries = (text: string) => [text.includes('id="fundplan-highs"'), text.includes("'wasm-unsafe-eval'")];
    expect(carries(html)).toEqual([true, true]);
    expect(carries(readFileSync(pagePath, 'utf8'))).toEqual([false, false]);
    const page = await open(join(aon, 'out', 'whatif.html'));
    expect((await resultOf(page)).status).toBe('optimal');
    expect(await page.textContent('#status-line')).toMatch(/highs/i);
    expect(await grantsOf(page)).toEqual(cli);
    await type(page, 'budget', '35000');
    const moved = await grantsOf(page);
    expect(moved).not.toEqual(cli);
    expect((await exportedGrants(page, 'all-or-nothing.json')).grants).toEqual(moved);
    await page.close();
  });

  it('logged no console error, page error or dialog', (ctx) => {
    requireBrowser(ctx);
    expect(errors).toEqual([]);
  });
});
