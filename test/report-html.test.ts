/**
 * report.html and report.md, rendered from a real run: hostile names are shown as text and
 * never interpreted, nothing is loaded from outside, the public-notice table reconciles
 * exactly, and in headless Chromium the page runs clean (no errors, no dialogs), draws the
 * charts with the funding line, and its search box filters the project table.
 * Screenshots for a person to look at: test-output/report.png, test-output/report-demo.png.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { solveScenario } from '../src/commands/solve.js';
import { D, WAN, ZERO } from '../src/money.js';
import type { MarginalValue, ReportData } from '../src/report/data.js';
import { renderHtml } from '../src/report/html.js';
import { topGrants } from '../src/report/view.js';
import { md, mdLine, renderMarkdown } from '../src/report/markdown.js';
import { ROWS, baseScenario, creditCode, csv, fixture, removeFixtures } from './helpers/cli-fixtures.js';
import { launchChromium, requireBrowser } from './helpers/browser.js';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '</script><script>alert(2)</script>';
const QUOTES = `"quotes" & 'apostrophes'`;
// A line break between Latin words becomes a space on reading (next to Chinese text it is dropped).
const MD_NAME = '| 注入 | **粗体** [链接](javascript:alert(3)) `code` _x_\nline2';
const MD_COMPANY = '# 标题 <b>公司</b>';
const SCENARIO_NAME = '测试<script>alert(5)</script>场景 & "引号"';

/** Hostile rows, all funded: 95, 90 and 85 score above everything in ROWS but SZ-001 … */
const HOSTILE: string[][] = [
  ['SZ-101', IMG, creditCode('91440300MA5ABCDE6'), QUOTES, '南山区', '工业互联网应用项目', '2019', '300', '', '', '', '95'],
  ['SZ-102', SCRIPT, creditCode('91440300MA5ABCDE7'), '深圳市<b>粗体</b>有限公司', '福田区<i>', '工业互联网应用项目', '2019', '200', '', '', '', '90'],
  ['SZ-103', MD_NAME, creditCode('91440300MA5ABCDE8'), MD_COMPANY, '宝安区', '工业互联网应用项目', '2019', '400', '', '', '', '85'],
];

/**
 * ReportData exactly as `fundplan solve` builds it: `solveScenario` is runSolve without the
 * writing (solve, verify, marginal values, explanations, then buildReportData).
 */
async function reportDataOf(scenario: string): Promise<ReportData> {
  return (await solveScenario({ scenario, noTimings: true })).detail.data;
}

/** A hostile marginal value on top of the real ones: label and words are escaped too; no upper end; a floor that cannot be raised. */
const HOSTILE_MARGINAL: MarginalValue = {
  limit: 'measure_min:TEST',
  label: '<b>下限</b>',
  perYuan: null,
  from: '0.00',
  to: '',
  binding: false,
  verified: false,
  words: '<script>alert(4)</script>',
};

let data: ReportData;
let html: string;
let markdown: string;

beforeAll(async () => {
  const f = fixture({
    scenario: { ...baseScenario(), name: SCENARIO_NAME, description: `说明 ${IMG}` },
    applications: csv([...ROWS, ...HOSTILE]),
  });
  const base = await reportDataOf(f.scenario);
  data = { ...base, marginalValues: [...base.marginalValues, HOSTILE_MARGINAL] };
  html = renderHtml(data);
  markdown = renderMarkdown(data);
});

afterAll(() => removeFixtures());

const escHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

describe('the fixture', () => {
  it('funds the hostile applications, runs out of budget and has a funding line', () => {
    const notice = new Map(data.notice.rows.map((r) => [r.projectId, r.projectName]));
    expect(notice.get('SZ-101')).toBe(IMG);
    expect(notice.get('SZ-102')).toBe(SCRIPT);
    expect(notice.get('SZ-103')).toMatch(/^\| 注入 \| \*\*粗体\*\* \[链接\]\(javascript:alert\(3\)\) `code` _x_ line2$/);
    expect(data.fundingLine).not.toBeNull();
    expect(data.summary.scenario.name).toBe(SCENARIO_NAME);
  });
});

describe('renderHtml', () => {
  it('escapes every string from a user file, in text and in attributes', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).not.toContain('alert(2)</script>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    for (const s of [IMG, SCRIPT, QUOTES, MD_COMPANY, SCENARIO_NAME, '深圳市<b>粗体</b>有限公司', '福田区<i>', HOSTILE_MARGINAL.words, HOSTILE_MARGINAL.label]) {
      expect(html).toContain(escHtml(s));
    }
    expect(html).toContain('&quot;quotes&quot; &amp; &#39;apostrophes&#39;');
    // No raw quote can end an attribute: every attribute value is escaped.
    expect(html).not.toContain(`"quotes"`);
    expect(html).toContain(`<h1 data-testid="title">${escHtml(SCENARIO_NAME)}</h1>`);
  });

  it('loads nothing from outside: no URLs, no src/href but in-page anchors, CSP with the hashes of its only style and script', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9-]+\.[a-z]/i);
    expect(html).not.toMatch(/<(link|iframe|object|embed|img|image|use|base|form)\b/i);
    // Every `<` of user text is escaped, so any tag here is the renderer's own: none loads or runs anything.
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|srcset|xlink:href|on[a-z]+)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    for (const m of html.matchAll(/\bhref="([^"]*)"/g)) expect(m[1]).toMatch(/^#[a-z-]+$/);
    expect(html).not.toMatch(/<[a-z][^>]*\sstyle=/i); // no style attributes: the CSP allows only the hashed <style>
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).not.toContain('unsafe');
    // The script carries no data: it filters the table on the DOM.
    expect(script).not.toMatch(/SZ-|alert/);
  });

  it('has its sections in order', () => {
    const ids = ['overview', 'totals-section', 'by-measure-section', 'by-district-section', 'scatter-section', 'limits-section', 'marginal-section', 'top-section', 'notice-section', 'projects-section'];
    const at = ids.map((id) => html.indexOf(`id="${id}"`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain('data-testid="funding-line"');
    expect(html).toContain(`资助线 ${data.fundingLine} 分`);
  });

  it('the public-notice table reconciles exactly: rows sum to the total, which is the amount granted in 万元', () => {
    const amounts = [...html.matchAll(/<td class="num notice-amount">([^<]*)<\/td>/g)].map((m) => new D(m[1]!));
    const total = /<td class="num notice-total">([^<]*)<\/td>/.exec(html)?.[1];
    expect(amounts).toHaveLength(data.notice.rows.length);
    expect(amounts.length).toBeGreaterThan(0);
    const sum = amounts.reduce((a, b) => a.plus(b), ZERO);
    expect(sum.eq(new D(total!))).toBe(true);
    expect(sum.eq(new D(data.summary.granted).div(WAN))).toBe(true);
    expect(html).toContain(escHtml(data.notice.rule));
  });

  it('every project is in the searchable table', () => {
    const table = /<table id="projects"[\s\S]*?<\/table>/.exec(html)![0];
    expect(table.match(/<tr>/g)).toHaveLength(data.projects.length + 1);
    expect(html).toContain('id="project-search"');
  });

  it('shows a warning when optimality is not proven (time limit), with the gap', () => {
    const s = { ...data.summary, status: 'time_limit', stoppedBy: 'time limit 1 s', optimality: { ...data.summary.optimality, gap: 0.0123 } };
    const h = renderHtml({ ...data, summary: s as unknown as ReportData['summary'] });
    expect(h).toContain('data-testid="time-limit-warning"');
    expect(h).toContain('未证明最优');
    expect(h).toContain('1.23%');
    expect(html).not.toContain('time-limit-warning');
  });

  it('switches the fixed strings with lang, leaving project data as it is', () => {
    const h = renderHtml({ ...data, lang: 'en' });
    expect(h).toContain('<html lang="en">');
    expect(h).toContain('Public notice');
    expect(h).toContain('Funding line');
    expect(h).not.toContain('公示名单');
    expect(h).toContain(escHtml(IMG));
    expect(html).toContain('<html lang="zh-CN">');
  });
});

describe('renderMarkdown', () => {
  const noticeSection = () => {
    const start = markdown.indexOf('## 公示名单');
    const next = markdown.indexOf('\n## ', start + 1);
    return markdown.slice(start, next < 0 ? undefined : next);
  };
  const cells = (line: string) => line.replace(/^\| | \|$/g, '').split(/(?<!\\) \| /);

  it('the notice table reconciles exactly, with the rule under it', () => {
    const lines = noticeSection().split('\n').filter((l) => l.startsWith('|'));
    const body = lines.slice(2);
    const totalLine = body.pop()!;
    expect(cells(totalLine)[0]).toBe('**合计**');
    expect(body).toHaveLength(data.notice.rows.length);
    const sum = body.map((l) => new D(cells(l).at(-1)!)).reduce((a, b) => a.plus(b), ZERO);
    const total = new D(cells(totalLine).at(-1)!.replace(/\*/g, ''));
    expect(sum.eq(total)).toBe(true);
    expect(sum.eq(new D(data.summary.granted).div(WAN))).toBe(true);
    expect(noticeSection()).toContain(data.notice.rule.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`));
  });

  it('keeps hostile text literal: no HTML, no formatting, no extra cells or lines', () => {
    expect(markdown).not.toMatch(/(^|[^\\])<(img|script|b|i)\b/);
    expect(markdown).toContain('\\<img src=x onerror=alert(1)\\>');
    expect(markdown).toContain('\\</script\\>\\<script\\>alert(2)\\</script\\>');
    expect(markdown).toContain('\\| 注入 \\| \\*\\*粗体\\*\\* \\[链接\\](javascript:alert(3)) \\`code\\` \\_x\\_ line2');
    expect(markdown).toContain('\\# 标题 \\<b\\>公司\\</b\\>');
    expect(markdown).toContain(`# 测试\\<script\\>alert(5)\\</script\\>场景 & "引号"`);
    // Every table line has exactly as many cells as its header.
    let width = 0;
    for (const line of markdown.split('\n')) {
      if (!line.startsWith('|')) {
        width = 0;
        continue;
      }
      const n = cells(line).length;
      if (width === 0) width = n;
      expect(n, line).toBe(width);
    }
  });

  it('ends with the policy as encoded, as report.html does', () => {
    const appendix = markdown.slice(markdown.indexOf('## 附录'));
    expect(appendix).toMatch(/^## 附录/);
    expect(appendix).toContain(`### ${md(data.policyTable.title)}`);
    for (const s of data.policyTable.sections) expect(appendix).toContain(`#### ${md(s.title)}`);
  });

  it('md keeps a cell on one line and makes Markdown syntax literal', () => {
    expect(md('a\r\nb\nc\rd')).toBe('a b c d');
    expect(md('a|b\\c')).toBe('a\\|b\\\\c');
    expect(md('# h *e* _m_ [l](u) `c` ~s~ <b>')).toBe('\\# h \\*e\\* \\_m\\_ \\[l\\](u) \\`c\\` \\~s\\~ \\<b\\>');
    expect(md('&lt; &#60; & x')).toBe('\\&lt; \\&#60; & x');
    expect(md('380.00')).toBe('380.00');
    expect(mdLine('1. x')).toBe('1\\. x');
    expect(mdLine('- x')).toBe('\\- x');
  });

  it('has the key content', () => {
    for (const h of ['## 总体情况', '## 按申报类别', '## 按所属区', '## 起作用的限额', '## 边际价值', '## 资助金额最大的十个项目', '## 公示名单']) {
      expect(markdown).toContain(h);
    }
    expect(markdown).toContain(`- 资助线：${data.fundingLine} 分`);
    for (const m of data.marginalValues.filter((x) => x !== HOSTILE_MARGINAL)) expect(markdown).toContain(m.words.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`));
  });
});

// ---------------------------------------------------------------- in Chromium

interface Watch {
  readonly problems: string[];
  readonly dialogs: string[];
  readonly requests: string[];
}

function watch(page: Page): Watch {
  const w: Watch = { problems: [], dialogs: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') w.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => w.requests.push(r.url()));
  return w;
}

const visibleRows = (page: Page) => page.locator('#projects tbody tr:visible').count();

const OUTPUT = fileURLToPath(new URL('../test-output/', import.meta.url));

describe('report.html in headless Chromium', () => {
  it('runs clean, draws the charts and the funding line, shows hostile names as text, filters and sorts the project table', async (ctx) => {
    requireBrowser(ctx);
    mkdirSync(OUTPUT, { recursive: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const w = watch(page);
      await page.setContent(html, { waitUntil: 'load' });

      // The scatter chart with its funding line, and the measure chart.
      expect(await page.locator('svg[data-testid="scatter-chart"]').count()).toBe(1);
      const line = page.locator('svg[data-testid="scatter-chart"] [data-testid="funding-line"]');
      expect(await line.count()).toBe(1);
      expect(await line.textContent()).toContain(`资助线 ${data.fundingLine} 分`);
      const charted = data.summary.byMeasure.filter((m) => m.applications > 0 || m.budgetMin !== null || m.budgetMax !== null);
      expect(await page.locator('svg[data-testid="measure-chart"] .measure-row').count()).toBe(charted.length);
      const dots = await page.locator('svg[data-testid="scatter-chart"] circle').count();
      expect(dots).toBeGreaterThanOrEqual(data.summary.counts.candidates - 1); // + legend dots, − zero entitlements

      // Hostile names are text.
      const notice = page.locator('#notice');
      expect(await notice.getByText(IMG, { exact: true }).isVisible()).toBe(true);
      expect(await notice.getByText(SCRIPT, { exact: true }).isVisible()).toBe(true);
      expect(await notice.getByText(QUOTES, { exact: true }).isVisible()).toBe(true);
      expect(await page.locator('h1').textContent()).toBe(SCENARIO_NAME);
      expect(await page.evaluate(() => ({ img: document.images.length, scripts: document.scripts.length, b: document.querySelectorAll('body b, body i').length }))).toEqual({
        img: 0,
        scripts: 1,
        b: 0,
      });

      // Search: all rows, then filtered by id, name, company, measure code, note; then all again.
      const all = data.projects.length;
      expect(await visibleRows(page)).toBe(all);
      expect(await page.locator('#project-shown').textContent()).toBe(String(all));
      const search = page.locator('#project-search');
      for (const [q, n] of [
        ['SZ-1', 3],
        ['onerror', 1],
        ['APOSTROPHES', 1],
        ['SZ-10 南山', 1],
        ['P10-APPLICATION', data.projects.filter((p) => p.measure === 'P10-APPLICATION').length],
        ['no such text', 0],
      ] as const) {
        await search.fill(q);
        expect(await visibleRows(page), q).toBe(n);
        expect(await page.locator('#project-shown').textContent(), q).toBe(String(n));
      }
      await search.fill('');
      expect(await visibleRows(page)).toBe(all);

      // Sort by grant: ascending, then descending puts the largest grant first.
      const grantHeader = page.locator('#projects thead th').filter({ hasText: '资助金额' }).locator('button');
      await grantHeader.click();
      await grantHeader.click();
      expect(await page.locator('#projects thead th[aria-sort="descending"]').count()).toBe(1);
      expect(await page.locator('#projects tbody tr').first().locator('td').first().textContent()).toBe(topGrants(data.projects, 1)[0]!.projectId);

      // Details open for printing.
      await page.emulateMedia({ media: 'print' });
      expect(await search.isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });

      await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
      expect(w.problems).toEqual([]);
      expect(w.dialogs).toEqual([]);
      expect(w.requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 30_000);

  it('renders the bundled demo (372 applications) cleanly', async (ctx) => {
    requireBrowser(ctx);
    mkdirSync(OUTPUT, { recursive: true });
    const demo = await reportDataOf(fileURLToPath(new URL('../scenarios/shenzhen-2019/scenario.json', import.meta.url)));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const w = watch(page);
      await page.setContent(renderHtml(demo), { waitUntil: 'load' });
      expect(await visibleRows(page)).toBe(demo.projects.length);
      if (demo.fundingLine !== null) expect(await page.locator('[data-testid="funding-line"]').count()).toBe(1);
      await page.locator('#project-search').fill('南山区');
      expect(await visibleRows(page)).toBeLessThan(demo.projects.length);
      await page.locator('#project-search').fill('');
      // The whole report down to the first screens of the project table: the full page is ~47,000 px
      // tall (372 rows), too tall to look at and slow to capture.
      const [top, height] = await page.evaluate(() => [
        document.getElementById('projects-section')!.getBoundingClientRect().top + window.scrollY,
        document.documentElement.scrollHeight,
      ]);
      await page.screenshot({ path: join(OUTPUT, 'report-demo.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.min(height, top + 2400) } });
      expect(w.problems).toEqual([]);
      expect(w.dialogs).toEqual([]);
      expect(w.requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 30_000);
});
