/**
 * The scenario check: every problem that stops an allocation of these applications under this
 * policy and scenario although each file is well formed on its own — rules the objective does
 * not combine with, integer rules for a backend that does not solve them, a granularity too
 * fine for the amounts, locked grants above what the policy allows. All of them at once, as
 * input issues: `validate` reports them and a solve stops on them, so the two agree. The solve
 * paths assume a checked scenario (they stop with an InternalError on an unchecked one).
 */
import type { Decimal } from 'decimal.js';
import { fmtYuanHuman } from '../money.js';
import { InputError, type InputIssue } from '../errors.js';
import type { Backend } from '../solver/types.js';
import type { Application } from './application.js';
import { integerModelNeedsMip } from './integer.js';
import type { Limit } from './limits.js';
import { neededAttributes, type Policy } from './policy.js';
import { candidatesOf, lockedOverEntitlement } from './prepare.js';
import { countRules, integerRuleOf, usesIntegerModel } from './rules.js';
import type { Scenario } from './scenario.js';
import { toUnits, unitsIssue } from './units.js';

export interface CheckOptions {
  /** Grants decided by an earlier batch, by project id (as `PrepareOptions.locked`). */
  readonly locked?: ReadonlyMap<string, Decimal>;
  /** Where each locked grant was read: the file as shown and the project's row in it. */
  readonly lockedFrom?: ReadonlyMap<string, { readonly file: string; readonly row: number }>;
  /** The backend integer models would go to (absent: one that solves them). */
  readonly solver?: Pick<Backend, 'name' | 'solvesIntegers'>;
}

/** The rules that make the integer model (`usesIntegerModel`), as messages name them. */
const INTEGER_RULES = 'all or nothing, minimum shares, decisions, exclusive groups, quotas, district counts';

export function scenarioIssues(apps: readonly Application[], policy: Policy, scenario: Scenario, options: CheckOptions = {}): InputIssue[] {
  const c = candidatesOf(apps, policy, scenario, options.locked);
  const issues: InputIssue[] = [];
  const at = (id: string) => options.lockedFrom?.get(id);
  const rowOf = (id: string) => at(id)?.row ?? 0;
  for (const { app, grant, entitlement } of lockedOverEntitlement(c).sort((a, b) => rowOf(a.app.projectId) - rowOf(b.app.projectId))) {
    issues.push({
      file: at(app.projectId)?.file ?? 'locked grants',
      row: at(app.projectId)?.row,
      column: 'grant',
      expected: `at most what the policy allows ${app.projectId}, ${fmtYuanHuman(entitlement.amount)} (${entitlement.binding})`,
      found: fmtYuanHuman(grant),
    });
  }
  // A project known only from a lock file carries no attribute columns: where a rule across
  // applications reads one (a share, a joint cap per product), its value must come from the applications.
  apps.forEach((a, i) => {
    if (!a.lockedFrom || !c.lockedOf[i]?.gt(0)) return;
    const needs = neededAttributes(policy, c.measures.get(a.measureId)!).filter((n) => n.across);
    if (!needs.length) return;
    issues.push({
      file: a.lockedFrom.file,
      row: a.lockedFrom.row,
      column: 'project_id',
      expected: `${a.projectId} in the applications file as well (with its earlier batch's data): ${needs.map((n) => `${n.rule} reads ${n.id}`).join('; ')}, which a lock file does not carry`,
      found: 'only in the lock file',
    });
  });
  const g = scenario.granularity;
  const tooFine = unitsIssue(c.caps, c.limits, g);
  if (tooFine) issues.push(tooFine);
  if (scenario.objective !== 'priority') {
    issues.push(...proportionalIssues(scenario, c.limits, c.candidates));
    for (const row of c.shares) issues.push({ file: 'scenario', row: 'objective', expected: `objective "priority" with the policy's share rule ${row.source} (not supported together yet)`, found: JSON.stringify(scenario.objective) });
  } else if (options.solver && !options.solver.solvesIntegers && !tooFine && usesIntegerModel(scenario, c.candidates)) {
    const units = toUnits(c.caps, c.limits, g);
    const floors = c.limits.some((l, k) => l.sense === 'min' && units.limits[k]! > 0);
    if (integerModelNeedsMip({ apps, lockedOf: c.lockedOf, candidates: c.candidates, units, scenario }, floors)) {
      issues.push({ file: 'scenario', row: 'solver', expected: `HiGHS for the integer rules (${INTEGER_RULES}): --solver highs or auto`, found: options.solver.name });
    }
  }
  return issues;
}

/** `scenarioIssues`, thrown as one InputError when there is any. */
export function checkScenario(apps: readonly Application[], policy: Policy, scenario: Scenario, options: CheckOptions = {}): void {
  const issues = scenarioIssues(apps, policy, scenario, options);
  if (issues.length) throw new InputError(issues);
}

/** Rules a proportional objective does not combine with (yet), each named with what was found. */
export function proportionalIssues(s: Scenario, limits: readonly Limit[], candidates: readonly Application[]): InputIssue[] {
  const issues: InputIssue[] = [];
  const say = (row: string, found: string) => issues.push({ file: 'scenario', row, expected: `no ${row} with objective "${s.objective}" (not supported together yet)`, found });
  for (const l of limits) if (l.sense === 'min' && l.amount.gt(0)) say(l.source, `a floor ${fmtYuanHuman(l.amount)}`);
  if (candidates.some((a) => integerRuleOf(a, s).allOrNothing)) say('allOrNothing', 'true');
  if (candidates.some((a) => integerRuleOf(a, s).minShare)) say('minShare', 'a minimum share');
  for (const c of countRules(s)) say(c.kind === 'target' ? `targets.${c.subject}` : `${c.kind === 'measure' ? 'measureBudgets' : 'districtBudgets'}.${c.subject}.minCount/maxCount`, c.kind === 'measure' ? 'a count quota' : c.kind === 'target' ? 'a hard count target' : 'a district count');
  if (candidates.some((a) => a.exclusiveGroup)) say('exclusive_group', 'exclusive groups in the applications');
  if (s.cashPlan) say('cash', 'cash by year');
  if (s.plan?.size) say('plan', 'forecasts of plan years');
  return issues;
}
