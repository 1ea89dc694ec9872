/**
 * What the what-if page's worker computes, with fundplan's own code: the settings applied to the
 * scenario (settings.ts), the scenario checked, prepared, solved, rounded and verified by the
 * pipeline's core (pipeline/verified.ts), then what the page shows — totals, the measures, every
 * project with the sentence allocations.csv gives it, and the differences from the baseline (the
 * scenario as solved). A result the verifier rejects, or settings the scenario check refuses,
 * is an error with its reasons, never numbers.
 *
 * The backend is picked as `fundplan solve --solver auto` picks it (solver/pick.ts), over the
 * backends the page carries: the network simplex always, HiGHS in pages whose scenario needs it
 * (worker-highs.ts). A model that would need a backend the page does not carry (HiGHS in a page
 * without it, javascript-lp-solver in any) is an error here, so every grant shown is one the CLI
 * gives for the same settings.
 */
import type { Decimal } from 'decimal.js';
import { InputError, InternalError } from '../errors.js';
import { neutraliseCell } from '../io/cells.js';
import { ZERO, fmtYuan, floorTo } from '../money.js';
import { pickerWork, priorityLp, type Allocation, type Prepared } from '../model/allocate.js';
import { lowestFundedLine } from '../model/budget-figures.js';
import { checkScenario } from '../model/check.js';
import { budgetFundingLine } from '../model/marginal.js';
import type { Application } from '../model/application.js';
import type { Scenario } from '../model/scenario.js';
import { networkOf, openNetworkParametric } from '../solver/network.js';
import { autoPicker, MissingBackend } from '../solver/pick.js';
import type { Picker } from '../solver/types.js';
import { openPreparation } from '../model/prepare.js';
import { conflictsOrThrow, prepareOrConflicts, solveChecked, type Conflicted } from '../pipeline/verified.js';
import { explainAll } from '../report/explain.js';
import { words } from '../report/i18n/index.js';
import { decodeInput, type WhatIfData, type WhatIfInput } from './data.js';
import { applySettings, exportScenario, NO_SETTINGS, parseFragment, type Settings } from './settings.js';

/** One application as the page lists it: what no setting changes (amounts: yuan with two decimals). */
export interface ProjectRow {
  readonly id: string;
  readonly name: string;
  readonly company: string;
  readonly district: string;
  readonly measureId: string;
  readonly score: string;
  /** What the policy allows it; empty for an application that is no candidate. */
  readonly entitlement: string;
  /** Its decision as the scenario reads it (the applications file's, or the scenario's `decisions`). */
  readonly decision: 'fund' | 'exclude' | null;
}

export type ChangeKind = 'enter' | 'leave' | 'gain' | 'lose';

/** A project whose grant differs from the baseline's. */
export interface Change {
  readonly id: string;
  readonly name: string;
  readonly kind: ChangeKind;
  readonly from: string;
  readonly to: string;
  /** to − from (yuan). */
  readonly delta: string;
  readonly note: string;
}

export interface MeasureBar {
  readonly id: string;
  readonly label: string;
  readonly granted: string;
  /** Σ of what the policy allows its candidates (rounded to the granularity). */
  readonly entitled: string;
  readonly max: string | null;
  readonly min: string | null;
}

export type ViewResult =
  | {
      readonly status: 'optimal';
      readonly budget: string;
      readonly totalGranted: string;
      readonly fundedCount: number;
      readonly applications: number;
      readonly fundingLine: number | null;
      readonly objective: string;
      readonly measures: readonly MeasureBar[];
      /** Per application, in the order of `Controls.projects`: the grant (yuan, two decimals), what set it, the decision. */
      readonly grants: readonly string[];
      readonly bindings: readonly string[];
      readonly decisions: readonly ('fund' | 'exclude' | null)[];
      readonly changes: readonly Change[];
      readonly solver: string;
      readonly ms: number;
      /** Milliseconds by step: check and prepare, solve and round, verify, the funding line, the rows and sentences. */
      readonly steps: { readonly prepare: number; readonly solve: number; readonly verify: number; readonly fundingLine: number; readonly view: number };
    }
  | { readonly status: 'infeasible'; readonly message: string; readonly conflicts: readonly { readonly limit: string; readonly description: string }[]; readonly ms: number }
  | { readonly status: 'error'; readonly message: string; readonly details: readonly string[]; readonly ms: number };

/** What the controls range over: the scenario's values and the most each could matter (yuan). */
export interface Controls {
  readonly budget: string;
  /** Σ of what the policy allows every candidate: more budget than this funds nothing more. */
  readonly budgetTop: string;
  readonly granularity: string;
  readonly companyAnnualCap: string | null;
  readonly companyTop: string;
  readonly measures: readonly { readonly id: string; readonly label: string; readonly max: string | null; readonly min: string | null; readonly top: string }[];
  readonly districts: readonly { readonly name: string; readonly max: string | null; readonly min: string | null; readonly top: string }[];
  readonly extends: string;
  /** The lock files an exported scenario names, relative to the page's folder (null: it inherits the original's). */
  readonly lock: readonly string[] | null;
  readonly scenarioName: string;
  /** Every application, in input order. */
  readonly projects: readonly ProjectRow[];
}

/** The picker of a page without HiGHS: `--solver auto` where that is the network simplex, else MissingBackend. */
const networkOnly: Picker = autoPicker('auto', { highs: null, jslp: null });

/** Budgets the frontier is solved at where the model is not the priority LP (each a whole solve). */
const FALLBACK_POINTS = 8;

/** The funding line as `fundplan solve` finds it for allocations.csv's notes (pipeline/analyse.ts). */
function fundingLineOf(allocation: Allocation, scenario: Scenario): number | null {
  if (allocation.rules?.model === 'proportional') return null;
  if (allocation.rules?.model === 'integer') return lowestFundedLine(allocation, scenario.granularity)?.score ?? null;
  if (allocation.status !== 'optimal') return null;
  const plan = networkOf(allocation.model.lp);
  const parametric = plan ? openNetworkParametric(plan) : null;
  if (!parametric) return null;
  const line = budgetFundingLine(allocation, parametric);
  parametric.dispose();
  return line;
}

export class WhatIf {
  readonly input: WhatIfInput;
  private baseline: Allocation | null = null;
  /** Σ of what the policy allows each measure's candidates (rounded to the granularity), kept with the preparation. */
  private entitled: Map<string, Decimal> | null = null;
  private last: { readonly allocation: Allocation; readonly scenario: Scenario; readonly fundingLine: number | null } | null = null;
  /** The grants of the last result and their text (yuan, two decimals): a line whose grant stays the same keeps its text. */
  private grantText: { readonly grants: readonly Decimal[]; readonly text: readonly string[] } | null = null;
  /** The preparation kept open across settings with the same decisions (they make the applications): only the limits' amounts change. */
  private preparation: { readonly decisions: string; readonly at: (scenario: Scenario) => Prepared } | null = null;

  /** `picker`: `--solver auto` over the backends the page carries (without it: the network simplex alone). */
  constructor(
    data: WhatIfData,
    private readonly picker: Picker = networkOnly,
  ) {
    this.input = decodeInput(data);
  }

  /** The controls' ranges, from the scenario as given. */
  controls(): Controls {
    const { scenario, applications, policy } = this.input;
    const g = scenario.granularity;
    const prepared = prepareOrConflicts(applications, policy, scenario, { locked: this.input.locked });
    const caps = 'status' in prepared ? [] : prepared.candidates.map((a, i) => [a, prepared.caps[i]!] as const);
    const sum = (f: (a: (typeof caps)[number][0]) => boolean) => caps.reduce((s, [a, c]) => (f(a) ? s.plus(c) : s), ZERO);
    const byCompany = new Map<string, Decimal>();
    for (const [a, c] of caps) byCompany.set(a.companyId, (byCompany.get(a.companyId) ?? ZERO).plus(c));
    const y = (d: Decimal | null | undefined) => (d ? fmtYuan(d) : null);
    const lang = this.input.lang;
    return {
      budget: fmtYuan(scenario.budget),
      budgetTop: fmtYuan(floorTo(sum(() => true), g)),
      granularity: fmtYuan(g),
      companyAnnualCap: y(scenario.companyAnnualCap),
      companyTop: fmtYuan([...byCompany.values()].reduce((m, v) => (v.gt(m) ? v : m), ZERO)),
      measures: policy.measures.map((m) => {
        const b = scenario.measureBudgets.get(m.id);
        return { id: m.id, label: `${m.clause}${lang === 'zh' ? m.name.zh : m.name.en}`, max: y(b?.max), min: y(b?.min), top: fmtYuan(sum((a) => a.measureId === m.id)) };
      }),
      districts: [...(scenario.districtBudgets ?? [])].map(([d, b]) => ({ name: d, max: y(b.max), min: y(b.min), top: fmtYuan(sum((a) => a.district === d)) })),
      extends: this.input.extends,
      lock: this.input.lock ?? null,
      scenarioName: scenario.name,
      projects: applications.map((a, i) => {
        const c = 'status' in prepared ? -1 : prepared.candidateOf[i]!;
        const entitlement = c >= 0 && !('status' in prepared) ? fmtYuan(prepared.entitlements[c]!.amount) : '';
        return { id: a.projectId, name: a.projectName, company: a.companyName, district: a.district, measureId: a.measureId, score: a.score.toString(), entitlement, decision: a.decision ?? null };
      }),
    };
  }

  /** Solve with the settings applied: the result the page shows. The first call (no settings) is the baseline. */
  solve(settings: Settings = NO_SETTINGS): ViewResult {
    const t0 = performance.now();
    const ms = () => Math.round((performance.now() - t0) * 10) / 10;
    const w = words(this.input.lang).whatif;
    const { scenario, applications, issues } = applySettings(this.input, settings, w.defaultReason);
    if (issues.length) return { status: 'error', message: w.badSettings, details: issues.map((i) => `${i.key}: ${i.expected} — ${i.found}`), ms: ms() };
    const { policy, locked } = this.input;
    let allocation: Allocation;
    let steps: { prepare: number; solve: number; verify: number };
    try {
      const prepared = this.prepare(applications, scenario);
      if ('status' in prepared) return { status: 'infeasible', message: prepared.message, conflicts: prepared.conflicts, ms: ms() };
      const t1 = performance.now();
      const checked = solveChecked(prepared, this.picker, { locked, writesLedger: false });
      if (checked.status === 'infeasible') return { status: 'infeasible', message: checked.message, conflicts: checked.conflicts, ms: ms() };
      allocation = checked.allocation;
      steps = { prepare: t1 - t0, solve: performance.now() - t1 - checked.msVerify, verify: checked.msVerify };
    } catch (e) {
      if (e instanceof InputError) return { status: 'error', message: w.badSettings, details: e.issues.map((i) => `${i.row ?? i.file}: ${i.expected} — ${i.found}`), ms: ms() };
      if (e instanceof MissingBackend) return { status: 'error', message: w.needsBackend, details: [e.message], ms: ms() };
      if (e instanceof InternalError) return { status: 'error', message: w.rejected, details: [...e.details], ms: ms() };
      return { status: 'error', message: w.failed, details: [String(e)], ms: ms() };
    }
    const t2 = performance.now();
    const fundingLine = fundingLineOf(allocation, scenario);
    this.last = { allocation, scenario, fundingLine };
    this.baseline ??= allocation;
    const t3 = performance.now();
    const round = (x: number) => Math.round(x * 10) / 10;
    const view = this.view(allocation, scenario, fundingLine);
    const all = { prepare: steps.prepare, solve: steps.solve, verify: steps.verify, fundingLine: t3 - t2, view: performance.now() - t3 };
    return { ...view, ms: ms(), steps: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, round(v)])) as typeof all };
  }

  private view(allocation: Allocation, scenario: Scenario, fundingLine: number | null): Omit<Extract<ViewResult, { status: 'optimal' }>, 'ms' | 'steps'> {
    const { policy } = this.input;
    const lang = this.input.lang;
    const w = words(lang);
    const base = this.baseline!;
    const changed = allocation.lines.map((l, i) => !base.lines[i]!.grant.eq(l.grant));
    // The sentences of allocations.csv, for the changed lines only.
    const notes = explainAll({ allocation, scenario, policy, fundingLine }, lang, false, (i) => changed[i]!).map((e) => e.oneLine);
    const changes: Change[] = [];
    allocation.lines.forEach((l, i) => {
      if (!changed[i]) return;
      const before = base.lines[i]!.grant;
      const kind: ChangeKind = before.isZero() ? 'enter' : l.grant.isZero() ? 'leave' : l.grant.gt(before) ? 'gain' : 'lose';
      changes.push({ id: l.app.projectId, name: l.app.projectName, kind, from: fmtYuan(before), to: fmtYuan(l.grant), delta: fmtYuan(l.grant.minus(before)), note: notes[i]! });
    });
    changes.sort((a, b) => Math.abs(Number(b.delta)) - Math.abs(Number(a.delta)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const g = scenario.granularity;
    // Granted per measure and the projects funded, in one pass over the lines; entitled, once.
    const granted = new Map(policy.measures.map((m) => [m.id, ZERO]));
    const entitled = this.entitled ?? new Map(policy.measures.map((m) => [m.id, ZERO]));
    let fundedCount = 0;
    for (const l of allocation.lines) {
      const positive = l.grant.gt(0);
      if (positive) fundedCount++;
      const s = granted.get(l.app.measureId);
      if (s === undefined) continue;
      if (positive) granted.set(l.app.measureId, s.plus(l.grant));
      if (!this.entitled && l.entitlement) entitled.set(l.app.measureId, entitled.get(l.app.measureId)!.plus(floorTo(l.entitlement.amount, g)));
    }
    this.entitled = entitled;
    const measures: MeasureBar[] = policy.measures.map((m) => {
      const b = scenario.measureBudgets.get(m.id);
      return { id: m.id, label: `${m.clause}${lang === 'zh' ? m.name.zh : m.name.en}`, granted: fmtYuan(granted.get(m.id)!), entitled: fmtYuan(entitled.get(m.id)!), max: b?.max ? fmtYuan(b.max) : null, min: b?.min ? fmtYuan(b.min) : null };
    });
    const last = this.grantText?.grants.length === allocation.lines.length ? this.grantText : null;
    const grants = allocation.lines.map((l, i) => (last?.grants[i]!.eq(l.grant) ? last.text[i]! : fmtYuan(l.grant)));
    this.grantText = { grants: allocation.lines.map((l) => l.grant), text: grants };
    return {
      status: 'optimal',
      budget: fmtYuan(scenario.budget),
      totalGranted: fmtYuan(allocation.granted),
      fundedCount,
      applications: allocation.lines.length,
      fundingLine,
      objective: allocation.objective.toFixed(2),
      measures,
      grants,
      bindings: allocation.lines.map((l) => w.binding[l.binding]),
      decisions: allocation.lines.map((l) => l.app.decision ?? null),
      changes,
      solver: allocation.solver.backend,
    };
  }

  /**
   * The scenario checked and prepared (from the preparation kept open while the decisions stay
   * the same, so only the limits are built again). The check (model/check.ts) works the candidates out as the
   * preparation does; for the priority objective it is run only when the preparation finds a
   * problem it should have stopped (InternalError), and then reports it as input issues — what the
   * page's settings can change (amounts, floors) the preparation itself guards.
   */
  private prepare(applications: readonly Application[], scenario: Scenario): Prepared | Conflicted {
    const { policy, locked } = this.input;
    if (scenario.objective !== 'priority') checkScenario(applications, policy, scenario, { locked });
    try {
      const decisions = JSON.stringify([...(scenario.decisions ?? [])]);
      try {
        if (this.preparation?.decisions !== decisions) {
          this.preparation = { decisions, at: openPreparation(applications, policy, scenario, { locked }) };
          this.entitled = null;
        }
        return this.preparation.at(scenario);
      } catch (e) {
        return conflictsOrThrow(e);
      }
    } catch (e) {
      if (e instanceof InternalError) checkScenario(applications, policy, scenario, { locked });
      throw e;
    }
  }

  /** `solve` with the settings a URL fragment holds; a fragment the page cannot use is an error naming each key. */
  solveFragment(fragment: string): ViewResult {
    const { settings, issues } = parseFragment(fragment);
    if (!issues.length) return this.solve(settings);
    return { status: 'error', message: words(this.input.lang).whatif.badSettings, details: issues.map((i) => `${i.key}: ${i.expected} — ${i.found}`), ms: 0 };
  }

  /**
   * The settings of a fragment as a scenario file extending the original (`original`: its path,
   * else the page's; `lock`: the lock files' paths, else the page's), as JSON text; null when they
   * are not usable.
   */
  exportScenario(fragment: string, original?: string, lock?: readonly string[]): string | null {
    const { settings, issues } = parseFragment(fragment);
    if (issues.length) return null;
    const input = { ...this.input, ...(original ? { extends: original } : {}), ...(lock && this.input.lock ? { lock } : {}) };
    return JSON.stringify(exportScenario(input, settings, words(this.input.lang).whatif.defaultReason), null, 2) + '\n';
  }

  /**
   * The objective (Σ score × grant, in 万元 × points) at budgets from 0 to `top`, every other
   * setting as in the fragment. The priority LP: at `points` + 1 budgets, kept open on the network
   * simplex and re-solved warm with its budget row moved (before rounding). Any other model (a
   * decision makes the integer model): at `FALLBACK_POINTS` budgets, each solved, rounded and
   * verified. Infeasible budgets (below a floor) are left out; null when nothing can be drawn.
   */
  frontier(fragment: string, top: Decimal, points: number): { readonly budget: string; readonly objective: number }[] | null {
    const { settings, issues } = parseFragment(fragment);
    if (issues.length) return null;
    const applied = applySettings(this.input, settings, words(this.input.lang).whatif.defaultReason);
    if (applied.issues.length) return null;
    const g = applied.scenario.granularity;
    const at = (i: number, n: number) => floorTo(top.times(i).div(n), g);
    let prepared: Prepared | Conflicted;
    try {
      prepared = prepareOrConflicts(applied.applications, this.input.policy, applied.scenario, { locked: this.input.locked, keepBudgetRow: true });
    } catch {
      return null;
    }
    if ('status' in prepared) return null;
    const work = pickerWork(prepared);
    const plan = !work.integerModel && work.lps.length === 1 ? networkOf(priorityLp(prepared)) : null;
    const parametric = plan ? openNetworkParametric(plan) : null;
    const out: { budget: string; objective: number }[] = [];
    if (!parametric) {
      for (let i = 1; i <= FALLBACK_POINTS; i++) {
        const budget = at(i, FALLBACK_POINTS);
        const a = this.solveQuietly({ ...settings, budget });
        if (a) out.push({ budget: fmtYuan(budget), objective: a.objective.div(10_000).toNumber() });
      }
      return out.length ? out : null;
    }
    const k = prepared.limits.findIndex((l) => l.kind === 'budget');
    const r = prepared.shape.rowLimit.indexOf(k);
    const locked = prepared.limits[k]!.locked;
    for (let i = 0; i <= points; i++) {
      const budget = at(i, points);
      const left = budget.minus(locked);
      const v = left.lt(0) || r < 0 ? null : parametric.objectiveWithRowBounds(r, null, left.div(10_000).toNumber());
      if (v !== null) out.push({ budget: fmtYuan(budget), objective: v });
    }
    parametric.dispose();
    return out;
  }

  /**
   * What `step` more budget would do with the other settings of the fragment: how many projects
   * would enter and how many would get more — the same solve, rounding and verification at the
   * fragment's budget and at `step` more, compared. Null where either is not an optimal result.
   */
  more(fragment: string, step: Decimal): { readonly step: string; readonly enter: number; readonly gain: number } | null {
    const { settings, issues } = parseFragment(fragment);
    if (issues.length) return null;
    const now = this.solveQuietly(settings);
    const more = now && this.solveQuietly({ ...settings, budget: (settings.budget ?? this.input.scenario.budget).plus(step) });
    if (!now || !more) return null;
    let enter = 0;
    let gain = 0;
    more.lines.forEach((l, i) => {
      const before = now.lines[i]!.grant;
      if (before.isZero() && l.grant.gt(0)) enter++;
      else if (l.grant.gt(before) && before.gt(0)) gain++;
    });
    return { step: fmtYuan(step), enter, gain };
  }

  /** A verified allocation for the settings, leaving the last result as it is; null for anything else. */
  private solveQuietly(settings: Settings): Allocation | null {
    const { scenario, applications, issues } = applySettings(this.input, settings, words(this.input.lang).whatif.defaultReason);
    if (issues.length) return null;
    try {
      const prepared = this.prepare(applications, scenario);
      if ('status' in prepared) return null;
      const checked = solveChecked(prepared, this.picker, { locked: this.input.locked });
      return checked.status === 'infeasible' ? null : checked.allocation;
    } catch {
      return null;
    }
  }

  /** The funded list of the last result as CSV for Excel (UTF-8 with BOM, CRLF, formula-like cells neutralised), with allocations.csv's sentences. */
  fundedCsv(): string {
    if (!this.last) return '';
    const { allocation, scenario, fundingLine } = this.last;
    const c = words(this.input.lang).whatif.col;
    const notes = explainAll({ allocation, scenario, policy: this.input.policy, fundingLine }, this.input.lang, false, (i) => allocation.lines[i]!.grant.gt(0));
    const quote = (v: string) => {
      const x = neutraliseCell(v);
      return /[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
    };
    const lines = [[c.id, c.name, c.company, c.district, c.measure, c.score, c.grantYuan, c.note]];
    allocation.lines.forEach((l, i) => {
      if (l.grant.gt(0)) lines.push([l.app.projectId, l.app.projectName, l.app.companyName, l.app.district, l.app.measureId, l.app.score.toString(), fmtYuan(l.grant), notes[i]!.oneLine]);
    });
    return '\uFEFF' + lines.map((l) => l.map(quote).join(',')).join('\r\n') + '\r\n';
  }

  /** The last result's full explanation of one project (every ceiling, the one that binds, what cut it). */
  explain(projectId: string): string[] {
    if (!this.last) return [];
    const { allocation, scenario, fundingLine } = this.last;
    const i = allocation.lines.findIndex((l) => l.app.projectId === projectId);
    if (i < 0) return [];
    return [...explainAll({ allocation, scenario, policy: this.input.policy, fundingLine }, this.input.lang, true)[i]!.lines];
  }
}
