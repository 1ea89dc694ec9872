/** `fundplan solve`: load, allocate, verify, write. A plain function the CLI and tests call. */
import type { Decimal } from 'decimal.js';
import { relative } from 'node:path';
import { InputError } from '../errors.js';
import { readInput } from '../io/files.js';
import { parseLockedFile, type LockedFile } from '../io/locked.js';
import type { Application } from '../model/application.js';
import { InternalError } from '../errors.js';
import { writeFileAtomically, writeOutputsAtomically } from '../io/write.js';
import { toCplexLp } from '../solver/lp-format.js';
import { TOOL_VERSION } from '../version.js';
import { pickerWork, prepareAllocation, solvePrepared, type Allocation } from '../model/allocate.js';
import { checkScenario } from '../model/check.js';
import { withBudget } from '../model/scenario.js';
import { allocationRows } from '../report/allocations.js';
import { buildReportData, type ReportData } from '../report/data.js';
import { explainAll } from '../report/explain.js';
import { limitLabel } from '../report/labels.js';
import { noticeCsv } from '../report/notice.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import { allocationsXlsx } from '../report/xlsx.js';
import { formatRows, formatRowsAside, type FormattedRows } from '../report/offload.js';
import { marginalValues, marginalWords } from '../model/marginal.js';
import { fmtYuan } from '../money.js';
import { buildSummary, humanSummary, type Summary, type Timings } from '../report/summary.js';
import { integerBackendOf, loadPicker, needsOf, openSensitivity, type Picker, type SolverChoice } from '../solver/select.js';
import { verifyAllocation, type Verification } from '../verify/verify.js';
import { loadScenario, type Loaded } from './load.js';

/** The files a solve writes, together or not at all. */
export const OUTPUT_FILES = ['allocations.csv', 'allocations.xlsx', 'notice.csv', 'summary.json', 'report.html', 'report.md'] as const;

export interface SolveOptions {
  readonly scenario: string;
  readonly out: string;
  /** Overrides the scenario's budget. */
  readonly budget?: Decimal;
  /** Leave timings out of summary.json, so that every byte is a function of the inputs. */
  readonly noTimings?: boolean;
  /** Stop the LP after this long and report the best allocation found and its gap. */
  readonly timeLimitSeconds?: number;
  /** A previous run's allocations.csv whose grants are kept fixed (a later batch). */
  readonly lock?: string;
  /** Language of the one-line explanations and reports (default zh). */
  readonly lang?: 'zh' | 'en';
  /** Write the stage-1 LP (CPLEX LP format) to this file. */
  readonly emitLp?: string;
  /** Which LP backend (default auto), or a ready picker (tests). */
  readonly solver?: SolverChoice | Picker;
  /** The sheet of an .xlsx applications file (default: the first). */
  readonly sheet?: string;
}

export interface SolveOutcome {
  readonly loaded: Loaded;
  readonly allocation: Allocation;
  readonly verification: Verification;
  readonly summary: Summary;
  readonly files: readonly string[];
  readonly text: string;
}

/** Throws InternalError listing every violation: an allocation that breaks a rule is never written. */
export function assertVerified(v: Verification): void {
  if (v.violations.length) {
    throw new InternalError(
      `the verifier found ${v.violations.length} broken rule(s) in the allocation; nothing was written`,
      v.violations.map((x) => `${x.rule} · ${x.subject}: limit ${x.limit}, value ${x.value}${x.excess ? `, off by ${x.excess}` : ''}`),
    );
  }
}

/** Locked grants from a previous run's allocations.csv; every project must be in this batch's applications. */
function readLocked(path: string, applications: readonly Application[]): LockedFile {
  const shownPath = relative(process.cwd(), path) || path;
  const locked = parseLockedFile(readInput(path, shownPath).bytes, shownPath);
  const ids = new Set(applications.map((a) => a.projectId));
  const missing = [...locked.grants.keys()].filter((id) => !ids.has(id));
  if (missing.length) {
    throw new InputError(missing.map((id) => ({ file: shownPath, column: 'project_id', expected: 'a project of the applications file (a locked grant needs its application)', found: JSON.stringify(id) })));
  }
  return locked;
}

export interface Solved {
  readonly loaded: Loaded;
  readonly allocation: Allocation;
  readonly verification: Verification;
  readonly summary: Summary;
  readonly data: ReportData;
  /** allocations.csv's rows (ALLOCATION_COLUMNS order; the file is `toExcelCsv` of them). */
  readonly rows: readonly (readonly string[])[];
  /** Milliseconds spent formatting so far (runSolve adds the other files). */
  readonly msFormat: number;
}

export interface SolveHooks {
  /** Called with allocations.csv's rows as soon as they exist (runSolve formats the CSV and the 明细 sheet from them elsewhere). */
  readonly onRows?: (rows: readonly (readonly string[])[]) => void;
}

/** Solve, verify, analyse and build the reports' data and allocations.csv's rows, without writing anything (compare uses this directly). */
export async function solveScenario(options: Omit<SolveOptions, 'out'>, hooks: SolveHooks = {}): Promise<Solved> {
  const t0 = performance.now();
  const loaded0 = loadScenario(options.scenario, { sheet: options.sheet });
  const loaded = options.budget ? { ...loaded0, scenario: withBudget(loaded0.scenario, options.budget) } : loaded0;
  const t1 = performance.now();
  const emit = options.emitLp;
  const lockFile = options.lock ? readLocked(options.lock, loaded.applications) : undefined;
  const locked = lockFile?.grants;
  // Every input problem of the scenario as a whole, at once (validate reports the same).
  const solver = typeof options.solver === 'function' ? undefined : integerBackendOf(options.solver ?? 'auto');
  checkScenario(loaded.applications, loaded.policy, loaded.scenario, { locked, lockedFrom: lockFile, solver });
  const prepared = prepareAllocation(loaded.applications, loaded.policy, loaded.scenario, { locked });
  const tPrepared = performance.now();
  // HiGHS's WebAssembly is loaded only for a model that needs it (an integer model, or an LP that
  // is not a network LP): the policy's own priority model never does.
  const picker = typeof options.solver === 'function' ? options.solver : await loadPicker(options.solver ?? 'auto', loaded.applications.length, needsOf(pickerWork(prepared)));
  const tLoaded = performance.now(); // recognising the network and loading a backend count as solving
  const allocation = solvePrepared(prepared, picker, {
    timeLimitSeconds: options.timeLimitSeconds,
    onLp: emit
      ? (lp) =>
          writeFileAtomically(
            emit,
            toCplexLp(lp, [
              `fundplan ${TOOL_VERSION}: ${loaded.scenario.name}, policy ${loaded.policy.id}`,
              'the model as handed to the solver: the priority LP is in 万元, one column per group of interchangeable applications; integer models are in granularity units, one column per application',
              `applications sha256 ${loaded.inputs.applications.sha256}`,
            ]),
          )
      : undefined,
  });
  const t2 = performance.now();
  const verification = verifyAllocation(loaded.policy, loaded.scenario, loaded.applications, allocation.lines.map((l) => l.grant), new Set(locked?.keys()));
  assertVerified(verification);
  const t3 = performance.now();

  // The value of money: duals and ranges from the stage-1 LP, checked by re-solving.
  // (Only for the priority LP: proportional shares and the integer model have no such duals.)
  const parametric = allocation.status === 'optimal' && !allocation.rules ? await openSensitivity(allocation.model.lp, allocation.model.basis) : null;
  const marginal = parametric ? marginalValues(allocation, parametric) : { values: [], fundingLine: null };
  parametric?.dispose();
  const lang = options.lang ?? 'zh';
  const notes = explainAll({ allocation, scenario: loaded.scenario, policy: loaded.policy, fundingLine: marginal.fundingLine }, lang).map((e) => e.oneLine);
  const t4 = performance.now();

  const timings: Timings = { parse: t1 - t0, ...allocation.timingsMs, verify: t3 - t2, analyse: t4 - t3, write: 0 };
  timings.solve += tLoaded - tPrepared;
  // `write` is the time to format the output files; the atomic write itself follows.
  const rows = allocationRows(allocation, notes);
  hooks.onRows?.(rows);
  const measures = new Map(loaded.policy.measures.map((m) => [m.id, m]));
  const marginalValuesData = marginal.values.map((m) => {
    const label = limitLabel(m.limit, measures);
    return {
      limit: m.limit.id,
      label,
      perYuan: m.perYuan === -Infinity ? null : Math.round(m.perYuan * 1e6) / 1e6,
      from: fmtYuan(m.from),
      to: m.to === null ? '' : fmtYuan(m.to),
      verified: m.verified,
      binding: m.binding,
      words: marginalWords(m, label),
    };
  });
  const summary = buildSummary({
    ...loaded,
    allocation,
    verification,
    timingsMs: options.noTimings ? null : timings,
    fundingLine: marginal.fundingLine,
    marginalValues: marginalValuesData,
  });
  const data = buildReportData({ lang, summary, allocation, policy: loaded.policy, scenario: loaded.scenario, marginalValues: marginalValuesData, fundingLine: marginal.fundingLine, notes });
  return { loaded, allocation, verification, summary, data, rows, msFormat: performance.now() - t4 };
}

export async function runSolve(options: SolveOptions): Promise<SolveOutcome> {
  // allocations.csv and the workbook's 明细 sheet (every application) are made on the other
  // core in big batches, from the rows as soon as they exist; otherwise below, on this thread.
  let aside: Promise<FormattedRows> | null = null;
  const solved = await solveScenario(options, {
    onRows: (rows) => {
      aside = formatRowsAside(rows);
      aside?.catch(() => undefined); // a failure surfaces where it is awaited, not as an unhandled rejection
    },
  });
  return writeSolved(options, solved, aside);
}

async function writeSolved(options: SolveOptions, solved: Solved, aside: Promise<FormattedRows> | null): Promise<SolveOutcome> {
  const { loaded, allocation, verification, summary, data, rows, msFormat } = solved;
  const t = performance.now();
  const html = renderHtml(data);
  const markdown = renderMarkdown(data);
  const notice = noticeCsv(data.notice);
  const formatted = aside ?? Promise.resolve(formatRows(rows));
  const xlsx = await allocationsXlsx(data, formatted.then((f) => f.detail));
  const { csv } = await formatted;
  // `write` covers formatting every output file (the reports do not show timings); the atomic write follows.
  if (summary.timingsMs) summary.timingsMs.write = Math.round((msFormat + performance.now() - t) * 10) / 10;
  const files = writeOutputsAtomically(options.out, [
    { name: 'allocations.csv', content: csv },
    { name: 'allocations.xlsx', content: xlsx },
    { name: 'notice.csv', content: notice },
    { name: 'summary.json', content: JSON.stringify(summary, null, 2) + '\n' },
    { name: 'report.html', content: html },
    { name: 'report.md', content: markdown },
  ]);
  return { loaded, allocation, verification, summary, files, text: humanSummary(summary, files) };
}
