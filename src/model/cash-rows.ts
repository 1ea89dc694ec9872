/**
 * The cash rows over the candidates, and their exact check in whole money: per run of years
 * (years.ts `CashWindow`), what the candidates' grants fall due in it must stay within its
 * room. Instalments are rounded (years.ts `splitGrant`), so a row is checked on the instalments
 * themselves, in integer instalment units, not on the share × grant the LP uses.
 */
import type { Decimal } from 'decimal.js';
import type { Application } from './application.js';
import type { Measure } from './policy.js';
import { installmentsOf } from './policy.js';
import { cashWindows, instalmentFractions, instalmentUnit, shareDueIn, splitGrant, type CashPlan, type CashWindow, type InstalmentFractions } from './years.js';
import type { Commitment } from './ledger.js';

export interface CashRow {
  readonly window: CashWindow;
  /** Candidates with a share of their grant due in the window, and that share. */
  readonly members: readonly number[];
  readonly weights: readonly Decimal[];
}

/** The cash rows of a plan over candidates (each with its approval year: the scenario's or a plan year). */
export function buildCashRows(
  plan: CashPlan,
  ledger: readonly Commitment[],
  candidates: readonly Application[],
  measures: ReadonlyMap<string, Measure>,
  locked: readonly { readonly app: Application; readonly grant: Decimal }[],
  granularity: Decimal,
): CashRow[] {
  // Grants an earlier batch of this year locked fall due like new ones: with the ledger's.
  const unit = instalmentUnit(granularity);
  const lockedDue = locked.flatMap(({ app, grant }) => splitGrant(grant, measures.get(app.measureId)!, app.year, unit));
  // One share per measure and approval year (a batch has few of each), worked out where a window's members are.
  let kindOf: readonly number[] | null = null;
  const kindsOf = (): readonly number[] => {
    const kinds = new Map<string, number>();
    return candidates.map((a) => {
      const key = `${a.measureId}|${a.year}`;
      let k = kinds.get(key);
      if (k === undefined) kinds.set(key, (k = kinds.size));
      return k;
    });
  };
  let known = rowsOfYears.get(candidates);
  if (!known || known.measures !== measures) rowsOfYears.set(candidates, (known = { measures, byYears: new Map() }));
  const byYears = known.byYears;
  return cashWindows(plan, ledger, lockedDue).map((window) => {
    const years = `${window.from}-${window.to}`;
    const made = byYears.get(years);
    if (made) return { window, members: made.members, weights: made.weights };
    const members: number[] = [];
    const weights: Decimal[] = [];
    const shares: (Decimal | undefined)[] = [];
    const kind = (kindOf ??= kindsOf());
    candidates.forEach((a, i) => {
      let w = shares[kind[i]!];
      if (w === undefined) shares[kind[i]!] = w = shareDueIn(measures.get(a.measureId)!, a.year, window.from, window.to);
      if (w.gt(0)) {
        members.push(i);
        weights.push(w);
      }
    });
    byYears.set(years, { members, weights });
    return { window, members, weights };
  });
}

/**
 * What the rounding of instalments can leave a row's members owing below share × grant, in yuan:
 * each instalment but a grant's last is paid rounded down to `instalmentUnit`, so each such
 * instalment due in the window is paid less than a unit below its share of the grant (the last
 * takes the rest, at or above its share). The LP's row counts share × grant; with its room widened
 * by this much it admits every allocation whose paid instalments fit.
 */
export function roundingSlack(row: CashRow, candidates: readonly Application[], measures: ReadonlyMap<string, Measure>, granularity: Decimal): Decimal {
  let count = 0;
  for (const i of row.members) {
    const a = candidates[i]!;
    const parts = installmentsOf(measures.get(a.measureId)!);
    for (let k = 0; k < parts.length - 1; k++) {
      const due = a.year + parts[k]!.year;
      if (due >= row.window.from && due <= row.window.to) count++;
    }
  }
  return instalmentUnit(granularity).times(count);
}

/**
 * Per candidates (and the measures they were read with), each run of years' members and weights:
 * they depend on the years alone, not on the amounts of cash, so a plan at other amounts has the
 * same arrays (and the LP built from them, the same terms).
 */
const rowsOfYears = new WeakMap<readonly Application[], { readonly measures: ReadonlyMap<string, Measure>; readonly byYears: Map<string, Pick<CashRow, 'members' | 'weights'>> }>();

interface Schedule {
  readonly nums: readonly number[];
  readonly dens: readonly number[];
  readonly due: readonly number[];
}

/**
 * What a tracker of a set of cash rows knows before any grant: per candidate its schedule, the rows
 * it is in and its rate in each; per row its capacity. The same for every tracker of the same rows
 * (both stages of a solve round on them), so it is made once per rows.
 */
interface Fixed {
  readonly candidates: readonly Application[];
  readonly granularity: Decimal;
  readonly perUnit: number;
  readonly schedules: readonly Schedule[];
  readonly rowsOf: readonly (readonly number[])[];
  readonly rateOf: readonly (readonly number[])[];
  readonly capacity: readonly number[];
}
const fixedOf = new WeakMap<readonly CashRow[], Fixed>();

function fixedFor(rows: readonly CashRow[], candidates: readonly Application[], measures: ReadonlyMap<string, Measure>, granularity: Decimal): Fixed {
  const known = fixedOf.get(rows);
  if (known && known.candidates === candidates && known.granularity.eq(granularity)) return known;
  const unit = instalmentUnit(granularity);
  const perUnit = granularity.div(unit).toNumber();
  // One schedule per measure and approval year (a batch has few of each), shared by their candidates.
  const bySchedule = new Map<Measure, InstalmentFractions & { byYear: Map<number, Schedule> }>();
  const schedules = candidates.map((a) => {
    const m = measures.get(a.measureId)!;
    let s = bySchedule.get(m);
    if (!s) {
      s = { ...instalmentFractions(m), byYear: new Map() };
      bySchedule.set(m, s);
    }
    let schedule = s.byYear.get(a.year);
    if (!schedule) s.byYear.set(a.year, (schedule = { nums: s.nums, dens: s.dens, due: s.years.map((y) => a.year + y) }));
    return schedule;
  });
  const rowsOf: number[][] = candidates.map(() => []);
  const rateOf: number[][] = candidates.map(() => []);
  // A row's weights are a few shares, one per measure and approval year: each read as a number once.
  const rates = new Map<Decimal, number>();
  rows.forEach((r, j) =>
    r.members.forEach((i, k) => {
      const w = r.weights[k]!;
      let rate = rates.get(w);
      if (rate === undefined) rates.set(w, (rate = w.toNumber() * perUnit));
      rowsOf[i]!.push(j);
      rateOf[i]!.push(rate);
    }),
  );
  const capacity = rows.map((r) => r.window.room.div(unit).floor().toNumber());
  const fixed: Fixed = { candidates, granularity, perUnit, schedules, rowsOf, rateOf, capacity };
  fixedOf.set(rows, fixed);
  return fixed;
}

/**
 * The cash rows in integer instalment units, tracking what each row holds as grants move.
 * `room` and `blocking` answer for one candidate; every figure is exact (integers below 2^53).
 */
export class CashTracker {
  readonly rows: readonly CashRow[];
  private readonly perUnit: number;
  private readonly schedules: readonly Schedule[];
  private readonly rowsOf: readonly (readonly number[])[];
  /** Per candidate, per row it is in (same order as rowsOf): instalment units due per grant unit. */
  private readonly rateOf: readonly (readonly number[])[];
  /** Per row: the most its members' instalments may sum to, and what they sum to now. */
  private readonly capacity: readonly number[];
  private readonly held: number[];

  constructor(rows: readonly CashRow[], candidates: readonly Application[], measures: ReadonlyMap<string, Measure>, granularity: Decimal, grantUnits: readonly number[]) {
    this.rows = rows;
    const fixed = fixedFor(rows, candidates, measures, granularity);
    this.perUnit = fixed.perUnit;
    this.schedules = fixed.schedules;
    this.rowsOf = fixed.rowsOf;
    this.rateOf = fixed.rateOf;
    this.capacity = fixed.capacity;
    this.held = rows.map((_, j) => rows[j]!.members.reduce((s, i) => s + this.dueIn(i, grantUnits[i]!, j), 0));
  }

  /** What candidate i's grant of `units` falls due in row j, in instalment units. */
  dueIn(i: number, units: number, j: number): number {
    const { nums, dens, due } = this.schedules[i]!;
    const { from, to } = this.rows[j]!.window;
    const total = units * this.perUnit;
    let paid = 0;
    let inRow = 0;
    for (let k = 0; k < nums.length; k++) {
      const amount = k === nums.length - 1 ? total - paid : Math.floor((total * nums[k]!) / dens[k]!);
      paid += amount;
      if (due[k]! >= from && due[k]! <= to) inRow += amount;
    }
    return inRow;
  }

  /** Record candidate i's grant moving from `before` to `after` units. */
  move(i: number, before: number, after: number): void {
    for (const j of this.rowsOf[i]!) this.held[j] = this.held[j]! + this.dueIn(i, after, j) - this.dueIn(i, before, j);
  }

  /** Does row j hold more than its capacity? */
  over(j: number): number {
    return this.held[j]! - this.capacity[j]!;
  }

  /**
   * The most units candidate i (now at `units`) may gain, at most `upTo`, such that gaining any
   * number of units up to it keeps every row it is in, on the instalments as paid. Every
   * instalment but the last is rounded down, so what d more units put in a row exceeds share × d
   * by less than the number of instalments: the search starts there and steps down. What falls
   * due in a row need not grow with the grant (the last instalment takes the others' rounding):
   * d may fit where a smaller gain does not, so each smaller gain is checked where it is not sure
   * to fit (within twice the number of instalments of its share × gain), and the rows are checked
   * again until none cuts further.
   */
  room(i: number, units: number, upTo: number): number {
    let r = upTo;
    const rows = this.rowsOf[i]!;
    const slack = this.schedules[i]!.nums.length;
    for (let cut = true; cut && r > 0; ) {
      cut = false;
      for (let k = 0; k < rows.length && r > 0; k++) {
        const j = rows[k]!;
        const left = this.capacity[j]! - this.held[j]!;
        const rate = this.rateOf[i]![k]!;
        let d = Math.min(r, Math.max(0, Math.floor((left + slack) / rate)));
        const before = this.dueIn(i, units, j);
        while (d > 0 && this.dueIn(i, units + d, j) - before > left) d--;
        // A gain e puts at most rate × e + 2 × slack more in the row: sure to fit up to `sure`.
        const sure = Math.max(0, Math.floor((left - 2 * slack) / rate));
        for (let e = sure + 1; e < d; e++) {
          if (this.dueIn(i, units + e, j) - before > left) {
            d = e - 1;
            break;
          }
        }
        if (d < r) {
          r = d;
          cut = true;
        }
      }
    }
    return Math.max(0, r);
  }

  /** The first row that leaves candidate i (at `units`) less than `need` more units, or null. */
  blocking(i: number, units: number, need: number): number | null {
    for (const j of this.rowsOf[i]!) if (this.dueIn(i, units + need, j) - this.dueIn(i, units, j) > this.capacity[j]! - this.held[j]!) return j;
    return null;
  }
}

/**
 * A cash row for the integer model, in instalment units per grant unit: Σ weight × units ≤ upper.
 * The share × grant it counts can fall short of the instalments as paid by less than one
 * instalment unit per instalment other than the last, so `upper` keeps that much room per member.
 */
export function integerCashRow(row: CashRow, candidates: readonly Application[], measures: ReadonlyMap<string, Measure>, granularity: Decimal): { terms: [number, number][]; upper: number } {
  const unit = instalmentUnit(granularity);
  const perUnit = granularity.div(unit);
  let slack = 0;
  const terms = row.members.map((i, k): [number, number] => {
    slack += installmentsOf(measures.get(candidates[i]!.measureId)!).length - 1;
    return [i, row.weights[k]!.times(perUnit).toNumber()];
  });
  return { terms, upper: row.window.room.div(unit).floor().toNumber() - slack };
}
