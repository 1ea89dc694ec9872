/**
 * The commitments ledger (commitments.csv): one row per instalment of every funded project,
 * written by each solve and read back by later years' scenarios. A bureau may mark a row paid
 * or cancelled and move its due year; amounts of a project's instalments sum to its grant.
 *
 * The file's columns and the reading of its cells are io's (io/ledger-table.ts); here the rows
 * are checked against each other and their measures mapped to the policy's ids.
 */
import type { Decimal } from 'decimal.js';
import { InputError, shown, type InputIssue } from '../errors.js';
import { D, fmtYuan } from '../money.js';
import type { GridOptions } from '../io/grid.js';
import { readLedgerTable, type CommitmentColumn, type CommitmentStatus, type LedgerCells } from '../io/ledger-table.js';
import type { Encoding } from '../io/text.js';

export {
  COMMITMENT_COLUMNS, COMMITMENT_HEADERS_ZH, COMMITMENT_STATUSES, COMMITMENT_STATUS_WORDS,
  type CommitmentColumn, type CommitmentStatus,
} from '../io/ledger-table.js';

export interface Commitment {
  readonly projectId: string;
  readonly projectName: string;
  readonly companyId: string;
  readonly companyName: string;
  /** Measure id (the policy's). */
  readonly measureId: string;
  readonly approvedYear: number;
  /** The project's whole grant (yuan). */
  readonly grant: Decimal;
  /** 1, 2, … */
  readonly installment: number;
  readonly dueYear: number;
  /** This instalment (yuan). */
  readonly amount: Decimal;
  readonly status: CommitmentStatus;
  /** Where it was read (file as shown, 1-based row), for messages. */
  readonly source?: { readonly file: string; readonly row: number };
}

/** A ledger row as read: the measure as the file writes it (an id or a name), not yet the policy's id. */
export type LedgerEntry = Omit<Commitment, 'measureId' | 'source'> & {
  readonly measure: string;
  readonly source: { readonly file: string; readonly row: number };
};

export interface LedgerRead {
  /** The rows in file order. */
  readonly entries: readonly LedgerEntry[];
  /** Each column's header as the file writes it. */
  readonly headers: Readonly<Record<CommitmentColumn, string>>;
  readonly format: 'csv' | 'xlsx';
  readonly encoding: Encoding | 'xlsx';
  readonly warnings: readonly InputIssue[];
}

/** The columns every row of one project must agree on, with the row's field. */
const PROJECT_FIELDS = [
  ['project_name', 'projectName'],
  ['company_id', 'companyId'],
  ['company_name', 'companyName'],
  ['measure', 'measure'],
  ['approved_year', 'approvedYear'],
  ['grant', 'grant'],
] as const;

const shownValue = (v: string | number | Decimal): string => (typeof v === 'string' ? shown(v) : typeof v === 'number' ? String(v) : fmtYuan(v));
const same = (a: string | number | Decimal, b: string | number | Decimal) => (typeof a === 'object' && typeof b === 'object' ? a.eq(b) : a === b);
const complete = (r: LedgerCells): r is { [K in keyof LedgerCells]: NonNullable<LedgerCells[K]> } => Object.values(r).every((v) => v !== null);

/**
 * Check a ledger's rows against each other: per project (project_id), every row agrees on
 * project_name, company_id, company_name, measure, approved_year and grant; instalment numbers
 * are unique; no instalment is due before the approval year; and the instalments' amounts sum
 * to the grant exactly. Returns the rows that read, or throws one InputError listing the
 * problems in cells (`cellIssues`) and these together.
 */
export function checkLedger(rows: readonly LedgerCells[], headers: Readonly<Record<CommitmentColumn, string>>, file: string, cellIssues: readonly InputIssue[] = []): LedgerEntry[] {
  const issues: InputIssue[] = [...cellIssues];
  const byProject = new Map<string, LedgerCells[]>();
  for (const r of rows) {
    if (r.projectId === null) continue;
    const list = byProject.get(r.projectId);
    if (list) list.push(r);
    else byProject.set(r.projectId, [r]);
    if (r.approvedYear !== null && r.dueYear !== null && r.dueYear < r.approvedYear) {
      issues.push({ file, row: r.row, column: headers.due_year, expected: `a year from the approval year ${r.approvedYear} on`, found: String(r.dueYear) });
    }
  }
  for (const [id, list] of byProject) {
    // The first row that has a value sets what the project's other rows must match.
    for (const [column, field] of PROJECT_FIELDS) {
      const first = list.find((r) => r[field] !== null);
      if (!first) continue;
      const want = first[field]!;
      for (const r of list) {
        const v = r[field];
        if (v !== null && r !== first && !same(v, want)) {
          issues.push({ file, row: r.row, column: headers[column], expected: `${shownValue(want)} as on row ${first.row} (the same project ${shown(id)})`, found: shownValue(v) });
        }
      }
    }
    const rowOf = new Map<number, number>();
    for (const r of list) {
      if (r.installment === null) continue;
      const earlier = rowOf.get(r.installment);
      if (earlier !== undefined) {
        issues.push({ file, row: r.row, column: headers.installment, expected: `an instalment number not used before for project ${shown(id)} (row ${earlier} is instalment ${r.installment})`, found: String(r.installment) });
      } else rowOf.set(r.installment, r.row);
    }
    if (list.every((r) => r.amount !== null && r.grant !== null)) {
      const sum = list.reduce((s, r) => s.plus(r.amount!), new D(0));
      const grant = list[0]!.grant!;
      if (!sum.eq(grant)) {
        issues.push({
          file, row: list[0]!.row, column: headers.amount,
          expected: `project ${shown(id)}'s instalments summing to its grant, ${fmtYuan(grant)} yuan (${headers.grant})`,
          found: `${fmtYuan(sum)} yuan over row${list.length === 1 ? '' : 's'} ${list.map((r) => r.row).join(', ')}, ${sum.gt(grant) ? 'over' : 'under'} by ${fmtYuan(sum.minus(grant).abs())}`,
        });
      }
    }
  }
  if (issues.length) throw new InputError(issues);
  return rows.filter(complete).map((r) => ({
    projectId: r.projectId, projectName: r.projectName, companyId: r.companyId, companyName: r.companyName,
    measure: r.measure, approvedYear: r.approvedYear, grant: r.grant, installment: r.installment,
    dueYear: r.dueYear, amount: r.amount, status: r.status, source: { file, row: r.row },
  }));
}

/**
 * Read a commitments ledger file (CSV or .xlsx, by content) and check it (`checkLedger`):
 * every problem, in cells and between rows, in one InputError.
 */
export function readCommitmentsFile(bytes: Uint8Array, file: string, options: GridOptions = {}): LedgerRead {
  const t = readLedgerTable(bytes, file, options);
  const entries = checkLedger(t.rows, t.headers, file, t.issues);
  return { entries, headers: t.headers, format: t.format, encoding: t.encoding, warnings: t.warnings };
}

/**
 * The entries with their measures mapped to the policy's ids by `lookup` (an id or a name to
 * the id, null when the policy has no such measure); unknown measures are one InputError, each
 * with its row and column (`column`: the file's header for the measure).
 */
export function resolveLedgerMeasures(entries: readonly LedgerEntry[], lookup: (text: string) => string | null, file: string, column = 'measure'): Commitment[] {
  const issues: InputIssue[] = [];
  const out: Commitment[] = [];
  for (const e of entries) {
    const id = lookup(e.measure);
    if (id === null) {
      issues.push({ file, row: e.source.row, column, expected: "a measure of the policy (its id or its name)", found: shown(e.measure) });
      continue;
    }
    const { measure: _, ...rest } = e;
    out.push({ ...rest, measureId: id });
  }
  if (issues.length) throw new InputError(issues);
  return out;
}
