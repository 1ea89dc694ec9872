/**
 * Seeded benchmark instance families for the bundled Shenzhen policy, each a scenario folder
 * (applications.csv + scenario.json). The same family, size and seed give the same bytes.
 *
 *   synthetic       scripts/synthetic.ts's batches: few large companies, few binding limits
 *                   (the scenario the benchmark has always used).
 *   many-companies  province style: most companies file 1–3 applications, more of them under the
 *                   large measures, and a ¥8m company annual cap that binds for a large share.
 *   crossing        many-companies plus ceilings on the six measures with the largest demand, each
 *                   at 30% of that demand (measure rows that cross the company rows).
 *   floors          many-companies plus floors on three measures and a floor or ceiling on every
 *                   district.
 *   ceilings        many-companies with the fund split by measure (分类别切块): every measure
 *                   applied under a ceiling at 60% of its demand, the budget at 70% of the demand,
 *                   so the budget does not bind and the measure ceilings and company caps,
 *                   crossing, do; a start filled best-first is far from the optimum here
 *                   (thousands of pivots).
 *   districts       many-companies with the fund split by district and measure at once: every
 *                   district under a ceiling at 35% of its demand, the six measures with the largest
 *                   demand at 40% of theirs. The district ceilings sit over their companies' caps,
 *                   the measure ceilings cross both, and both fill up: the crash's second pass,
 *                   whose prices assume the budget clears the rest, starts further from the optimum
 *                   here than the plain greedy order.
 *   integer         many-companies with all-or-nothing grants under one measure (a MIP); its
 *                   benchmark size is 3,000 applications.
 *   instalments     many-companies under the policy paid in instalments (platforms 40/30/30%,
 *                   application projects and retrofits 50/50%), with cash by year: 55%, 20% and
 *                   10% of the budget in 2019, 2020 and 2021. The cash rows weigh each grant by
 *                   its instalment's share, so it is not a network LP: HiGHS solves it.
 *
 * Limits are set from the generated demand (Σ requested), never from a solve.
 *
 *   node dist/scripts/families.js <family> <applications> <folder> [--seed N]
 *
 * Company names are unique per company up to 160,000 companies (about 400,000 applications).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DISTRICTS,
  MIX,
  NAME_A,
  generateApplications,
  measureByShare,
  mulberry32,
  syntheticCompanies,
  syntheticRow,
  toCsv,
  type MeasureMix,
  type SyntheticRow,
} from './synthetic.js';

export const FAMILIES = ['synthetic', 'many-companies', 'crossing', 'floors', 'ceilings', 'districts', 'integer', 'instalments'] as const;
export type Family = (typeof FAMILIES)[number];

/** The size each family is benchmarked at by default (the integer family is a MIP). */
export const DEFAULT_SIZE: Readonly<Record<Family, number>> = {
  synthetic: 20_000,
  'many-companies': 20_000,
  crossing: 20_000,
  floors: 20_000,
  ceilings: 20_000,
  districts: 20_000,
  integer: 3_000,
  instalments: 20_000,
};

/** Default seeds: a different stream per family. */
export const DEFAULT_SEED: Readonly<Record<Family, number>> = {
  synthetic: 7,
  'many-companies': 1401,
  crossing: 1402,
  floors: 1403,
  ceilings: 1405,
  districts: 1407,
  integer: 1404,
  instalments: 1406,
};

export interface FamilyInstance {
  readonly rows: readonly SyntheticRow[];
  /** The scenario without its policy and applications paths. */
  readonly scenario: Record<string, unknown>;
  /** The bundled policy it applies (a file in scenarios/policies). */
  readonly policy: string;
}

const YEAR = 2019;
const POLICY = 'shenzhen-iiot-2018.json';
/** The company annual cap of the province-style families, yuan. */
export const PROVINCE_COMPANY_CAP = 8_000_000;

/** Province-style measure shares: more retrofit, intranet and platform projects than a city batch. */
const PROVINCE_SHARE: Readonly<Record<string, number>> = {
  'P01-CROSS': 0.03,
  'P01-SECTOR': 0.06,
  'P05-ROLLOUT': 0.08,
  'P06-SME-CLOUD': 0.08,
  'P07-INTRANET': 0.12,
  'P10-APPLICATION': 0.14,
  'P11-RETROFIT': 0.22,
  'P16-INTEGRATION-CERT': 0.06,
};
const PROVINCE_MIX: readonly MeasureMix[] = MIX.map((m) => ({ ...m, share: PROVINCE_SHARE[m.id] ?? m.share }));

/** How many applications one company files: mostly 1–3, a tail of groups with many. */
function companySize(rnd: () => number): number {
  const u = rnd();
  if (u < 0.55) return 1;
  if (u < 0.77) return 2;
  if (u < 0.88) return 3;
  if (u < 0.97) return 4 + Math.floor(rnd() * 5);
  return 9 + Math.floor(rnd() * 32);
}

/** Province-style applications: companies first, then each company's applications; listed by measure. */
export function provinceApplications(seed: number, count: number): SyntheticRow[] {
  const rnd = mulberry32(seed);
  const drafts: { mix: MeasureMix; company: number }[] = [];
  const sizes: number[] = [];
  while (drafts.length < count) {
    const size = Math.min(companySize(rnd), count - drafts.length);
    for (let k = 0; k < size; k++) drafts.push({ mix: measureByShare(PROVINCE_MIX, rnd()), company: sizes.length });
    sizes.push(size);
  }
  // Names unique per company (a province batch has tens of thousands): four syllables from the
  // company's number, then a random trade word.
  const companies = syntheticCompanies(rnd, sizes.length).map((c, k) => ({
    ...c,
    name: c.name.replace(/^深圳市../, `深圳市${[0, 1, 2, 3].map((d) => NAME_A[Math.floor(k / NAME_A.length ** d) % NAME_A.length]).join('')}`),
  }));
  // Batch lists are grouped by measure (in the policy's order), companies in filing order within.
  const order = new Map(PROVINCE_MIX.map((m, k) => [m.id, k]));
  drafts.sort((a, b) => order.get(a.mix.id)! - order.get(b.mix.id)! || a.company - b.company);
  return drafts.map((d, n) => syntheticRow(rnd, n, d.mix, companies[d.company]!, { year: YEAR, late: rnd() < 0.01, badCode: false }));
}

/** Σ requested per key, yuan (an empty request counts as nothing). */
function demandBy(rows: readonly SyntheticRow[], key: (r: SyntheticRow) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + (r.requested ?? 0));
  return out;
}

/** Yuan rounded down to whole 万, as a string. */
const wan = (yuan: number) => String(Math.floor(yuan / 10_000) * 10_000);

function provinceScenario(name: string, rows: readonly SyntheticRow[]): Record<string, unknown> {
  const demand = [...demandBy(rows, () => '').values()][0] ?? 0;
  return {
    name,
    year: YEAR,
    budget: wan(0.4 * demand),
    minScore: 60,
    companyAnnualCap: String(PROVINCE_COMPANY_CAP),
  };
}

/** The family's applications and scenario at `count` applications. */
export function familyInstance(family: Family, count: number, seed = DEFAULT_SEED[family]): FamilyInstance {
  const name = `${family}-${count}-seed${seed}`;
  if (family === 'synthetic') {
    return {
      rows: generateApplications({ seed, count, year: YEAR }),
      scenario: {
        name,
        year: YEAR,
        budget: String(count * 1_100_000),
        minScore: 60,
        companyAnnualCap: '30000000',
        measureBudgets: { 'P11-RETROFIT': { max: String(count * 270_000) }, 'P10-APPLICATION': { min: String(count * 80_000) } },
      },
      policy: POLICY,
    };
  }
  const rows = provinceApplications(seed, count);
  const scenario = provinceScenario(name, rows);
  const byMeasure = demandBy(rows, (r) => r.measure);
  if (family === 'crossing') {
    const largest = [...byMeasure].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 6);
    scenario.measureBudgets = Object.fromEntries(largest.map(([id, d]) => [id, { max: wan(0.3 * d) }]));
  } else if (family === 'floors') {
    const budget = Number(scenario.budget);
    const total = [...byMeasure.values()].reduce((s, d) => s + d, 0);
    scenario.measureBudgets = Object.fromEntries(
      ['P10-APPLICATION', 'P06-SME-CLOUD', 'P18-2-EMERGING-TECH'].map((id) => [id, { min: wan(0.35 * (byMeasure.get(id) ?? 0)) }]),
    );
    // Each district's proportional share of the budget: a floor at 60% of it for every third
    // district, a ceiling at 110% for the others.
    const byDistrict = demandBy(rows, (r) => r.district);
    scenario.districtBudgets = Object.fromEntries(
      DISTRICTS.filter((d) => byDistrict.has(d)).map((d, k) => {
        const fair = (budget * byDistrict.get(d)!) / total;
        return [d, k % 3 === 0 ? { min: wan(0.6 * fair) } : { max: wan(1.1 * fair) }];
      }),
    );
  } else if (family === 'ceilings') {
    scenario.budget = wan(0.7 * [...byMeasure.values()].reduce((s, d) => s + d, 0));
    scenario.measureBudgets = Object.fromEntries([...byMeasure].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, d]) => [id, { max: wan(0.6 * d) }]));
  } else if (family === 'districts') {
    const largest = [...byMeasure].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 6);
    scenario.measureBudgets = Object.fromEntries(largest.map(([id, d]) => [id, { max: wan(0.4 * d) }]));
    const byDistrict = demandBy(rows, (r) => r.district);
    scenario.districtBudgets = Object.fromEntries(DISTRICTS.filter((d) => byDistrict.has(d)).map((d) => [d, { max: wan(0.35 * byDistrict.get(d)!) }]));
  } else if (family === 'integer') {
    scenario.measureBudgets = { 'P07-INTRANET': { allOrNothing: true } };
  } else if (family === 'instalments') {
    const budget = Number(scenario.budget);
    scenario.cash = { [YEAR]: wan(0.55 * budget), [YEAR + 1]: wan(0.2 * budget), [YEAR + 2]: wan(0.1 * budget) };
    return { rows, scenario, policy: 'shenzhen-iiot-2018-instalments.json' };
  }
  return { rows, scenario, policy: POLICY };
}

/** A bundled policy file (absolute; the Shenzhen policy by default), found upward from this file (sources or dist/). */
export function bundledPolicyPath(file = POLICY): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'scenarios', 'policies')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'scenarios', 'policies', file);
}

/** Write the family's applications.csv and scenario.json into `dir`; returns the scenario path. */
export function writeFamily(dir: string, family: Family, count: number, seed = DEFAULT_SEED[family]): string {
  const { rows, scenario, policy } = familyInstance(family, count, seed);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'applications.csv'), toCsv(rows, { chinese: false }));
  const { name, ...rest } = scenario;
  const path = join(dir, 'scenario.json');
  writeFileSync(path, JSON.stringify({ name, policy: bundledPolicyPath(policy), applications: 'applications.csv', ...rest }, null, 2));
  return path;
}

function main(): void {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args.splice(seedAt, 2)[1]) : undefined;
  const [family, count, dir] = args;
  if (!FAMILIES.includes(family as Family) || !count || !Number.isInteger(Number(count)) || Number(count) < 1 || !dir || (seed !== undefined && !Number.isInteger(seed))) {
    console.error(`usage: node dist/scripts/families.js <${FAMILIES.join('|')}> <applications> <folder> [--seed N]`);
    process.exit(2);
  }
  const path = writeFamily(resolve(dir), family as Family, Number(count), seed);
  console.log(path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();
