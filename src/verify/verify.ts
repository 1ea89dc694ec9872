/**
 * The exact verifier. It re-reads the policy's rules and the scenario's limits and checks
 * every one against the final grants, in Decimal, sharing no code with the LP builder,
 * the entitlement calculation or the rounding. A violation is a bug in fundplan.
 */
import { Decimal as DecimalBase } from 'decimal.js';
import type { Application } from '../model/application.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';

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

/** A per-project ceiling: `offset + grant ≤ limit` (offset null: the grant alone), leaving the grant `room`. */
interface OwnCeiling {
  readonly rule: string;
  readonly limit: Decimal;
  readonly room: Decimal;
  readonly offset: Decimal | null;
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
  readonly bonus: { readonly rule: string; readonly limit: Decimal } | null;
  readonly companyCaps: readonly { readonly key: string; readonly rule: string; readonly subject: string; readonly limit: Decimal }[];
  /** The company annual cap's key and subject (the cap itself is the scenario's or the policy's). */
  readonly annualKey: string;
  readonly companyYear: string;
}

const projectRulesOf = new WeakMap<Policy['measures'][number], WeakMap<Application, ProjectRules>>();

function projectRules(m: Policy['measures'][number], a: Application, dateFields: ReadonlySet<string>): ProjectRules {
  let byApp = projectRulesOf.get(m);
  if (!byApp) projectRulesOf.set(m, (byApp = new WeakMap()));
  const known = byApp.get(a);
  if (known) return known;
  const tag = `${m.id}${m.clause}`;
  const base = a.eligibleBase ?? a.totalInvestment;
  // A project known only from an earlier batch's allocations.csv has no base here: its own
  // ceilings were that batch's to check. Its grant counts in every sum all the same.
  const own = !a.lockedFrom;
  const ceilings: OwnCeiling[] = [];
  const upTo = (rule: string, limit: Decimal) => ceilings.push({ rule, limit, room: limit, offset: null });
  const failed: string[] = [];
  const companyCaps: ProjectRules['companyCaps'][number][] = [];
  let bonus: { rule: string; amount: Decimal } | null = null;
  for (const rule of m.rules) {
    if (!own && rule.type !== 'companyCap') continue;
    switch (rule.type) {
      case 'rate':
        upTo(`${tag} rate ${rule.rate}`, num(rule.rate).times(base ?? Z));
        break;
      case 'baseCeiling':
        if (base !== null) upTo(`${tag} base`, base);
        break;
      case 'projectCap':
        upTo(`${tag} projectCap`, num(rule.amount));
        break;
      case 'matching': {
        const upper = a.upperFunding ?? Z;
        // All levels together ≤ share × investment; where the upper grant alone exceeds it, the city gives nothing.
        const ceiling = num(rule.totalShare).times(a.totalInvestment ?? Z);
        ceilings.push({ rule: `${tag} matching: upper + city ≤ ${rule.totalShare} × total investment`, offset: upper, limit: Decimal.max(ceiling, upper), room: Decimal.max(Z, ceiling.minus(upper)) });
        if (upper.gt(0)) upTo(`${tag} matching: city ≤ ${rule.ratio} × upper`, num(rule.ratio).times(upper));
        else upTo(`${tag} matching: no upper amount, fallback cap`, num(rule.fallbackCap));
        break;
      }
      case 'companyCap':
        companyCaps.push({ key: `cm\u0000${m.id}\u0000${a.companyId}\u0000${a.year}`, rule: `${tag} companyCap per ${rule.period}`, subject: `${a.companyId} ${a.year}`, limit: num(rule.amount) });
        break;
      case 'eligibility': {
        const value = valueOf(a, rule.field);
        if (!meets(rule, value, dateFields.has(rule.field))) failed.push(`${tag} eligibility: ${rule.field} ${conditionText(rule)}, found ${value ?? 'nothing'}`);
        break;
      }
      case 'bands':
        upTo(`${tag} bands ${rule.mode}`, banded(rule.mode, rule.bands.map((b) => ({ from: num(b.from), rate: num(b.rate) })), base ?? Z));
        break;
      case 'tiers': {
        const value = a.attributes?.[rule.field];
        const amount = amountFor(rule.amounts, value);
        if (amount === undefined) failed.push(`${tag} tiers: ${rule.field} ${value ?? 'nothing'} has no amount`);
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
  const before = ceilings.length ? ceilings.reduce((lo, c) => Decimal.min(lo, c.room), ceilings[0]!.room) : null;
  const b = bonus as { rule: string; amount: Decimal } | null;
  const rules: ProjectRules = {
    ceilings,
    failed,
    bonus: b && before ? { rule: `${b.rule}: least other ceiling ${before} + ${b.amount}`, limit: before.plus(b.amount) } : null,
    companyCaps,
    annualKey: `ca\u0000${a.companyId}\u0000${a.year}`,
    companyYear: `${a.companyId} ${a.year}`,
  };
  byApp.set(a, rules);
  return rules;
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
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  // Attributes whose values are dates (yyyy-mm-dd, compared as text); other bounds compare as decimals.
  const dateFields = new Set((policy.attributes ?? []).filter((x) => x.type === 'date').map((x) => x.id));
  const groups = new Map<string, { rule: string; subject: string; limit: Decimal; total: Decimal }>();
  const addTo = (key: string, rule: string, subject: string, limit: Decimal, grant: Decimal) => {
    const grp = groups.get(key);
    if (grp) {
      if (!grant.isZero()) grp.total = grp.total.plus(grant);
    }
    else groups.set(key, { rule, subject, limit, total: grant });
  };
  const measureTotals = new Map<string, Decimal>();
  let total = Z;
  // The company annual cap: the scenario's amount, else the policy's; the policy's exemptions either way.
  const annualCap = scenario.companyAnnualCap ?? (policy.companyAnnualCap ? num(policy.companyAnnualCap.amount) : null);
  const annualRule = scenario.companyAnnualCap !== null ? 'scenario companyAnnualCap' : `policy companyAnnualCap ${policy.companyAnnualCap?.clause ?? ''}`;
  const annualExempt = new Set(policy.companyAnnualCap?.exempt ?? []);
  const shareTotals = new Map<string, { qualifying: Decimal; all: Decimal }>();

  // The rules beyond the money rules: decisions, all-or-nothing, minimum shares, exclusive groups,
  // district budgets, count quotas. Per application here; the totals (district, count, group) below.
  const g = scenario.granularity;
  const districtTotals = new Map<string, Decimal>();
  const fundedByMeasure = new Map<string, number>();
  const fundedByDistrict = new Map<string, number>();
  const fundedByGroup = new Map<string, string[]>();
  const checkDecisionsAndIntegerRules = (a: Application, grant: Decimal, least: Decimal | null, isLocked: boolean) => {
    const id = a.projectId;
    // The full grant: the entitlement (least ceiling, to the fen) rounded down to the granularity.
    const settings = scenario.measureBudgets.get(a.measureId);
    const allOrNothing = settings?.allOrNothing ?? scenario.allOrNothing ?? false;
    const minShare = settings?.minShare ?? scenario.minShare ?? null;
    // Worked out only where a rule needs it.
    const full = least === null || (!a.decision && !allOrNothing && minShare === null) ? null : least.toDecimalPlaces(2, Decimal.ROUND_DOWN).div(g).floor().times(g);
    if (a.decision === 'exclude') atMost('decision exclude', id, grant, Z);
    if (a.decision === 'fund' && !isLocked && a.year === scenario.year) {
      if (scenario.forcedGrant === 'funded') atLeast('decision fund: a grant', id, grant, g);
      else if (full !== null) atLeast('decision fund: the full entitlement', id, grant, full);
    }
    if (!isLocked && grant.gt(0) && full !== null) {
      if (allOrNothing) atLeast('allOrNothing: zero or the full entitlement', id, grant, full);
      if (minShare !== null && minShare.gt(0)) atLeast(`minShare ${minShare}: zero or at least this share of the entitlement`, id, grant, minShare.times(full));
    }
    if (scenario.districtBudgets?.has(a.district)) districtTotals.set(a.district, (districtTotals.get(a.district) ?? Z).plus(grant));
    if (grant.gt(0)) {
      fundedByMeasure.set(a.measureId, (fundedByMeasure.get(a.measureId) ?? 0) + 1);
      fundedByDistrict.set(a.district, (fundedByDistrict.get(a.district) ?? 0) + 1);
      if (a.exclusiveGroup) fundedByGroup.set(a.exclusiveGroup, [...(fundedByGroup.get(a.exclusiveGroup) ?? []), id]);
    }
  };

  apps.forEach((a, i) => {
    const grant = grants[i]!;
    const m = measures.get(a.measureId);
    const id = a.projectId;
    checks++;
    if (!m) {
      violations.push({ rule: 'measure exists', subject: id, limit: 'a measure of the policy', value: a.measureId, excess: '' });
      return;
    }
    atLeast('grant ≥ 0', id, grant, Z);
    checks++;
    const zero = grant.isZero();
    if (!zero && !grant.times(100).isInteger()) violations.push({ rule: 'whole fen', subject: id, limit: '0.01', value: grant.toString(), excess: '' });
    if (!locked.has(id)) checks++;
    if (!zero && !locked.has(id) && !grant.mod(scenario.granularity).isZero()) {
      violations.push({ rule: 'granularity', subject: id, limit: scenario.granularity.toString(), value: grant.toString(), excess: grant.mod(scenario.granularity).toString() });
    }
    // An earlier batch decided locked grants; year and minimum score were its business.
    if (!locked.has(id) && a.year !== scenario.year) atMost(`year ${scenario.year} only`, id, grant, Z);
    // The minimum score applies to the award score the scenario gives a measure, where it gives one.
    const score = scenario.awardScores?.get(a.measureId) ?? a.score;
    if (!locked.has(id) && scenario.minScore !== null && score.lt(scenario.minScore)) atMost(`minScore ${scenario.minScore}`, id, grant, Z);
    if (a.requested !== null) atMost('requested', id, grant, a.requested);
    // The least per-project ceiling: what the entitlement is (for decisions and the integer rules below).
    let least: Decimal | null = a.requested;
    const note = (v: Decimal): Decimal => {
      if (least === null || v.lt(least)) least = v;
      return v;
    };
    const own = projectRules(m, a, dateFields);
    if (own.failed.length) {
      // A condition not met: nothing, whatever the ceilings say.
      for (const rule of own.failed) atMost(rule, id, grant, note(Z));
    } else if (own.bonus) {
      // 另奖励: the bonus on top of the least of the other ceilings, which it replaces.
      atMost(own.bonus.rule, id, grant, note(own.bonus.limit));
    } else {
      for (const c of own.ceilings) {
        atMost(c.rule, id, c.offset === null ? grant : c.offset.plus(grant), c.limit);
        note(c.room);
      }
    }
    for (const c of own.companyCaps) addTo(c.key, c.rule, c.subject, c.limit, grant);
    if (annualCap !== null && !annualExempt.has(m.id)) {
      addTo(own.annualKey, annualRule, own.companyYear, annualCap, grant);
    }
    for (const j of policy.jointCaps ?? []) {
      if (!j.measures.includes(m.id)) continue;
      const subject = j.per === 'company' ? a.companyId : a.attributes?.[j.per];
      if (subject === undefined) {
        checks++;
        if (grant.gt(0)) violations.push({ rule: `jointCap ${j.id} ${j.clause}: per ${j.per}`, subject: id, limit: `a value of ${j.per}`, value: 'none', excess: grant.toString() });
        continue;
      }
      addTo(`jc\u0000${j.id}\u0000${subject}`, `jointCap ${j.id} ${j.clause}`, subject, num(j.amount), grant);
    }
    for (const sh of policy.shares ?? []) {
      if (!sh.measures.includes(m.id)) continue;
      const t = shareTotals.get(sh.id) ?? { qualifying: Z, all: Z };
      const matches = Object.entries(sh.where).every(([field, values]) => values.includes(a.attributes?.[field] ?? '\u0000'));
      shareTotals.set(sh.id, { qualifying: matches ? t.qualifying.plus(grant) : t.qualifying, all: t.all.plus(grant) });
    }
    checkDecisionsAndIntegerRules(a, grant, least, locked.has(id));
    if (!zero) {
      measureTotals.set(m.id, (measureTotals.get(m.id) ?? Z).plus(grant));
      total = total.plus(grant);
    }
  });

  for (const g of groups.values()) atMost(g.rule, g.subject, g.total, g.limit);
  for (const [id, b] of scenario.measureBudgets) {
    const t = measureTotals.get(id) ?? Z;
    if (b.max !== null) atMost('scenario measureBudgets max', id, t, b.max);
    if (b.min !== null) atLeast('scenario measureBudgets min', id, t, b.min);
  }
  atMost('scenario budget', 'total', total, scenario.budget);
  for (const sh of policy.shares ?? []) {
    const t = shareTotals.get(sh.id) ?? { qualifying: Z, all: Z };
    if (sh.min !== undefined) atLeast(`share ${sh.id} ${sh.clause}: qualifying ≥ ${sh.min} × all`, sh.id, t.qualifying, num(sh.min).times(t.all));
    if (sh.max !== undefined) atMost(`share ${sh.id} ${sh.clause}: qualifying ≤ ${sh.max} × all`, sh.id, t.qualifying, num(sh.max).times(t.all));
  }
  for (const [d, b] of scenario.districtBudgets ?? []) {
    const t = districtTotals.get(d) ?? Z;
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
