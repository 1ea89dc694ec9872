/**
 * Earlier batches a run holds fixed. Each lock file is an earlier run's allocations.csv: the
 * first named is batch 1, the next batch 2, and this run is the batch after the last. A locked
 * project that is not in this batch's applications is taken from its lock file (project,
 * company, measure, district, year and grant are what its limits need); one that is must be
 * the same project in both (company, measure, district). A project is fixed by one batch only:
 * a later file may carry an earlier batch's row (its `batch` column says so) with the same
 * grant, and it stays that batch's. Every problem is collected, each naming file and row.
 */
import { createHash } from 'node:crypto';
import type { Decimal } from 'decimal.js';
import { InputError, shown, type InputIssue } from '../errors.js';
import { readInput } from '../io/files.js';
import { parseLockedFile, type LockedFile, type LockedRow } from '../io/locked.js';
import { checkCommitted } from './run-folder.js';
import { fmtYuan, fmtYuanHuman, ZERO } from '../money.js';
import { unknownMeasureHint, type Application } from '../model/application.js';
import { lookupMeasure, measureIndex } from '../model/policy.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';

/** One earlier batch held fixed. */
export interface LockSource {
  /** As the scenario names it, or as given with `--lock`; `(in memory)` for grants given as a Map. */
  readonly file: string;
  readonly sha256: string;
  /** 1, 2, … in the order the files are named. */
  readonly batch: number;
  /** The grants this batch fixed, by project id (rows carried from an earlier batch stay that batch's). */
  readonly grants: ReadonlyMap<string, Decimal>;
}

export interface Locks {
  readonly sources: readonly LockSource[];
  /** Every locked grant, by project id. */
  readonly grants: ReadonlyMap<string, Decimal>;
  /** Where each locked grant was read: the file as shown and its row (none for a Map). */
  readonly at: ReadonlyMap<string, { readonly file: string; readonly row: number }>;
  /** The batch of each locked project. */
  readonly batchOf: ReadonlyMap<string, number>;
  /** This run's batch: the number of earlier batches + 1. */
  readonly batch: number;
}

export const NO_LOCKS: Locks = { sources: [], grants: new Map(), at: new Map(), batchOf: new Map(), batch: 1 };

/** Earlier batches as the library takes them: an allocations.csv, several in order, or the grants by project id. */
export type LockInput = string | readonly string[] | ReadonlyMap<string, Decimal>;

/** A lock file to read: where it is, as the scenario (or the command line) names it, as messages show it. */
export interface LockPath {
  readonly path: string;
  readonly named: string;
  readonly shown: string;
}

export interface Locking {
  /** The applications with every locked project known only from a lock file added at the end. */
  readonly applications: readonly Application[];
  readonly locks: Locks;
  readonly issues: readonly InputIssue[];
}

interface Context {
  readonly policy: Policy;
  readonly scenario: Scenario;
  /** The applications file as messages show it. */
  readonly appsFile: string;
}

const MEMORY = '(in memory)';

/** Add earlier batches, in order, after those already held. */
export function addLocks(applications: readonly Application[], held: Locks, add: readonly LockPath[] | ReadonlyMap<string, Decimal>, context: Context): Locking {
  const issues: InputIssue[] = [];
  const grants = new Map(held.grants);
  const at = new Map(held.at);
  const batchOf = new Map(held.batchOf);
  const sources = [...held.sources];
  const own = new Map(applications.filter((a) => !a.lockedFrom).map((a) => [a.projectId, a]));
  const added: Application[] = [];
  const measures = measureIndex(context.policy);

  if (isGrants(add)) {
    const batch = sources.length + 1;
    for (const [id, grant] of add) {
      if (!own.has(id)) issues.push({ file: 'lock', column: 'project_id', expected: 'a project of the applications (locked grants given by project id need their application)', found: shown(id) });
      else if (grants.has(id)) issues.push({ file: 'lock', column: 'project_id', expected: 'a project no earlier batch fixed', found: shown(id) });
      else (grants.set(id, grant), batchOf.set(id, batch));
    }
    const listed = [...add.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, g]) => [id, fmtYuan(g)]);
    sources.push({ file: MEMORY, sha256: createHash('sha256').update(JSON.stringify(listed)).digest('hex'), batch, grants: new Map(add) });
  } else {
    for (const p of add) {
      const batch = sources.length + 1;
      let file: LockedFile;
      let sha256: string;
      try {
        const input = readInput(p.path, p.shown);
        checkCommitted(input, p.shown);
        sha256 = input.sha256;
        file = parseLockedFile(input.bytes, p.shown);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        issues.push(...e.issues);
        continue;
      }
      const fixed = new Map<string, Decimal>();
      for (const r of file.rows) {
        const id = r.projectId;
        const where = { file: p.shown, row: r.row };
        const earlier = at.get(id);
        // A row the run that wrote this file had itself locked: an earlier batch's, which must say the same.
        const carried = file.batch !== null && r.batch !== null && r.batch < file.batch;
        if (earlier) {
          const same = grants.get(id)!.eq(r.grant);
          if (!carried) {
            issues.push({ ...where, column: 'project_id', expected: `a project no other lock file fixes (${earlier.file} row ${earlier.row} fixes it)`, found: shown(id) });
          } else if (!same) {
            issues.push({ ...where, column: 'grant', expected: `the grant ${earlier.file} row ${earlier.row} fixed for ${id}, ${fmtYuanHuman(grants.get(id)!)}`, found: fmtYuanHuman(r.grant) });
          }
          continue;
        }
        if (carried) {
          issues.push({
            ...where,
            column: 'batch',
            expected: `batch ${r.batch}'s allocations.csv named in "lock" before this file (the run that wrote it had locked ${id})`,
            found: `${r.batch}, with no earlier lock file fixing ${id}`,
          });
          continue;
        }
        const app = own.get(id);
        if (app) issues.push(...differences(app, r, p.shown, file, context, measures));
        else {
          const made = fromLockRow(r, p.shown, file, context, measures, applications.length + added.length, issues);
          if (made) added.push(made);
        }
        fixed.set(id, r.grant);
        grants.set(id, r.grant);
        at.set(id, where);
        batchOf.set(id, batch);
      }
      sources.push({ file: p.named, sha256, batch, grants: fixed });
    }
  }
  return {
    applications: added.length ? [...applications, ...added] : applications,
    locks: { sources, grants, at, batchOf, batch: sources.length + 1 },
    issues,
  };
}

function isGrants(x: readonly LockPath[] | ReadonlyMap<string, Decimal>): x is ReadonlyMap<string, Decimal> {
  return x instanceof Map;
}

/** The same project in the applications and a lock file: its company, measure and district must agree. */
function differences(app: Application, r: LockedRow, shownFile: string, file: LockedFile, context: Context, measures: ReturnType<typeof measureIndex>): InputIssue[] {
  const out: InputIssue[] = [];
  const differ = (column: 'company_id' | 'measure' | 'district', theirs: string, ours: string, same: boolean) => {
    if (!file.columns.has(column) || same) return;
    out.push({
      file: shownFile,
      row: r.row,
      column,
      expected: `${shown(ours)} as ${context.appsFile} row ${app.row} has it for ${app.projectId} (the same project in both files)`,
      found: shown(theirs),
    });
  };
  differ('company_id', r.companyId, app.companyId, r.companyId === app.companyId);
  differ('measure', r.measure, app.measureId, lookupMeasure(measures, r.measure)?.id === app.measureId);
  differ('district', r.district, app.district, r.district === app.district);
  return out;
}

/** A locked project known only from its lock file, as an application whose grant is locked; null (and issues) when the file lacks what its limits need. */
function fromLockRow(r: LockedRow, shownFile: string, file: LockedFile, context: Context, measures: ReturnType<typeof measureIndex>, index: number, issues: InputIssue[]): Application | null {
  const at = { file: shownFile, row: r.row };
  const need = `for ${r.projectId}, which is not in ${context.appsFile}`;
  let ok = true;
  for (const column of ['company_id', 'measure'] as const) {
    if (!file.columns.has(column)) {
      issues.push({ ...at, column, expected: `the column ${column} ${need}`, found: 'no such column' });
      ok = false;
    } else if ((column === 'company_id' ? r.companyId : r.measure) === '') {
      issues.push({ ...at, column, expected: `a ${column === 'company_id' ? 'company' : 'measure'} ${need}`, found: 'an empty cell' });
      ok = false;
    }
  }
  const m = r.measure === '' ? undefined : lookupMeasure(measures, r.measure);
  if (r.measure !== '' && !m) {
    issues.push({ ...at, column: 'measure', expected: unknownMeasureHint(context.policy, r.measure), found: shown(r.measure) });
    ok = false;
  }
  if (!ok || !m) return null;
  return {
    index,
    row: r.row,
    projectId: r.projectId,
    projectName: r.projectName,
    companyId: r.companyId,
    companyName: r.companyName,
    district: r.district,
    measure: r.measure,
    measureId: m.id,
    year: r.year ?? context.scenario.year,
    totalInvestment: null,
    eligibleBase: null,
    requested: r.requested,
    upperFunding: null,
    score: r.score ?? ZERO,
    extra: {},
    lockedFrom: at,
  };
}
