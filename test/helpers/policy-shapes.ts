/**
 * A small policy that uses every shape of the policy language: attributes of each type,
 * eligibility (an amount, a date window, an enum), marginal and whole bands, tiers, a bonus,
 * matching, joint caps per company and per attribute, a share, and a company annual cap with
 * an exemption. Measure names carry markup so renderers are seen to escape them.
 */
export const SHAPES_POLICY = {
  id: 'shapes-2024',
  name: { zh: '新形态测试政策', en: 'A policy of every shape' },
  document: '测试〔2024〕1号',
  attributes: [
    { id: 'size', name: { zh: '企业规模', en: 'company size' }, type: 'enum', values: ['大型', '中型', '小型', '微型'] },
    { id: 'level', name: { zh: '认定级别', en: 'recognition level' }, type: 'enum', values: ['国家级', '省级'] },
    { id: 'star', name: { zh: '星级', en: 'star rating' }, type: 'enum', values: ['三星', '四星', '五星'] },
    { id: 'completed', name: { zh: '建成日期', en: 'completion date' }, type: 'date' },
    { id: 'product', name: { zh: '产品编号', en: 'product id' }, type: 'text' },
    { id: 'staff', name: { zh: '职工人数', en: 'staff' }, type: 'number' },
  ],
  measures: [
    {
      id: 'W01-RETROFIT',
      clause: '第三条（一）',
      name: { zh: '技术改造<script>alert(1)</script>', en: 'Retrofit <b>bold</b>' },
      base: { zh: '设备投资', en: 'equipment investment' },
      kind: 'project',
      rules: [
        { type: 'eligibility', field: 'total_investment', min: '3000万' },
        { type: 'eligibility', field: 'completed', min: '2022-07-01', max: '2023-06-30' },
        { type: 'eligibility', field: 'size', in: ['小型', '微型'] },
        { type: 'bands', mode: 'whole', bands: [{ from: '0', rate: '12%' }, { from: '1000万', rate: '10%' }] },
        { type: 'projectCap', amount: '500万' },
        { type: 'companyCap', amount: '800万', period: 'year' },
      ],
    },
    {
      id: 'W02-CLOUD',
      clause: '第三条（二）',
      name: { zh: '企业上云', en: 'Moving to the cloud' },
      base: { zh: '上云费用', en: 'cloud fees' },
      kind: 'project',
      rules: [{ type: 'bands', mode: 'marginal', bands: [{ from: '1万', rate: '75%' }, { from: '5万', rate: '25%' }] }],
    },
    {
      id: 'W03-CENTRE',
      clause: '第四条',
      name: { zh: '技术中心', en: 'Technology centre' },
      kind: 'award',
      rules: [
        { type: 'tiers', field: 'level', amounts: { 国家级: '100万', 省级: '50万' } },
        { type: 'bonus', field: 'star', amounts: { 三星: '1万', 四星: '3万', 五星: '5万' } },
        { type: 'eligibility', field: 'staff', max: '300' },
      ],
    },
    {
      id: 'W04-MATCH',
      clause: '第五条',
      name: { zh: '配套资助', en: 'Matching' },
      base: { zh: '项目总投资', en: 'total investment' },
      kind: 'matching',
      rules: [{ type: 'matching', ratio: '1', totalShare: '50%', fallbackCap: '500万' }],
    },
    {
      id: 'W06-MAKER',
      clause: '第五条（六）',
      name: { zh: '首台套研制', en: 'First set: maker' },
      kind: 'award',
      rules: [{ type: 'projectCap', amount: '375万' }],
    },
    {
      id: 'W06-USER',
      clause: '第五条（六）',
      name: { zh: '首台套使用', en: 'First set: user' },
      kind: 'award',
      rules: [{ type: 'projectCap', amount: '375万' }],
    },
  ],
  companyAnnualCap: { amount: '1000万', exempt: ['W04-MATCH'], clause: '第六条' },
  jointCaps: [
    { id: 'J-FIRST-SET', clause: '第五条（六）', name: { zh: '首台套研制与使用合计', en: 'first set: maker and user together' }, measures: ['W06-MAKER', 'W06-USER'], per: 'product', amount: '500万' },
    { id: 'J-COMPANY', clause: '第五条（七）', name: { zh: '单个企业合计', en: 'one company together' }, measures: ['W01-RETROFIT', 'W02-CLOUD'], per: 'company', amount: '600万' },
  ],
  shares: [
    { id: 'S-SMALL', clause: '第五条（九）', name: { zh: '小企业资金比例', en: 'share for small companies' }, measures: ['W02-CLOUD'], where: { size: ['小型', '微型'] }, min: '80%' },
  ],
};
