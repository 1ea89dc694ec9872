/**
 * Application records. io produces `ApplicationRecord`s (typed cells, measure as written);
 * `resolveApplications` checks them against the policy and yields `Application`s.
 */
import type { Decimal } from 'decimal.js';
import { type InputIssue, shown } from '../errors.js';
import type { Measure, Policy } from './policy.js';
import { attributesOf, lookupMeasure, measureIndex, nearestMeasure, neededAttributes, needsBase, ruleOf } from './policy.js';
import { creditCodeProblem } from './credit-code.js';
import { StringNumbers } from './string-numbers.js';
import { blankAttribute, headerNames, isStandardAmount, readAttribute, STANDARD_AMOUNT } from './attributes.js';

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
  /** The policy's id of the measure, where the reader looked it up ('' for none). */
  readonly measureId?: string;
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
  /** The policy's attributes this application has a value for, as canonical text (see attributes.ts). */
  readonly attributes?: Readonly<Record<string, string>>;
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
  // Project ids numbered as they first appear; per number, the row where.
  const ids = new StringNumbers();
  const firstRow: number[] = [];
  const applications: Application[] = [];
  const columns = attributeColumns(records, policy);
  const missingColumn = new Set<string>();
  const needs = new Map(policy.measures.map((m) => [m.id, neededAttributes(policy, m)]));
  // What each measure asks of a row, worked out once per measure, beside the measure. The loop
  // reads these objects, all of one shape, rather than the measures, whose shapes differ.
  const asks = new Map<Measure, Ask>(
    policy.measures.map((m) => [
      m,
      {
        m,
        id: m.id,
        base: needsBase(m),
        matching: ruleOf(m, 'matching') !== undefined,
        compared: [...new Set(m.rules.flatMap((rule) => (rule.type === 'eligibility' && isStandardAmount(rule.field) ? [rule.field] : [])))],
      },
    ]),
  );
  // A batch repeats its measures: each text looked up once (null: no such measure).
  const measures = new Map<string, Ask | null>();
  let lastText: string | null = null;
  let lastAsk: Ask | null = null;
  for (const r of records) {
    const id = ids.add(r.projectId);
    if (id < firstRow.length) {
      issues.push({ ...at(r, 'project_id'), expected: `a unique project id (row ${firstRow[id]} has the same)`, found: shown(r.projectId) });
    } else firstRow.push(r.row);

    // A code of the alphabet is checked in place, faster than a lookup of its earlier answer.
    const codeProblem = creditCodeProblem(r.companyId);
    if (codeProblem) warnings.push({ ...at(r, 'company_id'), expected: codeProblem, found: shown(r.companyId) });

    // Rows of one measure usually come together: the last one's lookup first.
    let ask: Ask | null = lastAsk;
    if (r.measure !== lastText) {
      let found = measures.get(r.measure);
      if (found === undefined) {
        const m = lookupMeasure(index, r.measure);
        measures.set(r.measure, (found = m === undefined ? null : asks.get(m)!));
      }
      ask = found;
      lastText = r.measure;
      lastAsk = ask;
    }
    if (ask === null) {
      issues.push({ ...at(r, 'measure'), expected: unknownMeasureHint(policy, r.measure), found: shown(r.measure) });
      continue;
    }
    const m = ask.m;
    const base = r.eligibleBase ?? r.totalInvestment;
    // Whether the base, the total and the upper-level grant are missing or zero, each asked on
    // every row through one function, not only under the measures that ask and the rows that
    // have them: the loop's optimised code has then met the question before the first row of a
    // rarer measure, or the first upper-level grant, needs its answer (V8 throws away optimised
    // code at an operation it has not seen run).
    const noBase = noneOrZero(base);
    const noTotal = noneOrZero(r.totalInvestment);
    const noUpper = noneOrZero(r.upperFunding);
    if (ask.base && noBase) {
      issues.push({
        ...at(r, r.eligibleBase === null ? 'total_investment' : 'eligible_base'),
        expected: `a positive amount (${m.id} ${m.clause} grants a share of ${m.base?.zh ?? 'the base'})`,
        found: shown(base === null ? '' : base.toString()),
      });
    }
    if (ask.matching && noTotal) {
      issues.push({
        ...at(r, 'total_investment'),
        expected: `a positive total investment (${m.id} ${m.clause} limits all levels together to a share of it)`,
        found: shown(r.totalInvestment === null ? '' : r.totalInvestment.toString()),
      });
    }
    if (!noUpper && !ask.matching) {
      warnings.push({
        ...at(r, 'upper_funding'),
        expected: `no upper-level grant (${m.id} does not match upper-level money; the amount is ignored)`,
        found: r.upperFunding!.toString(),
      });
    }
    for (const field of ask.compared) {
      if (r[STANDARD_AMOUNT[field]] === null) issues.push({ ...at(r, field), expected: `an amount (${m.id} ${m.clause} is only for applications with ${field} in a range)`, found: 'nothing' });
    }
    if (!columns.length) {
      // A record the reader built with this measure's id is already the application.
      applications.push(r.measureId === ask.id ? (r as Application) : withFields(r, { measureId: ask.id }));
      continue;
    }
    // The attributes: every value checked; a value the measure's rules need, required.
    const attributes: Record<string, string> = {};
    for (const { spec, label } of columns) {
      const raw = label === null ? '' : (r.extra[label] ?? '');
      if (blankAttribute(spec, raw)) continue;
      const v = readAttribute(spec, raw);
      if (v.ok) attributes[spec.id] = v.value;
      else issues.push({ file: source.file, row: r.row, column: label!, expected: `${v.expected} (${spec.id}, ${spec.name.zh})`, found: shown(raw) });
    }
    for (const need of needs.get(m.id)!) {
      const { spec, label } = columns.find((c) => c.spec.id === need.id)!;
      if (label === null) {
        // A header that names the attribute but is also a standard column's is read as the standard column.
        const taken = Object.entries(source.headers).find(([, h]) => headerNames(spec, h));
        const found = taken ? `only ${shown(taken[1])}, which is read as the standard column ${taken[0]} (give the attribute another name)` : 'no such column';
        if (!missingColumn.has(spec.id)) issues.push({ file: source.file, column: spec.name.zh, expected: `a column "${spec.name.zh}" (or "${spec.id}"): ${need.rule} reads it`, found });
        missingColumn.add(spec.id);
      } else if (attributes[spec.id] === undefined && blankAttribute(spec, r.extra[label] ?? '')) {
        const allowed = spec.values ? `: one of ${spec.values.join(', ')}` : '';
        const raw = (r.extra[label] ?? '').trim();
        issues.push({ file: source.file, row: r.row, column: label, expected: `a value${allowed} (${need.rule} reads ${spec.name.zh})`, found: raw === '' ? 'nothing' : shown(raw) });
      }
    }
    applications.push(withFields(r, { measureId: m.id, attributes }));
  }
  return { applications, issues, warnings };
}


/** Whether an amount is missing or zero. */
function noneOrZero(d: Decimal | null): boolean {
  return d === null || d.isZero();
}

/** What a measure asks of each of its applications. */
interface Ask {
  readonly m: Measure;
  readonly id: string;
  /** A share of a base is granted: the base must be positive. */
  readonly base: boolean;
  /** A matching rule limits all levels together to a share of the total investment. */
  readonly matching: boolean;
  /** The standard amounts its eligibility rules compare: each must be given. */
  readonly compared: readonly (keyof typeof STANDARD_AMOUNT)[];
}

/**
 * The record with more fields, as `{ ...r, ...more }` makes it (the same keys in the same order).
 * Object.assign rather than spread syntax: a spread copy given a new key gets a hidden class of its
 * own in V8 (about 0.6 kB each, and every later read of it slow), where these share one.
 */
function withFields<T extends object, U extends object>(r: T, more: U): T & U {
  return Object.assign({}, r, more);
}

/** Each attribute of the policy with the column that carries it (null: the file has none). */
function attributeColumns(records: readonly ApplicationRecord[], policy: Policy): { spec: ReturnType<typeof attributesOf>[number]; label: string | null }[] {
  const labels = records.length ? Object.keys(records[0]!.extra) : [];
  return attributesOf(policy).map((spec) => ({ spec, label: labels.find((l) => headerNames(spec, l)) ?? null }));
}
