/**
 * The integer model: decisions, all-or-nothing and minimum-share grants, exclusive groups and
 * count quotas. Applications are not interchangeable under these rules, so there is one
 * column per application (no merging), in whole granularity units:
 *
 *   x_i ∈ [0, cap_i]             (the grant in units; cap_i = entitlement rounded down)
 *   y_i ∈ {0, 1}                 (funded), where a rule needs it: lo_i·y_i ≤ x_i ≤ cap_i·y_i with
 *                                 lo_i = cap_i (all or nothing), ⌈minShare × cap_i⌉ (minimum share), else 1
 *   forced: x_i = cap_i (or y_i = 1 with forcedGrant "funded"); excluded: x_i = 0
 *   exclusive group: Σ y ≤ 1; count rules (per measure, per district): minCount ≤ Σ y ≤ maxCount
 *   every limit: Σ x ≤ ⌊L / g⌋ (ceiling), Σ x ≥ ⌈L / g⌉ (floor)
 *   maximise Σ score_i × x_i
 *
 * Solved by HiGHS with mip_rel_gap 0: the result is a proven optimum, or (time limit) the
 * best found with HiGHS's bound and gap. First with continuous x (much faster): each grant is
 * rounded down to whole units, and what that leaves is handed out in priority order to
 * applications already funded below their cap (`handOut`, which keeps every integer rule).
 * Only if that leaves a floor unmet is the model solved again with integer x, exact in units.
 * The LP relaxation of the yes/no decisions is never presented as a selection.
 *
 * When no allocation satisfies the rules, a deletion filter finds an irreducible set of
 * conflicting rules (dropping any one of them makes the rest feasible), and for each
 * numeric one the least change that makes the scenario feasible with the others kept.
 */
import type { Decimal } from 'decimal.js';
import { fmtYuanHuman } from '../money.js';
import { InfeasibleError, InputError, InternalError, type Conflict } from '../errors.js';
import type { Column, LinearProgram, Picked, Picker, Row, SolveResult } from '../solver/types.js';
import { budgetByCash, finishAllocation, timedSolve } from './finish.js';
import { breakTies, tieBreakSeconds, unorderedTies, type Kept } from './integer-ties.js';
import { blockingShare, limitsOfCandidates, shareIndex, shareSums, shareUnits, statedAmount, type Limit, type LimitsOf, type ShareIndex } from './limits.js';
import { CashTracker, integerCashRow } from './cash-rows.js';
import { lockedFunding, lockedUnder } from './prepare.js';
import { countRuleId, countRules, countRuleSource, counts, decisionCounts, integerRuleOf, type CountRule } from './rules.js';
import { LIMIT_BINDING, type AllocateOptions, type Allocation, type CandidateOutcome, type Prepared, type StageReport, type TieRule } from './types.js';

/** A rule of the model that can be dropped when looking for a conflict, with what it says. */
interface RuleGroup {
  readonly id: string;
  readonly text: string;
  /** For a numeric rule: the expression (columns) and its direction, to find the least change. */
  readonly expr?: {
    readonly terms: readonly (readonly [number, number])[];
    readonly sense: 'max' | 'min';
    readonly bound: number;
    readonly unit: 'yuan' | 'count';
    /** Already counted outside the terms (applications an earlier batch funded): the rule is terms + offset against bound. */
    readonly offset?: number;
    /** A limit's (`unit` yuan): what is left of its amount, and what earlier batches' grants use of it (the scenario's amount is the two together). */
    readonly limit?: Pick<Limit, 'amount' | 'locked'>;
  };
}

interface Built {
  readonly lp: LinearProgram;
  readonly groups: readonly RuleGroup[];
  /** Column of y_i per candidate, or -1. */
  readonly yOf: readonly number[];
  /** Whether any column is integer or semi-continuous (else it is an LP). */
  readonly mip: boolean;
}

/** What the integer model is built from: the candidates, their caps in units, and the grants an earlier batch fixed. */
export type IntegerBasis = Pick<Prepared, 'apps' | 'lockedOf' | 'candidates' | 'units' | 'scenario'>;

/** Per candidate, whether it takes a yes/no column y_i (a rule counts it as funded or not). */
function yesNoColumns(p: IntegerBasis): boolean[] {
  const { candidates, units, scenario } = p;
  const counted = countRules(scenario);
  // What an earlier batch funded (--lock) counts in exclusive groups.
  const groupSize = new Map<string, number>();
  for (const a of candidates) if (a.exclusiveGroup) groupSize.set(a.exclusiveGroup, (groupSize.get(a.exclusiveGroup) ?? 0) + 1);
  for (const [grp, ids] of lockedFunding(p.apps, p.lockedOf).byGroup) groupSize.set(grp, (groupSize.get(grp) ?? 0) + ids.length);
  return candidates.map((a, i) => {
    const r = integerRuleOf(a, scenario);
    // HiGHS refuses semi-continuous columns above 1e5 (kMaxSemiVariableUpper): those take a binary.
    const bigMinShare = r.minShare !== null && units.caps[i]! > SEMI_MAX;
    return units.caps[i]! > 0 && (r.allOrNothing || bigMinShare || (!!a.exclusiveGroup && (groupSize.get(a.exclusiveGroup) ?? 0) > 1) || counted.some((c) => counts(c, a)) || (a.decision === 'fund' && scenario.forcedGrant === 'funded'));
  });
}

/**
 * Whether solving the integer model may need a backend that solves integer columns: its
 * first solve has yes/no or semi-continuous columns, or it has a floor (which whole units
 * may miss after rounding down, and then the model is solved again with integer grants).
 */
export function integerModelNeedsMip(p: IntegerBasis, floors: boolean): boolean {
  if (floors) return true;
  const needsY = yesNoColumns(p);
  // Semi-continuous: a minimum share on an undecided candidate with no yes/no column (see buildIntegerModel).
  return p.candidates.some((a, i) => needsY[i] || (p.units.caps[i]! > 0 && !a.decision && integerRuleOf(a, p.scenario).minShare !== null));
}

/** @param wholeUnits grants as integer columns (exact in units); else continuous, rounded down afterwards */
export function buildIntegerModel(p: Prepared, drop: ReadonlySet<string>, wholeUnits: boolean): Built {
  const { candidates, units, limits, scenario } = p;
  const g = scenario.granularity;
  const columns: Column[] = [];
  const rows: Row[] = [];
  const groups: RuleGroup[] = [];
  const rule = (id: string, text: string, expr?: RuleGroup['expr']) => groups.push({ id, text, ...(expr ? { expr } : {}) });
  // What an earlier batch funded (--lock) counts in exclusive groups and count rules.
  const locked = lockedFunding(p.apps, p.lockedOf);
  const needsY = yesNoColumns(p);
  // x columns first (index i), then the y columns.
  candidates.forEach((a, i) => {
    const cap = units.caps[i]!;
    const forced = a.decision === 'fund' && scenario.forcedGrant !== 'funded';
    const fid = `forced:${a.projectId}`;
    const xid = `excluded:${a.projectId}`;
    if (a.decision === 'fund') rule(fid, `forced ${a.projectId} ${forced ? `gets its entitlement ${fmtYuanHuman(g.times(cap))}` : 'is funded'}${a.decisionReason ? ` (${a.decisionReason})` : ''}`);
    if (a.decision === 'exclude') rule(xid, `excluded ${a.projectId}${a.decisionReason ? ` (${a.decisionReason})` : ''}`);
    const excluded = a.decision === 'exclude' && !drop.has(xid);
    const r = integerRuleOf(a, scenario);
    const isForced = forced && !drop.has(fid) && !excluded;
    // A minimum share alone is a semi-continuous column (0 or between the share and the cap): native in HiGHS.
    const semi = !needsY[i] && !isForced && !excluded && r.minShare !== null && !drop.has(`minShare:${a.measureId}`) && cap > 0;
    const lower = isForced ? cap : semi ? minUnits(r.minShare!, cap) : 0;
    columns.push({ lower, upper: excluded ? 0 : cap, cost: a.score.toNumber(), ...(wholeUnits ? { integer: true } : {}), ...(semi ? { semicontinuous: true } : {}) });
  });
  const yOf = candidates.map((a, i) => {
    const r = integerRuleOf(a, scenario);
    if (!needsY[i]) return -1;
    const y = columns.length;
    const fid = `forced:${a.projectId}`;
    columns.push({ lower: a.decision === 'fund' && scenario.forcedGrant === 'funded' && !drop.has(fid) ? 1 : 0, upper: 1, cost: 0, integer: true });
    const cap = units.caps[i]!;
    // x ≤ cap·y, and x ≥ lo·y (lo by the integer rule of the measure; 1: funded means a grant).
    rows.push({ terms: [[i, 1], [y, -cap]], lower: null, upper: 0 });
    const ruleId = r.allOrNothing ? `allOrNothing:${a.measureId}` : r.minShare ? `minShare:${a.measureId}` : null;
    const lo = r.allOrNothing ? cap : r.minShare ? minUnits(r.minShare, cap) : 1;
    rows.push({ terms: [[i, 1], [y, -(ruleId && drop.has(ruleId) ? 1 : lo)]], lower: 0, upper: null });
    return y;
  });
  for (const [id, text] of [
    ...new Set(candidates.flatMap((a) => {
      const r = integerRuleOf(a, scenario);
      return r.allOrNothing ? [`allOrNothing:${a.measureId}`] : r.minShare ? [`minShare:${a.measureId}`] : [];
    })),
  ].map((id) => [id, id.startsWith('all') ? `${id.slice(13)}: all or nothing` : `${id.slice(9)}: a grant is zero or at least ${integerRuleOf(candidates.find((a) => a.measureId === id.slice(9))!, scenario).minShare} of the entitlement`] as const)) {
    rule(id, text);
  }

  // Limits (a ceiling that cannot bind gets no row; floors always do).
  limits.forEach((l, k) => {
    const bound = units.limits[k]!;
    if (l.sense === 'max' && l.members.reduce((s, i) => s + units.caps[i]!, 0) <= bound) return;
    const terms = l.members.map((i) => [i, 1] as const);
    rule(l.id, `${l.id} (${l.source}) ${l.sense === 'max' ? '≤' : '≥'} ${statedAmount(l)}`, { terms, sense: l.sense, bound, unit: 'yuan', limit: l });
    if (drop.has(l.id)) return;
    rows.push({ terms, lower: l.sense === 'min' ? bound : null, upper: l.sense === 'max' ? bound : null });
  });
  // Share rules: weighted rows, exact in whole units (limits.ts shareUnits).
  for (const row of p.shares) {
    const w = shareUnits(row, g);
    const terms = [...row.qualifying.map((i) => [i, w.qualifyingWeight] as const), ...row.others.map((i) => [i, w.othersWeight] as const)];
    rule(row.id, `${row.id} (${row.source}): at ${row.sense === 'min' ? 'least' : 'most'} ${row.rate.times(100).toString()}% of the money under its measures to the qualifying applications`);
    if (!drop.has(row.id) && terms.length) rows.push({ terms, lower: w.threshold, upper: null });
  }
  // Cash rows, in instalment units, keeping room for the rounding of instalments.
  for (const row of p.cash) {
    const { terms, upper } = integerCashRow(row, candidates, p.measures, g);
    const w = row.window;
    rule(w.id, `${w.id} (scenario.cash): new grants falling due in ${w.from === w.to ? w.from : `${w.from}–${w.to}`} at most ${fmtYuanHuman(w.room)} after earlier commitments`);
    if (!drop.has(w.id) && terms.length) rows.push({ terms, lower: null, upper });
  }
  // Exclusive groups.
  const members = new Map<string, number[]>();
  candidates.forEach((a, i) => {
    if (a.exclusiveGroup && yOf[i]! >= 0) members.set(a.exclusiveGroup, [...(members.get(a.exclusiveGroup) ?? []), i]);
  });
  for (const [grp, list] of members) {
    const earlier = locked.byGroup.get(grp) ?? [];
    if (list.length + earlier.length < 2) continue;
    const id = `exclusive:${grp}`;
    const names = [...earlier.map((x) => `${x} (funded by an earlier batch)`), ...list.map((i) => candidates[i]!.projectId)];
    rule(id, `exclusive group ${grp}: at most one of ${names.join(', ')} funded`);
    if (!drop.has(id)) rows.push({ terms: list.map((i) => [yOf[i]!, 1] as const), lower: null, upper: Math.max(0, 1 - earlier.length) });
  }
  // Count rules, per measure and per district.
  for (const c of countRules(scenario)) {
    const terms = candidates.map((a, i) => [a, i] as const).filter(([a, i]) => counts(c, a) && yOf[i]! >= 0).map(([, i]) => [yOf[i]!, 1] as const);
    const earlier = lockedUnder(locked, c).length + (c.earlier ?? 0);
    for (const [sense, count] of [['min', c.minCount], ['max', c.maxCount]] as const) {
      if (count === undefined) continue;
      const id = countRuleId(c, sense);
      const left = Math.max(0, count - earlier);
      rule(id, `${countRuleSource(c, sense)}: ${sense === 'min' ? 'at least' : 'at most'} ${count} applications funded${earlier ? ` (${earlier} by an earlier batch)` : ''}`, {
        terms,
        sense,
        bound: count,
        unit: 'count',
        offset: earlier,
      });
      if (!drop.has(id)) rows.push({ terms, lower: sense === 'min' ? left : null, upper: sense === 'max' ? left : null });
    }
  }
  return { lp: { sense: 'max', columns, rows }, groups, yOf, mip: columns.some((c) => c.integer || c.semicontinuous) };
}

const SEMI_MAX = 100_000;

/** Nothing, because count rule `c` already has its maxCount funded: a measure's quota or a district's count. */
function countOutcome(c: CountRule): CandidateOutcome {
  const maxCount = c.maxCount!;
  return c.kind === 'measure'
    ? { binding: 'quota', limitId: null, ruleNote: { kind: 'quota', measureId: c.subject, maxCount } }
    : { binding: 'district_count', limitId: null, ruleNote: { kind: 'district_count', district: c.subject, maxCount } };
}

/** The least grant, in units, under a minimum share: ⌈share × cap⌉, at least one unit. */
const minUnits = (share: Decimal, cap: number) => Math.max(1, share.times(cap).ceil().toNumber());

/** The backend the picker gives an LP of the integer model; one with integer columns must go to a backend that solves them (else the scenario check names the rules). */
function pickFor(pick: Picker, built: { readonly lp: LinearProgram; readonly mip: boolean }): Picked {
  const picked = pick(built.lp);
  if (built.mip && !picked.backend.solvesIntegers) {
    throw new InternalError(`an integer model was handed to ${picked.backend.name}, which does not solve integer columns: the scenario check should have named its rules`);
  }
  return picked;
}

export function solveInteger(p: Prepared, pick: Picker, options: AllocateOptions = {}): Allocation {
  const t0 = performance.now() - p.msBuild;
  const { candidates, limits, scenario, units } = p;
  const g = scenario.granularity;
  const stages: StageReport[] = [];
  const memberOf = limitsOfCandidates(limits, candidates.length);
  const shares = shareIndex(p.shares, g, candidates.length);
  const cashOf = (grantUnits: readonly number[]) => (p.cash.length ? new CashTracker(p.cash, candidates, p.measures, g, grantUnits) : null);
  const mipOptions = { mipRelGap: 0, ...(options.timeLimitSeconds ? { timeLimitSeconds: options.timeLimitSeconds } : {}) };
  const t1 = performance.now();
  // First with continuous grants (rounded down to whole units afterwards: much faster); if rounding
  // leaves a floor unmet, again with integer grants, exact in units.
  let picked: Picked | null = null;
  let r: SolveResult | null = null;
  let grantU: number[] = [];
  let tieRule: TieRule = 'applied';
  let tieSeconds: number | null = null;
  for (const wholeUnits of [false, true]) {
    const built = buildIntegerModel(p, new Set(), wholeUnits);
    if (!wholeUnits) options.onLp?.(built.lp);
    picked = pickFor(pick, built);
    r = timedSolve(stages, 'priority', picked.backend, built.lp, mipOptions);
    if (r.status === 'infeasible') throw explainInfeasible(p, pick, stages);
    if (r.status === 'time-limit' && !r.values && options.timeLimitSeconds !== undefined) {
      // The limit the caller set was too short for a first allocation: a usage problem, not a fault.
      const seconds = String(options.timeLimitSeconds);
      throw new InputError([{ file: '--time-limit', expected: `a time limit long enough for the integer model to find a first allocation (it found none in ${seconds} s)`, found: seconds }]);
    }
    if (r.status !== 'optimal' && !(r.status === 'time-limit' && r.values)) {
      throw new InternalError(`the integer model returned ${r.status}`, [`${r.backend}: ${r.raw}${'detail' in r && r.detail !== r.raw ? ` (${r.detail})` : ''}`]);
    }
    const roundOf = (values: ArrayLike<number>) => {
      // Whole-unit columns are integral up to the solver's tolerance: rounded to the nearest unit.
      // Continuous ones are rounded down, except that a funded application (its yes/no column at 1)
      // keeps the least grant its integer rule allows when the solver's value sits a hair below it.
      const gu = candidates.map((a, i) => {
        const v = values[i]!;
        let u = wholeUnits ? Math.round(v) : Math.floor(v + 1e-6);
        const y = built.yOf[i]!;
        if (!wholeUnits && y >= 0 && values[y]! > 0.5) {
          const r = integerRuleOf(a, scenario);
          const lo = r.allOrNothing ? units.caps[i]! : r.minShare ? minUnits(r.minShare, units.caps[i]!) : 1;
          if (u < lo && v > lo - 1e-3) u = lo;
        }
        return Math.max(0, Math.min(units.caps[i]!, u));
      });
      const tu = limits.map((l) => l.members.reduce((s, i) => s + gu[i]!, 0));
      handOut(p, gu, tu, memberOf, shares, cashOf(gu));
      // A share row rounding broke counts as an unmet floor: the model is solved again in whole units.
      const unmetShares = shareSums(p.shares, shares, gu).filter((sum, j) => sum < shares.units[j]!.threshold).length;
      return { units: gu, unmetFloors: limits.filter((l, k) => l.sense === 'min' && tu[k]! < units.limits[k]!).length + unmetShares };
    };
    let best: Kept = roundOf(r.values!);
    tieRule = r.status !== 'optimal' ? 'time_limit' : 'tie_break_worse';
    tieSeconds = null;
    if (r.status === 'optimal' && options.tieBreak !== false) {
      tieSeconds = tieBreakSeconds(stages[stages.length - 1]!.ms, options.timeLimitSeconds);
      const tie = breakTies({
        p,
        lp: built.lp,
        mip: built.mip,
        first: r,
        backend: picked.backend,
        // With the objective row it is no network LP: its own pick.
        backendFor: (lp) => pickFor(pick, { lp, mip: built.mip }).backend,
        stages,
        seconds: tieSeconds,
        round: roundOf,
        kept: best,
      });
      best = tie.kept;
      tieRule = tie.rule;
    }
    grantU = [...best.units];
    if (best.unmetFloors === 0) break;
  }
  const { backend, reason } = picked!;
  const t2 = performance.now();

  // Why each grant is what it is. What an earlier batch funded counts in exclusive groups and count rules.
  const funded = new Map<string, { id: string; earlier: boolean }>();
  const locked = lockedFunding(p.apps, p.lockedOf);
  for (const [grp, ids] of locked.byGroup) funded.set(grp, { id: ids[0]!, earlier: true });
  candidates.forEach((a, i) => {
    if (grantU[i]! > 0 && a.exclusiveGroup) funded.set(a.exclusiveGroup, { id: a.projectId, earlier: false });
  });
  // The count rules with a maxCount that their funded applications (this batch's and earlier) reach.
  const sums = shareSums(p.shares, shares, grantU);
  const cash = cashOf(grantU);
  const filled = countRules(scenario).filter((c) => c.maxCount !== undefined && lockedUnder(locked, c).length + (c.earlier ?? 0) + candidates.filter((a, i) => grantU[i]! > 0 && counts(c, a)).length >= c.maxCount);
  const outcome = (i: number, full: (c: number, need: number) => number[]): CandidateOutcome => {
    const a = candidates[i]!;
    const cap = units.caps[i]!;
    const ent = p.entitlements[i]!;
    if (a.decision) return { binding: a.decision === 'fund' ? 'forced' : 'excluded', limitId: null, ruleNote: { kind: 'decision' } };
    if (grantU[i] === cap) return { binding: ent.binding, limitId: null };
    const rule = integerRuleOf(a, scenario);
    if (grantU[i] === 0) {
      const other = a.exclusiveGroup ? funded.get(a.exclusiveGroup) : undefined;
      if (other) return { binding: 'exclusive_group', limitId: null, ruleNote: { kind: 'exclusive_group', group: a.exclusiveGroup!, fundedAs: other.id, earlier: other.earlier } };
      const atMax = filled.find((c) => counts(c, a));
      if (atMax) return countOutcome(atMax);
      // The limit (or share rule) that leaves too little room for the least grant the rule allows.
      const stopper = (need: number): string | null => {
        const k = full(i, need)[0];
        if (k !== undefined) return limits[k]!.id;
        const j = blockingShare(shares, sums, i, need);
        if (j !== null) return p.shares[j]!.id;
        const w = cash?.blocking(i, grantU[i]!, need) ?? null;
        return w === null ? null : p.cash[w]!.window.id;
      };
      if (rule.allOrNothing) return { binding: 'all_or_nothing', limitId: stopper(cap), ruleNote: { kind: 'all_or_nothing', amount: g.times(cap) } };
      if (rule.minShare) {
        const lo = minUnits(rule.minShare, cap);
        return { binding: 'min_share', limitId: stopper(lo), ruleNote: { kind: 'min_share', share: rule.minShare, least: g.times(lo) } };
      }
    }
    const k = full(i, 1)[0];
    const cashFull = budgetByCash(p, k, () => cash?.blocking(i, grantU[i]!, 1) ?? null);
    if (cashFull !== null) return { binding: 'cash', limitId: cashFull };
    if (k !== undefined) return { binding: LIMIT_BINDING[limits[k]!.kind], limitId: limits[k]!.id };
    const j = blockingShare(shares, sums, i);
    if (j !== null) return { binding: 'share', limitId: p.shares[j]!.id };
    const w = cash?.blocking(i, grantU[i]!, 1) ?? null;
    if (w !== null) return { binding: 'cash', limitId: p.cash[w]!.window.id };
    return { binding: 'not_selected', limitId: null, ruleNote: { kind: 'not_selected' } };
  };
  const mip = r!.mip;
  const optimal = r!.status === 'optimal';
  return finishAllocation(p, grantU, outcome, {
    t0,
    t1,
    t2,
    status: optimal ? 'optimal' : 'time-limit',
    limitDetail: !optimal && r!.status === 'time-limit' ? r!.detail : null,
    bound: mip ? mip.bound * g.toNumber() : null,
    stages,
    solver: { backend: backend.name, reason },
    rules: {
      objective: scenario.objective,
      model: 'integer',
      integer: {
        status: optimal ? 'optimal' : 'time-limit',
        gap: mip?.gap ?? 0,
        bound: (mip?.bound ?? 0) * g.toNumber(),
        timeLimitSeconds: options.timeLimitSeconds ?? null,
        raw: r!.raw,
        tieRule,
        tieBreakSeconds: tieSeconds,
        unorderedTies: tieRule === 'applied' || tieRule.startsWith('within_scores') ? [] : unorderedTies(p, grantU),
      },
      ...decisionCounts(candidates),
    },
  });
}

/**
 * Rounding down leaves a little money: hand it out one unit at a time in priority order to the
 * applications already funded below their cap (not all-or-nothing ones), as every ceiling
 * allows. Raising a funded grant keeps every integer rule (funded stays funded, a minimum share
 * stays met), so nothing breaks.
 */
function handOut(p: Prepared, grantU: number[], totalU: number[], memberOf: LimitsOf, shares: ShareIndex, cash: CashTracker | null): void {
  const { units, limits, order, candidates, scenario } = p;
  const sums = shareSums(p.shares, shares, grantU);
  for (const i of order) {
    if (grantU[i]! === 0 || grantU[i]! >= units.caps[i]! || candidates[i]!.decision || integerRuleOf(candidates[i]!, scenario).allOrNothing) continue;
    let room = units.caps[i]! - grantU[i]!;
    for (let t = memberOf.start[i]!; t < memberOf.start[i + 1]!; t++) {
      const k = memberOf.at[t]!;
      if (limits[k]!.sense === 'max') room = Math.min(room, units.limits[k]! - totalU[k]!);
    }
    // A share row the grant weighs against: only as far as it stays met.
    for (const [j, w] of shares.of[i] ?? []) if (w < 0) room = Math.min(room, Math.floor((sums[j]! - shares.units[j]!.threshold) / -w));
    if (cash && room > 0) room = cash.room(i, grantU[i]!, room);
    if (room <= 0) continue;
    cash?.move(i, grantU[i]!, grantU[i]! + room);
    grantU[i] = grantU[i]! + room;
    for (let t = memberOf.start[i]!; t < memberOf.start[i + 1]!; t++) {
      const k = memberOf.at[t]!;
      totalU[k] = totalU[k]! + room;
    }
    for (const [j, w] of shares.of[i] ?? []) sums[j] = sums[j]! + w * room;
  }
}

/** Most rule groups tried by the deletion filter (each try is one integer solve). */
const MAX_FILTER = 400;

/**
 * A smallest conflicting set, by a deletion filter over the droppable rules, and for each
 * numeric one the least change with the others kept.
 */
function explainInfeasible(p: Prepared, pick: Picker, stages: StageReport[]): Error {
  const all = buildIntegerModel(p, new Set(), true);
  const { backend } = pickFor(pick, all);
  const run = (lp: LinearProgram) => timedSolve(stages, 'priority', backend, lp, { mipRelGap: 0 });
  const feasible = (drop: ReadonlySet<string>) => {
    const lp = buildIntegerModel(p, drop, true).lp;
    const r = run({ ...lp, columns: lp.columns.map((c) => ({ ...c, cost: 0 })) });
    if (r.status === 'optimal') return true;
    if (r.status === 'infeasible') return false;
    throw new InternalError('an integer feasibility check did not finish', [`${r.backend}: ${r.raw}`]);
  };
  const ids = all.groups.map((gr) => gr.id);
  const tried = ids.slice(0, MAX_FILTER);
  // Deletion filter: drop each rule in turn; if the rest stays infeasible, it is not needed.
  const dropped = new Set<string>(ids.slice(MAX_FILTER));
  if (feasible(dropped)) dropped.clear();
  for (const id of tried) {
    dropped.add(id);
    if (feasible(dropped)) dropped.delete(id);
  }
  const core = all.groups.filter((gr) => !dropped.has(gr.id));
  const g = p.scenario.granularity;
  const conflicts: Conflict[] = core.map((gr) => {
    if (!gr.expr) return { limit: gr.id, description: `${gr.text}; least change: drop this rule` };
    // With this rule dropped (and the other conflicting rules kept), how far must its expression go?
    const others = new Set([...dropped, gr.id]);
    const base = buildIntegerModel(p, others, true).lp;
    const lp: LinearProgram = { sense: gr.expr.sense === 'max' ? 'min' : 'max', columns: base.columns.map((c) => ({ ...c, cost: 0 })), rows: base.rows };
    const costs = new Map(gr.expr.terms.map(([j, v]) => [j, v]));
    const r = run({ ...lp, columns: lp.columns.map((c, j) => ({ ...c, cost: costs.get(j) ?? 0 })) });
    if (r.status !== 'optimal') return { limit: gr.id, description: `${gr.text}; least change: drop this rule` };
    const need = Math.round(r.objective) + (gr.expr.offset ?? 0);
    const verb = gr.expr.sense === 'max' ? 'raise it to' : 'lower it to';
    const { limit } = gr.expr;
    if (limit) {
      // In yuan, as the scenario states it: the whole units this batch needs, with what earlier batches use of it.
      const needYuan = g.times(need);
      return { limit: gr.id, description: `${gr.text}; least change: ${verb} ${fmtYuanHuman(needYuan.plus(limit.locked))} (by ${fmtYuanHuman(needYuan.minus(limit.amount).abs())})` };
    }
    const show = (v: number) => (gr.expr!.unit === 'yuan' ? fmtYuanHuman(g.times(v)) : String(v));
    const by = Math.abs(need - gr.expr.bound);
    return { limit: gr.id, description: `${gr.text}; least change: ${verb} ${show(need)} (by ${show(by)})` };
  });
  if (!core.length) return new InternalError('the integer model is infeasible but no rule could be named');
  return new InfeasibleError('no allocation satisfies the scenario: these rules conflict (a smallest set: drop any one and the rest can be met)', conflicts);
}
