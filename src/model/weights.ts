/**
 * The score an application competes with: the scenario's award score for measures whose
 * applications carry no expert score (`awardScores`), times the measure's weight for the
 * year (`measureWeights`, default 1). `minScore` applies to the score before the weight.
 */
import type { Decimal } from 'decimal.js';
import type { Application } from './application.js';
import type { Scenario } from './scenario.js';

/** The score `minScore` is compared with: the award score where the scenario gives one. */
export function baseScore(a: Application, s: Scenario): Decimal {
  return s.awardScores?.get(a.measureId) ?? a.score;
}

/** The score used by the objective and the priority order. */
export function weightedScore(a: Application, s: Scenario): Decimal {
  const w = s.measureWeights?.get(a.measureId);
  const b = baseScore(a, s);
  return w ? b.times(w) : b;
}

/** Whether the scenario changes any score (else candidates are the applications as read). */
export function rescores(s: Scenario): boolean {
  return !!(s.measureWeights?.size || s.awardScores?.size);
}
