/**
 * report.md: the key content of the report as Markdown text and tables, for pasting into
 * documents. Same data (view.ts) and the same words (i18n) as report.html (Chinese by default).
 *
 * Every piece of text is passed through `md`, which keeps a cell on one line and makes
 * Markdown and inline HTML in user text literal (`<img …>` stays text, `|` cannot end a cell,
 * `*`/`_`/`[`/backticks cannot format or link, a leading `#` or `-` cannot make a heading
 * or a list).
 */
import type { Lang, Notice, ReportData } from './data.js';
import type { PolicyTable } from './policy-table.js';
import { around, Chunks, type Around } from './chunks.js';
import { percent, yuan } from './format.js';
import { yearsView } from './years-view.js';
import { words, type ReportWords } from './i18n/index.js';
import { batchLines, countFacts, districtName, finiteDifferenceNote, fundingLineScore, fundingLineText, headline, nonBlank, perYuanText, rangeText, shareWords, splitLimits, statusLine, tallyFigures, tallyTitles, tallyTotal, timeLimitWarning, topGrants, unorderedTieLines, type Tally } from './view.js';

/** Escape text for Markdown inline content (a table cell, or text inside a line). */
export function md(s: string | number): string {
  const t = String(s);
  // Each replacement of `mdEscape` needs one of these characters to match: without any, the text is its own escape.
  return MD_SPECIAL.test(t) ? mdEscape(t) : t;
}
const MD_SPECIAL = /[\r\n\u2028\u2029\\`*_[\]<>|~&#]/;

/** `md` for any text, the general path. */
export function mdEscape(s: string): string {
  return (
    s
      .replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ')
      .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
      // An entity (&lt; &#60;) would be decoded by a renderer: keep it literal.
      .replace(/&(?=#?[0-9A-Za-z]+;)/g, '\\&')
      .replace(/^(\s*)#/, '$1\\#')
  );
}

/** Escape text that starts a line: also no list, quote, setext underline or ordered list. */
export function mdLine(s: string | number): string {
  return md(s)
    .replace(/^(\s*)([+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

type Align = 'l' | 'r';

/** A table's row: its cells (escaped by the caller; an empty one as a space) between bars. */
const mdRow = (cells: readonly string[]): string => `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;

/** A table's head and alignment lines. */
function mdHead(head: readonly [string, Align][]): [string, string] {
  return [`| ${head.map(([h]) => md(h)).join(' | ')} |`, `| ${head.map(([, a]) => (a === 'r' ? '---:' : '---')).join(' | ')} |`];
}

function mdTable(head: readonly [string, Align][], rows: readonly (readonly string[])[]): string {
  return [...mdHead(head), ...rows.map(mdRow)].join('\n');
}

/** A cell of user text: escaped, a space when empty (as `mdRow` writes it). */
const mdCell = (s: string): string => (s === '' ? ' ' : md(s));

/** Right-aligned heads of the tally columns. */
const tallyHead = (t: ReportWords): [string, Align][] => tallyTitles(t).map((title) => [title, 'r']);

/** The total of the tallies as cells, the amount granted in bold. */
function tallyTotalCells(xs: readonly Tally[]): string[] {
  return tallyTotal(xs).map((v, i, all) => (i === all.length - 1 ? `**${md(v)}**` : md(v)));
}

export function renderMarkdown(data: ReportData): string {
  const [before, after] = renderMarkdownAround(data).text();
  return before + renderNoticeMarkdown(data.notice, data.lang) + after;
}

/**
 * report.md without its public-notice part (`renderNoticeMarkdown`, which may be made on another
 * thread): what comes before it and after it, as text or as UTF-8 pieces. The notice's rows are
 * not read.
 */
export function renderMarkdownAround(data: ReportData): Around {
  const w = words(data.lang);
  const t = w.report;
  const s = data.summary;
  const col = t.col;
  const sec = t.sections;
  // The document's lines (an element may hold several), joined or encoded once at the end; a paragraph ends with an empty line.
  let out = new Chunks('\n');
  const para = (...lines: string[]) => void out.push(...lines, '');
  /** A table as a paragraph, its rows written straight into the lines. */
  const tablePara = (head: readonly [string, Align][], count: number, row: (i: number) => string) => {
    out.push(...mdHead(head));
    for (let i = 0; i < count; i++) out.push(row(i));
    out.push('');
  };
  const colon = t.colon;

  // Title and overview.
  para(`# ${md(s.scenario.name)}`);
  const policyDocument = nonBlank(s.policy.document);
  const description = nonBlank(s.scenario.description);
  const [open, close] = t.parens;
  para(`${md(t.reportTitle)} · ${md(s.policy.name)}${open}${md(s.policy.id)}${close}${policyDocument ? ` ${md(policyDocument)}` : ''} · ${md(t.year)} ${md(s.year)}`);
  if (description) para(mdLine(description));
  if (s.warnings.length) {
    out.push(`> **${md(t.warnings(s.warnings.length))}**`, '>');
    for (let i = 0; i < s.warnings.length; i++) out.push(`> ${i + 1}. ${md(s.warnings[i]!)}`);
    out.push('');
  }
  const warning = timeLimitWarning(s, t);
  if (warning !== null) para(`> **${md(warning)}**`);
  para(`**${md(headline(s, t))}**`);
  const rules = t.rules(s.rules);
  const batch = batchLines(s, t);
  para(
    ...(batch.length ? [`- ${md(t.batch)}${colon}${batch.map(md).join(t.listSep)}`] : []),
    `- ${md(t.status)}${colon}${md(statusLine(s, t))}`,
    `- ${md(t.tool)}${colon}${md(`${s.tool.name} ${s.tool.version}`)}`,
    `- ${md(t.inputs)}${colon}${md(t.fileScenario)} ${md(s.scenario.file)} ${md(s.scenario.sha256.slice(0, 12))}…${t.listSep}${md(t.filePolicy)} ${md(s.policy.file)} ${md(s.policy.sha256.slice(0, 12))}…${t.listSep}${md(t.fileApplications)} ${md(s.applications.file)} ${md(s.applications.sha256.slice(0, 12))}…`,
    `- ${md(t.fundingLineLabel)}${colon}${md(fundingLineText(s, w))}`,
    `- ${md(t.granularity)}${colon}${md(yuan(s.granularity))}`,
    `- ${md(t.priorityRule)}${colon}${md(rules.priority)}`,
    `- ${md(t.roundingRule)}${colon}${md(rules.rounding)}`,
  );
  const unordered = unorderedTieLines(s, w);
  if (unordered.length) para(`> **${md(w.summary.unorderedHeading)}**`, ...unordered.map((l) => `> - ${md(l)}`));

  // Totals.
  para(`## ${md(sec.totals)}`);
  para(
    mdTable(
      [
        [col.item, 'l'],
        [col.value, 'r'],
      ],
      [
        [t.budget, yuan(s.budget)],
        [t.granted, yuan(s.granted)],
        [t.unallocated, yuan(s.unallocated)],
        ...countFacts(s, t),
        ...(s.batches.locked.applications > 0
          ? [
              [t.lockedBatch(s.batches.locked.applications), yuan(s.batches.locked.granted)],
              [t.newBatch(s.batches.new.applications), yuan(s.batches.new.granted)],
            ]
          : []),
        [t.verification, t.verificationText(s.verification.checks, s.verification.violations)],
      ].map((r) => r.map(md)),
    ),
  );

  // Cash by year (a scenario with cash by year).
  if (s.years) {
    const v = yearsView({ ...s, years: s.years }, data.lang);
    const y = v.w;
    const bold = (c: string) => (c === '' ? c : `**${md(c)}**`);
    para(`## ${md(y.section)}`);
    para(md(v.binding));
    para(`### ${md(y.table)}`);
    para(mdTable(v.head.map((h) => [h.title, h.num ? 'r' : 'l']), v.rows.map((r) => r.cells.map((c) => (r.total ? bold(c) : md(c))))));
    if (v.plan.length) {
      para(`### ${md(y.planTitle)}`);
      para(md(y.planNote));
      const p = y.planCol;
      para(mdTable([[p.year, 'l'], [p.applications, 'r'], [p.funded, 'r'], [p.granted, 'r']], v.plan.map((r) => r.map(md))));
    }
    if (v.targets.length) {
      const c = y.targetCol;
      para(`### ${md(y.targetsTitle)}`);
      para(mdTable([[c.target, 'l'], [c.measures, 'l'], [c.by, 'l'], [c.kind, 'l'], [c.required, 'r'], [c.achieved, 'r'], [c.shortfall, 'r']], v.targets.map((r) => r.map(md))));
    }
  }

  // By measure.
  const bm = s.byMeasure;
  para(`## ${md(sec.byMeasure)}`);
  para(
    mdTable(
      [[col.clause, 'l'], [col.measure, 'l'], ...tallyHead(t), [col.budgetMin, 'r'], [col.budgetMax, 'r']],
      [
        ...bm.map((m) => [m.clause, m.name, ...tallyFigures(m), m.budgetMin ? yuan(m.budgetMin) : '', m.budgetMax ? yuan(m.budgetMax) : ''].map(md)),
        [`**${md(col.total)}**`, '', ...tallyTotalCells(bm), '', ''],
      ],
    ),
  );

  // By district.
  const bd = s.byDistrict;
  para(`## ${md(sec.byDistrict)}`);
  para(
    mdTable(
      [[col.district, 'l'], ...tallyHead(t), [col.share, 'r']],
      [
        ...bd.map((d) => [districtName(d.district, t), ...tallyFigures(d), percent(d.granted, s.granted)].map(md)),
        [`**${md(col.total)}**`, ...tallyTotalCells(bd), md(percent(s.granted, s.granted))],
      ],
    ),
  );

  // Binding limits.
  const { binding, other } = splitLimits(data.limits);
  para(`## ${md(sec.limits)}`);
  if (binding.length) {
    para(mdLine(t.bindingIntro(binding.length)));
    tablePara(
      [
        [col.limit, 'l'],
        [col.amount, 'r'],
        [col.used, 'r'],
        [col.slack, 'r'],
      ],
      binding.length,
      (i) => {
        const l = binding[i]!;
        return `| ${mdCell(l.label)} | ${md(yuan(l.amount))} | ${md(yuan(l.used))} | ${md(yuan(l.slack))} |`;
      },
    );
  } else para(mdLine(t.noBinding));
  if (other.length) para(mdLine(t.otherLimits(data.otherLimits, other.length)) + t.otherLimitsElsewhere);
  for (const x of data.summary.shares ?? []) para(mdLine(t.shareResult(shareWords(x, data))));

  // Marginal values, in words.
  para(`## ${md(sec.marginal)}`);
  para(mdLine(t.marginalIntro));
  const note = finiteDifferenceNote(data, w);
  if (note !== null) para(mdLine(note));
  if (data.marginalValues.length) {
    para(
      ...data.marginalValues.map((m) => {
        // The words may name the limit and the range already (budget-words.ts); add them only when they do not.
        const label = m.words.includes(m.label) ? '' : `**${md(m.label)}**${colon}`;
        const per = perYuanText(m, t);
        const sep = t.listSep;
        const facts = [`${col.perYuan} ${per}`, ...(m.words.includes(yuan(m.from)) ? [] : [`${col.range} ${rangeText(t, m.from, m.to)}`]), m.verified ? t.verifiedYes : t.verifiedNo].join(sep);
        return `- ${label}${md(m.words)}${open}${md(facts)}${close}`;
      }),
    );
  } else para(mdLine(t.noMarginal));

  // Top ten.
  para(`## ${md(sec.top)}`);
  para(
    mdTable(
      [
        [col.rank, 'r'],
        [col.projectId, 'l'],
        [col.projectName, 'l'],
        [col.company, 'l'],
        [col.measure, 'l'],
        [col.score, 'r'],
        [col.grant, 'r'],
        [col.binding, 'l'],
      ],
      topGrants(data.projects, 10).map((p, i) => [String(i + 1), p.projectId, p.projectName, p.companyName, `${p.clause}${p.measureName}`, String(p.score), yuan(p.grant), p.bindingLabel].map(md)),
    ),
  );

  // The public notice goes here, a line of its own between the lines before and after it.
  const before = out;
  out = new Chunks('\n');

  // Appendix: the policy as encoded, to check against its document.
  para(`## ${md(w.policyTable.appendix)}`);
  // Last: the text ends with one newline, that of the join with the empty line after it.
  out.push(policyTableMarkdown(data.policyTable, 3).replace(/\n+$/, ''), '');

  return around(before, out, '\n');
}

/** report.md's public-notice part (its heading, table and rule): lines joined by newlines, ending with the empty line after the rule. */
export function renderNoticeMarkdown(nt: Notice, lang: Lang): string {
  const w = words(lang);
  const t = w.report;
  const col = t.col;
  const out = new Chunks('\n');
  const para = (...lines: string[]) => void out.push(...lines, '');
  para(`## ${md(t.sections.notice)}`);
  if (nt.batch > 1) para(mdLine(t.noticeScope(nt.scope, nt.batch)));
  const noticeRows = nt.rows;
  out.push(
    ...mdHead([
      [col.seq, 'r'],
      [col.batch, 'r'],
      [col.projectName, 'l'],
      [col.applicant, 'l'],
      [col.category, 'l'],
      [col.grantWan, 'r'],
    ]),
  );
  for (const r of noticeRows) {
    // A number's text has none of md's special characters.
    out.push(`| ${r.seq} | ${r.batch} | ${mdCell(r.projectName)} | ${mdCell(r.companyName)} | ${mdCell(r.measureName)} | ${mdCell(r.grantWan)} |`);
  }
  out.push(mdRow([`**${md(w.notice.total)}**`, '', '', '', '', `**${md(nt.totalWan)}**`]), '');
  para(mdLine(nt.rule));
  return out.text();
}

/** The table as Markdown: a heading per section, its lines in a cell joined by <br>, every text escaped; the title's heading at `level`. */
export function policyTableMarkdown(table: PolicyTable, level = 1): string {
  const h = '#'.repeat(level);
  const out = [`${h} ${md(table.title)}`, ''];
  const row = (cells: readonly string[]) => `| ${cells.map((c) => c.split('\n').map(md).join('<br>') || ' ').join(' | ')} |`;
  for (const s of table.sections) {
    out.push(`${h}# ${md(s.title)}`, '', row(s.header), `| ${s.header.map(() => '---').join(' | ')} |`, ...s.rows.map(row), '');
  }
  return out.join('\n');
}
