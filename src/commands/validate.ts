/**
 * `fundplan validate <scenario.json | applications file>`: every problem in the inputs, without
 * solving. Errors are what would stop a solve (unreadable cells, missing or duplicate ids,
 * unknown measures with the nearest name, amounts a measure needs); warnings are what a solve
 * would accept but a person should look at (credit-code check characters, an upper-level grant
 * on a measure that does not match it, implausible amounts, a request above what the policy can
 * pay, another year, one company under two codes, less than half of the budget allocatable —
 * the warnings a solve prints too). A scenario's earlier batches (its `lock`,
 * then `--lock`) are read too: every problem in a lock file, and every locked project whose
 * data differ from its application, is an error with the rest. A plain function the CLI and
 * tests call.
 */
import { relative } from 'node:path';
import { InputError, formatIssue, type InputIssue } from '../errors.js';
import { readApplicationsFile } from '../io/applications.js';
import { BUNDLED_POLICY, bundledPath } from '../io/bundled.js';
import { parseJson, readInput } from '../io/files.js';
import { resolveApplications } from '../model/application.js';
import { parsePolicy } from '../model/policy.js';
import { plausibilityWarnings } from '../model/plausibility.js';
import { scenarioIssues } from '../model/check.js';
import { loadScenario, withLocks } from '../pipeline/load.js';
import { budgetWarnings } from '../pipeline/solve.js';

export interface ValidateOptions {
  /** A scenario JSON, or an applications file (.xlsx or CSV). */
  readonly target: string;
  /** The sheet of an .xlsx applications file. */
  readonly sheet?: string;
  /** The policy to check a bare applications file against (default: the bundled one). */
  readonly policy?: string;
  /** Earlier batches' allocations.csv, after the scenario's own `lock` (a scenario only). */
  readonly lock?: string | readonly string[];
}

export interface ValidateReport {
  readonly kind: 'scenario' | 'applications';
  /** Applications that were read (rows with errors are not counted). */
  readonly applications: number;
  readonly errors: readonly InputIssue[];
  readonly warnings: readonly InputIssue[];
  /** The report for people: warnings, then the counts (errors are the caller's to print). */
  readonly text: string;
}

const isJson = (path: string, bytes: Uint8Array) => /\.json$/i.test(path) || /^\s*\{/.test(Buffer.from(bytes.subarray(0, 64)).toString('utf8').replace(/^\uFEFF/, ''));

export async function runValidate(options: ValidateOptions): Promise<ValidateReport> {
  const shownTarget = relative(process.cwd(), options.target) || options.target;
  const file = readInput(options.target, shownTarget);
  let kind: ValidateReport['kind'] = 'applications';
  let applications = 0;
  const errors: InputIssue[] = [];
  const warnings: InputIssue[] = [];
  let described = shownTarget;
  try {
    if (isJson(options.target, file.bytes)) {
      kind = 'scenario';
      const loaded = withLocks(loadScenario(options.target, { sheet: options.sheet, keepGoing: true }), options.lock, { keepGoing: true });
      const source = loaded.source;
      // The applications of the file (a locked project known only from its lock file is the lock file's).
      const own = loaded.applications.filter((a) => !a.lockedFrom);
      // Solve names the applications file as the scenario does; here, as seen from the shell.
      const named = loaded.inputs.applications.file;
      const asShown = (i: InputIssue) => (i.file === named ? { ...i, file: source.file } : i);
      applications = own.length;
      errors.push(...(loaded.issues ?? []).map(asShown));
      // What a solve would stop on in the scenario as a whole (the objective's rules, the granularity, locked grants above the policy).
      const locks = loaded.locks;
      errors.push(...scenarioIssues(loaded.applications, loaded.policy, loaded.scenario, locks.sources.length ? { locked: locks.grants, lockedFrom: locks.at } : {}));
      // The budget's check before a solve: what the policy allows the candidates, against the budget.
      warnings.push(...budgetWarnings(loaded, shownTarget), ...loaded.warnings.map(asShown));
      const sheet = loaded.inputs.applications.sheet;
      const earlier = locks.sources.length ? `; batch ${locks.batch}, locking ${locks.sources.map((s) => s.file).join(', ')}` : '';
      described = `${shownTarget} → ${source.file}${sheet ? ` (sheet ${JSON.stringify(sheet)})` : ''}, policy ${loaded.policy.id}${earlier}`;
    } else {
      if (options.lock !== undefined) errors.push({ file: '--lock', expected: 'a scenario to validate with earlier batches (a bare applications file has no budget or limits to hold them against)', found: shownTarget });
      const policyPath = options.policy ?? bundledPath(BUNDLED_POLICY);
      const shownPolicy = relative(process.cwd(), policyPath) || policyPath;
      const policy = parsePolicy(parseJson(readInput(policyPath, shownPolicy), shownPolicy), shownPolicy);
      const read = readApplicationsFile(file.bytes, shownTarget, { sheet: options.sheet, keepGoing: true });
      const resolved = resolveApplications(read.records, policy, read.source);
      applications = resolved.applications.length;
      errors.push(...read.issues, ...resolved.issues);
      warnings.push(...read.warnings, ...resolved.warnings, ...plausibilityWarnings(resolved.applications, policy, read.source));
      described = `${shownTarget}${read.sheet ? ` (sheet ${JSON.stringify(read.sheet)})` : ''}, policy ${policy.id}`;
    }
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    errors.push(...e.issues);
  }
  // Issues without a row (a file, the scenario as a whole) first, then by row; the sort is stable.
  const rowOf = (i: InputIssue) => (typeof i.row === 'number' ? i.row : 0);
  const byRow = (a: InputIssue, b: InputIssue) => rowOf(a) - rowOf(b);
  errors.sort(byRow);
  warnings.sort(byRow);
  const lines = [
    `fundplan validate: ${described}`,
    ...(warnings.length ? [`警告 / warnings (${warnings.length}):`, ...warnings.map(formatIssue)] : []),
    errors.length
      ? `${applications} 项申报可读；错误 ${errors.length} 处，警告 ${warnings.length} 条 / ${applications} applications read; ${errors.length} errors, ${warnings.length} warnings`
      : warnings.length
        ? `${applications} 项申报，无错误，警告 ${warnings.length} 条 / ${applications} applications, no errors, ${warnings.length} warnings`
        : `${applications} 项申报，无错误，无警告 / ${applications} applications, no problems found`,
  ];
  return { kind, applications, errors, warnings, text: lines.join('\n') };
}
