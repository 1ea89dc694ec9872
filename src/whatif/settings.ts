/**
 * The what-if page's settings: what is moved away from the scenario as solved. They live in the
 * page's URL fragment, so a link reproduces a view:
 *
 *   #budget=350000000&measure.P11-RETROFIT.max=80000000&fund=SZ2019-00017&exclude=SZ2019-00200
 *
 * Amounts are yuan. Keys: `budget`, `measure.<id>.max`, `measure.<id>.min`, `companyAnnualCap`,
 * `district.<name>.max`, `district.<name>.min`, `fund`, `exclude` and `clear` (comma-separated
 * project ids: forced in, excluded, the applications file's decision taken back), and
 * `reason.<id>` (why a project is forced or excluded). An empty amount removes a
 * measure's or district's ceiling or floor (a scenario file can drop those, not the company cap). The same settings become a scenario file that `extends` the original
 * (`exportScenario`), which `fundplan solve` turns into the same grants: the page applies them
 * exactly as loading that file does (the decisions through the model's `withScenarioDecisions`).
 */
import type { Decimal } from 'decimal.js';
import { parseAmount } from '../money.js';
import type { Application } from '../model/application.js';
import { withScenarioDecisions } from '../model/decisions.js';
import { withBudget, type MeasureSettings, type Scenario, type ScenarioDecision } from '../model/scenario.js';
import type { WhatIfInput } from './data.js';

/** A ceiling and a floor: a key absent keeps the scenario's, null removes it. */
export interface Bounds {
  readonly max?: Decimal | null;
  readonly min?: Decimal | null;
}

export interface Settings {
  readonly budget?: Decimal;
  readonly measures: ReadonlyMap<string, Bounds>;
  readonly companyAnnualCap?: Decimal;
  readonly districts: ReadonlyMap<string, Bounds>;
  readonly fund: readonly string[];
  readonly exclude: readonly string[];
  /** Projects whose decision in the applications file is taken back (the rules decide). */
  readonly clear: readonly string[];
  readonly reasons: ReadonlyMap<string, string>;
}

export const NO_SETTINGS: Settings = { measures: new Map(), districts: new Map(), fund: [], exclude: [], clear: [], reasons: new Map() };

/** A setting the page cannot use, by its fragment key. */
export interface SettingIssue {
  readonly key: string;
  readonly expected: string;
  readonly found: string;
}

const AMOUNT = 'an amount in yuan, e.g. 350000000';

/** The settings a fragment (with or without its `#`) holds, and every key it could not use. */
export function parseFragment(fragment: string): { settings: Settings; issues: SettingIssue[] } {
  const issues: SettingIssue[] = [];
  let budget: Decimal | undefined;
  let companyAnnualCap: Decimal | undefined;
  const measures = new Map<string, Bounds>();
  const districts = new Map<string, Bounds>();
  const reasons = new Map<string, string>();
  let fund: string[] = [];
  let exclude: string[] = [];
  let clear: string[] = [];
  const amount = (key: string, value: string, empty: boolean): Decimal | null | undefined => {
    if (value.trim() === '' && empty) return null;
    const r = parseAmount(value);
    if (r.ok && r.value.gte(0)) return r.value;
    issues.push({ key, expected: AMOUNT, found: JSON.stringify(value) });
    return undefined;
  };
  const bound = (into: Map<string, Bounds>, name: string, side: 'max' | 'min', key: string, value: string) => {
    const v = amount(key, value, true);
    if (v !== undefined) into.set(name, { ...into.get(name), [side]: v });
  };
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const sided = /^(measure|district)\.(.+)\.(max|min)$/.exec(key);
    if (key === 'budget') {
      const v = amount(key, decode(value), false);
      if (v) budget = v;
    } else if (key === 'companyAnnualCap') {
      const v = amount(key, decode(value), false);
      if (v) companyAnnualCap = v;
    } else if (sided) bound(sided[1] === 'measure' ? measures : districts, sided[2]!, sided[3] as 'max' | 'min', key, decode(value));
    else if (key === 'fund' || key === 'exclude' || key === 'clear') {
      const ids = value.split(',').map(decode).filter((id) => id !== '');
      if (key === 'fund') fund = ids;
      else if (key === 'exclude') exclude = ids;
      else clear = ids;
    } else if (key.startsWith('reason.') && key.length > 'reason.'.length) reasons.set(key.slice('reason.'.length), decode(value));
    else issues.push({ key, expected: 'budget, measure.<id>.max|min, companyAnnualCap, district.<name>.max|min, fund, exclude, clear or reason.<id>', found: JSON.stringify(key) });
  }
  return { settings: { ...(budget ? { budget } : {}), measures, ...(companyAnnualCap !== undefined ? { companyAnnualCap } : {}), districts, fund, exclude, clear, reasons }, issues };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Characters a fragment keeps as they are (besides letters and digits); the rest are percent-encoded. */
const enc = (s: string) => encodeURIComponent(s).replace(/%2F/g, '/').replace(/%3A/g, ':');
const yuan = (d: Decimal | null | undefined) => (d ? d.toFixed() : '');

/** The fragment (without `#`) of a set of settings, in the order of the keys above; empty for none. */
export function formatFragment(s: Settings): string {
  const parts: string[] = [];
  if (s.budget) parts.push(`budget=${yuan(s.budget)}`);
  const sided = (prefix: string, m: ReadonlyMap<string, Bounds>) => {
    for (const [name, b] of m) {
      if (b.max !== undefined) parts.push(`${prefix}.${enc(name)}.max=${yuan(b.max)}`);
      if (b.min !== undefined) parts.push(`${prefix}.${enc(name)}.min=${yuan(b.min)}`);
    }
  };
  sided('measure', s.measures);
  if (s.companyAnnualCap) parts.push(`companyAnnualCap=${yuan(s.companyAnnualCap)}`);
  sided('district', s.districts);
  if (s.fund.length) parts.push(`fund=${s.fund.map(enc).join(',')}`);
  if (s.exclude.length) parts.push(`exclude=${s.exclude.map(enc).join(',')}`);
  if (s.clear.length) parts.push(`clear=${s.clear.map(enc).join(',')}`);
  for (const [id, r] of s.reasons) if (r !== '' && (s.fund.includes(id) || s.exclude.includes(id))) parts.push(`reason.${enc(id)}=${enc(r)}`);
  return parts.join('&');
}

/** The scenario's decisions with the settings' on top (a `fund`, `exclude` or `clear` of the same project wins over the scenario's). */
function decisionsOf(base: Scenario, s: Settings, defaultReason: string): Map<string, { decision: ScenarioDecision; reason: string }> {
  const out = new Map<string, { decision: ScenarioDecision; reason: string }>(base.decisions ?? []);
  for (const id of s.fund) out.set(id, { decision: 'fund', reason: s.reasons.get(id) || defaultReason });
  for (const id of s.exclude) out.set(id, { decision: 'exclude', reason: s.reasons.get(id) || defaultReason });
  for (const id of s.clear) out.set(id, { decision: 'none', reason: '' });
  return out;
}

const merged = (old: { readonly min: Decimal | null; readonly max: Decimal | null } | undefined, b: Bounds) => ({
  min: b.min !== undefined ? b.min : (old?.min ?? null),
  max: b.max !== undefined ? b.max : (old?.max ?? null),
});

/** What a setting may name: the policy's measures, the applications' districts and project ids (made once per input). */
const namesOf = (() => {
  const made = new WeakMap<WhatIfInput, { readonly measureIds: ReadonlySet<string>; readonly districtNames: ReadonlySet<string>; readonly ids: ReadonlySet<string> }>();
  return (input: WhatIfInput) => {
    let names = made.get(input);
    if (!names) {
      names = { measureIds: new Set(input.policy.measures.map((m) => m.id)), districtNames: new Set(input.applications.map((a) => a.district)), ids: new Set(input.applications.map((a) => a.projectId)) };
      made.set(input, names);
    }
    return names;
  };
})();

/**
 * The scenario and applications with the settings applied, as loading the exported scenario
 * gives them, and every setting that names nothing in them.
 */
export function applySettings(input: WhatIfInput, s: Settings, defaultReason: string): { scenario: Scenario; applications: readonly Application[]; issues: SettingIssue[] } {
  const issues: SettingIssue[] = [];
  const base = input.scenario;
  const { measureIds, districtNames, ids } = namesOf(input);
  const measureBudgets = new Map<string, MeasureSettings>(base.measureBudgets);
  for (const [id, b] of s.measures) {
    if (!measureIds.has(id)) issues.push({ key: `measure.${id}`, expected: `a measure id of policy ${input.policy.id}`, found: JSON.stringify(id) });
    else measureBudgets.set(id, { ...measureBudgets.get(id), ...merged(measureBudgets.get(id), b) });
  }
  const districtBudgets = new Map(base.districtBudgets ?? []);
  for (const [d, b] of s.districts) {
    if (!districtNames.has(d)) issues.push({ key: `district.${d}`, expected: 'a district of the applications', found: JSON.stringify(d) });
    else districtBudgets.set(d, merged(districtBudgets.get(d), b));
  }
  for (const [key, list] of [['fund', s.fund], ['exclude', s.exclude], ['clear', s.clear]] as const) {
    for (const id of list) if (!ids.has(id)) issues.push({ key, expected: 'the project id of an application', found: JSON.stringify(id) });
  }
  for (const id of s.fund) if (s.exclude.includes(id)) issues.push({ key: 'fund', expected: 'a project either forced or excluded, not both', found: JSON.stringify(id) });
  for (const id of s.clear) if (s.fund.includes(id) || s.exclude.includes(id)) issues.push({ key: 'clear', expected: 'a project either decided on the page or its decision cleared, not both', found: JSON.stringify(id) });
  const decisions = decisionsOf(base, s, defaultReason);
  let scenario: Scenario = {
    ...base,
    measureBudgets,
    ...(districtBudgets.size ? { districtBudgets } : {}),
    ...(s.companyAnnualCap ? { companyAnnualCap: s.companyAnnualCap } : {}),
    ...(decisions.size ? { decisions } : {}),
  };
  if (s.budget) scenario = withBudget(scenario, s.budget);
  if (issues.length) return { scenario, applications: input.applications, issues };
  const decided = withScenarioDecisions(input.applications, scenario, 'scenario');
  return { scenario, applications: decided.applications, issues: decided.issues.map((i) => ({ key: String(i.row), expected: i.expected, found: i.found })) };
}

/** A measure's settings as a scenario file writes them (amounts as yuan strings). */
function measureJson(m: MeasureSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null || v === undefined) continue;
    out[k] = k === 'min' || k === 'max' ? (v as Decimal).toFixed() : typeof v === 'object' ? (v as Decimal).toNumber() : v;
  }
  return out;
}

const boundsJson = (b: { readonly min: Decimal | null; readonly max: Decimal | null }) => ({ ...(b.min ? { min: b.min.toFixed() } : {}), ...(b.max ? { max: b.max.toFixed() } : {}) });

/**
 * The settings as a scenario file that `extends` the original: the budget, and what they change, each
 * changed measure with all its settings (a scenario file's measureBudgets merge per measure),
 * the district budgets and the decisions whole (they replace the original's).
 */
export function exportScenario(input: WhatIfInput, s: Settings, defaultReason: string): Record<string, unknown> {
  const { scenario } = applySettings(input, s, defaultReason);
  const out: Record<string, unknown> = { extends: input.extends };
  // Lock files added to the original's (its `lock` is replaced, so all of them).
  if (input.lock?.length) out.lock = [...input.lock];
  // The budget always: the page's baseline may be a solve with --budget.
  out.budget = scenario.budget.toFixed();
  if (s.measures.size) out.measureBudgets = Object.fromEntries([...s.measures.keys()].filter((id) => scenario.measureBudgets.has(id)).map((id) => [id, measureJson(scenario.measureBudgets.get(id)!)]));
  if (s.companyAnnualCap) out.companyAnnualCap = s.companyAnnualCap.toFixed();
  if (s.districts.size && scenario.districtBudgets) out.districtBudgets = Object.fromEntries([...scenario.districtBudgets].map(([d, b]) => [d, boundsJson(b)]));
  if ((s.fund.length || s.exclude.length || s.clear.length) && scenario.decisions) {
    out.decisions = Object.fromEntries([...scenario.decisions].map(([id, d]) => [id, d.reason ? { decision: d.decision, reason: d.reason } : { decision: d.decision }]));
  }
  return out;
}
