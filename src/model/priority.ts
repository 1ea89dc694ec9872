/**
 * The priority objective on the policy's LP: maximise Σ score × grant (stage one), then,
 * with that objective held, prefer the priority order among equally good allocations (stage
 * two, the tie rule); round to whole units (rounding.ts); name for each grant below its
 * entitlement the most specific full limit.
 */
import { D, LP_UNIT, ZERO, fmtYuanHuman, toLpUnits } from '../money.js';
import { InfeasibleError, InternalError, type Conflict } from '../errors.js';
import type { LinearProgram, Picked, Picker, SolveResult } from '../solver/types.js';
import { bestBound } from './bound.js';
import { budgetByCash, finishAllocation, tieBrokenNotWorse, tieRanks, timedSolve } from './finish.js';
import { blockingShare, shareIndex, shareSums, statedAmount, type Limit, type ShareIndex, type ShareRow } from './limits.js';
import { disaggregate, policyLp, type PolicyLpShape } from './lp.js';
import { CashTracker, roundingSlack, type CashRow } from './cash-rows.js';
import { priorityLp } from './prepare.js';
import { roundAllocation, type RoundingResult } from './rounding.js';
import { LIMIT_BINDING, type AllocateOptions, type Allocation, type Binding, type CandidateOutcome, type Prepared, type StageReport } from './types.js';

/**
 * Stage one (and the tie rule), then rounding: the grants in whole units, or InfeasibleError where
 * whole units cannot meet the floors or shares. `cashWidened`: the cash rows' rooms are already
 * widened by what the rounding of instalments can leave unpaid (`widenedCash`).
 */
export function priorityGrants(prepared: Prepared, pick: Picker, options: AllocateOptions = {}, cashWidened = false): PriorityGrants {
  const t0 = performance.now() - prepared.msBuild;
  const { candidates, limits, shares, order, units, shape, scores, caps } = prepared;
  const g = prepared.scenario.granularity;

  // Stage 1: maximise Σ score × grant.
  const stage1 = priorityLp(prepared);
  options.onLp?.(stage1);
  // The tie rule's weights are the model's (counted as building): a column weighs by the position
  // of its first member in the priority order.
  const n = candidates.length;
  const tieRule = options.tieBreak !== false;
  const ranks = tieRanks(order);
  const columnRanks = shape.groups.map((members) => ranks[members[0]!]!);
  // Picking counts as solving: for the network simplex it is recognising the network.
  const t1 = performance.now();
  const picked = pick(stage1);
  const backend = picked.backend;
  const stages: StageReport[] = [];
  const limits_ = { timeLimitSeconds: options.timeLimitSeconds, iterationLimit: options.iterationLimit };
  // A backend that breaks ties itself (the network simplex) does both stages in one exact solve.
  const oneSolve = tieRule && backend.solveTieBroken !== undefined;
  const warm = options.warmStart && sameRows(options.warmStart.shape, shape) ? options.warmStart : undefined;
  const first = timedSolve(stages, oneSolve ? 'priority + tie-break' : 'priority', backend, stage1, { ...limits_, warmStart: warm?.basis, reducedCosts: warm?.reducedCosts }, oneSolve ? columnRanks : undefined);
  if (first.status === 'infeasible') {
    // The LP's cash rows count share × grant, which can be more than the instalments the rule pays
    // (each but a grant's last rounded down): a floor only those instalments let through is met
    // by the LP with the rows' rooms widened by that rounding, rounded and checked as paid.
    if (prepared.cash.length && !cashWidened) return priorityGrants(widenedCash(prepared), pick, options, true);
    throw diagnoseInfeasible(shape, limits, shares, pick, stages, prepared.cash);
  }
  if (first.status !== 'optimal' && first.status !== 'time-limit') {
    throw new InternalError(`the LP solver returned ${first.status}`, [`${first.backend}: ${first.detail} (${first.raw})`]);
  }

  // Stage 2: maximise the tie weights over stage one's optima. Skipped when stage 1 was cut short.
  let second: SolveResult | null = null;
  // Whether stage two was held to stage one's optimal face (else by an objective row, to a tolerance).
  let onFace = false;
  if (first.status === 'optimal' && tieRule && !oneSolve) {
    const stage2 = policyLp(shape, tieWeights(shape.groups, columnRanks, n));
    // On stage one's optimal face; without reduced costs, the stage-1 objective held by a row to
    // within 10⁻⁹ of it. Either way from stage one's optimal basis where the backend gave one: its
    // point is feasible for stage two, a few pivots from the tie rule's optimum.
    const tolerance = Math.max(1e-9 * Math.abs(first.objective), 1e-7);
    const face = optimalFace(stage2, first);
    onFace = face !== null;
    const stage2Lp: LinearProgram = face ?? {
      ...stage2,
      rows: [...stage2.rows, { terms: scores.map((s, g) => [g, s] as const).filter(([, s]) => s !== 0), lower: first.objective - tolerance, upper: null }],
    };
    second = timedSolve(stages, 'tie-break', backend, stage2Lp, { ...limits_, warmStart: first.basis, reducedCosts: first.reducedCosts });
  }
  const t2 = performance.now();

  // Round to whole units. A point cut short by a limit may break limits; rounding repairs it like any other (step 2).
  const cashTracker = (grantUnits: readonly number[]) => new CashTracker(prepared.cash, candidates, prepared.measures, g, grantUnits);
  const cash = prepared.cash.length ? { cash: cashTracker } : {};
  const roundValues = (values: ArrayLike<number> | null) =>
    roundAllocation({ caps, limits, shares, units, values: disaggregate(shape, units, values ?? new Float64Array(stage1.columns.length), LP_UNIT.toNumber()), order, granularity: g, ...cash });
  // Stage two's point where it solved on the optimal face: stage one's optimum with the ties
  // broken, the same whichever of stage one's optima the backend ended at (rounding stage one's own
  // point would give another allocation for each, a rounding's hair better or worse); stage one's
  // too only where that leaves a floor or share unmet, kept if it meets more. Held by an objective
  // row, stage two may trade a hair of the objective (its tolerance) for the tie rule, and rounding
  // can turn a hair into a unit: both are rounded and stage two's is kept only if it is not worse.
  const unmet = (r: RoundingResult) => r.unmetFloors.length + r.unmetShares.length;
  const asKept = (r: RoundingResult) => ({ units: r.grantUnits, unmetFloors: unmet(r) });
  let rounded: RoundingResult;
  if (second?.status !== 'optimal') rounded = roundValues(first.values);
  else if (onFace) {
    rounded = roundValues(second.values);
    if (unmet(rounded) > 0) {
      const plain = roundValues(first.values);
      if (unmet(plain) < unmet(rounded)) rounded = plain;
    }
  } else {
    rounded = roundValues(first.values);
    const tieBroken = roundValues(second.values);
    if (tieBrokenNotWorse(candidates, asKept(rounded), asKept(tieBroken))) rounded = tieBroken;
  }
  if (rounded.unmetShares.length) {
    throw new InfeasibleError(
      'share rules cannot be met in whole granularity units',
      rounded.unmetShares.map((j) => ({ limit: `${shares[j]!.id} (${shares[j]!.source})`, description: `at ${shares[j]!.sense === 'min' ? 'least' : 'most'} ${shares[j]!.rate.times(100).toString()}% to the qualifying applications, in units of ${fmtYuanHuman(g)}` })),
    );
  }
  if (rounded.unmetFloors.length) {
    throw new InfeasibleError(
      `${rounded.unmetFloors.every((k) => limits[k]!.kind === 'measure_min') ? 'measure floors' : 'floors'} cannot be met in whole granularity units`,
      rounded.unmetFloors.map((k) => ({ limit: limits[k]!.id, description: `floor ${statedAmount(limits[k]!)}, reached ${fmtYuanHuman(rounded.totals[k]!.plus(limits[k]!.locked))} in units of ${fmtYuanHuman(g)}` })),
    );
  }

  return { rounded, first, stage1, picked, stages, t0, t1, t2 };
}

/** The preparation with each cash row's room in its LP widened by what the rounding of instalments can leave unpaid in it (cash-rows.ts `roundingSlack`). */
function widenedCash(prepared: Prepared): Prepared {
  const { shape, cash, candidates, measures, scenario } = prepared;
  const cashRows = shape.cashRows.map((c) => ({ ...c, upper: c.upper + toLpUnits(roundingSlack(cash[c.cash]!, candidates, measures, scenario.granularity)) }));
  return { ...prepared, shape: { ...shape, cashRows } };
}

/** The most ceilings an infeasible scenario's message names (the rest are counted). */
const NAMED_CEILINGS = 10;

/** A reduced cost or dual beyond this is not zero (far below a solver's own tolerances of optimality, about 10⁻⁷). */
const FACE_TOLERANCE = 1e-9;

/**
 * The tie rule's LP (`stage2`: stage one's columns and rows, the tie weights as costs) on stage
 * one's optimal face: each column whose reduced cost is not zero held at the bound it is at, and
 * each row whose dual is not zero held at the bound it is at. Every optimum of stage one has them
 * so (complementary slackness), and every point of the LP that has them so is an optimum of stage
 * one: the tie rule's optimum there is stage one's optimum with the ties broken, whichever of stage
 * one's optima the solve ended at. Null where the backend gave no reduced costs or duals.
 */
function optimalFace(stage2: LinearProgram, first: Extract<SolveResult, { status: 'optimal' }>): LinearProgram | null {
  const { reducedCosts: d, duals: y, values: x } = first;
  if (!d || !y || d.length !== stage2.columns.length || y.length !== stage2.rows.length) return null;
  const nearer = (v: number, lower: number, upper: number) => (Math.abs(v - upper) < Math.abs(v - lower) ? upper : lower);
  const columns = stage2.columns.map((c, j) => {
    if (Math.abs(d[j]!) <= FACE_TOLERANCE) return c;
    const at = nearer(x[j]!, c.lower, c.upper);
    return { ...c, lower: at, upper: at };
  });
  const rows = stage2.rows.map((r, i) => {
    if (Math.abs(y[i]!) <= FACE_TOLERANCE || (r.lower === null && r.upper === null)) return r;
    let at: number;
    if (r.lower === null) at = r.upper!;
    else if (r.upper === null) at = r.lower;
    else {
      let activity = 0;
      for (const [j, a] of r.terms) activity += a * x[j]!;
      at = nearer(activity, r.lower, r.upper);
    }
    return { ...r, lower: at, upper: at };
  });
  return { ...stage2, columns, rows };
}

/**
 * The tie rule's stage's costs: each column's rank over the candidates' count. One array per
 * columns and ranks (the same for a shape at other amounts), so that `policyLp` knows the stage's
 * LP has the last one's columns and terms.
 */
const tieWeightsOf = new WeakMap<readonly (readonly number[])[], { readonly ranks: readonly number[]; readonly n: number; readonly weights: readonly number[] }>();
function tieWeights(groups: readonly (readonly number[])[], columnRanks: readonly number[], n: number): readonly number[] {
  const kept = tieWeightsOf.get(groups);
  if (kept && kept.n === n && kept.ranks.length === columnRanks.length && kept.ranks.every((r, g) => r === columnRanks[g])) return kept.weights;
  const weights = columnRanks.map((r) => r / n);
  tieWeightsOf.set(groups, { ranks: columnRanks, n, weights });
  return weights;
}

/**
 * Whether two shapes have the same columns and rows, in the same order (the same candidates in each
 * column, the same limits with rows, the same share and cash rows), so that a basis of one's LP is
 * one of the other's: a scenario changed only in amounts that move no row in or out.
 */
function sameRows(a: PolicyLpShape, b: PolicyLpShape): boolean {
  const same = <T>(x: readonly T[], y: readonly T[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.groups.length === b.groups.length &&
    a.groups.every((members, j) => same(members, b.groups[j]!)) &&
    same(a.rowLimit, b.rowLimit) &&
    same(a.shareRows.map((r) => r.share), b.shareRows.map((r) => r.share)) &&
    same(a.cashRows.map((r) => r.cash), b.cashRows.map((r) => r.cash))
  );
}

/** The priority LP solved and rounded: whole units per candidate, before the reasons and totals (`solvePriority` adds them). */
export interface PriorityGrants {
  readonly rounded: RoundingResult;
  /** The stage-1 solve (optimal, or cut short by its time limit). */
  readonly first: Extract<SolveResult, { status: 'optimal' | 'time-limit' }>;
  readonly stage1: LinearProgram;
  readonly picked: Picked;
  readonly stages: readonly StageReport[];
  /** When the solve began (build time before it counted), when solving began, when it ended. */
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
}

export function solvePriority(prepared: Prepared, pick: Picker, options: AllocateOptions = {}): Allocation {
  const { rounded, first, stage1, picked, stages, t0, t1, t2 } = priorityGrants(prepared, pick, options);
  const { candidates, limits, shares, units, shape, caps } = prepared;
  const g = prepared.scenario.granularity;
  const backend = picked.backend;
  const cashTracker = (grantUnits: readonly number[]) => new CashTracker(prepared.cash, candidates, prepared.measures, g, grantUnits);
  // The bound: the LP optimum when proven; else the best Lagrangian bound from the duals reached.
  const budgetRow = shape.rowLimit.findIndex((k) => limits[k]!.kind === 'budget');
  const boundLp = first.status === 'optimal' ? first.objective : bestBound(stage1, first.duals, budgetRow >= 0 ? budgetRow : null);
  const grantUnits = rounded.grantUnits;
  // The share rows' weights and sums, made once, on first use.
  let index: ShareIndex | undefined;
  let sums: number[] | undefined;
  const shareState = () => (index ??= shareIndex(shares, g, candidates.length));
  const shareTotals = () => (sums ??= shareSums(shares, shareState(), grantUnits));
  let tracker: CashTracker | undefined;
  const cashState = () => (tracker ??= cashTracker(grantUnits));
  // A grant at its entitlement: the entitlement's reason, one outcome per kind of reason.
  const atCap = new Map<Binding, CandidateOutcome>();
  const capped = (binding: Binding) => {
    let o = atCap.get(binding);
    if (!o) atCap.set(binding, (o = { binding, limitId: null }));
    return o;
  };
  // Why each grant is what it is: its entitlement, or the most specific ceiling that is full.
  // A grant below it held by a full limit: one outcome per limit.
  const byLimit: (CandidateOutcome | undefined)[] = [];
  const limitFull = (k: number) => (byLimit[k] ??= { binding: LIMIT_BINDING[limits[k]!.kind], limitId: limits[k]!.id });
  return finishAllocation(
    prepared,
    grantUnits,
    (c, _full, firstFull) => {
      const ent = prepared.entitlements[c]!;
      if (grantUnits[c]! >= units.caps[c]!) return capped(ent.binding);
      const k = firstFull(c, 1);
      const cashFull = budgetByCash(prepared, k, () => cashState().blocking(c, grantUnits[c]!, 1));
      if (cashFull !== null) return { binding: 'cash', limitId: cashFull };
      if (k === undefined) {
        const j = blockingShare(shareState(), shareTotals(), c);
        if (j !== null) return { binding: 'share', limitId: shares[j]!.id };
        const w = prepared.cash.length ? cashState().blocking(c, grantUnits[c]!, 1) : null;
        if (w !== null) return { binding: 'cash', limitId: prepared.cash[w]!.window.id };
        throw new InternalError(`rounding left ${candidates[c]!.projectId} below its entitlement with room in every limit`, [`grant ${rounded.grants[c]}, cap ${caps[c]}`]);
      }
      return limitFull(k);
    },
    {
      t0,
      t1,
      t2,
      status: first.status,
      limitDetail: first.status === 'time-limit' ? first.detail : null,
      bound: boundLp * LP_UNIT.toNumber(),
      stages,
      solver: { backend: backend.name, reason: picked.reason },
      model: {
        lp: stage1,
        shape,
        duals: first.status === 'optimal' ? (first.duals ?? null) : null,
        basis: first.status === 'optimal' ? first.basis : undefined,
        reducedCosts: first.status === 'optimal' ? first.reducedCosts : undefined,
      },
    },
  );
}

/**
 * The LP is infeasible only through floors (every ceiling admits zero). Find which floors
 * cannot be met together: add an elastic column to each floor row, minimise the total
 * shortfall, and name every floor left short, with the amount.
 */
function diagnoseInfeasible(shape: PolicyLpShape, limits: readonly Limit[], shares: readonly ShareRow[], pick: Picker, stages: StageReport[], cash: readonly CashRow[] = []): Error {
  const base = policyLp(shape, shape.groups.map(() => 0), 'min');
  const floorRows = shape.rowLimit.map((k, r) => [k, r] as const).filter(([k]) => limits[k]!.sense === 'min');
  // A share row that earlier batches' grants break with no new grant (a maximum the locked
  // qualifying grants already pass) is short too: its elastic column after the floors'.
  const limitRows = shape.rowLimit.length;
  const brokenShares = shape.shareRows.flatMap((row, k) => (row.lower > 0 ? [[k, limitRows + k] as const] : []));
  const elastic = [...floorRows.map(([, r]) => r), ...brokenShares.map(([, r]) => r)];
  const n = base.columns.length;
  const lp: LinearProgram = {
    sense: 'min',
    // A shortfall never exceeds its bound (grants are ≥ 0): bounded, the elastic LP of a network LP is one too.
    columns: [...base.columns, ...elastic.map((r) => ({ lower: 0, upper: base.rows[r]!.lower!, cost: 1 }))],
    rows: base.rows.map((row, r) => {
      const e = elastic.indexOf(r);
      return e < 0 ? row : { ...row, terms: [...row.terms, [n + e, 1] as const] };
    }),
  };
  const r = timedSolve(stages, 'feasibility', pick(lp).backend, lp);
  if (r.status !== 'optimal') return new InternalError('the LP is infeasible and its elastic form did not solve', [`${r.backend}: ${r.raw}`]);
  /** Whether floor e, or (`shareShort`) broken share row e, is left short by half a fen or more: its elastic column's value. */
  const floorShort = (e: number) => r.values[n + e]! * LP_UNIT.toNumber() >= 0.005;
  const shareShort = (e: number) => floorShort(floorRows.length + e);
  const conflicts: Conflict[] = [];
  brokenShares.forEach(([k], e) => {
    if (!shareShort(e)) return;
    const row = shares[shape.shareRows[k]!.share]!;
    conflicts.push({
      limit: `${row.id} (${row.source})`,
      description: `at ${row.sense === 'min' ? 'least' : 'most'} ${row.rate.times(100).toString()}% of the money under its measures to the qualifying applications: earlier batches granted ${fmtYuanHuman(row.lockedQualifying)} to them and ${fmtYuanHuman(row.lockedOthers)} to the others, more than this batch can make up within the other limits`,
    });
  });
  // This year's measure floors against the budget (a target's floor counts plan years' grants too, which the budget does not bound).
  // Floors of one kind hold apart (an application is in one measure, one district); of two kinds they overlap and are not added.
  const floorsTotal = (kind: string) => floorRows.reduce((s, [k]) => (limits[k]!.kind === kind ? s.plus(limits[k]!.amount) : s), ZERO);
  const budget = limits.find((l) => l.kind === 'budget')!;
  floorRows.forEach(([k], e) => {
    if (!floorShort(e)) return;
    const short = r.values[n + e]!;
    const l = limits[k]!;
    // The row's floor is the amount in whole units, rounded up; what can be reached, in whole units too.
    const g = shape.granularity;
    const reached = l.amount.div(g).ceil().times(g).minus(new D(short).times(LP_UNIT).toDecimalPlaces(2));
    const reachable = D.max(ZERO, reached.div(g).floor().times(g));
    const capsTotal = shape.rowColumns[shape.rowLimit.indexOf(k)]!.reduce((s, col) => s.plus(shape.groupCaps[col]!), ZERO);
    // What earlier batches granted under it counts towards it: added to what this batch can give.
    const why = capsTotal.lt(l.amount)
      ? `its applications ${l.locked.gt(0) ? 'in this batch ' : ''}are entitled to ${fmtYuanHuman(capsTotal)} in all`
      : `at most about ${fmtYuanHuman(reachable.plus(l.locked))} can go to it within the other limits`;
    conflicts.push({ limit: `${l.id} (${l.source})`, description: `floor ${statedAmount(l)} cannot be met: ${why}` });
  });
  // A share rule over a short floor's applications holds part of them back: it is one of the conflicting limits.
  const shortMembers = new Set(conflicts.length ? floorRows.filter((_, e) => floorShort(e)).flatMap(([k]) => limits[k]!.members) : []);
  for (const row of shares) {
    if ([...row.qualifying, ...row.others].some((i) => shortMembers.has(i))) {
      conflicts.push({ limit: `${row.id} (${row.source})`, description: `at ${row.sense === 'min' ? 'least' : 'most'} ${row.rate.times(100).toString()}% of the money under its measures to the qualifying applications` });
    }
  }
  // So does a year's cash that the short floor's grants would fall due in.
  for (const row of cash) {
    if (row.members.some((i) => shortMembers.has(i))) {
      conflicts.push({ limit: `${row.window.id} (scenario.cash)`, description: `what falls due in ${row.window.from === row.window.to ? row.window.from : `${row.window.from}–${row.window.to}`} at most ${fmtYuanHuman(row.window.room)} after earlier commitments` });
    }
  }
  const over = (['measure_min', 'district_min'] as const)
    .map((kind) => [kind === 'measure_min' ? 'measure' : 'district', floorsTotal(kind)] as const)
    .filter(([, total]) => total.gt(budget.amount))
    .map(([what, total]) => `the ${what} floors together${budget.locked.gt(0) ? ' still need' : ''}, ${fmtYuanHuman(total)}`);
  // After earlier batches, what is left of the budget against what the floors still need.
  const left = budget.locked.gt(0) ? `${statedAmount(budget)} leaves ${fmtYuanHuman(budget.amount)}, which` : fmtYuanHuman(budget.amount);
  if (over.length) conflicts.unshift({ limit: `budget (${budget.source})`, description: `${left} is less than ${over.join(', and ')}` });
  // The ceilings that hold the short floors back: full, with a dual that is not zero in the
  // shortfall's LP (its optimum is bounded by their room), the largest first.
  if (conflicts.length && r.duals) {
    const duals = r.duals;
    const full = shape.rowLimit
      .map((k, row) => ({ l: limits[k]!, d: Math.abs(duals[row]!) }))
      .filter(({ l, d }) => l.sense === 'max' && d > FACE_TOLERANCE && !(l.kind === 'budget' && over.length))
      .sort((a, b) => b.d - a.d || (a.l.id < b.l.id ? -1 : a.l.id > b.l.id ? 1 : 0));
    const shortShares = brokenShares.some((_, e) => shareShort(e));
    const what = shortShares ? (floorRows.some((_, e) => floorShort(e)) ? 'the short floors and share rules' : 'the short share rules') : 'the short floors';
    for (const { l } of full.slice(0, NAMED_CEILINGS)) conflicts.push({ limit: `${l.id} (${l.source})`, description: `at most ${statedAmount(l)}: full, and ${what} need room in it` });
    if (full.length > NAMED_CEILINGS) conflicts.push({ limit: 'other ceilings', description: `${full.length - NAMED_CEILINGS} more full ceilings hold ${what} back as well` });
  }
  if (!conflicts.length) return new InternalError('the LP is infeasible but no floor or share is short', [`${r.backend}: ${r.raw}`]);
  return new InfeasibleError('no allocation satisfies the scenario: these limits conflict', conflicts);
}
