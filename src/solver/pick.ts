/**
 * `--solver auto` and `--solver network` as a picker over backends already loaded, with nothing
 * of files in it (so the what-if page's worker picks exactly as `fundplan solve` does): an integer
 * model to HiGHS; a network LP to the exact network simplex at any size; any other LP to
 * javascript-lp-solver up to AUTO_JSLP_MAX_COLUMNS columns, else to HiGHS. A backend the choice
 * needs but the caller did not load is a MissingBackend error naming why it was needed.
 */
import { InternalError } from '../errors.js';
import { isMip, type Backend, type LinearProgram, type Picked, type Picker } from './types.js';
import { networkBackend } from './network-backend.js';
import { whyNotNetwork } from './network.js';

/** Largest LP (columns) that `auto` gives to javascript-lp-solver. */
export const AUTO_JSLP_MAX_COLUMNS = 500;

/** A model that needs a backend the picker was not given (`why`: what about the model needs it). */
export class MissingBackend extends Error {}

export function autoPicker(choice: 'auto' | 'network', backends: { readonly highs: Backend | null; readonly jslp: Backend | null }): Picker {
  const { highs, jslp } = backends;
  const general = (lp: LinearProgram, why: string): Picked => {
    const n = lp.columns.length;
    if (n <= AUTO_JSLP_MAX_COLUMNS) {
      if (!jslp) throw new MissingBackend(`${why}; ${n} columns ≤ ${AUTO_JSLP_MAX_COLUMNS} → javascript-lp-solver`);
      return { backend: jslp, reason: `${why}; ${n} columns ≤ ${AUTO_JSLP_MAX_COLUMNS} → javascript-lp-solver` };
    }
    // Never a big LP on javascript-lp-solver's dense tableau: the caller said it would not need HiGHS.
    if (!highs) throw new InternalError(`HiGHS was not loaded for an LP of ${n} columns that is not a network LP`, [why]);
    return { backend: highs, reason: `${why}; ${n} columns > ${AUTO_JSLP_MAX_COLUMNS} → ${highs.name}` };
  };
  const from = choice === 'network' ? '--solver network' : 'auto';
  return (lp) => {
    // The policy's own model is a flow problem: the exact network simplex, at any size. A network
    // LP has no integer column (the detection refuses one at the first it meets), so asking this
    // first decides the same and spares the network LP a second pass over its columns.
    const notNetwork = whyNotNetwork(lp);
    if (notNetwork === null) return { backend: networkBackend, reason: `${from}: a network LP (limits in two nested families) → ${networkBackend.name}` };
    // An integer model always goes to HiGHS (javascript-lp-solver is never trusted with one).
    if (isMip(lp)) {
      if (!highs) throw new MissingBackend(`${from}: integer model → HiGHS`);
      return { backend: highs, reason: `${from}: integer model → ${highs.name}` };
    }
    return general(lp, `${from}: not a network LP (${notNetwork})`);
  };
}
