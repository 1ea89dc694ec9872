/**
 * The markup report.html is built from: table cells, tables (sortable ones for the page's
 * script), sections, cards and hashes. Every text given here is escaped with `esc`; a cell's
 * `html` is markup its maker has escaped.
 */
import { esc } from '../svg.js';

/** A table cell: its markup (escaped by its maker), a class, and the value the page's script sorts it by, where not its text. */
export type Cell = { readonly html: string; readonly cls?: string; readonly sort?: string | number };
/** A cell of text. */
export const td = (text: string | number, cls?: string, sort?: string | number): Cell => ({ html: esc(text), ...(cls ? { cls } : {}), ...(sort !== undefined ? { sort } : {}) });
/** A cell of a number, right-aligned. */
export const num = (text: string | number, sort?: string | number): Cell => td(text, 'num', sort);

function cellHtml(c: Cell, tag = 'td'): string {
  const cls = c.cls ? ` class="${c.cls}"` : '';
  const sort = c.sort !== undefined ? ` data-v="${esc(c.sort)}"` : '';
  return `<${tag}${cls}${sort}>${c.html}</${tag}>`;
}

/** A column's head; `num` right-aligns it (and sorts it by number). */
export interface Column {
  readonly title: string;
  readonly num?: boolean;
}

/** A table's head: its id, caption and columns; `sortable` gives every head a button for the page's script (html/script.ts). */
export interface TableHead {
  readonly id?: string;
  readonly columns: readonly Column[];
  readonly sortable?: boolean;
  readonly caption?: string;
}

/**
 * A table: a head row, a body row per row, a totals row in the foot. `sortable` gives every
 * head a button for the page's script (html/script.ts).
 */
export function table(opts: TableHead & { rows: readonly (readonly Cell[])[]; total?: readonly Cell[] }): string {
  const body = opts.rows.map((r) => `<tr>${r.map((c) => cellHtml(c)).join('')}</tr>\n`).join('');
  return `${tableStart(opts)}${body}${tableEnd(opts.rows.length, opts.total)}`;
}

/**
 * A table written in pieces, for the big ones: `tableStart`, then each body row as
 * `<tr>…</tr>\n`, then `tableEnd` with the number of rows (and the totals row): the same
 * markup as `table`.
 */
export function tableStart(opts: TableHead): string {
  const head = opts.columns
    .map((c) => {
      const cls = c.num ? ' class="num"' : '';
      if (!opts.sortable) return `<th scope="col"${cls}>${esc(c.title)}</th>`;
      return `<th scope="col"${cls} data-type="${c.num ? 'num' : 'text'}"><button type="button">${esc(c.title)}</button></th>`;
    })
    .join('');
  const id = opts.id ? ` id="${esc(opts.id)}" data-testid="${esc(opts.id)}"` : '';
  const caption = opts.caption ? `<caption class="muted">${esc(opts.caption)}</caption>` : '';
  return `<table${id}>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n`;
}

/** The end of a table of `rows` body rows (an empty body is one empty line), with its totals row. */
export function tableEnd(rows: number, total?: readonly Cell[]): string {
  const foot = total ? `<tfoot><tr class="total">${total.map((c) => cellHtml(c)).join('')}</tr></tfoot>` : '';
  return `${rows ? '' : '\n'}</tbody>${foot}</table>`;
}

/** The first 12 hex digits visibly, the whole hash in the title attribute. */
export function hash(h: string): string {
  return `<code class="hash" title="${esc(h)}">${esc(h.slice(0, 12))}…</code>`;
}

/** A <section> with its <h2>; the table of contents links to its id. */
export function section(id: string, title: string, body: string, cls = ''): string {
  return `${sectionStart(id, title, cls)}${body}${SECTION_END}`;
}

/** A section written in pieces: its start, its body, then SECTION_END. */
export function sectionStart(id: string, title: string, cls = ''): string {
  return `<section id="${id}"${cls ? ` class="${cls}"` : ''}>\n<h2>${esc(title)}</h2>\n`;
}
export const SECTION_END = '\n</section>';

/** A figure on a card: its label above, its value large; `id` names it for tests. */
export function card(label: string, value: string, id?: string): string {
  return `<div class="card"${id ? ` data-testid="${id}"` : ''}><div class="k">${esc(label)}</div><div class="v">${esc(value)}</div></div>`;
}
