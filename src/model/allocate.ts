/**
 * The model's public face: check → prepare (eligibility, entitlements, limits, the LP's
 * shape) → solve on one of three paths → the reason for every grant. Takes records, returns
 * data; no files, no printing, no backend named: the caller hands in a backend or a picker.
 *
 *   scenarioIssues / checkScenario (check.ts)   input problems, all at once
 *   prepareAllocation, atBudget (prepare.ts)    what does not depend on the budget
 *   pickerWork                                  what the solve will hand the picker (select.ts `needsOf`)
 *   solvePrepared                               priority.ts, proportional.ts or integer.ts, then finish.ts
 *   allocate                                    all of it, for one budget
 */
import type { Backend, Picker, PickerWork } from '../solver/types.js';
import type { Application } from './application.js';
import { checkScenario } from './check.js';
import { solveInteger } from './integer.js';
import type { Policy } from './policy.js';
import { prepareAllocation, priorityLp } from './prepare.js';
import { solvePriority } from './priority.js';
import { solveProportional } from './proportional.js';
import { usesIntegerModel } from './rules.js';
import type { Scenario } from './scenario.js';
import type { AllocateOptions, Allocation, Prepared } from './types.js';

export { atBudget, prepareAllocation, priorityLp, priorityOrder } from './prepare.js';
export { checkScenario, scenarioIssues, type CheckOptions } from './check.js';
export type { AllocateOptions, Allocation, Binding, Line, Prepared, PrepareOptions, RuleNote, StageReport } from './types.js';

/**
 * Check, prepare and solve at the scenario's budget. Throws InputError listing every input
 * problem (a backend given here is checked for the integer rules; a picker is not).
 */
export function allocate(apps: readonly Application[], policy: Policy, scenario: Scenario, solver: Backend | Picker, options: AllocateOptions = {}): Allocation {
  checkScenario(apps, policy, scenario, { locked: options.locked, ...(typeof solver === 'function' ? {} : { solver }) });
  return solvePrepared(prepareAllocation(apps, policy, scenario, { locked: options.locked }), solver, options);
}

/**
 * What solving a preparation will hand the picker (to be made ready with select.ts `needsOf`):
 * the integer model, or the priority LP, or nothing (a proportional objective is computed exactly).
 */
export function pickerWork(prepared: Prepared): PickerWork {
  if (prepared.scenario.objective !== 'priority') return { integerModel: false, lps: [] };
  if (usesIntegerModel(prepared.scenario, prepared.candidates)) return { integerModel: true, lps: [] };
  return { integerModel: false, lps: [priorityLp(prepared)] };
}

/** Solve a checked preparation: a proportional objective exactly, the integer rules as an integer model, else the priority LP. */
export function solvePrepared(prepared: Prepared, solver: Backend | Picker, options: AllocateOptions = {}): Allocation {
  const pick: Picker = typeof solver === 'function' ? solver : () => ({ backend: solver, reason: `${solver.name} (given)` });
  if (prepared.scenario.objective !== 'priority') return solveProportional(prepared);
  if (usesIntegerModel(prepared.scenario, prepared.candidates)) return solveInteger(prepared, pick, options);
  return solvePriority(prepared, pick, options);
}
