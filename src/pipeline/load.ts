/**
 * Load a scenario and everything it names — scenario → policy → applications (→ locked grants
 * of earlier batches) — all validated. From files (a scenario path) or from memory (a scenario
 * object and application records, for library users); both end in the same `Loaded`.
 */
import { createHash } from 'node:crypto';
import type { Decimal } from 'decimal.js';
import { relative, resolve } from 'node:path';
import { InputError, type InputIssue } from '../errors.js';
import { parseJson, readInput } from '../io/files.js';
import { readScenarioChain } from '../io/scenario-file.js';
import { readApplicationsFile, type ReadApplications } from '../io/applications.js';
import { tableToRecords, type RawRow } from '../io/table.js';
import { resolveApplications, type Application, type ApplicationsSource } from '../model/application.js';
import { withScenarioDecisions } from '../model/decisions.js';
import { plausibilityWarnings } from '../model/plausibility.js';
import { lookupMeasure, measureIndex, parsePolicy, type Policy } from '../model/policy.js';
import { checkScenarioAgainstPolicy, parseScenario, type Scenario } from '../model/scenario.js';
import { resolveLedgerMeasures, type Commitment } from '../model/ledger.js';
import { readCommitmentsFile } from './ledger.js';
import { earlierForTargets } from '../model/years.js';
import type { InputProvenance } from '../report/summary.js';
import { addLocks, NO_LOCKS, type LockInput, type LockPath, type Locks } from './locks.js';

export type { LockInput, LockSource, Locks } from './locks.js';

export interface Loaded {
  readonly scenario: Scenario;
  readonly policy: Policy;
  readonly applications: readonly Application[];
  readonly warnings: readonly InputIssue[];
  readonly inputs: InputProvenance;
  /** Earlier batches held fixed (the scenario's `lock`, then any added); their projects not in the applications file are in `applications`, last. */
  readonly locks: Locks;
  /** Problems in the applications and lock files, returned instead of thrown with `keepGoing` (validate). */
  readonly issues?: readonly InputIssue[];
  /** The applications file as read: its path as shown and its headers. */
  readonly source: ApplicationsSource;
}

export interface LoadOptions {
  /** The sheet of an .xlsx applications file (default: the scenario's `sheet`, else the first). */
  readonly sheet?: string;
  /** Return problems in the applications instead of throwing them. */
  readonly keepGoing?: boolean;
  /** Called with the applications file's size in bytes once it is read, before it is parsed (not for applications held in memory). */
  readonly onApplicationsRead?: (bytes: number) => void;
}

/**
 * A scenario held in memory: its JSON object (as a scenario file holds it; `policy` may be the
 * policy object itself instead of a path) and the application records, keyed by the column
 * headers an applications file would have (Chinese or English, e.g. `项目编号` or `project_id`),
 * values as a cell would hold them (`"150万"`, `1500000`, `"1,500,000.00"`).
 */
export interface MemoryInput {
  readonly scenario: Readonly<Record<string, unknown>>;
  /** The applications; without them, the scenario's `applications` path is read. */
  readonly applications?: readonly Readonly<Record<string, unknown>>[];
  /** The policy object; overrides the scenario's `policy`. */
  readonly policy?: unknown;
  /** Where relative paths in the scenario resolve (default: the current directory). */
  readonly baseDir?: string;
}

/** A scenario file's path, or a scenario in memory. */
export type Input = string | MemoryInput;

export function loadInput(input: Input, options: LoadOptions = {}): Loaded {
  return typeof input === 'string' ? loadScenario(input, options) : loadMemory(input, options);
}

export function loadScenario(scenarioPath: string, options: LoadOptions = {}): Loaded {
  const chain = readScenarioChain(scenarioPath);
  const shownScenario = chain.files[0]!.shown;
  const parsed = parseScenario(chain.json, shownScenario);

  const policyPath = resolve(chain.dirOf.policy, parsed.policy);
  const shownPolicy = relative(process.cwd(), policyPath);
  const policyFile = readInput(policyPath, shownPolicy);
  const policy = parsePolicy(parseJson(policyFile, shownPolicy), shownPolicy);
  const scenario = checkScenarioAgainstPolicy(parsed, policy, shownScenario);

  const appsPath = resolve(chain.dirOf.applications, scenario.applications);
  const shownApps = relative(process.cwd(), appsPath);
  const appsFile = readInput(appsPath, shownApps);
  options.onApplicationsRead?.(appsFile.bytes.length);
  const fromScenario = options.sheet === undefined && scenario.sheet !== null;
  const read = readApplicationsFile(appsFile.bytes, shownApps, {
    ...options,
    measureOf: measureLookup(policy),
    sheet: options.sheet ?? scenario.sheet ?? undefined,
    ...(fromScenario ? { sheetNamedBy: `the "sheet" of ${chain.fileOf.sheet ?? shownScenario}` } : {}),
  });
  const loaded = finishLoad(scenario, policy, read, shownApps, options, {
    // Paths as the scenario names them, so outputs do not depend on where the clone lives.
    scenario: { file: chain.files[0]!.named, sha256: chain.files[0]!.sha256, extends: chain.files.slice(1).map((f) => ({ file: f.named, sha256: f.sha256 })) },
    policy: { file: scenario.policy, sha256: policyFile.sha256 },
    applications: { file: scenario.applications, sha256: appsFile.sha256, encoding: read.encoding, ...(read.sheet !== undefined ? { sheet: read.sheet } : {}) },
  });
  return withLockPaths(withYears(loaded, chain.dirOf, options), lockPaths(chain.dirOf.lock, scenario.lock ?? []), options);
}

/**
 * A multi-year scenario's other inputs: earlier years' ledgers and the forecast applications of
 * plan years, each checked as the applications are, attached to the scenario (`years`) with
 * their hashes in the provenance.
 */
function withYears(loaded: Loaded, dirOf: { readonly commitments: string; readonly plan: string }, options: LoadOptions): Loaded {
  const s = loaded.scenario;
  if (!s.commitments?.length && !s.plan?.size && !s.targets?.length) return loaded;
  const issues: InputIssue[] = [];
  const ledger: Commitment[] = [];
  const ledgerFiles: { file: string; sha256: string }[] = [];
  const index = measureIndex(loaded.policy);
  // A project's instalment is in one ledger only: each year's file holds that year's new grants.
  const rowOf = new Map<string, string>();
  for (const named of s.commitments ?? []) {
    const path = resolve(dirOf.commitments, named);
    const shown = relative(process.cwd(), path) || path;
    const file = readInput(path, shown);
    try {
      const read = readCommitmentsFile(file.bytes, shown);
      for (const c of resolveLedgerMeasures(read.entries, (t) => lookupMeasure(index, t)?.id ?? null, shown, read.headers.measure)) {
        const key = `${c.projectId}|${c.installment}`;
        const other = rowOf.get(key);
        if (other !== undefined) issues.push({ file: shown, row: c.source?.row ?? 'commitments', column: read.headers.project_id, expected: `each instalment in one ledger (it is in ${other} too)`, found: `${c.projectId} 期次 ${c.installment}` });
        rowOf.set(key, shown);
        ledger.push(c);
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
    }
    ledgerFiles.push({ file: named, sha256: file.sha256 });
  }
  const planned = new Map<number, Application[]>();
  const planFiles: { year: number; file: string; sha256: string }[] = [];
  const ids = new Map(loaded.applications.map((a) => [a.projectId, loaded.scenario.applications] as const));
  for (const [year, p] of s.plan ?? []) {
    const path = resolve(dirOf.plan, p.applications);
    const shown = relative(process.cwd(), path) || path;
    const file = readInput(path, shown);
    try {
      const read = readApplicationsFile(file.bytes, shown, { measureOf: measureLookup(loaded.policy), ...(p.sheet !== null ? { sheet: p.sheet } : {}) });
      const resolved = resolveApplications(read.records, loaded.policy, read.source);
      issues.push(...resolved.issues);
      resolved.applications.forEach((a) => {
        const at = { file: shown, row: a.row, column: read.source.headers.year ?? 'year' };
        if (a.year !== year) issues.push({ ...at, expected: `the plan year ${year} (scenario plan.${year})`, found: String(a.year) });
        const other = ids.get(a.projectId);
        if (other !== undefined) issues.push({ ...at, column: read.source.headers.project_id ?? 'project_id', expected: `a project id not used in ${other}`, found: a.projectId });
        ids.set(a.projectId, shown);
      });
      planned.set(year, [...resolved.applications]);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
    }
    planFiles.push({ year, file: p.applications, sha256: file.sha256 });
  }
  if (issues.length) throw new InputError(issues);
  // Instalments of earlier years still marked planned: paid from their own year's cash, or forgotten?
  const overdue = ledger.filter((c) => c.status === 'planned' && c.dueYear < s.year);
  const warnings = overdue.length
    ? [
        ...loaded.warnings,
        {
          file: s.commitments!.join(', '),
          expected: `instalments due before ${s.year} marked paid (已拨付) or cancelled (撤销); they are not counted against this year's cash`,
          found: `${overdue.length} still marked planned (e.g. ${overdue[0]!.projectId} 期次 ${overdue[0]!.installment}, due ${overdue[0]!.dueYear})`,
        },
      ]
    : loaded.warnings;
  return {
    ...loaded,
    warnings,
    scenario: { ...s, years: { ledger, planned, ...(s.targets?.length ? { earlier: earlierForTargets(s.targets, ledger, loaded.policy) } : {}) } },
    inputs: { ...loaded.inputs, ...(ledgerFiles.length ? { commitments: ledgerFiles } : {}), ...(planFiles.length ? { plan: planFiles } : {}) },
  };
}

/**
 * The policy's measure id for a measure cell's text, as `resolveApplications` finds it, each
 * text looked up once: the reader builds each record with it, and resolving then copies none.
 * The measure index is held as ids (`lookupMeasure` on it): the reader's row loop, which calls
 * this for every row, then reads no measure object, whose shapes differ from measure to measure
 * (a row of a measure not seen before would make V8 throw away the loop's optimised code).
 */
export function measureLookup(policy: Policy): (text: string) => string | undefined {
  const index = new Map<string, { readonly id: string }>();
  for (const [key, m] of measureIndex(policy)) index.set(key, { id: m.id });
  const ids = new Map<string, string | undefined>();
  return (text) => {
    let id = ids.get(text);
    if (id === undefined && !ids.has(text)) ids.set(text, (id = lookupMeasure(index, text)?.id));
    return id;
  };
}

/** Lock files named relative to `dir` (the folder of the file that names them). */
function lockPaths(dir: string, named: readonly string[]): LockPath[] {
  return named.map((n) => {
    const path = resolve(dir, n);
    return { path, named: n, shown: relative(process.cwd(), path) || path };
  });
}

/**
 * The loaded scenario with more earlier batches held fixed, after its own: lock files (paths
 * relative to the current directory, as `--lock` gives them) or grants by project id.
 */
export function withLocks(loaded: Loaded, lock: LockInput | undefined, options: Pick<LoadOptions, 'keepGoing'> = {}): Loaded {
  if (lock === undefined) return loaded;
  if (typeof lock === 'string') return withLockPaths(loaded, lockPaths(process.cwd(), [lock]), options);
  return withLockPaths(loaded, isMap(lock) ? lock : lockPaths(process.cwd(), lock), options);
}

const isMap = <K, V>(x: unknown): x is ReadonlyMap<K, V> => x instanceof Map;

function withLockPaths(loaded: Loaded, add: readonly LockPath[] | ReadonlyMap<string, Decimal>, options: Pick<LoadOptions, 'keepGoing'>): Loaded {
  if ((isMap(add) ? add.size : add.length) === 0) return loaded;
  const { applications, locks, issues } = addLocks(loaded.applications, loaded.locks, add, { policy: loaded.policy, scenario: loaded.scenario, appsFile: loaded.source.file });
  if (issues.length && !options.keepGoing) throw new InputError(issues);
  return { ...loaded, applications, locks, ...(options.keepGoing ? { issues: [...(loaded.issues ?? []), ...issues] } : {}) };
}

/** How provenance names an input held in memory. */
export const MEMORY = '(in memory)';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function loadMemory(input: MemoryInput, options: LoadOptions): Loaded {
  const base = input.baseDir ?? process.cwd();
  const json: Record<string, unknown> = { ...input.scenario };
  const policyGiven = input.policy ?? (typeof json.policy === 'object' && json.policy !== null ? json.policy : undefined);
  if (policyGiven !== undefined) json.policy = MEMORY;
  if (input.applications) json.applications = MEMORY;
  const parsed = parseScenario(json, 'scenario');

  let policy: Policy;
  let policyProvenance: InputProvenance['policy'];
  if (policyGiven !== undefined) {
    policy = parsePolicy(policyGiven, 'policy');
    policyProvenance = { file: MEMORY, sha256: sha256(JSON.stringify(policyGiven)) };
  } else {
    const path = resolve(base, parsed.policy);
    const shown = relative(process.cwd(), path) || path;
    const file = readInput(path, shown);
    policy = parsePolicy(parseJson(file, shown), shown);
    policyProvenance = { file: parsed.policy, sha256: file.sha256 };
  }
  const scenario = checkScenarioAgainstPolicy(parsed, policy, 'scenario');

  let read: ReadApplications;
  let shownApps: string;
  let appsProvenance: InputProvenance['applications'];
  if (input.applications) {
    shownApps = 'applications';
    read = { ...tableToRecords(recordsTable(input.applications), shownApps, { ...options, measureOf: measureLookup(policy) }), format: 'csv', encoding: 'utf-8' };
    appsProvenance = { file: MEMORY, sha256: sha256(JSON.stringify(input.applications)), encoding: 'memory' };
  } else {
    const path = resolve(base, scenario.applications);
    shownApps = relative(process.cwd(), path) || path;
    const file = readInput(path, shownApps);
    options.onApplicationsRead?.(file.bytes.length);
    read = readApplicationsFile(file.bytes, shownApps, { ...options, measureOf: measureLookup(policy), sheet: options.sheet ?? scenario.sheet ?? undefined });
    appsProvenance = { file: scenario.applications, sha256: file.sha256, encoding: read.encoding, ...(read.sheet !== undefined ? { sheet: read.sheet } : {}) };
  }
  const loaded = finishLoad(scenario, policy, read, shownApps, options, {
    scenario: { file: MEMORY, sha256: sha256(JSON.stringify(input.scenario)), extends: [] },
    policy: policyProvenance,
    applications: appsProvenance,
  });
  return withLockPaths(withYears(loaded, { commitments: base, plan: base }, options), lockPaths(base, scenario.lock ?? []), options);
}

/** Records as a table with a header row, as a spreadsheet would hold them (row 1: headers). */
function recordsTable(records: readonly Readonly<Record<string, unknown>>[]): { rows: RawRow[]; merges: [] } {
  const headers: string[] = [];
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), headers.push(k));
  // A cell's text: empty for nothing, a date as YYYY-MM-DD, anything else (numbers, Decimal) as its string.
  const cell = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
  return {
    rows: [{ row: 1, cells: headers }, ...records.map((r, i) => ({ row: i + 2, cells: headers.map((h) => cell(r[h])) }))],
    merges: [],
  };
}

/**
 * The applications checked against the policy, and every warning about them — the reader's,
 * the policy's, and what is implausible (model/plausibility.ts) — computed here once for
 * `solve` and `validate` alike, in row order.
 * @param shownApps the applications file as messages name it while reading; warnings name it as the scenario does
 */
function finishLoad(scenario: Scenario, policy: Policy, read: ReadApplications, shownApps: string, options: LoadOptions, inputs: InputProvenance): Loaded {
  const named = inputs.applications.file === MEMORY ? shownApps : scenario.applications;
  const resolved = resolveApplications(read.records, policy, read.source);
  const decided = withScenarioDecisions(resolved.applications, scenario, inputs.scenario.file === MEMORY ? 'scenario' : inputs.scenario.file);
  const issues = [...resolved.issues, ...decided.issues];
  if (issues.length && !options.keepGoing) throw new InputError(issues);
  // The plausibility warnings name the file as summary.json does from the start (below), not copied.
  const warnings = [...read.warnings, ...resolved.warnings, ...plausibilityWarnings(resolved.applications, policy, { ...read.source, file: named }, scenario.year)];
  // A warning about the file as a whole (no row) first, then by row; the sort is stable.
  const rowOf = (w: InputIssue) => (typeof w.row === 'number' ? w.row : 0);
  warnings.sort((a, b) => rowOf(a) - rowOf(b));
  return {
    scenario,
    policy,
    applications: decided.applications,
    locks: NO_LOCKS,
    source: read.source,
    ...(options.keepGoing ? { issues: [...read.issues, ...issues] } : {}),
    // Warnings go into summary.json: name the file as the scenario does, not as seen from the shell.
    warnings: warnings.map((w) => (w.file === shownApps ? { ...w, file: named } : w)),
    inputs,
  };
}
