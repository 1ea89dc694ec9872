/**
 * Limits that couple applications: a company's grants under one measure in a year, a
 * company's grants over all measures, a measure's budget (ceiling and floor), the total
 * budget. Each carries a stable id and its provenance; the LP rows, the rounding step
 * and the explanations are all built from these.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO } from '../money.js';
import type { Application } from './application.js';
import type { Measure, Policy } from './policy.js';
import { ruleOf } from './policy.js';
import type { Scenario } from './scenario.js';

export type LimitKind = 'company_measure' | 'company_annual' | 'joint_cap' | 'measure_max' | 'measure_min' | 'district_max' | 'district_min' | 'budget' | 'target';

export interface Limit {
  /** Stable id, e.g. `company_measure:P05-ROLLOUT:91440300MA5XXXXX`. */
  readonly id: string;
  readonly kind: LimitKind;
  /** 'max': Σ grants ≤ amount; 'min': Σ grants ≥ amount. */
  readonly sense: 'max' | 'min';
  readonly amount: Decimal;
  /** Indexes into the candidate list the limits were built for. */
  readonly members: readonly number[];
  /** Company id or measure id (empty for the budget). */
  readonly subject: string;
  /** Where it comes from: a clause of the policy or a field of the scenario. */
  readonly source: string;
  /** Already used by grants locked by an earlier batch (taken off `amount`, which is what is left). */
  readonly locked: Decimal;
}

/** A coupling limit an application counts against, before its members are gathered; its amounts come from the scenario given to `make`. */
export interface LimitKey {
  readonly key: string;
  readonly make: (scenario: Scenario) => Omit<Limit, 'members' | 'locked'>[];
}

/** The company annual cap of a scenario: its own, else the policy's; null for none. */
const annualOf = (policy: Policy, scenario: Scenario) => scenario.companyAnnualCap ?? (policy.companyAnnualCap ? new D(policy.companyAnnualCap.amount) : null);

/**
 * Builds the keys of the coupling limits an application counts against (besides the budget).
 * Which keys exist depends on the scenario only through `limitStructure`. A key is made once per
 * limit, and found again by its parts (a map per part, no id text made per application).
 */
function limitKeys(policy: Policy, scenario: Scenario): (a: Application) => LimitKey[] {
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const annual = policy.companyAnnualCap;
  const hasAnnual = annualOf(policy, scenario) !== null;
  const exempt = new Set(annual?.exempt ?? []);
  const joints = (policy.jointCaps ?? []).map((j) => ({ ...j, cap: new D(j.amount), covers: new Set(j.measures), bySubject: new Map<string, LimitKey>() }));
  // Each measure's cap per company, read once (every company's limit under it shares the amount).
  const companyCaps = new Map(policy.measures.map((m) => [m.id, ruleOf(m, 'companyCap')?.amount] as const).flatMap(([id, a]) => (a === undefined ? [] : [[id, new D(a)] as const])));
  const byMeasureCompany = new Map<string, Map<string, LimitKey>>();
  const byCompany = new Map<string, LimitKey>();
  const byMeasure = new Map<string, LimitKey>();
  const byDistrict = new Map<string, LimitKey>();
  const keyed = <K>(cache: Map<K, LimitKey>, part: K, key: () => string, make: (id: string) => LimitKey['make']): LimitKey => {
    let k = cache.get(part);
    if (!k) {
      const id = key();
      cache.set(part, (k = { key: id, make: make(id) }));
    }
    return k;
  };
  return (a) => {
    const keys: LimitKey[] = [];
    const m = measures.get(a.measureId)!;
    const companyCap = companyCaps.get(m.id);
    if (companyCap) {
      let cache = byMeasureCompany.get(m.id);
      if (!cache) byMeasureCompany.set(m.id, (cache = new Map()));
      keys.push(
        keyed(
          cache,
          a.companyId,
          () => `company_measure:${a.measureId}:${a.companyId}`,
          (id) => () => [{ id, kind: 'company_measure', sense: 'max', amount: companyCap, subject: a.companyId, source: `${m.clause} ${m.id}` }],
        ),
      );
    }
    if (hasAnnual && !exempt.has(a.measureId)) {
      keys.push(
        keyed(
          byCompany,
          a.companyId,
          () => `company_annual:${a.companyId}`,
          (id) => (s) => [{ id, kind: 'company_annual', sense: 'max', amount: annualOf(policy, s)!, subject: a.companyId, source: s.companyAnnualCap ? 'scenario.companyAnnualCap' : `${annual?.clause ?? ''} companyAnnualCap` }],
        ),
      );
    }
    for (const j of joints) {
      if (!j.covers.has(a.measureId)) continue;
      const subject = j.per === 'company' ? a.companyId : a.attributes?.[j.per];
      if (subject === undefined) continue;
      keys.push(keyed(j.bySubject, subject, () => `joint_cap:${j.id}:${subject}`, (id) => () => [{ id, kind: 'joint_cap', sense: 'max', amount: j.cap, subject, source: `${j.clause} ${j.id}` }]));
    }
    const mid = a.measureId;
    keys.push(
      keyed(
        byMeasure,
        mid,
        () => `measure:${mid}`,
        () => (s) => {
          const budget = s.measureBudgets.get(mid);
          return [
            ...(budget?.max ? [{ id: `measure_max:${mid}`, kind: 'measure_max' as const, sense: 'max' as const, amount: budget.max, subject: mid, source: `scenario.measureBudgets.${mid}.max` }] : []),
            ...(budget?.min ? [{ id: `measure_min:${mid}`, kind: 'measure_min' as const, sense: 'min' as const, amount: budget.min, subject: mid, source: `scenario.measureBudgets.${mid}.min` }] : []),
          ];
        },
      ),
    );
    const d = a.district;
    if (scenario.districtBudgets?.has(d)) {
      keys.push(
        keyed(
          byDistrict,
          d,
          () => `district:${d}`,
          () => (s) => {
            const district = s.districtBudgets?.get(d);
            return [
              ...(district?.max ? [{ id: `district_max:${d}`, kind: 'district_max' as const, sense: 'max' as const, amount: district.max, subject: d, source: `scenario.districtBudgets.${d}.max` }] : []),
              ...(district?.min ? [{ id: `district_min:${d}`, kind: 'district_min' as const, sense: 'min' as const, amount: district.min, subject: d, source: `scenario.districtBudgets.${d}.min` }] : []),
            ];
          },
        ),
      );
    }
    return keys;
  };
}

/** What of a scenario decides which limit keys exist: a company annual cap or none, and the districts with budgets. */
export function limitStructure(policy: Policy, scenario: Scenario): string {
  return `${annualOf(policy, scenario) !== null}|${[...(scenario.districtBudgets?.keys() ?? [])].sort().join('\u0000')}`;
}

export interface LockedGrant {
  readonly app: Application;
  readonly grant: Decimal;
}

/**
 * Who counts against which limit, apart from the amounts: what `buildLimits` works out once for
 * every scenario of the same `structure` (the same candidates, locked grants and policy).
 */
export interface LimitFrame {
  readonly structure: string;
  readonly entries: readonly { readonly key: LimitKey; readonly members: readonly number[] }[];
  readonly lockedBy: ReadonlyMap<string, Decimal>;
  readonly lockedTotal: Decimal;
  readonly candidates: number;
}

export function limitFrame(candidates: readonly Application[], policy: Policy, scenario: Scenario, locked: readonly LockedGrant[] = []): LimitFrame {
  const keysOf = limitKeys(policy, scenario);
  // Keys are made once each (limitKeys), so an entry is found by its key object.
  const byKey = new Map<LimitKey, { key: LimitKey; members: number[] }>();
  const add = (key: LimitKey, i: number | null) => {
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { key, members: [] }));
    if (i !== null) entry.members.push(i);
  };
  candidates.forEach((a, i) => {
    for (const key of keysOf(a)) add(key, i);
  });
  const lockedBy = new Map<string, Decimal>();
  let lockedTotal = ZERO;
  for (const { app, grant } of locked) {
    for (const key of keysOf(app)) {
      lockedBy.set(key.key, (lockedBy.get(key.key) ?? ZERO).plus(grant));
      add(key, null);
    }
    lockedTotal = lockedTotal.plus(grant);
  }
  return { structure: limitStructure(policy, scenario), entries: [...byKey.values()], lockedBy, lockedTotal, candidates: candidates.length };
}

/**
 * The limits of a frame with the amounts of `scenario` (of the frame's structure). Grants locked
 * by an earlier batch count against every limit they fall under: what they use is taken off each
 * ceiling and floor first. A ceiling they already exceed is returned in `overrun` (the scenario
 * cannot hold them).
 */
export function limitsIn(frame: LimitFrame, scenario: Scenario): { limits: Limit[]; overrun: { limit: Limit; locked: Decimal }[] } {
  const limits: Limit[] = [];
  const push = (l: Omit<Limit, 'locked'>, lockedUse: Decimal) => limits.push({ ...l, locked: lockedUse });
  const keys = new Set<string>();
  const anyLocked = frame.lockedBy.size > 0;
  for (const { key, members } of frame.entries) {
    keys.add(key.key);
    const used = anyLocked ? (frame.lockedBy.get(key.key) ?? ZERO) : ZERO;
    // Fields in the order { ...made, members, locked } gives them.
    for (const l of key.make(scenario)) limits.push({ id: l.id, kind: l.kind, sense: l.sense, amount: l.amount, subject: l.subject, source: l.source, members, locked: used });
  }
  // A floor on a measure nobody applied to still binds (and cannot be met).
  for (const [id, budget] of scenario.measureBudgets) {
    if (budget.min?.gt(0) && !keys.has(`measure:${id}`)) {
      push({ id: `measure_min:${id}`, kind: 'measure_min', sense: 'min', amount: budget.min, members: [], subject: id, source: `scenario.measureBudgets.${id}.min` }, ZERO);
    }
  }
  for (const [d, budget] of scenario.districtBudgets ?? []) {
    if (budget.min?.gt(0) && !keys.has(`district:${d}`)) {
      push({ id: `district_min:${d}`, kind: 'district_min', sense: 'min', amount: budget.min, members: [], subject: d, source: `scenario.districtBudgets.${d}.min` }, ZERO);
    }
  }
  push({ id: 'budget', kind: 'budget', sense: 'max', amount: scenario.budget, members: Array.from({ length: frame.candidates }, (_, i) => i), subject: '', source: 'scenario.budget' }, frame.lockedTotal);
  sortById(limits);
  // What is left for the new batch.
  const overrun: { limit: Limit; locked: Decimal }[] = [];
  const left = limits.map((l) => {
    if (l.locked.isZero()) return l;
    if (l.sense === 'max' && l.locked.gt(l.amount)) overrun.push({ limit: l, locked: l.locked });
    return { ...l, amount: D.max(ZERO, l.amount.minus(l.locked)) };
  });
  return { limits: left, overrun };
}

/** Sort limits by id in code-unit order: the ids alone, by the default sort (no callback), when they are distinct. */
function sortById(limits: Limit[]): void {
  const byId = new Map(limits.map((l) => [l.id, l]));
  if (byId.size !== limits.length) {
    limits.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return;
  }
  const ids = [...byId.keys()].sort();
  ids.forEach((id, k) => (limits[k] = byId.get(id)!));
}

/** The limits over `candidates` (see `limitsIn`). */
export function buildLimits(
  candidates: readonly Application[],
  policy: Policy,
  scenario: Scenario,
  locked: readonly LockedGrant[] = [],
): { limits: Limit[]; overrun: { limit: Limit; locked: Decimal }[] } {
  return limitsIn(limitFrame(candidates, policy, scenario, locked), scenario);
}

/**
 * A share rule over the candidates (policy `shares`): of the money granted under its measures, at
 * least (`min`) or at most (`max`) `rate` goes to the qualifying applications. Unlike a limit it
 * weighs its members: (1 − rate) × Σ qualifying − rate × Σ others ≥ 0 for a minimum, ≤ 0 for a
 * maximum, with grants locked by an earlier batch counted on their side.
 */
export interface ShareRow {
  /** Stable id, e.g. `share_min:S-SMALL`. */
  readonly id: string;
  /** The policy's share id. */
  readonly shareId: string;
  readonly sense: 'min' | 'max';
  readonly rate: Decimal;
  /** Candidate indexes matching `where`, and the rest of the measures' candidates. */
  readonly qualifying: readonly number[];
  readonly others: readonly number[];
  readonly lockedQualifying: Decimal;
  readonly lockedOthers: Decimal;
  /** The clause and the share's id. */
  readonly source: string;
}

/** Does an application match a share's `where` (every listed attribute has one of its values)? */
export function qualifies(a: Application, where: Readonly<Record<string, readonly string[]>>): boolean {
  return Object.entries(where).every(([field, values]) => {
    const v = a.attributes?.[field];
    return v !== undefined && values.includes(v);
  });
}

/** The share rules of a policy over `candidates`, a row per bound (min and max are two rows). */
export function buildShares(candidates: readonly Application[], policy: Policy, locked: readonly LockedGrant[] = []): ShareRow[] {
  const rows: ShareRow[] = [];
  for (const s of policy.shares ?? []) {
    const covers = new Set(s.measures);
    const qualifying: number[] = [];
    const others: number[] = [];
    candidates.forEach((a, i) => {
      if (covers.has(a.measureId)) (qualifies(a, s.where) ? qualifying : others).push(i);
    });
    let lockedQualifying = ZERO;
    let lockedOthers = ZERO;
    for (const { app, grant } of locked) {
      if (!covers.has(app.measureId)) continue;
      if (qualifies(app, s.where)) lockedQualifying = lockedQualifying.plus(grant);
      else lockedOthers = lockedOthers.plus(grant);
    }
    for (const [sense, rate] of [['min', s.min], ['max', s.max]] as const) {
      if (rate === undefined) continue;
      rows.push({ id: `share_${sense}:${s.id}`, shareId: s.id, sense, rate: new D(rate), qualifying, others, lockedQualifying, lockedOthers, source: `${s.clause} ${s.id}` });
    }
  }
  return rows;
}

/**
 * A share row's weights in whole units: Σ qualifyingWeight × units + othersWeight × units over its
 * members must be ≥ `threshold`, all integers, exactly equivalent to the row in yuan for grants
 * that are whole units of `g` (`den` is a power of ten that makes the rate whole).
 */
export interface ShareUnits {
  readonly qualifyingWeight: number;
  readonly othersWeight: number;
  readonly threshold: number;
}

export function shareUnits(row: ShareRow, g: Decimal): ShareUnits {
  const den = new D(10).pow(row.rate.decimalPlaces());
  const num = row.rate.times(den);
  const sign = row.sense === 'min' ? 1 : -1;
  const q = den.minus(num).times(sign);
  const o = num.times(-sign);
  // Σ q × units + o × units ≥ −(q × lockedQualifying + o × lockedOthers) / g, and the left side is whole.
  const threshold = q.times(row.lockedQualifying).plus(o.times(row.lockedOthers)).neg().div(g).ceil();
  return { qualifyingWeight: q.toNumber(), othersWeight: o.toNumber(), threshold: threshold.toNumber() };
}

/** Share rows in whole units: each row's weights, and per candidate the rows it is in with its weight. */
export interface ShareIndex {
  readonly units: readonly ShareUnits[];
  /** Per candidate: [row, weight] of every share row it is a member of (empty without shares). */
  readonly of: readonly (readonly (readonly [number, number])[])[];
}

export function shareIndex(shares: readonly ShareRow[], g: Decimal, candidates: number): ShareIndex {
  const units = shares.map((row) => shareUnits(row, g));
  const of: (readonly [number, number])[][] = shares.length ? Array.from({ length: candidates }, () => []) : [];
  shares.forEach((row, j) => {
    for (const i of row.qualifying) of[i]!.push([j, units[j]!.qualifyingWeight]);
    for (const i of row.others) of[i]!.push([j, units[j]!.othersWeight]);
  });
  return { units, of };
}

/** Per share row, Σ weight × units of its members. */
export function shareSums(shares: readonly ShareRow[], index: ShareIndex, grantUnits: readonly number[]): number[] {
  return shares.map((row, j) => {
    const w = index.units[j]!;
    return row.qualifying.reduce((t, i) => t + w.qualifyingWeight * grantUnits[i]!, 0) + row.others.reduce((t, i) => t + w.othersWeight * grantUnits[i]!, 0);
  });
}

/** The first share row that leaves candidate `c` less than `need` units of room (its grant weighs against the row), or null. */
export function blockingShare(index: ShareIndex, sums: readonly number[], c: number, need = 1): number | null {
  for (const [j, weight] of index.of[c] ?? []) {
    if (weight < 0 && sums[j]! - index.units[j]!.threshold < -weight * need) return j;
  }
  return null;
}
