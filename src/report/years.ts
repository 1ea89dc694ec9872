/**
 * What a multi-year solve means year by year, exact: per year of the horizon and measure what
 * falls due from earlier approvals (the ledger's rows still planned), from this year's grants
 * (every line with a grant, earlier batches' included) and from the plan years' forecast grants
 * (indicative); per year the cash, what was carried in and out, recovered, and the money left
 * unspent at the year's end (paying the oldest money first, `cashFlow`); which runs of years'
 * cash bind; and the targets' progress. summary.json's `years`, cashflow.csv, the workbook's
 * 资金拨付计划表 sheet and the reports' 资金拨付计划 section are all written from this.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, fmtYuan } from '../money.js';
import type { Summary } from './summary-schema.js';
import type { YearsWords } from './i18n/index.js';
import type { Allocation, Line } from '../model/types.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import type { Commitment } from '../model/ledger.js';
import { cashFlow, cashWindows, dueByYear, horizonOf, ledgerApproved, owed, policyStartYear, type CashPlan, type Target } from '../model/years.js';

/** What falls due in a year: from earlier approvals, this year's grants, the plan years' forecasts. */
export interface Dues {
  readonly dueEarlier: Decimal;
  readonly dueThisYear: Decimal;
  readonly duePlanned: Decimal;
  readonly total: Decimal;
}

export interface CashflowYear extends Dues {
  readonly year: number;
  readonly cash: Decimal;
  readonly carriedIn: Decimal;
  readonly carriedOut: Decimal;
  readonly recovered: Decimal;
  /** Money unspent at the year's end: carried out plus recovered. */
  readonly roomLeft: Decimal;
}

export interface MeasureYear extends Dues {
  readonly year: number;
  readonly measure: string;
}

/** A run of years' cash: what falls due in it against its room (its cash less the ledger's dues). */
export interface WindowUse {
  readonly id: string;
  readonly from: number;
  readonly to: number;
  readonly room: Decimal;
  /** What this year's and the plan years' grants fall due in the run. */
  readonly due: Decimal;
  readonly left: Decimal;
  /** Less than one granularity unit left. */
  readonly binding: boolean;
}

export interface TargetProgress {
  readonly target: Target;
  readonly kind: 'count' | 'amount';
  /** From this year (the policy's validFrom), or null: every year of the ledger. */
  readonly from: number | null;
  readonly required: Decimal;
  readonly achieved: Decimal;
  readonly shortfall: Decimal;
  /** The parts of `achieved`: the ledger's approvals, this year's, the plan years'. */
  readonly ledger: Decimal;
  readonly thisYear: Decimal;
  readonly planned: Decimal;
}

export interface PlanYear {
  readonly year: number;
  readonly applications: number;
  readonly funded: number;
  readonly granted: Decimal;
}

export interface YearsReport {
  readonly horizon: readonly number[];
  readonly carryYears: number;
  readonly cashflow: readonly CashflowYear[];
  /** Per year (ascending), per measure (the policy's order, then measures only the ledger names, by id). */
  readonly byMeasure: readonly MeasureYear[];
  readonly windows: readonly WindowUse[];
  readonly targets: readonly TargetProgress[];
  /** The plan years' forecasts as solved (indicative). */
  readonly plan: readonly PlanYear[];
  /** The ledger's rows, and what its rows still planned owe within the horizon. */
  readonly ledger: { readonly rows: number; readonly owed: Decimal };
}

type Part = 'dueEarlier' | 'dueThisYear' | 'duePlanned';

/** The report of a scenario with `cash` (null without). */
export function yearsReport(allocation: Allocation, scenario: Scenario, policy: Policy): YearsReport | null {
  const plan = scenario.cashPlan;
  if (!plan) return null;
  const horizon = horizonOf(plan);
  const ledger = scenario.years?.ledger ?? [];
  const planLines = allocation.plan?.lines ?? [];

  // Dues by year, measure and part.
  const order = policy.measures.map((m) => m.id);
  const extra = [...new Set(ledger.map((c) => c.measureId).filter((id) => !order.includes(id)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const measures = [...order, ...extra];
  const cells = new Map<string, Record<Part, Decimal>>();
  const key = (year: number, measure: string) => `${year}\u0000${measure}`;
  for (const y of horizon) for (const m of measures) cells.set(key(y, m), { dueEarlier: ZERO, dueThisYear: ZERO, duePlanned: ZERO });
  const add = (year: number, measure: string, part: Part, amount: Decimal) => {
    const cell = cells.get(key(year, measure));
    if (cell) cell[part] = cell[part].plus(amount);
  };
  for (const c of ledger) if (owed(c)) add(c.dueYear, c.measureId, 'dueEarlier', c.amount);
  // Each measure's grants as what falls due by year (dueByYear: in whole units where exact), added to its cells.
  const addGrants = (lines: readonly Line[], part: Part) => {
    const byMeasure = new Map<string, Line[]>();
    for (const l of lines) {
      const of = byMeasure.get(l.measure.id);
      if (of) of.push(l);
      else byMeasure.set(l.measure.id, [l]);
    }
    for (const [measure, of] of byMeasure) for (const [year, amount] of dueByYear(of, scenario.granularity)) add(year, measure, part, amount);
  };
  addGrants(allocation.lines, 'dueThisYear');
  addGrants(planLines, 'duePlanned');

  const byMeasure: MeasureYear[] = [];
  const perYear = new Map<number, Record<Part, Decimal>>();
  for (const year of horizon) {
    const sum: Record<Part, Decimal> = { dueEarlier: ZERO, dueThisYear: ZERO, duePlanned: ZERO };
    for (const measure of measures) {
      const c = cells.get(key(year, measure))!;
      byMeasure.push({ year, measure, ...c, total: c.dueEarlier.plus(c.dueThisYear).plus(c.duePlanned) });
      sum.dueEarlier = sum.dueEarlier.plus(c.dueEarlier);
      sum.dueThisYear = sum.dueThisYear.plus(c.dueThisYear);
      sum.duePlanned = sum.duePlanned.plus(c.duePlanned);
    }
    perYear.set(year, sum);
  }
  const totalOf = (d: Record<Part, Decimal>) => d.dueEarlier.plus(d.dueThisYear).plus(d.duePlanned);
  const flow = cashFlow(plan, new Map(horizon.map((y) => [y, totalOf(perYear.get(y)!)])));
  const cashflow: CashflowYear[] = flow.map((f) => {
    const d = perYear.get(f.year)!;
    return { year: f.year, cash: f.cash, carriedIn: f.carriedIn, ...d, total: totalOf(d), carriedOut: f.carriedOut, recovered: f.recovered, roomLeft: f.carriedOut.plus(f.recovered) };
  });

  return {
    horizon,
    carryYears: plan.carryYears,
    cashflow,
    byMeasure,
    windows: windowUse(plan, ledger, perYear, scenario.granularity),
    targets: (scenario.targets ?? []).map((t) => targetProgress(t, ledger, allocation.lines, planLines, policyStartYear(policy))),
    plan: planYears(planLines, scenario.plan ? [...scenario.plan.keys()] : []),
    ledger: { rows: ledger.length, owed: cashflow.reduce((s, y) => s.plus(y.dueEarlier), ZERO) },
  };
}

/** Every run of years the cash rows cover: what new grants fall due in it against its room. */
function windowUse(plan: CashPlan, ledger: readonly Commitment[], perYear: ReadonlyMap<number, Record<Part, Decimal>>, granularity: Decimal): WindowUse[] {
  return cashWindows(plan, ledger).map((w) => {
    let due = ZERO;
    for (const [year, d] of perYear) if (year >= w.from && year <= w.to) due = due.plus(d.dueThisYear).plus(d.duePlanned);
    const left = w.room.minus(due);
    return { id: w.id, from: w.from, to: w.to, room: w.room, due, left, binding: left.lt(granularity) };
  });
}

/** A target's progress: approvals under its measures from the policy's start to `by`, counted or summed. */
function targetProgress(t: Target, ledger: readonly Commitment[], lines: readonly Line[], planLines: readonly Line[], from: number | null): TargetProgress {
  const covers = new Set(t.measures);
  const kind = t.amount ? 'amount' : 'count';
  const measure = (grants: readonly Decimal[]) => (kind === 'count' ? new D(grants.length) : grants.reduce((s, g) => s.plus(g), ZERO));
  const inRange = (y: number) => y <= t.by && (from === null || y >= from);
  const funded = (ls: readonly Line[]) => ls.filter((l) => l.grant.gt(0) && covers.has(l.measure.id) && inRange(l.app.year)).map((l) => l.grant);
  const ledgerPart = measure(ledgerApproved(ledger, covers, from, t.by).map((c) => c.grant));
  const thisYear = measure(funded(lines));
  const planned = measure(funded(planLines));
  const achieved = ledgerPart.plus(thisYear).plus(planned);
  const required = kind === 'count' ? new D(t.count!.min) : t.amount!.min;
  const short = required.minus(achieved);
  return { target: t, kind, from, required, achieved, shortfall: short.gt(0) ? short : ZERO, ledger: ledgerPart, thisYear, planned };
}

/** The plan years' forecasts as solved, one row per plan year. */
function planYears(lines: readonly Line[], years: readonly number[]): PlanYear[] {
  return [...years].sort((a, b) => a - b).map((year) => {
    const of = lines.filter((l) => l.app.year === year);
    const funded = of.filter((l) => l.grant.gt(0));
    return { year, applications: of.length, funded: funded.length, granted: funded.reduce((s, l) => s.plus(l.grant), ZERO) };
  });
}

/** A count or an amount as summary.json writes it. */
const countOrYuan = (kind: 'count' | 'amount', v: Decimal) => (kind === 'count' ? v.toFixed(0) : fmtYuan(v));

/** summary.json's `years`: amounts as yuan strings; the ledger files read. */
export function yearsSummary(r: YearsReport, ledgerFiles: readonly { readonly file: string; readonly sha256: string }[], budgetGiven: boolean): NonNullable<Summary['years']> {
  const dues = (d: Dues) => ({ dueEarlier: fmtYuan(d.dueEarlier), dueThisYear: fmtYuan(d.dueThisYear), duePlanned: fmtYuan(d.duePlanned) });
  return {
    budgetGiven,
    cashflow: r.cashflow.map((y) => ({
      year: y.year,
      cash: fmtYuan(y.cash),
      carriedIn: fmtYuan(y.carriedIn),
      ...dues(y),
      total: fmtYuan(y.total),
      carriedOut: fmtYuan(y.carriedOut),
      recovered: fmtYuan(y.recovered),
      roomLeft: fmtYuan(y.roomLeft),
    })),
    byMeasure: r.byMeasure.map((m) => ({ year: m.year, measure: m.measure, ...dues(m) })),
    bindingCash: r.windows.filter((w) => w.binding).map((w) => w.id),
    targets: r.targets.map((p) => ({
      id: p.target.id,
      name: { zh: p.target.name.zh, en: p.target.name.en },
      measures: [...p.target.measures],
      by: p.target.by,
      hard: p.target.hard,
      kind: p.kind,
      required: countOrYuan(p.kind, p.required),
      achieved: countOrYuan(p.kind, p.achieved),
      shortfall: countOrYuan(p.kind, p.shortfall),
    })),
    plan: r.plan.map((p) => ({ year: p.year, indicative: true as const, applications: p.applications, funded: p.funded, granted: fmtYuan(p.granted) })),
    ledger: { files: ledgerFiles.map((f) => ({ file: f.file, sha256: f.sha256 })), rows: r.ledger.rows, owed: fmtYuan(r.ledger.owed) },
  };
}

/** The years of a cash window's id (cash:2021, cash:2020-2021), or null for another id. */
export function windowYears(id: string): [number, number] | null {
  const m = /^cash:(\d+)(?:-(\d+))?$/.exec(id);
  return m ? [Number(m[1]), Number(m[2] ?? m[1])] : null;
}

/** A cash window's id in words (2021年, 2020–2021年). */
export const windowName =
  (w: YearsWords) =>
  (id: string): string => {
    const run = windowYears(id);
    return run ? w.window(run[0], run[1]) : id;
  };
