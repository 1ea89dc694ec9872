/**
 * The two charts of the HTML report, as inline SVG strings: budget use by measure (a
 * horizontal bullet chart) and grant against score (a scatter with the funding line).
 *
 * Every chart is drawn in a fixed viewBox (1000 units wide) and scales to the page, so the
 * text stays readable on screen and on an A4 landscape print (14 units ≈ 10 pt). Styles come
 * from classes defined in the report's stylesheet (no style attributes: the report's
 * Content-Security-Policy allows only the one hashed <style> element); series differ by
 * shape and fill (solid / hollow / dashed), not by colour alone, so greyscale print works.
 * Every piece of text from a user file is escaped with `esc`.
 */
import { fmtNumber } from './format.js';

/** HTML/XML escape for text and attribute values (double- or single-quoted). */
export function esc(s: string | number): string {
  const t = String(s);
  return SPECIAL.test(t) ? escaped(t) : t;
}
const SPECIAL = /[&<>"']/;

/** `t` with each of & < > " ' as its entity: the text between them copied in slices (a replace calling back per character cost several times as much on the input warnings, which quote). */
function escaped(t: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c > 62) continue;
    const entity = c === 38 ? '&amp;' : c === 60 ? '&lt;' : c === 62 ? '&gt;' : c === 34 ? '&quot;' : c === 39 ? '&#39;' : null;
    if (entity === null) continue;
    out += t.slice(from, i) + entity;
    from = i + 1;
  }
  return out + t.slice(from);
}

/** A number for an SVG attribute: at most 2 decimals, no exponent. */
const n = (v: number): string => (Math.round(v * 100) / 100).toString();

/** Truncate long labels (the full text goes into a <title>). */
function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : s;
}

/** Ticks for a linear axis from 0 (or lo) to at least hi: about `count` round steps. */
export function linearTicks(lo: number, hi: number, count: number): { ticks: number[]; top: number } {
  const span = Math.max(hi - lo, 1e-9);
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const top = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= top + step * 1e-6; v += step) ticks.push(Number(v.toPrecision(12)));
  return { ticks, top };
}

// ---------------------------------------------------------------- budget by measure

export interface MeasureBar {
  readonly label: string;
  /** 万元. */
  readonly granted: number;
  readonly entitlement: number;
  readonly budgetMax: number | null;
  readonly budgetMin: number | null;
}

export interface MeasureChartText {
  readonly title: string;
  readonly granted: string;
  readonly entitlement: string;
  readonly budgetMax: string;
  readonly budgetMin: string;
  readonly axis: string;
  /** Heading of the value column, e.g. "已分配 / 应得额（万元）". */
  readonly valueHeader: string;
}

export function measureChart(bars: readonly MeasureBar[], t: MeasureChartText): string {
  const W = 1000;
  const left = 330;
  const valueCol = 170; // right column: "granted / entitlement"
  const right = W - valueCol;
  const top = 74;
  const rowH = 30;
  const H = top + bars.length * rowH + 50;
  const maxVal = Math.max(1, ...bars.flatMap((b) => [b.granted, b.entitlement, b.budgetMax ?? 0, b.budgetMin ?? 0]));
  const { ticks, top: xTop } = linearTicks(0, maxVal, 6);
  const x = (v: number) => left + (v / xTop) * (right - left);
  const out: string[] = [];
  out.push(
    `<svg class="chart" data-testid="measure-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(t.title)}">`,
    `<title>${esc(t.title)}</title>`,
  );
  // Legend.
  out.push(
    `<g class="legend" transform="translate(${left},16)">`,
    `<rect class="bar-ent" x="0" y="0" width="28" height="18"/><text x="36" y="14">${esc(t.entitlement)}</text>`,
    `<rect class="bar-grant" x="170" y="4" width="28" height="10"/><text x="206" y="14">${esc(t.granted)}</text>`,
    `<line class="mark-max" x1="330" y1="-2" x2="330" y2="20"/><path class="mark-max-head" d="M324,-4 L336,-4 L330,4 Z"/><text x="342" y="14">${esc(t.budgetMax)}</text>`,
    `<line class="mark-min" x1="460" y1="-2" x2="460" y2="20"/><path class="mark-min-head" d="M454,24 L466,24 L460,16 Z"/><text x="472" y="14">${esc(t.budgetMin)}</text>`,
    `</g>`,
  );
  // Grid and axis.
  const axisY = top + bars.length * rowH + 4;
  for (const v of ticks) {
    out.push(`<line class="grid" x1="${n(x(v))}" y1="${top - 4}" x2="${n(x(v))}" y2="${axisY}"/>`);
    out.push(`<text class="tick" x="${n(x(v))}" y="${axisY + 18}" text-anchor="middle">${esc(fmtNumber(v, 2))}</text>`);
  }
  out.push(`<line class="axis" x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}"/>`);
  out.push(`<text class="axis-label" x="${n((left + right) / 2)}" y="${axisY + 40}" text-anchor="middle">${esc(t.axis)}</text>`);
  out.push(`<text class="tick" x="${W - 6}" y="${top - 10}" text-anchor="end">${esc(t.valueHeader)}</text>`);
  bars.forEach((b, i) => {
    const y0 = top + i * rowH;
    const cy = y0 + rowH / 2;
    out.push(`<g class="measure-row">`);
    out.push(`<title>${esc(b.label)}: ${esc(fmtNumber(b.granted, 2))} / ${esc(fmtNumber(b.entitlement, 2))}</title>`);
    out.push(`<text class="label" x="${left - 10}" y="${n(cy + 5)}" text-anchor="end">${esc(clip(b.label, 22))}</text>`);
    out.push(`<rect class="bar-ent" x="${left}" y="${n(cy - 9)}" width="${n(Math.max(0, x(b.entitlement) - left))}" height="18"/>`);
    if (b.granted > 0) out.push(`<rect class="bar-grant" x="${left}" y="${n(cy - 5)}" width="${n(Math.max(1, x(b.granted) - left))}" height="10"/>`);
    if (b.budgetMax !== null) {
      const mx = x(b.budgetMax);
      out.push(`<line class="mark-max" x1="${n(mx)}" y1="${n(cy - 13)}" x2="${n(mx)}" y2="${n(cy + 13)}"/>`);
      out.push(`<path class="mark-max-head" d="M${n(mx - 6)},${n(cy - 15)} L${n(mx + 6)},${n(cy - 15)} L${n(mx)},${n(cy - 7)} Z"/>`);
    }
    if (b.budgetMin !== null) {
      const mx = x(b.budgetMin);
      out.push(`<line class="mark-min" x1="${n(mx)}" y1="${n(cy - 13)}" x2="${n(mx)}" y2="${n(cy + 13)}"/>`);
      out.push(`<path class="mark-min-head" d="M${n(mx - 6)},${n(cy + 15)} L${n(mx + 6)},${n(cy + 15)} L${n(mx)},${n(cy + 7)} Z"/>`);
    }
    out.push(
      `<text class="value" x="${W - 6}" y="${n(cy + 5)}" text-anchor="end">${esc(fmtNumber(b.granted, 0))} / ${esc(fmtNumber(b.entitlement, 0))}</text>`,
    );
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join('\n');
}

// ---------------------------------------------------------------- grant vs score

export interface ScatterPoint {
  readonly score: number;
  /** 万元; 0 for unfunded. */
  readonly grant: number;
  /** 万元. */
  readonly entitlement: number;
  /** Tooltip (plain text; escaped here). */
  readonly tip: string;
}

export interface ScatterText {
  readonly title: string;
  readonly xAxis: string;
  readonly yAxis: string;
  readonly funded: string;
  readonly unfunded: string;
  readonly partly: string;
  readonly fundingLine: (score: string) => string;
}

/** Log-scale ticks 1, 2, 5 × 10^k from the last one at or below lo to the first at or above hi. */
export function logTicks(lo: number, hi: number): { ticks: number[]; min: number; max: number } {
  const all: number[] = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
    for (const k of [1, 2, 5]) all.push(Number((k * 10 ** e).toPrecision(6)));
  }
  const min = [...all].reverse().find((v) => v <= lo * 1.0001) ?? all[0]!;
  const max = all.find((v) => v >= hi * 0.9999) ?? all[all.length - 1]!;
  const ticks = all.filter((v) => v >= min && v <= max);
  return { ticks, min, max: max > min ? max : min * 10 };
}

/** Above this many points the per-dot tooltips are left out (they are most of the bytes). */
const TIP_LIMIT = 3000;

export function scatterChart(points: readonly ScatterPoint[], fundingLine: number | null, t: ScatterText): string {
  const W = 1000;
  const H = 560;
  const L = 96;
  const R = W - 24;
  const T = 70;
  const B = H - 70;
  const shown = points.filter((p) => p.grant > 0 || p.entitlement > 0);
  const ys = shown.flatMap((p) => (p.grant > 0 ? [p.grant, p.entitlement] : [p.entitlement])).filter((v) => v > 0);
  const scores = shown.map((p) => p.score).concat(fundingLine === null ? [] : [fundingLine]);
  let xLo = scores.length ? Math.floor(Math.min(...scores) / 5) * 5 : 0;
  let xHi = scores.length ? Math.ceil(Math.max(...scores) / 5) * 5 : 100;
  if (xHi - xLo < 10) {
    xLo = Math.max(0, xLo - 5);
    xHi = Math.min(100, xLo + 10 > xHi ? xLo + 10 : xHi);
  }
  if (xHi <= xLo) xHi = xLo + 10;
  const xStep = xHi - xLo > 50 ? 10 : 5;
  const { ticks: yTicks, min: yMin, max: yMax } = logTicks(ys.length ? Math.min(...ys) : 1, ys.length ? Math.max(...ys) : 10);
  const x = (s: number) => L + ((s - xLo) / (xHi - xLo)) * (R - L);
  const y = (v: number) => B - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (B - T);
  const out: string[] = [];
  out.push(
    `<svg class="chart" data-testid="scatter-chart" id="scatter-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(t.title)}">`,
    `<title>${esc(t.title)}</title>`,
  );
  // Legend, above the plot.
  out.push(
    `<g class="legend" transform="translate(${L},22)">`,
    `<circle class="dot-funded" cx="8" cy="0" r="5"/><text x="20" y="5">${esc(t.funded)}</text>`,
    `<circle class="dot-unfunded" cx="228" cy="0" r="5"/><text x="240" y="5">${esc(t.unfunded)}</text>`,
    `<line class="partly" x1="528" y1="-9" x2="528" y2="5"/><line class="partly-cap" x1="524" y1="-9" x2="532" y2="-9"/><circle class="dot-funded" cx="528" cy="5" r="5"/><text x="540" y="5">${esc(t.partly)}</text>`,
    `</g>`,
  );
  // Grid, ticks, axes.
  for (let s = xLo; s <= xHi + 1e-9; s += xStep) {
    out.push(`<line class="grid" x1="${n(x(s))}" y1="${T}" x2="${n(x(s))}" y2="${B}"/>`);
    out.push(`<text class="tick" x="${n(x(s))}" y="${B + 22}" text-anchor="middle">${esc(s)}</text>`);
  }
  for (const v of yTicks) {
    const major = Number.isInteger(Math.log10(v));
    out.push(`<line class="${major ? 'grid-major' : 'grid'}" x1="${L}" y1="${n(y(v))}" x2="${R}" y2="${n(y(v))}"/>`);
    out.push(`<text class="tick" x="${L - 8}" y="${n(y(v) + 5)}" text-anchor="end">${esc(fmtNumber(v, 2))}</text>`);
  }
  out.push(`<line class="axis" x1="${L}" y1="${B}" x2="${R}" y2="${B}"/>`, `<line class="axis" x1="${L}" y1="${T}" x2="${L}" y2="${B}"/>`);
  out.push(`<text class="axis-label" x="${n((L + R) / 2)}" y="${H - 18}" text-anchor="middle">${esc(t.xAxis)}</text>`);
  out.push(`<text class="axis-label" transform="translate(22,${n((T + B) / 2)}) rotate(-90)" text-anchor="middle">${esc(t.yAxis)}</text>`);
  const tips = shown.length <= TIP_LIMIT;
  const tip = (p: ScatterPoint) => (tips ? `<title>${esc(p.tip)}</title>` : '');
  // Unfunded first (hollow, at the entitlement), then partly funded stems, then funded dots on top.
  out.push(`<g class="series-unfunded">`);
  for (const p of shown) if (p.grant <= 0) out.push(`<circle class="dot-unfunded" cx="${n(x(p.score))}" cy="${n(y(p.entitlement))}" r="4.5">${tip(p)}</circle>`);
  out.push(`</g><g class="series-partly">`);
  for (const p of shown) {
    if (p.grant > 0 && p.entitlement > p.grant * 1.0001) {
      const cx = n(x(p.score));
      out.push(`<line class="partly" x1="${cx}" y1="${n(y(p.grant))}" x2="${cx}" y2="${n(y(p.entitlement))}"/>`);
      out.push(`<line class="partly-cap" x1="${n(x(p.score) - 4)}" y1="${n(y(p.entitlement))}" x2="${n(x(p.score) + 4)}" y2="${n(y(p.entitlement))}"/>`);
    }
  }
  out.push(`</g><g class="series-funded">`);
  for (const p of shown) if (p.grant > 0) out.push(`<circle class="dot-funded" cx="${n(x(p.score))}" cy="${n(y(p.grant))}" r="4.5">${tip(p)}</circle>`);
  out.push(`</g>`);
  if (fundingLine !== null) {
    const fx = n(x(fundingLine));
    const label = t.fundingLine(fmtNumber(fundingLine, 2));
    const width = [...label].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 15 : 8.5), 12);
    const lx = Math.min(Math.max(x(fundingLine) - width / 2, L), R - width);
    out.push(
      `<g class="funding-line" data-testid="funding-line" id="funding-line" data-score="${esc(fundingLine)}">`,
      `<line x1="${fx}" y1="${T - 8}" x2="${fx}" y2="${B}"/>`,
      `<rect x="${n(lx)}" y="${T - 32}" width="${n(width)}" height="24" rx="3"/>`,
      `<text x="${n(lx + width / 2)}" y="${T - 14}" text-anchor="middle">${esc(label)}</text>`,
      `</g>`,
    );
  }
  out.push(`</svg>`);
  return out.join('\n');
}

// ---------------------------------------------------------------- cash by year

export interface CashBar {
  readonly year: number;
  /** 万元 falling due: from earlier approvals, this year's grants, the plan years' forecasts. */
  readonly earlier: number;
  readonly thisYear: number;
  readonly planned: number;
  /** 万元 the year may pay: its cash plus what was carried in. */
  readonly available: number;
  /** The year's cash (alone or in a run of years) binds. */
  readonly binding: boolean;
}

export interface CashChartText {
  readonly title: string;
  readonly earlier: string;
  readonly thisYear: string;
  /** The plan years' part, labelled indicative. */
  readonly planned: string;
  readonly cashLine: string;
  readonly axis: string;
  /** A year as labelled under its bar. */
  readonly year: (year: number) => string;
}

/**
 * What falls due each year as stacked columns (earlier approvals solid grey, this year's grants
 * solid blue, the plan years' forecasts hatched: indicative), and the money the year may pay
 * (cash + carried in) as a dashed line across its column. The three fills are SVG
 * presentation attributes and a pattern of their own, so the page's stylesheet is unchanged.
 */
export function cashChart(bars: readonly CashBar[], t: CashChartText): string {
  const W = 1000;
  const left = 100;
  const right = W - 30;
  const top = 70;
  const plotH = 300;
  const H = top + plotH + 60;
  const maxVal = Math.max(1, ...bars.flatMap((b) => [b.earlier + b.thisYear + b.planned, b.available]));
  const { ticks, top: yTop } = linearTicks(0, maxVal, 5);
  const y = (v: number) => top + plotH - (v / yTop) * plotH;
  const slot = (right - left) / Math.max(1, bars.length);
  const barW = Math.min(140, slot * 0.5);
  const out: string[] = [
    `<svg class="chart" data-testid="cash-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(t.title)}">`,
    `<title>${esc(t.title)}</title>`,
    `<defs><pattern id="cash-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#1f4e9a" stroke-width="3"/></pattern></defs>`,
    `<g class="legend" transform="translate(${left},16)">`,
    `<rect x="0" y="0" width="28" height="18" fill="#8c96a5"/><text x="36" y="14">${esc(t.earlier)}</text>`,
    `<rect x="170" y="0" width="28" height="18" fill="#1f4e9a"/><text x="206" y="14">${esc(t.thisYear)}</text>`,
    `<rect x="360" y="0" width="28" height="18" fill="url(#cash-hatch)" stroke="#1f4e9a"/><text x="396" y="14">${esc(t.planned)}</text>`,
    `<g class="funding-line"><line x1="640" y1="9" x2="668" y2="9"/></g><text x="676" y="14">${esc(t.cashLine)}</text>`,
    `</g>`,
  ];
  const axisY = top + plotH;
  for (const v of ticks) {
    out.push(`<line class="grid" x1="${left}" y1="${n(y(v))}" x2="${right}" y2="${n(y(v))}"/>`);
    out.push(`<text class="tick" x="${left - 8}" y="${n(y(v) + 5)}" text-anchor="end">${esc(fmtNumber(v, 2))}</text>`);
  }
  out.push(`<line class="axis" x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}"/>`);
  out.push(`<text class="axis-label" x="${left - 8}" y="${top - 14}" text-anchor="end">${esc(t.axis)}</text>`);
  bars.forEach((b, i) => {
    const cx = left + slot * (i + 0.5);
    const x0 = cx - barW / 2;
    const parts: [number, string][] = [
      [b.earlier, 'fill="#8c96a5"'],
      [b.thisYear, 'fill="#1f4e9a"'],
      [b.planned, 'fill="url(#cash-hatch)" stroke="#1f4e9a"'],
    ];
    const total = b.earlier + b.thisYear + b.planned;
    out.push(`<g class="cash-year" data-year="${esc(b.year)}"${b.binding ? ' data-binding="true"' : ''}>`);
    out.push(
      `<title>${esc(t.year(b.year))}: ${esc(t.earlier)} ${esc(fmtNumber(b.earlier, 2))} · ${esc(t.thisYear)} ${esc(fmtNumber(b.thisYear, 2))} · ${esc(t.planned)} ${esc(fmtNumber(b.planned, 2))} · ${esc(t.cashLine)} ${esc(fmtNumber(b.available, 2))}</title>`,
    );
    let base = 0;
    for (const [v, fill] of parts) {
      if (v > 0) out.push(`<rect x="${n(x0)}" y="${n(y(base + v))}" width="${n(barW)}" height="${n(y(base) - y(base + v))}" ${fill}/>`);
      base += v;
    }
    out.push(`<g class="funding-line"><line x1="${n(cx - slot * 0.4)}" y1="${n(y(b.available))}" x2="${n(cx + slot * 0.4)}" y2="${n(y(b.available))}"/></g>`);
    out.push(`<text class="value" x="${n(cx)}" y="${n(Math.min(y(total), y(b.available)) - 8)}" text-anchor="middle">${esc(fmtNumber(total, 0))} / ${esc(fmtNumber(b.available, 0))}</text>`);
    out.push(`<text class="label" x="${n(cx)}" y="${axisY + 22}" text-anchor="middle"${b.binding ? ' font-weight="700"' : ''}>${esc(t.year(b.year))}</text>`);
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join('\n');
}
