/**
 * Limits that couple applications: a company's grants under one measure in a year, a
 * company's grants over all measures, a measure's budget (ceiling and floor), the total
 * budget. Each carries a stable id and its provenance; the LP rows, the rounding step
 * and the explanations are all built from these.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, fmtYuanHuman } from '../money.js';
import type { Application } from './application.js';
import type { Policy } from './policy.js';
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

/**
 * A limit's amount as the scenario states it, for messages: what is left of it (`amount`) and what
 * earlier batches' grants already use of it, with that part said apart.
 */
export function statedAmount(l: Pick<Limit, 'amount' | 'locked'>): string {
  const stated = fmtYuanHuman(l.amount.plus(l.locked));
  return l.locked.gt(0) ? `${stated} (${fmtYuanHuman(l.locked)} of it used by earlier batches)` : stated;
}

/** A limit's fields other than its members and the grants locked against it. */
type LimitParts = Omit<Limit, 'members' | 'locked'>;

/**
 * A rule that makes coupling limits: one limit per subject (a company, or a joint cap's subject),
 * whose id is `prefix` + the subject and whose other fields are the rule's for a scenario; or a
 * measure's or a district's budget, 0–2 limits whose amounts come from the scenario.
 */
type FrameRule =
  | { readonly prefix: string; readonly parts: (scenario: Scenario) => Omit<LimitParts, 'id' | 'subject'> }
  | { readonly prefix?: undefined; readonly make: (scenario: Scenario) => LimitParts[] };

/** A limit key of a frame: its rule, its subject and its members. */
interface FrameEntry {
  readonly rule: FrameRule;
  readonly subject: string;
  /** The id of the limit (a rule of one limit per subject), else `measure:<id>` or `district:<name>`. */
  readonly key: string;
  /** The subject's index among the frame's subjects (−1 for a measure's or a district's key). */
  readonly subjectIndex: number;
  members: number[];
}

/** The company annual cap of a scenario: its own, else the policy's; null for none. */
const annualOf = (policy: Policy, scenario: Scenario) => scenario.companyAnnualCap ?? (policy.companyAnnualCap ? new D(policy.companyAnnualCap.amount) : null);

/**
 * The keys of the coupling limits an application counts against (besides the budget): `keysOf`
 * puts the indexes (into `entries`) of an application's keys into `out`. Which keys exist depends
 * on the scenario only through `limitStructure`. A key is made once per limit, on first use, in
 * the order of the rules below, and found again by its parts: its measure's index, its subject's
 * index (the one lookup of a company's id per application: ids read from a file are slices of a
 * larger text, which a lookup hashes and compares), a district. A rule's fields (amount, source)
 * are the rule's, not copied per key.
 */
function limitKeys(policy: Policy, scenario: Scenario) {
  const annual = policy.companyAnnualCap;
  const hasAnnual = annualOf(policy, scenario) !== null;
  const exempt = new Set(annual?.exempt ?? []);
  const entries: FrameEntry[] = [];
  // Subjects (companies and joint caps' subjects) by their text, each an index.
  const subjects: string[] = [];
  const subjectIndex = new Map<string, number>();
  const subjectOf = (x: string): number => {
    let s = subjectIndex.get(x);
    if (s === undefined) {
      subjectIndex.set(x, (s = subjects.length));
      subjects.push(x);
    }
    return s;
  };
  // Per subject rule, the index of its entry per subject (a hole: none yet).
  const entryOf = (rule: FrameRule & { prefix: string }, byIndex: number[], subject: string, s: number): number => {
    let e = byIndex[s];
    if (e === undefined) {
      byIndex[s] = e = entries.length;
      entries.push({ rule, subject, key: rule.prefix + subject, subjectIndex: s, members: [] });
    }
    return e;
  };
  // The annual cap's fields for the last scenario asked, shared by every company's limit.
  let annualAt: { readonly s: Scenario; readonly parts: Omit<LimitParts, 'id' | 'subject'> } | null = null;
  const annualRule: FrameRule & { prefix: string } = {
    prefix: 'company_annual:',
    parts: (s) =>
      (annualAt?.s === s ? annualAt : (annualAt = { s, parts: { kind: 'company_annual', sense: 'max', amount: annualOf(policy, s)!, source: s.companyAnnualCap ? 'scenario.companyAnnualCap' : `${annual?.clause ?? ''} companyAnnualCap` } })).parts,
  };
  const annualEntry: number[] = [];
  const joints = (policy.jointCaps ?? []).map((j) => {
    // Its amount is the policy's: the same for every scenario.
    const parts = { kind: 'joint_cap' as const, sense: 'max' as const, amount: new D(j.amount), source: `${j.clause} ${j.id}` };
    return { per: j.per, covers: new Set(j.measures), rule: { prefix: `joint_cap:${j.id}:`, parts: () => parts } as FrameRule & { prefix: string }, entry: [] as number[] };
  });
  const budgetRule = (kind: 'measure' | 'district', subject: string): FrameRule => ({
    make: (s) => {
      const budget = kind === 'measure' ? s.measureBudgets.get(subject) : s.districtBudgets?.get(subject);
      const out: LimitParts[] = [];
      if (budget?.max) out.push({ id: `${kind}_max:${subject}`, kind: `${kind}_max`, sense: 'max', amount: budget.max, subject, source: `scenario.${kind}Budgets.${subject}.max` });
      if (budget?.min) out.push({ id: `${kind}_min:${subject}`, kind: `${kind}_min`, sense: 'min', amount: budget.min, subject, source: `scenario.${kind}Budgets.${subject}.min` });
      return out;
    },
  });
  // Per measure (by its index in the policy), read once: its cap per company (a rule whose amount
  // is the policy's), whether the annual cap counts it, the joint caps over it, its own key.
  const measureIndex = new Map(policy.measures.map((m, i) => [m.id, i]));
  const perMeasure = policy.measures.map((m) => {
    const cap = ruleOf(m, 'companyCap')?.amount;
    const parts = cap === undefined ? null : { kind: 'company_measure' as const, sense: 'max' as const, amount: new D(cap), source: `${m.clause} ${m.id}` };
    return {
      m,
      companyCap: parts === null ? null : ({ prefix: `company_measure:${m.id}:`, parts: () => parts } as FrameRule & { prefix: string }),
      capEntry: [] as number[],
      annual: hasAnnual && !exempt.has(m.id),
      joints: joints.filter((j) => j.covers.has(m.id)),
      entry: -1,
    };
  });
  // Districts with a budget, each with its key's entry once made (−1: not yet).
  const districtEntry = new Map<string, number>([...(scenario.districtBudgets?.keys() ?? [])].map((d) => [d, -1]));
  const keysOf = (a: Application, out: number[]): void => {
    const pm = perMeasure[measureIndex.get(a.measureId)!]!;
    const company = a.companyId;
    const s = pm.companyCap !== null || pm.annual ? subjectOf(company) : -1;
    if (pm.companyCap !== null) out.push(entryOf(pm.companyCap, pm.capEntry, company, s));
    if (pm.annual) out.push(entryOf(annualRule, annualEntry, company, s));
    for (const j of pm.joints) {
      const subject = j.per === 'company' ? company : a.attributes?.[j.per];
      if (subject === undefined) continue;
      out.push(entryOf(j.rule, j.entry, subject, subjectOf(subject)));
    }
    if (pm.entry < 0) {
      pm.entry = entries.length;
      entries.push({ rule: budgetRule('measure', pm.m.id), subject: pm.m.id, key: `measure:${pm.m.id}`, subjectIndex: -1, members: [] });
    }
    out.push(pm.entry);
    if (districtEntry.size === 0) return;
    const d = a.district;
    let e = districtEntry.get(d);
    if (e === undefined) return;
    if (e < 0) {
      districtEntry.set(d, (e = entries.length));
      entries.push({ rule: budgetRule('district', d), subject: d, key: `district:${d}`, subjectIndex: -1, members: [] });
    }
    out.push(e);
  };
  return { keysOf, entries, subjects };
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
  /** The limit keys in the order they were made. */
  readonly entries: readonly FrameEntry[];
  /** Per entry, what grants locked by an earlier batch already use of it (none: undefined). */
  readonly lockedAt: readonly (Decimal | undefined)[];
  readonly anyLocked: boolean;
  readonly lockedTotal: Decimal;
  readonly candidates: number;
  /** The entries of one limit per subject in the order of their ids, or null where that order is not their prefix's then their subject's (see `subjectOrder`). */
  readonly byId: Int32Array | null;
}

export function limitFrame(candidates: readonly Application[], policy: Policy, scenario: Scenario, locked: readonly LockedGrant[] = []): LimitFrame {
  const { keysOf, entries, subjects } = limitKeys(policy, scenario);
  // Every candidate's keys in one flat list first (candidate i's from keyStart[i]), then each
  // entry's members in a list of its own length (`sizedLists`).
  const n = candidates.length;
  const keys: number[] = [];
  const keyStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    keysOf(candidates[i]!, keys);
    keyStart[i + 1] = keys.length;
  }
  fillMembers(entries, keys, keyStart);
  keys.length = 0;
  const lockedAt: (Decimal | undefined)[] = [];
  let lockedTotal = ZERO;
  for (const { app, grant } of locked) {
    keys.length = 0;
    keysOf(app, keys);
    for (const e of keys) lockedAt[e] = (lockedAt[e] ?? ZERO).plus(grant);
    lockedTotal = lockedTotal.plus(grant);
  }
  return { structure: limitStructure(policy, scenario), entries, lockedAt, anyLocked: locked.length > 0, lockedTotal, candidates: candidates.length, byId: subjectOrder(entries, subjects) };
}

/**
 * Empty lists of the given lengths, to be filled in order: a list grown one push at a time holds
 * room for 17 numbers from its first, and most of these lists hold one or two.
 */
export function sizedLists(count: Int32Array): number[][] {
  const lists = new Array<number[]>(count.length);
  for (let k = 0; k < count.length; k++) lists[k] = new Array<number>(count[k]!);
  return lists;
}

/** Each entry's members, in candidate order, from every candidate's keys (`keyAt`, candidate i's from `keyStart[i]`). */
function fillMembers(entries: readonly FrameEntry[], keyAt: readonly number[], keyStart: Int32Array): void {
  const count = new Int32Array(entries.length);
  for (let t = 0; t < keyAt.length; t++) count[keyAt[t]!]!++;
  const lists = sizedLists(count);
  const next = new Int32Array(entries.length);
  for (let i = 0; i + 1 < keyStart.length; i++) {
    for (let t = keyStart[i]!; t < keyStart[i + 1]!; t++) {
      const k = keyAt[t]!;
      lists[k]![next[k]!++] = i;
    }
  }
  entries.forEach((e, k) => (e.members = lists[k]!));
}

/**
 * The entries of one limit per subject sorted by id (prefix + subject) in code-unit order: the
 * subjects' texts sorted once, each prefix's entries by their subject's rank, the prefixes in
 * order. That is the order of the ids where no prefix begins the next one in order and no two
 * entries share a prefix and a subject (their ids are distinct); else null (sorted whole).
 */
function subjectOrder(entries: readonly FrameEntry[], subjects: readonly string[]): Int32Array | null {
  const prefixOf = new Map<string, number>();
  let n = 0;
  for (const e of entries) {
    if (e.rule.prefix === undefined) continue;
    n++;
    if (!prefixOf.has(e.rule.prefix)) prefixOf.set(e.rule.prefix, prefixOf.size);
  }
  const order = [...prefixOf.keys()].sort();
  for (let t = 0; t + 1 < order.length; t++) if (order[t + 1]!.startsWith(order[t]!)) return null;
  const place = new Int32Array(order.length);
  order.forEach((p, t) => (place[prefixOf.get(p)!] = t));
  const rank = new Int32Array(subjects.length);
  byText(subjects)(Int32Array.from(subjects, (_, s) => s)).forEach((s, r) => (rank[s] = r));
  const items = new Int32Array(n);
  const group = new Int32Array(entries.length);
  const suffix = new Int32Array(entries.length);
  let k = 0;
  entries.forEach((e, i) => {
    if (e.rule.prefix === undefined) return;
    items[k++] = i;
    group[i] = place[prefixOf.get(e.rule.prefix)!]!;
    suffix[i] = rank[e.subjectIndex]!;
  });
  // By subject (a counting sort by rank), then by prefix (again, stable): by prefix, then subject.
  const sorted = countingSort(group, order.length, countingSort(suffix, subjects.length, items));
  for (let t = 1; t < n; t++) {
    const a = sorted[t - 1]!;
    const b = sorted[t]!;
    if (group[a] === group[b] && suffix[a] === suffix[b]) return null;
  }
  return sorted;
}

/**
 * The limits of a frame with the amounts of `scenario` (of the frame's structure). Grants locked
 * by an earlier batch count against every limit they fall under: what they use is taken off each
 * ceiling and floor first. A ceiling they already exceed is returned in `overrun` (the scenario
 * cannot hold them).
 */
export function limitsIn(frame: LimitFrame, scenario: Scenario): { limits: Limit[]; overrun: { limit: Limit; locked: Decimal }[] } {
  const { entries, lockedAt, anyLocked } = frame;
  // Each rule's fields at this scenario, asked once.
  const partsOf = new Map<FrameRule, Omit<LimitParts, 'id' | 'subject'>>();
  const limitOf = (e: FrameEntry, used: Decimal): Limit => {
    const rule = e.rule as FrameRule & { prefix: string };
    let p = partsOf.get(rule);
    if (p === undefined) partsOf.set(rule, (p = rule.parts(scenario)));
    // Fields in the order { ...made, members, locked } gives them.
    return { id: e.key, kind: p.kind, sense: p.sense, amount: p.amount, subject: e.subject, source: p.source, members: e.members, locked: used };
  };
  const usedAt = (k: number) => (anyLocked ? (lockedAt[k] ?? ZERO) : ZERO);
  // The measures' and districts' limits (few), then the floors of measures and districts nobody
  // applied to and the budget, in the order the ids are sorted in when ids are equal.
  const others: Limit[] = [];
  // Per one of `others`, the entry it comes from (−1: none).
  const fromEntry: number[] = [];
  entries.forEach((e, k) => {
    if (e.rule.prefix !== undefined) return;
    const used = usedAt(k);
    for (const l of e.rule.make(scenario)) {
      others.push({ id: l.id, kind: l.kind, sense: l.sense, amount: l.amount, subject: l.subject, source: l.source, members: e.members, locked: used });
      fromEntry.push(k);
    }
  });
  // A floor on a measure nobody applied to still binds (and cannot be met). The frame's keys of
  // measures and districts as a set, only where a floor asks.
  let keys: Set<string> | null = null;
  const known = (key: string) => (keys ??= new Set(entries.flatMap((e) => (e.rule.prefix === undefined ? [e.key] : [])))).has(key);
  for (const [id, budget] of scenario.measureBudgets) {
    if (budget.min?.gt(0) && !known(`measure:${id}`)) {
      others.push({ id: `measure_min:${id}`, kind: 'measure_min', sense: 'min', amount: budget.min, members: [], subject: id, source: `scenario.measureBudgets.${id}.min`, locked: ZERO });
    }
  }
  for (const [d, budget] of scenario.districtBudgets ?? []) {
    if (budget.min?.gt(0) && !known(`district:${d}`)) {
      others.push({ id: `district_min:${d}`, kind: 'district_min', sense: 'min', amount: budget.min, members: [], subject: d, source: `scenario.districtBudgets.${d}.min`, locked: ZERO });
    }
  }
  others.push({ id: 'budget', kind: 'budget', sense: 'max', amount: scenario.budget, members: everyCandidate(frame), subject: '', source: 'scenario.budget', locked: frame.lockedTotal });
  const sorted = mergedById(frame, others, limitOf, usedAt) ?? sortedWhole(frame, others, fromEntry, limitOf, usedAt);
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

const byIdText = (x: Limit, y: Limit) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

/**
 * A frame's limits sorted by id, from its entries of one limit per subject in the order of their
 * ids (`byId`, distinct ids) and the few `others` sorted and merged in; null where any two ids
 * are equal (then equal ids keep the order they are made in: `sortedWhole`).
 */
function mergedById(frame: LimitFrame, others: readonly Limit[], limitOf: (e: FrameEntry, used: Decimal) => Limit, usedAt: (k: number) => Decimal): Limit[] | null {
  const byId = frame.byId;
  if (byId === null) return null;
  const rest = [...others].sort(byIdText);
  for (let t = 1; t < rest.length; t++) if (rest[t - 1]!.id === rest[t]!.id) return null;
  const { entries } = frame;
  const out: Limit[] = [];
  let from = 0;
  for (const l of rest) {
    // The first entry in order whose id is not below l's.
    let lo = from;
    let hi = byId.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[byId[mid]!]!.key < l.id) lo = mid + 1;
      else hi = mid;
    }
    if (lo < byId.length && entries[byId[lo]!]!.key === l.id) return null;
    for (; from < lo; from++) out.push(limitOf(entries[byId[from]!]!, usedAt(byId[from]!)));
    out.push(l);
  }
  for (; from < byId.length; from++) out.push(limitOf(entries[byId[from]!]!, usedAt(byId[from]!)));
  return out;
}

/** A frame's limits sorted by id (`sortById`), equal ids in the order they are made in: each entry's in order (`fromEntry`: where each of `others` comes from), then the rest of `others`. */
function sortedWhole(frame: LimitFrame, others: readonly Limit[], fromEntry: readonly number[], limitOf: (e: FrameEntry, used: Decimal) => Limit, usedAt: (k: number) => Decimal): Limit[] {
  const limits: Limit[] = [];
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const add = (l: Limit, prefix: string, suffix: string) => {
    limits.push(l);
    prefixes.push(prefix);
    suffixes.push(suffix);
  };
  let t = 0;
  frame.entries.forEach((e, k) => {
    if (e.rule.prefix !== undefined) add(limitOf(e, usedAt(k)), e.rule.prefix, e.subject);
    else for (; t < fromEntry.length && fromEntry[t] === k; t++) add(others[t]!, others[t]!.id, '');
  });
  for (; t < others.length; t++) add(others[t]!, others[t]!.id, '');
  return sortById(limits, prefixes, suffixes);
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

/**
 * A sort of indexes into `texts` by their texts in code-unit order, equal texts in the given order
 * (in place; the list is returned). Each text's first 14 code units are packed into two whole
 * numbers compared first (`textKeys`), the texts themselves only where both are equal: a text read
 * from a file is a slice of a larger one, slow to compare many times.
 */
export function byText(texts: readonly string[]): <T extends Int32Array | number[]>(items: T) => T {
  const first = new Float64Array(texts.length);
  const second = new Float64Array(texts.length);
  const cmp = (a: number, b: number) => first[a]! - first[b]! || second[a]! - second[b]! || (texts[a]! < texts[b]! ? -1 : texts[a]! > texts[b]! ? 1 : 0);
  return <T extends Int32Array | number[]>(items: T): T => {
    for (let t = 0; t < items.length; t++) textKeys(texts[items[t]!]!, first, second, items[t]!);
    return (items as number[]).sort(cmp) as T;
  };
}

/**
 * Two keys of a text in code-unit order: its code units 0–6, then 7–13, each 7 bits (128^7 < 2^53:
 * exact), a missing one 0. A code unit ≥ 127 counts as 127 and ends the keys there (zeros after
 * it, and the second key 0 when it is in the first seven). Where the keys differ they order the
 * texts as the texts do (the first difference is at a code unit that both keys hold exactly, or a
 * text that ended against one that goes on, a prefix of it); equal keys say nothing.
 */
function textKeys(x: string, first: Float64Array, second: Float64Array, i: number): void {
  let key = 0;
  let k = 0;
  for (; k < 14; k++) {
    const c = k < x.length ? x.charCodeAt(k) : 0;
    if (k === 7) {
      first[i] = key;
      key = 0;
    }
    if (c >= 127) {
      key = key * 128 + 127;
      k++;
      break;
    }
    key = key * 128 + c;
  }
  // Zeros for the rest of the key the loop stopped in.
  for (; k % 7 !== 0; k++) key *= 128;
  if (k <= 7) {
    first[i] = key;
    second[i] = 0;
  } else second[i] = key;
}

/** `items` ordered by `key[item]` (each in 0..size−1), stable. */
function countingSort(key: Int32Array, size: number, items: Int32Array): Int32Array {
  const next = new Int32Array(size + 1);
  for (let t = 0; t < items.length; t++) next[key[items[t]!]! + 1]!++;
  for (let r = 0; r < size; r++) next[r + 1]! += next[r]!;
  const out = new Int32Array(items.length);
  for (let t = 0; t < items.length; t++) out[next[key[items[t]!]!]!++] = items[t]!;
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
  for (let k = 0; k < limits.length; k++) {
    const members = limits[k]!.members;
    for (let t = 0; t < members.length; t++) start[members[t]! + 1]!++;
  }
  for (let i = 0; i < candidates; i++) start[i + 1]! += start[i]!;
  const at = new Int32Array(start[candidates]!);
  const next = start.slice(0, candidates);
  for (let k = 0; k < limits.length; k++) {
    const members = limits[k]!.members;
    for (let t = 0; t < members.length; t++) at[next[members[t]!]!++] = k;
  }
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
