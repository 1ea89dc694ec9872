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
    if (!locked.has(id) && scenario.minScore !== null && a.score.lt(scenario.minScore)) atMost(`minScore ${scenario.minScore}`, id, grant, Z);
    if (a.requested !== null) atMost('requested', id, grant, a.requested);

    const base = a.eligibleBase ?? a.totalInvestment;
    for (const rule of m.rules) {
      switch (rule.type) {
        case 'rate':
          atMost(`${tag} rate ${rule.rate}`, id, grant, num(rule.rate).times(base ?? Z));
          break;
        case 'baseCeiling':
          if (base !== null) atMost(`${tag} base`, id, grant, base);
          break;
        case 'projectCap':
          atMost(`${tag} projectCap`, id, grant, num(rule.amount));
          break;
        case 'matching': {
          const upper = a.upperFunding ?? Z;
          // All levels together ≤ share × investment; where the upper grant alone exceeds it, the city gives nothing.
          const ceiling = num(rule.totalShare).times(a.totalInvestment ?? Z);
          atMost(`${tag} matching: upper + city ≤ ${rule.totalShare} × total investment`, id, upper.plus(grant), Decimal.max(ceiling, upper));
          if (upper.gt(0)) atMost(`${tag} matching: city ≤ ${rule.ratio} × upper`, id, grant, num(rule.ratio).times(upper));
          else atMost(`${tag} matching: no upper amount, fallback cap`, id, grant, num(rule.fallbackCap));
          break;
        }
        case 'companyCap':
          addTo(`cm\u0000${m.id}\u0000${a.companyId}\u0000${a.year}`, `${tag} companyCap per ${rule.period}`, `${a.companyId} ${a.year}`, num(rule.amount), grant);
          break;
      }
    }
    if (scenario.companyAnnualCap !== null) {
      addTo(`ca\u0000${a.companyId}\u0000${a.year}`, 'scenario companyAnnualCap', `${a.companyId} ${a.year}`, scenario.companyAnnualCap, grant);
    }
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
  return { checks, violations };
}
