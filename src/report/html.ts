/**
 * report.html: one self-contained file (no network, no external assets) rendered from
 * ReportData. Chinese by default; `data.lang` switches the fixed UI strings only.
 *
 * This module is the page: its head and the order of its parts. The parts are html/sections.ts,
 * what they show view.ts, their words i18n/, the stylesheet html/style.ts and the script
 * html/script.ts.
 *
 * Safety: every value that came from a user file is escaped with `esc` (text and
 * attributes); the one inline script carries no data (it filters and sorts the table on the
 * DOM); a Content-Security-Policy allows exactly the hashed <style> and <script> and nothing
 * else, so even a missed escape could neither run script nor load anything.
 */
import { createHash } from 'node:crypto';
import type { ReportData } from './data.js';
import { words } from './i18n/index.js';
import { esc } from './svg.js';
import { SCRIPT } from './html/script.js';
import { byDistrict, byMeasure, contents, limits, marginal, notice, overview, policyAppendix, projects, scatter, top, totals } from './html/sections.js';
import { CSS } from './html/style.js';
import { years } from './html/years.js';

const sha256b64 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
export const CSP = `default-src 'none'; style-src 'sha256-${sha256b64(CSS)}'; script-src 'sha256-${sha256b64(SCRIPT)}'; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`;

export function renderHtml(data: ReportData): string {
  const w = words(data.lang);
  const t = w.report;
  const s = data.summary;
  return [
    '<!DOCTYPE html>',
    `<html lang="${w.htmlLang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="fundplan ${esc(s.tool.version)}">`,
    `<title>${esc(s.scenario.name)} · ${esc(t.reportTitle)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    overview(data, w),
    contents(t, w.policyTable.appendix, s.years ? w.years.section : null),
    totals(data, t),
    ...(s.years ? [years(data, w)] : []),
    byMeasure(data, t),
    byDistrict(data, t),
    scatter(data, w),
    limits(data, t),
    marginal(data, w),
    top(data, t),
    notice(data, w),
    projects(data, t),
    policyAppendix(data, w),
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
