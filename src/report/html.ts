/**
 * report.html: one self-contained file (no network, no external assets) rendered from
 * ReportData. Chinese by default; `data.lang` switches the fixed UI strings only.
 *
 * Safety: every value that came from a user file is escaped with `esc` (text and
 * attributes); the one inline script carries no data (it filters and sorts the table on the
 * DOM); a Content-Security-Policy allows exactly the hashed <style> and <script> and nothing
 * else, so even a missed escape could neither run script nor load anything.
 */
import { createHash } from 'node:crypto';
import { D, ZERO, fmtYuanHuman } from '../money.js';
import type { LimitRow, ProjectRow, ReportData } from './data.js';
import { fmtGap, fmtNumber, fmtPerYuan, percent, wanNumber, yuan } from './format.js';
import { words, type ReportWords } from './i18n/index.js';
import { esc, measureChart, scatterChart, type ScatterPoint } from './svg.js';

export { esc } from './svg.js';

// ---------------------------------------------------------------- what to show

/** A marginal value's range: `to` empty means no upper end. */
export function rangeText(t: ReportWords, from: string, to: string): string {
  return `${yuan(from)} – ${to === '' ? t.noUpperEnd : yuan(to)}`;
}

/** A field the lead may add to the summary later (document, description): shown if present. */
export function optionalText(obj: object, key: string): string | null {
  const v = (obj as Record<string, unknown>)[key];
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** Grants, largest first (ties: score descending, project id ascending). */
export function topGrants(projects: readonly ProjectRow[], k: number): ProjectRow[] {
  // Grants are yuan with two decimals: as doubles they order exactly (as splitLimits' slack does).
  return projects
    .map((p) => ({ p, g: Number(p.grant) }))
    .filter((x) => x.g > 0)
    .sort((a, b) => b.g - a.g || b.p.score - a.p.score || (a.p.projectId < b.p.projectId ? -1 : a.p.projectId > b.p.projectId ? 1 : 0))
    .slice(0, k)
    .map((x) => x.p);
}

/** Binding limits, and the rest ordered by slack ascending. */
export function splitLimits(limits: readonly LimitRow[]): { binding: LimitRow[]; other: LimitRow[] } {
  const binding = limits.filter((l) => l.binding);
  // Slack is yuan with two decimals: as a number it orders exactly enough for a listing.
  const other = limits
    .filter((l) => !l.binding)
    .map((l) => ({ l, s: Number(l.slack) }))
    .sort((a, b) => a.s - b.s || (a.l.id < b.l.id ? -1 : a.l.id > b.l.id ? 1 : 0))
    .map((x) => x.l);
  return { binding, other };
}

const isCandidate = (p: ProjectRow) => p.binding !== 'below_min_score' && p.binding !== 'ineligible';

// ---------------------------------------------------------------- CSS and script

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1320px; padding: 24px 28px 64px; background: #fff; color: #111;
  font: 15px/1.6 system-ui, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Hiragino Sans GB", sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; line-height: 1.3; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #1f3a68; color: #1f3a68; }
h3 { font-size: 16px; margin: 20px 0 8px; }
p { margin: 6px 0; }
.subtitle { color: #333; margin: 0 0 12px; }
.headline { font-size: 17px; font-weight: 600; margin: 12px 0; }
.warning { border: 2px solid #a30000; background: #fff3f0; color: #7a0000; padding: 10px 14px; font-weight: 600; margin: 12px 0; }
.ok { color: #145a14; font-weight: 600; }
.bad { color: #7a0000; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; }
dl.facts dt { color: #444; }
dl.facts dd { margin: 0; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
.hash { border-bottom: 1px dotted #666; cursor: help; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 10px 0; }
.card { border: 1px solid #bbb; border-radius: 4px; padding: 8px 12px; }
.card .k { color: #444; font-size: 13px; }
.card .v { font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; }
th, td { border: 1px solid #bbb; padding: 4px 8px; vertical-align: top; text-align: left; }
thead th { background: #e9eef6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap, th { white-space: nowrap; }
td.c-name { min-width: 8em; }
td.c-measure { min-width: 8em; }
td.c-measure code { white-space: nowrap; font-size: 12px; }
td.c-note { min-width: 16em; }
#projects { font-size: 13px; }
#projects td, #projects th { padding: 3px 5px; }
.table-wrap { overflow-x: auto; }
tr.total td { font-weight: 700; background: #f3f3f3; }
tbody tr:nth-child(even) td { background: #fafafa; }
.rule { color: #333; font-size: 14px; }
.muted { color: #555; font-size: 14px; }
details { margin: 10px 0; }
summary { cursor: pointer; font-weight: 600; }
nav.toc ol { columns: 2; margin: 4px 0; padding-left: 22px; }
nav.toc a { color: #1f3a68; }
.search { display: flex; gap: 12px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.search input { font: inherit; padding: 6px 10px; min-width: 360px; border: 1px solid #888; border-radius: 4px; }
th button { all: unset; cursor: pointer; display: block; width: 100%; }
th button:focus-visible { outline: 2px solid #1f3a68; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
.print-only { display: none; }
[hidden] { display: none !important; }
svg.chart { width: 100%; height: auto; display: block; margin: 8px 0; font-family: inherit; }
svg.chart text { fill: #111; font-size: 14px; }
svg.chart .tick { font-size: 13px; fill: #222; }
svg.chart .axis-label { font-size: 14px; font-weight: 600; }
svg.chart .value { font-size: 13px; font-variant-numeric: tabular-nums; }
svg.chart .grid { stroke: #ddd; stroke-width: 1; }
svg.chart .grid-major { stroke: #bbb; stroke-width: 1; }
svg.chart .axis { stroke: #111; stroke-width: 1.5; }
svg.chart .bar-ent { fill: #fff; stroke: #333; stroke-width: 1.2; }
svg.chart .bar-grant { fill: #1f4e9a; }
svg.chart .mark-max { stroke: #a30000; stroke-width: 3; }
svg.chart .mark-max-head { fill: #a30000; }
svg.chart .mark-min { stroke: #a30000; stroke-width: 3; stroke-dasharray: 4 3; }
svg.chart .mark-min-head { fill: #a30000; }
svg.chart .dot-funded { fill: #1f4e9a; stroke: #fff; stroke-width: 0.8; }
svg.chart .dot-unfunded { fill: none; stroke: #b34700; stroke-width: 1.6; }
svg.chart .partly, svg.chart .partly-cap { stroke: #1f4e9a; stroke-width: 1.4; }
svg.chart .funding-line line { stroke: #a30000; stroke-width: 2.5; stroke-dasharray: 8 5; }
svg.chart .funding-line rect { fill: #fff; stroke: #a30000; stroke-width: 1.5; }
svg.chart .funding-line text { fill: #a30000; font-weight: 700; font-size: 15px; }
svg.chart .measure-row:hover .label { font-weight: 700; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .search, nav.toc, th button::after { display: none !important; }
  .print-only { display: block; }
  h2 { break-after: avoid; }
  tr, .card, svg.chart, .warning { break-inside: avoid; }
  thead { display: table-header-group; }
  tfoot { display: table-row-group; }
  tbody tr:nth-child(even) td { background: none; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  #projects { font-size: 8pt; }
  td.c-note { min-width: 14em; }
  td.c-measure code { font-size: 7pt; }
  svg.chart { max-height: 17cm; }
}
`;

/** Filters the project table on the DOM (no data in the script) and sorts by column. */
const SCRIPT = `
(function () {
  var table = document.getElementById('projects');
  var box = document.getElementById('project-search');
  var shown = document.getElementById('project-shown');
  var printNote = document.getElementById('project-print-note');
  if (!table || !box || !shown) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  rows.forEach(function (r, i) { r.setAttribute('data-i', String(i)); });
  function filter() {
    var terms = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var k = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = terms.every(function (t) { return texts[i].indexOf(t) >= 0; });
      rows[i].hidden = !ok;
      if (ok) k++;
    }
    shown.textContent = String(k);
    if (printNote) {
      printNote.hidden = k === rows.length;
      printNote.textContent = (printNote.getAttribute('data-template') || '').replace('{k}', String(k)).replace('{n}', String(rows.length));
    }
  }
  box.addEventListener('input', filter);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    var b = th.querySelector('button');
    if (!b) return;
    b.addEventListener('click', function () {
      var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir);
      var num = th.getAttribute('data-type') === 'num';
      var sign = dir === 'ascending' ? 1 : -1;
      var keyed = rows.map(function (r) {
        var c = r.cells[col];
        var v = c.getAttribute('data-v');
        return { r: r, k: num ? Number(v !== null ? v : c.textContent) : (v !== null ? v : c.textContent), i: Number(r.getAttribute('data-i')) };
      });
      keyed.sort(function (a, b) {
        var d = num ? a.k - b.k : a.k.localeCompare(b.k, 'zh-Hans-CN');
        return d !== 0 && d === d ? sign * d : a.i - b.i;
      });
      var frag = document.createDocumentFragment();
      keyed.forEach(function (x) { frag.appendChild(x.r); });
      body.appendChild(frag);
    });
  });
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
`;

const sha256b64 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
export const CSP = `default-src 'none'; style-src 'sha256-${sha256b64(CSS)}'; script-src 'sha256-${sha256b64(SCRIPT)}'; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`;

// ---------------------------------------------------------------- HTML pieces

type Cell = { readonly html: string; readonly cls?: string; readonly sort?: string | number };
const td = (text: string | number, cls?: string, sort?: string | number): Cell => ({ html: esc(text), ...(cls ? { cls } : {}), ...(sort !== undefined ? { sort } : {}) });
const num = (text: string | number, sort?: string | number): Cell => td(text, 'num', sort);

function cellHtml(c: Cell, tag = 'td'): string {
  const cls = c.cls ? ` class="${c.cls}"` : '';
  const sort = c.sort !== undefined ? ` data-v="${esc(c.sort)}"` : '';
  return `<${tag}${cls}${sort}>${c.html}</${tag}>`;
}

interface Column {
  readonly title: string;
  readonly num?: boolean;
}

function table(opts: {
  id?: string;
  columns: readonly Column[];
  rows: readonly (readonly Cell[])[];
  total?: readonly Cell[];
  sortable?: boolean;
  caption?: string;
}): string {
  const head = opts.columns
    .map((c) => {
      const cls = c.num ? ' class="num"' : '';
      if (!opts.sortable) return `<th scope="col"${cls}>${esc(c.title)}</th>`;
      return `<th scope="col"${cls} data-type="${c.num ? 'num' : 'text'}"><button type="button">${esc(c.title)}</button></th>`;
    })
    .join('');
  const body = opts.rows.map((r) => `<tr>${r.map((c) => cellHtml(c)).join('')}</tr>`).join('\n');
  const foot = opts.total ? `<tfoot><tr class="total">${opts.total.map((c) => cellHtml(c)).join('')}</tr></tfoot>` : '';
  const id = opts.id ? ` id="${esc(opts.id)}" data-testid="${esc(opts.id)}"` : '';
  const caption = opts.caption ? `<caption class="muted">${esc(opts.caption)}</caption>` : '';
  return `<table${id}>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>${foot}</table>`;
}

/** The first 12 hex digits visibly, the whole hash in the title attribute. */
function hash(h: string): string {
  return `<code class="hash" title="${esc(h)}">${esc(h.slice(0, 12))}…</code>`;
}

function section(id: string, title: string, body: string, cls = ''): string {
  return `<section id="${id}"${cls ? ` class="${cls}"` : ''}>\n<h2>${esc(title)}</h2>\n${body}\n</section>`;
}

// ---------------------------------------------------------------- the report

export function renderHtml(data: ReportData): string {
  const w = words(data.lang);
  const t = w.report;
  const s = data.summary;
  const c = s.counts;
  const parts: string[] = [];

  // 1. Overview.
  const policyDocument = optionalText(s.policy, 'document');
  const description = optionalText(s.scenario, 'description');
  const stoppedBy = 'stoppedBy' in s && typeof s.stoppedBy === 'string' ? s.stoppedBy : '';
  const status =
    s.status === 'time_limit'
      ? `<div class="warning" role="alert" data-testid="time-limit-warning">${esc(t.statusTimeLimit(fmtGap(s.optimality.gap), stoppedBy))}</div>`
      : '';
  const facts: [string, string][] = [
    [t.policy, `${esc(s.policy.name)} <span class="muted">(<code>${esc(s.policy.id)}</code>)</span>`],
    ...(policyDocument ? ([[t.document, esc(policyDocument)]] as [string, string][]) : []),
    ...(description ? ([[t.description, esc(description)]] as [string, string][]) : []),
    [t.year, esc(s.year)],
    [
      t.status,
      s.status === 'optimal' ? `<span class="ok">${esc(t.statusOptimal(fmtGap(s.optimality.gap)))}</span>` : `<strong class="bad">${esc(t.statusTimeLimitShort(fmtGap(s.optimality.gap)))}</strong>`,
    ],
    [t.tool, `${esc(s.tool.name)} ${esc(s.tool.version)}`],
    [t.solver, esc(s.solver.reason)],
    [
      t.inputs,
      [
        `${esc(t.fileScenario)} <code>${esc(s.scenario.file)}</code> ${hash(s.scenario.sha256)}`,
        `${esc(t.filePolicy)} <code>${esc(s.policy.file)}</code> ${hash(s.policy.sha256)}`,
        `${esc(t.fileApplications)} <code>${esc(s.applications.file)}</code> ${hash(s.applications.sha256)} <span class="muted">${esc(s.applications.encoding)}</span>`,
      ].join('<br>'),
    ],
    [t.granularity, esc(yuan(s.granularity))],
    [t.priorityRule, esc(t.rules(s.rules).priority)],
    [t.roundingRule, esc(t.rules(s.rules).rounding)],
  ];
  const warnings = s.warnings.length
    ? `<details><summary>${esc(t.warnings(s.warnings.length))}</summary><ul>${s.warnings.map((w) => `<li><code>${esc(w)}</code></li>`).join('')}</ul></details>`
    : '';
  parts.push(
    `<header id="overview">`,
    `<h1 data-testid="title">${esc(s.scenario.name)}</h1>`,
    `<p class="subtitle">${esc(t.reportTitle)} · ${esc(s.policy.name)} · ${esc(s.year)}</p>`,
    status,
    `<p class="headline">${esc(t.headline(yuan(s.budget), yuan(s.granted), percent(s.granted, s.budget), c.funded, c.applications))}</p>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`,
    warnings,
    `</header>`,
  );

  // Table of contents.
  const sec = t.sections;
  const toc: [string, string][] = [
    ['totals', sec.totals],
    ['by-measure', sec.byMeasure],
    ['by-district', sec.byDistrict],
    ['scatter', sec.scatter],
    ['limits', sec.limits],
    ['marginal', sec.marginal],
    ['top', sec.top],
    ['notice', sec.notice],
    ['projects', sec.projects],
  ];
  parts.push(`<nav class="toc" aria-label="${esc(t.toc)}"><ol>${toc.map(([id, title]) => `<li><a href="#${id}-section">${esc(title)}</a></li>`).join('')}</ol></nav>`);

  // 2. Totals.
  const card = (k: string, v: string, id?: string) => `<div class="card"${id ? ` data-testid="${id}"` : ''}><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div></div>`;
  parts.push(
    section(
      'totals-section',
      sec.totals,
      [
        `<div class="cards">`,
        card(t.budget, yuan(s.budget), 'total-budget'),
        card(t.granted, yuan(s.granted), 'total-granted'),
        card(t.unallocated, yuan(s.unallocated), 'total-unallocated'),
        card(t.fundingLineLabel, data.fundingLine === null ? '—' : t.fundingLineValue(fmtNumber(data.fundingLine, 2)), 'funding-line-card'),
        `</div><div class="cards">`,
        card(t.applications, t.count(c.applications)),
        card(t.candidates, t.count(c.candidates)),
        card(t.fullyFunded, t.count(c.fullyFunded)),
        card(t.partlyFunded, t.count(c.partlyFunded)),
        card(t.unfunded, t.count(c.unfunded)),
        card(t.belowMinScore, t.count(c.belowMinScore)),
        card(t.ineligible, t.count(c.ineligible)),
        `</div>`,
        ...(s.batches.locked.applications > 0
          ? [
              `<div class="cards">`,
              card(t.lockedBatch(s.batches.locked.applications), yuan(s.batches.locked.granted), 'locked-batch'),
              card(t.newBatch(s.batches.new.applications), yuan(s.batches.new.granted), 'new-batch'),
              `</div>`,
            ]
          : []),
        `<p><strong>${esc(t.verification)}${esc(t.labelColon)}</strong><span class="${s.verification.violations === 0 ? 'ok' : 'warning'}" data-testid="verification">${esc(t.verificationText(s.verification.checks, s.verification.violations))}</span></p>`,
      ].join('\n'),
    ),
  );

  // 3. By measure and by district.
  const col = t.col;
  const sumOf = (xs: readonly string[]) => xs.reduce((a, x) => a.plus(new D(x)), ZERO);
  const bm = s.byMeasure;
  const measureTable = table({
    id: 'by-measure',
    columns: [
      { title: col.clause },
      { title: col.measure },
      { title: col.applications, num: true },
      { title: col.funded, num: true },
      { title: col.requested, num: true },
      { title: col.entitlement, num: true },
      { title: col.granted, num: true },
      { title: col.budgetMin, num: true },
      { title: col.budgetMax, num: true },
    ],
    rows: bm.map((m) => [
      td(m.clause, 'nowrap'),
      { html: `${esc(m.name)}<br><code class="muted">${esc(m.measure)}</code>` },
      num(fmtNumber(m.applications)),
      num(fmtNumber(m.funded)),
      num(yuan(m.requested)),
      num(yuan(m.entitlement)),
      num(yuan(m.granted)),
      num(yuan(m.budgetMin)),
      num(yuan(m.budgetMax)),
    ]),
    total: [
      td(col.total),
      td(''),
      num(fmtNumber(bm.reduce((a, m) => a + m.applications, 0))),
      num(fmtNumber(bm.reduce((a, m) => a + m.funded, 0))),
      num(fmtYuanHuman(sumOf(bm.map((m) => m.requested)))),
      num(fmtYuanHuman(sumOf(bm.map((m) => m.entitlement)))),
      num(fmtYuanHuman(sumOf(bm.map((m) => m.granted)))),
      td(''),
      td(''),
    ],
  });
  // The chart leaves out measures nobody applied under (unless they carry a budget limit); the table has them all.
  const charted = bm.filter((m) => m.applications > 0 || m.budgetMin !== null || m.budgetMax !== null);
  const chart = measureChart(
    charted.map((m) => ({
      label: `${m.clause}${m.name}`,
      granted: wanNumber(m.granted),
      entitlement: wanNumber(m.entitlement),
      budgetMax: m.budgetMax ? wanNumber(m.budgetMax) : null,
      budgetMin: m.budgetMin ? wanNumber(m.budgetMin) : null,
    })),
    t.chartMeasure,
  );
  const omitted = bm.length - charted.length;
  const chartNote = omitted ? `<p class="muted">${esc(t.omittedMeasures(omitted))}</p>` : '';
  parts.push(section('by-measure-section', sec.byMeasure, `${chart}\n${chartNote}\n${measureTable}`, 'chart-section'));
  const bd = s.byDistrict;
  parts.push(
    section(
      'by-district-section',
      sec.byDistrict,
      table({
        id: 'by-district',
        columns: [
          { title: col.district },
          { title: col.applications, num: true },
          { title: col.funded, num: true },
          { title: col.requested, num: true },
          { title: col.entitlement, num: true },
          { title: col.granted, num: true },
          { title: col.share, num: true },
        ],
        rows: bd.map((d) => [
          td(d.district === '(未填)' ? t.unknownDistrict : d.district),
          num(fmtNumber(d.applications)),
          num(fmtNumber(d.funded)),
          num(yuan(d.requested)),
          num(yuan(d.entitlement)),
          num(yuan(d.granted)),
          num(percent(d.granted, s.granted)),
        ]),
        total: [
          td(col.total),
          num(fmtNumber(bd.reduce((a, d) => a + d.applications, 0))),
          num(fmtNumber(bd.reduce((a, d) => a + d.funded, 0))),
          num(fmtYuanHuman(sumOf(bd.map((d) => d.requested)))),
          num(fmtYuanHuman(sumOf(bd.map((d) => d.entitlement)))),
          num(fmtYuanHuman(sumOf(bd.map((d) => d.granted)))),
          num(percent(s.granted, s.granted)),
        ],
      }),
    ),
  );

  // 4. Score and grant.
  const candidates = data.projects.filter(isCandidate);
  const points: ScatterPoint[] = candidates.map((p) => ({
    score: p.score,
    grant: wanNumber(p.grant),
    entitlement: wanNumber(p.entitlement),
    tip: `${p.projectId} ${p.projectName} · ${p.companyName} · ${t.col.score} ${p.score} · ${t.col.grant} ${yuan(p.grant)} / ${t.col.entitlement} ${yuan(p.entitlement)}`,
  }));
  const drawn = points.filter((p) => p.grant > 0 || p.entitlement > 0).length;
  const lineText = data.fundingLine === null ? null : fmtNumber(data.fundingLine, 2);
  parts.push(
    section(
      'scatter-section',
      sec.scatter,
      [
        scatterChart(points, data.fundingLine, t.chartScatter),
        `<p class="muted">${esc(t.scatterCaption(drawn, points.length - drawn, lineText))}</p>`,
        data.fundingLine === null ? `<p>${esc(t.noFundingLine)}</p>` : '',
      ].join('\n'),
      'chart-section',
    ),
  );

  // 5. Limits.
  const { binding, other } = splitLimits(data.limits);
  const limitTable = (rows: readonly LimitRow[], id: string) =>
    table({
      id,
      columns: [{ title: col.limit }, { title: col.amount, num: true }, { title: col.used, num: true }, { title: col.slack, num: true }],
      rows: rows.map((l) => [td(l.label), num(yuan(l.amount)), num(yuan(l.used)), num(yuan(l.slack))]),
    });
  parts.push(
    section(
      'limits-section',
      sec.limits,
      [
        binding.length ? `<p>${esc(t.bindingIntro(binding.length))}</p>${limitTable(binding, 'binding-limits')}` : `<p>${esc(t.noBinding)}</p>`,
        other.length ? `<details data-testid="other-limits"><summary>${esc(t.otherLimits(data.otherLimits, other.length))}</summary>${limitTable(other, 'other-limits')}</details>` : '',
      ].join('\n'),
    ),
  );

  // 6. Marginal values.
  const mv = data.marginalValues;
  parts.push(
    section(
      'marginal-section',
      sec.marginal,
      [
        `<p class="muted">${esc(t.marginalIntro)}</p>`,
        mv.length
          ? table({
              id: 'marginal-values',
              columns: [
                { title: col.limit },
                { title: col.perYuan, num: true },
                { title: col.range, num: true },
                { title: col.atBound },
                { title: col.verified },
                { title: col.words },
              ],
              rows: mv.map((m) => [
                td(m.label),
                num(m.perYuan === null ? t.cannotRaise : fmtPerYuan(m.perYuan)),
                num(rangeText(t, m.from, m.to)),
                td(m.binding ? t.yes : t.no),
                td(m.verified ? t.yes : t.no),
                td(m.words),
              ]),
            })
          : `<p>${esc(t.noMarginal)}</p>`,
      ].join('\n'),
    ),
  );

  // 7. Top ten.
  parts.push(
    section(
      'top-section',
      sec.top,
      table({
        id: 'top-grants',
        columns: [
          { title: col.rank, num: true },
          { title: col.projectId },
          { title: col.projectName },
          { title: col.company },
          { title: col.measure },
          { title: col.score, num: true },
          { title: col.grant, num: true },
          { title: col.binding },
        ],
        rows: topGrants(data.projects, 10).map((p, i) => [
          num(i + 1),
          td(p.projectId, 'nowrap'),
          td(p.projectName),
          td(p.companyName),
          td(`${p.clause}${p.measureName}`),
          num(p.score),
          num(yuan(p.grant)),
          td(p.bindingLabel),
        ]),
      }),
    ),
  );

  // 8. Public notice.
  const nt = data.notice;
  parts.push(
    section(
      'notice-section',
      sec.notice,
      [
        table({
          id: 'notice',
          columns: [{ title: col.seq, num: true }, { title: col.projectName }, { title: col.applicant }, { title: col.category }, { title: col.grantWan, num: true }],
          rows: nt.rows.map((r) => [num(r.seq), td(r.projectName), td(r.companyName), td(r.measureName), { html: esc(r.grantWan), cls: 'num notice-amount' }]),
          total: [td(w.notice.total), td(''), td(''), td(''), { html: esc(nt.totalWan), cls: 'num notice-total' }],
        }),
        `<p class="rule" data-testid="notice-rule">${esc(nt.rule)}</p>`,
      ].join('\n'),
    ),
  );

  // 9. Every project.
  const projectsTable = table({
    id: 'projects',
    sortable: true,
    columns: [
      { title: col.projectId },
      { title: col.projectName },
      { title: col.company },
      { title: col.district },
      { title: col.measure },
      { title: col.score, num: true },
      { title: col.requested, num: true },
      { title: col.entitlement, num: true },
      { title: col.grant, num: true },
      { title: col.binding },
      { title: col.note },
    ],
    rows: data.projects.map((p) => [
      td(p.projectId, 'nowrap'),
      td(p.projectName, 'c-name'),
      td(p.companyName, 'c-name'),
      td(p.district, 'nowrap'),
      { html: `${esc(p.clause)}${esc(p.measureName)}<br><code class="muted">${esc(p.measure)}</code>`, cls: 'c-measure', sort: `${p.measure}` },
      num(p.score, p.score),
      num(yuan(p.requested), p.requested || -1),
      num(yuan(p.entitlement), p.entitlement || -1),
      num(yuan(p.grant), p.grant),
      td(p.bindingLabel, 'nowrap'),
      td(p.note, 'c-note'),
    ]),
  });
  const total = data.projects.length;
  parts.push(
    section(
      'projects-section',
      sec.projects,
      [
        `<div class="search"><label for="project-search">${esc(t.searchLabel)}</label>`,
        `<input id="project-search" data-testid="project-search" type="search" autocomplete="off" placeholder="${esc(t.search)}">`,
        `<span>${esc(t.shownRows)} <strong id="project-shown" data-testid="project-shown">${total}</strong> / ${fmtNumber(total)}</span>`,
        `<span class="muted">${esc(t.sortHint)}</span></div>`,
        `<p class="print-only muted" id="project-print-note" data-template="${esc(t.filteredNote)}" hidden></p>`,
        ...(data.projectsOmitted > 0
          ? [`<p class="muted" data-testid="projects-omitted">${esc(t.projectsOmitted(data.projectsOmitted))}</p>`]
          : []),
        `<div class="table-wrap">${projectsTable}</div>`,
      ].join('\n'),
    ),
  );

  return [
    '<!DOCTYPE html>',
    `<html lang="${w.htmlLang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="fundplan ${esc(s.tool.version)}">`,
    `<title>${esc(s.scenario.name)} · ${esc(t.reportTitle)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...parts,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
