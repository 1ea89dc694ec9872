/**
 * Read an applications CSV into typed records, collecting every problem at once.
 * Headers may be English field names or Chinese aliases, in any order; a header that
 * ends in (万元)/（万元） makes that column's amounts 万元, converted exactly to yuan.
 */
import { parse, CsvError } from 'csv-parse/sync';
import type { Decimal } from 'decimal.js';
import { InputError, shown, type InputIssue } from '../errors.js';
import { parseAmount, parseDecimal, toHalfWidth, type Unit } from '../money.js';
import type { ApplicationRecord, ApplicationsSource } from '../model/application.js';
import { decodeText, type Encoding } from './text.js';

type Kind = 'text' | 'amount' | 'year' | 'score';
interface Column {
  readonly key: string;
  readonly aliases: readonly string[];
  /** The column must be present. */
  readonly required: boolean;
  /** Every row must have a value (else empty means "not given"). */
  readonly valueRequired: boolean;
  readonly kind: Kind;
}
const col = (key: string, aliases: string[], kind: Kind, required: boolean, valueRequired = required): Column => ({
  key, aliases, kind, required, valueRequired,
});

export const COLUMNS: readonly Column[] = [
  col('project_id', ['项目编号', '项目编码', '项目代码'], 'text', true),
  col('project_name', ['项目名称'], 'text', true),
  col('company_id', ['统一社会信用代码', '信用代码', '企业代码'], 'text', true),
  col('company_name', ['企业名称', '申报单位', '单位名称'], 'text', true),
  col('district', ['所属区', '区域', '辖区'], 'text', false),
  col('measure', ['申报类别', '资助类别', '扶持类别'], 'text', true),
  col('year', ['年度', '申报年度'], 'year', true),
  col('total_investment', ['总投资', '项目总投资'], 'amount', true, false),
  col('eligible_base', ['核定基数'], 'amount', false),
  col('requested', ['申请金额', '申请资助金额'], 'amount', false),
  col('upper_funding', ['上级资助', '国家省资助'], 'amount', false),
  col('score', ['评审得分', '得分', '专家评分'], 'score', true),
];

export interface ReadApplications {
  readonly records: readonly ApplicationRecord[];
  readonly source: ApplicationsSource;
  readonly encoding: Encoding;
  readonly warnings: readonly InputIssue[];
}

/** Header text → field key and unit. `金额（万元）`, `总投资(万元)`, `Total_Investment`. */
export function classifyHeader(header: string): { key?: string; unit: Unit } {
  let h = toHalfWidth(header).replace(/^\uFEFF/, '').replace(/\s+/g, '');
  let unit: Unit = 'yuan';
  const u = /\((万元|元)\)$/.exec(h);
  if (u) {
    unit = u[1] === '万元' ? 'wan' : 'yuan';
    h = h.slice(0, -u[0].length);
  }
  const lower = h.toLowerCase();
  const column = COLUMNS.find((c) => c.key === lower || c.aliases.includes(h));
  return column ? { key: column.key, unit } : { unit };
}

function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

export function parseApplicationsCsv(bytes: Uint8Array, file: string): ReadApplications {
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new InputError([{ file, expected: 'a CSV text file in UTF-8 or GB18030', found: decoded.found }]);
  let rows: string[][];
  try {
    rows = parse(decoded.text, { delimiter: detectDelimiter(decoded.text), relax_column_count: true, skip_empty_lines: false });
  } catch (e) {
    if (e instanceof CsvError) {
      // The record that failed follows the `records` complete ones: its spreadsheet row is records + 1.
      const records = (e as CsvError & { records?: number }).records ?? 0;
      const found = e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote that is never closed' : e.message.replace(/ at line \d+.*$/s, '');
      throw new InputError([{ file, row: records + 1, expected: 'well-formed CSV', found }]);
    }
    throw e;
  }
  const issues: InputIssue[] = [];
  const header = rows[0];
  if (!header || header.every((h) => h.trim() === '')) {
    throw new InputError([{ file, row: 1, expected: 'a header row naming the columns', found: 'an empty file' }]);
  }

  // Map columns.
  const fieldAt = new Map<number, { key: string; unit: Unit }>();
  const headers: Record<string, string> = {};
  header.forEach((h, i) => {
    const c = classifyHeader(h);
    if (!c.key) return;
    if (headers[c.key] !== undefined) {
      issues.push({ file, row: 1, column: h, expected: `one column for ${c.key}`, found: `a second one (first: ${shown(headers[c.key])})` });
      return;
    }
    headers[c.key] = h.trim();
    fieldAt.set(i, { key: c.key, unit: c.unit });
  });
  for (const c of COLUMNS) {
    if (c.required && headers[c.key] === undefined) {
      issues.push({
        file, row: 1, column: c.key,
        expected: `a column ${c.key} (or ${c.aliases.map((a) => a).join(' / ')})`,
        found: `columns ${header.map((h) => shown(h.trim())).join(', ')}`,
      });
    }
  }
  if (issues.length) throw new InputError(issues);

  const unitOf = new Map([...fieldAt.values()].map((f) => [f.key, f.unit]));
  const columnOf = new Map(COLUMNS.map((c) => [c.key, c]));
  const records: ApplicationRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    const row = r + 1;
    if (cells.every((c) => c.trim() === '')) continue;
    if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== '')) {
      issues.push({ file, row, expected: `${header.length} cells as in the header`, found: `${cells.length} cells` });
      continue;
    }
    const values: Record<string, string> = {};
    const extra: Record<string, string> = {};
    header.forEach((h, i) => {
      const f = fieldAt.get(i);
      const v = cells[i] ?? '';
      if (f) values[f.key] = v;
      else if (h.trim() !== '') extra[h.trim()] = v;
    });
    const rowIssues: InputIssue[] = [];
    const get = <T>(key: string, conv: (raw: string, unit: Unit) => { ok: true; value: T } | { ok: false; expected: string }): T | null => {
      const column = columnOf.get(key)!;
      const raw = (values[key] ?? '').trim();
      if (raw === '') {
        if (column.valueRequired) rowIssues.push({ file, row, column: headers[key] ?? key, expected: `a value for ${key}`, found: 'an empty cell' });
        return null;
      }
      const unit = unitOf.get(key) ?? 'yuan';
      const res = conv(raw, unit);
      if (!res.ok) {
        rowIssues.push({ file, row, column: headers[key] ?? key, expected: res.expected, found: shown(raw) });
        return null;
      }
      return res.value;
    };
    const text = (key: string) => get<string>(key, (raw) => ({ ok: true, value: raw.replace(/\s+/g, ' ') }));
    const amount = (key: string) => get<Decimal>(key, parseAmount);
    const record = {
      index: records.length,
      row,
      projectId: text('project_id'),
      projectName: text('project_name'),
      companyId: text('company_id'),
      companyName: text('company_name'),
      district: text('district') ?? '',
      measure: text('measure'),
      year: get<number>('year', (raw) => {
        const v = toHalfWidth(raw).replace(/年$/, '');
        return /^\d{4}$/.test(v) ? { ok: true, value: Number(v) } : { ok: false, expected: 'a four-digit year such as 2019' };
      }),
      totalInvestment: amount('total_investment'),
      eligibleBase: amount('eligible_base'),
      requested: amount('requested'),
      upperFunding: amount('upper_funding'),
      score: get<Decimal>('score', (raw) => {
        const v = parseDecimal(raw);
        return v && v.gte(0) && v.lte(100) ? { ok: true, value: v } : { ok: false, expected: 'a score from 0 to 100' };
      }),
      extra,
    };
    if (rowIssues.length) {
      issues.push(...rowIssues);
      continue;
    }
    records.push(record as ApplicationRecord);
  }
  if (issues.length) throw new InputError(issues);
  if (records.length === 0) throw new InputError([{ file, row: 2, expected: 'at least one application row', found: 'none' }]);
  return { records, source: { file, headers }, encoding: decoded.encoding, warnings: [] };
}
