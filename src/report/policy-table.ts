/**
 * The policy as the table a person checks against the document, before any solve: each
 * measure's clause, base, rate or bands, caps, tiers, bonuses, conditions and matching rule,
 * then the joint caps, the shares, the company annual cap with its exemptions, and the
 * attributes the applications file carries. Built as rows of text cells (a cell of several
 * lines has them separated by "\n"); `fundplan policy` prints it as plain text (here) or
 * Markdown (markdown.ts), report.html puts it in its appendix and the workbook on its 参数 sheet.
 */
import { D } from '../money.js';
import type { Measure, Policy, Rule } from '../model/policy.js';
import { isStandardField } from '../model/attributes.js';
import { displayWidth } from '../io/xlsx-write.js';
import { words, type Lang } from './i18n/index.js';
import type { PolicyTableWords } from './i18n/words.js';

export type PolicySectionId = 'measures' | 'joint-caps' | 'shares' | 'annual-cap' | 'attributes';

export interface PolicySection {
  readonly id: PolicySectionId;
  readonly title: string;
  readonly header: readonly string[];
  /** Rows of cells; a cell of several lines has them separated by "\n". */
  readonly rows: readonly (readonly string[])[];
}

export interface PolicyTable {
  readonly title: string;
  /** The measures first; the other sections only where the policy has them. */
  readonly sections: readonly PolicySection[];
}

/** A rate or share as a percentage, exact: "0.3" → "30%", "0.125" → "12.5%". */
const percent = (r: string) => `${new D(r).times(100).toString()}%`;

type MeasureColumn = keyof PolicyTableWords['measureHeader'];
/** The measure table's columns in order; those after `name` are left out where no measure has them. */
const MEASURE_COLUMNS: readonly MeasureColumn[] = ['clause', 'id', 'name', 'base', 'rate', 'projectCap', 'companyCap', 'tiers', 'bonus', 'conditions', 'matching', 'installments'];
const ALWAYS_SHOWN = 3;

export function policyTable(policy: Policy, lang: Lang): PolicyTable {
  const w = words(lang).policyTable;
  const fieldWords = words(lang).explain.fieldName as Readonly<Record<string, string>>;
  const attributes = new Map((policy.attributes ?? []).map((a) => [a.id, a]));
  const nameOf = (t: { readonly zh: string; readonly en: string }) => (lang === 'zh' ? t.zh : t.en);
  const fieldName = (field: string) => {
    const a = attributes.get(field);
    return a ? nameOf(a.name) : (fieldWords[field] ?? field);
  };
  const measures = new Map(policy.measures.map((m) => [m.id, m]));
  const measureList = (ids: readonly string[]) => ids.map((id) => w.measureRef(id, nameOf(measures.get(id)!.name))).join('\n');
  const amount = w.amount;
  const tierLines = (first: string, amounts: Readonly<Record<string, string>>) => [first, ...Object.entries(amounts).map(([v, a]) => w.tier(v, amount(a)))].join('\n');

  /** An eligibility rule in words: 总投资不低于3000万元; 企业规模为 小型、微型 之一. */
  const condition = (r: Extract<Rule, { type: 'eligibility' }>): string => {
    const name = fieldName(r.field);
    if (r.in) return w.condition(name, w.oneOf(r.in));
    const date = attributes.get(r.field)?.type === 'date';
    const shown = (v: string) => (isStandardField(r.field) && r.field !== 'score' ? amount(v) : v);
    const [lo, hi] = [r.min === undefined ? null : shown(r.min), r.max === undefined ? null : shown(r.max)];
    const text = lo !== null && hi !== null ? w.between(lo, hi) : lo !== null ? (date ? w.notBefore(lo) : w.atLeast(lo)) : date ? w.notAfter(hi!) : w.atMost(hi!);
    return w.condition(name, text);
  };

  const measureCells = (m: Measure): Record<MeasureColumn, string> => {
    const cells: Record<MeasureColumn, string> = { clause: m.clause, id: m.id, name: nameOf(m.name), base: m.base ? nameOf(m.base) : '', rate: '', projectCap: '', companyCap: '', tiers: '', bonus: '', conditions: '', matching: '', installments: m.installments ? w.installments(m.installments.map((x) => ({ share: percent(x.share), year: x.year }))) : '' };
    const conditions: string[] = [];
    for (const r of m.rules) {
      switch (r.type) {
        case 'rate':
          cells.rate = percent(r.rate);
          break;
        case 'baseCeiling':
          cells.rate = w.atMostBase;
          break;
        case 'bands':
          cells.rate = [w.bands(r.mode), ...r.bands.map((b, k) => w.band(r.mode, new D(b.from).isZero() ? null : amount(b.from), k + 1 < r.bands.length ? amount(r.bands[k + 1]!.from) : null, percent(b.rate)))].join('\n');
          break;
        case 'projectCap':
          cells.projectCap = amount(r.amount);
          break;
        case 'companyCap':
          cells.companyCap = amount(r.amount);
          break;
        case 'tiers':
          cells.tiers = tierLines(w.tiers(fieldName(r.field)), r.amounts);
          break;
        case 'bonus':
          cells.bonus = tierLines(w.bonus(fieldName(r.field)), r.amounts);
          break;
        case 'eligibility':
          conditions.push(condition(r));
          break;
        case 'oncePerCompany':
          conditions.push(w.oncePerCompany);
          break;
        case 'matching':
          cells.matching = w.matching(new D(r.ratio).toString(), percent(r.totalShare), amount(r.fallbackCap)).join('\n');
          break;
      }
    }
    cells.conditions = conditions.join('\n');
    return cells;
  };

  const all = policy.measures.map(measureCells);
  const columns = MEASURE_COLUMNS.filter((c, k) => k < ALWAYS_SHOWN || all.some((cells) => cells[c] !== ''));
  const sections: PolicySection[] = [
    { id: 'measures', title: w.sections.measures, header: columns.map((c) => w.measureHeader[c]), rows: all.map((cells) => columns.map((c) => cells[c])) },
  ];
  if (policy.jointCaps?.length) {
    sections.push({
      id: 'joint-caps',
      title: w.sections.jointCaps,
      header: w.jointCapHeader,
      rows: policy.jointCaps.map((j) => [j.clause, j.id, nameOf(j.name), measureList(j.measures), j.per === 'company' ? w.perCompany : w.perValue(fieldName(j.per)), amount(j.amount)]),
    });
  }
  if (policy.shares?.length) {
    sections.push({
      id: 'shares',
      title: w.sections.shares,
      header: w.shareHeader,
      rows: policy.shares.map((s) => [
        s.clause,
        s.id,
        nameOf(s.name),
        measureList(s.measures),
        Object.entries(s.where).map(([field, values]) => w.condition(fieldName(field), w.oneOf(values))).join('\n'),
        w.shareBounds(s.min === undefined ? null : percent(s.min), s.max === undefined ? null : percent(s.max)),
      ]),
    });
  }
  const cap = policy.companyAnnualCap;
  if (cap) {
    sections.push({ id: 'annual-cap', title: w.sections.annualCap, header: w.annualCapHeader, rows: [[cap.clause, amount(cap.amount), cap.exempt.length ? measureList(cap.exempt) : w.none]] });
  }
  if (policy.attributes?.length) {
    sections.push({
      id: 'attributes',
      title: w.sections.attributes,
      header: w.attributeHeader,
      rows: policy.attributes.map((a) => [a.id, nameOf(a.name), w.attributeType[a.type], a.values ? a.values.join(lang === 'zh' ? '、' : ', ') : '']),
    });
  }
  return { title: w.title(nameOf(policy.name), policy.id, policy.document ?? null), sections };
}

/** The table as plain text: each section's title, then its columns aligned by display width (CJK counts two). */
export function policyTableText(table: PolicyTable): string {
  const out = [table.title, ''];
  for (const s of table.sections) {
    const rows = [s.header, ...s.rows].map((r) => r.map((c) => c.split('\n')));
    const widths = s.header.map((_, c) => Math.max(...rows.map((r) => Math.max(...r[c]!.map(displayWidth)))));
    const line = (cells: readonly string[]) => cells.map((t, c) => (c === cells.length - 1 ? t : t + ' '.repeat(widths[c]! - displayWidth(t)))).join('  ').trimEnd();
    out.push(s.title);
    rows.forEach((r, k) => {
      const height = Math.max(...r.map((c) => c.length));
      for (let i = 0; i < height; i++) out.push(line(r.map((c) => c[i] ?? '')));
      if (k === 0) out.push(widths.map((n) => '-'.repeat(n)).join('  '));
    });
    out.push('');
  }
  return out.join('\n').trimEnd();
}
