/**
 * The what-if page's script (bundled for the browser, inlined under the page's CSP): the
 * controls, the URL fragment that holds their settings, and the results the worker sends back.
 * It computes nothing itself: every number shown comes from the worker (engine.ts), which runs
 * fundplan's own solver, rounding and verifier.
 *
 * The fragment is the state: moving a control writes it (history.replaceState) and asks the
 * worker for the result; a fragment changed from outside (`hashchange`) is applied exactly as if
 * the controls had been moved. While a result is computed, only the newest settings are queued.
 *
 * Machine-readable: `#result` carries data-status (optimal / infeasible / error), data-total-granted
 * (yuan), data-funded-count, data-busy, data-fragment (the settings its numbers are for) and
 * data-ms and data-render-ms (the worker's and the page's milliseconds); every
 * project row carries data-project-id and data-grant (yuan, two decimals).
 */
import { D, WAN } from '../money.js';
import { words, type Lang } from '../report/i18n/index.js';
import type { Controls, ViewResult } from './engine.js';
import { formatFragment, parseFragment, type Bounds, type Settings } from './settings.js';
import { fromWire, type WireResult } from './wire.js';
import { decisionWords } from './words.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const esc = (s: string | number) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Yuan (text) in 万元 with two decimals and thousands separators. */
const wan = (yuan: string) => {
  const [int, frac] = new D(yuan).div(WAN).toFixed(2).split('.');
  return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
};
/** 万元 as typed (a number) → yuan text, whole fen. */
const yuanOf = (wanText: string): string | null => {
  const t = wanText.trim().replace(/,/g, '');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return new D(t).times(WAN).toDecimalPlaces(2, D.ROUND_DOWN).toFixed();
};
const wanValue = (yuan: string | null) => (yuan === null ? '' : new D(yuan).div(WAN).toDecimalPlaces(2, D.ROUND_DOWN).toFixed());

const lang = (document.documentElement.dataset.lang === 'en' ? 'en' : 'zh') as Lang;
const w = words(lang).whatif;
const dw = decisionWords[lang];

let controls: Controls | null = null;
let baseline: ViewResult | null = null;
let shown: ViewResult | null = null;
let state = '';
const undo: string[] = [];
let busy = false;
let queued: string | null = null;
let sentAt = 0;
let frontierFor: string | null = null;
let frontierPoints: { budget: string; objective: number }[] | null = null;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
/** How long the settings stay put before the page asks for the frontier and what more budget would do. */
const IDLE_MS = 400;
/** ¥10,000,000 (1000 万元): the step of "what more budget would do". */
const MORE_STEP = '10000000';

const workerUrl = URL.createObjectURL(new Blob([$('fundplan-worker').textContent ?? ''], { type: 'text/javascript' }));
/** The worker that answers the controls, and one for what can wait (the frontier, what more budget would do), so that never holds a change up. */
const worker = new Worker(workerUrl);
const background = new Worker(workerUrl);
background.onmessage = (e: MessageEvent) => {
  const m = e.data as { type: string } & Record<string, unknown>;
  if (m.type === 'frontier' || m.type === 'more') handle(m);
};
worker.onmessage = (e: MessageEvent) => handle(e.data as { type: string } & Record<string, unknown>);
function handle(m: { type: string } & Record<string, unknown>): void {
  if (m.type === 'controls') {
    controls = m.controls as Controls;
    // How long loading HiGHS took, where the page carries it (shown with the first result).
    if (typeof m.msHighs === 'number') $('result').dataset.msHighs = String(Math.round(m.msHighs));
    buildControls(controls);
  } else if (m.type === 'baseline') {
    baseline = fromWire(m.result as WireResult);
    // Open on the fragment the link carries (the baseline's own numbers when it has none).
    const hash = location.hash.slice(1);
    if (hash) setState(hash, false);
    else finish('', baseline);
  } else if (m.type === 'result') {
    finish(m.fragment as string, fromWire(m.result as WireResult));
  } else if (m.type === 'explanation') {
    showExplanation(m.id as string, m.lines as string[]);
  } else if (m.type === 'more') {
    const more = m.more as { step: string; enter: number; gain: number } | null;
    $('more').textContent = m.fragment === state && more ? w.more(wan(more.step).replace(/\.00$/, ''), more.enter, more.gain) : '';
  } else if (m.type === 'table') {
    download(`${controls?.scenarioName ?? 'funded'}-funded.csv`, m.csv as string, 'text/csv');
  } else if (m.type === 'export') {
    if (m.json) download(`${controls?.scenarioName ?? 'scenario'}-whatif.json`, m.json as string, 'application/json');
  } else if (m.type === 'frontier') {
    if (m.fragment === frontierFor) frontierPoints = m.points as { budget: string; objective: number }[] | null;
    drawFrontier();
  }
}
// HiGHS's WebAssembly (base64), in pages whose scenario needs it.
const init = { type: 'init', data: $('fundplan-data').textContent ?? '', highs: document.getElementById('fundplan-highs')?.textContent ?? undefined };
worker.postMessage(init);
background.postMessage({ ...init, quiet: true });

/** Settings with the fragment's budget and every other key except it: the frontier depends on the latter only. */
const withoutBudget = (s: Settings): string => formatFragment({ ...s, budget: undefined });

function setState(fragment: string, record = true): void {
  const canonical = canonicalOf(fragment);
  if (record && canonical !== state) undo.push(state);
  state = canonical;
  if (location.hash.slice(1) !== canonical) history.replaceState(null, '', canonical ? `#${canonical}` : location.pathname + location.search);
  // The worker starts on the result while the page brings its controls in line.
  request();
  syncControls();
}

/** A fragment written as the page writes it (keys in order); one the page cannot use is kept as it is, to show its errors. */
function canonicalOf(fragment: string): string {
  const { settings, issues } = parseFragment(fragment);
  return issues.length ? fragment : formatFragment(settings);
}

function request(): void {
  const result = $('result');
  result.dataset.busy = 'true';
  $('status-line').textContent = w.computing;
  if (busy) {
    queued = state;
    return;
  }
  busy = true;
  sentAt = performance.now();
  worker.postMessage({ type: 'solve', fragment: state });
}

function finish(fragment: string, r: ViewResult): void {
  busy = false;
  const took = performance.now() - sentAt;
  if (queued !== null && queued !== fragment) {
    const next = queued;
    queued = null;
    busy = true;
    sentAt = performance.now();
    worker.postMessage({ type: 'solve', fragment: next });
    return;
  }
  queued = null;
  if (fragment !== state) return;
  shown = r;
  const t = performance.now();
  render(fragment, r, sentAt ? took : r.ms);
  // The page's own milliseconds for drawing it (the benchmark reads it).
  $('result').dataset.renderMs = String(Math.round(performance.now() - t));
  $('more').textContent = '';
  clearTimeout(idleTimer);
  if (r.status !== 'optimal') return;
  // The frontier (when the settings other than the budget changed) and what more budget would do:
  // asked of the background worker once the settings have stayed put a moment.
  idleTimer = setTimeout(() => {
    if (fragment !== state) return;
    const { settings, issues } = parseFragment(fragment);
    const key = issues.length ? null : withoutBudget(settings);
    if (key !== null && key !== frontierFor && controls) {
      frontierFor = key;
      frontierPoints = null;
      background.postMessage({ type: 'frontier', fragment: key, top: controls.budgetTop, points: 48 });
    }
    background.postMessage({ type: 'more', fragment, step: MORE_STEP });
  }, IDLE_MS);
}

// ——— the controls ———

interface Slot {
  readonly range: HTMLInputElement;
  readonly number: HTMLInputElement;
  /** The scenario's value (yuan), null: none. */
  readonly base: string | null;
  read(s: Settings): string | null | undefined;
  write(s: Settings, yuan: string | null): Settings;
}
const slots: Slot[] = [];

/** A slider and its typed-in value (万元); `key` is the setting's fragment key, also the field's data-control. */
function slotHtml(id: string, key: string, label: string, top: string, hint: string): string {
  const max = Math.max(Number(wanValue(top)), 1);
  return `<div class="slot"><label for="${id}-n">${esc(label)}</label>
<input type="range" id="${id}-r" min="0" max="${max}" step="any"${id === 'budget' ? ' list="budget-marks"' : ''} aria-label="${esc(label)}">
<span class="num"><input type="number" id="${id}-n" min="0" step="0.01" inputmode="decimal" placeholder="${esc(hint)}" data-control="${esc(key)}"> ${esc(w.wan)}</span></div>`;
}

const sided = (m: ReadonlyMap<string, Bounds>, name: string, side: 'max' | 'min') => m.get(name)?.[side];
function withSide(m: ReadonlyMap<string, Bounds>, name: string, side: 'max' | 'min', yuan: string | null): Map<string, Bounds> {
  const out = new Map(m);
  out.set(name, { ...out.get(name), [side]: yuan === null ? null : new D(yuan) });
  return out;
}

function buildControls(c: Controls): void {
  const parts: string[] = [];
  parts.push(`<h3>${esc(w.budget)}</h3>`, slotHtml('budget', 'budget', w.budget, c.budgetTop, wanValue(c.budget)), '<datalist id="budget-marks"></datalist>');
  parts.push(`<h3>${esc(w.measures)}</h3>`);
  c.measures.forEach((m, i) => {
    parts.push(`<div class="measure"><div class="mlabel">${esc(m.label)}</div>`, slotHtml(`m${i}-max`, `measure.${m.id}.max`, w.max, m.top, m.max === null ? w.noLimit : wanValue(m.max)), slotHtml(`m${i}-min`, `measure.${m.id}.min`, w.min, m.top, m.min === null ? w.noLimit : wanValue(m.min)), '</div>');
  });
  if (c.companyAnnualCap !== null) parts.push(`<h3>${esc(w.companyAnnualCap)}</h3>`, slotHtml('company', 'companyAnnualCap', w.companyAnnualCap, c.companyTop, wanValue(c.companyAnnualCap)));
  if (c.districts.length) {
    parts.push(`<h3>${esc(w.districts)}</h3>`);
    c.districts.forEach((d, i) => {
      parts.push(`<div class="measure"><div class="mlabel">${esc(d.name)}</div>`, slotHtml(`d${i}-max`, `district.${d.name}.max`, w.max, d.top, d.max === null ? w.noLimit : wanValue(d.max)), slotHtml(`d${i}-min`, `district.${d.name}.min`, w.min, d.top, d.min === null ? w.noLimit : wanValue(d.min)), '</div>');
    });
  }
  parts.push(`<h3>${esc(w.decisions)}</h3><ul id="decided"></ul>`);
  $('sliders').innerHTML = parts.join('\n');

  const add = (id: string, base: string | null, read: Slot['read'], write: Slot['write']) => slots.push({ range: $(`${id}-r`), number: $(`${id}-n`), base, read, write });
  add('budget', c.budget, (s) => s.budget?.toFixed(), (s, y) => ({ ...s, budget: y === null ? undefined : new D(y) }));
  c.measures.forEach((m, i) => {
    for (const side of ['max', 'min'] as const) {
      add(`m${i}-${side}`, m[side], (s) => { const v = sided(s.measures, m.id, side); return v === undefined ? undefined : (v?.toFixed() ?? null); }, (s, y) => ({ ...s, measures: withSide(s.measures, m.id, side, y) }));
    }
  });
  if (c.companyAnnualCap !== null) add('company', c.companyAnnualCap, (s) => s.companyAnnualCap?.toFixed(), (s, y) => ({ ...s, companyAnnualCap: y === null ? undefined : new D(y) }));
  c.districts.forEach((d, i) => {
    for (const side of ['max', 'min'] as const) {
      add(`d${i}-${side}`, d[side], (s) => { const v = sided(s.districts, d.name, side); return v === undefined ? undefined : (v?.toFixed() ?? null); }, (s, y) => ({ ...s, districts: withSide(s.districts, d.name, side, y) }));
    }
  });
  for (const slot of slots) {
    const move = (yuan: string | null) => setState(formatFragment(slot.write(parseFragment(state).settings, yuan)));
    slot.range.addEventListener('input', () => {
      slot.number.value = new D(slot.range.value).toDecimalPlaces(2, D.ROUND_DOWN).toFixed();
      move(yuanOf(slot.number.value));
    });
    slot.number.addEventListener('change', () => {
      // An empty field: the scenario's value for the budget and the company cap, no limit for a measure or district.
      const empty = slot.number.value.trim() === '';
      const yuan = empty ? null : yuanOf(slot.number.value);
      if (!empty && yuan === null) return;
      move(yuan);
    });
  }
  syncControls();
}

/** Every control shows the settings in force (the scenario's value where a setting leaves it). */
function syncControls(): void {
  const { settings } = parseFragment(state);
  for (const slot of slots) {
    const v = slot.read(settings);
    const yuan = v === undefined ? slot.base : v;
    const text = wanValue(yuan);
    if (document.activeElement !== slot.number) slot.number.value = text;
    // No limit: a ceiling's slider at its right end, a floor's at zero.
    if (document.activeElement !== slot.range) slot.range.value = text === '' ? (slot.range.id.endsWith('-min-r') ? '0' : slot.range.max) : text;
  }
  const decided = $('decided');
  if (decided) {
    decided.innerHTML = [...settings.fund.map((id) => [id, 'fund'] as const), ...settings.exclude.map((id) => [id, 'exclude'] as const), ...settings.clear.map((id) => [id, 'clear'] as const)]
      .map(([id, d]) => `<li><span class="tag ${d}">${esc(d === 'fund' ? w.fund : d === 'exclude' ? w.exclude : dw.cleared)}</span> ${esc(id)}${settings.reasons.get(id) ? ` · ${esc(settings.reasons.get(id)!)}` : ''} <button type="button" data-undecide="${esc(id)}">×</button></li>`)
      .join('');
  }
}

/** Force, exclude, clear the applications file's decision (`clear`), or leave a project as filed (null). */
function decide(id: string, decision: 'fund' | 'exclude' | 'clear' | null, reason: string): void {
  const s = parseFragment(state).settings;
  const fund = s.fund.filter((x) => x !== id);
  const exclude = s.exclude.filter((x) => x !== id);
  const clear = s.clear.filter((x) => x !== id);
  if (decision === 'fund') fund.push(id);
  if (decision === 'exclude') exclude.push(id);
  if (decision === 'clear') clear.push(id);
  const reasons = new Map(s.reasons);
  if ((decision === 'fund' || decision === 'exclude') && reason.trim()) reasons.set(id, reason.trim());
  else reasons.delete(id);
  setState(formatFragment({ ...s, fund, exclude, clear, reasons }));
}

// ——— the results ———

function render(fragment: string, r: ViewResult, took: number): void {
  const result = $('result');
  result.dataset.status = r.status;
  result.dataset.busy = 'false';
  result.dataset.fragment = fragment;
  // The worker's own milliseconds for this result, and from the request posted to the result received (the benchmark reads them).
  result.dataset.ms = String(r.ms);
  result.dataset.roundtripMs = String(Math.round(took));
  const problem = $('problem');
  if (r.status !== 'optimal') {
    delete result.dataset.totalGranted;
    delete result.dataset.fundedCount;
    $('headline').textContent = '';
    $('funding-line').textContent = '';
    $('status-line').textContent = '';
    clear($('changes'));
    $('changes-pager').hidden = true;
    $('change-counts').textContent = '';
    clear($('measures'));
    renderProjects(null);
    const items = r.status === 'infeasible' ? r.conflicts.map((c) => `<li><b>${esc(c.limit)}</b>：${esc(c.description)}</li>`) : r.details.map((d) => `<li>${esc(d)}</li>`);
    problem.hidden = false;
    problem.innerHTML = `<h3>${esc(r.status === 'infeasible' ? w.infeasible : r.message)}</h3>${r.status === 'infeasible' ? `<p>${esc(r.message)}</p>` : ''}<ul>${items.join('')}</ul>`;
    ($('export-scenario') as HTMLButtonElement).disabled = true;
    ($('export-table') as HTMLButtonElement).disabled = true;
    return;
  }
  problem.hidden = true;
  problem.innerHTML = '';
  ($('export-scenario') as HTMLButtonElement).disabled = false;
  ($('export-table') as HTMLButtonElement).disabled = false;
  result.dataset.totalGranted = r.totalGranted;
  result.dataset.fundedCount = String(r.fundedCount);
  $('headline').textContent = w.headline(wan(r.budget), wan(r.totalGranted), String(r.fundedCount), String(r.applications));
  $('funding-line').textContent = w.fundingLine(r.fundingLine === null ? null : String(r.fundingLine));
  $('status-line').textContent = w.solvedIn(String(Math.round(took)), r.solver);
  const count = (k: string) => r.changes.filter((c) => c.kind === k).length;
  $('change-counts').textContent = r.changes.length ? w.changeCounts(count('enter'), count('leave'), count('gain'), count('lose')) : w.noChanges;
  changesStart = 0;
  drawChanges();
  renderMeasures(r);
  renderProjects(r);
  drawFrontier();
}

/**
 * The differences from the baseline, largest first, CHANGE_ROWS at a time (‹ › turn the pages):
 * their sentences wrap, and laying out a table row takes Chromium about 1 ms — a few hundred
 * of them redrawn on every change took longer than the solve. Only the rows that differ from
 * the ones shown at the same place are written.
 */
const CHANGE_ROWS = 25;
let changesStart = 0;

function drawChanges(): void {
  const r = shown;
  if (r?.status !== 'optimal') return;
  const rows = r.changes.slice(changesStart, changesStart + CHANGE_ROWS);
  patch(
    $('changes'),
    rows.map(
      (c) =>
        `<tr class="${c.kind}" data-diff-id="${esc(c.id)}"><td><span class="tag ${c.kind}">${esc(w.change[c.kind])}</span></td><td><a href="#" data-explain="${esc(c.id)}">${esc(c.id)}</a></td><td>${esc(c.name)}</td><td class="n">${wan(c.from)}</td><td class="n">${wan(c.to)}</td><td class="n">${c.delta.startsWith('-') ? '−' + wan(c.delta.slice(1)) : '+' + wan(c.delta)}</td><td class="note">${esc(c.note)}</td></tr>`,
    ),
  );
  $('changes-pager').hidden = r.changes.length <= CHANGE_ROWS;
  $('changes-of').textContent = rows.length ? `${changesStart + 1}–${changesStart + rows.length} / ${r.changes.length}` : '';
  ($('changes-prev') as HTMLButtonElement).disabled = changesStart === 0;
  ($('changes-next') as HTMLButtonElement).disabled = changesStart + CHANGE_ROWS >= r.changes.length;
}

function turnChanges(by: number): void {
  const next = changesStart + by * CHANGE_ROWS;
  if (shown?.status !== 'optimal' || next < 0 || next >= shown.changes.length) return;
  changesStart = next;
  drawChanges();
}

function renderMeasures(r: Extract<ViewResult, { status: 'optimal' }>): void {
  const top = Math.max(...r.measures.map((m) => Math.max(Number(m.entitled), Number(m.max ?? 0), Number(m.granted))), 1);
  const pct = (y: string) => `${((Number(y) / top) * 100).toFixed(2)}%`;
  const bars = r.measures
    .filter((m) => Number(m.entitled) > 0 || m.max !== null || m.min !== null)
    .map(
      (m) =>
        `<div class="bar" data-measure-id="${esc(m.id)}" data-granted="${esc(m.granted)}"><div class="blabel">${esc(m.label)}</div><div class="track"><div class="ent" data-width="${pct(m.entitled)}"></div><div class="fill" data-width="${pct(m.granted)}"></div>${
          m.max !== null ? `<div class="lim max" data-left="${pct(m.max)}" title="${esc(w.max)} ${wan(m.max)}"></div>` : ''
        }${m.min !== null ? `<div class="lim min" data-left="${pct(m.min)}" title="${esc(w.min)} ${wan(m.min)}"></div>` : ''}</div><div class="bnum">${wan(m.granted)}${m.max !== null ? ` / ${esc(w.max)} ${wan(m.max)}` : ''}${m.min !== null ? ` · ${esc(w.min)} ${wan(m.min)}` : ''}</div></div>`,
    );
  patch($('measures'), bars, (bar) => {
    // Sizes through the CSSOM: the page's CSP allows no style attributes.
    for (const el of bar.querySelectorAll<HTMLElement>('[data-width]')) el.style.width = el.dataset.width!;
    for (const el of bar.querySelectorAll<HTMLElement>('[data-left]')) el.style.left = el.dataset.left!;
  });
}

/** What each list shows (its rows' HTML), to tell which rows a result changes. */
const drawn = new WeakMap<HTMLElement, readonly string[]>();

/**
 * Makes `box`'s children the elements of `rows` (each the HTML of one element), writing only
 * the rows that differ from the one shown at the same place; `made` is called for each element written.
 */
function patch(box: HTMLElement, rows: readonly string[], made?: (el: Element) => void): void {
  const before = box.children.length === drawn.get(box)?.length ? drawn.get(box)! : [];
  if (!before.length) box.textContent = '';
  const changed = rows.flatMap((html, k) => (before[k] === html ? [] : [k]));
  if (changed.length) {
    // The rows written, parsed at once in an element like the box (a <tbody> for table rows).
    const scratch = document.createElement(box.localName);
    scratch.innerHTML = changed.map((k) => rows[k]).join('');
    const written = [...scratch.children];
    changed.forEach((k, j) => {
      const el = written[j]!;
      made?.(el);
      if (k < box.children.length) box.children[k]!.replaceWith(el);
      else box.appendChild(el);
    });
  }
  while (box.children.length > rows.length) box.lastElementChild!.remove();
  drawn.set(box, rows);
}

/** Empties a list that `patch` draws. */
function clear(box: HTMLElement): void {
  box.textContent = '';
  drawn.delete(box);
}

/**
 * The project table, drawn a page at a time: of the rows the filter and the funded-only box
 * keep, at most PAGE_ROWS are in the document, or all of them up to WHOLE_ROWS (laying out a
 * table takes Chromium about 0.4 ms a row: 20,000 rows redrawn on each change took seconds). A
 * result that leaves the same rows on the page writes only the cells that changed.
 */
const PAGE_ROWS = 100;
const WHOLE_ROWS = 400;
let listed: Extract<ViewResult, { status: 'optimal' }> | null = null;
/** The indices of the rows the filter keeps (into `controls.projects`), and the first one on the page shown. */
let kept: number[] = [];
let pageStart = 0;
/** Which rows the page shows, and what each shows, to tell what a result changes. */
let pageIds = '';
let pageKeys: string[] = [];

function renderProjects(r: Extract<ViewResult, { status: 'optimal' }> | null): void {
  listed = r;
  if (!r || !controls) {
    kept = [];
    pageIds = '';
    $('projects').innerHTML = '';
    $('pager').hidden = true;
    return;
  }
  filterProjects(false);
}

/** The rows the filter and the funded-only box keep; `fromTop`: back to the first page. */
function filterProjects(fromTop = true): void {
  if (!controls || !listed) return;
  const r = listed;
  const filter = ($('filter') as HTMLInputElement).value.trim().toLowerCase();
  const onlyFunded = ($('only-funded') as HTMLInputElement).checked;
  kept = [];
  controls.projects.forEach((p, i) => {
    if (onlyFunded && !(Number(r.grants[i]) > 0)) return;
    if (filter && !`${p.id} ${p.name} ${p.company}`.toLowerCase().includes(filter)) return;
    kept.push(i);
  });
  if (fromTop || pageStart >= kept.length) pageStart = 0;
  drawPage();
}

/** Rows a page holds: all of them for a short table. */
const pageRows = () => (kept.length <= WHOLE_ROWS ? WHOLE_ROWS : PAGE_ROWS);

function drawPage(): void {
  const r = listed;
  if (!r || !controls) return;
  const rows = kept.slice(pageStart, pageStart + pageRows());
  const rowKey = (i: number) => `${r.grants[i]}:${r.bindings[i]}:${r.decisions[i] ?? ''}`;
  const ids = `${pageStart}|${rows.join(',')}`;
  const body = $('projects');
  if (ids === pageIds && body.children.length === rows.length) {
    // The same rows: only those whose grant, reason or decision changed are written, in place.
    rows.forEach((i, k) => {
      const key = rowKey(i);
      if (pageKeys[k] === key) return;
      pageKeys[k] = key;
      const tr = body.children[k] as HTMLTableRowElement;
      const grant = r.grants[i]!;
      tr.dataset.grant = grant;
      tr.className = Number(grant) > 0 ? 'funded' : '';
      tr.cells[6]!.textContent = wan(grant);
      // Text alone unless a decision tags it: no HTML to parse.
      if (r.decisions[i]) tr.cells[7]!.innerHTML = bindingCell(r, i);
      else tr.cells[7]!.textContent = r.bindings[i]!;
    });
  } else {
    pageIds = ids;
    pageKeys = rows.map(rowKey);
    body.innerHTML = rows
      .map((i) => {
        const p = controls!.projects[i]!;
        const grant = r.grants[i]!;
        return `<tr data-project-id="${esc(p.id)}" data-grant="${esc(grant)}"${Number(grant) > 0 ? ' class="funded"' : ''}><td><a href="#" data-explain="${esc(p.id)}">${esc(p.id)}</a></td><td>${esc(p.name)}</td><td>${esc(p.company)}</td><td>${esc(p.district)}</td><td class="n">${esc(p.score)}</td><td class="n">${p.entitlement ? wan(p.entitlement) : ''}</td><td class="n">${wan(grant)}</td><td>${bindingCell(r, i)}</td></tr>`;
      })
      .join('');
  }
  const pager = $('pager');
  pager.hidden = kept.length <= pageRows();
  $('page-of').textContent = `${pageStart + 1}–${pageStart + rows.length} / ${kept.length}`;
  ($('page-prev') as HTMLButtonElement).disabled = pageStart === 0;
  ($('page-next') as HTMLButtonElement).disabled = pageStart + pageRows() >= kept.length;
}

/** A row's last cell: its decision, if any, and what set its grant. */
function bindingCell(r: Extract<ViewResult, { status: 'optimal' }>, i: number): string {
  const decision = r.decisions[i] ?? null;
  return `${decision ? `<span class="tag ${decision}">${esc(decision === 'fund' ? w.fund : w.exclude)}</span> ` : ''}${esc(r.bindings[i]!)}`;
}

function turnPage(by: number): void {
  const next = pageStart + by * pageRows();
  if (next < 0 || next >= kept.length) return;
  pageStart = next;
  drawPage();
}

// ——— the frontier ———

/** The frontier drawn (its points), and where it puts a budget (万元 → x). */
let frontierDrawn: { readonly points: readonly { budget: string; objective: number }[]; readonly x: (wan: number) => number } | null = null;

/**
 * The frontier of the settings other than the budget (`frontierFor`), with the budget shown
 * marked: the curve and the slider's marks are drawn when the frontier changes, and a result
 * of the same frontier only moves the mark.
 */
function drawFrontier(): void {
  const svg = $('frontier');
  const marks = $('budget-marks');
  const points = frontierPoints;
  const { settings, issues } = parseFragment(state);
  if (issues.length || withoutBudget(settings) !== frontierFor || !points || points.length < 2) {
    if (frontierDrawn || svg.firstChild) svg.textContent = '';
    if (marks?.firstChild) marks.textContent = '';
    frontierDrawn = null;
    return;
  }
  const W = 640;
  const H = 220;
  const pad = 36;
  if (frontierDrawn?.points !== points) {
    const xs = points.map((p) => Number(p.budget) / 10_000);
    const ys = points.map((p) => p.objective);
    const xMax = Math.max(...xs, 1);
    const yMax = Math.max(...ys, 1e-9);
    const x = (v: number) => pad + (v / xMax) * (W - 2 * pad);
    const y = (v: number) => H - pad - (v / yMax) * (H - 2 * pad);
    const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(xs[i]!).toFixed(1)},${y(p.objective).toFixed(1)}`).join('');
    const dots = points.map((p, i) => `<circle cx="${x(xs[i]!).toFixed(1)}" cy="${y(p.objective).toFixed(1)}" r="5" data-budget="${esc(p.budget)}"><title>${wan(p.budget)} ${esc(w.wan)}</title></circle>`).join('');
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.innerHTML = `<line class="axis" x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}"></line><line class="axis" x1="${pad}" y1="${pad / 2}" x2="${pad}" y2="${H - pad}"></line><text x="${W - pad}" y="${H - 6}" text-anchor="end">${esc(w.frontierAxisX)} · ${esc(wan(String(xMax * 10_000)))}</text><text x="${pad + 4}" y="${pad / 2 + 10}">${esc(w.frontierAxisY)}</text><path d="${path}"></path><line class="current" y1="${pad / 2}" y2="${H - pad}"></line>${dots}`;
    frontierDrawn = { points, x };
    // Marks on the budget slider where the slope changes: a new score level of projects starts to be funded.
    if (marks) {
      const out: string[] = [];
      for (let i = 1; i + 1 < points.length; i++) {
        const s1 = (ys[i]! - ys[i - 1]!) / (xs[i]! - xs[i - 1]! || 1);
        const s2 = (ys[i + 1]! - ys[i]!) / (xs[i + 1]! - xs[i]! || 1);
        if (Math.abs(s1 - s2) > 1e-6 * Math.max(1, Math.abs(s1))) out.push(`<option value="${xs[i]!.toFixed(2)}"></option>`);
      }
      marks.innerHTML = out.join('');
    }
  }
  // The budget shown: a dashed line (none while no result is shown).
  const current = svg.querySelector('line.current')!;
  const cur = shown && shown.status === 'optimal' ? frontierDrawn.x(Number(shown.budget) / 10_000).toFixed(1) : null;
  if (cur === null) current.setAttribute('display', 'none');
  else {
    current.removeAttribute('display');
    current.setAttribute('x1', cur);
    current.setAttribute('x2', cur);
  }
}

// ——— explanation, export ———

function showExplanation(id: string, lines: readonly string[]): void {
  const dialog = $('explain') as HTMLDialogElement;
  const s = parseFragment(state).settings;
  const decided = s.fund.includes(id) ? 'fund' : s.exclude.includes(id) ? 'exclude' : s.clear.includes(id) ? 'clear' : null;
  // Clearing is offered where the applications file (or the scenario) decided the project.
  ($('explain').querySelector('[data-decide="clear"]') as HTMLButtonElement).hidden = !controls?.projects.some((p) => p.id === id && p.decision !== null);
  dialog.dataset.explainId = id;
  $('explain-body').innerHTML = lines.map((l) => `<p>${esc(l)}</p>`).join('');
  ($('reason') as HTMLInputElement).value = s.reasons.get(id) ?? '';
  for (const b of dialog.querySelectorAll<HTMLButtonElement>('[data-decide]')) b.setAttribute('aria-pressed', String((b.dataset.decide === 'none' ? null : b.dataset.decide) === decided));
  if (!dialog.open) dialog.showModal();
}

/**
 * A file the exported scenario names (the original, the lock files): the page holds its path
 * relative to the page's folder; opened from a file, that becomes an absolute path, so the
 * exported file can be saved anywhere on this machine.
 */
function pathFromPage(rel: string | undefined): string | undefined {
  if (!rel || location.protocol !== 'file:' || /^([a-zA-Z]:)?[\\/]/.test(rel)) return undefined;
  const parts = decodeURIComponent(location.pathname).split('/').slice(0, -1);
  for (const p of rel.split(/[\\/]/)) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p !== '') parts.push(p);
  }
  const path = parts.join('/');
  // file:///C:/dir/whatif.html → C:/dir/…
  return /^\/[a-zA-Z]:\//.test(path) ? path.slice(1) : path;
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

document.addEventListener('click', (e) => {
  const t = e.target as HTMLElement;
  const explain = t.closest<HTMLElement>('[data-explain]');
  if (explain) {
    e.preventDefault();
    worker.postMessage({ type: 'explain', id: explain.dataset.explain });
    return;
  }
  const decideBtn = t.closest<HTMLButtonElement>('[data-decide]');
  if (decideBtn) {
    const id = ($('explain') as HTMLDialogElement).dataset.explainId!;
    const d = decideBtn.dataset.decide;
    decide(id, d === 'fund' || d === 'exclude' || d === 'clear' ? d : null, ($('reason') as HTMLInputElement).value);
    ($('explain') as HTMLDialogElement).close();
    return;
  }
  const undecide = t.closest<HTMLButtonElement>('[data-undecide]');
  if (undecide) decide(undecide.dataset.undecide!, null, '');
  const dot = t.closest<SVGElement>('circle[data-budget]');
  if (dot) {
    const s = parseFragment(state).settings;
    setState(formatFragment({ ...s, budget: new D(dot.dataset.budget!) }));
  }
});
$('reset').addEventListener('click', () => setState(''));
$('undo').addEventListener('click', () => {
  if (undo.length) setState(undo.pop()!, false);
});
$('export-scenario').addEventListener('click', () => {
  const lock = controls?.lock?.map(pathFromPage);
  worker.postMessage({ type: 'export', fragment: state, extends: pathFromPage(controls?.extends), lock: lock?.every((p) => p !== undefined) ? lock : undefined });
});
$('export-table').addEventListener('click', () => shown?.status === 'optimal' && worker.postMessage({ type: 'table' }));
$('explain-close').addEventListener('click', () => ($('explain') as HTMLDialogElement).close());
$('filter').addEventListener('input', () => filterProjects());
$('only-funded').addEventListener('change', () => filterProjects());
$('page-prev').addEventListener('click', () => turnPage(-1));
$('page-next').addEventListener('click', () => turnPage(1));
$('changes-prev').addEventListener('click', () => turnChanges(-1));
$('changes-next').addEventListener('click', () => turnChanges(1));
window.addEventListener('hashchange', () => {
  const hash = location.hash.slice(1);
  if (hash !== state) setState(hash);
});
