/**
 * Checks that break no rule, but catch what people get wrong when they fill in the list or the
 * scenario: amounts in the wrong unit, a request above what the policy can ever pay, a base
 * larger than the investment, one company under two codes, an application of another year —
 * each a warning with its row and column — and, for the scenario as a whole, a budget of which
 * less than half is allocated (or, before a solve, can be), with why. Loading a scenario makes
 * the first kind; a solve adds the budget's; `fundplan validate` lists them with the errors.
 */
import type { Decimal } from 'decimal.js';
import { D, fmtYuanHuman, toHalfWidth } from '../money.js';
import { shown, type InputIssue } from '../errors.js';
import type { Application, ApplicationsSource } from './application.js';
import type { Policy } from './policy.js';
import { ruleOf } from './policy.js';
import { entitlementOf } from './entitlement.js';
import { qualifies } from './limits.js';

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

/** The first key seen and its value, and the other keys with theirs (null while there are none). */
interface Firsts<K, V> {
  readonly first: K;
  readonly value: V;
  others: Map<K, V> | null;
}

/** Upper case; text without lower-case or non-ASCII letters (a credit code as usually written) as it is. */
function upperCase(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c >= 128) return s.toUpperCase();
  }
  return s;
}

export function plausibilityWarnings(apps: readonly Application[], policy: Policy, source: ApplicationsSource, year?: number): InputIssue[] {
  const out: InputIssue[] = [];
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const at = (a: Application, field: string) => ({ file: source.file, row: a.row, column: source.headers[field] ?? field });
  const y = fmtYuanHuman;
  // Per code, the names it is given (the first, then any other with the row it first appears in);
  // per company (its name as compared), the codes it is given and how the name was written.
  // Most codes have one name and most names one code: the others are kept only where there are any.
  const namesOf = new Map<string, Firsts<string, Application>>();
  const codesOf = new Map<string, Firsts<string, { row: number; name: string }>>();
  // Names repeat: per name as written, its compared form and that one's entry, worked out once.
  const ofName = new Map<string, { key: string; codes: Firsts<string, { row: number; name: string }> | undefined }>();
  const codeOfApp = apps.map((a) => upperCase(a.companyId));
  const nameOfApp: string[] = [];
  // Per application, the entries of its code and its name.
  const namesOfApp: Firsts<string, Application>[] = [];
  const codesOfApp: Firsts<string, { row: number; name: string }>[] = [];
  // The least cap the policy states per measure (per project, per company a year), worked out once.
  const capOf = new Map(
    policy.measures.map((m) => {
      const projectCap = ruleOf(m, 'projectCap');
      const companyCap = ruleOf(m, 'companyCap');
      // A bonus (另奖励) goes on top of the project cap: the most one project can have is the cap and the largest bonus.
      const bonus = Object.values(ruleOf(m, 'bonus')?.amounts ?? {}).reduce((hi, v) => D.max(hi, new D(v)), new D(0));
      const caps = [
        ...(projectCap ? [{ amount: bonus.plus(projectCap.amount), per: bonus.gt(0) ? 'one project, with the largest bonus' : 'one project' }] : []),
        ...(companyCap ? [{ amount: new D(companyCap.amount), per: 'one company a year' }] : []),
      ].sort((p, q) => p.amount.comparedTo(q.amount));
      return [m.id, caps[0]] as const;
    }),
  );
  for (const [i, a] of apps.entries()) {
    const m = measures.get(a.measureId)!;
    for (const [field, key] of AMOUNTS) {
      const v = a[key];
      if (v !== null && v.gt(IMPLAUSIBLY_LARGE)) {
        out.push({ ...at(a, field), expected: `an amount under ${y(IMPLAUSIBLY_LARGE)} (is it 元 under a 万元 header?)`, found: y(v) });
      }
    }
    const base = a.eligibleBase ?? a.totalInvestment;
    if (ruleOf(m, 'rate') && base !== null && base.gt(0) && base.lt(IMPLAUSIBLY_SMALL_BASE)) {
      out.push({ ...at(a, a.eligibleBase ? 'eligible_base' : 'total_investment'), expected: `an investment base of at least ${y(IMPLAUSIBLY_SMALL_BASE)} (is it 万元 under a 元 header?)`, found: y(base) });
    }
    if (a.eligibleBase && a.totalInvestment && a.eligibleBase.gt(a.totalInvestment)) {
      out.push({ ...at(a, 'eligible_base'), expected: `a base no larger than the total investment ${y(a.totalInvestment)}`, found: y(a.eligibleBase) });
    }
    if (a.upperFunding && a.totalInvestment && a.upperFunding.gt(a.totalInvestment)) {
      out.push({ ...at(a, 'upper_funding'), expected: `an upper-level grant no larger than the total investment ${y(a.totalInvestment)}`, found: y(a.upperFunding) });
    }
    if (a.requested) {
      // Above a cap the policy states (per project, per company a year): the request cannot be met.
      // (Above a rate × base ceiling is common, by rounding up, and not reported.)
      const cap = capOf.get(m.id);
      if (cap && a.requested.gt(cap.amount)) {
        out.push({ ...at(a, 'requested'), expected: `at most ${y(cap.amount)}, the most ${m.id} ${m.clause} pays ${cap.per}`, found: y(a.requested) });
      }
    }
    if (year !== undefined && a.year !== year) {
      out.push({ ...at(a, 'year'), expected: `the scenario's year ${year} (this application will get nothing)`, found: String(a.year) });
    }
    const code = codeOfApp[i]!;
    let written = ofName.get(a.companyName);
    if (written === undefined) {
      const key = companyKey(a.companyName);
      ofName.set(a.companyName, (written = { key, codes: codesOf.get(key) }));
    }
    const name = written.key;
    nameOfApp.push(name);
    let names = namesOf.get(code);
    if (names === undefined) namesOf.set(code, (names = { first: name, value: a, others: null }));
    else if (name !== names.first && !names.others?.has(name)) (names.others ??= new Map()).set(name, a);
    namesOfApp.push(names);
    let codes = written.codes;
    if (codes === undefined) codesOf.set(name, (written.codes = codes = { first: code, value: { row: a.row, name: a.companyName }, others: null }));
    else if (code !== codes.first && !codes.others?.has(code)) (codes.others ??= new Map()).set(code, { row: a.row, name: a.companyName });
    codesOfApp.push(codes);
  }
  // One company, one code: company limits are counted per code. Names are compared as people
  // mean them: full-width and half-width alike, spaces and case ignored.
  for (const [i, a] of apps.entries()) {
    const names = namesOfApp[i]!;
    const codes = codesOfApp[i]!;
    if (names.others === null && codes.others === null) continue;
    const code = codeOfApp[i]!;
    const name = nameOfApp[i]!;
    // The application where a code's other name first appears.
    if (names.others !== null && name !== names.first && names.others.get(name) === a) {
      const first = names.value;
      out.push({ ...at(a, 'company_name'), expected: `the name given with code ${a.companyId} in row ${first.row} (${shown(first.companyName)})`, found: shown(a.companyName) });
    }
    if (codes.others !== null && code !== codes.first && codes.others.get(code)!.row === a.row) {
      const first = codes.value;
      const written = a.companyName === first.name ? '' : ` (the name written ${shown(a.companyName)})`;
      out.push({ ...at(a, 'company_id'), expected: `the code given for ${shown(first.name)} in row ${first.row} (${codes.first}); company limits count per code`, found: `${shown(a.companyId)}${written}` });
    }
  }
  out.push(...policyRuleWarnings(apps, policy, source, year));
  return out.sort((p, q) => Number(p.row ?? 0) - Number(q.row ?? 0));
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
