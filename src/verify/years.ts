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
  const unit = granularity.lt(1) ? FEN : YUAN;
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

export function verifyYears(policy: Policy, scenario: Scenario, input: YearsInput): Verification {
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
  const all = [...input.thisYear, ...input.planned].filter((x) => x.grant.gt(0));

  // Every grant's instalments, summing to it (what the cash and the ledger written are checked on).
  const dues = new Map<YearGrant, Due[]>();
  for (const x of scenario.cashPlan || input.written ? all : []) {
    const m = measures.get(x.app.measureId);
    if (!m) continue; // verifyAllocation names a measure the policy lacks
    const list = instalmentsOf(x.grant, m, x.app.year, scenario.granularity);
    dues.set(x, list);
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
    const written = byProject(input.written);
    for (const x of input.thisYear) {
      if (!x.grant.gt(0) || locked.has(x.app.projectId)) continue;
      const want = dues.get(x);
      if (!want) continue;
      const rows = [...(written.get(x.app.projectId) ?? [])].sort((a, b) => a.installment - b.installment);
      written.delete(x.app.projectId);
      const sum = rows.reduce((s, c) => s.plus(c.amount), Z);
      const same =
        rows.length === want.length &&
        rows.every((c, k) => c.installment === want[k]!.installment && c.dueYear === want[k]!.year && want[k]!.amount.eq(c.amount) && x.grant.eq(c.grant) && c.approvedYear === x.app.year && c.measureId === x.app.measureId && c.companyId === x.app.companyId && c.status === 'planned');
      check(same && sum.eq(x.grant), () => ({
        rule: 'ledger written: the grant\'s instalments, summing to it',
        subject: x.app.projectId,
        limit: want.map((d) => `${d.year}: ${d.amount}`).join(', '),
        value: rows.map((c) => `${c.dueYear}: ${c.amount}`).join(', ') || 'no rows',
        excess: sum.minus(x.grant).abs().toString(),
      }));
    }
    for (const [id, rows] of written) {
      check(false, () => ({ rule: 'ledger written: rows only for this run\'s grants', subject: id, limit: '0', value: rows.reduce((s, c) => s.plus(c.amount), Z).toString(), excess: '' }));
    }
  }

  // Every year's cash, with carry-over and recovery.
  const plan = scenario.cashPlan;
  if (plan) {
    const due = new Map<number, Decimal>([...plan.cash.keys()].map((y) => [y, Z]));
    for (const c of ledger) if (c.status === 'planned' && due.has(c.dueYear)) due.set(c.dueYear, due.get(c.dueYear)!.plus(c.amount));
    for (const list of dues.values()) for (const d of list) if (due.has(d.year)) due.set(d.year, due.get(d.year)!.plus(d.amount));
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
  const once = new Set(policy.measures.filter((m) => m.rules.some((r) => r.type === 'oncePerCompany')).map((m) => m.id));
  if (once.size) {
    const earlier = new Map<string, Commitment[]>();
    for (const rows of ledgerProjects.values()) {
      const c = rows[0]!;
      if (!once.has(c.measureId) || !c.grant.gt(0) || rows.every((r) => r.status === 'cancelled')) continue;
      const key = `${c.measureId}\u0000${c.companyId}`;
      earlier.set(key, [...(earlier.get(key) ?? []), c]);
    }
    for (const x of all) {
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
    for (const x of all) {
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
