/**
 * The exact verifier across years. From the policy's text (a measure's `installments`, all in
 * the approval year when it states none) and the final grants — this year's and the planned
 * years' — it works out every instalment itself and checks, in its own Decimal and sharing no
 * code with the model's years, cash rows, rounding or LP:
 *  - each grant's instalments sum to the grant, and the ledger this solve writes holds exactly
 *    those instalments;
 *  - every year of the horizon pays what falls due in it (the ledger's planned instalments,
 *    this year's and the planned years' new ones), paying the oldest money still usable first:
 *    money of year τ (the cash, or a balance carried in from before the horizon) pays
 *    instalments of years τ..τ + K, then is recovered;
 *  - the ledger handed in sums per project to its grant;
 *  - no grant under a measure with the oncePerCompany rule goes to a company the ledger shows
 *    approved under that measure for another project (not cancelled in full);
 *  - every hard target is met: approvals under its measures from the policy's start year to
 *    its year `by` (the ledger's, this year's, the planned years') at least its minimum.
 */
import { Decimal as DecimalBase } from 'decimal.js';
import type { Application } from '../model/application.js';
import type { Commitment } from '../model/ledger.js';
import type { Measure, Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import type { Verification, Violation } from './verify.js';
import { allDistinct } from './distinct.js';
import { fenOf } from './fen.js';

/** Its own Decimal configuration: 50 significant digits, nothing rounded in a sum. */
const Decimal = DecimalBase.clone({ precision: 50 });
type Decimal = DecimalBase;
const Z = new Decimal(0);

/** A grant as the verifier takes it: the application (its year is the approval year) and the amount. */
export interface YearGrant {
  readonly app: Pick<Application, 'projectId' | 'companyId' | 'measureId' | 'year'>;
  readonly grant: DecimalBase;
}

export interface YearsInput {
  /** This year's grants (every line, an earlier batch's locked grants included). */
  readonly thisYear: readonly YearGrant[];
  /** The planned years' grants (indicative, but they fall due and count like the others). */
  readonly planned: readonly YearGrant[];
  /** Projects an earlier batch of this year locked: their ledger rows were that batch's to write. */
  readonly locked?: ReadonlySet<string>;
  /** The ledger rows this solve writes (its new grants'), when they are to be checked. */
  readonly written?: readonly Commitment[];
}

interface Due {
  readonly installment: number;
  readonly year: number;
  readonly amount: Decimal;
}

const ALL_AT_ONCE = [{ share: '1', year: 0 }] as const;
const FEN = new Decimal('0.01');
const YUAN = new Decimal(1);
/** The unit instalments are rounded down to: the fen where the granularity is below a yuan, else the yuan. */
const instalmentUnit = (granularity: DecimalBase): Decimal => (granularity.lt(1) ? FEN : YUAN);
/** A share as the policy writes it, parsed once. */
const shares = new Map<string, Decimal>();
const share = (text: string): Decimal => {
  let d = shares.get(text);
  if (!d) shares.set(text, (d = new Decimal(text)));
  return d;
};

/**
 * A grant's instalments from the measure's text: each but the last is its share of the grant
 * rounded down to the yuan (to the fen when the granularity is below a yuan); the last takes
 * the rest.
 */
export function instalmentsOf(grant: DecimalBase, m: Measure, approvedYear: number, granularity: DecimalBase): Due[] {
  const plan = m.installments ?? ALL_AT_ONCE;
  const unit = instalmentUnit(granularity);
  // In the verifier's own Decimal (its precision), not the model's.
  const g = new Decimal(grant);
  const out: Due[] = [];
  let before = Z;
  plan.forEach((x, k) => {
    const amount = k + 1 < plan.length ? g.times(share(x.share)).div(unit).floor().times(unit) : g.minus(before);
    before = before.plus(amount);
    out.push({ installment: k + 1, year: approvedYear + x.year, amount });
  });
  return out;
}

/**
 * The instalments in fen of the grants checked in fen, one grant's after another: grant i's are at
 * first[i] .. first[i] + count[i] − 1 of `fen` and `year` (count 0: grant i not checked in fen),
 * the k-th of them instalment k + 1.
 */
interface DuesInFen {
  readonly fen: number[];
  readonly year: number[];
  readonly first: Int32Array;
  readonly count: Int32Array;
}

/** A share as a fraction num / den (den a power of ten) of safe integers, parsed once; null where it has no such form. */
const fractions = new Map<string, { readonly num: number; readonly den: number } | null>();
const fractionOf = (text: string) => {
  let f = fractions.get(text);
  if (f === undefined) {
    const d = share(text);
    const places = d.decimalPlaces();
    const den = 10 ** places;
    const num = places <= 15 ? d.times(den) : null;
    fractions.set(text, (f = num && num.isInteger() && Number.isSafeInteger(num.toNumber()) ? { num: num.toNumber(), den } : null));
  }
  return f;
};

/** ⌊a / b⌋ of safe integers, b > 0: the remainder is exact, and the rest divides evenly. */
const floorDiv = (a: number, b: number) => {
  const r = a % b;
  return (a - r) / b - (r < 0 ? 1 : 0);
};

/**
 * `instalmentsOf` in fen, for a grant of `grantFen` fen and an instalment unit of `unitFen` fen:
 * ⌊grant × num/den / unit⌋ × unit = ⌊grantFen × num / (den × unitFen)⌋ × unitFen, exact while
 * grantFen × num and den × unitFen are safe integers (checked); the last takes the rest. Added to
 * the end of `into` (fen and year), their number returned; none added and null where a share has
 * no such form or a product would not be safe: then in Decimal.
 */
function instalmentsInFen(grantFen: number, m: Measure, approvedYear: number, unitFen: number, into: Pick<DuesInFen, 'fen' | 'year'>): number | null {
  const plan = m.installments ?? ALL_AT_ONCE;
  const start = into.fen.length;
  let before = 0;
  for (let k = 0; k < plan.length; k++) {
    const x = plan[k]!;
    let fen: number;
    if (k + 1 < plan.length) {
      const f = fractionOf(x.share);
      const top = f ? grantFen * f.num : NaN;
      const bottom = f ? f.den * unitFen : NaN;
      if (!Number.isSafeInteger(top) || !Number.isSafeInteger(bottom)) {
        into.fen.length = start;
        into.year.length = start;
        return null;
      }
      fen = floorDiv(top, bottom) * unitFen;
    } else fen = grantFen - before;
    before += fen;
    into.fen.push(fen);
    into.year.push(approvedYear + x.year);
  }
  return plan.length;
}

/** One year paid from the oldest money still usable. */
export interface PaidYear {
  readonly year: number;
  readonly due: DecimalBase;
  /** What money usable in the year held before paying (its cash and what earlier years carried in). */
  readonly available: DecimalBase;
  readonly short: DecimalBase;
  readonly recovered: DecimalBase;
}

/**
 * Pay each year of the horizon from money still usable, oldest first (money of year τ is usable
 * in τ..τ + K); what reaches τ + K unspent is recovered. Oldest first meets every year whenever
 * any order of paying does: the money whose time runs out first goes first.
 */
export function payYears(cash: ReadonlyMap<number, DecimalBase>, opening: ReadonlyMap<number, DecimalBase>, K: number, due: ReadonlyMap<number, DecimalBase>): PaidYear[] {
  const years = [...cash.keys()].sort((a, b) => a - b);
  let pots = [...opening.entries()].sort(([a], [b]) => a - b).map(([from, left]) => ({ from, left: new Decimal(left) }));
  return years.map((year) => {
    pots = pots.filter((p) => p.from + K >= year);
    pots.push({ from: year, left: new Decimal(cash.get(year)!) });
    const available = pots.reduce((s, p) => s.plus(p.left), Z);
    const owed = new Decimal(due.get(year) ?? Z);
    let need = owed;
    for (const p of pots) {
      const take = Decimal.min(p.left, need);
      p.left = p.left.minus(take);
      need = need.minus(take);
    }
    const recovered = pots.filter((p) => p.from + K <= year).reduce((s, p) => s.plus(p.left), Z);
    pots = pots.filter((p) => p.from + K > year);
    return { year, due: owed, available, short: need, recovered };
  });
}

/** The projects of a ledger with their rows, in the order first seen. */
function byProject(rows: readonly Commitment[]): Map<string, Commitment[]> {
  const out = new Map<string, Commitment[]>();
  for (const c of rows) {
    const list = out.get(c.projectId);
    if (list) list.push(c);
    else out.set(c.projectId, [c]);
  }
  return out;
}

/**
 * The rows of a ledger written for the grants at `lines` (in that order), with their project ids, as ranges:
 * line k's rows are rows[start[k]..start[k + 1]). Where the rows are the lines' rows one line after
 * another, each line's in the order of their instalments, and the ids all differ (as `commitmentsOf`
 * writes them), each range holds exactly the rows `byProject` finds for its line's project, sorted
 * by instalment, and no row is left for another project. Null where the rows are not so.
 */
function inLineOrder(rows: readonly Commitment[], lines: readonly number[], grants: readonly YearGrant[]): Int32Array | null {
  if (!allDistinct(lines.length, (k) => grants[lines[k]!]!.app.projectId)) return null;
  const start = new Int32Array(lines.length + 1);
  let r = 0;
  for (let k = 0; k < lines.length; k++) {
    const id = grants[lines[k]!]!.app.projectId;
    start[k] = r;
    let last = -Infinity;
    for (; r < rows.length && rows[r]!.projectId === id; r++) {
      if (rows[r]!.installment < last) return null;
      last = rows[r]!.installment;
    }
  }
  start[lines.length] = r;
  return r === rows.length ? start : null;
}

/** A ledger row written for grant x: its approval year, measure and company, status planned. */
const sameGrant = (c: Commitment, x: YearGrant): boolean => c.approvedYear === x.app.year && c.measureId === x.app.measureId && c.companyId === x.app.companyId && c.status === 'planned';

/** `oneByOne`: each line's ledger rows looked up by its project, never taken as written in line order (for tests). */
export function verifyYears(policy: Policy, scenario: Scenario, input: YearsInput, options: { readonly oneByOne?: boolean } = {}): Verification {
  const violations: Violation[] = [];
  let checks = 0;
  // The violation is written out only when the check fails.
  const check = (ok: boolean, v: () => Violation) => {
    checks++;
    if (!ok) violations.push(v());
  };
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const ledger = scenario.years?.ledger ?? [];
  const locked = input.locked ?? new Set<string>();
  const once = new Set(policy.measures.filter((m) => m.rules.some((r) => r.type === 'oncePerCompany')).map((m) => m.id));
  // This year's grants, then the planned years': by their index in that list, each in fen where
  // it is whole fen (a safe integer); the rest is checked in Decimal. Only the instalments (for the
  // cash and the ledger written), once per company and the hard targets read the grants: with none
  // of them, none is read.
  const readsGrants = scenario.cashPlan !== undefined || input.written !== undefined || once.size > 0 || (scenario.targets ?? []).some((t) => t.hard);
  const grants = !readsGrants ? [] : input.planned.length ? [...input.thisYear, ...input.planned] : input.thisYear;
  const fens = grants.map((x) => fenOf(x.grant));
  const positive = (i: number) => {
    const f = fens[i]!;
    return f !== null ? f > 0 : grants[i]!.grant.gt(0);
  };
  const live: number[] = [];
  for (let i = 0; i < grants.length; i++) if (positive(i)) live.push(i);
  // The grants above zero, for once per company and the hard targets: made at the first that checks them.
  let grantsAbove: YearGrant[] | undefined;
  const all = (): readonly YearGrant[] => (grantsAbove ??= live.map((i) => grants[i]!));
  const unitFen = fenOf(instalmentUnit(scenario.granularity))!;

  // Every grant's instalments, summing to it (what the cash and the ledger written are checked on):
  // in fen where the grant is whole fen and the products stay safe, else in Decimal.
  const dues: (Due[] | undefined)[] = [];
  const duesFen: DuesInFen = { fen: [], year: [], first: new Int32Array(grants.length), count: new Int32Array(grants.length) };
  const decimalDues = (i: number, m: Measure) => {
    const x = grants[i]!;
    return (dues[i] ??= instalmentsOf(x.grant, m, x.app.year, scenario.granularity));
  };
  for (const i of scenario.cashPlan || input.written ? live : []) {
    const x = grants[i]!;
    const m = measures.get(x.app.measureId);
    if (!m) continue; // verifyAllocation names a measure the policy lacks
    const f = fens[i]!;
    const first = duesFen.fen.length;
    const count = f === null ? null : instalmentsInFen(f, m, x.app.year, unitFen, duesFen);
    if (count !== null) {
      let sum = 0;
      let negative = false;
      for (let k = first; k < first + count; k++) {
        sum += duesFen.fen[k]!;
        if (duesFen.fen[k]! < 0) negative = true;
      }
      // The last instalment takes the rest, so the sum holds by construction; a negative one is what can fail.
      if (sum === f && !negative) {
        duesFen.first[i] = first;
        duesFen.count[i] = count;
        checks++;
        continue;
      }
      duesFen.fen.length = first;
      duesFen.year.length = first;
    }
    const list = decimalDues(i, m);
    const sum = list.reduce((s, d) => s.plus(d.amount), Z);
    const negative = list.find((d) => d.amount.lt(0));
    check(sum.eq(x.grant) && !negative, () => ({ rule: 'instalments sum to the grant, none negative', subject: x.app.projectId, limit: x.grant.toString(), value: list.map((d) => d.amount.toString()).join(' + '), excess: sum.minus(x.grant).abs().toString() }));
  }

  // The ledger handed in: per project, its instalments sum to its grant.
  const ledgerProjects = byProject(ledger);
  for (const [id, rows] of ledgerProjects) {
    const sum = rows.reduce((s, c) => s.plus(c.amount), Z);
    const grant = new Decimal(rows[0]!.grant);
    const agree = rows.every((c) => grant.eq(c.grant));
    check(agree && sum.eq(grant), () => ({ rule: 'ledger: instalments sum to the grant', subject: id, limit: grant.toString(), value: sum.toString(), excess: agree ? sum.minus(grant).abs().toString() : 'rows disagree on the grant' }));
  }

  // The ledger this solve writes: exactly the instalments of its new grants.
  if (input.written) {
    // The lines whose rows are checked, in order; each one's rows in the order of their instalments.
    const checked: number[] = [];
    for (let i = 0; i < input.thisYear.length; i++) {
      if (positive(i) && !(locked.size && locked.has(grants[i]!.app.projectId)) && (duesFen.count[i] || dues[i])) checked.push(i);
    }
    const rowsWritten = input.written;
    const ranges = options.oneByOne ? null : inLineOrder(rowsWritten, checked, grants);
    const written = ranges ? null : byProject(rowsWritten);
    const byInstalment = (a: Commitment, b: Commitment) => a.installment - b.installment;
    checked.forEach((i, line) => {
      const x = grants[i]!;
      // The line's rows: given[from..to), the rows written in line order or the project's own sorted.
      let given: readonly Commitment[] = rowsWritten;
      let from = ranges ? ranges[line]! : 0;
      let to = ranges ? ranges[line + 1]! : 0;
      if (written) {
        const found = written.get(x.app.projectId) ?? [];
        given = found.length > 1 ? [...found].sort(byInstalment) : found;
        written.delete(x.app.projectId);
        from = 0;
        to = given.length;
      }
      // In fen: the rows' amounts and grants whole fen, each as wanted and summing to the grant.
      const wanted = duesFen.count[i]!;
      if (wanted && to - from === wanted) {
        const f = fens[i]!;
        const w = duesFen.first[i]!;
        let sum = 0;
        let ok = true;
        for (let k = 0; k < wanted && ok; k++) {
          const c = given[from + k]!;
          const amount = c.amount === x.grant ? f : fenOf(c.amount);
          ok = amount !== null && amount === duesFen.fen[w + k] && c.installment === k + 1 && c.dueYear === duesFen.year[w + k] && (c.grant === x.grant || fenOf(c.grant) === f) && sameGrant(c, x);
          sum += amount ?? 0;
        }
        if (ok && sum === f) {
          checks++;
          return;
        }
      }
      const rows = from === 0 && to === given.length ? given : given.slice(from, to);
      const want = decimalDues(i, measures.get(x.app.measureId)!);
      const sum = rows.reduce((s, c) => s.plus(c.amount), Z);
      const agree =
        rows.length === want.length &&
        rows.every((c, k) => c.installment === want[k]!.installment && c.dueYear === want[k]!.year && want[k]!.amount.eq(c.amount) && x.grant.eq(c.grant) && sameGrant(c, x));
      check(agree && sum.eq(x.grant), () => ({
        rule: 'ledger written: the grant\'s instalments, summing to it',
        subject: x.app.projectId,
        limit: want.map((d) => `${d.year}: ${d.amount}`).join(', '),
        value: rows.map((c) => `${c.dueYear}: ${c.amount}`).join(', ') || 'no rows',
        excess: sum.minus(x.grant).abs().toString(),
      }));
    });
    for (const [id, rows] of written ?? []) {
      check(false, () => ({ rule: 'ledger written: rows only for this run\'s grants', subject: id, limit: '0', value: rows.reduce((s, c) => s.plus(c.amount), Z).toString(), excess: '' }));
    }
  }

  // Every year's cash, with carry-over and recovery.
  const plan = scenario.cashPlan;
  if (plan) {
    const due = new Map<number, Decimal>([...plan.cash.keys()].map((y) => [y, Z]));
    for (const c of ledger) if (c.status === 'planned' && due.has(c.dueYear)) due.set(c.dueYear, due.get(c.dueYear)!.plus(c.amount));
    dues.forEach((list, i) => {
      if (list && !duesFen.count[i]) for (const d of list) if (due.has(d.year)) due.set(d.year, due.get(d.year)!.plus(d.amount));
    });
    // The instalments in fen, summed per year in fen (exact: see verifyAllocation's grantsInFen) where they stay safe.
    const fenDue = new Map<number, number>();
    duesFen.fen.forEach((fen, k) => {
      const year = duesFen.year[k]!;
      if (due.has(year)) fenDue.set(year, (fenDue.get(year) ?? 0) + fen);
    });
    for (const [year, fen] of fenDue) {
      // Past 2^53 (a running sum of amounts ≥ 0 that ends safe never rounded): that year in Decimal.
      let sum: Decimal = Z;
      if (Number.isSafeInteger(fen)) sum = new Decimal(fen).div(100);
      else for (let k = 0; k < duesFen.fen.length; k++) if (duesFen.year[k] === year) sum = sum.plus(new Decimal(duesFen.fen[k]!).div(100));
      due.set(year, due.get(year)!.plus(sum));
    }
    for (const y of payYears(plan.cash, plan.opening, plan.carryYears, due)) {
      check(y.short.lte(0), () => ({
        rule: `cash ${y.year} (carry-over ${plan.carryYears} year${plan.carryYears === 1 ? '' : 's'}, oldest money first)`,
        subject: String(y.year),
        limit: y.available.toString(),
        value: y.due.toString(),
        excess: y.short.toString(),
      }));
    }
  }

  // Once per company: no grant where the ledger shows the company approved under the measure before.
  if (once.size) {
    const earlier = new Map<string, Commitment[]>();
    for (const rows of ledgerProjects.values()) {
      const c = rows[0]!;
      if (!once.has(c.measureId) || !c.grant.gt(0) || rows.every((r) => r.status === 'cancelled')) continue;
      const key = `${c.measureId}\u0000${c.companyId}`;
      earlier.set(key, [...(earlier.get(key) ?? []), c]);
    }
    for (const x of all()) {
      if (!once.has(x.app.measureId) || locked.has(x.app.projectId)) continue;
      const before = (earlier.get(`${x.app.measureId}\u0000${x.app.companyId}`) ?? []).filter((c) => c.projectId !== x.app.projectId);
      const named = before.map((c) => `${c.projectId} (${c.approvedYear})`).join(', ');
      check(before.length === 0, () => ({ rule: `${x.app.measureId} oncePerCompany: approved before as ${named}`, subject: x.app.projectId, limit: '0', value: x.grant.toString(), excess: x.grant.toString() }));
    }
  }

  // Hard targets: approvals from the policy's start year to `by`, the ledger's and this run's.
  const start = /^(\d{4})/.exec(policy.validFrom ?? '');
  const from = start ? Number(start[1]) : null;
  for (const t of scenario.targets ?? []) {
    if (!t.hard) continue;
    const covers = new Set(t.measures);
    let amount = Z;
    let count = 0;
    for (const rows of ledgerProjects.values()) {
      const c = rows[0]!;
      if (!covers.has(c.measureId) || c.approvedYear > t.by || (from !== null && c.approvedYear < from) || rows.every((r) => r.status === 'cancelled')) continue;
      amount = amount.plus(c.grant);
      count++;
    }
    for (const x of all()) {
      if (!covers.has(x.app.measureId) || x.app.year > t.by) continue;
      amount = amount.plus(x.grant);
      count++;
    }
    const wantAmount = t.amount?.min;
    const wantCount = t.count?.min;
    if (wantAmount !== undefined) check(amount.gte(wantAmount), () => ({ rule: `target ${t.id} amount by ${t.by}`, subject: t.id, limit: wantAmount.toString(), value: amount.toString(), excess: new Decimal(wantAmount).minus(amount).toString() }));
    if (wantCount !== undefined) check(count >= wantCount, () => ({ rule: `target ${t.id} count by ${t.by}`, subject: t.id, limit: String(wantCount), value: String(count), excess: String(wantCount - count) }));
  }
  return { checks, violations };
}
