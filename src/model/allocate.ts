/**
 * The allocation pipeline inside the model: eligibility → entitlements → limits → LP
 * (two stages) → rounding → the reason for every grant. Takes records, returns data;
 * no files, no printing.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, floorTo, fmtYuanHuman, LP_UNIT, toLpUnits } from '../money.js';
import { InfeasibleError, InternalError, type Conflict } from '../errors.js';
import type { Backend, Basis, LinearProgram, SolveOptions, SolveResult } from '../solver/types.js';
import { bestBound } from './bound.js';
import { always, type Picker } from '../solver/select.js';
import { whyNotNetwork } from '../solver/network.js';
import type { Application } from './application.js';
import { entitlementOf, type Entitlement, type EntitlementBinding } from './entitlement.js';
import { buildLimits, type Limit, type LockedGrant } from './limits.js';
import { disaggregate, policyLp, shapePolicyLp, type PolicyLpShape } from './lp.js';
import type { Measure, Policy } from './policy.js';
import { roundAllocation } from './rounding.js';
import { toUnits, type Units } from './units.js';
import { withBudget, type Scenario } from './scenario.js';
import { baseScore, rescores, weightedScore } from './weights.js';
import { usesIntegerModel, type RulesReport } from './rules.js';
import { solveProportional } from './proportional.js';
import { solveInteger } from './integer.js';

export type Binding =
  | EntitlementBinding
  | 'company_limit'
  | 'measure_budget'
  | 'total_budget'
  | 'below_min_score'
  | 'ineligible'
  | 'locked'
  // Issue 6: the rules beyond the policy's money rules.
  | 'district_budget'
  | 'forced'
  | 'excluded'
  | 'all_or_nothing'
  | 'min_share'
  | 'exclusive_group'
  | 'quota'
  | 'proportional_share'
  | 'not_selected';

export interface Line {
  readonly app: Application;
  readonly measure: Measure;
  /** Null when the application is not a candidate (another year, below the minimum score). */
  readonly entitlement: Entitlement | null;
  readonly grant: Decimal;
  readonly binding: Binding;
  /** The limit that stopped the grant below its entitlement, when one did. */
  readonly limitId: string | null;
  /** Index among candidates, or -1. */
  readonly candidate: number;
  /** The explanation of a rule of issue 6 (decisions, integer rules, proportional shares), when one set the grant. */
  readonly ruleNote?: { readonly zh: string; readonly en: string };
}

export interface StageReport {
  /** 'priority + tie-break': both in one solve (a backend that breaks ties exactly, the network simplex). */
  readonly stage: 'priority' | 'tie-break' | 'priority + tie-break' | 'feasibility';
  readonly backend: string;
  readonly status: SolveResult['status'];
  readonly raw: string;
  readonly objective: number | null;
  readonly ms: number;
}

export interface AllocateOptions {
  readonly timeLimitSeconds?: number;
  readonly iterationLimit?: number;
  /**
   * Solve the tie-break stage (default true). Without it, which of several equally good
   * allocations comes out is up to the backend: still optimal and verified, but not the
   * documented tie rule.
   */
  readonly tieBreak?: boolean;
  /** Grants decided by an earlier batch (see PrepareOptions). */
  readonly locked?: ReadonlyMap<string, Decimal>;
  /** Called with the stage-1 LP (priority objective) before it is solved, e.g. to export it. */
  readonly onLp?: (lp: LinearProgram) => void;
}

export interface Allocation {
  /** 'optimal': proven optimal (before rounding). 'time-limit': the best found when the limit hit. */
  readonly status: 'optimal' | 'time-limit';
  /** Why the solve stopped early, when it did. */
  readonly limitDetail: string | null;
  /** An upper bound on Σ score × grant (yuan·points) and the relative gap of this allocation to it. */
  readonly bound: number;
  readonly gap: number;
  readonly lines: readonly Line[];
  readonly limits: readonly Limit[];
  /** The stage-1 LP and how its rows and columns map to limits and candidates (for sensitivity). */
  readonly model: {
    readonly lp: LinearProgram;
    readonly shape: PolicyLpShape;
    readonly duals: ArrayLike<number> | null;
    /** Stage one's optimal basis, when the backend gave one (a warm start for sensitivity re-solves). */
    readonly basis?: Basis;
  };
  /** Σ grants per limit. */
  readonly limitTotals: readonly Decimal[];
  readonly objective: Decimal;
  readonly granted: Decimal;
  /** LP size: candidates, columns after merging interchangeable candidates, rows. */
  readonly lp: { readonly applications: number; readonly columns: number; readonly rows: number };
  /** The backend used and why. */
  readonly solver: { readonly backend: string; readonly reason: string };
  readonly stages: readonly StageReport[];
  readonly timingsMs: { readonly build: number; readonly solve: number; readonly round: number };
  /** Set when the scenario's objective or rules took another path than the priority LP (see model/rules.ts). */
  readonly rules?: RulesReport;
}

/** Priority order: score descending, then project id ascending (code-unit order). Documented in the README. */
export function priorityOrder(apps: readonly Application[]): number[] {
  // Doubles order scores as the decimals do, except for decimals too close to tell apart
  // as doubles: those (equal doubles, different decimals) are compared exactly.
  const approx = apps.map((a) => a.score.toNumber());
  const exact = apps.map((a) => a.score.toString());
  return apps
    .map((_, i) => i)
    .sort((a, b) => {
      const c = approx[a] !== approx[b] ? approx[b]! - approx[a]! : exact[a] === exact[b] ? 0 : apps[b]!.score.comparedTo(apps[a]!.score);
      if (c !== 0) return c;
      const x = apps[a]!.projectId;
      const y = apps[b]!.projectId;
      return x < y ? -1 : x > y ? 1 : 0;
    });
}

export const LIMIT_BINDING: Record<Limit['kind'], Binding> = {
  company_measure: 'company_limit',
  company_annual: 'company_limit',
  measure_max: 'measure_budget',
  measure_min: 'measure_budget',
  district_max: 'district_budget',
  district_min: 'district_budget',
  budget: 'total_budget',
};
/** When several limits are full, the most specific one is named. */
export const LIMIT_SPECIFICITY: readonly Limit['kind'][] = ['company_measure', 'company_annual', 'district_max', 'measure_max', 'budget'];

/** Everything about an allocation that does not depend on the budget: built once, solved at many budgets. */
export interface Prepared {
  readonly apps: readonly Application[];
  readonly policy: Policy;
  readonly scenario: Scenario;
  readonly measures: ReadonlyMap<string, Measure>;
  readonly candidates: readonly Application[];
  readonly candidateOf: readonly number[];
  /** Per application, its locked grant, or null. */
  readonly lockedOf: readonly (Decimal | null)[];
  readonly entitlements: readonly Entitlement[];
  readonly caps: readonly Decimal[];
  readonly limits: readonly Limit[];
  readonly order: readonly number[];
  readonly units: Units;
  readonly shape: PolicyLpShape;
  /** Score per LP column. */
  readonly scores: readonly number[];
  readonly msBuild: number;
}

export interface PrepareOptions {
  /** Keep the budget row even where it cannot bind (to re-solve at other budgets). */
  readonly keepBudgetRow?: boolean;
  /** Grants decided by an earlier batch, by project id: kept as they are, counted against every limit. */
  readonly locked?: ReadonlyMap<string, Decimal>;
}

export function prepareAllocation(apps: readonly Application[], policy: Policy, scenario: Scenario, opts: PrepareOptions = {}): Prepared {
  const t0 = performance.now();
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const g = scenario.granularity;
  const candidates: Application[] = [];
  const lockedGrants: LockedGrant[] = [];
  const lockedOf = apps.map((a) => {
    const grant = opts.locked?.get(a.projectId);
    if (grant !== undefined) lockedGrants.push({ app: a, grant });
    return grant ?? null;
  });
  // A locked grant must still be within what the policy allows the project.
  const overPolicy = lockedGrants
    .map(({ app, grant }) => ({ app, grant, ent: entitlementOf(app, measures.get(app.measureId)!) }))
    .filter(({ grant, ent }) => grant.gt(ent.amount));
  if (overPolicy.length) {
    throw new InfeasibleError(
      'locked grants exceed what the policy allows these projects',
      overPolicy.map(({ app, grant, ent }) => ({ limit: `${app.projectId} (${ent.binding})`, description: `locked ${fmtYuanHuman(grant)} > entitled ${fmtYuanHuman(ent.amount)}` })),
    );
  }
  const rescored = rescores(scenario);
  const candidateOf: number[] = apps.map((a, i) => {
    if (lockedOf[i] !== null) return -1;
    if (a.year !== scenario.year) return -1;
    if (scenario.minScore && baseScore(a, scenario).lt(scenario.minScore)) return -1;
    // With measure weights or award scores, a candidate competes with its weighted score.
    candidates.push(rescored ? { ...a, score: weightedScore(a, scenario) } : a);
    return candidates.length - 1;
  });
  const entitlements = candidates.map((a) => entitlementOf(a, measures.get(a.measureId)!));
  const caps = entitlements.map((e) => floorTo(e.amount, g));
  const { limits, overrun } = buildLimits(candidates, policy, scenario, lockedGrants);
  if (overrun.length) {
    throw new InfeasibleError(
      'the locked grants no longer fit the limits',
      overrun.map(({ limit, locked }) => ({ limit: `${limit.id} (${limit.source})`, description: `${fmtYuanHuman(limit.amount)} < locked ${fmtYuanHuman(locked)}` })),
    );
  }
  // Rules of counts the earlier batch already breaks (two funded in one exclusive group, more
  // funded than a measure's maxCount): no allocation of this batch can mend them.
  const countOverrun = lockedCountOverruns(lockedGrants, scenario);
  if (countOverrun.length) throw new InfeasibleError('the locked grants no longer fit the rules of counts', countOverrun);
  const order = priorityOrder(candidates);
  const units = toUnits(caps, limits, g);
  const shape = shapePolicyLp(units, limits, candidates.map((a) => a.score.toString()), order, (l) => !!opts.keepBudgetRow && l.kind === 'budget');
  const scores = shape.groups.map((members) => candidates[members[0]!]!.score.toNumber());
  return { apps, policy, scenario, measures, candidates, candidateOf, lockedOf, entitlements, caps, limits, order, units, shape, scores, msBuild: performance.now() - t0 };
}

function lockedCountOverruns(locked: readonly LockedGrant[], scenario: Scenario): Conflict[] {
  const funded = locked.filter((x) => x.grant.gt(0));
  const byGroup = new Map<string, string[]>();
  const byMeasure = new Map<string, string[]>();
  for (const { app } of funded) {
    if (app.exclusiveGroup) byGroup.set(app.exclusiveGroup, [...(byGroup.get(app.exclusiveGroup) ?? []), app.projectId]);
    byMeasure.set(app.measureId, [...(byMeasure.get(app.measureId) ?? []), app.projectId]);
  }
  const out: Conflict[] = [];
  for (const [grp, ids] of byGroup) {
    if (ids.length > 1) out.push({ limit: `exclusive:${grp}`, description: `at most one of a group is funded, but the locked grants fund ${ids.join(', ')}` });
  }
  for (const [m, ids] of byMeasure) {
    const max = scenario.measureBudgets.get(m)?.maxCount;
    if (max !== undefined && ids.length > max) out.push({ limit: `maxCount:${m} (scenario.measureBudgets.${m}.maxCount)`, description: `at most ${max}, but the locked grants fund ${ids.length} (${ids.join(', ')})` });
  }
  return out;
}

/** The same preparation at another budget (the budget row must have been kept). */
export function atBudget(p: Prepared, budget: Decimal): Prepared {
  const k = p.limits.findIndex((l) => l.kind === 'budget');
  const limits = p.limits.map((l, i) => (i === k ? { ...l, amount: budget } : l));
  const g = p.scenario.granularity;
  const budgetUnits = budget.div(g).floor().toNumber();
  const units: Units = { ...p.units, limits: p.units.limits.map((u, i) => (i === k ? budgetUnits : u)) };
  const r = p.shape.rowLimit.indexOf(k);
  if (r < 0) throw new InternalError('atBudget needs a preparation that kept the budget row');
  const rowBounds = p.shape.rowBounds.map((b, i) => (i === r ? { lower: null, upper: toLpUnits(budget) } : b));
  return { ...p, scenario: withBudget(p.scenario, budget), limits, units, shape: { ...p.shape, rowBounds }, msBuild: 0 };
}

export function allocate(
  apps: readonly Application[],
  policy: Policy,
  scenario: Scenario,
  solver: Backend | Picker,
  options: AllocateOptions = {},
): Allocation {
  return solvePrepared(prepareAllocation(apps, policy, scenario, { locked: options.locked }), solver, options);
}

/** The priority (stage-1) LP of a preparation: one object per preparation, so what is learnt about it (is it a network?) is kept. */
const priorityLps = new WeakMap<Prepared, LinearProgram>();
export function priorityLp(prepared: Prepared): LinearProgram {
  let lp = priorityLps.get(prepared);
  if (!lp) priorityLps.set(prepared, (lp = policyLp(prepared.shape, prepared.scores)));
  return lp;
}

/**
 * What solving a preparation needs from the backends (see `loadPicker`): HiGHS for an integer
 * model; none beyond the network simplex when the model hands the picker only network LPs
 * (the priority LP of the policy's own limits) or none at all (a proportional objective).
 */
export function backendNeeds(prepared: Prepared): { readonly integer: boolean; readonly network: boolean } {
  const integer = usesIntegerModel(prepared.scenario, prepared.candidates);
  if (integer) return { integer, network: false };
  return { integer, network: prepared.scenario.objective !== 'priority' || whyNotNetwork(priorityLp(prepared)) === null };
}

export function solvePrepared(prepared: Prepared, solver: Backend | Picker, options: AllocateOptions = {}): Allocation {
  // Other objectives and the rules of issue 6 have their own models (the priority path below is unchanged).
  if (prepared.scenario.objective !== 'priority') return solveProportional(prepared);
  if (usesIntegerModel(prepared.scenario, prepared.candidates)) return solveInteger(prepared, solver, options);
  const t0 = performance.now() - prepared.msBuild;
  const { apps, scenario, measures, candidates, candidateOf, lockedOf, entitlements, caps, limits, order, units, shape, scores } = prepared;
  const g = scenario.granularity;

  // Stage 1: maximise Σ score × grant.
  const stage1 = priorityLp(prepared);
  options.onLp?.(stage1);
  // Picking counts as solving: for the network simplex it is recognising the network.
  const t1 = performance.now();
  const pick = typeof solver === 'function' ? solver : always(solver);
  const picked = pick(stage1);
  const backend = picked.backend;
  const stages: StageReport[] = [];
  const limits_ = { timeLimitSeconds: options.timeLimitSeconds, iterationLimit: options.iterationLimit };
  // The tie rule (see README, "ties"): among allocations with the best objective, prefer the
  // priority order; a column weighs by the position of its first member.
  const n = candidates.length;
  const tieRule = options.tieBreak !== false;
  const position = new Array<number>(n);
  order.forEach((i, p) => (position[i] = p));
  const tieRanks = shape.groups.map((members) => n - position[members[0]!]!);
  // A backend that breaks ties itself (the network simplex) does both stages in one exact solve.
  const oneSolve = tieRule && backend.solveTieBroken !== undefined;
  const first = timed(backend, stage1, oneSolve ? 'priority + tie-break' : 'priority', stages, limits_, oneSolve ? tieRanks : undefined);
  if (first.status === 'infeasible') throw diagnoseInfeasible(shape, limits, pick, stages);
  if (first.status !== 'optimal' && first.status !== 'time-limit') {
    throw new InternalError(`the LP solver returned ${first.status}`, [`${first.backend}: ${first.detail} (${first.raw})`]);
  }

  // Stage 2: maximise the tie weights with the stage-1 objective held. Skipped when stage 1 was cut short.
  let second: SolveResult | null = null;
  if (first.status === 'optimal' && tieRule && !oneSolve) {
    const tieWeights = tieRanks.map((r) => r / n);
    const tolerance = Math.max(1e-9 * Math.abs(first.objective), 1e-7);
    const stage2 = policyLp(shape, tieWeights);
    const stage2Lp: LinearProgram = {
      ...stage2,
      rows: [...stage2.rows, { terms: scores.map((s, g) => [g, s] as const).filter(([, s]) => s !== 0), lower: first.objective - tolerance, upper: null }],
    };
    // From stage one's optimal basis: its point is feasible for stage two, which only moves along the optimal face.
    second = timed(backend, stage2Lp, 'tie-break', stages, { ...limits_, warmStart: first.basis });
  }
  const t2 = performance.now();

  // Stage two may trade a hair of objective (its tolerance) for the tie rule; rounding can turn a
  // hair into a unit. Round both and keep stage two's only if it is not worse, exactly.
  // A point cut short by a limit may break limits; rounding repairs it like any other (step 2).
  const roundValues = (values: ArrayLike<number> | null) =>
    roundAllocation({ caps, limits, units, values: disaggregate(shape, units, values ?? new Float64Array(stage1.columns.length), LP_UNIT.toNumber()), order, granularity: g });
  const exactObjective = (grants: readonly Decimal[]) => candidates.reduce((s, a, i) => s.plus(a.score.times(grants[i]!)), ZERO);
  let rounded = roundValues(first.values);
  if (second?.status === 'optimal') {
    const tieBroken = roundValues(second.values);
    // Σ score × (tie-broken − first), over the candidates where they differ.
    const change = candidates.reduce(
      (s, a, i) => (tieBroken.grantUnits[i] === rounded.grantUnits[i] ? s : s.plus(a.score.times(g.times(tieBroken.grantUnits[i]! - rounded.grantUnits[i]!)))),
      ZERO,
    );
    if (change.gte(0) && tieBroken.unmetFloors.length <= rounded.unmetFloors.length) {
      rounded = tieBroken;
    }
  }
  if (rounded.unmetFloors.length) {
    throw new InfeasibleError(
      'measure floors cannot be met in whole granularity units',
      rounded.unmetFloors.map((k) => ({ limit: limits[k]!.id, description: `floor ${fmtYuanHuman(limits[k]!.amount)}, reached ${fmtYuanHuman(rounded.totals[k]!)} in units of ${fmtYuanHuman(g)}` })),
    );
  }

  // Why each grant is what it is.
  const memberOf: number[][] = candidates.map(() => []);
  limits.forEach((l, k) => l.members.forEach((i) => memberOf[i]!.push(k)));
  const lines: Line[] = apps.map((app, idx) => {
    const measure = measures.get(app.measureId)!;
    const c = candidateOf[idx]!;
    const locked = lockedOf[idx];
    if (locked) {
      return { app, measure, entitlement: entitlementOf(app, measure), grant: locked, binding: 'locked', limitId: null, candidate: -1 };
    }
    if (c < 0) {
      const binding: Binding = app.year !== scenario.year ? 'ineligible' : 'below_min_score';
      return { app, measure, entitlement: null, grant: ZERO, binding, limitId: null, candidate: -1 };
    }
    const grant = rounded.grants[c]!;
    const ent = entitlements[c]!;
    if (grant.gte(caps[c]!)) return { app, measure, entitlement: ent, grant, binding: ent.binding, limitId: null, candidate: c };
    const full = memberOf[c]!
      .filter((k) => limits[k]!.sense === 'max' && limits[k]!.amount.minus(rounded.totals[k]!).lt(g))
      .sort((a, b) => LIMIT_SPECIFICITY.indexOf(limits[a]!.kind) - LIMIT_SPECIFICITY.indexOf(limits[b]!.kind));
    const k = full[0];
    if (k === undefined) {
      throw new InternalError(`rounding left ${app.projectId} below its entitlement with room in every limit`, [
        `grant ${grant}, cap ${caps[c]}`,
      ]);
    }
    return { app, measure, entitlement: ent, grant, binding: LIMIT_BINDING[limits[k]!.kind], limitId: limits[k]!.id, candidate: c };
  });
  const t3 = performance.now();

  const objective = exactObjective(rounded.grants);
  // The bound: the LP optimum when proven; else the best Lagrangian bound from the duals reached.
  const budgetRow = shape.rowLimit.findIndex((k) => limits[k]!.kind === 'budget');
  const boundLp =
    first.status === 'optimal' ? first.objective : bestBound(stage1, first.duals, budgetRow >= 0 ? budgetRow : null);
  const bound = Math.max(boundLp * LP_UNIT.toNumber(), objective.toNumber());
  const gap = bound > 0 ? (bound - objective.toNumber()) / bound : 0;
  const lockedTotal = lockedOf.reduce<Decimal>((s, v) => (v ? s.plus(v) : s), ZERO);
  const granted = rounded.grants.reduce((s, v) => s.plus(v), lockedTotal);
  return {
    status: first.status,
    limitDetail: first.status === 'time-limit' ? first.detail : null,
    bound,
    gap,
    lines,
    limits,
    model: { lp: stage1, shape, duals: first.status === 'optimal' ? (first.duals ?? null) : null, basis: first.status === 'optimal' ? first.basis : undefined },
    limitTotals: rounded.totals,
    objective,
    granted,
    lp: { applications: n, columns: stage1.columns.length, rows: stage1.rows.length },
    solver: { backend: backend.name, reason: picked.reason },
    stages,
    timingsMs: { build: t1 - t0, solve: t2 - t1, round: t3 - t2 },
  };
}

/** Solve and record the stage; with `secondary`, the backend's own tie-breaking solve. */
function timed(backend: Backend, lp: LinearProgram, stage: StageReport['stage'], stages: StageReport[], options: SolveOptions = {}, secondary?: ArrayLike<number>): SolveResult {
  const t = performance.now();
  const r = secondary && backend.solveTieBroken ? backend.solveTieBroken(lp, secondary, options) : backend.solve(lp, options);
  stages.push({
    stage,
    backend: r.backend,
    status: r.status,
    raw: r.raw,
    objective: r.status === 'optimal' ? r.objective : null,
    ms: performance.now() - t,
  });
  return r;
}

/**
 * The LP is infeasible only through floors (every ceiling admits zero). Find which floors
 * cannot be met together: add an elastic column to each floor row, minimise the total
 * shortfall, and name every floor left short, with the amount.
 */
function diagnoseInfeasible(shape: PolicyLpShape, limits: readonly Limit[], pick: Picker, stages: StageReport[]): Error {
  const base = policyLp(shape, shape.groups.map(() => 0), 'min');
  const floorRows = shape.rowLimit.map((k, r) => [k, r] as const).filter(([k]) => limits[k]!.sense === 'min');
  const n = base.columns.length;
  const lp: LinearProgram = {
    sense: 'min',
    // A shortfall never exceeds its floor (grants are ≥ 0): bounded, the elastic LP of a network LP is one too.
    columns: [...base.columns, ...floorRows.map(([, r]) => ({ lower: 0, upper: base.rows[r]!.lower!, cost: 1 }))],
    rows: base.rows.map((row, r) => {
      const e = floorRows.findIndex(([, fr]) => fr === r);
      return e < 0 ? row : { ...row, terms: [...row.terms, [n + e, 1] as const] };
    }),
  };
  const r = timed(pick(lp).backend, lp, 'feasibility', stages);
  if (r.status !== 'optimal') return new InternalError('the LP is infeasible and its elastic form did not solve', [`${r.backend}: ${r.raw}`]);
  const conflicts: Conflict[] = [];
  const floorsTotal = floorRows.reduce((s, [k]) => s.plus(limits[k]!.amount), ZERO);
  const budget = limits.find((l) => l.kind === 'budget')!;
  floorRows.forEach(([k], e) => {
    const short = r.values[n + e]!;
    if (short * LP_UNIT.toNumber() < 0.005) return;
    const l = limits[k]!;
    const reachable = D.max(ZERO, l.amount.minus(new D(short).times(LP_UNIT))).toDecimalPlaces(0, D.ROUND_DOWN);
    const capsTotal = shape.rowColumns[shape.rowLimit.indexOf(k)]!.reduce((s, col) => s.plus(shape.groupCaps[col]!), ZERO);
    const why = capsTotal.lt(l.amount)
      ? `its applications are entitled to ${fmtYuanHuman(capsTotal)} in all`
      : `at most about ${fmtYuanHuman(reachable)} can go to it within the other limits`;
    conflicts.push({ limit: `${l.id} (${l.source})`, description: `floor ${fmtYuanHuman(l.amount)} cannot be met: ${why}` });
  });
  if (floorsTotal.gt(budget.amount)) {
    conflicts.unshift({ limit: `budget (${budget.source})`, description: `${fmtYuanHuman(budget.amount)} is less than the measure floors together, ${fmtYuanHuman(floorsTotal)}` });
  }
  if (!conflicts.length) return new InternalError('the LP is infeasible but no floor is short', [`${r.backend}: ${r.raw}`]);
  return new InfeasibleError('no allocation satisfies the scenario: these limits conflict', conflicts);
}

