/**
 * report.html's 资金拨付计划 section for a scenario with cash by year: the chart of what falls
 * due each year against the money it may pay, the sentence naming the binding years, the cash
 * plan table, the plan years (indicative) and the targets' progress.
 */
import type { ReportData } from '../data.js';
import type { Words } from '../i18n/index.js';
import { cashChart, esc } from '../svg.js';
import { yearsView } from '../years-view.js';
import { num, section, table, td, type Cell } from './markup.js';

export function years(data: ReportData, w: Words): string {
  const s = data.summary;
  if (!s.years) return '';
  const v = yearsView({ ...s, years: s.years }, data.lang);
  const y = v.w;
  const strong = (c: Cell): Cell => ({ ...c, html: `<strong>${c.html}</strong>` });
  const cashTable = table({
    id: 'cashflow',
    caption: y.table,
    // The measure's name with its id below it, in one column.
    columns: v.head.filter((_, i) => i !== 1),
    rows: v.rows.map((r) =>
      r.cells
        .map((c, i): Cell => (i === 2 ? { html: r.cells[1] ? `${esc(c)}<br><code class="muted">${esc(r.cells[1])}</code>` : esc(c), cls: 'c-measure' } : v.head[i]!.num ? num(c) : td(c, 'nowrap')))
        .filter((_, i) => i !== 1)
        .map((c) => (r.total ? strong(c) : c)),
    ),
  });
  const chart = cashChart(v.bars, { title: y.chartTitle, earlier: y.dueEarlier, thisYear: y.dueThisYear, planned: y.duePlanned, cashLine: y.cashLine, axis: y.axis, year: (n) => y.window(n, n) });
  const binding = `<p class="${s.years.bindingCash.length ? 'warning' : 'ok'}" data-testid="cash-binding">${esc(v.binding)}</p>`;
  const plan = v.plan.length
    ? [
        `<h3>${esc(y.planTitle)}</h3>`,
        `<p class="muted" data-testid="plan-note">${esc(y.planNote)}</p>`,
        table({ id: 'plan-years', columns: [{ title: y.planCol.year }, { title: y.planCol.applications, num: true }, { title: y.planCol.funded, num: true }, { title: y.planCol.granted, num: true }], rows: v.plan.map((r) => r.map((c, i) => (i ? num(c) : td(c)))) }),
      ].join('\n')
    : '';
  const c = y.targetCol;
  const targets = v.targets.length
    ? [
        `<h3>${esc(y.targetsTitle)}</h3>`,
        table({
          id: 'targets',
          columns: [{ title: c.target }, { title: c.measures }, { title: c.by }, { title: c.kind }, { title: c.required, num: true }, { title: c.achieved, num: true }, { title: c.shortfall, num: true }],
          rows: v.targets.map((r) => r.map((x, i) => (i >= 4 ? num(x) : td(x)))),
        }),
      ].join('\n')
    : '';
  return section('years-section', y.section, [chart, binding, `<div class="table-wrap">${cashTable}</div>`, plan, targets].filter(Boolean).join('\n'), 'chart-section');
}
