/**
 * Numbers and money as the reports show them to people: counts with separators, yuan
 * (¥1,234,567), 万元, percentages, gaps and per-yuan values. The machine forms (CSV, JSON) and
 * yuan for people from a Decimal are money.ts's `fmtYuan` and `fmtYuanHuman`; these build on them.
 */
import type { Decimal } from 'decimal.js';
import { D, WAN, fmtYuanHuman, groupThousands } from '../money.js';

/** Thousands separators, up to `decimals` decimals, trailing zeros dropped. */
export function fmtNumber(v: number, decimals = 0): string {
  const [int, frac] = v.toFixed(decimals).split('.');
  const f = frac?.replace(/0+$/, '');
  return f ? `${groupThousands(int!)}.${f}` : groupThousands(int!);
}

/** Yuan for people (¥1,234,567; fen shown only when there are any), from the 2-decimal strings of the report data; a dash for none. */
export function yuan(s: string | null | undefined): string {
  if (s === null || s === undefined || s === '') return '—';
  const m = /^(-?\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return fmtYuanHuman(new D(s));
  const fen = m[2] && /[1-9]/.test(m[2]) ? `.${m[2].padEnd(2, '0')}` : '';
  return `¥${groupThousands(m[1]!)}${fen}`;
}

/** 万元 as a plain number for charts (floating point is fine for drawing). */
export const wanNumber = (s: string | null | undefined): number => (s ? Number(s) / 10_000 : 0);

/** 万元 with exactly two decimals ("1234.50"); `grouped`, with thousands separators ("1,234.50"). */
export function fmtWan(d: Decimal, grouped = false): string {
  const fixed = d.div(WAN).toFixed(2);
  if (!grouped) return fixed;
  const [int, frac] = fixed.split('.');
  return `${groupThousands(int!)}.${frac}`;
}

/** Yuan (a yuan string) in 万元 exactly, with thousands separators: "100", "0.01", "1,234.5". */
export function fmtWanExact(s: string): string {
  const [int, frac] = new D(s).div(WAN).toFixed().split('.');
  return frac ? `${groupThousands(int!)}.${frac}` : groupThousands(int!);
}

/** A change in 万元 with its sign: "+12.00", "−3.50" (a minus sign, not a hyphen), "0". */
export function fmtWanChange(d: Decimal): string {
  return d.isZero() ? '0' : `${d.gt(0) ? '+' : '−'}${fmtWan(d.abs())}`;
}

/** `part` as a percentage of `whole` (yuan strings), one decimal; a dash when the whole is zero. */
export function percent(part: string, whole: string): string {
  const w = new D(whole);
  if (w.isZero()) return '—';
  return `${new D(part).div(w).times(100).toDecimalPlaces(1).toFixed(1)}%`;
}

/** A relative gap as a percentage with enough digits to show it is tiny. */
export function fmtGap(gap: number): string {
  if (gap === 0) return '0%';
  const pct = gap * 100;
  return `${pct >= 0.01 ? pct.toFixed(2) : Number(pct.toPrecision(2)).toString()}%`;
}

/** Per-yuan value: up to 4 decimals; null (a floor that cannot be raised) as a dash. */
export function fmtPerYuan(v: number | null): string {
  return v === null ? '—' : Number.isFinite(v) ? fmtNumber(v, 4) : String(v);
}
