/**
 * `fundplan whatif <scenario.json> [--out DIR]`: whatif.html alone, the page where the budgets are
 * moved and the result follows (src/whatif/). The scenario is loaded and checked as `solve` does
 * (bad input is an InputError, exit 1); the page solves it itself, with the same code.
 */
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeOutputsAtomically } from '../io/write.js';
import { horizonOf } from '../model/years.js';
import { checkScenario } from '../model/check.js';
import { withLocks, loadScenario } from '../pipeline/load.js';
import { exportedLocks } from '../pipeline/outputs.js';
import type { Lang } from '../report/i18n/index.js';
import { renderWhatIf, WHATIF_FILE } from '../whatif/page.js';
import { WHATIF_MULTI_YEAR } from './solve.js';

export interface WhatIfCommandOptions {
  readonly scenario: string;
  readonly out: string;
  readonly lang?: Lang;
  /** Earlier batches' allocations.csv kept fixed, after the scenario's own `lock`. */
  readonly lock?: string | readonly string[];
  /** The sheet of an .xlsx applications file. */
  readonly sheet?: string;
}

export interface WhatIfOutcome {
  readonly file: string;
  readonly bytes: number;
  readonly text: string;
}

export async function runWhatIf(options: WhatIfCommandOptions): Promise<WhatIfOutcome> {
  const loaded = withLocks(loadScenario(options.scenario, { sheet: options.sheet }), options.lock);
  if (loaded.scenario.cashPlan) throw new InputError([{ file: options.scenario, row: 'cash', expected: `a one-year scenario (${WHATIF_MULTI_YEAR})`, found: `cash by year ${horizonOf(loaded.scenario.cashPlan).join(', ')}` }]);
  const locked = loaded.locks.sources.length ? loaded.locks.grants : undefined;
  checkScenario(loaded.applications, loaded.policy, loaded.scenario, { locked, lockedFrom: loaded.locks.at });
  const html = renderWhatIf({ scenario: loaded.scenario, policy: loaded.policy, applications: loaded.applications, locked, lockFiles: exportedLocks(options.scenario, loaded.locks), scenarioPath: options.scenario, outDir: options.out, lang: options.lang ?? 'zh' });
  writeOutputsAtomically(options.out, [{ name: WHATIF_FILE, content: html }]);
  const file = join(options.out, WHATIF_FILE);
  const bytes = Buffer.byteLength(html, 'utf8');
  return { file, bytes, text: `${file} (${(bytes / 1e6).toFixed(2)} MB, ${loaded.applications.length} applications)` };
}
