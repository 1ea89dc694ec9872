/** compare.csv and compare.html: runs side by side, differences traced to scenario fields (the page in Chinese unless `lang` says). */
import type { Decimal } from 'decimal.js';
import { toExcelCsv } from '../io/write.js';
import { ZERO, fmtYuan, fmtYuanHuman } from '../money.js';
import { fmtWan, fmtWanChange } from './format.js';
import { words, type CompareWords, type Lang, type Words } from './i18n/index.js';
import { esc } from './svg.js';

export interface RunView {
  readonly label: string;
  /** The scenario file or run folder it came from. */
  readonly source: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly objective: Decimal;
  readonly fundingLine: number | null;
  readonly budget: Decimal;
  readonly granted: Decimal;
  readonly byMeasure: ReadonlyMap<string, { granted: Decimal; funded: number }>;
  readonly byDistrict: ReadonlyMap<string, { granted: Decimal; funded: number }>;
  /** Of `granted`, what earlier batches the run held fixed had granted. */
  readonly lockedGranted: Decimal;
  /** The earlier batches it held fixed (summary.json's locks). */
  readonly locks: readonly { readonly file: string; readonly sha256: string; readonly batch: number }[];
  /**
   * A multi-year run (summary.json's `years`): per year of its horizon, the cash and what falls
   * due (earlier commitments, this year's grants, the planned years' forecasts); absent for a
   * one-year run.
   */
  readonly years?: readonly CashYearView[];
  /** `batch`: allocations.csv's batch column. */
  readonly projects: ReadonlyMap<string, { projectName: string; companyName: string; measure: string; score: string; grant: Decimal; binding: string; batch: string }>;
}

/** One year of a run's cash: the appropriation and what falls due in it. */
export interface CashYearView {
  readonly year: number;
  readonly cash: Decimal;
  /** From earlier years' ledgers (still planned). */
  readonly ledger: Decimal;
  /** From this year's grants (earlier batches' included). */
  readonly current: Decimal;
  /** From the planned years' forecasts (indicative). */
  readonly planned: Decimal;
}

/** What the same earlier batches fixed in two runs: the same grants in both, which cannot move. */
export interface Fixed {
  /** The lock files both runs held (as the later run names them). */
  readonly files: readonly string[];
  readonly projects: ReadonlySet<string>;
  readonly granted: Decimal;
}

export interface Change {
  readonly projectId: string;
  readonly projectName: string;
  readonly companyName: string;
  readonly measure: string;
  readonly score: string;
  readonly from: Decimal;
  readonly to: Decimal;
  readonly kind: 'gains' | 'loses' | 'enters' | 'leaves';
  readonly bindingFrom: string;
  readonly bindingTo: string;
}

/** One row per project: its grant in every run, and the change from the first. */
export function compareCsv(runs: readonly RunView[]): string {
  const ids = [...new Set(runs.flatMap((r) => [...r.projects.keys()]))].sort();
  const header = ['project_id', 'project_name', 'company_name', 'measure', ...runs.map((r) => `grant: ${r.label}`), ...runs.slice(1).flatMap((r) => [`change: ${r.label}`, `kind: ${r.label}`])];
  const rows = ids.map((id) => {
    const p = runs.map((r) => r.projects.get(id)).find((x) => x)!;
    const grants = runs.map((r) => r.projects.get(id)?.grant ?? ZERO);
    const b = grants[0]!;
    return [
      id, p.projectName, p.companyName, p.measure, ...grants.map(fmtYuan),
      ...grants.slice(1).flatMap((g) => {
        const d = g.minus(b);
        const kind = d.isZero() ? '' : b.isZero() ? 'enters' : g.isZero() ? 'leaves' : d.gt(0) ? 'gains' : 'loses';
        return [fmtYuan(d.abs()).replace(/^/, d.lt(0) ? '-' : ''), kind];
      }),
    ];
  });
  return toExcelCsv(header, rows);
}

function sideBySide(w: CompareWords, title: string, runs: readonly RunView[], pick: (r: RunView) => ReadonlyMap<string, { granted: Decimal; funded: number }>): string {
  const keys = [...new Set(runs.flatMap((r) => [...pick(r).keys()]))];
  const head = `<tr><th></th>${runs.map((r) => `<th>${esc(r.label)}<br>${esc(w.grantedWan)}</th>`).join('')}${runs.slice(1).map((r) => `<th>${esc(w.change)}<br>${esc(r.label)}</th>`).join('')}</tr>`;
  const body = keys
    .map((k) => {
      const v = runs.map((r) => pick(r).get(k)?.granted ?? ZERO);
      return `<tr><td class="l">${esc(k)}</td>${v.map((x) => `<td>${fmtWan(x)}</td>`).join('')}${v.slice(1).map((x) => `<td>${fmtWanChange(x.minus(v[0]!))}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<h2>${esc(title)}</h2><table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/**
 * Per year, each run's cash and dues (earlier commitments + this year's new grants + the
 * planned years'), and the other runs' change from the first; — where a run has no cash that year.
 */
function cashTable(w: CompareWords, runs: readonly RunView[]): string {
  const years = [...new Set(runs.flatMap((r) => (r.years ?? []).map((y) => y.year)))].sort((a, b) => a - b);
  const at = (r: RunView, year: number) => r.years?.find((y) => y.year === year);
  const due = (y: CashYearView) => y.ledger.plus(y.current).plus(y.planned);
  const c = w.cash;
  const head = `<tr><th>${esc(c.year)}</th>${runs.map((r) => `<th>${esc(r.label)}<br>${esc(c.cashWan)}</th><th>${esc(r.label)}<br>${esc(c.dueWan)}</th>`).join('')}${runs
    .slice(1)
    .map((r) => `<th>${esc(w.change)}<br>${esc(r.label)}<br>${esc(c.cashWan)}</th><th>${esc(w.change)}<br>${esc(r.label)}<br>${esc(c.dueWan)}</th>`)
    .join('')}</tr>`;
  const body = years
    .map((year) => {
      const base = at(runs[0]!, year);
      const cells = runs.map((r) => {
        const y = at(r, year);
        return y ? `<td>${fmtWan(y.cash)}</td><td title="${esc(c.dueParts(fmtWan(y.ledger), fmtWan(y.current), fmtWan(y.planned)))}">${fmtWan(due(y))}</td>` : '<td>—</td><td>—</td>';
      });
      const changes = runs.slice(1).map((r) => {
        const y = at(r, year);
        return y && base ? `<td>${fmtWanChange(y.cash.minus(base.cash))}</td><td>${fmtWanChange(due(y).minus(due(base)))}</td>` : '<td>—</td><td>—</td>';
      });
      return `<tr><td class="l">${year}</td>${cells.join('')}${changes.join('')}</tr>`;
    })
    .join('');
  return `<h2>${esc(c.heading)}</h2><p>${esc(c.note)}</p><table data-testid="compare-cash"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** A scenario field's name in words; a field without one is shown as it is. */
export function fieldName(w: CompareWords, field: string): string {
  return Object.hasOwn(w.fieldNames, field) ? w.fieldNames[field as keyof CompareWords['fieldNames']] : field;
}

/** A field's value as compare.html shows it: a setting that is on in words, others as written. */
const fieldValue = (w: CompareWords, value: string) => (value === '' ? '—' : value === 'true' ? w.on : value);

/** What set a grant (allocations.csv's binding) in words (— in a run without the project); a code fundplan does not know is shown as it is. */
function bindingLabel(labels: Words['binding'], code: string): string {
  return code === '' ? '—' : Object.hasOwn(labels, code) ? labels[code as keyof Words['binding']] : code;
}

export function compareHtml(
  runs: readonly RunView[],
  fieldDiffs: readonly (readonly { field: string; from: string; to: string }[])[],
  changes: readonly (readonly Change[])[],
  fixed: readonly Fixed[] = [],
  lang: Lang = 'zh',
): string {
  const { htmlLang, compare: w, binding } = words(lang);
  const base = runs[0]!;
  const diffs = runs
    .slice(1)
    .map((r, i) => {
      const d = fieldDiffs[i]!;
      const items = d.length
        ? d.map((x) => `<li><b>${esc(fieldName(w, x.field))}</b>${esc(w.fieldChange(x.field, fieldValue(w, x.from), fieldValue(w, x.to)))}</li>`).join('')
        : `<li>${esc(w.sameSettings)}</li>`;
      return `<h3>${esc(w.versus(r.label, base.label))}</h3><ul>${items}</ul>`;
    })
    .join('');
  const o = w.overview;
  const row = (label: string, cell: (r: RunView) => string) => `<tr><td class="l">${esc(label)}</td>${runs.map(cell).join('')}</tr>`;
  const overview = `<table><thead><tr><th></th>${runs.map((r) => `<th>${esc(r.label)}</th>`).join('')}</tr></thead><tbody>
${row(o.source, (r) => `<td class="l">${esc(r.source)}</td>`)}
${row(o.budget, (r) => `<td>${esc(fmtYuanHuman(r.budget))}</td>`)}
${row(o.granted, (r) => `<td>${esc(fmtYuanHuman(r.granted))}</td>`)}
${row(o.objective, (r) => `<td>${esc(r.objective.toFixed(0))}</td>`)}
${row(o.fundingLine, (r) => `<td>${r.fundingLine ?? '—'}</td>`)}
${row(o.funded, (r) => `<td>${[...r.projects.values()].filter((p) => p.grant.gt(0)).length}</td>`)}
${runs.some((r) => r.locks.length) ? [row(o.locked, (r) => `<td>${esc(fmtYuanHuman(r.lockedGranted))}</td>`), row(o.movable, (r) => `<td>${esc(fmtYuanHuman(r.granted.minus(r.lockedGranted)))}</td>`)].join('\n') : ''}
</tbody></table>`;
  const h = w.changeHeader;
  const changeTables = runs
    .slice(1)
    .map((r, i) => {
      const c = changes[i]!;
      const rows = c
        .map(
          (x) =>
            `<tr><td class="l">${esc(x.projectId)}</td><td class="l">${esc(x.projectName)}</td><td class="l">${esc(x.companyName)}</td><td class="l">${esc(x.measure)}</td><td>${esc(x.score)}</td><td>${fmtWan(x.from)}</td><td>${fmtWan(x.to)}</td><td>${fmtWanChange(x.to.minus(x.from))}</td><td class="l">${esc(w.kinds[x.kind])}</td><td class="l">${esc(bindingLabel(binding, x.bindingFrom))} → ${esc(bindingLabel(binding, x.bindingTo))}</td></tr>`,
        )
        .join('');
      const titles = [h.projectId, h.projectName, h.applicant, h.measure, h.score, h.runWan(base.label), h.runWan(r.label), h.change, h.kind, h.binding];
      const f = fixed[i];
      const held = f && f.projects.size ? `<p data-testid="fixed-shared">${esc(w.fixedShared(r.label, base.label, f.files.join('、'), f.projects.size, fmtYuanHuman(f.granted)))}</p>` : '';
      return `<h2>${esc(w.changesHeading(r.label, base.label, c.length))}</h2>${held}<table><thead><tr>${titles.map((t) => `<th>${esc(t)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('');
  return `<!doctype html><html lang="${htmlLang}"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>${esc(w.title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#111}table{border-collapse:collapse;margin:10px 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right;vertical-align:top}td.l{text-align:left}thead th{background:#eef2f7}@media print{tr{break-inside:avoid}thead{display:table-header-group}}</style></head><body>
<h1>${esc(w.heading(base.label))}</h1>
<h2>${esc(w.settingsHeading)}</h2>${diffs}
<h2>${esc(w.overviewHeading)}</h2>${overview}
${sideBySide(w, w.byMeasure, runs, (r) => r.byMeasure)}
${sideBySide(w, w.byDistrict, runs, (r) => r.byDistrict)}
${runs.some((r) => r.years) ? `${cashTable(w, runs)}\n` : ''}${changeTables}
</body></html>
`;
}
