/**
 * The commitments ledger (commitments.csv): one row per instalment of every funded project,
 * written by each solve and read back by later years' scenarios. A bureau may mark a row paid
 * or cancelled and move its due year; amounts of a project's instalments sum to its grant.
 *
 * Its columns and row types are here; reading the cells is io's (io/ledger-table.ts), the file
 * as a whole the pipeline's (pipeline/ledger.ts). Here the rows are checked against each other
 * and their measures mapped to the policy's ids.
 */
import type { Decimal } from 'decimal.js';
import { InputError, shown, type InputIssue } from '../errors.js';
import { D, fmtYuan } from '../money.js';

export const COMMITMENT_STATUSES = ['planned', 'paid', 'cancelled'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

/** commitments.csv's columns, in order. */
export const COMMITMENT_COLUMNS = [
  'project_id', 'project_name', 'company_id', 'company_name', 'measure',
  'approved_year', 'grant', 'installment', 'due_year', 'amount', 'status',
] as const;
export type CommitmentColumn = (typeof COMMITMENT_COLUMNS)[number];

/** The Chinese headers (the file's header row when the output language is Chinese). */
export const COMMITMENT_HEADERS_ZH: Readonly<Record<CommitmentColumn, string>> = {
  project_id: '项目编号',
  project_name: '项目名称',
  company_id: '统一社会信用代码',
  company_name: '企业名称',
  measure: '类别编号',
  approved_year: '批准年度',
  grant: '资助总额',
  installment: '期次',
  due_year: '应拨年度',
  amount: '应拨金额',
  status: '状态',
};

/** Status words as a bureau may type them, to the status. */
export const COMMITMENT_STATUS_WORDS: Readonly<Record<string, CommitmentStatus>> = {
  planned: 'planned', 计划: 'planned', 待拨: 'planned', 未拨: 'planned', 待拨付: 'planned',
  paid: 'paid', 已拨: 'paid', 已拨付: 'paid',
  cancelled: 'cancelled', canceled: 'cancelled', 撤销: 'cancelled', 已撤销: 'cancelled', 取消: 'cancelled',
};

/** A ledger row's cells as read (io/ledger-table.ts): null where a cell did not read. */
export interface LedgerCells {
  /** 1-based row as the spreadsheet numbers it. */
  readonly row: number;
  readonly projectId: string | null;
  readonly projectName: string | null;
  readonly companyId: string | null;
  readonly companyName: string | null;
  readonly measure: string | null;
  readonly approvedYear: number | null;
  readonly grant: Decimal | null;
  readonly installment: number | null;
  readonly dueYear: number | null;
  readonly amount: Decimal | null;
  readonly status: CommitmentStatus | null;
}


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
