/**
 * Regenerates scenarios/yishui-2022/applications.csv (seeded: the same bytes every time).
 *   npm run generate
 *
 * A seeded background batch, plus applications placed on each rule of the policy: an equipment
 * investment just below 500万 and one exactly at it; one just below and one exactly at each band's
 * lower edge (3000万, 5000万); one over the 100万 cap; five benchmark projects (the bonus), one of
 * them over the cap; a sixth project that meets the benchmark conditions but was not selected;
 * robot outlays just below 100万, exactly at it, and over the cap.
 */
import { mulberry32, type SyntheticRow } from './synthetic.js';
import { bundledCsv, companyMaker, draftRows, writeWhenRun, type Draft } from './drafts.js';

const YEAR = 2022;
const BENCHMARK = '标杆项目';
const SELECTED = '县级重大技术改造标杆项目';
const TOWNS = ['沂城街道', '龙家圈街道', '道托镇', '高庄镇', '许家湖镇', '黄山铺镇', '诸葛镇', '沂水经济开发区'];
const NAME_A = ['沂', '蒙', '泉', '华', '鲁', '丰', '宏', '瑞', '盛', '源', '东', '金', '泰', '兴', '嘉', '恒'];
const NAME_B = ['机械', '食品', '新材料', '化工', '纺织', '电子', '建材', '智能装备'];

/** What the policy allows an eligible application, in 万元 (the rules of scenarios/policies/yishui-techreform.json). */
function ceiling(d: Draft): number {
  const b = d.base!;
  if (d.measure === 'YS-ROBOT') return Math.min(100, b * 0.015);
  const banded = Math.min(100, b * (b >= 5000 ? 0.02 : b >= 3000 ? 0.018 : 0.015));
  return banded + (d.attributes?.[BENCHMARK] === SELECTED ? 50 : 0);
}

export function yishui2022Rows(): SyntheticRow[] {
  const rnd = mulberry32(YEAR + 371323);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const wan = (x: number) => Math.round(x * 100) / 100;
  const company = companyMaker(rnd, '91371323', '沂水', NAME_A, NAME_B);
  const retrofit = (words: string) => `${words}${pick(['智能化技术改造项目', '生产线技术改造项目', '绿色化改造项目', '高端装备升级项目'])}`;

  const drafts: Draft[] = [];
  // The equipment investment at and around each edge the clause draws (scores high: the budget reaches them).
  for (const [base, score] of [[499.99, 96], [500, 95], [2999.99, 94], [3000, 93], [4999.99, 92], [5000, 91], [8000, 90]] as const) {
    drafts.push({ company: company(pick(TOWNS)), measure: 'YS-RETROFIT', name: retrofit(pick(['年产5万吨', '年产10万套', '年产20万件', ''])), investment: wan(base * between(1.2, 1.6)), base, score });
  }
  // Five benchmark projects (实际完成投资≥5000万, 设备占比≥60%), and a sixth that qualifies but was not selected.
  for (const [total, base, score, selected] of [
    [9000, 6000, 89, true],
    [6000, 3600, 88, true],
    [5200, 4000, 87, true],
    [7500, 5000, 86, true],
    [5000, 3000, 85, true],
    [6500, 4200, 84, false],
  ] as const) {
    drafts.push({ company: company(pick(TOWNS)), measure: 'YS-RETROFIT', name: retrofit('重大'), investment: total, base, score, ...(selected ? { attributes: { [BENCHMARK]: SELECTED } } : {}) });
  }
  for (const [base, score] of [[99.99, 93], [100, 92], [6800, 91]] as const) {
    drafts.push({ company: company(pick(TOWNS)), measure: 'YS-ROBOT', name: `${pick(['焊接', '码垛', '喷涂', '装配'])}工业机器人应用项目`, base, score });
  }

  // The background batch: ordinary applications, most asking for what the policy allows.
  for (let n = 0; n < 48; n++) {
    const c = company(pick(TOWNS));
    const score = Math.round(Math.min(95, Math.max(60, 75 + between(-13, 13))) * 10) / 10;
    const robot = rnd() < 0.25;
    const base = robot ? wan(Math.exp(between(Math.log(100), Math.log(1500)))) : wan(Math.exp(between(Math.log(500), Math.log(6000))));
    const investment = robot ? undefined : wan(base * between(1.1, 2.2));
    const d: Draft = robot
      ? { company: c, measure: 'YS-ROBOT', name: `${pick(['焊接', '码垛', '喷涂', '装配', '搬运'])}工业机器人应用项目`, base, score }
      : { company: c, measure: 'YS-RETROFIT', name: retrofit(pick(['', '年产3万吨', '年产50万件'])), ...(investment === undefined ? {} : { investment }), base, score };
    const ask = rnd();
    drafts.push(ask < 0.05 ? { ...d, requested: null } : ask < 0.85 ? d : { ...d, requested: wan(ceiling(d) * between(0.5, 0.95)) });
  }
  return draftRows(drafts, 'YS', YEAR, ceiling, [BENCHMARK]);
}

/** The bundled scenario's applications: Chinese headers, 万元, measures by Chinese name, UTF-8 with BOM. */
export function yishui2022Csv(policy: { measures: readonly { id: string; name: { zh: string } }[] }): string {
  return bundledCsv(yishui2022Rows(), policy, [BENCHMARK]);
}

writeWhenRun(import.meta.url, 'yishui-techreform.json', 'yishui-2022', yishui2022Csv);
