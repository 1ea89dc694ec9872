/**
 * What the reports show of a multi-year scenario, from summary.json's `years`, as text in the
 * report's language: the cash plan table (the measures with something due, then each year's
 * total), the sentence naming the binding years, the plan years (indicative) and the targets'
 * progress. report.html and report.md render these same rows.
 */
import { fmtNumber, yuan } from './format.js';
import { words, type Lang, type YearsWords } from './i18n/index.js';
import { CASHFLOW_COLUMNS, cashflowRows, type CashflowRow } from './cashflow.js';
import { windowName, windowYears } from './years.js';
import type { Summary } from './summary-schema.js';
import type { CashBar } from './svg.js';

type Years = NonNullable<Summary['years']>;

export interface YearsView {
  readonly w: YearsWords;
  /** The table's heads and whether each is a number column. */
  readonly head: readonly { readonly title: string; readonly num: boolean }[];
  /** The table's rows, amounts as yuan for people; measure rows with nothing due are left out. */
  readonly rows: readonly CashflowRow[];
  /** The sentence on the binding years (or that none binds). */
  readonly binding: string;
  readonly bars: readonly CashBar[];
  readonly plan: readonly (readonly string[])[];
  readonly targets: readonly (readonly string[])[];
}

const TEXT = new Set(['measure', 'measure_name']);

export function yearsView(s: Summary & { years: Years }, lang: Lang): YearsView {
  const w = words(lang).years;
  const years = s.years;
  const amount = (kind: 'count' | 'amount', v: string) => (kind === 'count' ? w.count(v) : yuan(v));
  const wan = (v: string) => Number(v) / 10_000;
  return {
    w,
    head: CASHFLOW_COLUMNS.map((c) => ({ title: w.col[c], num: !TEXT.has(c) && c !== 'year' })),
    rows: cashflowRows(s, lang)
      .filter((r) => r.total || r.cells[6] !== '0.00')
      .map((r) => ({ total: r.total, cells: r.cells.map((v, i) => (i < 3 || v === '' ? v : yuan(v))) })),
    binding: years.bindingCash.length ? w.binding(years.bindingCash.map(windowName(w))) : w.noBinding,
    bars: years.cashflow.map((c) => ({
      year: c.year,
      earlier: wan(c.dueEarlier),
      thisYear: wan(c.dueThisYear),
      planned: wan(c.duePlanned),
      available: wan(c.cash) + wan(c.carriedIn),
      binding: years.bindingCash.some((id) => {
        const run = windowYears(id);
        return run !== null && c.year >= run[0] && c.year <= run[1];
      }),
    })),
    plan: years.plan.map((p) => [String(p.year), fmtNumber(p.applications, 0), fmtNumber(p.funded, 0), yuan(p.granted)]),
    targets: years.targets.map((t) => [
      `${lang === 'zh' ? t.name.zh : t.name.en} (${t.id})`,
      t.measures.join(', '),
      String(t.by),
      t.hard ? w.hard : w.soft,
      amount(t.kind, t.required),
      amount(t.kind, t.achieved),
      amount(t.kind, t.shortfall),
    ]),
  };
}
