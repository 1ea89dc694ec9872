/**
 * What report.html and report.md show, computed from ReportData: the sentences at the top, the
 * counts, the tally tables by measure and by district with their exact totals (the workbook's
 * 汇总 sheet adds its totals up here too), the limits in the order they are listed, the largest
 * grants, and what the charts draw. No markup here, and no words of its own: the words come in
 * as ReportWords, amounts are formatted by format.ts.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, fmtYuanHuman } from '../money.js';
import type { LimitRow, MarginalValue, ProjectRow, ReportData } from './data.js';
import { fmtGap, fmtNumber, fmtPerYuan, percent, wanNumber, yuan } from './format.js';
import { fundingLineWords } from './budget-words.js';
import type { ReportWords, Words } from './i18n/index.js';
import type { MeasureBar, ScatterPoint } from './svg.js';
import type { Summary } from './summary.js';

/** A row of label and value. */
export type Fact = readonly [label: string, value: string];

/** Text the summary may leave blank (the policy's document number, the scenario's description): null when blank. */
export function nonBlank(v: string | undefined): string | null {
  return v !== undefined && v.trim() !== '' ? v : null;
}

/** "Budget …, granted … (…%); … of … applications funded." */
export function headline(s: Summary, t: ReportWords): string {
  return t.headline(yuan(s.budget), yuan(s.granted), percent(s.granted, s.budget), s.counts.funded, s.counts.applications);
}

/** The solve's status in a line: proven optimal, or stopped at the time limit. */
export function statusLine(s: Summary, t: ReportWords): string {
  const gap = fmtGap(s.optimality.gap);
  return s.status === 'optimal' ? t.statusOptimal(gap) : t.statusTimeLimitShort(gap);
}

/** The warning for a solve that stopped at its time limit (and what stopped it); null when it did not. */
export function timeLimitWarning(s: Summary, t: ReportWords): string | null {
  return s.status === 'time_limit' ? t.statusTimeLimit(fmtGap(s.optimality.gap), s.stoppedBy ?? '') : null;
}

/** The funding line's score as shown, or null when the budget did not run out. */
export function fundingLineScore(data: ReportData): string | null {
  return data.fundingLine === null ? null : fmtNumber(data.fundingLine, 2);
}

/** Which batch this run is and what each earlier batch fixed; empty without earlier batches. */
export function batchLines(s: Summary, t: ReportWords): string[] {
  if (!s.locks.length) return [];
  return [t.batchValue(s.batch), ...s.locks.map((l) => t.earlierBatch(l.batch, l.file, l.projects, l.funded, yuan(l.granted)))];
}

/** The funding line as the reports say it (its score and how it was found), or why there is none, true against what was granted. */
export function fundingLineText(s: Summary, w: Words): string {
  return fundingLineWords(s, w.budget);
}

/** Where the integer model's tie rule was not applied: the equal-score projects left out of order, a line each (at most `max`, then how many more). */
export function unorderedTieLines(s: Summary, w: Words, max = 20): string[] {
  const ties = s.objective.model?.integer?.unorderedTies ?? [];
  const shown = ties.slice(0, max).map((t) => w.summary.unorderedTie(t.score, t.short, t.funded));
  return ties.length > shown.length ? [...shown, w.summary.moreUnordered(ties.length - shown.length)] : shown;
}

/** Under the marginal values' intro: how the budget's figures were found, where that is a finite difference (integer rules). */
export function finiteDifferenceNote(data: ReportData, w: Words): string | null {
  const budget = data.marginalValues.find((m) => m.method === 'finite-difference' && m.year === undefined);
  return budget?.step ? w.budget.introFiniteDifference(budget.step) : null;
}

/** The applications by what became of them. */
export function countFacts(s: Summary, t: ReportWords): Fact[] {
  const c = s.counts;
  return [
    [t.applications, t.count(c.applications)],
    [t.candidates, t.count(c.candidates)],
    [t.fullyFunded, t.count(c.fullyFunded)],
    [t.partlyFunded, t.count(c.partlyFunded)],
    [t.unfunded, t.count(c.unfunded)],
    [t.belowMinScore, t.count(c.belowMinScore)],
    [t.ineligible, t.count(c.ineligible)],
  ];
}

// ---------------------------------------------------------------- tallies by measure and by district

/** A row of the summary's byMeasure or byDistrict. */
export interface Tally {
  readonly applications: number;
  readonly funded: number;
  readonly requested: string;
  readonly entitlement: string;
  readonly granted: string;
}

/** The heads of a tally's columns, in the order of `tallyFigures`. */
export function tallyTitles(t: ReportWords): string[] {
  const col = t.col;
  return [col.applications, col.funded, col.requested, col.entitlement, col.granted];
}

/** A tally as shown: applications, funded, requested, entitlement, granted. */
export function tallyFigures(x: Tally): string[] {
  return [fmtNumber(x.applications), fmtNumber(x.funded), yuan(x.requested), yuan(x.entitlement), yuan(x.granted)];
}

/** The tallies added up, money exactly (the workbook's totals rows too). */
export function sumTallies(xs: readonly Tally[]): { applications: number; funded: number; requested: Decimal; entitlement: Decimal; granted: Decimal } {
  const sum = (f: (x: Tally) => string) => xs.reduce((a, x) => a.plus(new D(f(x))), ZERO);
  return {
    applications: xs.reduce((a, x) => a + x.applications, 0),
    funded: xs.reduce((a, x) => a + x.funded, 0),
    requested: sum((x) => x.requested),
    entitlement: sum((x) => x.entitlement),
    granted: sum((x) => x.granted),
  };
}

/** The total of the tallies as shown, in the order of `tallyFigures`. */
export function tallyTotal(xs: readonly Tally[]): string[] {
  const t = sumTallies(xs);
  return [fmtNumber(t.applications), fmtNumber(t.funded), fmtYuanHuman(t.requested), fmtYuanHuman(t.entitlement), fmtYuanHuman(t.granted)];
}

/** A district as shown: the summary names applications without one "(未填)". */
export function districtName(district: string, t: ReportWords): string {
  return district === '(未填)' ? t.unknownDistrict : district;
}

// ---------------------------------------------------------------- limits, marginal values, grants

/** Binding limits, and the rest ordered by slack ascending. */
export function splitLimits(limits: readonly LimitRow[]): { binding: LimitRow[]; other: LimitRow[] } {
  const binding = limits.filter((l) => l.binding);
  // Slack is yuan with two decimals: as a number it orders exactly enough for a listing.
  const other = limits
    .filter((l) => !l.binding)
    .map((l) => ({ l, s: Number(l.slack) }))
    .sort((a, b) => a.s - b.s || (a.l.id < b.l.id ? -1 : a.l.id > b.l.id ? 1 : 0))
    .map((x) => x.l);
  return { binding, other };
}

/** What one more yuan of a limit buys, or that a floor cannot be raised. */
export function perYuanText(m: MarginalValue, t: ReportWords): string {
  return m.perYuan === null ? t.cannotRaise : fmtPerYuan(m.perYuan);
}

/** A marginal value's range: `to` empty means no upper end. */
export function rangeText(t: ReportWords, from: string, to: string): string {
  return `${yuan(from)} – ${to === '' ? t.noUpperEnd : yuan(to)}`;
}

/** Grants, largest first (ties: score descending, project id ascending). */
export function topGrants(projects: readonly ProjectRow[], k: number): ProjectRow[] {
  // Grants are yuan with two decimals: as doubles they order exactly (as splitLimits' slack does).
  return projects
    .map((p) => ({ p, g: Number(p.grant) }))
    .filter((x) => x.g > 0)
    .sort((a, b) => b.g - a.g || b.p.score - a.p.score || (a.p.projectId < b.p.projectId ? -1 : a.p.projectId > b.p.projectId ? 1 : 0))
    .slice(0, k)
    .map((x) => x.p);
}

// ---------------------------------------------------------------- what the charts draw

/** The measures charted: those anyone applied under or with a budget limit (the table has them all). */
export function measureBars(s: Summary): MeasureBar[] {
  return s.byMeasure
    .filter((m) => m.applications > 0 || m.budgetMin !== null || m.budgetMax !== null)
    .map((m) => ({
      label: `${m.clause}${m.name}`,
      granted: wanNumber(m.granted),
      entitlement: wanNumber(m.entitlement),
      budgetMax: m.budgetMax ? wanNumber(m.budgetMax) : null,
      budgetMin: m.budgetMin ? wanNumber(m.budgetMin) : null,
    }));
}

const isCandidate = (p: ProjectRow) => p.binding !== 'below_min_score' && p.binding !== 'ineligible';

/** One point per candidate of this year: its score, grant and entitlement (万元), and a tooltip. */
export function scatterPoints(projects: readonly ProjectRow[], t: ReportWords): ScatterPoint[] {
  return projects.filter(isCandidate).map((p) => ({
    score: p.score,
    grant: wanNumber(p.grant),
    entitlement: wanNumber(p.entitlement),
    tip: `${p.projectId} ${p.projectName} · ${p.companyName} · ${t.col.score} ${p.score} · ${t.col.grant} ${yuan(p.grant)} / ${t.col.entitlement} ${yuan(p.entitlement)}`,
  }));
}

/** A share rule's result as the words take it: the name in the report's language, amounts and shares formatted. */
export function shareWords(x: NonNullable<ReportData['summary']['shares']>[number], data: ReportData) {
  const pct = (v: string) => `${new D(v).times(100).toDecimalPlaces(2).toString()}%`;
  const required = [x.min !== undefined ? `≥ ${pct(x.min)}` : '', x.max !== undefined ? `≤ ${pct(x.max)}` : ''].filter(Boolean).join(', ');
  return { clause: x.clause, name: data.lang === 'zh' ? x.name : x.nameEn, required, qualifying: yuan(x.qualifying), share: pct(x.share), binding: x.binding, short: x.qualifyingDemandShort };
}
