/**
 * Checks that need no solve and break no rule, but catch what people get wrong when they fill
 * in the list: amounts in the wrong unit, a request above what the policy can ever pay, a base
 * larger than the investment, one company under two codes, an application of another year.
 * Each is a warning with its row and column; loading a scenario makes them, for `solve` and
 * `fundplan validate` alike.
 */
import { D, fmtYuanHuman, toHalfWidth } from '../money.js';
import { shown, type InputIssue } from '../errors.js';
import type { Application, ApplicationsSource } from './application.js';
import type { Policy } from './policy.js';
import { ruleOf } from './policy.js';

/** No application of a city fund comes near ¥10bn: such an amount is a unit or typing slip. */
export const IMPLAUSIBLY_LARGE = new D(10_000_000_000);
/** An investment base under ¥10,000 for a project grant is almost always 万元 typed under a 元 header. */
export const IMPLAUSIBLY_SMALL_BASE = new D(10_000);

const AMOUNTS = [
  ['total_investment', 'totalInvestment'],
  ['eligible_base', 'eligibleBase'],
  ['requested', 'requested'],
  ['upper_funding', 'upperFunding'],
] as const;

export function plausibilityWarnings(apps: readonly Application[], policy: Policy, source: ApplicationsSource, year?: number): InputIssue[] {
  const out: InputIssue[] = [];
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const at = (a: Application, field: string) => ({ file: source.file, row: a.row, column: source.headers[field] ?? field });
  const y = fmtYuanHuman;
  // Per code, the names it is given; per company (its name as compared), the codes and how the name was written.
  const namesOf = new Map<string, Map<string, number>>();
  const codesOf = new Map<string, Map<string, { row: number; name: string }>>();
  for (const a of apps) {
    const m = measures.get(a.measureId)!;
    for (const [field, key] of AMOUNTS) {
      const v = a[key];
      if (v !== null && v.gt(IMPLAUSIBLY_LARGE)) {
        out.push({ ...at(a, field), expected: `an amount under ${y(IMPLAUSIBLY_LARGE)} (is it 元 under a 万元 header?)`, found: y(v) });
      }
    }
    const base = a.eligibleBase ?? a.totalInvestment;
    if (ruleOf(m, 'rate') && base !== null && base.gt(0) && base.lt(IMPLAUSIBLY_SMALL_BASE)) {
      out.push({ ...at(a, a.eligibleBase ? 'eligible_base' : 'total_investment'), expected: `an investment base of at least ${y(IMPLAUSIBLY_SMALL_BASE)} (is it 万元 under a 元 header?)`, found: y(base) });
    }
    if (a.eligibleBase && a.totalInvestment && a.eligibleBase.gt(a.totalInvestment)) {
      out.push({ ...at(a, 'eligible_base'), expected: `a base no larger than the total investment ${y(a.totalInvestment)}`, found: y(a.eligibleBase) });
    }
    if (a.upperFunding && a.totalInvestment && a.upperFunding.gt(a.totalInvestment)) {
      out.push({ ...at(a, 'upper_funding'), expected: `an upper-level grant no larger than the total investment ${y(a.totalInvestment)}`, found: y(a.upperFunding) });
    }
    if (a.requested) {
      // Above a cap the policy states (per project, per company a year): the request cannot be met.
      // (Above a rate × base ceiling is common, by rounding up, and not reported.)
      const projectCap = ruleOf(m, 'projectCap');
      const companyCap = ruleOf(m, 'companyCap');
      const caps = [
        ...(projectCap ? [{ amount: new D(projectCap.amount), per: 'one project' }] : []),
        ...(companyCap ? [{ amount: new D(companyCap.amount), per: 'one company a year' }] : []),
      ].sort((p, q) => p.amount.comparedTo(q.amount));
      const cap = caps[0];
      if (cap && a.requested.gt(cap.amount)) {
        out.push({ ...at(a, 'requested'), expected: `at most ${y(cap.amount)}, the most ${m.id} ${m.clause} pays ${cap.per}`, found: y(a.requested) });
      }
    }
    if (year !== undefined && a.year !== year) {
      out.push({ ...at(a, 'year'), expected: `the scenario's year ${year} (this application will get nothing)`, found: String(a.year) });
    }
    const code = a.companyId.toUpperCase();
    const name = companyKey(a.companyName);
    if (!namesOf.has(code)) namesOf.set(code, new Map());
    if (!namesOf.get(code)!.has(name)) namesOf.get(code)!.set(name, a.row);
    if (!codesOf.has(name)) codesOf.set(name, new Map());
    if (!codesOf.get(name)!.has(code)) codesOf.get(name)!.set(code, { row: a.row, name: a.companyName });
  }
  // One company, one code: company limits are counted per code. Names are compared as people
  // mean them: full-width and half-width alike, spaces and case ignored.
  for (const a of apps) {
    const code = a.companyId.toUpperCase();
    const name = companyKey(a.companyName);
    const names = namesOf.get(code)!;
    const firstName = [...names.keys()][0]!;
    if (names.size > 1 && name !== firstName && names.get(name) === a.row) {
      const first = apps.find((b) => b.row === names.get(firstName))!;
      out.push({ ...at(a, 'company_name'), expected: `the name given with code ${a.companyId} in row ${first.row} (${shown(first.companyName)})`, found: shown(a.companyName) });
    }
    const codes = codesOf.get(name)!;
    const [firstCode, first] = [...codes.entries()][0]!;
    const here = codes.get(code)!;
    if (codes.size > 1 && code !== firstCode && here.row === a.row) {
      const written = a.companyName === first.name ? '' : ` (the name written ${shown(a.companyName)})`;
      out.push({ ...at(a, 'company_id'), expected: `the code given for ${shown(first.name)} in row ${first.row} (${firstCode}); company limits count per code`, found: `${shown(a.companyId)}${written}` });
    }
  }
  return out.sort((p, q) => Number(p.row) - Number(q.row));
}

/** A company's name as compared: half-width, without spaces, in one case. */
export function companyKey(name: string): string {
  return toHalfWidth(name).replace(/\s+/g, '').toLowerCase();
}
