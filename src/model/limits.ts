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
  /** A key of one limit whose id is `prefix` + `suffix` (a company's or a subject's under one rule), for sorting by id. */
  readonly prefix?: string;
  readonly suffix?: string;
}

/** The company annual cap of a scenario: its own, else the policy's; null for none. */
const annualOf = (policy: Policy, scenario: Scenario) => scenario.companyAnnualCap ?? (policy.companyAnnualCap ? new D(policy.companyAnnualCap.amount) : null);

/** The keys of a frame in the order they were made, each with its index in that list. */
interface MadeKey extends LimitKey {
  readonly index: number;
}

/**
 * Builds the keys of the coupling limits an application counts against (besides the budget),
 * into `out`. Which keys exist depends on the scenario only through `limitStructure`. A key is
 * made once per limit, on first use, and found again by its parts (its measure's and its
 * company's entries, a joint cap's subject, a district: no id text and no closure made per
 * application); `made` lists them in the order they were made.
 */
function limitKeys(policy: Policy, scenario: Scenario): { readonly keysOf: (a: Application, out: MadeKey[]) => void; readonly made: readonly MadeKey[] } {
  const annual = policy.companyAnnualCap;
  const hasAnnual = annualOf(policy, scenario) !== null;
  const exempt = new Set(annual?.exempt ?? []);
  const joints = (policy.jointCaps ?? []).map((j) => ({ ...j, cap: new D(j.amount), covers: new Set(j.measures), bySubject: new Map<string, MadeKey>() }));
  // Each measure's cap per company, read once (every company's limit under it shares the amount).
  const companyCaps = new Map(policy.measures.map((m) => [m.id, ruleOf(m, 'companyCap')?.amount] as const).flatMap(([id, a]) => (a === undefined ? [] : [[id, new D(a)] as const])));
  const byDistrict = new Map<string, MadeKey>();
  const made: MadeKey[] = [];
  const keyOf = (key: string, make: LimitKey['make'], prefix?: string, suffix?: string): MadeKey => {
    const k = prefix === undefined ? { key, make, index: made.length } : { key, make, prefix, suffix, index: made.length };
    made.push(k);
    return k;
  };
  // Per measure its prefix and source texts, made once.
  const measureTexts = new Map<string, { readonly prefix: string; readonly source: string }>();
  const companyMeasure = (m: Measure, company: string, amount: Decimal): MadeKey => {
    let t = measureTexts.get(m.id);
    if (!t) measureTexts.set(m.id, (t = { prefix: `company_measure:${m.id}:`, source: `${m.clause} ${m.id}` }));
    const { prefix, source } = t;
    const id = prefix + company;
    // Its amount is the policy's: the same limit for every scenario.
    const limit = [{ id, kind: 'company_measure' as const, sense: 'max' as const, amount, subject: company, source }];
    return keyOf(id, () => limit, prefix, company);
  };
  // The annual cap's amount and source for the last scenario asked, shared by every company's limit.
  let annualAt: { readonly s: Scenario; readonly amount: Decimal; readonly source: string } | null = null;
  const annualFor = (s: Scenario) => (annualAt?.s === s ? annualAt : (annualAt = { s, amount: annualOf(policy, s)!, source: s.companyAnnualCap ? 'scenario.companyAnnualCap' : `${annual?.clause ?? ''} companyAnnualCap` }));
  const companyAnnual = (company: string): MadeKey => {
    const id = `company_annual:${company}`;
    return keyOf(
      id,
      (s) => {
        const { amount, source } = annualFor(s);
        return [{ id, kind: 'company_annual', sense: 'max', amount, subject: company, source }];
      },
      'company_annual:',
      company,
    );
  };
  const joint = (j: (typeof joints)[number], subject: string): MadeKey => {
    const prefix = `joint_cap:${j.id}:`;
    const id = prefix + subject;
    const limit = [{ id, kind: 'joint_cap' as const, sense: 'max' as const, amount: j.cap, subject, source: `${j.clause} ${j.id}` }];
    return keyOf(id, () => limit, prefix, subject);
  };
  const measure = (mid: string): MadeKey =>
    keyOf(`measure:${mid}`, (s) => {
      const budget = s.measureBudgets.get(mid);
      return [
        ...(budget?.max ? [{ id: `measure_max:${mid}`, kind: 'measure_max' as const, sense: 'max' as const, amount: budget.max, subject: mid, source: `scenario.measureBudgets.${mid}.max` }] : []),
        ...(budget?.min ? [{ id: `measure_min:${mid}`, kind: 'measure_min' as const, sense: 'min' as const, amount: budget.min, subject: mid, source: `scenario.measureBudgets.${mid}.min` }] : []),
      ];
    });
  const district = (d: string): MadeKey =>
    keyOf(`district:${d}`, (s) => {
      const budget = s.districtBudgets?.get(d);
      return [
        ...(budget?.max ? [{ id: `district_max:${d}`, kind: 'district_max' as const, sense: 'max' as const, amount: budget.max, subject: d, source: `scenario.districtBudgets.${d}.max` }] : []),
        ...(budget?.min ? [{ id: `district_min:${d}`, kind: 'district_min' as const, sense: 'min' as const, amount: budget.min, subject: d, source: `scenario.districtBudgets.${d}.min` }] : []),
      ];
    });
  // Per measure (by its index in the policy), read once: the measure, its cap per company, whether
  // the annual cap counts it, the joint caps over it and its own key once made. Per company, its
  // keys: the annual cap's and one per measure with a cap per company. An application costs one
  // lookup of its measure and one of its company (ids read from a file are slices of a larger
  // text: a lookup hashes and compares them), not one per rule.
  const measureIndex = new Map(policy.measures.map((m, i) => [m.id, i]));
  const perMeasure = policy.measures.map((m) => ({
    m,
    companyCap: companyCaps.get(m.id),
    annual: hasAnnual && !exempt.has(m.id),
    joints: joints.filter((j) => j.covers.has(m.id)),
    key: undefined as MadeKey | undefined,
  }));
  const byCompany = new Map<string, { annual: MadeKey | undefined; readonly measure: (MadeKey | undefined)[] }>();
  const districts = scenario.districtBudgets;
  const keysOf = (a: Application, out: MadeKey[]): void => {
    const mi = measureIndex.get(a.measureId)!;
    const pm = perMeasure[mi]!;
    const company = a.companyId;
    // Keys made in the order the rules are listed here (a key's index is its place in `made`).
    let c = pm.companyCap || pm.annual ? byCompany.get(company) : undefined;
    if (c === undefined && (pm.companyCap || pm.annual)) byCompany.set(company, (c = { annual: undefined, measure: [] }));
    if (pm.companyCap) out.push((c!.measure[mi] ??= companyMeasure(pm.m, company, pm.companyCap)));
    if (pm.annual) out.push((c!.annual ??= companyAnnual(company)));
    for (const j of pm.joints) {
      const subject = j.per === 'company' ? company : a.attributes?.[j.per];
      if (subject === undefined) continue;
      let k = j.bySubject.get(subject);
      if (!k) j.bySubject.set(subject, (k = joint(j, subject)));
      out.push(k);
    }
    out.push((pm.key ??= measure(pm.m.id)));
    if (districts !== undefined && districts.has(a.district)) {
      const d = a.district;
      let k = byDistrict.get(d);
      if (!k) byDistrict.set(d, (k = district(d)));
      out.push(k);
    }
  };
  return { keysOf, made };
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
  const { keysOf, made } = limitKeys(policy, scenario);
  // Keys are made once each, in the order first met (limitKeys): a key's members are found by its index.
  const members: number[][] = [];
  const keys: MadeKey[] = [];
  for (let i = 0; i < candidates.length; i++) {
    keys.length = 0;
    keysOf(candidates[i]!, keys);
    for (const key of keys) (members[key.index] ??= []).push(i);
  }
  const lockedBy = new Map<string, Decimal>();
  let lockedTotal = ZERO;
  for (const { app, grant } of locked) {
    keys.length = 0;
    keysOf(app, keys);
    for (const key of keys) {
      lockedBy.set(key.key, (lockedBy.get(key.key) ?? ZERO).plus(grant));
      members[key.index] ??= [];
    }
    lockedTotal = lockedTotal.plus(grant);
  }
  return { structure: limitStructure(policy, scenario), entries: made.map((key) => ({ key, members: members[key.index]! })), lockedBy, lockedTotal, candidates: candidates.length };
}

/**
 * The limits of a frame with the amounts of `scenario` (of the frame's structure). Grants locked
 * by an earlier batch count against every limit they fall under: what they use is taken off each
 * ceiling and floor first. A ceiling they already exceed is returned in `overrun` (the scenario
 * cannot hold them).
 */
export function limitsIn(frame: LimitFrame, scenario: Scenario): { limits: Limit[]; overrun: { limit: Limit; locked: Decimal }[] } {
  const limits: Limit[] = [];
  // Each limit's id as prefix + suffix where its key knows them (else the whole id and ''), for the sort.
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const push = (l: Omit<Limit, 'locked'>, lockedUse: Decimal) => {
    limits.push({ ...l, locked: lockedUse });
    prefixes.push(l.id);
    suffixes.push('');
  };
  const anyLocked = frame.lockedBy.size > 0;
  for (const { key, members } of frame.entries) {
    const used = anyLocked ? (frame.lockedBy.get(key.key) ?? ZERO) : ZERO;
    for (const l of key.make(scenario)) {
      // Fields in the order { ...made, members, locked } gives them.
      limits.push({ id: l.id, kind: l.kind, sense: l.sense, amount: l.amount, subject: l.subject, source: l.source, members, locked: used });
      const split = key.prefix !== undefined && l.id === key.key;
      prefixes.push(split ? key.prefix! : l.id);
      suffixes.push(split ? key.suffix! : '');
    }
  }
  // A floor on a measure nobody applied to still binds (and cannot be met). The frame's keys of
  // measures and districts (the keys without a prefix: one per measure or district, few) as a set,
  // only where a floor asks.
  let keys: Set<string> | null = null;
  const known = (key: string) => (keys ??= new Set(frame.entries.flatMap((e) => (e.key.prefix === undefined ? [e.key.key] : [])))).has(key);
  for (const [id, budget] of scenario.measureBudgets) {
    if (budget.min?.gt(0) && !known(`measure:${id}`)) {
      push({ id: `measure_min:${id}`, kind: 'measure_min', sense: 'min', amount: budget.min, members: [], subject: id, source: `scenario.measureBudgets.${id}.min` }, ZERO);
    }
  }
  for (const [d, budget] of scenario.districtBudgets ?? []) {
    if (budget.min?.gt(0) && !known(`district:${d}`)) {
      push({ id: `district_min:${d}`, kind: 'district_min', sense: 'min', amount: budget.min, members: [], subject: d, source: `scenario.districtBudgets.${d}.min` }, ZERO);
    }
  }
  push({ id: 'budget', kind: 'budget', sense: 'max', amount: scenario.budget, members: everyCandidate(frame), subject: '', source: 'scenario.budget' }, frame.lockedTotal);
  const sorted = sortById(limits, prefixes, suffixes);
  // What is left for the new batch.
  const overrun: { limit: Limit; locked: Decimal }[] = [];
  if (!anyLocked && frame.lockedTotal.isZero()) return { limits: sorted, overrun };
  const left = sorted.map((l) => {
    if (l.locked.isZero()) return l;
    if (l.sense === 'max' && l.locked.gt(l.amount)) overrun.push({ limit: l, locked: l.locked });
    return { ...l, amount: D.max(ZERO, l.amount.minus(l.locked)) };
  });
  return { limits: left, overrun };
}

/** The budget's members, every candidate of the frame: one list per frame, shared by its scenarios' budgets as their other limits share the frame's lists. */
const everyOf = new WeakMap<LimitFrame, readonly number[]>();
function everyCandidate(frame: LimitFrame): readonly number[] {
  let out = everyOf.get(frame);
  if (out === undefined) {
    const all = new Array<number>(frame.candidates);
    for (let i = 0; i < frame.candidates; i++) all[i] = i;
    everyOf.set(frame, (out = all));
  }
  return out;
}

/**
 * Limits sorted by id in code-unit order, each id given as prefix + suffix (`limits[k].id` is
 * `prefixes[k] + suffixes[k]`). Most ids are a rule's prefix and a company: the distinct
 * suffixes are sorted once, each prefix's limits by their suffix's rank, and the prefixes in
 * order. That is the order of the ids wherever no prefix with a suffix after it begins the
 * next prefix in order (then all of one prefix's ids come before all of the next one's) and
 * the ids are distinct; else the ids are sorted whole (equal ids kept in the given order).
 */
export function sortById(limits: readonly Limit[], prefixes: readonly string[], suffixes: readonly string[]): Limit[] {
  const n = limits.length;
  // Each limit's prefix as its index among the distinct prefixes in order.
  const prefixOf = new Map<string, number>();
  for (const p of prefixes) if (!prefixOf.has(p)) prefixOf.set(p, prefixOf.size);
  const order = [...prefixOf.keys()].sort();
  const place = new Int32Array(order.length);
  order.forEach((p, t) => (place[prefixOf.get(p)!] = t));
  const group = Int32Array.from(prefixes, (p) => place[prefixOf.get(p)!]!);
  const withSuffix = new Uint8Array(order.length);
  for (let k = 0; k < n; k++) if (suffixes[k] !== '') withSuffix[group[k]!] = 1;
  let split = true;
  for (let t = 0; t + 1 < order.length && split; t++) if (withSuffix[t] && order[t + 1]!.startsWith(order[t]!)) split = false;
  if (split) {
    // Sorted as flat copies of the texts (the same code units, so the same order and equal as map
    // keys): a company id read from a file is a slice of a larger text, slow to compare many times.
    const rankOf = new Map<string, number>();
    [...new Set(suffixes)]
      .map((x) => x.split('').join(''))
      .sort()
      .forEach((x, r) => rankOf.set(x, r));
    const rank = Int32Array.from(suffixes, (x) => rankOf.get(x)!);
    // By suffix (a counting sort by rank), then by prefix (again, stable): by prefix, then suffix.
    const byRank = countingSort(rank, rankOf.size, Int32Array.from({ length: n }, (_, k) => k));
    const sorted = countingSort(group, order.length, byRank);
    const out = new Array<Limit>(n);
    for (let t = 0; t < n; t++) {
      const k = sorted[t]!;
      // Two equal ids (the same prefix and suffix): sorted whole below.
      if (t > 0 && group[k] === group[sorted[t - 1]!] && rank[k] === rank[sorted[t - 1]!]) split = false;
      out[t] = limits[k]!;
    }
    if (split) return out;
  }
  const byId = new Map(limits.map((l) => [l.id, l]));
  if (byId.size !== n) return [...limits].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
}

/** `items` ordered by `key[item]` (each in 0..size−1), stable. */
function countingSort(key: Int32Array, size: number, items: Int32Array): Int32Array {
  const next = new Int32Array(size + 1);
  for (const k of items) next[key[k]! + 1]!++;
  for (let r = 0; r < size; r++) next[r + 1]! += next[r]!;
  const out = new Int32Array(items.length);
  for (const k of items) out[next[key[k]!]!++] = k;
  return out;
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

/**
 * Per candidate, the limits it counts against: candidate i's are `at[start[i]]` up to
 * `at[start[i + 1]]`, in the order of `limits`. Made once per list of limits (rounding and the
 * reasons for the grants read the same), in two flat arrays rather than an array per candidate.
 */
export interface LimitsOf {
  readonly start: Int32Array;
  readonly at: Int32Array;
}

const limitsOfMade = new WeakMap<readonly Limit[], LimitsOf>();
export function limitsOfCandidates(limits: readonly Limit[], candidates: number): LimitsOf {
  const known = limitsOfMade.get(limits);
  if (known && known.start.length === candidates + 1) return known;
  const start = new Int32Array(candidates + 1);
  for (const l of limits) for (const i of l.members) start[i + 1]!++;
  for (let i = 0; i < candidates; i++) start[i + 1]! += start[i]!;
  const at = new Int32Array(start[candidates]!);
  const next = start.slice(0, candidates);
  limits.forEach((l, k) => {
    for (const i of l.members) at[next[i]!++] = k;
  });
  const made = { start, at };
  limitsOfMade.set(limits, made);
  return made;
}

/** Σ values[i] over the members (whole units: exact while the sum stays a safe integer, which callers check where it matters). */
export function sumOver(members: readonly number[], values: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < members.length; t++) s += values[members[t]!]!;
  return s;
}
