/**
 * The commitments ledger (commitments.csv): one row per instalment of every funded project,
 * written by each solve and read back by later years' scenarios. A bureau may mark a row paid
 * or cancelled and move its due year; amounts of a project's instalments sum to its grant.
 */
import type { Decimal } from 'decimal.js';

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
