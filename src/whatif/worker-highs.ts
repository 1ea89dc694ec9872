/**
 * The worker of what-if pages whose scenario needs HiGHS (an integer model, or an LP that is not
 * a network LP): worker.ts with HiGHS's WebAssembly runtime (npm `highs`, its JS glue bundled
 * here; the .wasm itself the page carries as base64 and `init` hands over), so the page picks
 * backends exactly as `fundplan solve --solver auto` does.
 */
import type { Highs } from 'highs';
import highs from 'highs';
import { highsBackendOf } from '../solver/highs-backend.js';
import { autoPicker } from '../solver/pick.js';
import { useHighs } from './worker.js';

useHighs(async (wasm) => {
  const t = performance.now();
  const bytes = Uint8Array.from(atob(wasm), (c) => c.charCodeAt(0));
  // The glue would fetch highs.wasm beside itself: it is handed the module compiled from the page's bytes instead.
  const h = await (highs as unknown as (options: object) => Promise<Highs>)({
    locateFile: (path: string) => path,
    instantiateWasm: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => {
      void WebAssembly.instantiate(bytes, imports).then((r) => done(r.instance));
      return {};
    },
  });
  // javascript-lp-solver is not carried: a small LP that is not a network LP, which `auto` gives
  // to it, is an error asking for `fundplan solve`.
  return { picker: autoPicker('auto', { highs: highsBackendOf(h), jslp: null }), ms: performance.now() - t };
});
