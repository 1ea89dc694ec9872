/**
 * Everything a report shows, as plain data (strings for money, exact): the HTML report,
 * the Markdown report and the public-notice table are all rendered from this one object,
 * so they cannot disagree with each other or with allocations.csv.
 */
import type { Decimal } from 'decimal.js';
import { D, WAN, ZERO, fmtYuan } from '../money.js';
import type { Allocation } from '../model/types.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import type { Summary } from './summary.js';
import type { Lang } from './i18n/index.js';
import { BINDING_ZH, limitLabel } from './labels.js';
import { batchOf, type BatchNumbers } from './allocations.js';
import { policyTable, type PolicyTable } from './policy-table.js';
import { doublesOf, fenAmounts, fenYuan, limitRooms, yuanText } from './fen.js';

export type { Lang } from './i18n/index.js';

export interface NoticeRow {
  /** 序号, from 1. */
  readonly seq: number;
  readonly projectId: string;
  readonly projectName: string;
  readonly companyName: string;
  /** 申报类别: the measure's Chinese name. */
  readonly measureName: string;
  /** 资助金额 in 万元, exact (as many decimals as the granularity needs). */
  readonly grantWan: string;
  /** 批次: the batch that decided the grant. */
  readonly batch: number;
}

export interface Notice {
  /** This run's batch alone (`new`), or every batch (`all`). */
  readonly scope: 'new' | 'all';
  /** This run's batch. */
  readonly batch: number;
  readonly rows: readonly NoticeRow[];
  readonly totalWan: string;
  /** Decimals shown in 万元. */
  readonly decimals: number;
  /** The rounding rule, in Chinese, stated under the table. */
  readonly rule: string;
}

export interface LimitRow {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  /** Chinese label, e.g. "（五）P05-ROLLOUT 每家每年限额 · 91440300…". */
  readonly label: string;
  readonly amount: string;
  readonly used: string;
  /** amount − used for ceilings, used − amount for floors (yuan). */
  readonly slack: string;
  /** Slack below one granularity unit. */
  readonly binding: boolean;
}

/**
 * What one more yuan of a limit buys (`budget`, `measure_max:P10-APPLICATION`, `company_measure:…`),
 * over what range, checked or not, and in words (in the report's language) — summary.json's
 * marginal value with its limit id; for the budget also what `step` more (and, under integer
 * rules, less) would do, found by re-solving.
 */
export type MarginalValue = { readonly limit: string } & Summary['marginalValues'][string];

export interface ProjectRow {
  readonly projectId: string;
  readonly projectName: string;
  readonly companyName: string;
  readonly district: string;
  readonly measure: string;
  readonly measureName: string;
  readonly clause: string;
  readonly score: number;
  readonly requested: string;
  readonly entitlement: string;
  readonly grant: string;
  readonly binding: string;
  readonly bindingLabel: string;
  /** One line saying what set the grant. */
  readonly note: string;
}

export interface ReportData {
  readonly lang: Lang;
  readonly summary: Summary;
  /** The score at which the total budget ran out (its marginal value), or null if it did not. */
  readonly fundingLine: number | null;
  /** Every binding limit and the MAX_REPORT_OTHER_LIMITS others with the least room. */
  readonly limits: readonly LimitRow[];
  /** How many limits are not binding (listed or not). */
  readonly otherLimits: number;
  readonly marginalValues: readonly MarginalValue[];
  readonly projects: readonly ProjectRow[];
  /** Applications left out of `projects` to keep the report a readable size (all are in allocations.csv). */
  readonly projectsOmitted: number;
  readonly notice: Notice;
  /** The policy as the table to check against its document, in the report's language (report.html's appendix). */
  readonly policyTable: PolicyTable;
  /** The same in Chinese, for the workbook's 参数 sheet. */
  readonly policyTableZh: PolicyTable;
}

/** The report lists at most this many applications (funded ones first); allocations.csv has them all. */
export const MAX_REPORT_PROJECTS = 5_000;
/** Limits with room left listed in the reports (least room first); binding limits are always all listed. */
export const MAX_REPORT_OTHER_LIMITS = 500;

/** Decimals needed to show every grant in 万元 exactly (granularity ¥100 → 2). */
export function wanDecimals(granularity: Decimal): number {
  for (let d = 0; d <= 6; d++) if (granularity.div(WAN).times(10 ** d).isInteger()) return d;
  return 6;
}

/** One yuan in 万元. */
const PER_WAN = new D('0.0001');

/** Grants written in 万元 with one number of decimals, enough for every one exactly (at least `base`), and their total. */
interface WanTexts {
  readonly texts: readonly string[];
  readonly total: Decimal;
  readonly decimals: number;
}

export function wanTexts(grants: readonly Decimal[], base: number): WanTexts {
  // × 0.0001 is ÷ 10,000 exactly (at precision 50 both are exact for any grant), and cheaper.
  const wan = grants.map((g) => g.times(PER_WAN));
  let decimals = base;
  for (const w of wan) decimals = Math.max(decimals, w.decimalPlaces());
  return { texts: wan.map((w) => w.toFixed(decimals)), total: grants.reduce((s, g) => s.plus(g), ZERO), decimals };
}

/**
 * The same from whole fen, or null where a grant is not a whole number of fen ≥ 0 or the total
 * could pass 2^53 fen. Exact: a grant of f fen is f / 10^6 万元; f's last six digits, by the
 * integer remainder, are its decimals (at most six, trailing zeros not counted), the rest its
 * whole 万元; every step is on safe integers.
 */
export function wanTextsFen(grants: readonly Decimal[], base: number): WanTexts | null {
  const fen = fenAmounts(grants);
  if (fen === null) return null;
  let sum = 0;
  let decimals = base;
  for (const f of fen) {
    sum += f;
    let places = 6;
    for (let r = f % 1e6; places > 0 && r % 10 === 0; r /= 10) places--;
    if (places > decimals) decimals = places;
  }
  const texts = Array.from(fen, (f) => {
    const r = f % 1e6;
    const whole = String((f - r) / 1e6);
    return decimals === 0 ? whole : `${whole}.${String(r).padStart(6, '0').slice(0, decimals)}`;
  });
  return { texts, total: fenYuan(sum), decimals };
}

/**
 * The public notice: the funded projects of this run's batch (`new`) or of every batch (`all`),
 * by batch, then measure (policy order), then score; its total is the total of what it lists.
 */
export function buildNotice(allocation: Allocation, policy: Policy, scenario: Scenario, batches: BatchNumbers = { current: 1, of: new Map() }, scope: Notice['scope'] = 'new', keys: LineKeys = lineKeys(allocation.lines)): Notice {
  const order = new Map(policy.measures.map((m, i) => [m.id, i]));
  const lines = allocation.lines;
  // The funded lines listed (their positions), each with its batch.
  const listed: number[] = [];
  const batchOfListed: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!keys.funded[i]) continue;
    const batch = batchOf(batches, lines[i]!.app.projectId);
    if (scope === 'all' || batch === batches.current) {
      listed.push(i);
      batchOfListed.push(batch);
    }
  }
  // Their keys in typed arrays, by position in `listed`: batch and measure as one number (batch × measures + the measure's
  // place, exact: both are small integers), the score as a double, and the project id.
  const n = listed.length;
  const measures = policy.measures.length;
  const groupKey = new Float64Array(n);
  const scoreKey = new Float64Array(n);
  const shortKey = new Uint8Array(n);
  const ids: string[] = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    const i = listed[k]!;
    const l = lines[i]!;
    groupKey[k] = batchOfListed[k]! * measures + order.get(l.measure.id)!;
    scoreKey[k] = keys.score[i]!;
    shortKey[k] = keys.shortScore[i]!;
    ids[k] = l.app.projectId;
  }
  // Scores compare as doubles, and as decimals where the doubles are equal but a score has more than 15 digits (two decimals can share a double).
  const sameScore = (x: number, y: number): number => {
    const a = ids[x]!;
    const b = ids[y]!;
    return (shortKey[x] && shortKey[y] ? 0 : lines[listed[y]!]!.app.score.comparedTo(lines[listed[x]!]!.app.score)) || (a < b ? -1 : a > b ? 1 : 0);
  };
  const sorted: number[] = new Array<number>(n);
  for (let k = 0; k < n; k++) sorted[k] = k;
  sorted.sort((x, y) => groupKey[x]! - groupKey[y]! || (scoreKey[x] !== scoreKey[y] ? scoreKey[y]! - scoreKey[x]! : sameScore(x, y)));
  const grants: Decimal[] = new Array<Decimal>(n);
  for (let j = 0; j < n; j++) grants[j] = lines[listed[sorted[j]!]!]!.grant;
  // Grants are whole granularity units, so enough decimals show every one exactly.
  const base = wanDecimals(scenario.granularity);
  const { texts, total, decimals } = wanTextsFen(grants, base) ?? wanTexts(grants, base);
  const rows: NoticeRow[] = new Array<NoticeRow>(n);
  for (let j = 0; j < n; j++) {
    const k = sorted[j]!;
    const l = lines[listed[k]!]!;
    rows[j] = { seq: j + 1, projectId: l.app.projectId, projectName: l.app.projectName, companyName: l.app.companyName, measureName: l.measure.name.zh, grantWan: texts[j]!, batch: batchOfListed[k]! };
  }
  // The rows of allocations.csv the total reconciles with: this batch's, where the notice lists it alone.
  const which = scope === 'new' && batches.current > 1 ? `中第${batches.current}批次` : '';
  const totalWan = total.div(WAN).toFixed(decimals);
  return {
    scope,
    batch: batches.current,
    rows,
    totalWan,
    decimals,
    rule: `金额单位：万元。资助金额由元精确换算为万元，保留${decimals}位小数即为精确值，未作四舍五入；合计${totalWan}万元，与资助明细（allocations.csv）${which}合计${fmtYuan(total)}元一致。`,
  };
}


/** What the notice and the report sort the lines by, made once: each line's score as a double (and whether it has at most 15 digits, `doublesOf`), and whether it was granted anything. */
export interface LineKeys {
  readonly score: Float64Array;
  readonly shortScore: Uint8Array;
  readonly funded: Uint8Array;
}

export function lineKeys(lines: Allocation['lines']): LineKeys {
  const { value, short } = doublesOf(lines.map((l) => l.app.score));
  const funded = new Uint8Array(lines.length);
  // Greater than zero: positive and not zero (as `gt(0)`, without making a Decimal of zero per line).
  for (let i = 0; i < lines.length; i++) {
    const g = lines[i]!.grant;
    funded[i] = g.s > 0 && !g.isZero() ? 1 : 0;
  }
  return { score: value, shortScore: short, funded };
}

/**
 * The first `count` of `items` in the order `compare`, which sorts by `key` (ascending) first:
 * the same as sorting them all and keeping `count`, but sorting only those whose key is at most
 * the count-th smallest key.
 */
export function smallest<T>(items: readonly T[], count: number, key: (x: T) => number, compare: (a: T, b: T) => number): T[] {
  if (count <= 0) return [];
  let candidates = items;
  if (items.length > count) {
    const keys = Float64Array.from(items, key).sort();
    const bound = keys[count - 1]!;
    candidates = items.filter((x) => key(x) <= bound);
  }
  return [...candidates].sort(compare).slice(0, count);
}

export function buildReportData(args: {
  lang: Lang;
  summary: Summary;
  allocation: Allocation;
  policy: Policy;
  scenario: Scenario;
  marginalValues: readonly MarginalValue[];
  fundingLine: number | null;
  notes: readonly string[];
  /** This run's batch and each locked project's (default: one batch). */
  batches?: BatchNumbers;
  /** Which batches the notice lists (default: this run's). */
  noticeScope?: Notice['scope'];
  /** The notice, made already (`buildNotice` of the same allocation, batches and scope). */
  notice?: Notice;
  /** The lines' sort keys, made already (`lineKeys` of the same allocation's lines). */
  keys?: LineKeys;
}): ReportData {
  const { allocation, policy, scenario } = args;
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const g = scenario.granularity;
  // Every binding limit; of the others (a province has tens of thousands of company limits),
  // those with the least room, up to MAX_REPORT_OTHER_LIMITS.
  // Shown on the whole limit: what an earlier batch locked counts as used.
  const all = allocation.limits;
  const { room, binding: bindingOf } = limitRooms(all, allocation.limitTotals, g);
  const others: number[] = [];
  for (let k = 0; k < all.length; k++) if (!bindingOf[k]) others.push(k);
  const listedLimit = Uint8Array.from(bindingOf);
  const idOrder = (a: number, b: number) => (all[a]!.id < all[b]!.id ? -1 : all[a]!.id > all[b]!.id ? 1 : 0);
  for (const k of smallest(others, MAX_REPORT_OTHER_LIMITS, (k) => room[k]!, (a, b) => room[a]! - room[b]! || idOrder(a, b))) listedLimit[k] = 1;
  const listed: number[] = [];
  for (let k = 0; k < all.length; k++) if (listedLimit[k]) listed.push(k);
  // The names of the companies of the listed company limits: a company's last line names it.
  const named = new Set<string>();
  for (const k of listed) if (all[k]!.kind.startsWith('company')) named.add(all[k]!.subject);
  const companyName = new Map<string, string>();
  if (named.size) for (const l of allocation.lines) if (named.has(l.app.companyId)) companyName.set(l.app.companyId, l.app.companyName);
  const limits: LimitRow[] = listed.map((k) => {
    const l = allocation.limits[k]!;
    const binding = bindingOf[k] === 1;
    // Shown on the whole limit: what an earlier batch locked counts as used.
    const used = l.locked.isZero() ? allocation.limitTotals[k]! : allocation.limitTotals[k]!.plus(l.locked);
    const amount = l.locked.isZero() ? l.amount : l.amount.plus(l.locked);
    return {
      id: l.id,
      kind: l.kind,
      subject: l.subject,
      label: l.kind.startsWith('company') ? `${limitLabel(l, measures)} ${companyName.get(l.subject) ?? ''}`.trimEnd() : limitLabel(l, measures),
      amount: yuanText(amount),
      used: yuanText(used),
      slack: yuanText(l.sense === 'max' ? amount.minus(used) : used.minus(amount)),
      binding,
    };
  });
  // Above the limit: every funded project, then the best-scored others, in input order.
  const lines = allocation.lines;
  const keys = args.keys ?? lineKeys(lines);
  let shownIndex = lines.map((_, i) => i);
  if (lines.length > MAX_REPORT_PROJECTS) {
    // Funded first, then by score, highest first, then input order.
    const score = keys.score;
    const byScore = (a: number, b: number) => score[b]! - score[a]! || a - b;
    const funded: number[] = [];
    const unfunded: number[] = [];
    for (let i = 0; i < lines.length; i++) (keys.funded[i] ? funded : unfunded).push(i);
    const first = smallest(funded, MAX_REPORT_PROJECTS, (i) => -score[i]!, byScore);
    const rest = smallest(unfunded, MAX_REPORT_PROJECTS - first.length, (i) => -score[i]!, byScore);
    shownIndex = [...first, ...rest].sort((a, b) => a - b);
  }
  const shown: ProjectRow[] = shownIndex.map((i) => {
    const line = lines[i]!;
    return {
      projectId: line.app.projectId,
      projectName: line.app.projectName,
      companyName: line.app.companyName,
      district: line.app.district,
      measure: line.measure.id,
      measureName: line.measure.name.zh,
      clause: line.measure.clause,
      score: line.app.score.toNumber(),
      requested: line.app.requested ? yuanText(line.app.requested) : '',
      entitlement: line.entitlement ? yuanText(line.entitlement.amount) : '',
      grant: yuanText(line.grant),
      binding: line.binding,
      bindingLabel: BINDING_ZH[line.binding],
      note: args.notes[i]!,
    };
  });
  const policyTableZh = policyTable(policy, 'zh');
  return {
    lang: args.lang,
    summary: args.summary,
    policyTable: args.lang === 'zh' ? policyTableZh : policyTable(policy, args.lang),
    policyTableZh,
    fundingLine: args.fundingLine,
    limits,
    otherLimits: others.length,
    marginalValues: args.marginalValues,
    projects: shown,
    projectsOmitted: lines.length - shown.length,
    notice: args.notice ?? buildNotice(allocation, policy, scenario, args.batches, args.noticeScope, keys),
  };
}
