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
import type { Lang, Notice, ReportData } from './data.js';
import { words } from './i18n/index.js';
import { around, Chunks, type Around } from './chunks.js';
import { esc } from './svg.js';
import { SCRIPT } from './html/script.js';
import { byDistrict, byMeasure, contents, limits, marginal, notice as noticeSection, overview, policyAppendix, projects, scatter, top, totals } from './html/sections.js';
import { CSS } from './html/style.js';
import { years } from './html/years.js';

const sha256b64 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
export const CSP = `default-src 'none'; style-src 'sha256-${sha256b64(CSS)}'; script-src 'sha256-${sha256b64(SCRIPT)}'; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`;

export function renderHtml(data: ReportData): string {
  const [before, after] = renderHtmlAround(data).text();
  return before + renderNoticeHtml(data.notice, data.lang) + after;
}

/**
 * report.html without its public-notice section (`renderNoticeHtml`, which may be made on another
 * thread): what comes before it and after it, as text or as UTF-8 pieces. The notice's rows are
 * not read.
 */
export function renderHtmlAround(data: ReportData): Around {
  const w = words(data.lang);
  const t = w.report;
  const s = data.summary;
  // The page's pieces, joined or encoded at the end (chunks.ts): the big tables' rows are pieces of their own, not copied into a string per table and section first.
  let out = new Chunks();
  out.push(
    [
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
      '',
    ].join('\n'),
  );
  /** A part of the page, then a newline. */
  const part = (markup: string) => void out.push(markup, '\n');
  overview(out, data, w);
  out.push('\n');
  part(contents(t, w.policyTable.appendix, s.years ? w.years.section : null));
  part(totals(data, t));
  if (s.years) part(years(data, w));
  part(byMeasure(data, t));
  part(byDistrict(data, t));
  part(scatter(data, w));
  limits(out, data, t);
  out.push('\n');
  part(marginal(data, w));
  part(top(data, t));
  // The public notice goes here.
  const before = out;
  out = new Chunks();
  out.push('\n');
  projects(out, data, t);
  out.push('\n');
  part(policyAppendix(data, w));
  out.push(`<script>${SCRIPT}</script>\n</body>\n</html>\n`);
  return around(before, out);
}

/** report.html's public-notice section (`renderHtml` follows it with a newline). */
export function renderNoticeHtml(notice: Notice, lang: Lang): string {
  const out = new Chunks();
  noticeSection(out, { notice }, words(lang));
  return out.text();
}
