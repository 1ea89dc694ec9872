/**
 * Regenerates scenarios/zhongshan-2022/applications.csv (seeded: the same bytes every time).
 *   npm run generate
 *
 * Eleven demonstration-factory applications, so that the ten a year leave one out that the budget
 * would have reached, and fifteen workshop applications (within the fifteen a year); one company
 * applying for a factory (400万 proposed) and a workshop in the same year, whose workshop gets only
 * the rest of 500万 (按差额); one company with two workshops, the second getting what is left of one
 * workshop's 200万. Amounts are what the review proposes (申请金额).
 */
import { mulberry32, type SyntheticRow } from './synthetic.js';
import { bundledCsv, companyMaker, draftRows, writeWhenRun, type Draft } from './drafts.js';

const YEAR = 2022;
const TOWNS = ['火炬开发区', '石岐街道', '东区街道', '小榄镇', '古镇镇', '南头镇', '黄圃镇', '三角镇', '东凤镇', '坦洲镇'];
const NAME_A = ['榄', '岐', '华', '美', '格', '明', '凯', '泰', '宏', '森', '雅', '光', '联', '创', '铭'];
const NAME_B = ['电器', '灯饰', '五金', '家具', '智能科技', '精密制造', '照明'];

const ceiling = (d: Draft) => (d.measure === 'ZS01-FACTORY' ? 500 : 200);

export function zhongshan2022Rows(): SyntheticRow[] {
  const rnd = mulberry32(YEAR + 442000);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const company = companyMaker(rnd, '91442000', '中山市', NAME_A, NAME_B);
  const score = (lo: number, hi: number) => Math.round(between(lo, hi) * 10) / 10;
  // Most reviews propose the full award; some less, down to `least`.
  const proposed = (full: number, least: number) => (rnd() < 0.75 ? undefined : Math.round(between(least, full)));

  const drafts: Draft[] = [];
  const both = company('小榄镇');
  drafts.push(
    { company: both, measure: 'ZS01-FACTORY', name: '智能家电数字化智能化示范工厂', score: 94, requested: 400 },
    { company: both, measure: 'ZS02-WORKSHOP', name: '注塑数字化智能化示范车间', score: 91 },
  );
  const two = company('古镇镇');
  drafts.push(
    { company: two, measure: 'ZS02-WORKSHOP', name: '灯饰装配数字化智能化示范车间', score: 90, requested: 150 },
    { company: two, measure: 'ZS02-WORKSHOP', name: '灯饰涂装数字化智能化示范车间', score: 89 },
  );
  // Ten more factories, eleven in all: the one whose award is worth least above the budget line
  // (80, 500万) is left out by the count.
  drafts.push(
    { company: company(pick(TOWNS)), measure: 'ZS01-FACTORY', name: '五金数字化智能化示范工厂', score: 84, requested: 300 },
    { company: company(pick(TOWNS)), measure: 'ZS01-FACTORY', name: '板式家具数字化智能化示范工厂', score: 80 },
  );
  for (let n = 0; n < 8; n++) {
    drafts.push({ company: company(pick(TOWNS)), measure: 'ZS01-FACTORY', name: `${pick(['家电', '灯具', '五金', '板式家具', '电梯部件'])}数字化智能化示范工厂`, score: score(85, 95), requested: proposed(500, 400) });
  }
  // Twelve more workshops, fifteen in all: within the fifteen a year.
  for (let n = 0; n < 12; n++) {
    drafts.push({ company: company(pick(TOWNS)), measure: 'ZS02-WORKSHOP', name: `${pick(['冲压', '注塑', '装配', '包装', 'SMT'])}数字化智能化示范车间`, score: score(78, 92), requested: proposed(200, 150) });
  }
  return draftRows(drafts, 'ZS', YEAR, ceiling, []);
}

/** The bundled scenario's applications: Chinese headers, 万元, measures by Chinese name, UTF-8 with BOM. */
export function zhongshan2022Csv(policy: { measures: readonly { id: string; name: { zh: string } }[] }): string {
  return bundledCsv(zhongshan2022Rows(), policy, []);
}

writeWhenRun(import.meta.url, 'zhongshan-digital-2022.json', 'zhongshan-2022', zhongshan2022Csv);
