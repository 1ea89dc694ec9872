/**
 * Application records. io produces `ApplicationRecord`s (typed cells, measure as written);
 * `resolveApplications` checks them against the policy and yields `Application`s.
 */
import type { Decimal } from 'decimal.js';
import { type InputIssue, shown } from '../errors.js';
import type { Measure, Policy } from './policy.js';
import { lookupMeasure, measureIndex, nearestMeasure, needsBase, ruleOf } from './policy.js';
import { creditCodeProblem } from './credit-code.js';

export interface ApplicationRecord {
  /** 0-based position among the data rows. */
  readonly index: number;
  /** 1-based row in the file (the header is row 1), as a spreadsheet numbers it. */
  readonly row: number;
  readonly projectId: string;
  readonly projectName: string;
  readonly companyId: string;
  readonly companyName: string;
  readonly district: string;
  readonly measure: string;
  readonly year: number;
  readonly totalInvestment: Decimal | null;
  readonly eligibleBase: Decimal | null;
  readonly requested: Decimal | null;
  readonly upperFunding: Decimal | null;
  readonly score: Decimal;
  /** A decision taken before the allocation (column `decision`): funded in any case, or never. */
  readonly decision?: Decision | null;
  /** Why (column `decision_reason`), carried into every output. */
  readonly decisionReason?: string;
  /** Applications of one underlying project under several measures: at most one of a group is funded. */
  readonly exclusiveGroup?: string;
  /** Columns fundplan does not use, kept as read. */
  readonly extra: Readonly<Record<string, string>>;
}

export type Decision = 'fund' | 'exclude';

/** `fund` / `exclude`, also 必须资助 / 不予资助 (and a few spellings of each); null for anything else. */
export function parseDecision(text: string): Decision | null {
  const t = text.trim().toLowerCase();
  if (['fund', 'funded', 'force', '必须资助', '资助', '确定资助'].includes(t)) return 'fund';
  if (['exclude', 'excluded', 'no', '不予资助', '不资助', '排除'].includes(t)) return 'exclude';
  return null;
}

export interface Application extends ApplicationRecord {
  readonly measureId: string;
  /**
   * Set for a project known only from an earlier batch's allocations.csv (the file as shown and
   * the row), not from this batch's applications. Its grant is locked and counts against every
   * limit; the file holds no investment or base, so its per-project ceilings were the earlier
   * batch's to check and are not worked out again.
   */
  readonly lockedFrom?: { readonly file: string; readonly row: number };
}

export interface ApplicationsSource {
  readonly file: string;
  /** Header text as written in the file, per field, for messages. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface Resolved {
  readonly applications: readonly Application[];
  readonly issues: readonly InputIssue[];
  readonly warnings: readonly InputIssue[];
}

export function unknownMeasureHint(policy: Policy, text: string): string {
  const m = nearestMeasure(policy, text);
  return m ? `a measure of policy ${policy.id} (nearest: ${m.id} ${m.name.zh})` : `a measure of policy ${policy.id}`;
}

/** Check records against the policy: known measures, unique ids, the amounts each rule needs. */
export function resolveApplications(records: readonly ApplicationRecord[], policy: Policy, source: ApplicationsSource): Resolved {
  const index = measureIndex(policy);
  const issues: InputIssue[] = [];
  const warnings: InputIssue[] = [];
  const at = (r: ApplicationRecord, field: string) => ({ file: source.file, row: r.row, column: source.headers[field] ?? field });
  const firstRow = new Map<string, number>();
  // A batch repeats its codes and measures: each text checked and looked up once.
  const codeProblems = new Map<string, string | undefined>();
  const measures = new Map<string, Measure | undefined>();
  const applications: Application[] = [];
  for (const r of records) {
    const prev = firstRow.get(r.projectId);
    if (prev !== undefined) {
      issues.push({ ...at(r, 'project_id'), expected: `a unique project id (row ${prev} has the same)`, found: shown(r.projectId) });
    } else firstRow.set(r.projectId, r.row);

    let codeProblem = codeProblems.get(r.companyId);
    if (codeProblem === undefined && !codeProblems.has(r.companyId)) codeProblems.set(r.companyId, (codeProblem = creditCodeProblem(r.companyId)));
    if (codeProblem) warnings.push({ ...at(r, 'company_id'), expected: codeProblem, found: shown(r.companyId) });

    let m = measures.get(r.measure);
    if (m === undefined && !measures.has(r.measure)) measures.set(r.measure, (m = lookupMeasure(index, r.measure)));
    if (!m) {
      issues.push({ ...at(r, 'measure'), expected: unknownMeasureHint(policy, r.measure), found: shown(r.measure) });
      continue;
    }
    const base = r.eligibleBase ?? r.totalInvestment;
    if (needsBase(m) && (base === null || base.isZero())) {
      issues.push({
        ...at(r, r.eligibleBase === null ? 'total_investment' : 'eligible_base'),
        expected: `a positive amount (${m.id} ${m.clause} grants a share of ${m.base?.zh ?? 'the base'})`,
        found: shown(base === null ? '' : base.toString()),
      });
    }
    if (ruleOf(m, 'matching') && (r.totalInvestment === null || r.totalInvestment.isZero())) {
      issues.push({
        ...at(r, 'total_investment'),
        expected: `a positive total investment (${m.id} ${m.clause} limits all levels together to a share of it)`,
        found: shown(r.totalInvestment === null ? '' : r.totalInvestment.toString()),
      });
    }
    if (r.upperFunding !== null && !r.upperFunding.isZero() && !ruleOf(m, 'matching')) {
      warnings.push({
        ...at(r, 'upper_funding'),
        expected: `no upper-level grant (${m.id} does not match upper-level money; the amount is ignored)`,
        found: r.upperFunding.toString(),
      });
    }
    applications.push({ ...r, measureId: m.id });
  }
  return { applications, issues, warnings };
}
