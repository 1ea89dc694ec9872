/** compare.csv and compare.html: runs side by side, differences traced to scenario fields. */
import type { Decimal } from 'decimal.js';
import { toExcelCsv } from '../io/write.js';
import { ZERO, fmtYuan, fmtYuanHuman } from '../money.js';
import { fmtWan, fmtWanChange } from './format.js';
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
  readonly projects: ReadonlyMap<string, { projectName: string; companyName: string; measure: string; score: string; grant: Decimal; binding: string }>;
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

const KIND_ZH: Record<Change['kind'], string> = { gains: '增加', loses: '减少', enters: '新增资助', leaves: '取消资助' };
const FIELD_ZH: Record<string, string> = {
  policy: '政策文件', applications: '申报数据', year: '年度', budget: '总预算', minScore: '最低分',
  measureBudgets: '类别预算', companyAnnualCap: '企业年度限额', granularity: '取整单位', objective: '分配目标',
};

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

function sideBySide(title: string, runs: readonly RunView[], pick: (r: RunView) => ReadonlyMap<string, { granted: Decimal; funded: number }>): string {
  const keys = [...new Set(runs.flatMap((r) => [...pick(r).keys()]))];
  const head = `<tr><th></th>${runs.map((r) => `<th>${esc(r.label)}<br>资助（万元）</th>`).join('')}${runs.slice(1).map((r) => `<th>变化<br>${esc(r.label)}</th>`).join('')}</tr>`;
  const body = keys
    .map((k) => {
      const v = runs.map((r) => pick(r).get(k)?.granted ?? ZERO);
      return `<tr><td class="l">${esc(k)}</td>${v.map((x) => `<td>${fmtWan(x)}</td>`).join('')}${v.slice(1).map((x) => `<td>${fmtWanChange(x.minus(v[0]!))}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<h2>${esc(title)}</h2><table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

export function compareHtml(runs: readonly RunView[], fieldDiffs: readonly (readonly { field: string; from: string; to: string }[])[], changes: readonly (readonly Change[])[]): string {
  const base = runs[0]!;
  const diffs = runs
    .slice(1)
    .map((r, i) => {
      const d = fieldDiffs[i]!;
      const items = d.length
        ? d.map((x) => `<li><b>${esc(FIELD_ZH[x.field] ?? x.field)}</b>（${esc(x.field)}）：${esc(x.from || '—')} → ${esc(x.to || '—')}</li>`).join('')
        : '<li>设置相同（差异仅来自输入数据）</li>';
      return `<h3>${esc(r.label)} 对比 ${esc(base.label)}</h3><ul>${items}</ul>`;
    })
    .join('');
  const overview = `<table><thead><tr><th></th>${runs.map((r) => `<th>${esc(r.label)}</th>`).join('')}</tr></thead><tbody>
<tr><td class="l">来源</td>${runs.map((r) => `<td class="l">${esc(r.source)}</td>`).join('')}</tr>
<tr><td class="l">总预算</td>${runs.map((r) => `<td>${esc(fmtYuanHuman(r.budget))}</td>`).join('')}</tr>
<tr><td class="l">已分配</td>${runs.map((r) => `<td>${esc(fmtYuanHuman(r.granted))}</td>`).join('')}</tr>
<tr><td class="l">目标值 Σ得分×金额</td>${runs.map((r) => `<td>${esc(r.objective.toFixed(0))}</td>`).join('')}</tr>
<tr><td class="l">资助线（分）</td>${runs.map((r) => `<td>${r.fundingLine ?? '—'}</td>`).join('')}</tr>
<tr><td class="l">资助项目数</td>${runs.map((r) => `<td>${[...r.projects.values()].filter((p) => p.grant.gt(0)).length}</td>`).join('')}</tr>
</tbody></table>`;
  const changeTables = runs
    .slice(1)
    .map((r, i) => {
      const c = changes[i]!;
      const rows = c
        .map(
          (x) =>
            `<tr><td class="l">${esc(x.projectId)}</td><td class="l">${esc(x.projectName)}</td><td class="l">${esc(x.companyName)}</td><td class="l">${esc(x.measure)}</td><td>${esc(x.score)}</td><td>${fmtWan(x.from)}</td><td>${fmtWan(x.to)}</td><td>${fmtWanChange(x.to.minus(x.from))}</td><td class="l">${KIND_ZH[x.kind]}</td><td class="l">${esc(x.bindingFrom)} → ${esc(x.bindingTo)}</td></tr>`,
        )
        .join('');
      return `<h2>项目变化：${esc(r.label)} 对比 ${esc(base.label)}（${c.length} 项，变化大者在前）</h2><table><thead><tr><th>项目编号</th><th>项目名称</th><th>申报单位</th><th>类别</th><th>得分</th><th>${esc(base.label)}（万元）</th><th>${esc(r.label)}（万元）</th><th>变化</th><th>类型</th><th>限制原因</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>情景对比</title>
<style>body{font-family:sans-serif;margin:24px;color:#111}table{border-collapse:collapse;margin:10px 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right;vertical-align:top}td.l{text-align:left}thead th{background:#eef2f7}@media print{tr{break-inside:avoid}thead{display:table-header-group}}</style></head><body>
<h1>情景对比（基准：${esc(base.label)}）</h1>
<h2>设置的不同之处</h2>${diffs}
<h2>概览</h2>${overview}
${sideBySide('按类别', runs, (r) => r.byMeasure)}
${sideBySide('按区', runs, (r) => r.byDistrict)}
${changeTables}
</body></html>
`;
}
