/** The budget frontier: CSV tables, an SVG chart and a small self-contained HTML page (in Chinese unless `lang` says). */
import type { Decimal } from 'decimal.js';
import { toExcelCsv } from '../io/write.js';
import { WAN, fmtYuan } from '../money.js';
import { fmtNumber, fmtWan } from './format.js';
import { words, type Lang } from './i18n/index.js';
import { esc, linearTicks } from './svg.js';

export interface FrontierPoint {
  readonly budget: Decimal;
  /** Σ score × grant (yuan·points), exact. */
  readonly objective: Decimal;
  readonly granted: Decimal;
  readonly funded: number;
  readonly fullyFunded: number;
  readonly partlyFunded: number;
  /** The budget's marginal value (score), or null where the budget does not bind; a sweep of a year's cash: that cash's (the LP's estimate). */
  readonly fundingLine: number | null;
  /** A sweep of a year's cash: the budget less what was granted (without: `budget` less what was granted). */
  readonly unallocated?: Decimal;
}

/** What a sweep varied: the budget (null), or one year's cash. */
export type Varied = { readonly cashYear: number } | null;

/** The frontier's words for what was varied. */
function frontierWords(lang: Lang, varied: Varied) {
  const w = words(lang).frontier;
  return varied ? { ...w, ...w.cash(varied.cashYear) } : w;
}

export interface EntryBudgets {
  readonly projectId: string;
  readonly projectName: string;
  readonly measure: string;
  readonly score: string;
  /** The smallest swept budget at which it gets something / its full entitlement; null: not within the sweep. */
  readonly firstFunded: Decimal | null;
  readonly fullyFunded: Decimal | null;
  /** Why it is not fully funded at the largest budget (a binding code, or zero_entitlement); empty when it is. */
  readonly reason: string;
}

/**
 * The knee: the point farthest above the straight line from the first to the last point
 * (objective against budget, both scaled to [0, 1]) — where extra money starts buying
 * markedly less. Null when the frontier is (nearly) straight.
 */
export function findKnee(points: readonly FrontierPoint[]): number | null {
  if (points.length < 3) return null;
  const x = points.map((p) => p.budget.toNumber());
  const y = points.map((p) => p.objective.toNumber());
  const [x0, x1, y0, y1] = [x[0]!, x[x.length - 1]!, y[0]!, y[y.length - 1]!];
  if (x1 === x0 || y1 === y0) return null;
  let best = -1;
  let bestD = 0.02; // below 2% of the range above the chord, no knee worth naming
  points.forEach((_, i) => {
    const d = (y[i]! - y0) / (y1 - y0) - (x[i]! - x0) / (x1 - x0);
    if (d > bestD) {
      bestD = d;
      best = i;
    }
  });
  return best < 0 ? null : best;
}

export function frontierCsv(points: readonly FrontierPoint[], knee: number | null, varied: Varied = null): string {
  const rows = points.map((p, i) => {
    const prev = points[i - 1];
    const slope = prev ? p.objective.minus(prev.objective).div(p.budget.minus(prev.budget)).toDecimalPlaces(4).toString() : '';
    return [fmtYuan(p.budget), p.objective.toFixed(2), fmtYuan(p.granted), fmtYuan(p.unallocated ?? p.budget.minus(p.granted)), String(p.funded), String(p.fullyFunded), String(p.partlyFunded), p.fundingLine === null ? '' : String(p.fundingLine), slope, i === knee ? 'knee' : ''];
  });
  const axis = varied ? `cash_${varied.cashYear}` : 'budget';
  return toExcelCsv([axis, 'objective', 'granted', 'unallocated', 'funded', 'fully_funded', 'partly_funded', varied ? `${axis}_marginal_value` : 'funding_line', 'objective_per_yuan_since_previous', 'mark'], rows);
}

export function entryCsv(entries: readonly EntryBudgets[], varied: Varied = null): string {
  const axis = varied ? `cash_${varied.cashYear}` : 'budget';
  return toExcelCsv(
    ['project_id', 'project_name', 'measure', 'score', `first_funded_at_${axis}`, `fully_funded_at_${axis}`, 'reason'],
    entries.map((e) => [e.projectId, e.projectName, e.measure, e.score, e.firstFunded ? fmtYuan(e.firstFunded) : '', e.fullyFunded ? fmtYuan(e.fullyFunded) : '', e.reason]),
  );
}

const W = 1000;
const n2 = (v: number) => (Math.round(v * 100) / 100).toString();

/** Two panels over the same budget axis (万元): the objective, and the funding line. */
export function frontierSvg(points: readonly FrontierPoint[], knee: number | null, lang: Lang = 'zh', varied: Varied = null): string {
  const w = frontierWords(lang, varied);
  const left = 110;
  const right = W - 30;
  const panelH = 260;
  const top1 = 50;
  const top2 = top1 + panelH + 90;
  const H = top2 + panelH + 70;
  const bx = points.map((p) => p.budget.div(WAN).toNumber());
  const xMin = Math.min(...bx);
  const xMax = Math.max(...bx);
  const X = (v: number) => left + ((v - xMin) / Math.max(xMax - xMin, 1e-9)) * (right - left);
  const xt = linearTicks(xMin, xMax, 6);
  const panel = (top: number, values: (number | null)[], title: string, unit: string, id: string) => {
    const present = values.filter((v): v is number => v !== null);
    const yt = linearTicks(0, Math.max(...present, 1), 5);
    const Y = (v: number) => top + panelH - (v / yt.top) * panelH;
    const path = values
      .map((v, i) => (v === null ? null : `${X(bx[i]!)},${Y(v)}`))
      .filter((p): p is string => p !== null)
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${p}`)
      .join(' ');
    const grid = yt.ticks
      .map((t) => `<line x1="${left}" x2="${right}" y1="${n2(Y(t))}" y2="${n2(Y(t))}" stroke="#ddd"/><text x="${left - 8}" y="${n2(Y(t) + 5)}" text-anchor="end" font-size="14">${esc(fmtNumber(t, 2))}</text>`)
      .join('');
    const dots = values
      .map((v, i) => (v === null ? '' : `<circle cx="${n2(X(bx[i]!))}" cy="${n2(Y(v))}" r="${i === knee ? 7 : 3}" fill="${i === knee ? '#fff' : '#1a3d6d'}" stroke="#1a3d6d" stroke-width="2"/>`))
      .join('');
    return `<g data-testid="${id}"><text x="${left}" y="${top - 16}" font-size="17" font-weight="bold">${esc(title)}</text><text x="${left - 8}" y="${top - 16}" text-anchor="end" font-size="13">${esc(unit)}</text>${grid}<path d="${path}" fill="none" stroke="#1a3d6d" stroke-width="2.5"/>${dots}</g>`;
  };
  const xAxis = (top: number) =>
    xt.ticks
      .filter((t) => t >= xMin - 1e-9 && t <= xMax + 1e-9)
      .map((t) => `<line x1="${n2(X(t))}" x2="${n2(X(t))}" y1="${top + panelH}" y2="${top + panelH + 6}" stroke="#333"/><text x="${n2(X(t))}" y="${top + panelH + 24}" text-anchor="middle" font-size="14">${esc(fmtNumber(t, 2))}</text>`)
      .join('') + `<line x1="${left}" x2="${right}" y1="${top + panelH}" y2="${top + panelH}" stroke="#333"/><text x="${(left + right) / 2}" y="${top + panelH + 50}" text-anchor="middle" font-size="15">${esc(w.budgetAxis)}</text>`;
  const kneeMark =
    knee === null
      ? ''
      : `<g data-testid="knee"><line x1="${n2(X(bx[knee]!))}" x2="${n2(X(bx[knee]!))}" y1="${top1}" y2="${top2 + panelH}" stroke="#b00" stroke-dasharray="6 4" stroke-width="2"/><text x="${n2(X(bx[knee]!) + 8)}" y="${top1 + 18}" font-size="15" fill="#b00">${esc(w.knee(fmtNumber(bx[knee]!, 0)))}</text></g>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(w.title)}" font-family="sans-serif">` +
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    panel(top1, points.map((p) => p.objective.div(WAN).div(WAN).toNumber()), w.objective, w.objectiveUnit, 'frontier-objective') +
    xAxis(top1) +
    panel(top2, points.map((p) => p.fundingLine), w.fundingLine, w.fundingLineUnit, 'frontier-funding-line') +
    xAxis(top2) +
    kneeMark +
    `</svg>`
  );
}

/** 万元 with thousands separators and exactly two decimals. */
const wan2 = (d: Decimal) => fmtWan(d, true);
const headRow = (titles: readonly string[]) => `<tr>${titles.map((t) => `<th>${esc(t)}</th>`).join('')}</tr>`;

export function frontierHtml(name: string, points: readonly FrontierPoint[], knee: number | null, entries: readonly EntryBudgets[], svg: string, lang: Lang = 'zh', varied: Varied = null): string {
  const { htmlLang } = words(lang);
  const w = frontierWords(lang, varied);
  const title = `${name} · ${w.title}`;
  const rows = points
    .map((p, i) => `<tr${i === knee ? ' class="knee"' : ''}><td>${wan2(p.budget)}</td><td>${wan2(p.granted)}</td><td>${p.funded}</td><td>${p.fullyFunded}</td><td>${p.partlyFunded}</td><td>${p.fundingLine ?? '—'}</td></tr>`)
    .join('');
  const entered = entries
    .filter((e) => e.firstFunded)
    .sort((a, b) => a.firstFunded!.comparedTo(b.firstFunded!) || (a.projectId < b.projectId ? -1 : 1))
    .map((e) => `<tr><td>${esc(e.projectId)}</td><td>${esc(e.projectName)}</td><td>${esc(e.measure)}</td><td>${esc(e.score)}</td><td>${wan2(e.firstFunded!)}</td><td>${e.fullyFunded ? wan2(e.fullyFunded) : '—'}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="${htmlLang}"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#111}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}table.entries td:nth-child(2){text-align:left}tr.knee{background:#fde8e8;font-weight:bold}svg{max-width:1000px;width:100%}</style></head><body>
<h1>${esc(title)}</h1>
<p>${esc(w.intro(knee === null ? null : wan2(points[knee]!.budget)))}</p>
${svg}
<h2>${esc(w.pointsHeading)}</h2><table><thead>${headRow(w.pointsHeader)}</thead><tbody>${rows}</tbody></table>
<h2>${esc(w.entriesHeading)}</h2><table class="entries"><thead>${headRow(w.entriesHeader)}</thead><tbody>${entered}</tbody></table>
</body></html>
`;
}
