/**
 * The tie rule in the integer model (docs/how-it-works.md, "Ties in the integer model"): among
 * equally good selections, the one that prefers the priority order (score descending, then
 * project id ascending), i.e. that maximises Σ (N − position) × grant. Two solves after the
 * first, each started from the point before it and given a time budget that grows with the
 * first solve's time:
 *
 *   within scores   every score keeps the money the optimum gave it (Σ grants of the
 *                   applications of one score = the optimum's total for that score). The score
 *                   objective Σ score × grant is a function of those totals, so every solution
 *                   of this model has the optimum's objective — no objective row held to a
 *                   tolerance, no trade of objective for order (in whole units exactly; the
 *                   continuous first round to HiGHS's tolerance, then checked exactly). What is
 *                   left to decide is who, among equal scores, gets the money: the tie rule as
 *                   stated. The totals split the model by score, so it is fast (3,000
 *                   all-or-nothing applications: 0.4 s after a first solve of 6 s).
 *   across scores   the score objective held at the optimum (to HiGHS's feasibility tolerance)
 *                   instead of the totals: this also finds trades between scores that keep the
 *                   objective (two grants at 80 for one at 90 and one at 70) — the LP's tie rule in
 *                   full. It is as hard as the first solve; where it does not finish in its time
 *                   budget, the order within scores stands and the summary says so.
 *
 * Each result is rounded to whole units and kept only if it is not worse, exactly, than what it
 * replaces (finish.ts `tieBrokenNotWorse`). Where the tie rule could not be applied, the
 * equal-score applications left out of order are listed (`unorderedTies`).
 */
import type { Backend, LinearProgram, Row, SolveOptions, SolveResult } from '../solver/types.js';
import { tieBrokenNotWorse, tieRanks, timedSolve } from './finish.js';
import type { Prepared, StageReport, TieRule, UnorderedTie } from './types.js';

/** The least time budget (seconds) of a tie-break solve. */
export const TIE_BREAK_MIN_SECONDS = 10;
/** A tie-break solve may take this many times the first solve's time (when that is more than the least budget). */
export const TIE_BREAK_TIME_FACTOR = 2;

/** Seconds a tie-break solve may take: the least budget or a multiple of the first solve's time, within the caller's time limit. */
export function tieBreakSeconds(firstSolveMs: number, timeLimitSeconds: number | undefined): number {
  const budget = Math.max(TIE_BREAK_MIN_SECONDS, (TIE_BREAK_TIME_FACTOR * firstSolveMs) / 1000);
  return timeLimitSeconds ? Math.min(budget, timeLimitSeconds) : budget;
}

/** A selection in whole units and how many floors it leaves unmet. */
export interface Kept {
  readonly units: readonly number[];
  readonly unmetFloors: number;
}

export interface TieBreakArgs {
  readonly p: Prepared;
  /** The integer model as first solved: columns 0…n−1 are the grants of the candidates. */
  readonly lp: LinearProgram;
  /** Whether it has integer or semi-continuous columns. */
  readonly mip: boolean;
  /** The first solve's optimum. */
  readonly first: Extract<SolveResult, { status: 'optimal' }>;
  /** The backend of the first solve, and the one for a model with the objective row added. */
  readonly backend: Backend;
  readonly backendFor: (lp: LinearProgram) => Backend;
  readonly stages: StageReport[];
  readonly seconds: number;
  /** Round a solve's values to whole units (and hand out what is left), as the first solve's were. */
  readonly round: (values: ArrayLike<number>) => Kept;
  /** The first solve, rounded. */
  readonly kept: Kept;
}

/** The selection the tie rule picks, and whether it was applied in full. */
export function breakTies(args: TieBreakArgs): { readonly kept: Kept; readonly rule: TieRule } {
  const { p, lp, first, stages, round } = args;
  const n = p.candidates.length;
  const ranks = tieRanks(p.order);
  const notWorse = (was: Kept, alt: Kept) => tieBrokenNotWorse(p.candidates, was, alt);
  const usable = (r: SolveResult): r is Extract<SolveResult, { values: Float64Array | null }> & { values: Float64Array } =>
    (r.status === 'optimal' || r.status === 'time-limit') && r.values !== null;

  if (!args.mip && args.backend.solveTieBroken) {
    // No integer column (decisions alone): the network simplex breaks the tie exactly, in one solve.
    const r = timedSolve(stages, 'tie-break', args.backend, lp, {}, lp.columns.map((_, j) => (j < n ? ranks[j]! : 0)));
    if (r.status !== 'optimal') return { kept: args.kept, rule: 'tie_break_worse' };
    const alt = round(r.values);
    return notWorse(args.kept, alt) ? { kept: alt, rule: 'applied' } : { kept: args.kept, rule: 'tie_break_worse' };
  }

  const tieCosts = lp.columns.map((c, j) => ({ ...c, cost: j < n ? ranks[j]! / n : 0 }));
  const options = (start: ArrayLike<number>): SolveOptions => ({ mipRelGap: 0, timeLimitSeconds: args.seconds, mipStart: start });

  // Within scores: each score's total held at the optimum's.
  const totals = new Map<string, { terms: [number, number][]; total: number }>();
  p.candidates.forEach((a, i) => {
    const key = a.score.toString();
    const t = totals.get(key) ?? { terms: [], total: 0 };
    t.terms.push([i, 1]);
    t.total += first.values[i]!;
    totals.set(key, t);
  });
  // In whole units (integer grants) a total is a whole number: what HiGHS's tolerance left off is put back.
  const totalOf = (t: { terms: [number, number][]; total: number }) => (t.terms.every(([i]) => lp.columns[i]!.integer) ? Math.round(t.total) : t.total);
  const within: LinearProgram = { ...lp, columns: tieCosts, rows: [...lp.rows, ...[...totals.values()].map((t): Row => ({ terms: t.terms, lower: totalOf(t), upper: totalOf(t) }))] };
  const r1 = timedSolve(stages, 'tie-break within scores', args.backend, within, options(first.values));
  if (!usable(r1)) return { kept: args.kept, rule: 'tie_break_worse' };
  const alt1 = round(r1.values);
  if (!notWorse(args.kept, alt1)) return { kept: args.kept, rule: 'tie_break_worse' };
  if (r1.status !== 'optimal') return { kept: alt1, rule: 'tie_break_time_limit' };

  // Across scores: the objective held instead of the totals. Held to within HiGHS's feasibility
  // tolerance, no looser: a looser hold lets the solve trade objective for the tie rule, and the
  // exact check then rejects it.
  const scoreTerms = lp.columns.slice(0, n).map((c, j) => [j, c.cost] as const).filter(([, c]) => c !== 0);
  const across: LinearProgram = {
    ...lp,
    columns: tieCosts,
    rows: [...lp.rows, { terms: scoreTerms, lower: first.objective - Math.max(1e-13 * Math.abs(first.objective), 1e-6), upper: null }],
  };
  const r2 = timedSolve(stages, 'tie-break', args.backendFor(across), across, options(r1.values));
  if (r2.status !== 'optimal') return { kept: alt1, rule: 'within_scores_time_limit' };
  const alt2 = round(r2.values);
  const tieValue = (k: Kept) => k.units.reduce((s, u, i) => s + ranks[i]! * u, 0);
  if (notWorse(alt1, alt2) && tieValue(alt2) >= tieValue(alt1)) return { kept: alt2, rule: 'applied' };
  return { kept: alt1, rule: 'within_scores_worse' };
}

/**
 * Equal-score applications out of priority order: per score, those below their cap (whole units)
 * that come before (smaller project id) an application of the same score that got money. Where
 * the tie rule was not applied these are the orderings it could not confirm (some may be the
 * only optimum: a larger entitlement that does not fit). Decisions are left out.
 */
export function unorderedTies(p: Prepared, grantUnits: readonly number[]): UnorderedTie[] {
  const out: UnorderedTie[] = [];
  const { candidates, order, units } = p;
  let k = 0;
  while (k < order.length) {
    const score = candidates[order[k]!]!.score;
    let end = k;
    while (end < order.length && candidates[order[end]!]!.score.eq(score)) end++;
    const members = order.slice(k, end).filter((i) => !candidates[i]!.decision);
    const lastFunded = members.reduce((last, i, pos) => (grantUnits[i]! > 0 ? pos : last), -1);
    const firstShort = members.findIndex((i) => grantUnits[i]! < units.caps[i]!);
    if (firstShort >= 0 && firstShort < lastFunded) {
      out.push({
        score: score.toString(),
        short: members.slice(0, lastFunded).filter((i) => grantUnits[i]! < units.caps[i]!).map((i) => candidates[i]!.projectId),
        funded: members.slice(firstShort + 1).filter((i) => grantUnits[i]! > 0).map((i) => candidates[i]!.projectId),
      });
    }
    k = end;
  }
  return out;
}
