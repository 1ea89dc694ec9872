/**
 * The exact verifier. It re-reads the policy's rules and the scenario's limits and checks
 * every one against the final grants, in Decimal, sharing no code with the LP builder,
 * the entitlement calculation or the rounding. A violation is a bug in fundplan.
 */
import { Decimal as DecimalBase } from 'decimal.js';
import type { Application } from '../model/application.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import { fenFloor, fenOf } from './fen.js';

export interface Violation {
  /** The rule: a measure rule (`P05-ROLLOUT（五）rate`) or a scenario limit (`budget`). */
  readonly rule: string;
  /** Project id, company id, measure id, or `total`. */
  readonly subject: string;
  readonly limit: string;
  readonly value: string;
  /** How far past the limit (positive). */
  readonly excess: string;
}

export interface Verification {
  readonly checks: number;
  readonly violations: readonly Violation[];
}

/** Its own Decimal configuration: 50 significant digits, nothing rounded in a sum. */
const Decimal = DecimalBase.clone({ precision: 50 });
type Decimal = DecimalBase;
const Z = new Decimal(0);

type Eligibility = Extract<Policy['measures'][number]['rules'][number], { type: 'eligibility' }>;

/** The value an eligibility rule compares, as text: a standard amount, the score, or an attribute's value (null: none). */
function valueOf(a: Application, field: string): string | null {
  const amount = (d: DecimalBase | null) => (d === null ? null : d.toString());
  if (field === 'total_investment') return amount(a.totalInvestment);
  if (field === 'eligible_base') return amount(a.eligibleBase);
  if (field === 'requested') return amount(a.requested);
  if (field === 'upper_funding') return amount(a.upperFunding);
  if (field === 'score') return a.score.toString();
  return a.attributes?.[field] ?? null;
}

/** Does a value meet the rule: one of `in`, or within `min`..`max` (both ends included)? */
function meets(rule: Eligibility, value: string | null, isDate: boolean): boolean {
  if (value === null) return false;
  if (rule.in) return rule.in.includes(value);
  const below = (x: string, y: string) => (isDate ? x < y : new Decimal(x).lt(new Decimal(y)));
  return !(rule.min !== undefined && below(value, rule.min)) && !(rule.max !== undefined && below(rule.max, value));
}

/** The amount a tiers or bonus rule lists for a value (undefined: none, or no value). */
function amountFor(amounts: Readonly<Record<string, string>>, value: string | undefined): string | undefined {
  return value !== undefined && Object.hasOwn(amounts, value) ? amounts[value] : undefined;
}

function conditionText(rule: Eligibility): string {
  if (rule.in) return `in [${rule.in.join(', ')}]`;
  return [rule.min !== undefined ? `≥ ${rule.min}` : '', rule.max !== undefined ? `≤ ${rule.max}` : ''].filter(Boolean).join(' and ');
}

/**
 * A banded ceiling on `base`. Marginal: Σ over bands of rate × the part of the base between
 * the band's `from` and the next band's. Whole: the rate of the last band whose `from` ≤ base,
 * on the whole base (0 below the first band).
 */
function banded(mode: 'marginal' | 'whole', bands: readonly { from: Decimal; rate: Decimal }[], base: Decimal): Decimal {
  if (mode === 'whole') {
    let rate = Z;
    for (const b of bands) if (b.from.lte(base)) rate = b.rate;
    return rate.times(base);
  }
  let sum = Z;
  bands.forEach((b, k) => {
    const next = bands[k + 1];
    const top = next && next.from.lt(base) ? next.from : base;
    if (top.gt(b.from)) sum = sum.plus(b.rate.times(top.minus(b.from)));
  });
  return sum;
}

/** A rule's number, parsed once. */
const numbers = new Map<string, Decimal>();
function num(text: string): Decimal {
  let d = numbers.get(text);
  if (!d) numbers.set(text, (d = new Decimal(text)));
  return d;
}

/**
 * A per-project ceiling: `offset + grant ≤ limit` (offset null: the grant alone), leaving the grant
 * `room`; with ⌊100 × limit⌋ and the offset in fen where they are safe integers (else null).
 */
interface OwnCeiling {
  readonly rule: string;
  readonly limit: Decimal;
  readonly room: Decimal;
  readonly offset: Decimal | null;
  readonly limitFen: number | null;
  readonly offsetFen: number | null;
}

/**
 * What an application's own measure says of it, whatever it is granted: its per-project ceilings,
 * the conditions it fails, the bonus ceiling it earns (the least other ceiling + the bonus), and
 * the per-company caps it counts against. Worked out once per application and measure: the what-if
 * page and the analysis verify the same applications again and again.
 */
interface ProjectRules {
  readonly ceilings: readonly OwnCeiling[];
  readonly failed: readonly string[];
  readonly bonus: { readonly rule: string; readonly limit: Decimal; readonly limitFen: number | null } | null;
  /** Per company and year, under the measure: summed per measure, company and year. */
  readonly companyCaps: readonly { readonly rule: string; readonly limit: Decimal }[];
}

/**
 * Per list of applications, each one's rules by its index (with the application and measure they
 * were worked out for, so a list or policy that differs is worked out again).
 */
const projectRulesOf = new WeakMap<readonly Application[], ({ readonly a: Application; readonly m: Policy['measures'][number]; readonly rules: ProjectRules } | undefined)[]>();
function projectRulesIn(apps: readonly Application[]): (i: number, m: Policy['measures'][number], dateFields: ReadonlySet<string>) => ProjectRules {
  let known = projectRulesOf.get(apps);
  if (!known) projectRulesOf.set(apps, (known = new Array(apps.length)));
  const list = known;
  return (i, m, dateFields) => {
    const a = apps[i]!;
    const k = list[i];
    if (k && k.a === a && k.m === m) return k.rules;
    const rules = projectRules(m, a, dateFields);
    list[i] = { a, m, rules };
    return rules;
  };
}

/** The least per-project ceiling: what the entitlement is (for decisions and the integer rules). */
function leastOf(a: Application, own: ProjectRules): Decimal | null {
  let least: Decimal | null = a.requested;
  const note = (v: Decimal) => {
    if (least === null || v.lt(least)) least = v;
  };
  if (own.failed.length) note(Z);
  else if (own.bonus) note(own.bonus.limit);
  else for (const c of own.ceilings) note(c.room);
  return least;
}

/** A rule's texts that do not depend on the application (matching has three). */
interface RuleTexts {
  readonly main: string;
  readonly ratio: string;
  readonly fallback: string;
}

/** A measure's rule texts by the rule's index, made once per measure. */
const textsOf = new WeakMap<Policy['measures'][number], readonly RuleTexts[]>();
function ruleTexts(m: Policy['measures'][number]): readonly RuleTexts[] {
  let texts = textsOf.get(m);
  if (texts) return texts;
  const tag = `${m.id}${m.clause}`;
  const one = (main: string): RuleTexts => ({ main, ratio: '', fallback: '' });
  texts = m.rules.map((rule): RuleTexts => {
    switch (rule.type) {
      case 'rate':
        return one(`${tag} rate ${rule.rate}`);
      case 'baseCeiling':
        return one(`${tag} base`);
      case 'projectCap':
        return one(`${tag} projectCap`);
      case 'matching':
        return { main: `${tag} matching: upper + city ≤ ${rule.totalShare} × total investment`, ratio: `${tag} matching: city ≤ ${rule.ratio} × upper`, fallback: `${tag} matching: no upper amount, fallback cap` };
      case 'companyCap':
        return one(`${tag} companyCap per ${rule.period}`);
      case 'bands':
        return one(`${tag} bands ${rule.mode}`);
      default:
        return one('');
    }
  });
  textsOf.set(m, texts);
  return texts;
}

/**
 * What of a measure's rules is the same for every application under it, made once per measure:
 * a project cap's ceiling (rule k's at k) and the per-company caps.
 */
interface MeasureRules {
  readonly projectCaps: readonly (OwnCeiling | undefined)[];
  readonly companyCaps: ProjectRules['companyCaps'];
}
const measureRulesOf = new WeakMap<Policy['measures'][number], MeasureRules>();
function measureRules(m: Policy['measures'][number]): MeasureRules {
  let made = measureRulesOf.get(m);
  if (made) return made;
  const texts = ruleTexts(m);
  const ceiling = (rule: string, limit: Decimal): OwnCeiling => ({ rule, limit, room: limit, offset: null, limitFen: fenFloor(limit), offsetFen: null });
  made = {
    projectCaps: m.rules.map((rule, k) => (rule.type === 'projectCap' ? ceiling(texts[k]!.main, num(rule.amount)) : undefined)),
    companyCaps: m.rules.flatMap((rule, k) => (rule.type === 'companyCap' ? [{ rule: texts[k]!.main, limit: num(rule.amount) }] : [])),
  };
  measureRulesOf.set(m, made);
  return made;
}

/** No conditions failed: one empty list for every application. */
const NONE_FAILED: readonly string[] = Object.freeze([]);

function projectRules(m: Policy['measures'][number], a: Application, dateFields: ReadonlySet<string>): ProjectRules {
  const tag = `${m.id}${m.clause}`;
  // Rule k's texts, made once per measure, and what is the same for every application under it.
  const texts = ruleTexts(m);
  const shared = measureRules(m);
  let k = -1;
  const base = a.eligibleBase ?? a.totalInvestment;
  // A project known only from an earlier batch's allocations.csv has no base here: its own
  // ceilings were that batch's to check. Its grant counts in every sum all the same.
  const own = !a.lockedFrom;
  const ceilings: OwnCeiling[] = [];
  const upTo = (rule: string, limit: Decimal) => ceilings.push({ rule, limit, room: limit, offset: null, limitFen: fenFloor(limit), offsetFen: null });
  let failed: string[] | null = null;
  let bonus: { rule: string; amount: Decimal } | null = null;
  for (const rule of m.rules) {
    k++;
    if (!own) continue;
    switch (rule.type) {
      case 'rate':
        upTo(texts[k]!.main, num(rule.rate).times(base ?? Z));
        break;
      case 'baseCeiling':
        if (base !== null) upTo(texts[k]!.main, base);
        break;
      case 'projectCap':
        ceilings.push(shared.projectCaps[k]!);
        break;
      case 'matching': {
        const upper = a.upperFunding ?? Z;
        // All levels together ≤ share × investment; where the upper grant alone exceeds it, the city gives nothing.
        const ceiling = num(rule.totalShare).times(a.totalInvestment ?? Z);
        const limit = Decimal.max(ceiling, upper);
        ceilings.push({ rule: texts[k]!.main, offset: upper, limit, room: Decimal.max(Z, ceiling.minus(upper)), limitFen: fenFloor(limit), offsetFen: fenOf(upper) });
        if (upper.gt(0)) upTo(texts[k]!.ratio, num(rule.ratio).times(upper));
        else upTo(texts[k]!.fallback, num(rule.fallbackCap));
        break;
      }
      case 'companyCap':
        break; // shared.companyCaps
      case 'eligibility': {
        const value = valueOf(a, rule.field);
        if (!meets(rule, value, dateFields.has(rule.field))) (failed ??= []).push(`${tag} eligibility: ${rule.field} ${conditionText(rule)}, found ${value ?? 'nothing'}`);
        break;
      }
      case 'bands':
        upTo(texts[k]!.main, banded(rule.mode, rule.bands.map((b) => ({ from: num(b.from), rate: num(b.rate) })), base ?? Z));
        break;
      case 'tiers': {
        const value = a.attributes?.[rule.field];
        const amount = amountFor(rule.amounts, value);
        if (amount === undefined) (failed ??= []).push(`${tag} tiers: ${rule.field} ${value ?? 'nothing'} has no amount`);
        else upTo(`${tag} tiers ${rule.field} ${value}`, num(amount));
        break;
      }
      case 'bonus': {
        const value = a.attributes?.[rule.field];
        const amount = amountFor(rule.amounts, value);
        if (amount !== undefined) bonus = { rule: `${tag} bonus ${rule.field} ${value}`, amount: num(amount) };
        break;
      }
    }
  }
  // 另奖励: on top of the least of the other ceilings, which it replaces.
  const b = bonus as { rule: string; amount: Decimal } | null;
  const before = b && ceilings.length ? ceilings.reduce((lo, c) => Decimal.min(lo, c.room), ceilings[0]!.room) : null;
  const rules: ProjectRules = {
    ceilings,
    failed: failed ?? NONE_FAILED,
    bonus: b && before ? bonusCeiling(`${b.rule}: least other ceiling ${before} + ${b.amount}`, before.plus(b.amount)) : null,
    companyCaps: shared.companyCaps,
  };
  return rules;
}

const bonusCeiling = (rule: string, limit: Decimal) => ({ rule, limit, limitFen: fenFloor(limit) });

/**
 * The grants in fen when every one is a whole number of fen and their absolute values sum within
 * the safe integers: then every sum of grants is exact in integers (no partial sum exceeds that
 * total), and a whole-fen value v meets a ceiling L exactly when 100v ≤ ⌊100L⌋. Else null: every
 * sum and check is made in Decimal.
 */
function grantsInFen(grants: readonly Decimal[]): Float64Array | null {
  const out = new Float64Array(grants.length);
  let abs = 0;
  for (let i = 0; i < grants.length; i++) {
    const f = fenOf(grants[i]!);
    if (f === null) return null;
    out[i] = f;
    abs += Math.abs(f);
  }
  // A true total ≥ 2^53 makes the running double ≥ 2^53 too (rounding is monotone).
  return Number.isSafeInteger(abs) ? out : null;
}

/** A sum of grants: in fen where every grant is whole fen (`grantsInFen`), else in Decimal. */
interface Sum {
  fen: number;
  dec: Decimal;
}
const fenDecimal = (fen: number): Decimal => new Decimal(fen).div(100);

/** A sum per scope (a measure's company cap, the annual cap, a joint cap), company and year (subject null: "company year"), or per subject of a joint cap. */
interface Group {
  readonly scope: object;
  readonly rule: string;
  readonly who: string;
  readonly year: number;
  readonly subject: string | null;
  readonly limit: Decimal;
  readonly total: Sum;
  /** The same company or subject in another scope or year. */
  readonly next: Group | null;
}

export function verifyAllocation(
  policy: Policy,
  scenario: Scenario,
  apps: readonly Application[],
  grants: readonly Decimal[],
  /** Projects whose grants an earlier batch fixed: every rule applies, but not this run's granularity. */
  locked: ReadonlySet<string> = new Set(),
): Verification {
  const violations: Violation[] = [];
  let checks = 0;
  const atMost = (rule: string, subject: string, value: Decimal, limit: Decimal) => {
    checks++;
    if (value.gt(limit)) violations.push({ rule, subject, limit: limit.toString(), value: value.toString(), excess: value.minus(limit).toString() });
  };
  const atLeast = (rule: string, subject: string, value: Decimal, limit: Decimal) => {
    checks++;
    if (value.lt(limit)) violations.push({ rule, subject, limit: limit.toString(), value: value.toString(), excess: limit.minus(value).toString() });
  };
  const fens = grantsInFen(grants);
  const exact = fens !== null;
  const sum = (): Sum => ({ fen: 0, dec: Z });
  const add = (s: Sum, grant: Decimal, f: number) => {
    if (exact) s.fen += f;
    else s.dec = s.dec.plus(grant);
  };
  const valueOf = (s: Sum): Decimal => (exact ? fenDecimal(s.fen) : s.dec);
  /** value ≤ limit: in fen where both sides have one (value whole fen, limit as ⌊100 × limit⌋), else in Decimal; written out as atMost writes it. */
  const atMostFen = (rule: string, subject: string, valueFen: number | null, value: Decimal | (() => Decimal), limit: Decimal, limitFen: number | null) => {
    if (valueFen !== null && limitFen !== null && valueFen <= limitFen) checks++;
    else atMost(rule, subject, typeof value === 'function' ? value() : value, limit);
  };
  // ⌊100 × limit⌋ of the limits of the sums per company and joint cap (a few Decimals, shared by many sums).
  const limitFens = new Map<Decimal, number | null>();
  const limitFenOf = (limit: Decimal) => {
    let f = limitFens.get(limit);
    if (f === undefined) limitFens.set(limit, (f = fenFloor(limit)));
    return f;
  };
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  // Attributes whose values are dates (yyyy-mm-dd, compared as text); other bounds compare as decimals.
  const dateFields = new Set((policy.attributes ?? []).filter((x) => x.type === 'date').map((x) => x.id));
  // Sums per scope (a measure's company cap, the annual cap, a joint cap), then per company or
  // subject and year: found by the application's own texts, no key text made per application.
  // Checked in the order first met.
  const groups: Group[] = [];
  // Per company (or subject) its sums over every scope and year: one lookup of the text finds them all.
  const byWho = new Map<string, Group>();
  const addTo = (scope: object, who: string, year: number, rule: string, limit: Decimal, grant: Decimal, f: number, subject: string | null) => {
    const first = byWho.get(who);
    let grp: Group | null = first ?? null;
    while (grp && (grp.scope !== scope || grp.year !== year)) grp = grp.next;
    if (grp) add(grp.total, grant, f);
    else {
      const made: Group = { scope, rule, who, year, subject, limit, total: { fen: f, dec: grant }, next: first ?? null };
      byWho.set(who, made);
      groups.push(made);
    }
  };
  const ANNUAL = {};
  const measureTotals = new Map<string, Sum>();
  const total = sum();
  // The company annual cap: the scenario's amount, else the policy's; the policy's exemptions either way.
  const annualCap = scenario.companyAnnualCap ?? (policy.companyAnnualCap ? num(policy.companyAnnualCap.amount) : null);
  const annualRule = scenario.companyAnnualCap !== null ? 'scenario companyAnnualCap' : `policy companyAnnualCap ${policy.companyAnnualCap?.clause ?? ''}`;
  const annualExempt = new Set(policy.companyAnnualCap?.exempt ?? []);
  const shareTotals = new Map<string, { qualifying: Sum; all: Sum }>();

  // The rules beyond the money rules: decisions, all-or-nothing, minimum shares, exclusive groups,
  // district budgets, count quotas. Per application here; the totals (district, count, group) below.
  const g = scenario.granularity;
  const districtTotals = new Map<string, Sum>();
  const fundedByMeasure = new Map<string, number>();
  const fundedByDistrict = new Map<string, number>();
  const fundedByGroup = new Map<string, string[]>();
  const checkDecisionsAndIntegerRules = (i: number, a: Application, own: ProjectRules, grant: Decimal, positive: boolean, isLocked: boolean) => {
    const id = a.projectId;
    // The full grant: the entitlement (least ceiling, to the fen) rounded down to the granularity.
    const settings = scenario.measureBudgets.get(a.measureId);
    const allOrNothing = settings?.allOrNothing ?? scenario.allOrNothing ?? false;
    const minShare = settings?.minShare ?? scenario.minShare ?? null;
    // Worked out only where a rule needs it.
    const least = !a.decision && !allOrNothing && minShare === null ? null : leastOf(a, own);
    const full = least === null ? null : least.toDecimalPlaces(2, Decimal.ROUND_DOWN).div(g).floor().times(g);
    if (a.decision === 'exclude') atMost('decision exclude', id, grant, Z);
    if (a.decision === 'fund' && !isLocked && a.year === scenario.year) {
      if (scenario.forcedGrant === 'funded') atLeast('decision fund: a grant', id, grant, g);
      else if (full !== null) atLeast('decision fund: the full entitlement', id, grant, full);
    }
    if (!isLocked && positive && full !== null) {
      if (allOrNothing) atLeast('allOrNothing: zero or the full entitlement', id, grant, full);
      if (minShare !== null && minShare.gt(0)) atLeast(`minShare ${minShare}: zero or at least this share of the entitlement`, id, grant, minShare.times(full));
    }
    if (scenario.districtBudgets?.has(a.district)) {
      let t = districtTotals.get(a.district);
      if (!t) districtTotals.set(a.district, (t = sum()));
      add(t, grant, exact ? fens[i]! : 0);
    }
    if (positive) {
      fundedByMeasure.set(a.measureId, (fundedByMeasure.get(a.measureId) ?? 0) + 1);
      fundedByDistrict.set(a.district, (fundedByDistrict.get(a.district) ?? 0) + 1);
      if (a.exclusiveGroup) fundedByGroup.set(a.exclusiveGroup, [...(fundedByGroup.get(a.exclusiveGroup) ?? []), id]);
    }
  };

  const gFen = fenOf(g);
  const rulesOf = projectRulesIn(apps);
  apps.forEach((a, i) => {
    const grant = grants[i]!;
    const m = measures.get(a.measureId);
    const id = a.projectId;
    checks++;
    if (!m) {
      violations.push({ rule: 'measure exists', subject: id, limit: 'a measure of the policy', value: a.measureId, excess: '' });
      return;
    }
    // The grant in fen (0 where the grants are checked in Decimal: then unused).
    const f = exact ? fens[i]! : 0;
    const zero = exact ? f === 0 : grant.isZero();
    const positive = exact ? f > 0 : grant.gt(0);
    // grant ≥ 0: in fen where the grants are whole fen.
    if (exact && f >= 0) checks++;
    else atLeast('grant ≥ 0', id, grant, Z);
    checks++;
    // Whole fen, where `exact`, by construction.
    if (!exact && !zero && !grant.times(100).isInteger()) violations.push({ rule: 'whole fen', subject: id, limit: '0.01', value: grant.toString(), excess: '' });
    const isLocked = locked.has(id);
    if (!isLocked) checks++;
    if (!zero && !isLocked && (exact && gFen !== null ? f % gFen !== 0 : !grant.mod(scenario.granularity).isZero())) {
      violations.push({ rule: 'granularity', subject: id, limit: scenario.granularity.toString(), value: grant.toString(), excess: grant.mod(scenario.granularity).toString() });
    }
    // An earlier batch decided locked grants; year and minimum score were its business.
    if (!isLocked && a.year !== scenario.year) atMostFen(`year ${scenario.year} only`, id, exact ? f : null, grant, Z, 0);
    // The minimum score applies to the award score the scenario gives a measure, where it gives one.
    const score = scenario.awardScores?.get(a.measureId) ?? a.score;
    if (!isLocked && scenario.minScore !== null && score.lt(scenario.minScore)) atMostFen(`minScore ${scenario.minScore}`, id, exact ? f : null, grant, Z, 0);
    if (a.requested !== null) atMostFen('requested', id, exact ? f : null, grant, a.requested, fenFloor(a.requested));
    const own = rulesOf(i, m, dateFields);
    if (own.failed.length) {
      // A condition not met: nothing, whatever the ceilings say.
      for (const rule of own.failed) atMostFen(rule, id, exact ? f : null, grant, Z, 0);
    } else if (own.bonus) {
      // 另奖励: the bonus on top of the least of the other ceilings, which it replaces.
      atMostFen(own.bonus.rule, id, exact ? f : null, grant, own.bonus.limit, own.bonus.limitFen);
    } else {
      for (const c of own.ceilings) {
        if (c.offset === null) atMostFen(c.rule, id, exact ? f : null, grant, c.limit, c.limitFen);
        else {
          const offset = c.offset;
          const valueFen = exact && c.offsetFen !== null && Number.isSafeInteger(c.offsetFen + f) ? c.offsetFen + f : null;
          atMostFen(c.rule, id, valueFen, () => offset.plus(grant), c.limit, c.limitFen);
        }
      }
    }
    for (const c of own.companyCaps) addTo(m, a.companyId, a.year, c.rule, c.limit, grant, f, null);
    if (annualCap !== null && !annualExempt.has(m.id)) {
      addTo(ANNUAL, a.companyId, a.year, annualRule, annualCap, grant, f, null);
    }
    for (const j of policy.jointCaps ?? []) {
      if (!j.measures.includes(m.id)) continue;
      const subject = j.per === 'company' ? a.companyId : a.attributes?.[j.per];
      if (subject === undefined) {
        checks++;
        if (positive) violations.push({ rule: `jointCap ${j.id} ${j.clause}: per ${j.per}`, subject: id, limit: `a value of ${j.per}`, value: 'none', excess: grant.toString() });
        continue;
      }
      addTo(j, subject, 0, `jointCap ${j.id} ${j.clause}`, num(j.amount), grant, f, subject);
    }
    for (const sh of policy.shares ?? []) {
      if (!sh.measures.includes(m.id)) continue;
      let t = shareTotals.get(sh.id);
      if (!t) shareTotals.set(sh.id, (t = { qualifying: sum(), all: sum() }));
      const matches = Object.entries(sh.where).every(([field, values]) => values.includes(a.attributes?.[field] ?? '\u0000'));
      if (matches) add(t.qualifying, grant, f);
      add(t.all, grant, f);
    }
    checkDecisionsAndIntegerRules(i, a, own, grant, positive, isLocked);
    if (!zero) {
      let t = measureTotals.get(m.id);
      if (!t) measureTotals.set(m.id, (t = sum()));
      add(t, grant, f);
      add(total, grant, f);
    }
  });

  for (const g of groups) {
    const limitFen = limitFenOf(g.limit);
    if (exact && limitFen !== null && g.total.fen <= limitFen) checks++;
    else atMost(g.rule, g.subject ?? `${g.who} ${g.year}`, valueOf(g.total), g.limit);
  }
  for (const [id, b] of scenario.measureBudgets) {
    const m = measureTotals.get(id);
    const t = m ? valueOf(m) : Z;
    if (b.max !== null) atMost('scenario measureBudgets max', id, t, b.max);
    if (b.min !== null) atLeast('scenario measureBudgets min', id, t, b.min);
  }
  atMost('scenario budget', 'total', valueOf(total), scenario.budget);
  for (const sh of policy.shares ?? []) {
    const s = shareTotals.get(sh.id);
    const t = s ? { qualifying: valueOf(s.qualifying), all: valueOf(s.all) } : { qualifying: Z, all: Z };
    if (sh.min !== undefined) atLeast(`share ${sh.id} ${sh.clause}: qualifying ≥ ${sh.min} × all`, sh.id, t.qualifying, num(sh.min).times(t.all));
    if (sh.max !== undefined) atMost(`share ${sh.id} ${sh.clause}: qualifying ≤ ${sh.max} × all`, sh.id, t.qualifying, num(sh.max).times(t.all));
  }
  for (const [d, b] of scenario.districtBudgets ?? []) {
    const s = districtTotals.get(d);
    const t = s ? valueOf(s) : Z;
    if (b.max !== null) atMost('scenario districtBudgets max', d, t, b.max);
    if (b.min !== null) atLeast('scenario districtBudgets min', d, t, b.min);
  }
  for (const [id, b] of scenario.measureBudgets) {
    const n = new Decimal(fundedByMeasure.get(id) ?? 0);
    if (b.maxCount !== undefined) atMost('scenario measureBudgets maxCount (applications funded)', id, n, new Decimal(b.maxCount));
    if (b.minCount !== undefined) atLeast('scenario measureBudgets minCount (applications funded)', id, n, new Decimal(b.minCount));
  }
  for (const [d, b] of scenario.districtBudgets ?? []) {
    const n = new Decimal(fundedByDistrict.get(d) ?? 0);
    if (b.maxCount !== undefined) atMost('scenario districtBudgets maxCount (applications funded)', d, n, new Decimal(b.maxCount));
    if (b.minCount !== undefined) atLeast('scenario districtBudgets minCount (applications funded)', d, n, new Decimal(b.minCount));
  }
  for (const [group, ids] of fundedByGroup) atMost(`exclusive_group: at most one funded (${ids.join(', ')})`, group, new Decimal(ids.length), new Decimal(1));
  return { checks, violations };
}
