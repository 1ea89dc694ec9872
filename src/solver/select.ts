/**
 * Which backend solves a model. `auto`: an integer model goes to HiGHS; the policy's own LP,
 * which is a flow problem (company limits nested on one side, measure budgets and the total
 * budget on the other), to the exact network simplex at any size; any other LP (district
 * budgets crossing companies, quotas, …) to javascript-lp-solver when small, where it answers
 * before HiGHS's WebAssembly has even loaded, and to HiGHS otherwise (docs/solvers-and-benchmarks.md, "Solver backends",
 * has the measured times).
 */
import { jslpBackend } from './jslp.js';
import { createHighsBackend, openParametricLp } from './highs.js';
import type { Backend, Basis, LinearProgram, MipProgress, ParametricLp, Picker, PickerWork } from './types.js';
import { AUTO_JSLP_MAX_COLUMNS, autoPicker } from './pick.js';
import { networkOf, openNetworkParametric, whyNotNetwork } from './network.js';

export const SOLVER_CHOICES = ['auto', 'network', 'jslp', 'highs'] as const;
export type SolverChoice = (typeof SOLVER_CHOICES)[number];

export { AUTO_JSLP_MAX_COLUMNS } from './pick.js';

export type { MipProgress, Picked, Picker, PickerWork } from './types.js';

export interface PickerNeeds {
  /** The model has integer columns (HiGHS is needed). */
  readonly integer?: boolean;
  /**
   * Every LP the model will hand to the picker is a network LP, or it hands none (a
   * proportional objective): HiGHS is not needed for `auto` or `network`.
   */
  readonly network?: boolean;
  /** The most columns of an LP the model will hand over, where known (HiGHS's compilation depends on it: OPTIMIZED_WASM_COLUMNS). */
  readonly columns?: number;
  /** Hears how HiGHS's integer models' searches stand while they run. */
  readonly onMipProgress?: (progress: MipProgress) => void;
}

/**
 * What the backends must be ready for, from what the model will hand the picker: HiGHS for an
 * integer model; none beyond the network simplex when every LP is a network LP (the priority
 * LP of the policy's own limits) or there is none (a proportional objective).
 */
export function needsOf(work: PickerWork): PickerNeeds {
  if (work.integerModel) return { integer: true, network: false };
  return { integer: false, network: work.lps.every((lp) => whyNotNetwork(lp) === null), columns: Math.max(0, ...work.lps.map((lp) => lp.columns.length)) };
}

/**
 * The backend a choice gives integer models to: HiGHS, except under `--solver jslp` (the
 * scenario check names the integer rules that then cannot be solved).
 */
export function integerBackendOf(choice: SolverChoice): Pick<Backend, 'name' | 'solvesIntegers'> {
  return choice === 'jslp' ? jslpBackend : { name: 'HiGHS', solvesIntegers: true };
}

/**
 * Prepare the backends `choice` may need for models of up to `maxColumns` columns
 * (HiGHS's Wasm is loaded only when it can be picked).
 */
export async function loadPicker(choice: SolverChoice, maxColumns: number, options: PickerNeeds = {}): Promise<Picker> {
  if (choice === 'jslp') return () => ({ backend: jslpBackend, reason: 'javascript-lp-solver (--solver jslp)' });
  if (choice === 'highs') {
    const highs = await createHighsBackend(options.columns ?? maxColumns, options.onMipProgress);
    return () => ({ backend: highs, reason: `${highs.name} (--solver highs)` });
  }
  const highs = !options.network && (maxColumns > AUTO_JSLP_MAX_COLUMNS || options.integer) ? await createHighsBackend(options.columns ?? maxColumns, options.onMipProgress) : null;
  return autoPicker(choice, { highs, jslp: jslpBackend });
}
/**
 * A solved LP kept open for sensitivity questions (marginal values and their ranges): on the
 * network simplex when the LP is a network LP (warm re-solves from its optimal tree, exact),
 * else on HiGHS, warm-started from `basis` when one is known. Null when the LP is infeasible.
 */
export async function openSensitivity(lp: LinearProgram, basis?: Basis): Promise<ParametricLp | null> {
  const plan = networkOf(lp);
  return plan ? openNetworkParametric(plan) : openParametricLp(lp, basis);
}
