/**
 * Application attributes: the extra columns a policy's rules read (企业规模, 认定级别, 建成日期 …).
 * A policy declares them; each application carries their values, read from the column headed by
 * the attribute's Chinese name or its id. Values are kept as canonical text: an enum's value as
 * listed, a date as yyyy-mm-dd (so dates compare as text), a number as a plain decimal.
 */
import { D, parseAmount, toHalfWidth } from '../money.js';

export type AttributeType = 'enum' | 'date' | 'text' | 'number';

export interface AttributeSpec {
  readonly id: string;
  readonly name: { readonly zh: string; readonly en: string };
  readonly type: AttributeType;
  readonly values?: readonly string[];
}

/** The fields of every application an eligibility rule may compare (amounts, and the score). */
export const STANDARD_FIELDS = ['total_investment', 'eligible_base', 'requested', 'upper_funding', 'score'] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];
export const isStandardField = (f: string): f is StandardField => (STANDARD_FIELDS as readonly string[]).includes(f);
/** The application's property holding each standard amount field (the score is never empty). */
export const STANDARD_AMOUNT = { total_investment: 'totalInvestment', eligible_base: 'eligibleBase', requested: 'requested', upper_funding: 'upperFunding' } as const;
export const isStandardAmount = (f: string): f is keyof typeof STANDARD_AMOUNT => Object.prototype.hasOwnProperty.call(STANDARD_AMOUNT, f);

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A date as yyyy-mm-dd, or null: 2022-07-01, 2022/7/1, 2022.7.1, 2022年7月1日, with or without a
 * time of day, or an Excel date serial number (a date cell read as its number).
 */
export function parseDate(raw: string): string | null {
  const v = toHalfWidth(raw).trim().replace(/[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/, '').replace(/\s+/g, '');
  const m = /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日?)$/.exec(v) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2] ?? m[4]), Number(m[3] ?? m[5])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
    return t.toISOString().slice(0, 10);
  }
  if (/^\d{5}(\.\d+)?$/.test(v)) {
    const serial = Number(v);
    if (serial >= 20_000 && serial < 80_000) return new Date(EXCEL_EPOCH_MS + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
  }
  return null;
}

/** A number attribute or a score bound: a plain decimal (amounts with 万/亿 are read as yuan). */
export function parseNumber(raw: string): string | null {
  const r = parseAmount(raw);
  return r.ok ? r.value.toString() : null;
}

export type ValueRead = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly expected: string };

/** What people write in a cell for "none": dashes, a slash, 无, 空, 暂无, N/A (after full-width → half-width). */
const NONE_WRITTEN = /^(?:[-—–―─]+|[/\\]|无|空|暂无|[Nn]\/?[Aa])$/;

/** Is an attribute's cell empty: blank, or "none" written out (unless that is one of the attribute's values)? */
export function blankAttribute(spec: AttributeSpec, raw: string): boolean {
  const text = toHalfWidth(raw).trim();
  return text === '' || (NONE_WRITTEN.test(text) && !(spec.values ?? []).includes(raw.trim()));
}

/** One cell of an attribute's column, as its canonical text; empty cells (`blankAttribute`) are the caller's to judge. */
export function readAttribute(spec: AttributeSpec, raw: string): ValueRead {
  const text = raw.trim();
  switch (spec.type) {
    case 'enum': {
      const values = spec.values ?? [];
      const hit = values.find((v) => v === text) ?? values.find((v) => toHalfWidth(v).toLowerCase() === toHalfWidth(text).toLowerCase());
      return hit !== undefined ? { ok: true, value: hit } : { ok: false, expected: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    case 'date': {
      const d = parseDate(text);
      return d ? { ok: true, value: d } : { ok: false, expected: 'a date such as 2022-07-01 or 2022年7月1日' };
    }
    case 'number': {
      const n = parseNumber(text);
      return n !== null ? { ok: true, value: n } : { ok: false, expected: 'a number' };
    }
    case 'text':
      return { ok: true, value: text };
  }
}

/** Does a column header name this attribute (its Chinese name, or its id in any case), with or without a * marking it required? */
export function headerNames(spec: AttributeSpec, header: string): boolean {
  const h = toHalfWidth(header).replace(/\s+/g, '').replace(/^\*+|\*+$/g, '');
  return h === toHalfWidth(spec.name.zh).replace(/\s+/g, '') || h.toLowerCase() === spec.id.toLowerCase();
}

/** Compare two canonical values of one kind: dates as text, numbers as decimals. */
export function compareValues(kind: 'date' | 'number', a: string, b: string): number {
  if (kind === 'date') return a < b ? -1 : a > b ? 1 : 0;
  return new D(a).comparedTo(new D(b));
}
