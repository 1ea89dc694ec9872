/**
 * Checks that break no rule, but catch what people get wrong when they fill in the list or the
 * scenario: amounts in the wrong unit, a request above what the policy can ever pay, a base
 * larger than the investment, one company under two codes, an application of another year —
 * each a warning with its row and column — and, for the scenario as a whole, a budget of which
 * less than half is allocated (or, before a solve, can be), with why. Loading a scenario makes
 * the first kind; a solve adds the budget's; `fundplan validate` lists them with the errors.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, fmtYuanHuman, toHalfWidth } from '../money.js';
import { shown, type InputIssue } from '../errors.js';
import type { Application, ApplicationsSource } from './application.js';
import type { Policy } from './policy.js';
import { ruleOf } from './policy.js';
import { entitlementOf } from './entitlement.js';
import { qualifies } from './limits.js';
import { StringNumbers } from './string-numbers.js';

/** No application of a city fund comes near ¥10bn: such an amount is a unit or typing slip. */
export const IMPLAUSIBLY_LARGE = new D(10_000_000_000);
/** An investment base under ¥10,000 for a project grant is almost always 万元 typed under a 元 header. */
export const IMPLAUSIBLY_SMALL_BASE = new D(10_000);

const AMOUNTS = [
  ['total_investment', 'totalInvestment'],
  ['eligible_base', 'eligibleBase'],
  ['requested', 'requested'],
  ['upper_funding', 'upperFunding'],
] as const;

/** Upper case; text without lower-case or non-ASCII letters (a credit code as usually written) as it is. */
function upperCase(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c >= 128) return s.toUpperCase();
  }
  return s;
}

/**
 * `v.gt(limit)`, most often decided by exponents alone: for a positive `limit` (so
 * limit ≥ 10^limit.e), a `v` of zero or more with a smaller decimal exponent is under it
 * (v < 10^(v.e + 1) ≤ 10^limit.e); else by `compare`.
 */
export function exceeds(v: Decimal, limit: Decimal): boolean {
  if (v.s > 0 && v.e < limit.e && limit.s > 0 && limit.d[0] !== 0) return false;
  return compare(v, limit) > 0;
}

/**
 * `x.comparedTo(y)`, step for step as decimal.js decides it, without the copy of `y` it makes
 * first (a Decimal and its digit array per comparison, several per application): the sign, zero,
 * then — the digits being normalised, no leading or trailing zero word — the exponent, the digit
 * words in turn, and the number of words. NaN and ±Infinity are decimal.js's own to compare.
 */
export function compare(x: Decimal, y: Decimal): number {
  const xd = x.d;
  const yd = y.d;
  if (!xd || !yd) return x.comparedTo(y);
  const xs = x.s;
  if (!xd[0] || !yd[0]) return xd[0] ? xs : yd[0] ? -y.s : 0;
  if (xs !== y.s) return xs;
  const up = xs > 0 ? 1 : -1;
  if (x.e !== y.e) return x.e > y.e ? up : -up;
  const n = Math.min(xd.length, yd.length);
  for (let i = 0; i < n; i++) if (xd[i] !== yd[i]) return xd[i]! > yd[i]! ? up : -up;
  return xd.length === yd.length ? 0 : xd.length > yd.length ? up : -up;
}

/** A warning about one application's cell. */
function cellIssue(source: ApplicationsSource, a: Application, field: string, expected: string, found: string): InputIssue {
  return { file: source.file, row: a.row, column: source.headers[field] ?? field, expected, found };
}

/** What the per-application checks ask of a measure, worked out once per measure. */
interface MeasureChecks {
  readonly id: string;
  readonly clause: string;
  readonly rate: boolean;
  /** The least cap the policy states (per project, per company a year). */
  readonly cap: { readonly amount: Decimal; readonly per: string } | undefined;
}

function measureChecks(policy: Policy): Map<string, MeasureChecks> {
  return new Map(
    policy.measures.map((m) => {
      const projectCap = ruleOf(m, 'projectCap');
      const companyCap = ruleOf(m, 'companyCap');
      // A bonus (另奖励) goes on top of the project cap: the most one project can have is the cap and the largest bonus.
      const bonus = Object.values(ruleOf(m, 'bonus')?.amounts ?? {}).reduce((hi, v) => D.max(hi, new D(v)), new D(0));
      const caps = [
        ...(projectCap ? [{ amount: bonus.plus(projectCap.amount), per: bonus.gt(0) ? 'one project, with the largest bonus' : 'one project' }] : []),
        ...(companyCap ? [{ amount: new D(companyCap.amount), per: 'one company a year' }] : []),
      ].sort((p, q) => p.amount.comparedTo(q.amount));
      return [m.id, { id: m.id, clause: m.clause, rate: ruleOf(m, 'rate') !== undefined, cap: caps[0] }] as const;
    }),
  );
}

/**
 * Each distinct key numbered in order of first appearance: per key, its number. A key is a scan
 * of its text that returns the text itself in the common case (`upperCase`, `companyKey`), so
 * each text is keyed and looked up once, in one table. The callers key the texts as they list
 * them, each with its own function, so this loop calls none (one that called a key function
 * given to it would be optimised for the first and thrown away at the second).
 */
function numbered(keys: readonly string[]): { readonly of: Int32Array; readonly keys: readonly string[] } {
  const numbers = new StringNumbers();
  const of = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) of[i] = numbers.add(keys[i]!);
  return { of, keys: numbers.keys };
}

export function plausibilityWarnings(apps: readonly Application[], policy: Policy, source: ApplicationsSource, year?: number): InputIssue[] {
  const out: InputIssue[] = [];
  const checks = measureChecks(policy);
  const y = fmtYuanHuman;
  const issue = (a: Application, field: string, expected: string, found: string) => out.push(cellIssue(source, a, field, expected, found));
  const large = (a: Application, field: string, v: Decimal | null) => {
    if (v !== null && exceeds(v, IMPLAUSIBLY_LARGE)) issue(a, field, `an amount under ${y(IMPLAUSIBLY_LARGE)} (is it 元 under a 万元 header?)`, y(v));
  };
  for (let i = 0; i < apps.length; i++) {
    const a = apps[i]!;
    const m = checks.get(a.measureId)!;
    // AMOUNTS, one property each (a property named by a variable is a slower read).
    large(a, 'total_investment', a.totalInvestment);
    large(a, 'eligible_base', a.eligibleBase);
    large(a, 'requested', a.requested);
    large(a, 'upper_funding', a.upperFunding);
    const base = a.eligibleBase ?? a.totalInvestment;
    if (m.rate && base !== null && compare(base, ZERO) > 0 && compare(base, IMPLAUSIBLY_SMALL_BASE) < 0) {
      issue(a, a.eligibleBase ? 'eligible_base' : 'total_investment', `an investment base of at least ${y(IMPLAUSIBLY_SMALL_BASE)} (is it 万元 under a 元 header?)`, y(base));
    }
    if (a.eligibleBase && a.totalInvestment && compare(a.eligibleBase, a.totalInvestment) > 0) {
      issue(a, 'eligible_base', `a base no larger than the total investment ${y(a.totalInvestment)}`, y(a.eligibleBase));
    }
    if (a.upperFunding && a.totalInvestment && compare(a.upperFunding, a.totalInvestment) > 0) {
      issue(a, 'upper_funding', `an upper-level grant no larger than the total investment ${y(a.totalInvestment)}`, y(a.upperFunding));
    }
    // Above a cap the policy states (per project, per company a year): the request cannot be met.
    // (Above a rate × base ceiling is common, by rounding up, and not reported.)
    if (a.requested && m.cap && exceeds(a.requested, m.cap.amount)) {
      issue(a, 'requested', `at most ${y(m.cap.amount)}, the most ${m.id} ${m.clause} pays ${m.cap.per}`, y(a.requested));
    }
    if (year !== undefined && a.year !== year) {
      issue(a, 'year', `the scenario's year ${year} (this application will get nothing)`, String(a.year));
    }
  }
  out.push(...companyWarnings(apps, source));
  out.push(...policyRuleWarnings(apps, policy, source, year));
  return out.sort((p, q) => Number(p.row ?? 0) - Number(q.row ?? 0));
}

/**
 * One company, one code: company limits are counted per code. Names are compared as people
 * mean them (`companyKey`: full-width and half-width alike, spaces and case ignored), codes in
 * upper case. A code given with a second name is a warning at the application where that name
 * first appears with it; a company given a second code, where that code first appears with it.
 */
function companyWarnings(apps: readonly Application[], source: ApplicationsSource): InputIssue[] {
  const out: InputIssue[] = [];
  const codes = numbered(apps.map((a) => upperCase(a.companyId)));
  const names = numbered(apps.map((a) => companyKey(a.companyName)));
  // Per code: the first name given with it and where; the other names given with it so far (null while there are none).
  const nameOfCode = new Int32Array(codes.keys.length).fill(-1);
  const firstOfCode: Application[] = new Array(codes.keys.length);
  const otherNames: (Set<number> | null)[] = new Array(codes.keys.length).fill(null);
  // Per name: the first code given for it and where; the other codes given for it so far.
  const codeOfName = new Int32Array(names.keys.length).fill(-1);
  const firstOfName: Application[] = new Array(names.keys.length);
  const otherCodes: (Set<number> | null)[] = new Array(names.keys.length).fill(null);
  // In row order, each warning at the application where its name or code first appears: what
  // it says (the first name, code and row) is settled by then.
  for (let i = 0; i < apps.length; i++) {
    const a = apps[i]!;
    const code = codes.of[i]!;
    const name = names.of[i]!;
    let newName = false;
    let newCode = false;
    if (nameOfCode[code] === -1) (nameOfCode[code] = name), (firstOfCode[code] = a);
    else if (name !== nameOfCode[code] && !otherNames[code]?.has(name)) (otherNames[code] ??= new Set()).add(name), (newName = true);
    if (codeOfName[name] === -1) (codeOfName[name] = code), (firstOfName[name] = a);
    else if (code !== codeOfName[name] && !otherCodes[name]?.has(code)) (otherCodes[name] ??= new Set()).add(code), (newCode = true);
    if (newName) {
      const first = firstOfCode[code]!;
      out.push(cellIssue(source, a, 'company_name', `the name given with code ${a.companyId} in row ${first.row} (${shown(first.companyName)})`, shown(a.companyName)));
    }
    if (newCode) {
      const first = firstOfName[name]!;
      const written = a.companyName === first.companyName ? '' : ` (the name written ${shown(a.companyName)})`;
      out.push(cellIssue(source, a, 'company_id', `the code given for ${shown(first.companyName)} in row ${first.row} (${codes.keys[codeOfName[name]!]}); company limits count per code`, `${shown(a.companyId)}${written}`));
    }
  }
  return out;
}

/**
 * The policy's conditions and shares against the list: a measure whose conditions every one of
 * its applications fails (a threshold in the wrong unit, a window of the wrong year), and a
 * share rule with no qualifying application (its minimum then holds back every other one).
 */
function policyRuleWarnings(apps: readonly Application[], policy: Policy, source: ApplicationsSource, year?: number): InputIssue[] {
  const out: InputIssue[] = [];
  const ofYear = apps.filter((a) => !a.lockedFrom && (year === undefined || a.year === year));
  const column = source.headers['measure'] ?? 'measure';
  for (const m of policy.measures) {
    if (!m.rules.some((r) => r.type === 'eligibility' || r.type === 'tiers')) continue;
    const mine = ofYear.filter((a) => a.measureId === m.id);
    if (mine.length < 2) continue;
    // Only whether every one fails is asked: the first that meets the conditions settles it.
    const firstFailed = entitlementOf(mine[0]!, m);
    if (mine.every((a, i) => (i === 0 ? firstFailed : entitlementOf(a, m)).binding === 'ineligible')) {
      const why = firstFailed.ceiling.basis;
      const field = why.kind === 'eligibility' || why.kind === 'tier' ? ` (the first: ${why.field} ${why.value ?? 'empty'})` : '';
      out.push({ file: source.file, column, expected: `some applications of ${m.id} ${m.clause} meeting its conditions (is a threshold in the right unit, a date window in the right year?)`, found: `all ${mine.length} fail them${field}` });
    }
  }
  for (const s of policy.shares ?? []) {
    if (s.min === undefined || new D(s.min).isZero()) continue;
    const mine = ofYear.filter((a) => s.measures.includes(a.measureId));
    if (mine.length && !mine.some((a) => qualifies(a, s.where))) {
      out.push({ file: source.file, column, expected: `some applications under ${s.measures.join(', ')} qualifying for share ${s.id} ${s.clause} (${Object.entries(s.where).map(([f, v]) => `${f} ${v.join('/')}`).join(', ')})`, found: `none of ${mine.length}: the share's minimum lets none of them be funded` });
    }
  }
  return out;
}

/** A company's name as compared: half-width, without spaces, in one case. */
export function companyKey(name: string): string {
  // Text of CJK ideographs and printable ASCII without capitals and spaces (most names) is its own key.
  let plain = true;
  for (let i = 0; i < name.length && plain; i++) {
    const c = name.charCodeAt(i);
    plain = (c >= 0x4e00 && c <= 0x9fff) || (c > 32 && c < 127 && !(c >= 65 && c <= 90));
  }
  if (plain) return name;
  return toHalfWidth(name).replace(/\s+/g, '').toLowerCase();
}

/** What a solve of the scenario allocated (or, before one, could), for the budget's check. */
export interface BudgetUse {
  readonly budget: Decimal;
  /** Allocated, locked grants included; null before a solve, when what the candidates may get bounds it. */
  readonly granted: Decimal | null;
  /** Locked grants of earlier batches, together. */
  readonly locked: Decimal;
  readonly applications: number;
  /** Each candidate, what the policy allows it (rounded down to the granularity), and after a solve its grant and binding. */
  readonly candidates: readonly { readonly app: Application; readonly cap: Decimal; readonly grant?: Decimal; readonly binding?: string }[];
}

/** Less than this share of the budget allocated is a warning. */
export const BUDGET_USE_WARNING = new D('0.5');

/**
 * Less than half of the budget allocated (or, before a solve, allocatable), and why: no
 * candidates; entitlements small next to the budget — with typical amounts under ¥10,000, most
 * likely 万元 under a header without （万元）, which reads as 元 — or limits that stopped the
 * candidates, by what stopped them.
 */
export function budgetUseWarnings(u: BudgetUse, where: Pick<InputIssue, 'file' | 'row'>, source: ApplicationsSource): InputIssue[] {
  const y = fmtYuanHuman;
  const half = u.budget.times(BUDGET_USE_WARNING);
  // After a solve, what it allocated settles it before the candidates are read.
  if (u.budget.lte(0) || u.granted?.gte(half)) return [];
  const entitled = u.candidates.reduce((s, c) => s.plus(c.cap), u.locked);
  const reached = u.granted ?? entitled;
  if (reached.gte(half)) return [];
  const share = `${reached.div(u.budget).times(100).toDecimalPlaces(2, D.ROUND_DOWN).toString()}%`;
  const expected = `at least half of the budget ${y(u.budget)} ${u.granted !== null ? 'allocated' : 'allocatable'}`;
  const amount = u.granted !== null ? `${y(u.granted)} (${share})` : `at most ${y(entitled)} (${share})`;
  if (u.candidates.length === 0) {
    return [{ ...where, expected, found: `${amount}: none of the ${u.applications} applications is a candidate (another year, below minScore, or locked)` }];
  }
  const allows = `the policy allows the ${u.candidates.length} candidates ${y(entitled.minus(u.locked))}${u.locked.gt(0) ? ` (and ${y(u.locked)} is locked)` : ''}`;
  if (entitled.lt(half)) {
    const small = AMOUNTS.filter(([field]) => field !== 'upper_funding')
      .map(([field, key]) => [source.headers[field] ?? field, median(u.candidates.map((c) => c.app[key]).filter((v): v is Decimal => v !== null && v.gt(0)))] as const)
      .filter(([, m]) => m !== null && m.lt(IMPLAUSIBLY_SMALL_BASE));
    const why = small.length
      ? `; median ${small.map(([h, m]) => `${h} ${y(m!)}`).join(', ')}: amounts in 万元 under a header without （万元） are read as 元`
      : '; is the budget right, and are amounts in 万元 under headers with （万元）?';
    return [{ ...where, expected, found: `${amount}: ${allows}${why}` }];
  }
  const short = u.candidates.filter((c) => c.grant !== undefined && c.grant.lt(c.cap));
  const by = new Map<string, number>();
  for (const c of short) by.set(c.binding ?? '', (by.get(c.binding ?? '') ?? 0) + 1);
  const stoppedBy = [...by.entries()].sort((p, q) => q[1] - p[1]).map(([b, k]) => `${b} ${k}`).join(', ');
  const unfunded = short.filter((c) => c.grant!.isZero()).length;
  return [{ ...where, expected, found: `${amount}, though ${allows}: ${short.length} got less than their entitlement (${unfunded} nothing), stopped by ${stoppedBy} (allocations.csv's binding)` }];
}

/** The middle value (the lower of the two middle ones), or null for none. */
function median(values: readonly Decimal[]): Decimal | null {
  if (!values.length) return null;
  const sorted = [...values].sort((p, q) => p.comparedTo(q));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
