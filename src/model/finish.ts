/**
 * Where the three solve paths end (the priority LP, proportional shares, the integer model):
 * each hands its grants, in whole granularity units, and a reason per candidate to
 * `finishAllocation`, which makes the lines, the totals, the objective and the report. Also
 * what the paths share on the way: the stage timer, the tie rule, and which ceilings are full.
 */
import type { Decimal } from 'decimal.js';
import { ZERO } from '../money.js';
import type { Backend, LinearProgram, SolveOptions, SolveResult } from '../solver/types.js';
import type { Application } from './application.js';
import { entitlementOf } from './entitlement.js';
import { limitsOfCandidates, sumOver, type Limit } from './limits.js';
import { priorityLp } from './prepare.js';
import { unitsToYuan } from './rounding.js';
import { LIMIT_SPECIFICITY, type Allocation, type CandidateOutcome, type Line, type Prepared, type RulesReport, type StageReport } from './types.js';

/** Solve and record the stage; with `secondary`, the backend's own tie-breaking solve. */
export function timedSolve(
  stages: StageReport[],
  stage: StageReport['stage'],
  backend: Backend,
  lp: LinearProgram,
  options: SolveOptions = {},
  secondary?: ArrayLike<number>,
): SolveResult {
  const t = performance.now();
  const r = secondary && backend.solveTieBroken ? backend.solveTieBroken(lp, secondary, options) : backend.solve(lp, options);
  stages.push({ stage, backend: r.backend, status: r.status, raw: r.raw, objective: r.status === 'optimal' ? r.objective : null, ms: performance.now() - t });
  return r;
}

/**
 * The tie rule (docs/how-it-works.md, "The steps"): among allocations with the best objective, prefer the
 * priority order. Per candidate its weight for that: n − its position in the order.
 */
export function tieRanks(order: readonly number[]): Int32Array {
  const n = order.length;
  const ranks = new Int32Array(n);
  for (let p = 0; p < n; p++) ranks[order[p]!] = n - p;
  return ranks;
}

/**
 * Whether to keep the tie-broken allocation (whole units per candidate) over the first one: a
 * tie-break solve may trade a hair of objective (its tolerance) for the tie rule, and rounding
 * can turn a hair into a unit, so it is kept only if it is not worse exactly and meets as many floors.
 */
export function tieBrokenNotWorse(
  candidates: readonly Application[],
  first: { readonly units: readonly number[]; readonly unmetFloors: number },
  tieBroken: { readonly units: readonly number[]; readonly unmetFloors: number },
): boolean {
  // Σ score × (tie-broken − first), over the candidates where they differ.
  const change = candidates.reduce((s, a, i) => (tieBroken.units[i] === first.units[i] ? s : s.plus(a.score.times(tieBroken.units[i]! - first.units[i]!))), ZERO);
  return change.gte(0) && tieBroken.unmetFloors <= first.unmetFloors;
}

/** Each kind of limit's place in LIMIT_SPECIFICITY. */
const SPECIFICITY: ReadonlyMap<string, number> = new Map(LIMIT_SPECIFICITY.map((kind, k) => [kind, k]));

/**
 * A sort of limit indexes (in place) so that the most specific limit comes first (it names the
 * reason), for many sorts over the same limits: each limit's place in LIMIT_SPECIFICITY looked up once.
 */
export function specificityOrder(limits: readonly Limit[]): (ks: number[]) => number[] {
  const rank = specificityRanks(limits);
  const bySpecificity = (a: number, b: number) => rank[a]! - rank[b]!;
  return (ks) => (ks.length > 1 ? ks.sort(bySpecificity) : ks);
}

/** Each limit's place in LIMIT_SPECIFICITY (−1: none). */
function specificityRanks(limits: readonly Limit[]): Int32Array {
  const rank = new Int32Array(limits.length);
  for (let k = 0; k < limits.length; k++) rank[k] = SPECIFICITY.get(limits[k]!.kind) ?? -1;
  return rank;
}

/**
 * Σ score × grant over the candidates, exactly: the members of an LP column share one score
 * (lp.ts groups candidates by their score's text), so it is Σ over columns of score × g × the
 * column's units, the units summed in safe integers (checked; else candidate by candidate).
 */
function objectiveOf(p: Prepared, grantUnits: readonly number[], grants: readonly Decimal[]): Decimal {
  return objectiveByScore(p, grantUnits) ?? objectiveByColumn(p, grantUnits, grants);
}

/** `objectiveOf` column by column (the general way). */
export function objectiveByColumn(p: Prepared, grantUnits: readonly number[], grants: readonly Decimal[]): Decimal {
  const g = p.scenario.granularity;
  let objective = ZERO;
  for (const members of p.shape.groups) {
    let units = 0;
    for (const i of members) units += grantUnits[i]!;
    if (!Number.isSafeInteger(units)) return p.candidates.reduce((s, a, i) => (grantUnits[i] === 0 ? s : s.plus(a.score.times(grants[i]!))), ZERO);
    if (units !== 0) objective = objective.plus(p.candidates[members[0]!]!.score.times(g.times(units)));
  }
  return objective;
}

/**
 * `objectiveByColumn` with the columns of one score together: Σ over distinct scores s of
 * s × (g × Σ units), a Decimal product per score rather than per column. The same number where
 * every step of both is exact, which is checked: every product and partial sum is a multiple of
 * 10^−q (q the most decimal places of a score plus g's) below 10^(45 − q) and g × units below
 * 10^(45 − g's places), so each has fewer than the 50 significant digits decimal.js keeps and
 * sums in any order come out the same. Null where that is not so (then column by column).
 */
export function objectiveByScore(p: Prepared, grantUnits: readonly number[]): Decimal | null {
  const g = p.scenario.granularity;
  const gNum = g.toNumber();
  // Distinct scores (found by their double, then compared exactly) and their units.
  const scores: Decimal[] = [];
  const unitsOf: number[] = [];
  const byDouble = new Map<number, number[]>();
  let totalUnits = 0;
  const groups = p.shape.groups;
  for (let col = 0; col < groups.length; col++) {
    const members = groups[col]!;
    let units = 0;
    for (const i of members) units += grantUnits[i]!;
    if (units === 0) continue;
    const score = p.candidates[members[0]!]!.score;
    // The column's score as a double: the preparation's where it has them (per column, in order).
    const d = p.scores !== undefined ? p.scores[col]! : score.toNumber();
    let bucket = byDouble.get(d);
    if (bucket === undefined) byDouble.set(d, (bucket = []));
    let k: number | undefined;
    for (const t of bucket) if (scores[t] === score || scores[t]!.eq(score)) k = t;
    if (k === undefined) {
      k = scores.length;
      bucket.push(k);
      scores.push(score);
      unitsOf.push(0);
    }
    unitsOf[k]! += units;
    totalUnits += units;
  }
  if (!Number.isSafeInteger(totalUnits) || !Number.isFinite(gNum)) return null;
  let places = 0;
  let bound = 0;
  scores.forEach((s, k) => {
    places = Math.max(places, s.decimalPlaces());
    bound += Math.abs(s.toNumber()) * gNum * unitsOf[k]!;
  });
  const gPlaces = g.decimalPlaces();
  const q = places + gPlaces;
  if (q > 40 || !(bound * 10 ** q < 1e45) || !(gNum * totalUnits * 10 ** gPlaces < 1e45)) return null;
  let objective = ZERO;
  scores.forEach((s, k) => (objective = objective.plus(s.times(g.times(unitsOf[k]!)))));
  return objective;
}

/**
 * A scenario that states no budget has the cash of its horizon as its budget: where that budget
 * is the full limit `k` found for a cut, the cash row that `blocking` finds full names the cut
 * instead (its window id), or null.
 */
export function budgetByCash(p: Prepared, k: number | undefined, blocking: () => number | null): string | null {
  if (k === undefined || p.limits[k]!.kind !== 'budget' || p.scenario.budgetGiven !== false || !p.cash.length) return null;
  const w = blocking();
  return w === null ? null : p.cash[w]!.window.id;
}

/** Ceilings of candidate `c` with less than `need` units of room left, the most specific first. */
export type FullCeilings = (c: number, need: number) => number[];
/** The first of `FullCeilings` (undefined: none), found without the list. */
export type FirstFull = (c: number, need: number) => number | undefined;

export interface SolveRun {
  /** When the solve began (build time before it counted), when solving began, when it ended. */
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
  readonly status: 'optimal' | 'time-limit';
  readonly limitDetail: string | null;
  /** An upper bound on the objective, when the path has one (else the objective is its own bound). */
  readonly bound: number | null;
  readonly stages: readonly StageReport[];
  readonly solver: Allocation['solver'];
  /** The stage-1 LP as solved, with its duals (default: the priority LP, no duals). */
  readonly model?: Allocation['model'];
  readonly rules?: RulesReport;
}

/** Build the allocation from per-candidate grants (whole granularity units) and their reasons. */
export function finishAllocation(p: Prepared, grantUnits: readonly number[], outcome: (c: number, full: FullCeilings, firstFull: FirstFull) => CandidateOutcome, run: SolveRun): Allocation {
  const { apps, scenario, measures, candidates, candidateOf, lockedOf, entitlements, limits, units, shape } = p;
  const yuan = unitsToYuan(scenario.granularity);
  const grants = grantUnits.map(yuan);
  const totalUnits = limits.map((l) => sumOver(l.members, grantUnits));
  const { start, at } = limitsOfCandidates(limits, candidates.length);
  const specificFirst = specificityOrder(limits);
  const full: FullCeilings = (c, need) => {
    const ks: number[] = [];
    for (let t = start[c]!; t < start[c + 1]!; t++) {
      const k = at[t]!;
      if (limits[k]!.sense === 'max' && units.limits[k]! - totalUnits[k]! < need) ks.push(k);
    }
    return specificFirst(ks);
  };
  // `full(c, need)[0]`: of the full ceilings, the first of the least rank in LIMIT_SPECIFICITY, in the
  // order `full` lists them before its sort (which is stable, so it keeps that order among equals).
  const rank = specificityRanks(limits);
  const firstFull: FirstFull = (c, need) => {
    let best: number | undefined;
    for (let t = start[c]!; t < start[c + 1]!; t++) {
      const k = at[t]!;
      if (limits[k]!.sense === 'max' && units.limits[k]! - totalUnits[k]! < need && (best === undefined || rank[k]! < rank[best]!)) best = k;
    }
    return best;
  };
  const lines: Line[] = apps.map((app, idx) => {
    const measure = measures.get(app.measureId)!;
    const c = candidateOf[idx]!;
    const locked = lockedOf[idx];
    if (locked) return { app, measure, entitlement: app.lockedFrom ? null : entitlementOf(app, measure), grant: locked, binding: 'locked', limitId: null, candidate: -1 };
    if (c < 0) return { app, measure, entitlement: null, grant: ZERO, binding: app.year !== scenario.year ? 'ineligible' : 'below_min_score', limitId: null, candidate: -1 };
    const o = outcome(c, full, firstFull);
    const line: Line = { app, measure, entitlement: entitlements[c]!, grant: grants[c]!, binding: o.binding, limitId: o.limitId, candidate: c };
    return o.ruleNote ? { ...line, ruleNote: o.ruleNote } : line;
  });
  const limitTotals = totalUnits.map(yuan);
  const objective = objectiveOf(p, grantUnits, grants);
  const lockedTotal = lockedOf.reduce<Decimal>((s, v) => (v ? s.plus(v) : s), ZERO);
  // This year's grants: their units summed in safe integers (checked), times g; else grant by grant.
  let thisYearUnits = 0;
  for (let i = 0; i < p.thisYear; i++) thisYearUnits += grantUnits[i]!;
  const granted = Number.isSafeInteger(thisYearUnits)
    ? thisYearUnits === 0
      ? lockedTotal
      : lockedTotal.plus(scenario.granularity.times(thisYearUnits))
    : grants.slice(0, p.thisYear).reduce((s, v, i) => (grantUnits[i] === 0 ? s : s.plus(v)), lockedTotal);
  // Later years' forecasts: indicative lines, never this year's grants.
  const planLines: Line[] = candidates.slice(p.thisYear).map((app, k) => {
    const c = p.thisYear + k;
    const o = outcome(c, full, firstFull);
    return { app, measure: measures.get(app.measureId)!, entitlement: entitlements[c]!, grant: grants[c]!, binding: o.binding, limitId: o.limitId, candidate: c, ...(o.ruleNote ? { ruleNote: o.ruleNote } : {}) };
  });
  const bound = Math.max(run.bound ?? objective.toNumber(), objective.toNumber());
  const model = run.model ?? { lp: priorityLp(p), shape, duals: null };
  return {
    status: run.status,
    limitDetail: run.limitDetail,
    bound,
    gap: bound > 0 ? (bound - objective.toNumber()) / bound : 0,
    lines,
    limits,
    model,
    limitTotals,
    objective,
    granted,
    lp: { applications: candidates.length, columns: model.lp.columns.length, rows: model.lp.rows.length },
    solver: run.solver,
    stages: run.stages,
    timingsMs: { build: run.t1 - run.t0, solve: run.t2 - run.t1, round: performance.now() - run.t2 },
    ...(run.rules ? { rules: run.rules } : {}),
    ...(candidates.length > p.thisYear ? { plan: { lines: planLines, granted: planLines.reduce((s, l) => s.plus(l.grant), ZERO) } } : {}),
  };
}
