/**
 * A policy with one measure per kind of per-application rule (eligibility on an amount, a date
 * window and an enum; marginal and whole bands; tiers; bonuses), shared by the policy-language
 * and property tests. Hand-computed entitlements are in test/policy-language.test.ts.
 */
const STARS = { 三星: '1万', 四星: 30000, 五星: '50000' };

/** One measure per rule kind, amounts and rates in every spelling the contract allows. */
export const LANGUAGE_POLICY = {
  id: 'LANG-TEST',
  name: { zh: '政策语言测试', en: 'policy language test' },
  attributes: [
    { id: 'size', name: { zh: '企业规模', en: 'company size' }, type: 'enum', values: ['大型', '中型', '小型', '微型'] },
    { id: 'level', name: { zh: '认定级别', en: 'recognition level' }, type: 'enum', values: ['国家级', '省级', '市级'] },
    { id: 'star', name: { zh: '星级', en: 'star rating' }, type: 'enum', values: ['三星', '四星', '五星'] },
    { id: 'completed', name: { zh: '建成日期', en: 'completion date' }, type: 'date' },
  ],
  measures: [
    {
      id: 'M-INVEST', clause: '第一条', name: { zh: '技术改造', en: 'retrofit' }, kind: 'project',
      rules: [{ type: 'eligibility', field: 'total_investment', min: '3000万', max: '0.5亿' }, { type: 'rate', rate: '10%' }, { type: 'projectCap', amount: '500万' }],
    },
    {
      id: 'M-CLOUD', clause: '第二条', name: { zh: '企业上云', en: 'cloud' }, kind: 'project',
      rules: [{ type: 'bands', mode: 'marginal', bands: [{ from: '1万', rate: '75%' }, { from: '5万', rate: '0.25' }] }, { type: 'projectCap', amount: 100000 }],
    },
    {
      id: 'M-WHOLE', clause: '第三条', name: { zh: '分档补助', en: 'banded' }, kind: 'project',
      rules: [{ type: 'bands', mode: 'whole', bands: [{ from: '0', rate: '12%' }, { from: '1000万', rate: 0.1 }] }],
    },
    {
      id: 'M-WINDOW', clause: '第四条', name: { zh: '小微企业技改', en: 'small retrofit' }, kind: 'project',
      rules: [
        { type: 'eligibility', field: 'completed', min: '2022-07-01', max: '2023年6月30日' },
        { type: 'eligibility', field: 'size', in: ['小型', '微型'] },
        { type: 'rate', rate: '30%' },
        { type: 'projectCap', amount: '0.01亿' },
      ],
    },
    {
      id: 'M-TIER', clause: '第五条', name: { zh: '认定奖励', en: 'recognition award' }, kind: 'award',
      rules: [{ type: 'tiers', field: 'level', amounts: { 国家级: '100万', 省级: 500000 } }, { type: 'bonus', field: 'star', amounts: STARS }],
    },
    {
      id: 'M-BONUS', clause: '第六条', name: { zh: '示范项目', en: 'demonstration' }, kind: 'project',
      rules: [{ type: 'rate', rate: '0.2' }, { type: 'projectCap', amount: '150万' }, { type: 'bonus', field: 'star', amounts: STARS }],
    },
  ],
};
