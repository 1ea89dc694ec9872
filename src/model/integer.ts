/**
 * The integer model (issue 6): decisions, all-or-nothing and minimum-share grants,
 * exclusive groups and count quotas. Applications are not interchangeable under these
 * rules, so there is one column per application (no merging), in whole granularity units:
 *
 *   x_i ∈ {0, …, cap_i} integer  (the grant in units; cap_i = entitlement rounded down)
 *   y_i ∈ {0, 1}                 (funded), where a rule needs it: lo_i·y_i ≤ x_i ≤ cap_i·y_i with
 *                                 lo_i = cap_i (all or nothing), ⌈minShare × cap_i⌉ (minimum share), else 1
 *   forced: x_i = cap_i (or y_i = 1 with forcedGrant "funded"); excluded: x_i = 0
 *   exclusive group: Σ y ≤ 1; measure quotas: minCount ≤ Σ y ≤ maxCount
 *   every limit: Σ x ≤ ⌊L / g⌋ (ceiling), Σ x ≥ ⌈L / g⌉ (floor)
 *   maximise Σ score_i × x_i
 *
 * Solved by HiGHS with mip_rel_gap 0: the result is a proven optimum, or (time limit) the
 * best found with HiGHS's bound and gap. Grants are whole units already: no rounding step.
 * The LP relaxation is never presented as a selection.
 *
 * When no allocation satisfies the rules, a deletion filter finds an irreducible set of
 * conflicting rules (dropping any one of them makes the rest feasible), and for each
 * numeric one the least change that makes the scenario feasible with the others kept.
 */
import type { Decimal } from 'decimal.js';
import { ZERO, fmtYuanHuman } from '../money.js';
import { InfeasibleError, InputError, InternalError, type Conflict } from '../errors.js';
import { always, type Picker } from '../solver/select.js';
import { isMip, type Backend, type Column, type LinearProgram, type Row, type SolveResult } from '../solver/types.js';
import { LIMIT_BINDING, LIMIT_SPECIFICITY, type AllocateOptions, type Allocation, type Prepared, type StageReport } from './allocate.js';
import { decisionCounts, decisionNote, finishAllocation, integerRuleOf, type CandidateOutcome, type RulesReport } from './rules.js';

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
  };
}

interface Built {
  readonly lp: LinearProgram;
  readonly groups: readonly RuleGroup[];
  /** Column of y_i per candidate, or -1. */
  readonly yOf: readonly number[];
}

/** @param wholeUnits grants as integer columns (exact in units); else continuous, rounded down afterwards */
export function buildIntegerModel(p: Prepared, drop: ReadonlySet<string>, wholeUnits: boolean): Built {
  const { candidates, units, limits, scenario } = p;
  const g = scenario.granularity;
  const columns: Column[] = [];
  const rows: Row[] = [];
  const groups: RuleGroup[] = [];
  const rule = (id: string, text: string, expr?: RuleGroup['expr']) => groups.push({ id, text, ...(expr ? { expr } : {}) });
  const quotaMeasures = new Set([...scenario.measureBudgets].filter(([, m]) => m.minCount !== undefined || m.maxCount !== undefined).map(([id]) => id));
  // What an earlier batch funded (--lock) counts in exclusive groups and quotas.
  const { lockedGroups, lockedCount } = lockedFunding(p);
  const groupSize = new Map<string, number>();
  for (const a of candidates) if (a.exclusiveGroup) groupSize.set(a.exclusiveGroup, (groupSize.get(a.exclusiveGroup) ?? 0) + 1);
  for (const [grp, ids] of lockedGroups) groupSize.set(grp, (groupSize.get(grp) ?? 0) + ids.length);

  const needsY = candidates.map((a, i) => {
    const r = integerRuleOf(a, scenario);
    // HiGHS refuses semi-continuous columns above 1e5 (kMaxSemiVariableUpper): those take a binary.
    const bigMinShare = r.minShare !== null && units.caps[i]! > SEMI_MAX;
    return units.caps[i]! > 0 && (r.allOrNothing || bigMinShare || (!!a.exclusiveGroup && (groupSize.get(a.exclusiveGroup) ?? 0) > 1) || quotaMeasures.has(a.measureId) || (a.decision === 'fund' && scenario.forcedGrant === 'funded'));
  });
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
    rule(l.id, `${l.id} (${l.source}) ${l.sense === 'max' ? '≤' : '≥'} ${fmtYuanHuman(l.amount)}`, { terms, sense: l.sense, bound, unit: 'yuan' });
    if (drop.has(l.id)) return;
    rows.push({ terms, lower: l.sense === 'min' ? bound : null, upper: l.sense === 'max' ? bound : null });
  });
  // Exclusive groups.
  const members = new Map<string, number[]>();
  candidates.forEach((a, i) => {
    if (a.exclusiveGroup && yOf[i]! >= 0) members.set(a.exclusiveGroup, [...(members.get(a.exclusiveGroup) ?? []), i]);
  });
  for (const [grp, list] of members) {
    const earlier = lockedGroups.get(grp) ?? [];
    if (list.length + earlier.length < 2) continue;
    const id = `exclusive:${grp}`;
    const names = [...earlier.map((x) => `${x} (funded by an earlier batch)`), ...list.map((i) => candidates[i]!.projectId)];
    rule(id, `exclusive group ${grp}: at most one of ${names.join(', ')} funded`);
    if (!drop.has(id)) rows.push({ terms: list.map((i) => [yOf[i]!, 1] as const), lower: null, upper: Math.max(0, 1 - earlier.length) });
  }
  // Count quotas per measure.
  for (const m of quotaMeasures) {
    const settings = scenario.measureBudgets.get(m)!;
    const terms = candidates.map((a, i) => [a, i] as const).filter(([a, i]) => a.measureId === m && yOf[i]! >= 0).map(([, i]) => [yOf[i]!, 1] as const);
    for (const [sense, count] of [['min', settings.minCount], ['max', settings.maxCount]] as const) {
      if (count === undefined) continue;
      const id = `${sense}Count:${m}`;
      const earlier = lockedCount.get(m) ?? 0;
      const left = Math.max(0, count - earlier);
      rule(
        id,
        `scenario.measureBudgets.${m}.${sense}Count: ${sense === 'min' ? 'at least' : 'at most'} ${count} applications funded${earlier ? ` (${earlier} by an earlier batch)` : ''}`,
        { terms, sense, bound: count, unit: 'count', offset: earlier },
      );
      if (!drop.has(id)) rows.push({ terms, lower: sense === 'min' ? left : null, upper: sense === 'max' ? left : null });
    }
  }
  return { lp: { sense: 'max', columns, rows }, groups, yOf };
}

const SEMI_MAX = 100_000;

/** The largest integer model (yes/no decisions) that gets the tie-break solve. */
export const TIE_BREAK_MAX_BINARIES = 1_000;

/** Applications an earlier batch funded (a locked grant above zero): per exclusive group their ids, per measure how many. */
function lockedFunding(p: Prepared): { lockedGroups: Map<string, string[]>; lockedCount: Map<string, number> } {
  const lockedGroups = new Map<string, string[]>();
  const lockedCount = new Map<string, number>();
  p.apps.forEach((a, idx) => {
    const grant = p.lockedOf[idx];
    if (!grant || !grant.gt(0)) return;
    if (a.exclusiveGroup) lockedGroups.set(a.exclusiveGroup, [...(lockedGroups.get(a.exclusiveGroup) ?? []), a.projectId]);
    lockedCount.set(a.measureId, (lockedCount.get(a.measureId) ?? 0) + 1);
  });
  return { lockedGroups, lockedCount };
}

/** The least grant, in units, under a minimum share: ⌈share × cap⌉, at least one unit. */
const minUnits = (share: Decimal, cap: number) => Math.max(1, share.times(cap).ceil().toNumber());

function pickBackend(solver: Backend | Picker, lp: LinearProgram): { backend: Backend; reason: string } {
  const picked = (typeof solver === 'function' ? solver : always(solver))(lp);
  if (isMip(lp) && picked.backend.name.startsWith('javascript-lp-solver')) {
    throw new InputError([{ file: 'scenario', row: 'solver', expected: 'HiGHS for the integer rules (all or nothing, minimum shares, decisions, exclusive groups, quotas): --solver highs or auto', found: picked.backend.name }]);
  }
  return picked;
}

export function solveInteger(p: Prepared, solver: Backend | Picker, options: AllocateOptions = {}): Allocation {
  const t0 = performance.now() - p.msBuild;
  const { candidates, limits, scenario, units } = p;
  const g = scenario.granularity;
  const stages: StageReport[] = [];
  const memberOf: number[][] = candidates.map(() => []);
  limits.forEach((l, k) => l.members.forEach((i) => memberOf[i]!.push(k)));
  const t1 = performance.now();
  // First with continuous grants (rounded down to whole units afterwards: much faster); if rounding
  // leaves a floor unmet, again with integer grants, exact in units.
  let picked: { backend: Backend; reason: string } | null = null;
  let r: SolveResult | null = null;
  let grantU: number[] = [];
  let totalU: number[] = [];
  let tieRule: NonNullable<RulesReport['integer']>['tieRule'] = 'applied';
  for (const wholeUnits of [false, true]) {
    const built = buildIntegerModel(p, new Set(), wholeUnits);
    if (!wholeUnits) options.onLp?.(built.lp);
    picked = pickBackend(solver, built.lp);
    r = run(picked.backend, built.lp, stages, options.timeLimitSeconds);
    if (r.status === 'infeasible') throw explainInfeasible(p, solver, stages);
    if (r.status !== 'optimal' && !(r.status === 'time-limit' && r.values)) {
      const detail = r.status === 'time-limit' ? 'the time limit stopped the integer model before it found any allocation: raise --time-limit' : `the integer model returned ${r.status}`;
      throw new InternalError(detail, [`${r.backend}: ${r.raw}${'detail' in r && r.detail !== r.raw ? ` (${r.detail})` : ''}`]);
    }
    const roundOf = (values: ArrayLike<number>) => {
      const gu = candidates.map((_, i) => Math.max(0, Math.min(units.caps[i]!, Math.floor(values[i]! + 1e-6))));
      const tu = limits.map((l) => l.members.reduce((s, i) => s + gu[i]!, 0));
      handOut(p, gu, tu, memberOf);
      return { gu, tu, unmet: limits.filter((l, k) => l.sense === 'min' && tu[k]! < units.limits[k]!).length };
    };
    let best = roundOf(r.values!);
    tieRule = r.status !== 'optimal' ? 'not applied: the solve stopped at the time limit' : 'not applied: the tie-break solve failed or rounded worse';
    // The tie rule, as on the priority LP: among selections with the best objective, the one that
    // prefers the priority order (score, then project id). A second integer solve with the
    // objective held; kept only if, rounded, it is not worse exactly and meets as many floors.
    // Up to TIE_BREAK_MAX_BINARIES yes/no decisions: beyond, the second solve cost twice the first
    // (3,000 all-or-nothing applications: 8 s, then 16 s), and HiGHS's choice among equal optima
    // stands (deterministic, but not the tie rule; the summary's stages show it).
    const binaries = built.yOf.filter((y) => y >= 0).length;
    if (r.status === 'optimal' && binaries > TIE_BREAK_MAX_BINARIES) tieRule = 'skipped: more than 1,000 yes/no decisions';
    if (r.status === 'optimal' && options.tieBreak !== false && binaries <= TIE_BREAK_MAX_BINARIES) {
      const n = candidates.length;
      const position = new Array<number>(n);
      p.order.forEach((i, k) => (position[i] = k));
      let r2: SolveResult;
      if (!isMip(built.lp) && picked.backend.solveTieBroken) {
        // No integer column (decisions alone): the network simplex breaks the tie exactly, in one solve.
        const ranks = built.lp.columns.map((_, j) => (j < n ? n - position[j]! : 0));
        const t = performance.now();
        r2 = picked.backend.solveTieBroken(built.lp, ranks);
        stages.push({ stage: 'tie-break', backend: r2.backend, status: r2.status, raw: r2.raw, objective: r2.status === 'optimal' ? r2.objective : null, ms: performance.now() - t });
      } else {
        const scoreTerms = built.lp.columns.slice(0, n).map((c, j) => [j, c.cost] as const).filter(([, c]) => c !== 0);
        // Held to within HiGHS's feasibility tolerance, no looser: a looser hold lets the second
        // solve trade objective for the tie rule, and the exact check below then rejects it.
        const tieLp: LinearProgram = {
          ...built.lp,
          columns: built.lp.columns.map((c, j) => ({ ...c, cost: j < n ? (n - position[j]!) / n : 0 })),
          rows: [...built.lp.rows, { terms: scoreTerms, lower: r.objective - Math.max(1e-13 * Math.abs(r.objective), 1e-6), upper: null }],
        };
        // Its own pick: with the objective row it is no network LP.
        r2 = run(pickBackend(solver, tieLp).backend, tieLp, stages, options.timeLimitSeconds, 'tie-break');
      }
      if ((r2.status === 'optimal' || r2.status === 'time-limit') && r2.values) {
        const alt = roundOf(r2.values);
        const change = candidates.reduce((sum, a, i) => (alt.gu[i] === best.gu[i] ? sum : sum.plus(a.score.times(alt.gu[i]! - best.gu[i]!))), ZERO);
        if (change.gte(0) && alt.unmet <= best.unmet) {
          best = alt;
          tieRule = 'applied';
        }
      }
    }
    grantU = best.gu;
    totalU = best.tu;
    if (best.unmet === 0) break;
  }
  const { backend, reason } = picked!;
  const t2 = performance.now();
  const grants = grantU.map((u) => (u === 0 ? ZERO : g.times(u)));

  // Why each grant is what it is.
  const bySpecificity = (ks: number[]) => ks.sort((a, b) => LIMIT_SPECIFICITY.indexOf(limits[a]!.kind) - LIMIT_SPECIFICITY.indexOf(limits[b]!.kind));
  /** Ceilings of i with less room than `need` units. */
  const tight = (i: number, need: number) => bySpecificity(memberOf[i]!.filter((k) => limits[k]!.sense === 'max' && units.limits[k]! - totalU[k]! < need));
  const funded = new Map<string, { id: string; earlier: boolean }>();
  const fundedCount = new Map<string, number>();
  const { lockedGroups, lockedCount } = lockedFunding(p);
  for (const [grp, ids] of lockedGroups) funded.set(grp, { id: ids[0]!, earlier: true });
  for (const [m, c] of lockedCount) fundedCount.set(m, c);
  candidates.forEach((a, i) => {
    if (grantU[i]! > 0 && a.exclusiveGroup) funded.set(a.exclusiveGroup, { id: a.projectId, earlier: false });
    if (grantU[i]! > 0) fundedCount.set(a.measureId, (fundedCount.get(a.measureId) ?? 0) + 1);
  });
  const outcome = (i: number): CandidateOutcome => {
    const a = candidates[i]!;
    const cap = units.caps[i]!;
    const ent = p.entitlements[i]!;
    if (a.decision) return { binding: a.decision === 'fund' ? 'forced' : 'excluded', limitId: null, ruleNote: decisionNote(a, grants[i]!) };
    if (grantU[i] === cap) return { binding: ent.binding, limitId: null };
    const rule = integerRuleOf(a, scenario);
    if (grantU[i] === 0) {
      const other = a.exclusiveGroup ? funded.get(a.exclusiveGroup) : undefined;
      if (other) {
        const zh = `同一项目（${a.exclusiveGroup}）已${other.earlier ? '在前一批次' : ''}资助 ${other.id}，不重复资助（就高不就低）`;
        const en = `Its project (${a.exclusiveGroup}) is funded as ${other.id}${other.earlier ? ' by an earlier batch' : ''}: no double funding`;
        return { binding: 'exclusive_group', limitId: null, ruleNote: { zh, en } };
      }
      const max = scenario.measureBudgets.get(a.measureId)?.maxCount;
      if (max !== undefined && (fundedCount.get(a.measureId) ?? 0) >= max) return { binding: 'quota', limitId: null, ruleNote: { zh: `${a.measureId} 资助数量已达上限 ${max} 项`, en: `${a.measureId} already funds its maximum of ${max} applications` } };
      if (rule.allOrNothing) {
        const k = tight(i, cap)[0];
        return { binding: 'all_or_nothing', limitId: k === undefined ? null : limits[k]!.id, ruleNote: { zh: `全额或不资助：按政策可得 ${fmtYuanHuman(g.times(cap))}${k === undefined ? '，未入选（整数最优解）' : `，${limits[k]!.id} 余额不足`}`, en: `All or nothing: the entitlement ${fmtYuanHuman(g.times(cap))}${k === undefined ? ' was not selected (integer optimum)' : ` does not fit ${limits[k]!.id}`}` } };
      }
      if (rule.minShare) {
        const lo = Math.max(1, rule.minShare.times(cap).ceil().toNumber());
        const k = tight(i, lo)[0];
        return { binding: 'min_share', limitId: k === undefined ? null : limits[k]!.id, ruleNote: { zh: `最低资助比例 ${rule.minShare}：至少 ${fmtYuanHuman(g.times(lo))}${k === undefined ? '，未入选（整数最优解）' : `，${limits[k]!.id} 余额不足`}`, en: `Minimum share ${rule.minShare}: at least ${fmtYuanHuman(g.times(lo))}${k === undefined ? ' — not selected (integer optimum)' : `, which does not fit ${limits[k]!.id}`}` } };
      }
    }
    const k = tight(i, 1)[0];
    if (k !== undefined) return { binding: LIMIT_BINDING[limits[k]!.kind], limitId: limits[k]!.id };
    return { binding: 'not_selected', limitId: null, ruleNote: { zh: '未入选：整数模型的最优解中未获更多资助（同等目标值）', en: 'Not selected: the integer optimum gives it no more (no objective gained)' } };
  };
  const mip = r!.mip;
  const optimal = r!.status === 'optimal';
  return finishAllocation(p, grants, outcome, {
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
      integer: { status: optimal ? 'optimal' : 'time-limit', gap: mip?.gap ?? 0, bound: (mip?.bound ?? 0) * g.toNumber(), timeLimitSeconds: options.timeLimitSeconds ?? null, raw: r!.raw, tieRule },
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
function handOut(p: Prepared, grantU: number[], totalU: number[], memberOf: readonly (readonly number[])[]): void {
  const { units, limits, order, candidates, scenario } = p;
  for (const i of order) {
    if (grantU[i]! === 0 || grantU[i]! >= units.caps[i]! || candidates[i]!.decision || integerRuleOf(candidates[i]!, scenario).allOrNothing) continue;
    let room = units.caps[i]! - grantU[i]!;
    for (const k of memberOf[i]!) if (limits[k]!.sense === 'max') room = Math.min(room, units.limits[k]! - totalU[k]!);
    if (room <= 0) continue;
    grantU[i] = grantU[i]! + room;
    for (const k of memberOf[i]!) totalU[k] = totalU[k]! + room;
  }
}

function run(backend: Backend, lp: LinearProgram, stages: StageReport[], timeLimitSeconds?: number, stage: StageReport['stage'] = 'priority'): SolveResult {
  const t = performance.now();
  const r = backend.solve(lp, { mipRelGap: 0, ...(timeLimitSeconds ? { timeLimitSeconds } : {}) });
  stages.push({ stage, backend: r.backend, status: r.status, raw: r.raw, objective: r.status === 'optimal' ? r.objective : null, ms: performance.now() - t });
  return r;
}

/** Most rule groups tried by the deletion filter (each try is one integer solve). */
const MAX_FILTER = 400;

/**
 * A smallest conflicting set, by a deletion filter over the droppable rules, and for each
 * numeric one the least change with the others kept.
 */
function explainInfeasible(p: Prepared, solver: Backend | Picker, stages: StageReport[]): Error {
  const all = buildIntegerModel(p, new Set(), true);
  const { backend } = pickBackend(solver, all.lp);
  const feasible = (drop: ReadonlySet<string>) => {
    const lp = buildIntegerModel(p, drop, true).lp;
    const r = run(backend, { ...lp, columns: lp.columns.map((c) => ({ ...c, cost: 0 })) }, stages);
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
    const r = run(backend, { ...lp, columns: lp.columns.map((c, j) => ({ ...c, cost: costs.get(j) ?? 0 })) }, stages);
    if (r.status !== 'optimal') return { limit: gr.id, description: `${gr.text}; least change: drop this rule` };
    const need = Math.round(r.objective) + (gr.expr.offset ?? 0);
    const show = (v: number) => (gr.expr!.unit === 'yuan' ? fmtYuanHuman(g.times(v)) : String(v));
    const by = Math.abs(need - gr.expr.bound);
    const verb = gr.expr.sense === 'max' ? 'raise it to' : 'lower it to';
    return { limit: gr.id, description: `${gr.text}; least change: ${verb} ${show(need)} (by ${show(by)})` };
  });
  if (!core.length) return new InternalError('the integer model is infeasible but no rule could be named');
  return new InfeasibleError('no allocation satisfies the scenario: these rules conflict (a smallest set: drop any one and the rest can be met)', conflicts);
}
