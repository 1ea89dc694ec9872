/**
 * What the total budget does in an allocation, as numbers: whether it binds, the funding line
 * where the model has no dual (the integer rules), and what moving the budget by a step
 * changes — found by comparing the allocation with one solved at the other budget (the
 * pipeline re-solves and verifies it). Words for these are the report's (report/i18n).
 *
 * The funding line under integer rules (docs/how-it-works.md, "The value of money"): when the
 * total budget binds — at least one application below its entitlement is stopped by the total
 * budget and by no narrower limit (the room left is less than the least grant the rules allow
 * it: one unit, its minimum share, or its whole entitlement under all-or-nothing) — the lowest
 * score among the applications that compete for the budget and got money. Competing: a
 * candidate of this year, not forced by a decision, not locked by an earlier batch, and not a
 * member of a floor that holds it up (a measure or district floor met with less than one unit
 * to spare). Scores are the applications' own (as the reports show them).
 */
import type { Decimal } from 'decimal.js';
import type { Allocation, Line } from './types.js';

/** Whether some application below its entitlement is stopped by the total budget (and no narrower limit). */
export function budgetBinds(allocation: Allocation): boolean {
  const budget = allocation.limits.find((x) => x.kind === 'budget');
  return budget !== undefined && allocation.lines.some((l) => l.candidate >= 0 && l.limitId === budget.id);
}

/** The funding line under integer rules: the lowest score that got money in competition for the budget, and its project; null when the budget does not bind. */
export function lowestFundedLine(allocation: Allocation, granularity: Decimal): { readonly score: number; readonly projectId: string } | null {
  if (!budgetBinds(allocation)) return null;
  // Candidates held up by a floor met with less than a unit to spare.
  const heldUp = new Set<number>();
  allocation.limits.forEach((l, k) => {
    if (l.sense === 'min' && allocation.limitTotals[k]!.minus(l.amount).lt(granularity)) for (const i of l.members) heldUp.add(i);
  });
  let line: Line | null = null;
  for (const l of allocation.lines) {
    if (l.candidate < 0 || l.app.decision || heldUp.has(l.candidate) || !l.grant.gt(0)) continue;
    // The lowest score; among equal scores the last in priority order (the largest project id).
    if (line === null || l.app.score.lt(line.app.score) || (l.app.score.eq(line.app.score) && l.app.projectId > line.app.projectId)) line = l;
  }
  return line === null ? null : { score: line.app.score.toNumber(), projectId: line.app.projectId };
}

/** Applications by what became of them: how many, and the range of their scores (as in the applications). */
export interface ScoreGroup {
  readonly count: number;
  readonly scoreMin: number | null;
  readonly scoreMax: number | null;
}

/** What changes from one allocation to another solved at another budget (same applications, same order). */
export interface BudgetChange {
  /** The other allocation's Σ score × grant minus this one's (exact). */
  readonly objectiveChange: Decimal;
  readonly grantedChange: Decimal;
  /** Nothing before, money after. */
  readonly entering: ScoreGroup;
  /** Money before, nothing after. */
  readonly leaving: ScoreGroup;
  /** Money before and more after. */
  readonly raised: ScoreGroup;
  /** Money before and less (but some) after. */
  readonly lowered: ScoreGroup;
}

/** What `budgetChange` reads of an allocation: every line's grant (same applications, same order), with its application's score, the objective and the total granted. */
export interface Compared {
  readonly lines: readonly ComparedLine[];
  readonly objective: Decimal;
  readonly granted: Decimal;
}
type ComparedLine = { readonly app: Pick<Line['app'], 'score'>; readonly grant: Decimal };

export function budgetChange(from: Compared, to: Compared): BudgetChange {
  const groups = { entering: [] as ComparedLine[], leaving: [] as ComparedLine[], raised: [] as ComparedLine[], lowered: [] as ComparedLine[] };
  from.lines.forEach((a, i) => {
    const b = to.lines[i]!;
    if (a.grant.eq(b.grant)) return;
    if (a.grant.isZero()) groups.entering.push(b);
    else if (b.grant.isZero()) groups.leaving.push(b);
    else if (b.grant.gt(a.grant)) groups.raised.push(b);
    else groups.lowered.push(b);
  });
  const group = (ls: readonly ComparedLine[]): ScoreGroup => {
    if (!ls.length) return { count: 0, scoreMin: null, scoreMax: null };
    const scores = ls.map((l) => l.app.score);
    const min = scores.reduce((m, s) => (s.lt(m) ? s : m));
    const max = scores.reduce((m, s) => (s.gt(m) ? s : m));
    return { count: ls.length, scoreMin: min.toNumber(), scoreMax: max.toNumber() };
  };
  return {
    objectiveChange: to.objective.minus(from.objective),
    grantedChange: to.granted.minus(from.granted),
    entering: group(groups.entering),
    leaving: group(groups.leaving),
    raised: group(groups.raised),
    lowered: group(groups.lowered),
  };
}
