import type { Binding } from '../model/allocate.js';

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
};
