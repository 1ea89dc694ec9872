/** summary.json and the short human summary printed on stdout. */
import type { Decimal } from 'decimal.js';
import { D, ZERO, fmtYuan, fmtYuanHuman } from '../money.js';
import type { Allocation, Binding, Line, RulesReport } from '../model/types.js';
import type { Policy } from '../model/policy.js';
import { qualifies } from '../model/limits.js';
import { scenarioFields, type Scenario } from '../model/scenario.js';
import { fenAmountsOf, fenYuan, limitRooms } from './fen.js';
import type { Verification } from '../verify/verify.js';
import { formatIssue, type InputIssue } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { en } from './i18n/en.js';
import { zh } from './i18n/zh.js';
import type { SummaryWords } from './i18n/words.js';
import { fundingLineWords } from './budget-words.js';
import { windowName, yearsReport, yearsSummary } from './years.js';
import { SUMMARY_SCHEMA_VERSION, TIE_RULE_TEXT, type Summary, type Timings } from './summary-schema.js';

export { SUMMARY_SCHEMA_VERSION, SummarySchema, type Summary, type Timings } from './summary-schema.js';

/** An earlier batch a run held fixed: its file, and the grants it fixed by project id. */
export interface LockedBatch {
  readonly file: string;
  readonly sha256: string;
  readonly batch: number;
  readonly grants: ReadonlyMap<string, Decimal>;
}

/** summary.json's record of an earlier batch: what it fixed, counted. */
function lockRecord(b: LockedBatch): Summary['locks'][number] {
  const grants = [...b.grants.values()];
  return {
    file: b.file,
    sha256: b.sha256,
    batch: b.batch,
    projects: grants.length,
    funded: grants.filter((g) => g.gt(0)).length,
    granted: fmtYuan(grants.reduce((s, g) => s.plus(g), ZERO)),
  };
}

/** Where the inputs came from, as summary.json records it. */
export interface InputProvenance {
  readonly scenario: Pick<Summary['scenario'], 'file' | 'sha256' | 'extends'>;
  readonly policy: Pick<Summary['policy'], 'file' | 'sha256'>;
  readonly applications: Pick<Summary['applications'], 'file' | 'sha256' | 'encoding' | 'sheet'>;
  /** Earlier years' ledgers and plan years' forecasts a multi-year scenario read. */
  readonly commitments?: readonly { readonly file: string; readonly sha256: string }[];
  readonly plan?: readonly { readonly year: number; readonly file: string; readonly sha256: string }[];
}

interface Tally {
  applications: number;
  funded: number;
  requested: Decimal;
  entitlement: Decimal;
  granted: Decimal;
  /** requested, entitlement, granted in whole fen while they are added up that way (`fenTallies`). */
  readonly fen: [number, number, number];
}
const tally = (): Tally => ({ applications: 0, funded: 0, requested: ZERO, entitlement: ZERO, granted: ZERO, fen: [0, 0, 0] });

/** Every line's requested, entitlement and grant in whole fen, or null where any of them cannot be added up exactly that way (`fenAmounts`). */
export function fenTallies(lines: readonly Line[]): { readonly requested: Float64Array; readonly entitlement: Float64Array; readonly granted: Float64Array } | null {
  const requested = fenAmountsOf(lines, (l) => l.app.requested);
  const entitlement = requested && fenAmountsOf(lines, (l) => l.entitlement?.amount);
  const granted = entitlement && fenAmountsOf(lines, (l) => l.grant);
  return requested && entitlement && granted ? { requested, entitlement, granted } : null;
}
function addTally(to: Tally, t: Tally): void {
  to.applications += t.applications;
  to.funded += t.funded;
  to.requested = to.requested.plus(t.requested);
  to.entitlement = to.entitlement.plus(t.entitlement);
  to.granted = to.granted.plus(t.granted);
}
const tallyJson = (t: Tally) => ({
  applications: t.applications,
  funded: t.funded,
  requested: fmtYuan(t.requested),
  entitlement: fmtYuan(t.entitlement),
  granted: fmtYuan(t.granted),
});

export const PRIORITY_RULE = 'score descending, then project_id ascending (code-unit order)';
export const ROUNDING_RULE =
  'round down to the granularity; repair any exceeded limit (lowest priority first); top up measure floors; hand out what is left in priority order, whole units only';

export const PRIORITY_RULE_ZH = '得分从高到低；得分相同时按项目编号从小到大（逐字符比较）';
export const ROUNDING_RULE_ZH =
  '各项资助先按取整单位向下取整；超出任一限额的部分从优先顺序最后的项目起收回；补足类别预算下限；剩余资金按优先顺序以整单位分配，直至任一限额用尽';

/** The priority order, and where an integer model's tie rule was not applied in full, how far it was and why. */
function priorityRules(allocation: Allocation): { priorityOrder: string; priorityOrderZh: string } {
  const i = allocation.rules?.integer;
  if (!i || i.tieRule === 'applied') return { priorityOrder: PRIORITY_RULE, priorityOrderZh: PRIORITY_RULE_ZH };
  const seconds = fmtSeconds(i.tieBreakSeconds);
  return {
    priorityOrder: en.summary.tieRuleNote[i.tieRule](PRIORITY_RULE, seconds),
    priorityOrderZh: zh.summary.tieRuleNote[i.tieRule](PRIORITY_RULE_ZH, seconds),
  };
}

const fmtSeconds = (s: number | null) => (s === null ? '' : String(Math.round(s * 10) / 10));

/** summary.json: the model's report, the value of money the analysis found, and the integer model's tie rule in words (`applied`, applied within scores, or not applied, and why). */
export function buildSummary(args: {
  scenario: Scenario;
  policy: Policy;
  allocation: Allocation;
  verification: Verification;
  inputs: InputProvenance;
  warnings: readonly InputIssue[];
  timingsMs: Timings | null;
  fundingLine?: number | null;
  fundingLineBasis?: Summary['fundingLineBasis'];
  marginalValues?: readonly ({ readonly limit: string } & Summary['marginalValues'][string])[];
  /** This run's batch and the earlier batches it held fixed (default: batch 1, none). */
  batches?: { readonly current: number; readonly locked: readonly LockedBatch[] };
}): Summary {
  const { scenario, policy, allocation, verification, inputs, warnings } = args;
  const byMeasure = new Map(policy.measures.map((m) => [m.id, tally()]));
  const byDistrict = new Map<string, Tally>();
  let fully = 0;
  let partly = 0;
  let candidates = 0;
  let belowMin = 0;
  let ineligible = 0;
  let notEligible = 0;
  let locked = 0;
  let lockedGranted = ZERO;
  // Tallied once per measure and district, then added up into both: half the additions and the
  // same sums. Every amount added is whole fen (parsed amounts must be, entitlements are cut to
  // fen, grants are whole units of the granularity) and none is negative, so every partial sum
  // is at most its total: under 10^47 yuan that is at most 49 digits, exact at Decimal's
  // precision of 50 in any order.
  const byPair = new Map<string, Map<string, Tally>>();
  const lines = allocation.lines;
  // The same sums in whole fen where every amount is whole fen ≥ 0 and each total is a safe
  // integer (`fenAmounts`): then every partial sum is a safe integer, added exactly; made Decimal at the end.
  const fen = fenTallies(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const d = line.app.district || '(未填)';
    let ofMeasure = byPair.get(line.measure.id);
    if (!ofMeasure) byPair.set(line.measure.id, (ofMeasure = new Map()));
    let t = ofMeasure.get(d);
    if (!t) ofMeasure.set(d, (t = tally()));
    t.applications++;
    let funded: boolean;
    if (fen) {
      t.fen[0] += fen.requested[i]!;
      t.fen[1] += fen.entitlement[i]!;
      t.fen[2] += fen.granted[i]!;
      funded = fen.granted[i]! > 0;
    } else {
      t.requested = t.requested.plus(line.app.requested ?? ZERO);
      t.entitlement = t.entitlement.plus(line.entitlement?.amount ?? ZERO);
      t.granted = t.granted.plus(line.grant);
      funded = line.grant.gt(0);
    }
    if (funded) t.funded++;
    if (line.candidate >= 0) candidates++;
    if (line.binding === 'below_min_score') belowMin++;
    // Of another year (not a candidate); a candidate failing a condition of its measure is counted apart, and unfunded.
    if (line.binding === 'ineligible' && line.candidate < 0) ineligible++;
    if (line.candidate >= 0 && line.entitlement?.binding === 'ineligible') notEligible++;
    if (line.binding === 'locked') {
      locked++;
      lockedGranted = lockedGranted.plus(line.grant);
      continue;
    }
    if (funded) {
      if (line.limitId === null) fully++;
      else partly++;
    }
  }
  if (fen) {
    for (const ofMeasure of byPair.values()) {
      for (const t of ofMeasure.values()) {
        t.requested = fenYuan(t.fen[0]);
        t.entitlement = fenYuan(t.fen[1]);
        t.granted = fenYuan(t.fen[2]);
      }
    }
  }
  for (const [measure, ofMeasure] of byPair) {
    for (const [d, t] of ofMeasure) {
      if (!byDistrict.has(d)) byDistrict.set(d, tally());
      addTally(byMeasure.get(measure)!, t);
      addTally(byDistrict.get(d)!, t);
    }
  }
  const measureBudget = (id: string) => scenario.measureBudgets.get(id);
  const { binding } = limitRooms(allocation.limits, allocation.limitTotals, scenario.granularity);
  const bindingLimits: Summary['limits']['binding'][number][] = [];
  for (let k = 0; k < binding.length; k++) {
    if (!binding[k]) continue;
    const l = allocation.limits[k]!;
    bindingLimits.push({ id: l.id, source: l.source, amount: fmtYuan(l.amount.plus(l.locked)), used: fmtYuan(allocation.limitTotals[k]!.plus(l.locked)) });
  }
  // The file's rows: a locked project known only from its lock file is not one of them.
  let rows = 0;
  for (const l of lines) if (!l.app.lockedFrom) rows++;
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    tool: { name: 'fundplan', version: TOOL_VERSION },
    status: allocation.status === 'optimal' ? 'optimal' : 'time_limit',
    ...(allocation.limitDetail ? { stoppedBy: allocation.limitDetail } : {}),
    optimality: {
      description: 'an upper bound on the objective (the LP optimum when proven, else a Lagrangian bound) and the relative gap of this allocation to it',
      bound: allocation.bound.toFixed(0),
      gap: Number(allocation.gap.toPrecision(3)),
    },
    scenario: { name: scenario.name, description: scenario.description, ...inputs.scenario, fields: scenarioFields(scenario) },
    policy: { id: policy.id, name: policy.name.zh, document: policy.document ?? '', ...inputs.policy },
    applications: { ...inputs.applications, rows },
    locks: (args.batches?.locked ?? []).map(lockRecord),
    batch: args.batches?.current ?? 1,
    year: scenario.year,
    objective: { kind: scenario.objective, description: 'Σ score × grant (yuan·points)', value: allocation.objective.toFixed(2), ...(allocation.rules ? { model: rulesJson(allocation.rules) } : {}) },
    budget: fmtYuan(scenario.budget),
    granted: fmtYuan(allocation.granted),
    unallocated: fmtYuan(scenario.budget.minus(allocation.granted)),
    granularity: fmtYuan(scenario.granularity),
    /** Money an earlier batch fixed (--lock) and money this run allocated, apart. */
    batches: { locked: { applications: locked, granted: fmtYuan(lockedGranted) }, new: { applications: allocation.lines.length - locked, granted: fmtYuan(allocation.granted.minus(lockedGranted)) } },
    counts: {
      applications: allocation.lines.length,
      candidates,
      funded: fully + partly,
      fullyFunded: fully,
      partlyFunded: partly,
      unfunded: candidates - fully - partly,
      belowMinScore: belowMin,
      ineligible,
      ...(notEligible ? { notEligible } : {}),
    },
    byMeasure: policy.measures.map((m) => ({
      measure: m.id,
      clause: m.clause,
      name: m.name.zh,
      ...tallyJson(byMeasure.get(m.id)!),
      budgetMin: measureBudget(m.id)?.min ? fmtYuan(measureBudget(m.id)!.min!) : null,
      budgetMax: measureBudget(m.id)?.max ? fmtYuan(measureBudget(m.id)!.max!) : null,
    })),
    byDistrict: [...byDistrict.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([district, t]) => ({ district, ...tallyJson(t) })),
    verification: { checks: verification.checks, violations: verification.violations.length },
    fundingLine: args.fundingLine ?? null,
    ...(args.fundingLineBasis ? { fundingLineBasis: args.fundingLineBasis } : {}),
    ...(policy.shares?.length ? { shares: shareResults(policy, allocation) } : {}),
    ...yearsField(scenario, policy, allocation, inputs),
    /** Coupling limits with less than one granularity unit of room (they stop grants), and how many others there are. */
    limits: {
      binding: bindingLimits,
      other: binding.length - bindingLimits.length,
    },
    marginalValues: Object.fromEntries((args.marginalValues ?? []).map(({ limit, ...rest }) => [limit, rest])),
    solver: {
      backend: allocation.solver.backend,
      reason: allocation.solver.reason,
      lp: allocation.lp,
      stages: allocation.stages.map((s) => ({ stage: s.stage, status: s.status, raw: s.raw })),
    },
    rules: { ...priorityRules(allocation), rounding: ROUNDING_RULE, roundingZh: ROUNDING_RULE_ZH },
    warnings: warnings.map(formatIssue),
    ...(args.timingsMs ? { timingsMs: roundTimings(args.timingsMs) } : {}),
  };
}

/** summary.json's `years`, for a scenario with cash by year (nothing otherwise). */
function yearsField(scenario: Scenario, policy: Policy, allocation: Allocation, inputs: InputProvenance): Pick<Summary, 'years'> {
  const r = yearsReport(allocation, scenario, policy);
  return r ? { years: yearsSummary(r, inputs.commitments ?? [], scenario.budgetGiven !== false) } : {};
}

/** The rules report as written: the same keys in the same order, with its own copy of the list the model keeps readonly. */
/** The model's report as summary.json holds it: the integer tie rule's outcome in words, lists copied. */
function rulesJson(r: RulesReport): NonNullable<Summary['objective']['model']> {
  // Keys keep the order the model gave them: each field is replaced where it stands.
  const out: Record<string, unknown> = { ...r };
  if (r.stoppedEarly) out.stoppedEarly = [...r.stoppedEarly];
  const i = r.integer;
  if (i) {
    // The tie-break's time budget follows the first solve's time: written only where it decided something (not applied in full), so runs repeat byte for byte.
    const { tieBreakSeconds, ...rest } = i;
    out.integer = {
      ...rest,
      tieRule: TIE_RULE_TEXT[i.tieRule],
      ...(i.tieRule === 'applied' ? {} : { tieBreakSeconds: tieBreakSeconds === null ? null : Math.round(tieBreakSeconds * 10) / 10 }),
      unorderedTies: i.unorderedTies.map((t) => ({ score: t.score, short: [...t.short], funded: [...t.funded] })),
    };
  }
  return out as NonNullable<Summary['objective']['model']>;
}

const MONEY_BINDINGS: ReadonlySet<Binding> = new Set(['total_budget', 'measure_budget', 'district_budget']);

/** What each share rule of the policy achieved, from the lines (earlier batches' grants included). */
function shareResults(policy: Policy, allocation: Allocation): NonNullable<Summary['shares']> {
  return (policy.shares ?? []).map((s) => {
    const lines = allocation.lines.filter((l) => s.measures.includes(l.measure.id));
    const matches = (l: Line) => qualifies(l.app, s.where);
    const qualifying = lines.filter(matches).reduce((t, l) => t.plus(l.grant), ZERO);
    const total = lines.reduce((t, l) => t.plus(l.grant), ZERO);
    const stopped = (sense: 'min' | 'max') => lines.some((l) => l.binding === 'share' && l.limitId === `share_${sense}:${s.id}`);
    const binding = stopped('min') ? 'min' : stopped('max') ? 'max' : null;
    // Short of qualifying demand: no qualifying candidate was held back by money (a budget), only by its own ceilings.
    const short = binding === 'min' && lines.filter(matches).every((l) => l.candidate < 0 || !MONEY_BINDINGS.has(l.binding));
    return {
      id: s.id,
      clause: s.clause,
      name: s.name.zh,
      nameEn: s.name.en,
      ...(s.min !== undefined ? { min: s.min } : {}),
      ...(s.max !== undefined ? { max: s.max } : {}),
      qualifying: fmtYuan(qualifying),
      total: fmtYuan(total),
      share: total.isZero() ? '0' : qualifying.div(total).toDecimalPlaces(6).toString(),
      binding,
      qualifyingDemandShort: short,
    };
  });
}

function roundTimings(t: Timings): Timings {
  const r = (v: number) => Math.round(v * 10) / 10;
  return { parse: r(t.parse), build: r(t.build), solve: r(t.solve), round: r(t.round), verify: r(t.verify), analyse: r(t.analyse), write: r(t.write), ...(t.writeMain === undefined ? {} : { writeMain: r(t.writeMain) }) };
}

/** Which backend solved the model, in the words of `w` (the technical reason stays in summary.json). */
export function solverUsed(s: Summary, w: SummaryWords): string {
  const model = s.objective.model?.model;
  return w.solverUsed(s.solver.backend, model === 'proportional' ? 'proportional' : model === 'integer' ? 'integer' : 'lp', s.solver.reason);
}

export function humanSummary(s: Summary, files: readonly string[]): string {
  const y = (v: string) => fmtYuanHuman(new D(v));
  const c = s.counts;
  return [
    `fundplan ${s.tool.version} · ${s.scenario.name} · 政策 ${s.policy.id}`,
    `申请 ${c.applications} 项：本年度候选 ${c.candidates} 项，低于最低分 ${c.belowMinScore} 项，非本年度 ${c.ineligible} 项${c.notEligible ? `，不符合申报条件 ${c.notEligible} 项` : ''}`,
    s.years?.budgetGiven === false
      ? `资金 ${y(s.budget)}（${s.years.cashflow[0]!.year}–${s.years.cashflow[s.years.cashflow.length - 1]!.year}年，含结转），本年度新批资助 ${y(s.granted)}，按年度分期拨付（见下）`
      : `预算 ${y(s.budget)}，已分配 ${y(s.granted)}，未分配 ${y(s.unallocated)}`,
    ...(s.locks.length ? [`第 ${s.batch} 批次：前 ${s.locks.length} 批次锁定 ${s.batches.locked.applications} 项 ${y(s.batches.locked.granted)}，本批次新分配 ${y(s.batches.new.granted)}`] : []),
    `资助 ${c.funded} 项（全额 ${c.fullyFunded} 项，部分 ${c.partlyFunded} 项），未获资助 ${c.unfunded} 项`,
    `求解：${solverUsed(s, zh.summary)}`,
    ...rulesLines(s),
    s.objective.model?.model === 'proportional'
      ? '最优性：按比例核减为逐轮精确计算（字典序最大最小），无上界可比'
      : s.status === 'optimal'
      ? `最优性：已证明最优（取整到 ${y(s.granularity)} 后与线性规划上界相差 ${(s.optimality.gap * 100).toFixed(4)}%）`
      : `注意：求解因限制停止（${s.stoppedBy}），未证明最优；本分配距上界至多 ${(s.optimality.gap * 100).toFixed(2)}%，规则校验照常通过`,
    ...(s.years?.budgetGiven === false ? [] : budgetLines(s)),
    ...yearsLines(s),
    ...cashValueLines(s),
    ...(s.shares ?? []).map(shareLine),
    `校验：${s.verification.checks} 项规则检查，全部通过`,
    ...(s.warnings.length ? [`警告 ${s.warnings.length} 条（见 summary.json）`] : []),
    `输出：${files.join('，')}`,
  ].join('\n');
}

/** A multi-year scenario: each year's dues, cash and what is left; the binding years; the targets. */
function yearsLines(s: Summary): string[] {
  const years = s.years;
  if (!years) return [];
  const w = zh.years;
  const y = (v: string) => fmtYuanHuman(new D(v));
  const amount = (kind: 'count' | 'amount', v: string) => (kind === 'count' ? w.count(v) : y(v));
  return [
    ...years.cashflow.map((c) => w.yearLine(c.year, y(c.total), { earlier: y(c.dueEarlier), thisYear: y(c.dueThisYear), planned: y(c.duePlanned) }, y(c.cash), y(c.carriedIn), y(c.roomLeft))),
    years.bindingCash.length ? w.binding(years.bindingCash.map(windowName(w))) : w.noBinding,
    ...years.targets.map((t) => w.targetLine(t.name.zh, t.id, t.hard, t.by, amount(t.kind, t.required), amount(t.kind, t.achieved), amount(t.kind, t.shortfall))),
  ];
}

/** A share rule: what it achieved and, when it binds, what that does. */
function shareLine(x: NonNullable<Summary['shares']>[number]): string {
  const pct = (v: string) => `${new D(v).times(100).toDecimalPlaces(2).toString()}%`;
  const bound = [x.min !== undefined ? `不低于 ${pct(x.min)}` : '', x.max !== undefined ? `不高于 ${pct(x.max)}` : ''].filter(Boolean).join('、');
  const why = x.binding === null ? '' : x.qualifyingDemandShort ? '；符合条件的申请不足，其他项目因此受限' : x.binding === 'min' ? '；其他项目因此受限' : '；符合条件的项目因此受限';
  return `资金比例：${x.clause} ${x.name} 符合条件的项目获 ${fmtYuanHuman(new D(x.qualifying))}，占 ${pct(x.share)}（要求${bound}）${why}`;
}

/** The funding line (or why there is none) and what more or less budget would do. */
function budgetLines(s: Summary): string[] {
  const w = zh.budget;
  const budget = s.marginalValues.budget;
  return [`资助线：${fundingLineWords(s, w)}`, ...(budget?.up ? [`预算增减：${budget.words}`] : [])];
}

/** A multi-year scenario: what more of each year's cash would fund (marginalValues `cash:<year>`). */
function cashValueLines(s: Summary): string[] {
  return Object.values(s.marginalValues)
    .filter((m) => m.year !== undefined)
    .map((m) => `年度资金：${m.words}`);
}

/** Where the integer model's tie rule was not applied in full: what it says, and the equal-score projects left out of order. */
function tieLines(m: NonNullable<Summary['objective']['model']>, s: Summary): string[] {
  const i = m.integer;
  if (!i || i.tieRule === TIE_RULE_TEXT.applied) return [];
  const ties = i.unorderedTies ?? [];
  const shown = ties.slice(0, 5).map((t) => `  ${zh.summary.unorderedTie(t.score, t.short, t.funded)}`);
  return [
    `同分排序：${s.rules.priorityOrderZh}`,
    ...(ties.length ? [zh.summary.unorderedHeading, ...shown, ...(ties.length > shown.length ? [`  ${zh.summary.moreUnordered(ties.length - shown.length)}`] : [])] : []),
  ];
}

/** The objective and the rules beyond the money rules in words (nothing for the plain priority objective). */
function rulesLines(s: Summary): string[] {
  const m = s.objective.model;
  if (!m) return [];
  const out: string[] = [];
  if (m.model === 'proportional') {
    const pct = (v: string) => `${(Number(v) * 100).toFixed(2)}%`;
    out.push(`目标：${m.objective === 'proportional' ? '按比例核减' : '按得分分档比例核减'}，共同比例 ${pct(m.commonShare ?? '0')}`);
    const early = m.stoppedEarly ?? [];
    for (const e of early.slice(0, 10)) out.push(`  ${e.projectId} 受 ${e.limitId} 限制，停在 ${pct(e.share)}`);
    if (early.length > 10) out.push(`  等共 ${early.length} 项提前受限（见 summary.json）`);
  } else {
    const i = m.integer!;
    // The backend that solved it (a model of decisions alone has no integer column: the network simplex may take it).
    const by = s.solver.backend;
    out.push(i.status === 'optimal' ? `整数模型（${by}）：已证明最优（差距为 0）` : `整数模型（${by}）：时间限制 ${i.timeLimitSeconds ?? ''} 秒停止，未证明最优，相对差距 ${(i.gap * 100).toFixed(4)}%`);
    out.push(...tieLines(m, s));
  }
  if (m.forced || m.excluded) out.push(`决定：必须资助 ${m.forced} 项，不予资助 ${m.excluded} 项`);
  return out;
}
