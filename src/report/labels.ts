import type { Binding } from '../model/types.js';
import type { Limit } from '../model/limits.js';
import type { Measure } from '../model/policy.js';

export const BINDING_ZH: Record<Binding, string> = {
  rate: '按比例上限',
  base: '核定基数上限',
  matching: '配套比例上限',
  cap: '单项最高限额',
  requested: '申请金额',
  company_limit: '企业限额',
  measure_budget: '类别预算',
  total_budget: '总预算',
  below_min_score: '低于最低分',
  ineligible: '不符合条件',
  locked: '已锁定（前批次）',
  district_budget: '区预算',
  forced: '必须资助（决定）',
  excluded: '不予资助（决定）',
  all_or_nothing: '全额或不资助',
  min_share: '最低资助比例',
  exclusive_group: '同一项目只资助一项（就高不就低）',
  quota: '资助数量限额',
  proportional_share: '按比例核减',
  not_selected: '未入选（整数择优）',
};

export const BINDING_EN: Record<Binding, string> = {
  rate: 'rate ceiling',
  base: 'base ceiling',
  matching: 'matching ceiling',
  cap: 'project cap',
  requested: 'amount requested',
  company_limit: 'company limit',
  measure_budget: 'measure budget',
  total_budget: 'total budget',
  below_min_score: 'below the minimum score',
  ineligible: 'not eligible',
  locked: 'locked by an earlier batch',
  district_budget: 'district budget',
  forced: 'funded by decision',
  excluded: 'excluded by decision',
  all_or_nothing: 'all or nothing',
  min_share: 'minimum share',
  exclusive_group: 'one of an exclusive group',
  quota: 'count quota',
  proportional_share: 'pro-rata cut',
  not_selected: 'not selected (integer model)',
};

const KIND_ZH: Record<Limit['kind'], string> = {
  company_measure: '每家每年限额',
  company_annual: '企业年度限额',
  measure_max: '类别预算上限',
  measure_min: '类别预算下限',
  district_max: '区预算上限',
  district_min: '区预算下限',
  budget: '总预算',
};
const KIND_EN: Record<Limit['kind'], string> = {
  company_measure: 'per-company annual limit',
  company_annual: 'company annual cap',
  measure_max: 'measure budget ceiling',
  measure_min: 'measure budget floor',
  district_max: 'district budget ceiling',
  district_min: 'district budget floor',
  budget: 'total budget',
};

/** "（五）P05-ROLLOUT 每家每年限额 · 91440300…", "（十一）P11-RETROFIT 类别预算上限", "总预算". */
export function limitLabel(l: Limit, measures: ReadonlyMap<string, Measure>, lang: 'zh' | 'en' = 'zh'): string {
  const measureId = l.kind === 'company_measure' ? l.id.split(':')[1]! : l.kind.startsWith('measure') ? l.subject : '';
  const m = measures.get(measureId);
  const where = m ? `${m.clause}${m.id} ` : '';
  const who = l.kind.startsWith('company') || l.kind.startsWith('district') ? ` · ${l.subject}` : '';
  return `${where}${(lang === 'zh' ? KIND_ZH : KIND_EN)[l.kind]}${who}`;
}
