/**
 * The what-if page's Web Worker (bundled for the browser, started from a blob: URL): it holds
 * the scenario and fundplan's solver, rounding and verifier (engine.ts), so the page never
 * freezes while a result is computed. Messages in: `init` (the page's data as JSON text, and
 * HiGHS's WebAssembly as base64 where the page carries it, which worker-highs.ts loads; every
 * later message waits for it),
 * `solve` (a fragment of settings), `explain` (a project id), `export` (the settings as a scenario
 * file), `table` (the funded list as CSV), `frontier`, `more` (what ¥10,000,000 more budget would do).
 * Messages out: `controls`, `baseline`, `result` (with the fragment it answers; results as
 * wire.ts packs them), `explanation`,
 * `export`, `table`, `frontier`, `more`; `controls` carries `msHighs`, how long loading HiGHS took.
 */
import { z } from 'zod';
import { D } from '../money.js';
import { WhatIf } from './engine.js';
import type { WhatIfData } from './data.js';
import type { Picker } from '../solver/types.js';
import { toWire } from './wire.js';

// No code generated at run time: the page's CSP allows no eval.
z.config({ jitless: true });

export type WorkerRequest =
  | { readonly type: 'init'; readonly data: string; readonly quiet?: boolean; readonly highs?: string }
  | { readonly type: 'solve'; readonly fragment: string }
  | { readonly type: 'explain'; readonly id: string }
  | { readonly type: 'export'; readonly fragment: string; readonly extends?: string; readonly lock?: readonly string[] }
  | { readonly type: 'table' }
  | { readonly type: 'more'; readonly fragment: string; readonly step: string }
  | { readonly type: 'frontier'; readonly fragment: string; readonly top: string; readonly points: number };

const post = (m: unknown) => (self as unknown as { postMessage(m: unknown): void }).postMessage(m);
let whatif: WhatIf | null = null;
/** Loads the HiGHS the page carries (base64 WebAssembly) into a picker: set by worker-highs.ts, the worker of pages that need it. */
let highsPicker: ((wasm: string) => Promise<{ readonly picker: Picker; readonly ms: number }>) | null = null;
export function useHighs(load: NonNullable<typeof highsPicker>): void {
  highsPicker = load;
}
/** Settles when `init` is done: every other message waits for it (loading HiGHS takes a while). */
let ready: Promise<void> = Promise.resolve();

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const m = e.data;
  try {
    if (m.type === 'init') {
      ready = (async () => {
        const highs = m.highs && highsPicker ? await highsPicker(m.highs) : null;
        whatif = new WhatIf(JSON.parse(m.data) as WhatIfData, highs?.picker);
        // A background worker (`quiet`) only answers what can wait: no controls, no baseline.
        if (m.quiet) return;
        post({ type: 'controls', controls: whatif.controls(), msHighs: highs?.ms ?? null });
        // The baseline: the scenario as solved, which every later result is compared with.
        post({ type: 'baseline', result: toWire(whatif.solve()) });
      })();
      await ready;
      return;
    }
    await ready;
    if (m.type === 'solve' && whatif) {
      post({ type: 'result', fragment: m.fragment, result: toWire(whatif.solveFragment(m.fragment)) });
    } else if (m.type === 'export' && whatif) {
      post({ type: 'export', json: whatif.exportScenario(m.fragment, m.extends, m.lock) });
    } else if (m.type === 'more' && whatif) {
      post({ type: 'more', fragment: m.fragment, more: whatif.more(m.fragment, new D(m.step)) });
    } else if (m.type === 'table' && whatif) {
      post({ type: 'table', csv: whatif.fundedCsv() });
    } else if (m.type === 'frontier' && whatif) {
      post({ type: 'frontier', fragment: m.fragment, points: whatif.frontier(m.fragment, new D(m.top), m.points) });
    } else if (m.type === 'explain' && whatif) {
      post({ type: 'explanation', id: m.id, lines: whatif.explain(m.id) });
    }
  } catch (err) {
    post({ type: 'result', fragment: m.type === 'solve' ? m.fragment : '', result: { status: 'error', message: 'failed', details: [String(err)], ms: 0 } });
  }
};
