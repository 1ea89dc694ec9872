/**
 * Everything about an allocation that does not depend on the budget: who is a candidate,
 * their entitlements and caps, the limits, the priority order and the LP's shape. Built
 * once, solved at many budgets (`atBudget`). Input problems are `check.ts`'s to report:
 * a preparation of a scenario with one is a bug (InternalError); what no allocation of this
 * batch can mend, because an earlier batch's grants already break it, is InfeasibleError.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, floorTo, fmtYuanHuman } from '../money.js';
import { InfeasibleError, InternalError, type Conflict } from '../errors.js';
import type { LinearProgram } from '../solver/types.js';
import type { Application } from './application.js';
import { entitlementOf, onceOnly, type Entitlement } from './entitlement.js';
import { buildLimits, buildShares, limitFrame, limitsIn, limitStructure, byText, sumOver, type Limit, type LimitFrame, type LockedGrant, type ShareRow } from './limits.js';
import { countRuleId, countRules, countRuleSource, type CountKind, type CountRule } from './rules.js';
import { limitRows, policyLp, shapeAtAmounts, shapePolicyLp, wholeUnitsBound, type PolicyLpShape } from './lp.js';
import type { Measure, Policy } from './policy.js';
import { buildCashRows, type CashRow } from './cash-rows.js';
import type { Commitment } from './ledger.js';
import { withBudget, type Scenario } from './scenario.js';
import { inUnits, rememberCapUnits, toUnits, unitsIssue, type Units } from './units.js';
import { floorDiv, lessThan, scaledExact } from '../scaled.js';
import { baseScore, rescores, weightedScore } from './weights.js';
import type { Prepared, PrepareOptions } from './types.js';

/** Priority order: score descending, then project id ascending (code-unit order). Documented in docs/how-it-works.md. */
export function priorityOrder(apps: readonly Application[], scoreKeys: readonly string[] = apps.map((a) => a.score.toString())): number[] {
  // Each distinct score (equal decimals have equal text) gets its rank; project ids are compared
  // only among candidates of one score.
  const n = apps.length;
  const distinct = new Map<string, number>();
  const scores: Decimal[] = [];
  scoreKeys.forEach((key, i) => {
    if (!distinct.has(key)) {
      distinct.set(key, scores.length);
      scores.push(apps[i]!.score);
    }
  });
  // Doubles order scores as the decimals do, except for decimals too close to tell apart
  // as doubles: those (equal doubles, different decimals) are compared exactly.
  const approx = scores.map((d) => d.toNumber());
  const byScore = scores.map((_, k) => k).sort((a, b) => (approx[a] !== approx[b] ? approx[b]! - approx[a]! : scores[b]!.comparedTo(scores[a]!)));
  const rankOfScore = new Int32Array(scores.length);
  byScore.forEach((k, r) => (rankOfScore[k] = r));
  // Candidates by the rank of their score (a counting sort: stable, in the given order within a
  // score), then each score's candidates by project id in code-unit order (`<` compares strings
  // so); the sort is stable, so ties on both keep the given order.
  const start = new Int32Array(scores.length + 1);
  const scoreRank = new Int32Array(n);
  scoreKeys.forEach((key, i) => {
    const r = rankOfScore[distinct.get(key)!]!;
    scoreRank[i] = r;
    start[r + 1]!++;
  });
  for (let r = 0; r < scores.length; r++) start[r + 1]! += start[r]!;
  const order = new Array<number>(n);
  const next = start.slice(0, scores.length);
  for (let i = 0; i < n; i++) order[next[scoreRank[i]!]!++] = i;
  let sort: ((items: number[]) => number[]) | null = null;
  for (let r = 0; r < scores.length; r++) {
    if (start[r + 1]! - start[r]! < 2) continue;
    sort ??= byText(apps.map((a) => a.projectId));
    const run = sort(order.slice(start[r]!, start[r + 1]!));
    for (let t = 0; t < run.length; t++) order[start[r]! + t] = run[t]!;
  }
  return order;
}

/**
 * A text per score, equal exactly when the scores are equal: the score × 10^6 as a whole number
 * where that is exact (scaled.ts: one integer per value, so equal exactly for equal scores), else
 * 'd' and the score's decimal text (which no integer's text begins with). Cheaper than the
 * decimal's own text for each of many candidates.
 */
export function scoreKey(score: Decimal): string {
  const n = scaledExact(score, 6);
  return n === null ? `d${score.toString()}` : String(n);
}

/** The candidates of a scenario, what each may get, and the limits over them: what the check and the preparation share. */
export interface Candidates {
  readonly measures: ReadonlyMap<string, Measure>;
  /** Per application, its locked grant, or null. */
  readonly lockedOf: readonly (Decimal | null)[];
  readonly lockedGrants: readonly LockedGrant[];
  readonly candidates: readonly Application[];
  readonly candidateOf: readonly number[];
  readonly entitlements: readonly Entitlement[];
  /** Entitlements rounded down to the granularity. */
  readonly caps: readonly Decimal[];
  readonly limits: readonly Limit[];
  /** Ceilings the locked grants already exceed. */
  readonly overrun: readonly { readonly limit: Limit; readonly locked: Decimal }[];
  /** The policy's share rules over the candidates. */
  readonly shares: readonly ShareRow[];
  /** Candidates [0, thisYear) are this year's applications; the rest are later years' forecasts (scenario `plan`). */
  readonly thisYear: number;
  /** The cash rows of a multi-year scenario (none without `cash`). */
  readonly cash: readonly CashRow[];
}

/** The candidates without this year's limits: their frame, and the limits of later years and the targets. */
interface CandidateBase extends Omit<Candidates, 'limits' | 'overrun'> {
  readonly frame: LimitFrame;
  /** Limits after this year's: later years' (their company annual caps follow the scenario's) and the hard amount targets. */
  readonly extra: readonly Limit[];
}

function candidateBase(apps: readonly Application[], policy: Policy, scenario: Scenario, locked?: ReadonlyMap<string, Decimal>): CandidateBase {
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const candidates: Application[] = [];
  const lockedGrants: LockedGrant[] = [];
  const lockedOf = apps.map((a) => {
    const grant = locked?.get(a.projectId);
    if (grant !== undefined) lockedGrants.push({ app: a, grant });
    return grant ?? null;
  });
  const rescored = rescores(scenario);
  const candidateOf: number[] = apps.map((a, i) => {
    if (lockedOf[i] !== null) return -1;
    if (a.year !== scenario.year) return -1;
    if (scenario.minScore && lessThan(baseScore(a, scenario), scenario.minScore)) return -1;
    // With measure weights or award scores, a candidate competes with its weighted score.
    candidates.push(rescored ? { ...a, score: weightedScore(a, scenario) } : a);
    return candidates.length - 1;
  });
  const thisYear = candidates.length;
  const ledger = scenario.years?.ledger ?? [];
  const frame = limitFrame(candidates, policy, scenario, lockedGrants);
  const extra: Limit[] = [];
  // Forecasts of later years: candidates after this year's, under their own year's limits of the policy.
  for (const [year, planned] of scenario.years?.planned ?? []) {
    const base = candidates.length;
    const theirs = planned.filter((a) => !scenario.minScore || !baseScore(a, scenario).lt(scenario.minScore)).map((a) => (rescored ? { ...a, score: weightedScore(a, scenario) } : a));
    candidates.push(...theirs);
    const planScenario: Scenario = { ...scenario, year, measureBudgets: new Map() };
    delete (planScenario as { districtBudgets?: unknown }).districtBudgets;
    for (const l of buildLimits(theirs, policy, planScenario).limits) {
      if (l.kind !== 'budget') extra.push({ ...l, id: `plan:${year}:${l.id}`, members: l.members.map((i) => base + i) });
    }
  }
  extra.push(...targetLimits(scenario, candidates, lockedGrants));
  const earlier = earlierApprovals(policy, ledger);
  const once = new Set(policy.measures.filter((m) => m.rules.some((r) => r.type === 'oncePerCompany')).map((m) => m.id));
  const entitlements = candidates.map((a) => {
    const m = measures.get(a.measureId)!;
    const e = entitlementOf(a, m);
    const before = once.has(m.id) ? earlier.get(`${m.id}|${a.companyId}`) : undefined;
    return before && before.projectId !== a.projectId ? onceOnly(e, m.clause, before) : e;
  });
  const capOf = capsIn(scenario.granularity);
  // Each cap's units where capsIn works them out (the scenario check and the preparation read them: units.ts).
  const capUnits: number[] = [];
  let allUnits = true;
  const caps = entitlements.map((e, i) => {
    const cap = capOf(e.amount, capUnits, i);
    allUnits &&= capUnits.length === i + 1;
    return cap;
  });
  if (allUnits) rememberCapUnits(caps, scenario.granularity, capUnits);
  const shares = buildShares(candidates.slice(0, thisYear), policy, lockedGrants);
  const cash = cashRowsOf(scenario, { candidates, measures, lockedGrants });
  return { measures, lockedOf, lockedGrants, candidates, candidateOf, entitlements, caps, frame, extra, shares, thisYear, cash };
}

/** The cash rows of a scenario's cash by year for these candidates (none without cash by year). */
function cashRowsOf(scenario: Scenario, base: Pick<CandidateBase, 'candidates' | 'measures' | 'lockedGrants'>): CashRow[] {
  return scenario.cashPlan ? buildCashRows(scenario.cashPlan, scenario.years?.ledger ?? [], base.candidates, base.measures, base.lockedGrants, scenario.granularity) : [];
}

/**
 * Whether `b` is `a` but for the amounts of its cash by year: every other field the same object
 * (the budget too), the cash plan's too but for its amounts. What `b` changes then reaches only the
 * cash rows: the limits read nothing of the cash, so `b`'s are `a`'s (and a preparation of `a`
 * gives `b` its own).
 */
function onlyCashDiffers(a: Scenario, b: Scenario): boolean {
  if (!a.cashPlan || !b.cashPlan) return false;
  const same = <T extends object>(x: T, y: T, except: string) => {
    const kx = Object.keys(x) as (keyof T)[];
    return kx.length === Object.keys(y).length && kx.every((k) => k === except || x[k] === y[k]);
  };
  return same(a, b, 'cashPlan') && same(a.cashPlan, b.cashPlan, 'cash');
}

/**
 * Entitlements rounded down to the granularity g. Where g is whole yuan G and the entitlement a
 * whole number of fen F (it is: rounded down to the fen) within the safe integers, the cap is
 * ⌊F / 100G⌋ × G yuan, whole numbers throughout (scaled.ts), and exactly floorTo's; else floorTo.
 * An entitlement above zero already a whole number of G (F divisible by 100G: most are) is its own
 * cap, the same value, with no Decimal made. Given `units`, the cap's units of g, ⌊F / 100G⌋ (the
 * cap is that many G exactly), go to `units[i]` where the cap was worked out so.
 */
export function capsIn(g: Decimal): (entitlement: Decimal, units?: number[], i?: number) => Decimal {
  const gFen = scaledExact(g, 2);
  const gYuan = gFen !== null && gFen > 0 && gFen % 100 === 0 ? gFen / 100 : null;
  // Many candidates share a cap (a measure's cap per project): each amount made once.
  const made = new Map<number, Decimal>();
  return (e, units, i) => {
    const fen = gYuan === null ? null : scaledExact(e, 2);
    if (fen === null || fen < 0) return floorTo(e, g);
    const u = floorDiv(fen, gFen!);
    const yuan = u * gYuan!;
    if (!Number.isSafeInteger(yuan)) return floorTo(e, g);
    if (units) units[i!] = u;
    if (fen > 0 && fen % gFen! === 0) return e;
    let d = made.get(yuan);
    if (d === undefined) made.set(yuan, (d = new D(yuan)));
    return d;
  };
}

/** A base's candidates with the limits at the amounts of `scenario` (whose limit structure is the base's). */
function withLimits(b: CandidateBase, scenario: Scenario): Candidates {
  const { limits, overrun } = limitsIn(b.frame, scenario);
  return { ...b, limits: [...limits, ...b.extra], overrun };
}

/**
 * The base of these inputs, made once for them: the scenario check and the preparation of one
 * solve ask for the same (the same objects: applications, policy, scenario and locked grants,
 * none of which is ever changed), and so do their limits at the scenario's own amounts.
 */
interface SharedBase {
  readonly policy: Policy;
  readonly scenario: Scenario;
  readonly locked: ReadonlyMap<string, Decimal> | undefined;
  readonly base: CandidateBase;
  own?: Candidates;
}
const bases = new WeakMap<readonly Application[], SharedBase>();
function sharedBase(apps: readonly Application[], policy: Policy, scenario: Scenario, locked: ReadonlyMap<string, Decimal> | undefined): SharedBase {
  const known = bases.get(apps);
  if (known && known.policy === policy && known.locked === locked) {
    if (known.scenario === scenario) return known;
    // The kept scenario but for its cash by year (a re-solve at another year's cash): the same
    // candidates, entitlements and limits; the cash rows made again. Not kept in its place.
    if (onlyCashDiffers(known.scenario, scenario)) return { policy, scenario, locked, base: { ...known.base, cash: cashRowsOf(scenario, known.base) } };
  }
  const made: SharedBase = { policy, scenario, locked, base: candidateBase(apps, policy, scenario, locked) };
  bases.set(apps, made);
  return made;
}

/** A base's candidates with the limits at its own scenario's amounts, made once per base. */
function ownLimits(shared: SharedBase): Candidates {
  return (shared.own ??= withLimits(shared.base, shared.scenario));
}

export function candidatesOf(apps: readonly Application[], policy: Policy, scenario: Scenario, locked?: ReadonlyMap<string, Decimal>): Candidates {
  return ownLimits(sharedBase(apps, policy, scenario, locked));
}

/** Per measure and company, the first approval in the ledger (a project with a row not cancelled). */
function earlierApprovals(policy: Policy, ledger: readonly Commitment[]): Map<string, { projectId: string; approvedYear: number; grant: Decimal }> {
  const once = new Set(policy.measures.filter((m) => m.rules.some((r) => r.type === 'oncePerCompany')).map((m) => m.id));
  const out = new Map<string, { projectId: string; approvedYear: number; grant: Decimal }>();
  for (const c of ledger) {
    if (!once.has(c.measureId) || c.status === 'cancelled' || !c.grant.gt(0)) continue;
    const key = `${c.measureId}|${c.companyId}`;
    const seen = out.get(key);
    if (!seen || c.approvedYear < seen.approvedYear || (c.approvedYear === seen.approvedYear && c.projectId < seen.projectId)) out.set(key, { projectId: c.projectId, approvedYear: c.approvedYear, grant: c.grant });
  }
  return out;
}

/**
 * Hard amount targets as floors: approvals under the target's measures up to its year `by` —
 * the ledger's (projects approved from the policy's start, not cancelled), locked grants and
 * this year's and planned years' candidates — at least the target's amount.
 */
function targetLimits(scenario: Scenario, candidates: readonly Application[], locked: readonly LockedGrant[]): Limit[] {
  const out: Limit[] = [];
  for (const t of scenario.targets ?? []) {
    if (!t.hard || !t.amount) continue;
    const covers = new Set(t.measures);
    const earlier = scenario.years?.earlier?.get(t.id)?.amount ?? ZERO;
    const lockedUse = locked.filter(({ app }) => covers.has(app.measureId)).reduce((s, l) => s.plus(l.grant), ZERO);
    const members = candidates.flatMap((a, i) => (covers.has(a.measureId) && a.year <= t.by ? [i] : []));
    const used = earlier.plus(lockedUse);
    out.push({ id: `target:${t.id}`, kind: 'target', sense: 'min', amount: D.max(ZERO, t.amount.min.minus(used)), members, subject: t.id, source: `scenario.targets.${t.id}`, locked: used });
  }
  return out;
}

/**
 * Locked grants above what the policy allows their projects (an input problem: see check.ts).
 * A project known only from a lock file has no base to work its ceilings out from: not checked here.
 */
export function lockedOverEntitlement(c: Pick<Candidates, 'lockedGrants' | 'measures'>): { app: Application; grant: Decimal; entitlement: Entitlement }[] {
  return c.lockedGrants
    .filter(({ app }) => !app.lockedFrom)
    .map(({ app, grant }) => ({ app, grant, entitlement: entitlementOf(app, c.measures.get(app.measureId)!) }))
    .filter(({ grant, entitlement }) => grant.gt(entitlement.amount));
}

/** Applications an earlier batch funded (a locked grant above zero): their ids per exclusive group, and per measure and per district (what count rules count). */
export interface LockedFunding {
  readonly byGroup: ReadonlyMap<string, readonly string[]>;
  readonly bySubject: Readonly<Record<Exclude<CountKind, 'target'>, ReadonlyMap<string, readonly string[]>>>;
}

export function lockedFunding(apps: readonly Application[], lockedOf: readonly (Decimal | null)[]): LockedFunding {
  const byGroup = new Map<string, string[]>();
  const byMeasure = new Map<string, string[]>();
  const byDistrict = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, key: string, id: string) => m.set(key, [...(m.get(key) ?? []), id]);
  apps.forEach((a, i) => {
    if (!lockedOf[i]?.gt(0)) return;
    if (a.exclusiveGroup) add(byGroup, a.exclusiveGroup, a.projectId);
    add(byMeasure, a.measureId, a.projectId);
    add(byDistrict, a.district, a.projectId);
  });
  return { byGroup, bySubject: { measure: byMeasure, district: byDistrict } };
}

/** The applications an earlier batch funded that count rule `r` counts. */
export const lockedUnder = (f: LockedFunding, r: CountRule): readonly string[] =>
  r.kind === 'target' ? [...r.measures!].flatMap((m) => f.bySubject.measure.get(m) ?? []) : (f.bySubject[r.kind].get(r.subject) ?? []);

/**
 * The last preparation opened for some applications (`prepareAllocation`), kept for a scenario
 * that differs from its own only in the amounts of its cash by year (`onlyCashDiffers`): the
 * re-solves at a year's cash + step, explain's search over a year's cash.
 */
interface KeptOpen {
  readonly policy: Policy;
  readonly scenario: Scenario;
  readonly locked: ReadonlyMap<string, Decimal> | undefined;
  readonly keepBudgetRow: boolean;
  readonly open: (at: Scenario) => Prepared;
}
const keptOpen = new WeakMap<readonly Application[], KeptOpen>();

export function prepareAllocation(apps: readonly Application[], policy: Policy, scenario: Scenario, opts: PrepareOptions = {}): Prepared {
  const kept = keptOpen.get(apps);
  const keepBudgetRow = !!opts.keepBudgetRow;
  if (kept && kept.policy === policy && kept.locked === opts.locked && kept.keepBudgetRow === keepBudgetRow && onlyCashDiffers(kept.scenario, scenario)) return kept.open(scenario);
  const open = openPreparation(apps, policy, scenario, opts);
  keptOpen.set(apps, { policy, scenario, locked: opts.locked, keepBudgetRow, open });
  return open(scenario);
}

/**
 * A preparation kept open for scenarios that differ from `scenario` only in the amounts of
 * limits — the budget, the measures' and districts' ceilings and floors, the company annual
 * cap: the candidates, their entitlements and caps and the priority order are worked out once;
 * each call builds the limits at its scenario's amounts and the LP's shape from them, exactly
 * as `prepareAllocation` of that scenario does. Where the company annual cap or the districts
 * with budgets come or go, who counts against which limit is worked out again; a scenario with
 * later years planned is prepared from the start each time (their limits follow the scenario's).
 * A scenario with other amounts of cash by year gets its own cash rows (the same windows, so the
 * same members and weights: only their room moves).
 */
export function openPreparation(apps: readonly Application[], policy: Policy, scenario: Scenario, opts: PrepareOptions = {}): (at: Scenario) => Prepared {
  let t0: number | null = performance.now();
  const g = scenario.granularity;
  const shared = sharedBase(apps, policy, scenario, opts.locked);
  let base = shared.base;
  const { measures, candidates, candidateOf, lockedOf, entitlements, caps, shares, thisYear, cash } = base;
  const planned = base.extra.some((l) => l.id.startsWith('plan:'));
  const lockedOver = lockedOverEntitlement(base).length > 0;
  const capsIssue = unitsIssue(caps, [], g) !== null;
  let capUnits: readonly number[] | null = null;
  let order: number[] | null = null;
  const scoreKeys = candidates.map((a) => scoreKey(a.score));
  // A candidate's score as a double, once per distinct score: equal keys are equal scores, whose
  // doubles are equal, except 0 and −0 (one key, two doubles), each read on its own.
  const doubles = new Map<string, number>();
  const scoreNumber = (i: number) => {
    const key = scoreKeys[i]!;
    if (key === '0') return candidates[i]!.score.toNumber();
    let d = doubles.get(key);
    if (d === undefined) doubles.set(key, (d = candidates[i]!.score.toNumber()));
    return d;
  };
  // A limit's amount in units, by its sense and the amount's object: most amounts recur (every
  // company's cap under a measure is one object, and so are the limits a change leaves alone).
  const floorsOf = new Map<Decimal, number>();
  const ceilsOf = new Map<Decimal, number>();
  const limitUnits = (l: Limit) => {
    const byObject = l.sense === 'max' ? floorsOf : ceilsOf;
    const known = byObject.get(l.amount);
    if (known !== undefined) return known;
    const u = inUnits(l.amount, g, l.sense === 'max' ? 'floor' : 'ceil');
    byObject.set(l.amount, u);
    return u;
  };
  let lastRows: { readonly limits: readonly Limit[]; readonly units: number[]; readonly rows: number[]; readonly ids: string[] } | null = null;
  let lastShape: { readonly ids: readonly string[]; readonly rows: readonly number[]; readonly cash: readonly CashRow[]; readonly shape: PolicyLpShape; readonly scores: readonly number[] } | null = null;
  // Σ caps (units) over a limit's members, kept by its list of members where the list is long: a
  // frame's limits share their lists across scenarios (limitsIn), and the sum depends on the
  // members alone. Short lists (a company's limits) are summed again, cheaper than looking them up.
  let frameOfCaps: LimitFrame | null = null;
  const capsByMembers = new Map<readonly number[], number>();
  return (at) => {
    if (planned && at !== scenario) return openPreparation(apps, policy, at, opts)(at);
    const started = t0 ?? performance.now();
    t0 = null;
    if (base.frame.structure !== limitStructure(policy, at)) base = { ...base, frame: limitFrame(candidates.slice(0, thisYear), policy, at, base.lockedGrants) };
    // The limits read nothing of the cash by year: a scenario that differs only there has the scenario's own.
    const { limits, overrun } = (at === scenario || onlyCashDiffers(scenario, at)) && base === shared.base ? ownLimits(shared) : withLimits(base, at);
    // The same limits as the last call (the same array): the same units, rows and ids.
    const kept = lastRows?.limits === limits ? lastRows : null;
    const unitsOfLimits = kept?.units ?? limits.map(limitUnits);
    const unchecked = lockedOver ? 'a locked grant above its entitlement' : capsIssue || !unitsOfLimits.every(Number.isSafeInteger) ? 'a granularity too fine for its amounts' : null;
    if (unchecked) throw new InternalError(`prepared a scenario with ${unchecked}: the scenario check (check.ts) should have stopped it`);
    if (overrun.length) {
      throw new InfeasibleError(
        'the locked grants no longer fit the limits',
        overrun.map(({ limit, locked }) => ({ limit: `${limit.id} (${limit.source})`, description: `${fmtYuanHuman(limit.amount)} < locked ${fmtYuanHuman(locked)}` })),
      );
    }
    // Rules of counts the earlier batch already breaks (two funded in one exclusive group, more
    // funded than a measure's or a district's maxCount): no allocation of this batch can mend them.
    // What earlier years promised (and earlier batches locked) may already exceed a year's cash.
    const cashAt = at.cashPlan === scenario.cashPlan ? cash : cashRowsOf(at, base);
    const short = cashAt.filter((r) => r.window.room.lt(0));
    if (short.length) {
      throw new InfeasibleError(
        'earlier commitments already exceed the cash',
        short.map(({ window: w }) => ({ limit: `${w.id} (scenario.cash)`, description: `due from earlier commitments ${fmtYuanHuman(w.ledger)} > cash ${fmtYuanHuman(w.supply)}` })),
      );
    }
    const countOverrun = lockedCountOverruns(apps, lockedOf, at);
    if (countOverrun.length) throw new InfeasibleError('the locked grants no longer fit the rules of counts', countOverrun);
    order ??= priorityOrder(candidates, scoreKeys);
    capUnits ??= toUnits(caps, [], g).caps;
    const units: Units = { granularity: g, caps: capUnits, limits: unitsOfLimits };
    const keepRow = (l: Limit) => !!opts.keepBudgetRow && l.kind === 'budget';
    // The same rows as the last shape (limits that moved only in amount, none crossing its
    // members' caps): its columns stand, only the rows' bounds move.
    if (frameOfCaps !== base.frame) {
      frameOfCaps = base.frame;
      capsByMembers.clear();
    }
    const capsOf = (k: number) => {
      const members = limits[k]!.members;
      if (members.length < 16) return sumOver(members, capUnits!);
      let c = capsByMembers.get(members);
      if (c === undefined) capsByMembers.set(members, (c = sumOver(members, capUnits!)));
      return c;
    };
    const rows = kept?.rows ?? limitRows(units, limits, keepRow, capsOf);
    // Every limit in order (their ids) and which of them have a row: the same lists, the same row indexes.
    const ids = kept?.ids ?? limits.map((l) => l.id);
    lastRows = { limits, units: unitsOfLimits, rows, ids };
    const same = lastShape !== null && sameList(lastShape.ids, ids) && sameList(lastShape.rows, rows) && sameWindows(lastShape.cash, cashAt);
    const shape = same ? shapeAtAmounts(lastShape!.shape, limits, cashAt) : shapePolicyLp(units, limits, scoreKeys, order, keepRow, shares, cashAt, rows);
    // A shape at other amounts has the last one's columns, so their scores too: the same array,
    // by which `policyLp` knows the LP's columns and terms are the last one's as well.
    const scores = same ? lastShape!.scores : shape.groups.map((members) => scoreNumber(members[0]!));
    lastShape = { ids, rows, cash: cashAt, shape, scores };
    return { apps, policy, scenario: at, measures, candidates, candidateOf, lockedOf, entitlements, caps, limits, shares, thisYear, cash: cashAt, order, units, shape, scores, msBuild: performance.now() - started };
  };
}

const sameList = <T>(a: readonly T[], b: readonly T[]): boolean => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/** Whether two sets of cash rows cover the same windows (the same years: then the same members and weights). */
const sameWindows = (a: readonly CashRow[], b: readonly CashRow[]): boolean =>
  a === b || (a.length === b.length && a.every((r, j) => r.window.from === b[j]!.window.from && r.window.to === b[j]!.window.to && r.members.length === b[j]!.members.length));

function lockedCountOverruns(apps: readonly Application[], lockedOf: readonly (Decimal | null)[], scenario: Scenario): Conflict[] {
  const funded = lockedFunding(apps, lockedOf);
  const out: Conflict[] = [];
  for (const [grp, ids] of funded.byGroup) {
    if (ids.length > 1) out.push({ limit: `exclusive:${grp}`, description: `at most one of a group is funded, but the locked grants fund ${ids.join(', ')}` });
  }
  for (const r of countRules(scenario)) {
    const ids = lockedUnder(funded, r);
    if (r.maxCount !== undefined && ids.length > r.maxCount) {
      out.push({ limit: `${countRuleId(r, 'max')} (${countRuleSource(r, 'max')})`, description: `at most ${r.maxCount}, but the locked grants fund ${ids.length} (${ids.join(', ')})` });
    }
  }
  return out;
}

/**
 * The same preparation at another budget (the budget row must have been kept). What an earlier
 * batch locked comes off it, as it does in `buildLimits`; a budget below that is infeasible.
 */
export function atBudget(p: Prepared, budget: Decimal): Prepared {
  const k = p.limits.findIndex((l) => l.kind === 'budget');
  const locked = p.limits[k]!.locked;
  if (locked.gt(budget)) {
    throw new InfeasibleError('the locked grants no longer fit the limits', [{ limit: `budget (${p.limits[k]!.source})`, description: `${fmtYuanHuman(budget)} < locked ${fmtYuanHuman(locked)}` }]);
  }
  const left = budget.minus(locked);
  const limits = p.limits.map((l, i) => (i === k ? { ...l, amount: left } : l));
  const g = p.scenario.granularity;
  const budgetUnits = left.div(g).floor().toNumber();
  const units: Units = { ...p.units, limits: p.units.limits.map((u, i) => (i === k ? budgetUnits : u)) };
  const r = p.shape.rowLimit.indexOf(k);
  if (r < 0) throw new InternalError('atBudget needs a preparation that kept the budget row');
  const rowBounds = p.shape.rowBounds.map((b, i) => (i === r ? { lower: null, upper: wholeUnitsBound(left, 'max', g) } : b));
  return { ...p, scenario: withBudget(p.scenario, budget), limits, units, shape: { ...p.shape, rowBounds }, msBuild: 0 };
}

/** The priority (stage-1) LP of a preparation: one object per preparation, so what is learnt about it (is it a network?) is kept. */
const priorityLps = new WeakMap<Prepared, LinearProgram>();
export function priorityLp(prepared: Prepared): LinearProgram {
  let lp = priorityLps.get(prepared);
  if (!lp) priorityLps.set(prepared, (lp = policyLp(prepared.shape, prepared.scores)));
  return lp;
}
