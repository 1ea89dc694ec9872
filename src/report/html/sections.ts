/**
 * The parts of report.html, top to bottom: the overview, the table of contents, then one
 * <section> each (totals, by measure, by district, score and grant, limits, marginal values,
 * top ten, public notice, every project) and the appendix (the policy as encoded). What they
 * show comes from view.ts, their words from the language's ReportWords, their markup from markup.ts.
 */
import type { LimitRow, ReportData } from '../data.js';
import { fmtNumber, percent, yuan } from '../format.js';
import type { ReportWords, Words } from '../i18n/index.js';
import { esc, measureChart, scatterChart } from '../svg.js';
import { solverUsed } from '../summary.js';
import { batchLines, countFacts, districtName, finiteDifferenceNote, fundingLineScore, fundingLineText, headline, measureBars, nonBlank, perYuanText, rangeText, scatterPoints, shareWords, splitLimits, statusLine, tallyFigures, tallyTitles, tallyTotal, timeLimitWarning, topGrants, unorderedTieLines } from '../view.js';
import type { Chunks } from '../chunks.js';
import { SECTION_END, card, hash, num, section, sectionStart, table, tableEnd, tableStart, td, type Cell, type Column, type TableHead } from './markup.js';

/**
 * The page's header: title, status, headline and the facts of the run (policy, inputs, rules);
 * written into `out` (the page's pieces), as the other big parts are.
 */
export function overview(out: Chunks, data: ReportData, w: Words): void {
  const t = w.report;
  const s = data.summary;
  const policyDocument = nonBlank(s.policy.document);
  const description = nonBlank(s.scenario.description);
  const warning = timeLimitWarning(s, t);
  const rules = t.rules(s.rules);
  const facts: [string, string][] = [
    [t.policy, `${esc(s.policy.name)} <span class="muted">(<code>${esc(s.policy.id)}</code>)</span>`],
    ...(policyDocument ? ([[t.document, esc(policyDocument)]] as [string, string][]) : []),
    ...(description ? ([[t.description, esc(description)]] as [string, string][]) : []),
    [t.year, esc(s.year)],
    ...(s.locks.length ? ([[t.batch, `<span data-testid="batch">${batchLines(s, t).map(esc).join('<br>')}</span>`]] as [string, string][]) : []),
    [t.status, s.status === 'optimal' ? `<span class="ok">${esc(statusLine(s, t))}</span>` : `<strong class="bad">${esc(statusLine(s, t))}</strong>`],
    [t.tool, `${esc(s.tool.name)} ${esc(s.tool.version)}`],
    [t.solver, esc(solverUsed(s, w.summary))],
    [
      t.inputs,
      [
        `${esc(t.fileScenario)} <code>${esc(s.scenario.file)}</code> ${hash(s.scenario.sha256)}`,
        `${esc(t.filePolicy)} <code>${esc(s.policy.file)}</code> ${hash(s.policy.sha256)}`,
        `${esc(t.fileApplications)} <code>${esc(s.applications.file)}</code> ${hash(s.applications.sha256)} <span class="muted">${esc(s.applications.encoding)}</span>`,
      ].join('<br>'),
    ],
    [t.granularity, esc(yuan(s.granularity))],
    [t.priorityRule, esc(rules.priority)],
    [t.roundingRule, esc(rules.rounding)],
  ];
  const unordered = unorderedTieLines(s, w);
  const ties = unordered.length
    ? `<div class="warning" data-testid="unordered-ties"><p>${esc(w.summary.unorderedHeading)}</p><ul>${unordered.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></div>`
    : '';
  out.push(`<header id="overview">\n<h1 data-testid="title">${esc(s.scenario.name)}</h1>\n<p class="subtitle">${esc(t.reportTitle)} · ${esc(s.policy.name)} · ${esc(s.year)}</p>\n`);
  // Every warning of the inputs, at the top where it cannot be missed (the same list solve prints and validate reports).
  if (s.warnings.length) {
    out.push(`<div class="warning input-warnings" role="alert" data-testid="input-warnings"><p>${esc(t.warnings(s.warnings.length))}</p><ol>`);
    for (const x of s.warnings) out.push(`<li><code>${esc(x)}</code></li>`);
    out.push('</ol></div>');
  }
  out.push(
    [
      '',
      warning === null ? '' : `<div class="warning" role="alert" data-testid="time-limit-warning">${esc(warning)}</div>`,
      `<p class="headline">${esc(headline(s, t))}</p>`,
      `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`,
      ties,
      `</header>`,
    ].join('\n'),
  );
}

/** The table of contents: a link to each section below (the cash plan's, titled `years`, when there is one). */
export function contents(t: ReportWords, appendix: string, years: string | null = null): string {
  const sec = t.sections;
  const toc: [string, string][] = [
    ['totals', sec.totals],
    ...(years === null ? [] : ([['years', years]] as [string, string][])),
    ['by-measure', sec.byMeasure],
    ['by-district', sec.byDistrict],
    ['scatter', sec.scatter],
    ['limits', sec.limits],
    ['marginal', sec.marginal],
    ['top', sec.top],
    ['notice', sec.notice],
    ['projects', sec.projects],
    ['policy', appendix],
  ];
  return `<nav class="toc" aria-label="${esc(t.toc)}"><ol>${toc.map(([id, title]) => `<li><a href="#${id}-section">${esc(title)}</a></li>`).join('')}</ol></nav>`;
}

/** Money, the applications by what became of them, the batches, and the verification. */
export function totals(data: ReportData, t: ReportWords): string {
  const s = data.summary;
  const line = fundingLineScore(data);
  const body = [
    `<div class="cards">`,
    card(t.budget, yuan(s.budget), 'total-budget'),
    card(t.granted, yuan(s.granted), 'total-granted'),
    card(t.unallocated, yuan(s.unallocated), 'total-unallocated'),
    card(t.fundingLineLabel, line === null ? '—' : t.fundingLineValue(line), 'funding-line-card'),
    `</div><div class="cards">`,
    ...countFacts(s, t).map(([k, v]) => card(k, v)),
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
  ];
  return section('totals-section', t.sections.totals, body.join('\n'));
}

const tallyColumns = (t: ReportWords): Column[] => tallyTitles(t).map((title) => ({ title, num: true }));
const tallyCells = (figures: readonly string[]): Cell[] => figures.map((f) => num(f));

/** The chart of budget use by measure, and the table of every measure with its total. */
export function byMeasure(data: ReportData, t: ReportWords): string {
  const col = t.col;
  const bm = data.summary.byMeasure;
  const measureTable = table({
    id: 'by-measure',
    columns: [{ title: col.clause }, { title: col.measure }, ...tallyColumns(t), { title: col.budgetMin, num: true }, { title: col.budgetMax, num: true }],
    rows: bm.map((m) => [
      td(m.clause, 'nowrap'),
      { html: `${esc(m.name)}<br><code class="muted">${esc(m.measure)}</code>` },
      ...tallyCells(tallyFigures(m)),
      num(yuan(m.budgetMin)),
      num(yuan(m.budgetMax)),
    ]),
    total: [td(col.total), td(''), ...tallyCells(tallyTotal(bm)), td(''), td('')],
  });
  const bars = measureBars(data.summary);
  const omitted = bm.length - bars.length;
  const chartNote = omitted ? `<p class="muted">${esc(t.omittedMeasures(omitted))}</p>` : '';
  return section('by-measure-section', t.sections.byMeasure, `${measureChart(bars, t.chartMeasure)}\n${chartNote}\n${measureTable}`, 'chart-section');
}

/** Every district with its share of what was granted, and the total. */
export function byDistrict(data: ReportData, t: ReportWords): string {
  const col = t.col;
  const s = data.summary;
  const bd = s.byDistrict;
  const districtTable = table({
    id: 'by-district',
    columns: [{ title: col.district }, ...tallyColumns(t), { title: col.share, num: true }],
    rows: bd.map((d) => [td(districtName(d.district, t)), ...tallyCells(tallyFigures(d)), num(percent(d.granted, s.granted))]),
    total: [td(col.total), ...tallyCells(tallyTotal(bd)), num(percent(s.granted, s.granted))],
  });
  return section('by-district-section', t.sections.byDistrict, districtTable);
}

/** Grant against score for every candidate, with the funding line (or why there is none). */
export function scatter(data: ReportData, w: Words): string {
  const t = w.report;
  const points = scatterPoints(data.projects, t);
  const drawn = points.filter((p) => p.grant > 0 || p.entitlement > 0).length;
  const body = [
    scatterChart(points, data.fundingLine, t.chartScatter),
    `<p class="muted">${esc(t.scatterCaption(drawn, points.length - drawn, fundingLineScore(data)))}</p>`,
    `<p data-testid="funding-line-text"><strong>${esc(t.fundingLineLabel)}${esc(t.labelColon)}</strong>${esc(fundingLineText(data.summary, w))}</p>`,
  ];
  return section('scatter-section', t.sections.scatter, body.join('\n'), 'chart-section');
}

/** The binding limits, and the others (least room first) folded away; written into `out`. */
export function limits(out: Chunks, data: ReportData, t: ReportWords): void {
  const col = t.col;
  const { binding, other } = splitLimits(data.limits);
  const limitTable = (rows: readonly LimitRow[], id: string) => {
    out.push(tableStart({ id, columns: [{ title: col.limit }, { title: col.amount, num: true }, { title: col.used, num: true }, { title: col.slack, num: true }] }));
    for (const l of rows) out.push(`<tr><td>${esc(l.label)}</td><td class="num">${esc(yuan(l.amount))}</td><td class="num">${esc(yuan(l.used))}</td><td class="num">${esc(yuan(l.slack))}</td></tr>\n`);
    out.push(tableEnd(rows.length));
  };
  out.push(sectionStart('limits-section', t.sections.limits));
  if (binding.length) {
    out.push(`<p>${esc(t.bindingIntro(binding.length))}</p>`);
    limitTable(binding, 'binding-limits');
  } else out.push(`<p>${esc(t.noBinding)}</p>`);
  out.push('\n');
  if (other.length) {
    out.push(`<details data-testid="other-limits"><summary>${esc(t.otherLimits(data.otherLimits, other.length))}</summary>`);
    limitTable(other, 'other-limits');
    out.push('</details>');
  }
  for (const x of data.summary.shares ?? []) out.push(`\n<p data-testid="share-result">${esc(t.shareResult(shareWords(x, data)))}</p>`);
  out.push(SECTION_END);
}

/** What one more yuan of each limit buys, over what range, checked or not; for the budget, what more (or less) would fund. */
export function marginal(data: ReportData, w: Words): string {
  const t = w.report;
  const col = t.col;
  const mv = data.marginalValues;
  const note = finiteDifferenceNote(data, w);
  const body = [
    `<p class="muted">${esc(t.marginalIntro)}</p>`,
    note === null ? '' : `<p class="muted" data-testid="finite-difference">${esc(note)}</p>`,
    mv.length
      ? table({
          id: 'marginal-values',
          columns: [{ title: col.limit }, { title: col.perYuan, num: true }, { title: col.range, num: true }, { title: col.atBound }, { title: col.verified }, { title: col.words }],
          rows: mv.map((m) => [td(m.label), num(perYuanText(m, t)), num(rangeText(t, m.from, m.to)), td(m.binding ? t.yes : t.no), td(m.verified ? t.yes : t.no), td(m.words)]),
        })
      : `<p>${esc(t.noMarginal)}</p>`,
  ];
  return section('marginal-section', t.sections.marginal, body.join('\n'));
}

/** The ten largest grants. */
export function top(data: ReportData, t: ReportWords): string {
  const col = t.col;
  const topTable = table({
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
  });
  return section('top-section', t.sections.top, topTable);
}

/** The public-notice table (万元), its total and its rule; written into `out`. */
export function notice(out: Chunks, data: Pick<ReportData, 'notice'>, w: Words): void {
  const col = w.report.col;
  const nt = data.notice;
  out.push(sectionStart('notice-section', w.report.sections.notice));
  if (nt.batch > 1) out.push(`<p data-testid="notice-scope">${esc(w.report.noticeScope(nt.scope, nt.batch))}</p>\n`);
  out.push(tableStart({ id: 'notice', columns: [{ title: col.seq, num: true }, { title: col.batch, num: true }, { title: col.projectName }, { title: col.applicant }, { title: col.category }, { title: col.grantWan, num: true }] }));
  // A number's text needs no escape.
  for (const r of nt.rows) out.push(`<tr><td class="num">${r.seq}</td><td class="num">${r.batch}</td><td>${esc(r.projectName)}</td><td>${esc(r.companyName)}</td><td>${esc(r.measureName)}</td><td class="num notice-amount">${esc(r.grantWan)}</td></tr>\n`);
  out.push(tableEnd(nt.rows.length, [td(w.notice.total), td(''), td(''), td(''), td(''), { html: esc(nt.totalWan), cls: 'num notice-total' }]));
  out.push(`\n<p class="rule" data-testid="notice-rule">${esc(nt.rule)}</p>`, SECTION_END);
}

/** Every application listed, in a table the page's script filters and sorts; written into `out`. */
export function projects(out: Chunks, data: ReportData, t: ReportWords): void {
  const col = t.col;
  const head: TableHead = {
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
  };
  const total = data.projects.length;
  const intro = [
    `<div class="search"><label for="project-search">${esc(t.searchLabel)}</label>`,
    `<input id="project-search" data-testid="project-search" type="search" autocomplete="off" placeholder="${esc(t.search)}">`,
    `<span>${esc(t.shownRows)} <strong id="project-shown" data-testid="project-shown">${total}</strong> / ${fmtNumber(total)}</span>`,
    `<span class="muted">${esc(t.sortHint)}</span></div>`,
    `<p class="print-only muted" id="project-print-note" data-template="${esc(t.filteredNote)}" hidden></p>`,
    ...(data.projectsOmitted > 0 ? [`<p class="muted" data-testid="projects-omitted">${esc(t.projectsOmitted(data.projectsOmitted))}</p>`] : []),
    `<div class="table-wrap">`,
  ];
  out.push(sectionStart('projects-section', t.sections.projects), intro.join('\n'), tableStart(head));
  // Each cell as its text, escaped; a number column also sorts by its value (data-v): the score, the yuan amount, −1 for none.
  for (const p of data.projects) {
    out.push(
      `<tr><td class="nowrap">${esc(p.projectId)}</td><td class="c-name">${esc(p.projectName)}</td><td class="c-name">${esc(p.companyName)}</td><td class="nowrap">${esc(p.district)}</td>` +
        `<td class="c-measure" data-v="${esc(p.measure)}">${esc(p.clause)}${esc(p.measureName)}<br><code class="muted">${esc(p.measure)}</code></td>` +
        `<td class="num" data-v="${p.score}">${p.score}</td><td class="num" data-v="${esc(p.requested || -1)}">${esc(yuan(p.requested))}</td><td class="num" data-v="${esc(p.entitlement || -1)}">${esc(yuan(p.entitlement))}</td><td class="num" data-v="${esc(p.grant)}">${esc(yuan(p.grant))}</td>` +
        `<td class="nowrap">${esc(p.bindingLabel)}</td><td class="c-note">${esc(p.note)}</td></tr>\n`,
    );
  }
  out.push(tableEnd(total), '</div>', SECTION_END);
}

/** The appendix: the policy as the table to check against its document, one table per part of it. */
export function policyAppendix(data: ReportData, w: Words): string {
  const t = data.policyTable;
  const lines = (text: string) => text.split('\n').map(esc).join('<br>');
  const body = [
    `<p>${esc(t.title)}</p>`,
    ...t.sections.map(
      (s) =>
        `<h3>${esc(s.title)}</h3>\n` +
        table({ id: `policy-${s.id}`, columns: s.header.map((title) => ({ title })), rows: s.rows.map((r) => r.map((c): Cell => ({ html: lines(c) }))) }),
    ),
  ];
  return section('policy-section', w.policyTable.appendix, body.join('\n'));
}
