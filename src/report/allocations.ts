/** allocations.csv: one row per application, amounts in yuan with 2 decimals, a reason per grant. */
import { fmtYuan, fmtYuanHuman } from '../money.js';
import type { Allocation, Line } from '../model/allocate.js';
import type { Scenario } from '../model/scenario.js';
import { BINDING_ZH } from './labels.js';

export const ALLOCATION_COLUMNS = [
  'project_id', 'project_name', 'company_id', 'company_name', 'district', 'measure', 'measure_name', 'clause',
  'year', 'score', 'requested', 'entitlement', 'grant', 'binding', 'binding_zh', 'note',
] as const;

/** One line of Chinese saying what set the grant. */
export function noteOf(line: Line, allocation: Allocation, scenario: Scenario, limitIndex: ReadonlyMap<string, number>): string {
  const { app, entitlement, binding } = line;
  if (binding === 'ineligible') return `申报年度${app.year}，非本次资助年度${scenario.year}`;
  if (binding === 'below_min_score') return `评审得分${app.score.toString()}，低于最低分${scenario.minScore?.toString() ?? ''}`;
  if (line.limitId === null) {
    return entitlement!.ceiling.text().zh;
  }
  const k = limitIndex.get(line.limitId)!;
  const l = allocation.limits[k]!;
  const used = fmtYuanHuman(allocation.limitTotals[k]!);
  switch (l.kind) {
    case 'company_measure':
      return `${line.measure.clause}每家每年最高${fmtYuanHuman(l.amount)}，该企业本类别合计${used}`;
    case 'company_annual':
      return `企业年度限额${fmtYuanHuman(l.amount)}，该企业合计${used}`;
    case 'measure_max':
      return `${line.measure.clause}类别预算${fmtYuanHuman(l.amount)}已用${used}`;
    default:
      return `总预算${fmtYuanHuman(l.amount)}已用${used}`;
  }
}

export function allocationRows(allocation: Allocation, scenario: Scenario): string[][] {
  const limitIndex = new Map(allocation.limits.map((l, k) => [l.id, k]));
  return allocation.lines.map((line) => {
    const a = line.app;
    return [
      a.projectId, a.projectName, a.companyId, a.companyName, a.district, line.measure.id, line.measure.name.zh, line.measure.clause,
      String(a.year), a.score.toString(), a.requested ? fmtYuan(a.requested) : '',
      line.entitlement ? fmtYuan(line.entitlement.amount) : '', fmtYuan(line.grant), line.binding, BINDING_ZH[line.binding],
      noteOf(line, allocation, scenario, limitIndex),
    ];
  });
}
