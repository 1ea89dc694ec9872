/**
 * Seeded synthetic applications shaped like a real Shenzhen IIoT batch: every measure,
 * solution providers with many deployments, awards without an investment base, matching
 * grants with and without an upper-level amount, a few late (previous-year) applications.
 * The same seed gives the same bytes. Used for the bundled scenario and the benchmarks.
 */
import { creditCodeCheckChar } from '../src/model/credit-code.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticRow {
  project_id: string;
  project_name: string;
  company_id: string;
  company_name: string;
  district: string;
  measure: string;
  year: number;
  /** Amounts in yuan, whole hundreds; null for an empty cell. */
  total_investment: number | null;
  eligible_base: number | null;
  requested: number | null;
  upper_funding: number | null;
  score: string;
  /** Values of the policy's attribute columns, by column header (a policy with attributes only). */
  attributes?: Readonly<Record<string, string>>;
}

export interface MeasureMix {
  id: string;
  share: number;
  /** Investment range in 万元. */
  invest: [number, number];
  rate: number;
  cap: number;
  kind: 'rate' | 'award' | 'base' | 'matching';
  words: string[];
}

export const MIX: readonly MeasureMix[] = [
  { id: 'P01-CROSS', share: 0.016, invest: [5000, 30000], rate: 0.3, cap: 30_000_000, kind: 'rate', words: ['跨行业工业互联网平台', '工业互联网云平台'] },
  { id: 'P01-SECTOR', share: 0.04, invest: [500, 5000], rate: 0.3, cap: 5_000_000, kind: 'rate', words: ['电子信息行业平台', '模具行业工业互联网平台', '家具行业平台'] },
  { id: 'P02-TESTBED', share: 0.022, invest: [300, 2000], rate: 0.5, cap: 5_000_000, kind: 'rate', words: ['平台测试验证环境', '工业网络安全测试床'] },
  { id: 'P03-PLATFORM-SP', share: 0.027, invest: [0, 0], rate: 0, cap: 2_000_000, kind: 'award', words: ['平台服务商奖励'] },
  { id: 'P04-SOLUTION-SP', share: 0.038, invest: [0, 0], rate: 0, cap: 1_500_000, kind: 'award', words: ['解决方案商奖励'] },
  { id: 'P05-ROLLOUT', share: 0.19, invest: [50, 400], rate: 0.3, cap: 500_000, kind: 'rate', words: ['设备联网解决方案推广', 'MES系统实施', '智能仓储解决方案'] },
  { id: 'P06-SME-CLOUD', share: 0.107, invest: [10, 300], rate: 1, cap: 750_000, kind: 'base', words: ['协同设计云服务', '生产管理上云', '设备健康维护云服务'] },
  { id: 'P07-INTRANET', share: 0.067, invest: [200, 6000], rate: 0.3, cap: 10_000_000, kind: 'rate', words: ['工厂内网IPv6改造', '工业PON网络改造', 'TSN产线网络改造'] },
  { id: 'P10-APPLICATION', share: 0.16, invest: [300, 3000], rate: 0.3, cap: 3_000_000, kind: 'rate', words: ['工业互联网应用项目', '数字化车间', '预测性维护应用'] },
  { id: 'P11-RETROFIT', share: 0.107, invest: [1000, 20000], rate: 0.2, cap: 20_000_000, kind: 'rate', words: ['机器换人技术改造', '智能工厂建设', '自动化产线改造'] },
  { id: 'P13-EVENT', share: 0.016, invest: [100, 1000], rate: 0.3, cap: 2_000_000, kind: 'rate', words: ['工业互联网大会', '工业互联网国际论坛'] },
  { id: 'P14-DEMO-BASE', share: 0.008, invest: [5000, 20000], rate: 0, cap: 5_000_000, kind: 'matching', words: ['工业互联网示范基地', '互联网＋小镇'] },
  { id: 'P16-INTEGRATION-CERT', share: 0.08, invest: [0, 0], rate: 0, cap: 500_000, kind: 'award', words: ['两化融合管理体系贯标'] },
  { id: 'P18-1-NETWORK-DEMO', share: 0.021, invest: [300, 2000], rate: 0.3, cap: 3_000_000, kind: 'rate', words: ['5G网络技术应用示范'] },
  { id: 'P18-1-SERVICE-SYSTEM', share: 0.016, invest: [200, 1500], rate: 1, cap: 5_000_000, kind: 'base', words: ['行业服务体系建设'] },
  { id: 'P18-2-EMERGING-TECH', share: 0.027, invest: [300, 2000], rate: 0.3, cap: 3_000_000, kind: 'rate', words: ['边缘计算应用示范', '工业AR应用示范', '区块链溯源示范'] },
  { id: 'P18-2-FIRST-SOFTWARE', share: 0.021, invest: [200, 2000], rate: 0.3, cap: 3_000_000, kind: 'rate', words: ['工业软件首版次'] },
  { id: 'P18-3-SENSING', share: 0.016, invest: [200, 1500], rate: 1, cap: 3_000_000, kind: 'base', words: ['工业传感器产品', '边缘控制器产品'] },
  { id: 'P18-4-SECURITY', share: 0.021, invest: [200, 1500], rate: 0.3, cap: 2_000_000, kind: 'rate', words: ['工控安全防护产品', '工业防火墙产品'] },
];

export const DISTRICTS = ['福田区', '罗湖区', '南山区', '盐田区', '宝安区', '龙岗区', '龙华区', '坪山区', '光明区', '大鹏新区'];
export const NAME_A = ['华', '创', '智', '云', '联', '鹏', '信', '达', '科', '新', '腾', '安', '恒', '通', '星', '海', '博', '盛', '微', '汇'];
const NAME_B = ['技术', '智能', '信息', '电子', '数据', '网络', '精密', '自动化'];
const CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A unified social credit code with a valid check character: `prefix` (8 characters) and 9 random ones. */
export function syntheticCreditCode(rnd: () => number, prefix: string): string {
  let body = prefix;
  for (let i = 0; i < 9; i++) body += CODE_ALPHABET[Math.floor(rnd() * CODE_ALPHABET.length)]!;
  return body + creditCodeCheckChar(body);
}

export interface GenerateOptions {
  readonly seed: number;
  readonly count: number;
  readonly year: number;
  /** Share of rows from the previous year (late submissions), default 0.01. */
  readonly lateShare?: number;
  /** Row numbers (0-based) whose credit code gets a wrong check character. */
  readonly badCodes?: readonly number[];
}

/** A company of the synthetic batches: a valid credit code, a name, a district. */
export interface SyntheticCompany {
  readonly id: string;
  readonly name: string;
  readonly district: string;
}

export function syntheticCompanies(rnd: () => number, count: number): SyntheticCompany[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: count }, (_, k) => {
    const id = syntheticCreditCode(rnd, '91440300');
    const name = `深圳市${pick(NAME_A)}${pick(NAME_A)}${pick(NAME_B)}${k % 7 === 0 ? '股份' : ''}有限公司`;
    return { id, name, district: pick(DISTRICTS) };
  });
}

/** Pick a measure by its share: u in [0, 1). */
export function measureByShare(mix: readonly MeasureMix[], u: number): MeasureMix {
  const total = mix.reduce((s, m) => s + m.share, 0);
  let acc = 0;
  for (const m of mix) {
    acc += m.share / total;
    if (u <= acc) return m;
  }
  return mix[mix.length - 1]!;
}

export interface RowOptions {
  readonly year: number;
  readonly late: boolean;
  readonly badCode: boolean;
  /** Multiplies every investment (province-style batches have larger projects), default 1. */
  readonly investScale?: number;
}

/** One application of measure `mix` by `company`, the n-th (0-based) of the batch. */
export function syntheticRow(rnd: () => number, n: number, mix: MeasureMix, company: SyntheticCompany, opts: RowOptions): SyntheticRow {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const hundreds = (yuan: number) => Math.max(100, Math.round(yuan / 100) * 100);
  const normal = () => {
    const u = 1 - rnd();
    const v = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const scale = opts.investScale ?? 1;
  let total: number | null = null;
  let base: number | null = null;
  let upper: number | null = null;
  let entitlement: number;
  if (mix.kind === 'award') {
    entitlement = mix.cap;
  } else {
    const invest = hundreds(Math.exp(between(Math.log(mix.invest[0]), Math.log(mix.invest[1]))) * 10_000 * scale);
    if (mix.id === 'P11-RETROFIT' || mix.id === 'P18-2-FIRST-SOFTWARE' || mix.id === 'P05-ROLLOUT') {
      // The rate applies to a part: the intelligent part, contract receipts, the service fee.
      base = invest;
      total = hundreds(invest * between(1.2, 2.5));
    } else total = invest;
    const b = base ?? total;
    if (mix.kind === 'matching') {
      upper = rnd() < 0.7 ? hundreds(total * between(0.05, 0.3)) : null;
      entitlement = upper ? Math.min(upper, total * 0.5 - upper) : Math.min(mix.cap, total * 0.5);
    } else entitlement = Math.min(mix.cap, b * mix.rate);
  }
  // Most ask for what the policy allows; some ask for less; a few leave it empty.
  const r = rnd();
  const requested = r < 0.08 ? null : r < 0.75 ? hundreds(entitlement) : hundreds(entitlement * between(0.4, 0.95));
  const score = Math.min(98, Math.max(45, 78 + 9 * normal()));
  const words = pick(mix.words);
  return {
    project_id: `SZ${opts.year}-${String(n + 1).padStart(5, '0')}`,
    project_name: mix.kind === 'award' ? `${company.name.replace(/^深圳市/, '')}${words}` : `${pick(['基于5G的', '面向电子制造的', '', '', '新一代'])}${words}项目`,
    company_id: opts.badCode ? company.id.slice(0, 17) + (company.id[17] === '0' ? '1' : '0') : company.id,
    company_name: company.name,
    district: company.district,
    measure: mix.id,
    year: opts.late ? opts.year - 1 : opts.year,
    total_investment: total,
    eligible_base: base,
    requested,
    upper_funding: upper,
    score: score.toFixed(1),
  };
}

export function generateApplications(opts: GenerateOptions): SyntheticRow[] {
  const rnd = mulberry32(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const companyCount = Math.max(8, Math.round(opts.count * 0.55));
  const companies = syntheticCompanies(rnd, companyCount);
  // Solution providers: a few companies that carry most deployments (（五）).
  const providers = companies.slice(0, Math.max(3, Math.round(companyCount * 0.03)));

  const cumulative: number[] = [];
  const totalShare = MIX.reduce((s, m) => s + m.share, 0);
  MIX.reduce((s, m) => (cumulative.push((s + m.share) / totalShare), s + m.share), 0);

  const rows: SyntheticRow[] = [];
  for (let n = 0; n < opts.count; n++) {
    // Stratified: every measure appears in proportion, grouped by measure as batch lists are.
    const u = (n + rnd()) / opts.count;
    const mix = MIX[cumulative.findIndex((c) => u <= c)] ?? MIX[MIX.length - 1]!;
    const company = mix.id === 'P05-ROLLOUT' && rnd() < 0.85 ? pick(providers) : pick(companies);
    const late = rnd() < (opts.lateShare ?? 0.01);
    rows.push(syntheticRow(rnd, n, mix, company, { year: opts.year, late, badCode: opts.badCodes?.includes(n) ?? false }));
  }
  return rows;
}

/** Amount cell: yuan as an integer, or 万元 with up to 2 decimals (exact: amounts are whole hundreds). */
const cell = (yuan: number | null, wan: boolean) => (yuan === null ? '' : wan ? (yuan / 10_000).toFixed(2) : String(yuan));

export const HEADERS = {
  en: ['project_id', 'project_name', 'company_id', 'company_name', 'district', 'measure', 'year', 'total_investment', 'eligible_base', 'requested', 'upper_funding', 'score'],
  zh: ['项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度', '总投资（万元）', '核定基数（万元）', '申请金额（万元）', '上级资助（万元）', '评审得分'],
};

export function toCsv(rows: readonly SyntheticRow[], opts: { chinese: boolean; measureLabel?: (id: string) => string; attributeHeaders?: readonly string[] }): string {
  const extra = opts.attributeHeaders ?? [];
  const header = [...(opts.chinese ? HEADERS.zh : HEADERS.en), ...extra];
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = rows.map((r) =>
    [
      r.project_id, r.project_name, r.company_id, r.company_name, r.district, opts.measureLabel?.(r.measure) ?? r.measure, String(r.year),
      cell(r.total_investment, opts.chinese), cell(r.eligible_base, opts.chinese), cell(r.requested, opts.chinese),
      cell(r.upper_funding, opts.chinese), r.score, ...extra.map((h) => r.attributes?.[h] ?? ''),
    ].map(quote).join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

/** The bundled scenario's applications as rows (scenarios/shenzhen-2019/applications.csv). */
export const shenzhen2019Rows = (): SyntheticRow[] => generateApplications({ seed: 2019, count: 372, year: 2019, lateShare: 0.012, badCodes: [41] });

/** Applications as a district office exports them: Chinese headers, 万元, measures by Chinese name, UTF-8 with BOM. */
export function shenzhenCsv(policy: { measures: readonly { id: string; name: { zh: string } }[] }, rows: readonly SyntheticRow[]): string {
  const zh = new Map(policy.measures.map((m) => [m.id, m.name.zh]));
  return '\uFEFF' + toCsv(rows, { chinese: true, measureLabel: (id) => zh.get(id) ?? id });
}

/** The bundled scenario's applications: Chinese headers, 万元, measures by Chinese name, UTF-8 with BOM. */
export const shenzhen2019Csv = (policy: { measures: readonly { id: string; name: { zh: string } }[] }): string => shenzhenCsv(policy, shenzhen2019Rows());
