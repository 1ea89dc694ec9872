/**
 * Why a project got what it got: its entitlement and how the policy produced it, then
 * what cut it below that, with the numbers. Built from the allocation's own provenance
 * (ceilings, the limit that stopped it, the funding line), never re-derived.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, floorTo, fmtYuanHuman, groupThousands } from '../money.js';
import { scaledExact } from '../scaled.js';
import type { Ceiling } from '../model/entitlement.js';
import type { Allocation, Line, RuleNote } from '../model/types.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import { cashWindows, dueByYear, dueInYears, shareDueIn, type CashWindow } from '../model/years.js';
import { fenYuan } from './fen.js';
import { BINDING_EN, BINDING_ZH, limitLabel } from './labels.js';
import type { Lang } from './data.js';
import { en } from './i18n/en.js';
import type { ExplainWords } from './i18n/words.js';
import { zh } from './i18n/zh.js';

export interface Explanation {
  readonly projectId: string;
  /** The full explanation, a line per step (empty when only the one-line form was asked for). */
  readonly lines: readonly string[];
  /** The one-line form, for allocations.csv. */
  readonly oneLine: string;
}

export interface ExplainContext {
  readonly allocation: Allocation;
  readonly scenario: Scenario;
  readonly policy: Policy;
  /** The score at which the total budget ran out, if it did. */
  readonly fundingLine: number | null;
}

/**
 * Yuan for people (¥1,234,567; ¥1,234.50 with fen): the text of `fmtYuanHuman`, written from the
 * amount's whole fen where that is a safe integer ≥ 0 (read from its digits, `scaledExact`: no
 * Decimal operation, which costs about a microsecond), else by it.
 */
export function yuanForPeople(v: Decimal): string {
  const fen = v.isNegative() ? null : scaledExact(v, 2);
  return fen === null ? fmtYuanHuman(v) : yuanOfFen(fen);
}

/** `fmtYuanHuman` of f fen (a safe integer ≥ 0): the whole yuan grouped by thousands, then the fen when there are any. */
function yuanOfFen(f: number): string {
  const cents = f % 100;
  const out = '¥' + groupThousands(String((f - cents) / 100));
  return cents === 0 ? out : `${out}.${cents < 10 ? '0' : ''}${cents}`;
}

/** yuanForPeople(a − b): from whole fen where both are safe integers of fen (the difference then is too), else in Decimal. */
export function yuanDiffForPeople(a: Decimal, b: Decimal): string {
  const fa = a.isNegative() ? null : scaledExact(a, 2);
  const fb = b.isNegative() ? null : scaledExact(b, 2);
  return fa !== null && fb !== null && fa >= fb ? yuanOfFen(fa - fb) : yuanForPeople(a.minus(b));
}

/** By the short names the sentences use. */
const y = yuanForPeople;
const yDiff = yuanDiffForPeople;

/** Whether an amount (≥ 0) is not a whole number of `unit`s (`unitFen`: the unit in whole fen, when it is a safe integer): in whole fen where the amount is a safe integer of them, else in Decimal. */
function notWhole(v: Decimal, unit: Decimal, unitFen: number | null): boolean {
  if (unitFen !== null) {
    const fen = scaledExact(v, 2);
    if (fen !== null) return fen % unitFen !== 0;
  }
  return floorTo(v, unit).lt(v);
}

const fmtScore = (x: number) => (Math.round(x * 100) / 100).toString();
/** A share as a percentage, to 4 decimal places of a percent. */
const pct = (d: Decimal) => `${d.times(100).toDecimalPlaces(4).toString()}%`;

/**
 * Explanations for every line, in order, in one language. `full` adds the step-by-step
 * lines (for `fundplan explain`); without it only the one-line forms are built. With `only`,
 * lines it does not select are left empty (no words built for them).
 */
export function explainAll(ctx: ExplainContext, lang: Lang, full = false, only?: (index: number) => boolean): Explanation[] {
  const measures = new Map(ctx.policy.measures.map((m) => [m.id, m]));
  const lineOfCandidate: Line[] = [];
  for (const line of ctx.allocation.lines) if (line.candidate >= 0) lineOfCandidate[line.candidate] = line;
  const limitIndex = limitIndexOf(ctx.allocation, lineOfCandidate);
  const w = (lang === 'zh' ? zh : en).explain;
  const ceilingText = ceilingWords(ctx.policy, w, lang);
  const bindingLabel = lang === 'zh' ? BINDING_ZH : BINDING_EN;
  // What a limit says is the same for every project it cut: formatted once per limit.
  const limitWords = new Map<number, LimitWords>();
  const wordsOf = (k: number): LimitWords => {
    let lw = limitWords.get(k);
    if (!lw) {
      const l = ctx.allocation.limits[k]!;
      lw = { label: limitLabel(l, measures, lang), full: y(l.amount.plus(l.locked)), used: y(ctx.allocation.limitTotals[k]!.plus(l.locked)) };
      limitWords.set(k, lw);
    }
    return lw;
  };
  // The members of each company-like limit that got money, their total and how the first are shown: made once per limit.
  const matesOf: (Mates | undefined)[] = [];
  const mates = (k: number): Mates => {
    let m = matesOf[k];
    if (!m) {
      const l = ctx.allocation.limits[k]!;
      const funded: Line[] = [];
      // The total in whole fen while every grant and every partial sum is a safe integer of them (then each sum is exact), else in Decimal.
      let totalFen: number | null = 0;
      for (const i of l.members) {
        const o = lineOfCandidate[i]!;
        if (!o.grant.isPositive() || o.grant.isZero()) continue;
        funded.push(o);
        if (totalFen === null) continue;
        const fen = scaledExact(o.grant, 2);
        totalFen = fen === null || !Number.isSafeInteger(totalFen + fen) ? null : totalFen + fen;
      }
      const shown = funded.slice(0, MATES_SHOWN + 1).map((o) => `${o.app.projectId} ${y(o.grant)}`);
      m = { funded, totalFen, lockedFen: scaledExact(l.locked, 2), shown, firstShown: shown.slice(0, MATES_SHOWN) };
      matesOf[k] = m;
    }
    return m;
  };
  const unit = y(ctx.scenario.granularity);
  const aside = ctx.fundingLine === null ? null : lineAsides(ctx.fundingLine);
  const g = ctx.scenario.granularity;
  const gFen = g.isPositive() && !g.isZero() ? scaledExact(g, 2) : null;
  /** A limit ("（十一）P11-RETROFIT 类别预算上限", "总预算") or a share rule (its row id `share_min:<id>`), by its id, in words. */
  const limitName = (id: string | null): string | null => {
    if (id === null) return null;
    const k = limitIndex.byId(id);
    if (k !== undefined) return wordsOf(k).label;
    const share = (ctx.policy.shares ?? []).find((s) => id.endsWith(`:${s.id}`));
    return share ? `${share.clause} ${share.name[lang]}` : id;
  };
  return ctx.allocation.lines.map((line, index) => {
    if (only && !only(index)) return { projectId: line.app.projectId, lines: NO_LINES, oneLine: '' };
    const { app, measure, entitlement, grant, binding } = line;
    const { scenario, allocation } = ctx;
    // Written to only under `full`; otherwise the shared, frozen empty array.
    const lines: string[] = full ? [] : (NO_LINES as string[]);
    if (full) {
      const name = lang === 'zh' ? measure.name.zh : measure.name.en;
      lines.push(w.header({ id: app.projectId, project: app.projectName, company: app.companyName, clause: measure.clause, measure: name, score: app.score.toString() }));
    }
    const done = (oneLine: string): Explanation => {
      if (full) lines.push(oneLine);
      return { projectId: app.projectId, lines, oneLine: flat(oneLine) };
    };
    if (binding === 'ineligible' && entitlement === null) return done(w.ineligible(app.year, scenario.year));
    if (entitlement?.binding === 'ineligible') return done(w.notEligible(ceilingText(entitlement.ceiling)));
    if (binding === 'locked') return done(w.locked(y(grant)));
    if (binding === 'below_min_score') return done(w.belowMinScore(app.score.toString(), scenario.minScore?.toString() ?? ''));
    // Decisions, integer rules and proportional shares: the rule that set the grant.
    if (line.ruleNote) {
      const budgetStopped = line.limitId !== null && ctx.allocation.limits[limitIndex.of(line) ?? -1]?.kind === 'budget';
      return done(ruleText(line, line.ruleNote, w, unit, limitName) + (budgetStopped && aside !== null ? w.rule.budgetAside(aside(app.score)) : ''));
    }
    const ent = entitlement!;
    if (full) {
      const texts = ent.ceilings.map((c) => ceilingText(c));
      const chosen = ent.ceilings.indexOf(ent.ceiling);
      const above = ent.ceilings.filter((c) => c !== ent.ceiling && c.amount.gt(ent.ceiling.amount)).map((c) => [bindingLabel[c.rule], y(c.amount)] as const);
      lines.push(w.ceilings(texts, chosen), w.entitled(y(ent.amount), bindingLabel[ent.binding], above));
    }
    const rounded = notWhole(ent.amount, g, gFen);
    if (line.limitId === null) {
      if (full) lines.push(rounded ? w.grantedRounded(y(grant), unit) : w.grantedFull(y(grant)));
      return { projectId: app.projectId, lines, oneLine: flat(w.fullOneLine(ceilingText(ent.ceiling), rounded ? unit : null)) };
    }
    if (binding === 'share') return done(shareText(line, ctx.policy, w, lang));
    if (binding === 'cash') return done(cashText(line, ctx, w));
    const k = limitIndex.of(line)!;
    return done(cutText(line, allocation, k, wordsOf(k), mates, aside, w));
  });
}

/** The `lines` of an explanation without its step-by-step lines: one empty array for all (never written to). */
const NO_LINES: readonly string[] = Object.freeze([]);

/**
 * The string as one flat piece. A sentence built by concatenation is a tree of pieces in V8 (a
 * "cons string", some 400 bytes for a sentence of 90 characters, about twice its flat size): read
 * at one index it is flattened in place, while still young, so that what outlives the next
 * collections (and is copied by each) is the one flat string. The text is the same either way.
 */
function flat(s: string): string {
  flatSink ^= s.length > 0 ? s.charCodeAt(0) : 0;
  return s;
}
/** Where `flat` keeps what it read, so that no compiler drops the read. */
let flatSink = 0;

/**
 * The limit a line names (its `limitId`), by index. Limit ids are unique, and a line's limitId is
 * the id of a limit its candidate is a member of (the very string: comparing is comparing
 * pointers): found by going once through the limits' members, which costs far less than hashing
 * every limit's id into a map (tens of thousands of them, a few named by lines). An id not found
 * that way (a share row's, a cash window's, a limit a rule names) is looked up in that map, made
 * only then.
 */
export function limitIndexOf(allocation: Allocation, lineOfCandidate: readonly Line[]): { of(line: Line): number | undefined; byId(id: string): number | undefined } {
  const { limits } = allocation;
  const ofCandidate = new Int32Array(lineOfCandidate.length).fill(-1);
  for (let k = 0; k < limits.length; k++) {
    const { id, members } = limits[k]!;
    for (const i of members) if (lineOfCandidate[i]?.limitId === id) ofCandidate[i] = k;
  }
  let map: Map<string, number> | undefined;
  const byId = (id: string): number | undefined => (map ??= new Map(limits.map((l, k) => [l.id, k]))).get(id);
  return {
    of: (line) => (line.limitId === null ? undefined : line.candidate >= 0 && ofCandidate[line.candidate]! >= 0 ? ofCandidate[line.candidate] : byId(line.limitId)),
    byId,
  };
}

/** How a ceiling's amount came about, in words: a function of the ceiling for one policy and language. */
function ceilingWords(policy: Policy, w: ExplainWords, lang: Lang): (c: Ceiling) => string {
  const attributes = new Map((policy.attributes ?? []).map((a) => [a.id, a]));
  const fieldName = (field: string) => {
    const a = attributes.get(field);
    if (a) return lang === 'zh' ? a.name.zh : a.name.en;
    return (w.fieldName as Record<string, string>)[field] ?? field;
  };
  const isAmount = (field: string) => field !== 'score' && !attributes.has(field);
  const percents = new Map<Decimal, string>();
  const text = (c: Ceiling): string => {
    const b = c.basis;
    const pct100 = (d: Decimal) => {
      // A rule's rates are the policy's own Decimals, shared by every application under it: written once each.
      let t = percents.get(d);
      if (t === undefined) percents.set(d, (t = `${d.times(100).toString()}%`));
      return t;
    };
    switch (b.kind) {
      case 'rate':
        return w.ceiling.rate(c.clause, pct100(b.rate), y(b.base), y(c.amount));
      case 'base':
        return w.ceiling.base(c.clause, y(c.amount));
      case 'matching_share':
        return w.ceiling.matchingShare(c.clause, pct100(b.share), y(b.total), y(b.upper), y(c.amount));
      case 'matching_ratio':
        return w.ceiling.matchingRatio(c.clause, b.ratio.toString(), y(b.upper), y(c.amount));
      case 'matching_fallback':
        return w.ceiling.matchingFallback(c.clause, y(c.amount));
      case 'project_cap':
        return w.ceiling.projectCap(c.clause, y(c.amount));
      case 'requested':
        return w.ceiling.requested(y(c.amount));
      case 'eligibility': {
        const shown = (v: string) => (isAmount(b.field) ? y(new D(v)) : v);
        const condition = b.in ? w.condition.oneOf(b.in) : w.condition.range(b.min === undefined ? null : shown(b.min), b.max === undefined ? null : shown(b.max));
        return w.ceiling.eligibility(c.clause, fieldName(b.field), b.value === null ? null : shown(b.value), condition);
      }
      case 'bands':
        return w.ceiling.bands(c.clause, b.mode, y(b.base), b.parts.map((p) => ({ from: y(p.from), to: p.to === null ? null : y(p.to), rate: pct100(p.rate), amount: y(p.amount) })), y(c.amount));
      case 'tier':
        return w.ceiling.tier(c.clause, fieldName(b.field), b.value, b.listed ? y(c.amount) : null);
      case 'once_per_company':
        return w.ceiling.oncePerCompany(c.clause, b.projectId, b.approvedYear, y(b.grant));
      case 'bonus':
        return w.ceiling.bonus(c.clause, fieldName(b.field), b.value, y(b.bonus), text(b.before), y(c.amount));
    }
  };
  return text;
}

/** The rule that set a grant, with its numbers; `limitName` names the line's limit in words. */
function ruleText(line: Line, note: RuleNote, w: ExplainWords, unit: string, limitName: (id: string | null) => string | null): string {
  const reason = line.app.decisionReason ?? '';
  switch (note.kind) {
    case 'decision':
      return line.app.decision === 'exclude' ? w.rule.excluded(reason) : w.rule.funded(y(line.grant), reason);
    case 'exclusive_group':
      return w.rule.exclusiveGroup(note.group, note.fundedAs, note.earlier);
    case 'quota':
      return w.rule.quota(note.measureId, note.maxCount);
    case 'district_count':
      return w.rule.districtCount(note.district, note.maxCount);
    case 'all_or_nothing':
      return w.rule.allOrNothing(y(note.amount), limitName(line.limitId));
    case 'min_share':
      return w.rule.minShare(note.share.toString(), y(note.least), limitName(line.limitId));
    case 'not_selected':
      return w.rule.notSelected;
    case 'no_band':
      return w.rule.noBand;
    case 'share_stopped':
      return w.rule.shareStopped(limitName(line.limitId) ?? '', y(note.limitAmount), pct(note.share), pct(note.commonShare), y(line.grant));
    case 'share':
      return w.rule.share(pct(note.commonShare), note.rate.eq(1) ? null : note.rate.toString(), y(note.cap), unit, y(line.grant));
  }
}

/** How many of a limit's other funded members a sentence lists. */
const MATES_SHOWN = 8;

/** A company-like limit's members with a grant above zero (in member order), their grants' total, and the first MATES_SHOWN + 1 as listed. */
interface Mates {
  readonly funded: readonly Line[];
  /** Their grants' total in whole fen where that is exact (a safe integer of them), else null. */
  readonly totalFen: number | null;
  /** The limit's locked grants in whole fen, where a safe integer of them (else null). */
  readonly lockedFen: number | null;
  readonly shown: readonly string[];
  /** The first MATES_SHOWN of `shown`: what a line not among them lists (one array for all such lines). */
  readonly firstShown: readonly string[];
}

interface LimitWords {
  readonly label: string;
  /** The whole limit and what is used of it, formatted (locked grants included). */
  readonly full: string;
  readonly used: string;
}

function cutText(
  line: Line,
  allocation: Allocation,
  k: number,
  words: LimitWords,
  matesOf: (k: number) => Mates,
  aside: ((score: Decimal) => Aside) | null,
  w: ExplainWords,
): string {
  const { app, grant } = line;
  const ent = line.entitlement!;
  const l = allocation.limits[k]!;
  const { label, full, used } = words;
  const short = w.short(y(grant), yDiff(ent.amount, grant));
  if (l.kind === 'company_measure' || l.kind === 'company_annual' || l.kind === 'joint_cap') {
    // The other members that got money: the limit's funded members without this line (sums of grants are exact).
    const m = matesOf(k);
    const at = m.funded.indexOf(line);
    let shown = m.firstShown;
    if (at >= 0 && at < m.shown.length) {
      const others: string[] = [];
      for (let j = 0; j < m.shown.length && others.length < MATES_SHOWN; j++) if (j !== at) others.push(m.shown[j]!);
      shown = others;
    }
    return (l.kind === 'joint_cap' ? w.jointCapCut : w.companyCut)(short, label, full, used, othersWithLocked(() => (m.totalFen !== null ? fenYuan(m.totalFen) : m.funded.reduce((s, o) => s.plus(o.grant), ZERO)), at < 0 ? null : grant, l.locked, m.totalFen, m.lockedFen), shown, m.funded.length - (at < 0 ? 0 : 1));
  }
  if (l.kind === 'measure_max' || l.kind === 'district_max') return w.budgetLikeCut(short, label, full, used);
  return w.budgetCut(short, full, used, aside === null ? null : aside(app.score));
}

/**
 * The grants of a limit's other funded members and its locked grants, for people: the funded
 * members' `total` less `own` (the line's grant, where it is one of them) plus the locked grants. In
 * whole fen where the total, the grant and the locked grants are safe integers of them (`totalFen`,
 * `lockedFen`: given where already read; `total` may be made only when needed) and so is every sum
 * on the way (a sum of safe integers is exact when it is one), else in Decimal.
 */
export function othersWithLocked(total: Decimal | (() => Decimal), own: Decimal | null, locked: Decimal, totalFen?: number | null, lockedFen = scaledExact(locked, 2)): string {
  const exact = () => (typeof total === 'function' ? total() : total);
  const tFen = totalFen === undefined ? scaledExact(exact(), 2) : totalFen;
  const ownFen = own === null ? 0 : scaledExact(own, 2);
  if (tFen !== null && lockedFen !== null && ownFen !== null) {
    const fen = tFen - ownFen + lockedFen;
    if (Number.isSafeInteger(fen) && fen >= 0 && Number.isSafeInteger(tFen - ownFen)) return yuanOfFen(fen);
  }
  const t = exact();
  return y((own === null ? t : t.minus(own)).plus(locked));
}

/** Cut by a share rule (the line's limitId is the share row's id, `share_min:<id>` or `share_max:<id>`). */
function shareText(line: Line, policy: Policy, w: ExplainWords, lang: Lang): string {
  const [sense, id] = line.limitId!.split(':') as [string, string];
  const s = (policy.shares ?? []).find((x) => x.id === id)!;
  const rate = sense === 'share_min' ? s.min! : s.max!;
  const name = lang === 'zh' ? s.name.zh : s.name.en;
  return w.shareCut(w.short(y(line.grant), yDiff(line.entitlement!.amount, line.grant)), `${s.clause} ${name}`, `${new D(rate).times(100).toString()}%`, sense === 'share_max');
}

/**
 * Per allocation: its scenario's cash windows, what holds each one's money in words (the same for
 * every line it cut), and what its grants (this year's, the plan's) fall due by year, added up once
 * for every window. An allocation is explained under the scenario it was solved for, so the first
 * explanation's scenario gives its windows.
 */
const heldOf = new WeakMap<Allocation, { readonly cash: readonly CashWindow[]; readonly windows: Map<string, Parameters<ExplainWords['cashCut']>[2]>; readonly thisYear: Map<number, Decimal>; readonly planned: Map<number, Decimal> | null }>();

/** Cut by a cash window: its years, what holds its cash, and the cash the rest of the grant needs in its last year. */
function cashText(line: Line, ctx: ExplainContext, w: ExplainWords): string {
  const { scenario, allocation } = ctx;
  let known = heldOf.get(allocation);
  if (!known) {
    const g = scenario.granularity;
    known = { cash: cashWindows(scenario.cashPlan!, scenario.years?.ledger ?? []), windows: new Map(), thisYear: dueByYear(allocation.lines.filter((l) => l.candidate >= 0), g), planned: allocation.plan ? dueByYear(allocation.plan.lines, g) : null };
    heldOf.set(allocation, known);
  }
  const window = known.cash.find((x) => x.id === line.limitId)!;
  const years = window.from === window.to ? String(window.from) : `${window.from}–${window.to}`;
  const shortfall = line.entitlement!.amount.minus(line.grant);
  const more = shortfall.times(shareDueIn(line.measure, line.app.year, window.from, window.to)).ceil();
  let held = known.windows.get(window.id);
  if (!held) {
    held = {
      supply: y(window.supply),
      ledger: y(window.ledger),
      thisYear: y(dueInYears(known.thisYear, window.from, window.to)),
      planned: known.planned ? y(dueInYears(known.planned, window.from, window.to)) : null,
    };
    known.windows.set(window.id, held);
  }
  return w.cashCut(w.short(y(line.grant), y(shortfall)), years, held, y(more), window.to);
}

type Aside = { fundingLine: string; score: string; below: string | null; above: string | null };

/** The funding line and how far below (or above) it a score is, as the words take them: made once per score's text (scores repeat). */
function lineAsides(fundingLine: number): (score: Decimal) => Aside {
  const byScore = new Map<string, Aside>();
  return (score) => {
    const text = score.toString();
    let aside = byScore.get(text);
    if (!aside) {
      // The score as a number (what toNumber reads: the same text but for "-0", which compares and subtracts as 0 does).
      const s = Number(text);
      aside = { fundingLine: fmtScore(fundingLine), score: text, below: s < fundingLine ? fmtScore(fundingLine - s) : null, above: s > fundingLine ? fmtScore(s - fundingLine) : null };
      byScore.set(text, aside);
    }
    return aside;
  };
}
