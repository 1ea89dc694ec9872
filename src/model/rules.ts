/**
 * What the rules of issue 6 share: which scenarios need the integer model, the decisions
 * read from the applications, and turning per-candidate grants and reasons into an
 * `Allocation` (the proportional and the integer paths both end here).
 */
import type { Decimal } from 'decimal.js';
import { ZERO } from '../money.js';
import type { Allocation, Binding, Line, Prepared, StageReport } from './allocate.js';
import type { Application } from './application.js';
import { entitlementOf } from './entitlement.js';
import { policyLp } from './lp.js';
import type { Scenario } from './scenario.js';

export interface RulesReport {
  readonly objective: Scenario['objective'];
  /** Which model decided the grants. */
  readonly model: 'proportional' | 'integer';
  /** Proportional: the share of its entitlement every application not stopped earlier received (decimal string). */
  readonly commonShare?: string;
  /** Proportional: applications stopped below the common share by a limit, with their share. */
  readonly stoppedEarly?: readonly { readonly projectId: string; readonly share: string; readonly limitId: string }[];
  /** Integer model: proven optimal, or stopped by the time limit with the gap to HiGHS's bound. */
  readonly integer?: {
    readonly status: 'optimal' | 'time-limit';
    readonly gap: number;
    readonly bound: number;
    readonly timeLimitSeconds: number | null;
    readonly raw: string;
    /** Whether the tie rule decided among equally good selections, and if not, why not. */
    readonly tieRule: 'applied' | 'skipped: more than 1,000 yes/no decisions' | 'not applied: the solve stopped at the time limit' | 'not applied: the tie-break solve failed or rounded worse';
  };
  readonly forced: number;
  readonly excluded: number;
}

/** The per-measure integer rule of an application: all or nothing, a minimum share, or none. */
export function integerRuleOf(a: Application, s: Scenario): { allOrNothing: boolean; minShare: Decimal | null } {
  const m = s.measureBudgets.get(a.measureId);
  const allOrNothing = m?.allOrNothing ?? s.allOrNothing ?? false;
  const minShare = m?.minShare ?? s.minShare ?? null;
  return { allOrNothing, minShare: minShare && minShare.gt(0) ? minShare : null };
}

/** Whether any rule needs binaries or fixed decisions (the per-application integer model on HiGHS). */
export function usesIntegerModel(s: Scenario, candidates: readonly Application[]): boolean {
  if (s.allOrNothing || (s.minShare && s.minShare.gt(0))) return true;
  for (const m of s.measureBudgets.values()) {
    if (m.allOrNothing || (m.minShare && m.minShare.gt(0)) || m.minCount !== undefined || m.maxCount !== undefined) return true;
  }
  return candidates.some((a) => !!a.decision || !!a.exclusiveGroup);
}

const reasonText = (a: Application) => (a.decisionReason ? a.decisionReason : '');

/** The note of a decided application, with its reason. */
export function decisionNote(a: Application, grant: Decimal): { zh: string; en: string } {
  const r = reasonText(a);
  if (a.decision === 'exclude') return { zh: `不予资助（决定）${r ? `：${r}` : ''}`, en: `Excluded by decision${r ? `: ${r}` : ''}` };
  return { zh: `必须资助（决定），资助 ${grant.toFixed(2)} 元${r ? `：${r}` : ''}`, en: `Funded by decision, ¥${grant.toFixed(2)}${r ? `: ${r}` : ''}` };
}

export interface CandidateOutcome {
  readonly binding: Binding;
  readonly limitId: string | null;
  readonly ruleNote?: { readonly zh: string; readonly en: string };
}

/** Build the allocation from per-candidate grants (whole granularity units) and their reasons. */
export function finishAllocation(
  p: Prepared,
  grants: readonly Decimal[],
  outcome: (c: number) => CandidateOutcome,
  run: {
    readonly t0: number;
    readonly t1: number;
    readonly t2: number;
    readonly status: 'optimal' | 'time-limit';
    readonly limitDetail: string | null;
    readonly bound: number | null;
    readonly stages: readonly StageReport[];
    readonly solver: Allocation['solver'];
    readonly rules: RulesReport;
  },
): Allocation {
  const { apps, scenario, measures, candidates, candidateOf, lockedOf, entitlements, limits, shape, scores } = p;
  const lines: Line[] = apps.map((app, idx) => {
    const measure = measures.get(app.measureId)!;
    const c = candidateOf[idx]!;
    const locked = lockedOf[idx];
    if (locked) return { app, measure, entitlement: entitlementOf(app, measure), grant: locked, binding: 'locked', limitId: null, candidate: -1 };
    if (c < 0) return { app, measure, entitlement: null, grant: ZERO, binding: app.year !== scenario.year ? 'ineligible' : 'below_min_score', limitId: null, candidate: -1 };
    const o = outcome(c);
    return { app, measure, entitlement: entitlements[c]!, grant: grants[c]!, binding: o.binding, limitId: o.limitId, candidate: c, ...(o.ruleNote ? { ruleNote: o.ruleNote } : {}) };
  });
  const limitTotals = limits.map((l) => l.members.reduce((s, i) => s.plus(grants[i]!), ZERO));
  const objective = candidates.reduce((s, a, i) => s.plus(a.score.times(grants[i]!)), ZERO);
  const lockedTotal = lockedOf.reduce<Decimal>((s, v) => (v ? s.plus(v) : s), ZERO);
  const granted = grants.reduce((s, v) => s.plus(v), lockedTotal);
  const bound = Math.max(run.bound ?? objective.toNumber(), objective.toNumber());
  const stage1 = policyLp(shape, scores);
  return {
    status: run.status,
    limitDetail: run.limitDetail,
    bound,
    gap: bound > 0 ? (bound - objective.toNumber()) / bound : 0,
    lines,
    limits,
    model: { lp: stage1, shape, duals: null },
    limitTotals,
    objective,
    granted,
    lp: { applications: candidates.length, columns: stage1.columns.length, rows: stage1.rows.length },
    solver: run.solver,
    stages: run.stages,
    timingsMs: { build: run.t1 - run.t0, solve: run.t2 - run.t1, round: performance.now() - run.t2 },
    rules: run.rules,
  };
}

/** Forced and excluded counts among the candidates. */
export function decisionCounts(candidates: readonly Application[]): { forced: number; excluded: number } {
  let forced = 0;
  let excluded = 0;
  for (const a of candidates) {
    if (a.decision === 'fund') forced++;
    else if (a.decision === 'exclude') excluded++;
  }
  return { forced, excluded };
}
