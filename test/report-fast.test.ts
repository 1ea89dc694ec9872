/**
 * The reports' shortcuts against their general forms: `md`'s skip of text without special
 * characters against the full escape, `Chunks` against one join, the big tables of report.html
 * written row by row against the same tables made of cells by `table`, and the notice's order
 * over typed keys against a plain sort of the lines by batch, measure, exact score and id.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decimal } from 'decimal.js';
import { D } from '../src/money.js';
import type { Allocation } from '../src/model/types.js';
import type { Policy } from '../src/model/policy.js';
import type { Scenario } from '../src/model/scenario.js';
import { around, Chunks } from '../src/report/chunks.js';
import { buildNotice, lineKeys, type LimitRow, type NoticeRow, type ProjectRow, type ReportData } from '../src/report/data.js';
import { yuan } from '../src/report/format.js';
import { num, section, table, td } from '../src/report/html/markup.js';
import { limits, notice, projects } from '../src/report/html/sections.js';
import { words } from '../src/report/i18n/index.js';
import { md, mdEscape } from '../src/report/markdown.js';
import { esc } from '../src/report/svg.js';

/** Text with every character the escapes look at, blanks of several kinds, digits and Chinese. */
const CHARS = [...'\\`*_[]<>|~&#;"\'+=-.)(0123456789 \t\r\n\u2028\u2029\u00a0\u3000aZ项目公司'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 24 }).map((xs) => xs.join(''));

describe('md', () => {
  it('is the full escape on any text (special characters or none)', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(md(s)).toBe(mdEscape(s));
      }),
      { numRuns: 5000 },
    );
    expect(md(12.5)).toBe('12.5');
  });
});

describe('esc', () => {
  it('is the replace of each special character by its entity, on any text', () => {
    const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
    fc.assert(
      fc.property(text, (s) => {
        expect(esc(s)).toBe(s.replace(/[&<>"']/g, (c) => entities[c]!));
      }),
      { numRuns: 5000 },
    );
    expect(esc(12.5)).toBe('12.5');
    expect(esc('a"<&>\'')).toBe('a&quot;&lt;&amp;&gt;&#39;');
  });
});

describe('Chunks', () => {
  it('is the join of its pieces with its separator, however the runs fall', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), fc.constantFrom('', '\n', ' | '), fc.integer({ min: 1, max: 40 }), (pieces, separator, run) => {
        const c = new Chunks(separator, run);
        // Pushed one at a time and a few at once.
        for (let i = 0; i < pieces.length; i += 2) c.push(...pieces.slice(i, i + 2));
        expect(c.text()).toBe(pieces.join(separator));
      }),
      { numRuns: 1000 },
    );
  });

  it('as UTF-8 pieces is the UTF-8 of its text between the edges given, past a megabyte too', () => {
    // Surrogates alone and in pairs, so that a pair is split between two pieces, two runs or a run and an edge.
    const units = fc.array(fc.constantFrom('a', '中', '<', '\uD83D', '\uDE00', '😀', '\uDBFF', '\uDC00'), { maxLength: 6 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.array(fc.oneof(text, units), { maxLength: 60 }), fc.constantFrom('', '\n', ' | '), fc.integer({ min: 1, max: 40 }), fc.constantFrom('', '\n', '前', '\uDE00', '\uD83D'), (pieces, separator, run, edge) => {
        const c = new Chunks(separator, run);
        for (const p of pieces) c.push(p);
        expect(Buffer.concat(c.utf8(edge, edge)).equals(Buffer.from(edge + pieces.join(separator) + edge, 'utf8'))).toBe(true);
        expect(Buffer.concat(c.utf8()).equals(Buffer.from(c.text(), 'utf8'))).toBe(true);
      }),
      { numRuns: 500 },
    );
    const big = new Chunks('\n');
    for (let i = 0; i < 40_000; i++) big.push(`<tr><td>${i}</td><td>项目名称 ${i}</td></tr>`);
    // One piece longer than a chunk, between the others.
    big.push('长'.repeat(600_000));
    for (let i = 0; i < 1_000; i++) big.push(`<tr><td>${i}</td></tr>`);
    const pieces = big.utf8();
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).equals(Buffer.from(big.text(), 'utf8'))).toBe(true);
    // Each piece is all of its own buffer's start, not empty: it can move to another thread as it is.
    expect(pieces.every((p) => p.length > 0 && p.byteOffset === 0 && p.buffer.byteLength > Buffer.poolSize)).toBe(true);
    expect(new Set(pieces.map((p) => p.buffer)).size).toBe(pieces.length);
    // A page around a part: the edge between each side and the part.
    const tail = new Chunks('\n');
    tail.push('尾');
    const [before, after] = around(big, tail, '\n').utf8();
    expect(Buffer.concat(before).toString('utf8')).toBe(`${big.text()}\n`);
    expect(Buffer.concat(after).toString('utf8')).toBe('\n尾');
  });
});

/** A section written into Chunks, as text. */
function written(write: (out: Chunks) => void): string {
  const out = new Chunks('', 7);
  write(out);
  return out.text();
}

describe("report.html's big tables", () => {
  const w = words('zh');
  const t = w.report;
  const col = t.col;
  const amount = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 10 ** 9 }).map((f) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`));

  it('the notice: the same markup as its table of cells', () => {
    const row = fc.record({ projectName: text, companyName: text, measureName: text, grantWan: text, batch: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.integer({ min: 1, max: 3 }), text, text, (raw, batch, totalWan, rule) => {
        const rows: NoticeRow[] = raw.map((r, i) => ({ ...r, seq: i + 1, projectId: `P${i}` }));
        const data = { notice: { scope: 'new', batch, rows, totalWan, decimals: 2, rule } } as unknown as ReportData;
        const nt = data.notice;
        const body = [
          ...(nt.batch > 1 ? [`<p data-testid="notice-scope">${esc(t.noticeScope(nt.scope, nt.batch))}</p>`] : []),
          table({
            id: 'notice',
            columns: [{ title: col.seq, num: true }, { title: col.batch, num: true }, { title: col.projectName }, { title: col.applicant }, { title: col.category }, { title: col.grantWan, num: true }],
            rows: nt.rows.map((r) => [num(r.seq), num(r.batch), td(r.projectName), td(r.companyName), td(r.measureName), { html: esc(r.grantWan), cls: 'num notice-amount' }]),
            total: [td(w.notice.total), td(''), td(''), td(''), td(''), { html: esc(nt.totalWan), cls: 'num notice-total' }],
          }),
          `<p class="rule" data-testid="notice-rule">${esc(nt.rule)}</p>`,
        ];
        expect(written((out) => notice(out, data, w))).toBe(section('notice-section', t.sections.notice, body.join('\n')));
      }),
      { numRuns: 300 },
    );
  });

  it('every project: the same markup as its sortable table of cells', () => {
    const project = fc.record({ projectId: text, projectName: text, companyName: text, district: text, measure: text, measureName: text, clause: text, score: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true })), requested: amount, entitlement: amount, grant: amount, bindingLabel: text, note: text });
    fc.assert(
      fc.property(fc.array(project, { maxLength: 6 }), fc.integer({ min: 0, max: 3 }), (ps, omitted) => {
        const data = { projects: ps as unknown as ProjectRow[], projectsOmitted: omitted } as unknown as ReportData;
        const projectsTable = table({
          id: 'projects',
          sortable: true,
          columns: [{ title: col.projectId }, { title: col.projectName }, { title: col.company }, { title: col.district }, { title: col.measure }, { title: col.score, num: true }, { title: col.requested, num: true }, { title: col.entitlement, num: true }, { title: col.grant, num: true }, { title: col.binding }, { title: col.note }],
          rows: data.projects.map((p) => [
            td(p.projectId, 'nowrap'),
            td(p.projectName, 'c-name'),
            td(p.companyName, 'c-name'),
            td(p.district, 'nowrap'),
            { html: `${esc(p.clause)}${esc(p.measureName)}<br><code class="muted">${esc(p.measure)}</code>`, cls: 'c-measure', sort: `${p.measure}` },
            num(p.score, p.score),
            num(yuan(p.requested), p.requested || -1),
            num(yuan(p.entitlement), p.entitlement || -1),
            num(yuan(p.grant), p.grant),
            td(p.bindingLabel, 'nowrap'),
            td(p.note, 'c-note'),
          ]),
        });
        const html = written((out) => projects(out, data, t));
        expect(html.startsWith(`<section id="projects-section">\n<h2>${esc(t.sections.projects)}</h2>\n<div class="search">`)).toBe(true);
        expect(html.endsWith(`\n<div class="table-wrap">${projectsTable}</div>\n</section>`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the limits: the same markup as their tables of cells', () => {
    const limit = fc.record({ id: text, label: text, amount, used: amount, slack: fc.integer({ min: 0, max: 10 ** 6 }).map(String), binding: fc.boolean() });
    fc.assert(
      fc.property(fc.array(limit, { maxLength: 8 }), (ls) => {
        const data = { limits: ls as unknown as LimitRow[], otherLimits: ls.length + 3, summary: {}, lang: 'zh' } as unknown as ReportData;
        const limitTable = (rows: readonly LimitRow[], id: string) =>
          table({ id, columns: [{ title: col.limit }, { title: col.amount, num: true }, { title: col.used, num: true }, { title: col.slack, num: true }], rows: rows.map((l) => [td(l.label), num(yuan(l.amount)), num(yuan(l.used)), num(yuan(l.slack))]) });
        const binding = data.limits.filter((l) => l.binding);
        const other = [...data.limits.filter((l) => !l.binding)].sort((a, b) => Number(a.slack) - Number(b.slack) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const body = [
          binding.length ? `<p>${esc(t.bindingIntro(binding.length))}</p>${limitTable(binding, 'binding-limits')}` : `<p>${esc(t.noBinding)}</p>`,
          other.length ? `<details data-testid="other-limits"><summary>${esc(t.otherLimits(data.otherLimits, other.length))}</summary>${limitTable(other, 'other-limits')}</details>` : '',
        ];
        expect(written((out) => limits(out, data, t))).toBe(section('limits-section', t.sections.limits, body.join('\n')));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the notice’s order', () => {
  it('is the lines sorted by batch, measure (policy order), score (exact, highest first) and project id', () => {
    const measures = ['M1', 'M2', 'M3'];
    // Scores that share a double, and equal ones, as well as plain ones.
    const score = fc.constantFrom('80', '80.5', '90', '0.30000000000000001', '0.3', '0.30000000000000002', '12345678901234567', '12345678901234568', '0');
    const line = fc.record({ id: fc.constantFrom('A', 'B', 'C', 'a', 'AB', 'B0', '10', '9'), score, measure: fc.integer({ min: 0, max: 2 }), fen: fc.integer({ min: 0, max: 3 }).map((k) => k * 10_000), batch: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom('new', 'all') as fc.Arbitrary<'new' | 'all'>, (raw, scope) => {
        // Project ids unique, as the inputs have them (and not in their order).
        const ls = raw.map((x, i) => ({ ...x, id: `${x.id}-${(i * 7) % 31}` }));
        const lines = ls.map((x) => ({
          app: { projectId: x.id, projectName: `n${x.id}`, companyName: `c${x.id}`, score: new D(x.score) },
          measure: { id: measures[x.measure]!, name: { zh: `类${x.measure}` } },
          grant: new D(x.fen).div(100),
        }));
        const allocation = { lines } as unknown as Allocation;
        const policy = { measures: measures.map((id) => ({ id })) } as unknown as Policy;
        const scenario = { granularity: new D(100) } as unknown as Scenario;
        const batches = { current: 2, of: new Map(ls.map((x) => [x.id, x.batch])) };
        const got = buildNotice(allocation, policy, scenario, batches, scope, lineKeys(allocation.lines));
        const want = ls
          .filter((x) => x.fen > 0 && (scope === 'all' || x.batch === 2))
          .sort((a, b) => a.batch - b.batch || a.measure - b.measure || new D(b.score).comparedTo(new D(a.score)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        expect(got.rows.map((r) => [r.projectId, r.batch])).toEqual(want.map((x) => [x.id, x.batch]));
      }),
      { numRuns: 500 },
    );
  });

  it('counts a line funded exactly when its grant is above zero', () => {
    const grants: Decimal[] = [new D(0), new D('-0'), new D('0.01'), new D('-0.01'), new D('1e-30'), new D('1e30')];
    const keys = lineKeys(grants.map((grant) => ({ app: { score: new D(1) }, grant })) as unknown as Allocation['lines']);
    expect([...keys.funded]).toEqual(grants.map((g) => (g.gt(0) ? 1 : 0)));
  });
});
