/**
 * whatif.html: one self-contained page (no network, no external assets) holding the loaded
 * scenario and fundplan's own solver, rounding and verifier bundled for the browser (esbuild, at
 * build time, into dist/whatif/: `ui.js` the page's script, `worker.js` its Web Worker, or
 * `worker-highs.js` with HiGHS's JS glue where the scenario needs HiGHS — then the page also
 * carries HiGHS's WebAssembly as base64 in `<script type="application/octet-stream">`, and its
 * CSP adds 'wasm-unsafe-eval', which lets the worker compile it and nothing more).
 *
 * Safety: the data is JSON inside `<script type="application/json">` with every `<` written as
 * \u003c, so no text of a user file can close the element; the worker's code sits in a
 * `<script type="text/plain">` (never run as a script) and is started from a blob: URL. The
 * Content-Security-Policy allows exactly the hashed stylesheet and page script, workers from
 * blob: URLs, and nothing else — no network, no eval — so a missed escape could neither run
 * script nor load anything. Every user text is escaped where the script puts it in the page.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Decimal } from 'decimal.js';
import { InternalError } from '../errors.js';
import { pickerWork } from '../model/allocate.js';
import type { Application } from '../model/application.js';
import { prepareOrConflicts } from '../pipeline/verified.js';
import { needsOf } from '../solver/select.js';
import { whyNotNetwork } from '../solver/network.js';
import type { Allocation } from '../model/types.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import { esc } from '../report/svg.js';
import { words, type Lang } from '../report/i18n/index.js';
import { encodeInput } from './data.js';
import { WHATIF_CSS } from './style.js';
import { decisionWords } from './words.js';

/** The file the page is written to. */
export const WHATIF_FILE = 'whatif.html';

export interface WhatIfPageInput {
  readonly scenario: Scenario;
  readonly policy: Policy;
  readonly applications: readonly Application[];
  /** Grants earlier batches locked (absent: none). */
  readonly locked?: ReadonlyMap<string, Decimal>;
  /** The lock files an exported scenario names (absolute, or relative to the current directory), where it must name them. */
  readonly lockFiles?: readonly string[];
  /** The scenario file (absolute, or relative to the current directory), which an exported scenario extends. */
  readonly scenarioPath: string;
  /** The folder the page is written to: the page names the scenario relative to it. */
  readonly outDir: string;
  readonly lang: Lang;
  /** Whether the page carries HiGHS, when the caller already knows (from a solve: {@link highsNeededBy}); else the scenario is prepared to find out. */
  readonly highs?: boolean;
}

interface Bundles {
  readonly ui: string;
  readonly worker: string;
  readonly workerHighs: string;
}

/** The bundles made by `npm run build` (scripts/bundle-whatif.mjs), read once. */
let bundles: Bundles | null = null;
function readBundles(): Bundles {
  if (bundles) return bundles;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const at = join(dir, 'dist', 'whatif');
    if (existsSync(join(at, 'worker.js'))) {
      const read = (name: string) => readFileSync(join(at, `${name}.js`), 'utf8');
      bundles = { ui: read('ui'), worker: read('worker'), workerHighs: read('worker-highs') };
      for (const [name, code] of Object.entries(bundles)) {
        // Inlined in <script>: neither may hold what would end or re-open the element.
        if (/<\/script|<!--/i.test(code)) throw new InternalError(`the what-if page's bundle ${name}.js holds "</script" or "<!--": it cannot be inlined`);
      }
      return bundles;
    }
    dir = dirname(dir);
  }
  throw new InternalError("the what-if page's browser bundle (dist/whatif/worker.js) is missing: run npm run build");
}

/**
 * Whether the scenario as given needs HiGHS (`fundplan solve --solver auto` would load it): an
 * integer model, or an LP that is not a network LP. Only then does the page carry its WebAssembly.
 */
function needsHighs(input: WhatIfPageInput): boolean {
  const prepared = prepareOrConflicts(input.applications, input.policy, input.scenario, { locked: input.locked });
  if ('status' in prepared) return false;
  const needs = needsOf(pickerWork(prepared));
  return !!needs.integer || !needs.network;
}

/** The same question answered from a solve's allocation (its model, its stage-1 LP), with no preparation. */
export function highsNeededBy(allocation: Allocation, scenario: Scenario): boolean {
  if (scenario.objective !== 'priority') return false;
  return allocation.rules?.model === 'integer' || whyNotNetwork(allocation.model.lp) !== null;
}

/** HiGHS's WebAssembly (npm `highs`), base64. */
const highsWasm = (): string => readFileSync(createRequire(import.meta.url).resolve('highs/runtime')).toString('base64');

const sha256b64 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
/** JSON that cannot end the <script> element it sits in. */
const inlineJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function renderWhatIf(input: WhatIfPageInput): string {
  const bundled = readBundles();
  const { ui } = bundled;
  const highs = input.highs ?? needsHighs(input);
  const worker = highs ? bundled.workerHighs : bundled.worker;
  const w = words(input.lang).whatif;
  const c = words(input.lang).whatif.col;
  const fromOut = (path: string) => relative(resolve(input.outDir), resolve(path)).split(sep).join('/');
  const original = fromOut(input.scenarioPath);
  const data = encodeInput({ lang: input.lang, extends: original, lock: input.lockFiles?.map(fromOut), policy: input.policy, scenario: input.scenario, applications: input.applications, locked: input.locked });
  const csp = [
    "default-src 'none'",
    // HiGHS's WebAssembly, where the page carries it, is compiled in the worker: nothing else is allowed.
    `script-src 'sha256-${sha256b64(ui)}'${highs ? " 'wasm-unsafe-eval'" : ''}`,
    'worker-src blob:',
    `style-src 'sha256-${sha256b64(WHATIF_CSS)}'`,
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const th = (...cols: string[]) => `<tr>${cols.map((x) => `<th>${esc(x)}</th>`).join('')}</tr>`;
  return [
    '<!DOCTYPE html>',
    `<html lang="${words(input.lang).htmlLang}" data-lang="${input.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(input.scenario.name)} · ${esc(w.title)}</title>`,
    `<style>${WHATIF_CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${esc(w.title)}</h1><p class="sub">${esc(input.scenario.name)}</p><p class="note">${esc(w.intro)}</p></header>`,
    '<div class="layout">',
    `<aside id="controls"><h2>${esc(w.controls)}</h2>`,
    `<div class="buttons"><button type="button" id="undo">${esc(w.undo)}</button><button type="button" id="reset">${esc(w.reset)}</button></div>`,
    '<div id="sliders"></div>',
    `<div class="exports"><button type="button" id="export-scenario" disabled>${esc(w.exportScenario)}</button><button type="button" id="export-table" disabled>${esc(w.exportTable)}</button></div>`,
    `<p class="note">${esc(w.exportNote(original))}</p>`,
    '</aside>',
    '<main id="result" data-busy="true">',
    `<h2>${esc(w.results)}</h2>`,
    `<p id="status-line">${esc(w.computing)}</p>`,
    '<div id="problem" role="alert" hidden></div>',
    '<p id="headline" class="headline"></p>',
    '<p id="funding-line"></p>',
    '<p id="more"></p>',
    `<h2>${esc(w.changes)}</h2>`,
    '<p id="change-counts"></p>',
    `<table class="diff"><thead>${th('', c.id, c.name, c.before, c.after, c.delta, c.note)}</thead><tbody id="changes"></tbody></table>`,
    '<div class="pager" id="changes-pager" hidden><button type="button" id="changes-prev" aria-label="‹">‹</button> <span id="changes-of"></span> <button type="button" id="changes-next" aria-label="›">›</button></div>',
    `<section class="part"><h2>${esc(w.frontier)}</h2>`,
    `<p class="note">${esc(w.frontierNote)}</p>`,
    '<svg id="frontier" xmlns="http://www.w3.org/2000/svg" role="img"></svg></section>',
    `<section class="part"><h2>${esc(w.byMeasure)}</h2>`,
    '<div id="measures"></div></section>',
    `<section class="part"><h2>${esc(w.projects)}</h2>`,
    `<div class="filters"><input type="search" id="filter" placeholder="${esc(w.filter)}" aria-label="${esc(w.filter)}"><label><input type="checkbox" id="only-funded"> ${esc(w.onlyFunded)}</label></div>`,
    `<table class="projects"><thead>${th(c.id, c.name, c.company, c.district, c.score, c.entitlement, c.grant, c.binding)}</thead><tbody id="projects"></tbody></table>`,
    '<div class="pager" id="pager" hidden><button type="button" id="page-prev" aria-label="‹">‹</button> <span id="page-of"></span> <button type="button" id="page-next" aria-label="›">›</button></div></section>',
    '</main>',
    '</div>',
    `<dialog id="explain"><h2>${esc(w.explanation)}</h2><div id="explain-body"></div>`,
    `<div class="decide"><label>${esc(w.reason)} <input type="text" id="reason" maxlength="200"></label>`,
    `<button type="button" data-decide="fund">${esc(w.fund)}</button><button type="button" data-decide="exclude">${esc(w.exclude)}</button><button type="button" data-decide="none">${esc(decisionWords[input.lang].asFiled)}</button><button type="button" data-decide="clear" hidden>${esc(decisionWords[input.lang].clear)}</button></div>`,
    `<button type="button" id="explain-close">${esc(w.close)}</button></dialog>`,
    `<footer>${esc(w.generated)}</footer>`,
    `<script type="application/json" id="fundplan-data">${inlineJson(data)}</script>`,
    `<script type="text/plain" id="fundplan-worker">${worker}</script>`,
    ...(highs ? [`<script type="application/octet-stream" id="fundplan-highs">${highsWasm()}</script>`] : []),
    `<script>${ui}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
