/**
 * The three-year rolling exercise scenarios/shenzhen-2019-2021: its policy variant, the seeded
 * applications and forecasts of 2020 and 2021, and the bureau's edits of a year's ledger at the
 * year's end. Pure functions (the same inputs give the same bytes); the generator
 * (generate-shenzhen-2019-2021.ts) writes the files and rolls the ledgers by solving each year.
 */
import type { Decimal } from 'decimal.js';
import { ZERO } from '../src/money.js';
import type { Commitment, CommitmentStatus } from '../src/model/ledger.js';
import { cashFlow } from '../src/model/years.js';
import { commitmentRows, commitmentsHeader } from '../src/report/commitments.js';
import { toExcelCsv } from '../src/io/write.js';
import { MIX, generateApplications, mulberry32, shenzhen2019Rows, shenzhenCsv, syntheticRow, type SyntheticRow } from './synthetic.js';

/** The policy file's JSON, as far as the variant touches it. */
interface PolicyJson {
  id: string;
  source?: string;
  measures: { id: string; name: { zh: string }; rules: { type: string }[]; installments?: { share: string; year: number }[] }[];
  [key: string]: unknown;
}

const THIRDS = [{ share: '40%', year: 0 }, { share: '30%', year: 1 }, { share: '30%', year: 2 }];
/** Half on approval, half after acceptance (验收) the next year. */
const HALVES = [{ share: '50%', year: 0 }, { share: '50%', year: 1 }];

/** How the exercise assumes the large project measures are paid (the 2018 text says nothing of it). */
export const INSTALMENTS: Readonly<Record<string, readonly { share: string; year: number }[]>> = {
  'P01-CROSS': THIRDS,
  'P01-SECTOR': THIRDS,
  'P02-TESTBED': THIRDS,
  'P10-APPLICATION': HALVES,
  'P11-RETROFIT': HALVES,
};

/** The awards the policy extraction reads as one per company (每家 … 奖励). */
export const ONCE_PER_COMPANY = ['P03-PLATFORM-SP', 'P04-SOLUTION-SP', 'P16-INTEGRATION-CERT'] as const;

export const POLICY_ID = 'shenzhen-iiot-2018-instalments';

/** The bundled policy with instalments on the large project measures and oncePerCompany on the awards. */
export function instalmentPolicy(base: PolicyJson): PolicyJson {
  const once = new Set<string>(ONCE_PER_COMPANY);
  return {
    ...base,
    id: POLICY_ID,
    source: `${base.source ?? ''}; instalments (installments) and one award per company (oncePerCompany) are assumptions of the three-year exercise scenarios/shenzhen-2019-2021, not in the 2018 text (see its SOURCE.md)`,
    measures: base.measures.map((m) => ({
      ...m,
      rules: once.has(m.id) ? [...m.rules, { type: 'oncePerCompany' }] : m.rules,
      ...(INSTALMENTS[m.id] ? { installments: INSTALMENTS[m.id]!.map((x) => ({ ...x })) } : {}),
    })),
  };
}

/** Award applications under `measure`, best score first (ties: project id). */
function bestAwards(rows: readonly SyntheticRow[], measure: string, minScore = 60): SyntheticRow[] {
  return rows
    .filter((r) => r.measure === measure && Number(r.score) >= minScore)
    .sort((a, b) => Number(b.score) - Number(a.score) || (a.project_id < b.project_id ? -1 : 1));
}

/** The same company applying again under the same measure in `year`, as the `n`-th (0-based) row, scoring at least 75 (and its earlier score). */
function reapplication(rnd: () => number, n: number, earlier: SyntheticRow, year: number): SyntheticRow {
  const mix = MIX.find((m) => m.id === earlier.measure)!;
  const company = { id: earlier.company_id, name: earlier.company_name, district: earlier.district };
  return { ...syntheticRow(rnd, n, mix, company, { year, late: false, badCode: false }), score: Math.max(75, Number(earlier.score)).toFixed(1) };
}

/** A year's batch: `count` seeded applications, then re-applications of companies from `earlier` (in order). */
function batch(year: number, count: number, earlier: readonly SyntheticRow[]): SyntheticRow[] {
  const rows = generateApplications({ seed: year, count, year, lateShare: 0 });
  const rnd = mulberry32(year * 7 + 1);
  return [...rows, ...earlier.map((e, k) => reapplication(rnd, count + k, e, year))];
}

/** The 2019 rows the 2020 batch re-applies with: the best of each oncePerCompany award, and one that scored below 60 in 2019 (not approved, so eligible). */
function reapplyIn2020(y2019: readonly SyntheticRow[]): SyntheticRow[] {
  const p16 = bestAwards(y2019, 'P16-INTEGRATION-CERT');
  const once = new Set<string>(ONCE_PER_COMPANY);
  const failed = y2019.filter((r) => once.has(r.measure) && Number(r.score) < 60).sort((a, b) => (a.project_id < b.project_id ? -1 : 1));
  return [p16[0]!, p16[1]!, bestAwards(y2019, 'P03-PLATFORM-SP')[0]!, bestAwards(y2019, 'P04-SOLUTION-SP')[0]!, ...failed.slice(0, 1)];
}

/** Seeded applications of each year, before the re-applications. */
const FRESH = { 2020: 380, 2021: 390 } as const;

/** The applications of 2020 and 2021 (2021 re-applies with 2020's best P16 and P04 applicants and 2019's third-best P16). */
export function rollingApplications(): { readonly 2020: SyntheticRow[]; readonly 2021: SyntheticRow[] } {
  const y2019 = shenzhen2019Rows();
  const y2020 = batch(2020, FRESH[2020], reapplyIn2020(y2019));
  const fresh2020 = y2020.slice(0, FRESH[2020]);
  const again = [bestAwards(fresh2020, 'P16-INTEGRATION-CERT')[0]!, bestAwards(fresh2020, 'P04-SOLUTION-SP')[0]!, bestAwards(y2019, 'P16-INTEGRATION-CERT')[2]!];
  return { 2020: y2020, 2021: batch(2021, FRESH[2021], again) };
}

/** A forecast of `year`'s applications made in an earlier year: seeded rows, project ids YC<year>-… (预测). */
export function forecast(year: number, seed: number, count: number): SyntheticRow[] {
  return generateApplications({ seed, count, year, lateShare: 0 }).map((r) => ({ ...r, project_id: r.project_id.replace(/^SZ/, 'YC') }));
}

/** Every input file of the exercise but the ledgers, by path under scenarios/shenzhen-2019-2021/ (the policy under scenarios/policies/). */
export function rollingInputs(basePolicy: PolicyJson): Map<string, string> {
  const policy = instalmentPolicy(basePolicy);
  const apps = rollingApplications();
  const csv = (rows: readonly SyntheticRow[]) => shenzhenCsv(policy, rows);
  return new Map([
    [`../policies/${POLICY_ID}.json`, JSON.stringify(policy, null, 2) + '\n'],
    ['2019/forecast-2020.csv', csv(forecast(2020, 92020, 200))],
    ['2019/forecast-2021.csv', csv(forecast(2021, 92021, 200))],
    ['2020/applications.csv', csv(apps[2020])],
    ['2020/forecast-2021.csv', csv(forecast(2021, 102021, 220))],
    ['2021/applications.csv', csv(apps[2021])],
  ]);
}

/** What the bureau did to a ledger at a year's end. */
export interface YearEnd {
  readonly rows: Commitment[];
  /** The project whose acceptance failed: its instalments after the year cancelled (撤销). */
  readonly cancelled?: string;
  /** The project whose acceptance was delayed: its instalment of the next year moved a year later (验收推迟). */
  readonly delayed?: string;
}

/** The largest grant under `measure` approved in `year` with an instalment due in `due` (ties: project id). */
function largest(rows: readonly Commitment[], measure: string, year: number, due: number, not?: string): string | undefined {
  const hits = rows.filter((c) => c.measureId === measure && c.approvedYear === year && c.dueYear === due && c.status === 'planned' && c.projectId !== not);
  hits.sort((a, b) => b.grant.comparedTo(a.grant) || (a.projectId < b.projectId ? -1 : 1));
  return hits[0]?.projectId;
}

/**
 * The ledger as the bureau leaves it at the end of `year`: every instalment due by then paid
 * (已拨付); with `edits`, the largest application project (P10) of the year fails acceptance
 * (its later instalments cancelled) and the largest retrofit (P11) of the year has its
 * acceptance delayed (its next-year instalment due a year later).
 */
export function closeYear(ledger: readonly Commitment[], year: number, edits: boolean): YearEnd {
  const cancelled = edits ? largest(ledger, 'P10-APPLICATION', year, year + 1) : undefined;
  const delayed = edits ? largest(ledger, 'P11-RETROFIT', year, year + 1, cancelled) : undefined;
  const rows = ledger.map((c): Commitment => {
    const status: CommitmentStatus = c.status !== 'planned' ? c.status : c.dueYear <= year ? 'paid' : c.projectId === cancelled ? 'cancelled' : 'planned';
    const dueYear = c.projectId === delayed && c.dueYear === year + 1 ? year + 2 : c.dueYear;
    return { ...c, status, dueYear };
  });
  return { rows, ...(cancelled ? { cancelled } : {}), ...(delayed ? { delayed } : {}) };
}

/** How a bureau types the statuses in its copy of the ledger. */
const STATUS_WORD: Readonly<Record<CommitmentStatus, string>> = { planned: 'planned', paid: '已拨付', cancelled: '撤销' };

/** The edited ledger as the bureau saves it: commitments.csv's columns, statuses in its words. */
export function ledgerCsv(rows: readonly Commitment[]): string {
  const status = commitmentsHeader('en').indexOf('status');
  return toExcelCsv(commitmentsHeader('zh'), commitmentRows(rows).map((r) => r.map((v, i) => (i === status ? STATUS_WORD[v as CommitmentStatus] : v))));
}

/**
 * What `year`'s cash leaves unspent once the year's paid instalments (in `ledger`, closed at the
 * year's end) are paid, oldest money first (money carried in from `opening`'s years first), with
 * one year of carry-over: the next step's `carryOver.opening`.
 */
export function leftOver(ledger: readonly Commitment[], year: number, cash: Decimal, opening: ReadonlyMap<number, Decimal>): Decimal {
  const paid = ledger.filter((c) => c.dueYear === year && c.status === 'paid').reduce((s, c) => s.plus(c.amount), ZERO);
  const [flow] = cashFlow({ cash: new Map([[year, cash]]), carryYears: 1, opening }, new Map([[year, paid]]));
  if (flow!.short.gt(0)) throw new Error(`${year}: the paid instalments exceed the year's cash by ${flow!.short.toFixed(2)}`);
  return flow!.carriedOut;
}
