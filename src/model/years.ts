/**
 * Money across years: how a grant is paid in instalments, what the ledger of earlier years
 * still owes, and the cash rows that keep every year's payments within that year's cash plus
 * what earlier years carried over.
 *
 * Carry-over: money of year τ not spent in τ may pay instalments up to year τ + K, then it is
 * recovered. Years' payments can be met exactly when, for every run of years [a, b] of the
 * horizon, what falls due in a..b is at most the cash of years a − K..b (the supply those years'
 * payments may draw on): Hall's condition on an interval graph, where runs of years suffice.
 * With K = 0 the single years are enough; with K > 0 every run gets a row. Paying oldest money
 * first (`cashFlow`) meets every year whenever the rows hold, and says what was carried in,
 * carried out and recovered.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO } from '../money.js';
import type { Application } from './application.js';
import type { Commitment } from './ledger.js';
import { installmentsOf, type Measure } from './policy.js';
import { scaledExact } from '../scaled.js';

/** A multi-year target (目标): approvals under some measures counted from the policy's start to year `by`. */
export interface Target {
  readonly id: string;
  readonly name: { readonly zh: string; readonly en: string };
  readonly measures: readonly string[];
  readonly count?: { readonly min: number };
  readonly amount?: { readonly min: Decimal };
  readonly by: number;
  /** A constraint (true) or reported progress only (false). */
  readonly hard: boolean;
}

/** The scenario's money across years. */
export interface CashPlan {
  /** The fund's appropriation by year, years ascending: the horizon. */
  readonly cash: ReadonlyMap<number, Decimal>;
  /** K: money may pay instalments up to K years after its own year. */
  readonly carryYears: number;
  /** Money carried into the horizon from years before it, by the year it came from. */
  readonly opening: ReadonlyMap<number, Decimal>;
}

/** What a multi-year scenario loaded beside the applications: the ledger and the forecasts. */
export interface YearsData {
  readonly ledger: readonly Commitment[];
  /** Forecast applications by plan year (indicative). */
  readonly planned: ReadonlyMap<number, readonly Application[]>;
  /** Per target id: the ledger's approvals it counts (projects from the policy's start to `by`, not cancelled). */
  readonly earlier?: ReadonlyMap<string, { readonly count: number; readonly amount: Decimal; readonly projects: readonly string[] }>;
}

/** Per target, the ledger's approvals it counts. */
export function earlierForTargets(targets: readonly Target[], ledger: readonly Commitment[], policy: { readonly validFrom?: string | undefined }): Map<string, { count: number; amount: Decimal; projects: string[] }> {
  const start = policyStartYear(policy);
  return new Map(
    targets.map((t) => {
      const rows = ledgerApproved(ledger, new Set(t.measures), start, t.by);
      return [t.id, { count: rows.length, amount: rows.reduce((s, c) => s.plus(c.grant), ZERO), projects: rows.map((c) => c.projectId) }] as const;
    }),
  );
}

/** One instalment of a grant. */
export interface Instalment {
  /** 1, 2, … */
  readonly installment: number;
  readonly dueYear: number;
  readonly amount: Decimal;
}

/** Instalment amounts are whole yuan (whole fen with a granularity below a yuan). */
export const instalmentUnit = (granularity: Decimal): Decimal => (granularity.lt(1) ? new D('0.01') : new D(1));

/**
 * A grant's instalments: each but the last is its share of the grant rounded down to the
 * instalment unit; the last takes the rest, so they sum to the grant exactly.
 */
export function splitGrant(grant: Decimal, m: Measure, approvedYear: number, unit: Decimal): Instalment[] {
  const plan = installmentsOf(m);
  // All at once: the grant itself (grant − 0).
  if (plan.length === 1) return [{ installment: 1, dueYear: approvedYear + plan[0]!.year, amount: grant }];
  // A grant of zero units (−0 too, which the Decimal rule keeps signed) by the Decimal rule.
  const split = splitInUnits(grant, m, unitPlaces(unit));
  if (split && split.units > 0) return split.amounts.map((a, k) => ({ installment: k + 1, dueYear: approvedYear + plan[k]!.year, amount: new D(a).times(unit) }));
  let paid = ZERO;
  return plan.map((x, k) => {
    const amount = k === plan.length - 1 ? grant.minus(paid) : grant.times(x.share).div(unit).floor().times(unit);
    paid = paid.plus(amount);
    return { installment: k + 1, dueYear: approvedYear + x.year, amount };
  });
}

/** A measure's instalment shares as fractions num / den (den a power of ten), and the years after approval they fall due. */
export interface InstalmentFractions {
  readonly nums: readonly number[];
  readonly dens: readonly number[];
  readonly years: readonly number[];
}
const fractionsOf = new WeakMap<Measure, InstalmentFractions>();

/** `InstalmentFractions` of a measure, made once per measure. */
export function instalmentFractions(m: Measure): InstalmentFractions {
  let f = fractionsOf.get(m);
  if (!f) {
    const plan = installmentsOf(m);
    const shares = plan.map((x) => new D(x.share));
    const dens = shares.map((x) => new D(10).pow(x.decimalPlaces()).toNumber());
    f = { nums: shares.map((x, k) => x.times(dens[k]!).toNumber()), dens, years: plan.map((x) => x.year) };
    fractionsOf.set(m, f);
  }
  return f;
}

/** Products up to this are exact in floating point, and so is the floor of their quotient by a divisor up to it. */
const EXACT_PRODUCT = 2 ** 52;

/**
 * `splitGrant`'s amounts in instalment units (of `unitPlaces`: 2 for 0.01, 0 for 1), as integers: a grant of u units
 * pays ⌊u × num / den⌋ in each instalment but the last, which takes the rest — what splitGrant's
 * Decimal arithmetic gives, since grant × share ÷ unit is exactly u × num / den. Null for a unit
 * other than a fen or a yuan, a grant below zero, not a whole number of units or not a safe
 * integer of them, and where a product or a denominator would pass 2^52.
 */
function splitInUnits(grant: Decimal, m: Measure, places: number): { readonly units: number; readonly amounts: number[]; readonly years: readonly number[] } | null {
  if (places < 0) return null;
  const units = scaledExact(grant, places);
  if (units === null || units < 0) return null;
  const { nums, dens, years } = instalmentFractions(m);
  const amounts = new Array<number>(nums.length);
  let paid = 0;
  for (let k = 0; k < nums.length; k++) {
    if (k === nums.length - 1) {
      amounts[k] = units - paid;
    } else {
      const product = units * nums[k]!;
      if (product > EXACT_PRODUCT || dens[k]! > EXACT_PRODUCT) return null;
      amounts[k] = Math.floor(product / dens[k]!);
      paid += amounts[k]!;
    }
  }
  return { units, amounts, years };
}
const ONE_FEN = new D('0.01');

/** The decimal places of an instalment unit splitInUnits counts in: 0 for a yuan, 2 for a fen, −1 for any other unit. */
const unitPlaces = (unit: Decimal): number => (unit.eq(1) ? 0 : unit.eq(ONE_FEN) ? 2 : -1);

/** Is a ledger row still to be paid? */
export const owed = (c: Commitment): boolean => c.status === 'planned';

/** The years of the horizon, ascending. */
export const horizonOf = (plan: CashPlan): number[] => [...plan.cash.keys()].sort((a, b) => a - b);

/**
 * What the ledger still owes by year of the horizon. Instalments due before it belong to their
 * own year's cash, and those after it to cash not yet known: neither is counted.
 */
export function ledgerDue(ledger: readonly Commitment[], horizon: readonly number[]): Map<number, Decimal> {
  const due = new Map<number, Decimal>(horizon.map((y) => [y, ZERO]));
  for (const c of ledger) {
    if (owed(c) && due.has(c.dueYear)) due.set(c.dueYear, due.get(c.dueYear)!.plus(c.amount));
  }
  return due;
}

/** A run of years [from, to] of the horizon and what may be paid in it. */
export interface CashWindow {
  /** `cash:2021`, or `cash:2020-2021` for a run of years. */
  readonly id: string;
  readonly from: number;
  readonly to: number;
  /** Cash of years from − K..to (with money carried in from before the horizon). */
  readonly supply: Decimal;
  /** What the ledger (and grants an earlier batch of this year locked) owes in from..to. */
  readonly ledger: Decimal;
  /** supply − ledger: what new grants may fall due in from..to (negative: the ledger alone exceeds it). */
  readonly room: Decimal;
}

export const cashWindowId = (from: number, to: number): string => (from === to ? `cash:${from}` : `cash:${from}-${to}`);

/** The runs of years that need a row: single years, and with carry-over every longer run. */
export function cashWindows(plan: CashPlan, ledger: readonly Commitment[], lockedDue: readonly Instalment[] = []): CashWindow[] {
  const years = horizonOf(plan);
  const due = ledgerDue(ledger, years);
  for (const x of lockedDue) if (due.has(x.dueYear)) due.set(x.dueYear, due.get(x.dueYear)!.plus(x.amount));
  const K = plan.carryYears;
  const supplyOf = (y: number) => plan.cash.get(y) ?? plan.opening.get(y) ?? ZERO;
  const sources = [...new Set([...plan.opening.keys(), ...years])].sort((a, b) => a - b);
  const out: CashWindow[] = [];
  for (let a = 0; a < years.length; a++) {
    for (let b = a; b < (K > 0 ? years.length : a + 1); b++) {
      const from = years[a]!;
      const to = years[b]!;
      const supply = sources.filter((t) => t >= from - K && t <= to).reduce((s, t) => s.plus(supplyOf(t)), ZERO);
      let owedIn = ZERO;
      for (let k = a; k <= b; k++) owedIn = owedIn.plus(due.get(years[k]!)!);
      out.push({ id: cashWindowId(from, to), from, to, supply, ledger: owedIn, room: supply.minus(owedIn) });
    }
  }
  return out;
}

/** The share of a grant approved in `approvedYear` under `m` that falls due in from..to. */
export function shareDueIn(m: Measure, approvedYear: number, from: number, to: number): Decimal {
  return installmentsOf(m).reduce((s, x) => (approvedYear + x.year >= from && approvedYear + x.year <= to ? s.plus(x.share) : s), ZERO);
}

/** One year of the cash flow, paying the oldest money first. */
export interface CashYear {
  readonly year: number;
  readonly cash: Decimal;
  readonly carriedIn: Decimal;
  readonly due: Decimal;
  readonly paid: Decimal;
  /** Due but not payable (only when the rows were broken). */
  readonly short: Decimal;
  readonly carriedOut: Decimal;
  readonly recovered: Decimal;
}

/**
 * Pays each year's dues from the oldest money still usable (its year + K not passed), then
 * recovers what reaches the end of its K years unspent. Money carried in from before the
 * horizon is usable up to its year + K.
 */
export function cashFlow(plan: CashPlan, due: ReadonlyMap<number, Decimal>): CashYear[] {
  const K = plan.carryYears;
  const pots: { year: number; left: Decimal }[] = [...plan.opening.entries()].sort(([a], [b]) => a - b).map(([year, left]) => ({ year, left }));
  return horizonOf(plan).map((year) => {
    // Money carried in from before the horizon whose last usable year has passed is gone.
    for (let i = pots.length - 1; i >= 0; i--) if (pots[i]!.year + K < year) pots.splice(i, 1);
    const carriedIn = pots.reduce((s, p) => s.plus(p.left), ZERO);
    const cash = plan.cash.get(year)!;
    pots.push({ year, left: cash });
    let need = due.get(year) ?? ZERO;
    for (const p of pots) {
      if (need.lte(0)) break;
      const take = D.min(p.left, need);
      p.left = p.left.minus(take);
      need = need.minus(take);
    }
    const dueNow = due.get(year) ?? ZERO;
    let recovered = ZERO;
    for (let i = pots.length - 1; i >= 0; i--) {
      if (pots[i]!.year + K <= year) {
        recovered = recovered.plus(pots[i]!.left);
        pots.splice(i, 1);
      }
    }
    const carriedOut = pots.reduce((s, p) => s.plus(p.left), ZERO);
    return { year, cash, carriedIn, due: dueNow, paid: dueNow.minus(need), short: need, carriedOut, recovered };
  });
}

/** The year a policy starts (its `validFrom`), or null. */
export function policyStartYear(policy: { readonly validFrom?: string | undefined }): number | null {
  const m = /^(\d{4})/.exec(policy.validFrom ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * One row per project of the ledger approved under `measures` in [from, by] (from null: any year)
 * and not cancelled in full (a project with a row not cancelled).
 */
export function ledgerApproved(ledger: readonly Commitment[], measures: ReadonlySet<string>, from: number | null, by: number): Commitment[] {
  const live = new Set(ledger.filter((c) => c.status !== 'cancelled').map((c) => c.projectId));
  const seen = new Set<string>();
  const out: Commitment[] = [];
  for (const c of ledger) {
    if (!measures.has(c.measureId) || !live.has(c.projectId) || seen.has(c.projectId)) continue;
    if (c.approvedYear > by || (from !== null && c.approvedYear < from)) continue;
    seen.add(c.projectId);
    out.push(c);
  }
  return out;
}

/**
 * The ledger rows of new grants: one per instalment of every grant above zero, status planned,
 * in the order given (the caller's: allocations.csv's).
 */
export function commitmentsOf(
  grants: readonly { readonly app: Application; readonly measure: Measure; readonly grant: Decimal }[],
  granularity: Decimal,
): Commitment[] {
  const unit = instalmentUnit(granularity);
  const out: Commitment[] = [];
  for (const { app, measure, grant } of grants) {
    if (!grant.gt(0)) continue;
    const plan = installmentsOf(measure);
    // All at once (most measures): the one instalment is the grant itself, as `splitGrant` makes it.
    if (plan.length === 1) out.push(commitment(app, measure, grant, 1, app.year + plan[0]!.year, grant));
    else for (const x of splitGrant(grant, measure, app.year, unit)) out.push(commitment(app, measure, grant, x.installment, x.dueYear, x.amount));
  }
  return out;
}

/** A planned ledger row of a new grant. */
const commitment = (app: Application, measure: Measure, grant: Decimal, installment: number, dueYear: number, amount: Decimal): Commitment => ({
  projectId: app.projectId,
  projectName: app.projectName,
  companyId: app.companyId,
  companyName: app.companyName,
  measureId: measure.id,
  approvedYear: app.year,
  grant,
  installment,
  dueYear,
  amount,
  status: 'planned',
});

/** Of what falls due by year (`dueByYear`), what falls due in years from..to. */
export function dueInYears(byYear: ReadonlyMap<number, Decimal>, from: number, to: number): Decimal {
  let due = ZERO;
  for (const [year, amount] of byYear) if (year >= from && year <= to) due = due.plus(amount);
  return due;
}

/**
 * What grants fall due in each year, on their instalments as paid (`splitGrant`): summed in whole
 * instalment units while they are safe integers (a grant's units as `splitInUnits` splits them),
 * in Decimal otherwise; the same sums either way.
 */
export function dueByYear(grants: readonly { readonly app: Application; readonly measure: Measure; readonly grant: Decimal }[], granularity: Decimal): Map<number, Decimal> {
  const unit = instalmentUnit(granularity);
  const places = unitPlaces(unit);
  const units = new Map<number, number>();
  const exact = new Map<number, Decimal>();
  const add = (year: number, amount: Decimal) => exact.set(year, (exact.get(year) ?? ZERO).plus(amount));
  for (const { app, measure, grant } of grants) {
    const split = splitInUnits(grant, measure, places);
    if (!split) {
      if (grant.gt(0)) for (const x of splitGrant(grant, measure, app.year, unit)) add(x.dueYear, x.amount);
      continue;
    }
    if (split.units === 0) continue;
    for (let k = 0; k < split.amounts.length; k++) {
      const year = app.year + split.years[k]!;
      const amount = split.amounts[k]!;
      // Each count stays at most 2^52, so adding an amount of at most that is exact; past it, the count goes into the Decimal sum.
      if (amount > EXACT_PRODUCT) {
        add(year, new D(amount).times(unit));
        continue;
      }
      const sum = (units.get(year) ?? 0) + amount;
      if (sum > EXACT_PRODUCT) {
        add(year, new D(sum).times(unit));
        units.set(year, 0);
      } else {
        units.set(year, sum);
      }
    }
  }
  for (const [year, u] of units) add(year, new D(u).times(unit));
  return exact;
}
