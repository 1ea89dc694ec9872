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
  // Each rule's number parsed once (the checks themselves stay per application).
  const numbers = new Map<string, Decimal>();
  const num = (text: string): Decimal => {
    let d = numbers.get(text);
    if (!d) numbers.set(text, (d = new Decimal(text)));
    return d;
  };
  const groups = new Map<string, { rule: string; subject: string; limit: Decimal; total: Decimal }>();
  const addTo = (key: string, rule: string, subject: string, limit: Decimal, grant: Decimal) => {
    const grp = groups.get(key);
    if (grp) grp.total = grp.total.plus(grant);
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
    const tag = `${m.id}${m.clause}`;
    atLeast('grant ≥ 0', id, grant, Z);
    checks++;
    if (!grant.times(100).isInteger()) violations.push({ rule: 'whole fen', subject: id, limit: '0.01', value: grant.toString(), excess: '' });
    if (!locked.has(id)) checks++;
    if (!locked.has(id) && !grant.mod(scenario.granularity).isZero()) {
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

    const base = a.eligibleBase ?? a.totalInvestment;
    // A project known only from an earlier batch's allocations.csv has no base here: its own
    // ceilings were that batch's to check. Its grant counts in every sum below all the same.
    const own = !a.lockedFrom;
    for (const rule of m.rules) {
      if (!own && rule.type !== 'companyCap') continue;
      switch (rule.type) {
        case 'rate':
          atMost(`${tag} rate ${rule.rate}`, id, grant, note(num(rule.rate).times(base ?? Z)));
          break;
        case 'baseCeiling':
          if (base !== null) atMost(`${tag} base`, id, grant, note(base));
          break;
        case 'projectCap':
          atMost(`${tag} projectCap`, id, grant, note(num(rule.amount)));
          break;
        case 'matching': {
          const upper = a.upperFunding ?? Z;
          // All levels together ≤ share × investment; where the upper grant alone exceeds it, the city gives nothing.
          const ceiling = num(rule.totalShare).times(a.totalInvestment ?? Z);
          atMost(`${tag} matching: upper + city ≤ ${rule.totalShare} × total investment`, id, upper.plus(grant), Decimal.max(ceiling, upper));
          note(Decimal.max(Z, ceiling.minus(upper)));
          if (upper.gt(0)) atMost(`${tag} matching: city ≤ ${rule.ratio} × upper`, id, grant, note(num(rule.ratio).times(upper)));
          else atMost(`${tag} matching: no upper amount, fallback cap`, id, grant, note(num(rule.fallbackCap)));
          break;
        }
        case 'companyCap':
          addTo(`cm\u0000${m.id}\u0000${a.companyId}\u0000${a.year}`, `${tag} companyCap per ${rule.period}`, `${a.companyId} ${a.year}`, num(rule.amount), grant);
          break;
      }
    }
    if (annualCap !== null && !annualExempt.has(m.id)) {
      addTo(`ca\u0000${a.companyId}\u0000${a.year}`, annualRule, `${a.companyId} ${a.year}`, annualCap, grant);
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
    measureTotals.set(m.id, (measureTotals.get(m.id) ?? Z).plus(grant));
    total = total.plus(grant);
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
