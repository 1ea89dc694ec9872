/**
 * Regenerates scenarios/maanshan-2022/applications.csv (seeded: the same bytes every time).
 * Chinese headers, amounts in 万元, the policy's attribute columns under their Chinese names,
 * UTF-8 with BOM, as a district office's export would be.
 *   npm run generate:maanshan
 *
 * A seeded background batch, plus applications placed on each rule of the policy and the
 * scenario so that every one of them decides at least one grant: an investment just below the
 * 100万 threshold and one exactly at it, a platform over the 200万 cap, a sixth eligible platform
 * past the five a year, both recognition levels, a provider below 10 companies served and one at 10, a
 * service revenue just below 100万 and one exactly at it, a provider over the 100万 cap, two
 * awards of one company under one measure (the per-company caps), a company over the scenario's
 * annual ceiling, a third fundable application in 和县 (at most two) and two low-scored ones in
 * 含山县 (at least two).
 */
import { mulberry32, type SyntheticRow } from './synthetic.js';
import { bundledCsv, companyMaker, draftRows, writeWhenRun, type Draft } from './drafts.js';

const YEAR = 2022;
const LEVEL = '认定级别';
const SERVED = '年度服务本地企业数';
const BACKGROUND_DISTRICTS = ['花山区', '雨山区', '博望区', '当涂县', '马鞍山经济技术开发区'];
const NAME_A = ['联', '智', '云', '星', '慈', '湖', '博', '望', '江', '采', '石', '皖', '宁', '恒', '创', '达'];
const NAME_B = ['工业互联网', '智能科技', '信息技术', '自动化', '数据科技', '软件'];

/** What the policy allows an eligible application, in 万元 (the rules of scenarios/policies/maanshan-iiot-2021.json). */
function ceiling(d: Draft): number {
  switch (d.measure) {
    case 'MAS01-PLATFORM':
      return Math.min(200, d.investment! * 0.2);
    case 'MAS01-PILOT':
      return d.attributes?.[LEVEL] === '国家级' ? 50 : 30;
    case 'MAS02-AH-POOL':
      return 20;
    default:
      return Math.min(100, d.base! * 0.1);
  }
}

export function maanshan2022Rows(): SyntheticRow[] {
  const rnd = mulberry32(YEAR);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const wan = (x: number) => Math.round(x * 100) / 100;
  const company = companyMaker(rnd, '91340500', '马鞍山', NAME_A, NAME_B);

  const drafts: Draft[] = [];
  // The applications each rule decides (scores high enough that the budget reaches them).
  const star = company('雨山区');
  drafts.push(
    { company: star, measure: 'MAS01-PLATFORM', name: '钢铁行业工业互联网平台', investment: 1500, score: 95 },
    { company: star, measure: 'MAS01-PILOT', name: '钢铁行业平台国家级试点示范', attributes: { [LEVEL]: '国家级' }, score: 93 },
    { company: star, measure: 'MAS02-AH-POOL', name: '工业互联网安徽资源池服务商', score: 90 },
  );
  drafts.push(
    { company: company('花山区'), measure: 'MAS01-PLATFORM', name: '区域特色型工业互联网平台', investment: 100, score: 92 },
    { company: company('博望区'), measure: 'MAS01-PLATFORM', name: '刃模具行业工业互联网平台', investment: 99.99, score: 94 },
    { company: company('当涂县'), measure: 'MAS01-PILOT', name: '装备制造平台省级试点示范', attributes: { [LEVEL]: '省级' }, score: 90 },
  );
  const twice = company('马鞍山经济技术开发区');
  drafts.push(
    { company: twice, measure: 'MAS02-AH-POOL', name: '工业互联网安徽资源池服务商（设备上云）', score: 89 },
    { company: twice, measure: 'MAS02-AH-POOL', name: '工业互联网安徽资源池服务商（工业APP）', score: 88 },
  );
  drafts.push(
    { company: company('花山区'), measure: 'MAS02-CITY-POOL', name: '本地企业数字化诊断服务', base: 300, attributes: { [SERVED]: '9' }, score: 93 },
    { company: company('雨山区'), measure: 'MAS02-CITY-POOL', name: '本地企业设备联网服务', base: 100, attributes: { [SERVED]: '10' }, score: 91 },
    { company: company('博望区'), measure: 'MAS02-CITY-POOL', name: '本地企业上云服务', base: 99.99, attributes: { [SERVED]: '25' }, score: 92 },
    { company: company('当涂县'), measure: 'MAS02-CITY-POOL', name: '本地企业智能制造解决方案服务', base: 1500, attributes: { [SERVED]: '40' }, score: 90 },
  );
  const lines = company('雨山区');
  drafts.push(
    { company: lines, measure: 'MAS02-CITY-POOL', name: '本地企业MES实施服务', base: 800, attributes: { [SERVED]: '18' }, score: 89 },
    { company: lines, measure: 'MAS02-CITY-POOL', name: '本地企业工业网络改造服务', base: 600, attributes: { [SERVED]: '12' }, score: 88 },
  );
  for (const [score, base, what] of [[87, 300, '数字化转型'], [86, 250, '设备联网'], [85, 280, '上云']] as const) {
    drafts.push({ company: company('和县'), measure: 'MAS02-CITY-POOL', name: `县域企业${what}服务`, base, attributes: { [SERVED]: String(11 + (score % 5)) }, score });
  }
  for (const [score, base, what] of [[62, 150, '上云用数'], [61.5, 120, '数据采集'], [61, 130, '智能排产']] as const) {
    drafts.push({ company: company('含山县'), measure: 'MAS02-CITY-POOL', name: `县域企业${what}服务`, base, attributes: { [SERVED]: String(10 + (Math.round(score) % 4)) }, score });
  }
  // Two more platforms than the five a year: the smallest grant times score (score 84, 21万) is the one left out.
  for (const [score, investment] of [[91, 450], [89, 380], [87, 300], [84, 105]] as const) {
    drafts.push({ company: company(pick(BACKGROUND_DISTRICTS)), measure: 'MAS01-PLATFORM', name: `${pick(['专业技术型', '行业特色型', '区域特色型'])}工业互联网平台`, investment, score });
  }

  // The background batch: ordinary applications, most asking for what the policy allows.
  for (let n = 0; n < 46; n++) {
    const c = company(pick(BACKGROUND_DISTRICTS));
    const score = Math.round(Math.min(96, Math.max(58, 74 + between(-12, 12))) * 10) / 10;
    const u = rnd();
    const ask = rnd();
    const requested = (ceilingWan: number) => (ask < 0.06 ? null : ask < 0.8 ? undefined : wan(ceilingWan * between(0.5, 0.95)));
    let d: Draft;
    if (u < 0.1) {
      d = { company: c, measure: 'MAS01-PILOT', name: '工业互联网平台试点示范', attributes: { [LEVEL]: rnd() < 0.3 ? '国家级' : '省级' }, score };
    } else if (u < 0.3) {
      d = { company: c, measure: 'MAS02-AH-POOL', name: '工业互联网安徽资源池服务商', score };
    } else {
      d = { company: c, measure: 'MAS02-CITY-POOL', name: `本地企业${pick(['数字化改造', '设备联网', '上云', '数据采集', '智能排产'])}服务`, base: wan(between(110, 900)), attributes: { [SERVED]: String(10 + Math.floor(rnd() * 40)) }, score };
    }
    const r = requested(ceiling(d));
    drafts.push(r === undefined ? d : { ...d, requested: r });
  }

  return draftRows(drafts, 'MAS', YEAR, ceiling, [LEVEL, SERVED]);
}

/** The bundled scenario's applications: Chinese headers, 万元, measures by Chinese name, UTF-8 with BOM. */
export function maanshan2022Csv(policy: { measures: readonly { id: string; name: { zh: string } }[] }): string {
  return bundledCsv(maanshan2022Rows(), policy, [LEVEL, SERVED]);
}

writeWhenRun(import.meta.url, 'maanshan-iiot-2021.json', 'maanshan-2022', maanshan2022Csv);
