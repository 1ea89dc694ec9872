/**
 * `fundplan template [--xlsx] [--lang zh|en] [--out FILE]`: an empty applications file with the
 * right headers and one example row that reads and solves as it is. The .xlsx version keeps
 * id columns as text (so an 18-digit credit code never becomes 9.14403E+17), offers the
 * policy's measures as a drop-down, and explains every column on a second sheet. A policy that
 * declares attributes (企业规模, 认定级别 …) gets a column for each after the standard ones,
 * headed by its Chinese name (its id in English templates, as the reader accepts either); in the
 * .xlsx an enum attribute's column offers its values as a drop-down.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { InputError } from '../errors.js';
import { COLUMNS } from '../io/applications.js';
import { BUNDLED_POLICY, bundledPath } from '../io/bundled.js';
import { parseJson, readInput } from '../io/files.js';
import { toExcelCsv, writeFileAtomically } from '../io/write.js';
import { fitWidths, xlsxBytes, type Cell, type CellStyle } from '../io/xlsx-write.js';
import { columnLetter } from '../io/bounds.js';
import { D, WAN } from '../money.js';
import { creditCodeCheckChar } from '../model/credit-code.js';
import { attributesOf, needsBase, parsePolicy, ruleOf, type Measure, type Policy } from '../model/policy.js';
import type { AttributeSpec } from '../model/attributes.js';

export interface TemplateOptions {
  readonly xlsx?: boolean;
  readonly lang?: 'zh' | 'en';
  /** Default: applications-template.xlsx / .csv in the current folder (never overwritten). */
  readonly out?: string;
  /** The policy whose measures the template offers (default: the bundled one). */
  readonly policy?: string;
  /** The example row's year (default: this year). */
  readonly year?: number;
}

export interface TemplateOutcome {
  readonly file: string;
  readonly text: string;
}

/** Rows a person is expected to fill: the drop-down and text formats cover this many. */
const FILL_ROWS = 2000;

/** What an attribute column of each type holds, for the instructions sheet. */
const ATTRIBUTE_HELP: Record<Exclude<AttributeSpec['type'], 'enum'>, { zh: string; en: string }> = {
  date: { zh: '日期，如 2022-07-01 或 2022年7月1日', en: 'a date such as 2022-07-01' },
  number: { zh: '数值', en: 'a number' },
  text: { zh: '文本', en: 'text' },
};

const HELP: Record<string, { zh: string; en: string }> = {
  project_id: { zh: '项目编号，全表唯一', en: 'unique id of the application' },
  project_name: { zh: '项目名称', en: 'project name' },
  company_id: { zh: '18 位统一社会信用代码（请保持文本格式）', en: '18-character unified social credit code (keep the column as text)' },
  company_name: { zh: '企业名称', en: 'company name' },
  district: { zh: '所属区（可空）', en: 'district (optional)' },
  measure: { zh: '申报类别：见下表的名称或编号', en: 'measure: an id or name from the table below' },
  year: { zh: '年度，如 2019', en: 'year, e.g. 2019' },
  total_investment: { zh: '项目总投资；奖励类可空', en: 'total investment; may be empty for awards' },
  eligible_base: { zh: '核定基数（服务费、合同额等），可空，默认为总投资', en: 'the base the rate applies to; optional, defaults to total investment' },
  requested: { zh: '申请金额，可空；资助不超过它', en: 'amount requested; optional; a grant never exceeds it' },
  upper_funding: { zh: '国家、省级已获资助（配套类），可空', en: 'national and provincial grant (matching measures); optional' },
  score: { zh: '评审得分，0–100', en: 'review score, 0–100' },
};

function exampleMeasure(policy: Policy): Measure {
  return policy.measures.find((m) => m.id === 'P10-APPLICATION') ?? policy.measures.find((m) => ruleOf(m, 'rate')) ?? policy.measures[0]!;
}

/** One example application, yuan amounts as exact strings. */
function example(policy: Policy, lang: 'zh' | 'en', year: number): Record<string, string> {
  const m = exampleMeasure(policy);
  // ¥5,000,000, or the least total investment the measure admits where that is more.
  const least = m.rules.find((r) => r.type === 'eligibility' && r.field === 'total_investment' && r.min !== undefined);
  const total = D.max(5_000_000, least?.type === 'eligibility' ? new D(least.min!) : 0);
  const rate = ruleOf(m, 'rate');
  const cap = ruleOf(m, 'projectCap');
  let requested = rate ? total.times(rate.rate) : new D(cap?.amount ?? 1_000_000);
  if (cap && requested.gt(cap.amount)) requested = new D(cap.amount);
  const first17 = '91440300MA5FEXAM1';
  return {
    project_id: lang === 'zh' ? '示例-001' : 'EXAMPLE-001',
    project_name: lang === 'zh' ? '示例：设备联网改造项目（填报前请删除本行）' : 'Example: networking the plant (delete this row)',
    company_id: first17 + creditCodeCheckChar(first17)!,
    company_name: lang === 'zh' ? '深圳市示例科技有限公司' : 'Shenzhen Example Technology Co., Ltd.',
    district: lang === 'zh' ? '南山区' : 'Nanshan',
    measure: lang === 'zh' ? m.name.zh : m.id,
    year: String(year),
    total_investment: rate || needsBase(m) || !cap ? total.toFixed(2) : '',
    eligible_base: '',
    requested: requested.toDecimalPlaces(2, D.ROUND_DOWN).toFixed(2),
    upper_funding: '',
    score: '85',
  };
}

/**
 * An attribute's value in the example row: one the example measure's rules accept where they
 * read it (an eligible value, a listed tier, the bound of a date or number range), else the
 * first of an enum's values, a date in the example's year, 1, or an example text.
 */
function exampleAttribute(a: AttributeSpec, m: Measure, lang: 'zh' | 'en', year: number): string {
  for (const r of m.rules) {
    if (r.type === 'eligibility' && r.field === a.id) {
      if (r.in) return r.in[0]!;
      if (r.min !== undefined) return r.min;
      if (r.max !== undefined) return r.max;
    }
    if ((r.type === 'tiers' || r.type === 'bonus') && r.field === a.id) return Object.keys(r.amounts)[0]!;
  }
  switch (a.type) {
    case 'enum':
      return a.values![0]!;
    case 'date':
      return `${year}-06-30`;
    case 'number':
      return '1';
    case 'text':
      return lang === 'zh' ? '示例-001' : 'EXAMPLE-001';
  }
}

const headerOf = (key: string, lang: 'zh' | 'en') => {
  const c = COLUMNS.find((x) => x.key === key)!;
  return lang === 'en' ? key : `${c.aliases[0]}${c.kind === 'amount' ? '（万元）' : ''}`;
};
/** Amounts: yuan in English templates, 万元 in Chinese ones (as the header says). */
const amountIn = (yuan: string, lang: 'zh' | 'en') => (yuan === '' || lang === 'en' ? yuan : new D(yuan).div(WAN).toFixed());

export async function runTemplate(options: TemplateOptions): Promise<TemplateOutcome> {
  const lang = options.lang ?? 'zh';
  const xlsx = options.xlsx ?? false;
  const out = options.out ?? `applications-template.${xlsx ? 'xlsx' : 'csv'}`;
  if (options.out === undefined && existsSync(out)) {
    throw new InputError([{ file: out, expected: 'a file name not yet taken (name another with --out)', found: 'an existing file, which template does not overwrite' }]);
  }
  const policyPath = options.policy ?? bundledPath(BUNDLED_POLICY);
  const shownPolicy = relative(process.cwd(), policyPath) || policyPath;
  const policy = parsePolicy(parseJson(readInput(policyPath, shownPolicy), shownPolicy), shownPolicy);
  const year = options.year ?? new Date().getFullYear();
  const ex = example(policy, lang, year);
  // The columns a district office fills in (columns for the bureau's own decisions are left out).
  const keys = COLUMNS.map((c) => c.key).filter((k) => k in HELP);
  const kinds = new Map(COLUMNS.map((c) => [c.key, c.kind]));
  const attributes = attributesOf(policy);
  const headers = [...keys.map((k) => headerOf(k, lang)), ...attributes.map((a) => (lang === 'zh' ? a.name.zh : a.id))];
  const m = exampleMeasure(policy);
  const values = [...keys.map((k) => (kinds.get(k) === 'amount' ? amountIn(ex[k]!, lang) : ex[k]!)), ...attributes.map((a) => exampleAttribute(a, m, lang, year))];

  if (!xlsx) {
    writeFileAtomically(out, toExcelCsv(headers, [values]));
  } else {
    writeFileAtomically(out, templateWorkbook(policy, lang, keys, headers, values));
  }
  const shown = relative(process.cwd(), out) || out;
  const text = lang === 'zh'
    ? `已写入 ${shown}：${headers.length} 列表头和 1 行示例（填报前请删除示例行）。申报类别可填 ${policy.id} 的 ${policy.measures.length} 个类别之一。${attributes.length ? `政策要求的附加字段 ${attributes.length} 列：${attributes.map((a) => a.name.zh).join('、')}。` : ''}`
    : `wrote ${shown}: ${headers.length} headers and one example row (delete it before filling in). Measures: ${policy.measures.length} of policy ${policy.id}.${attributes.length ? ` Columns the policy's rules read: ${attributes.map((a) => a.id).join(', ')}.` : ''}`;
  return { file: out, text };
}

/** How an attribute's column is formatted: numbers as numbers; dates and texts as text, so what is typed stays as typed (a date is read by the date reader). */
const ATTRIBUTE_STYLE: Record<AttributeSpec['type'], CellStyle> = { enum: 'text', date: 'id', text: 'id', number: 'number' };

/** `keys` are the standard columns; `headers` and `values` hold them, then the policy's attributes. */
function templateWorkbook(policy: Policy, lang: 'zh' | 'en', keys: readonly string[], headers: readonly string[], values: readonly string[]): Buffer {
  const kind = (k: string) => COLUMNS.find((c) => c.key === k)!.kind;
  const attributes = attributesOf(policy);
  const styleOfKey = (k: string): CellStyle => (kind(k) === 'id' ? 'id' : kind(k) === 'amount' ? (lang === 'zh' ? 'wan' : 'yuan') : kind(k) === 'year' ? 'int' : kind(k) === 'score' ? 'number' : 'text');
  const styles = [...keys.map(styleOfKey), ...attributes.map((a) => ATTRIBUTE_STYLE[a.type])];
  const exampleRow: Cell[] = values.map((v, i) => {
    const s = styles[i]!;
    return v !== '' && (s === 'wan' || s === 'yuan' || s === 'int' || s === 'number') ? { number: v, style: s } : { text: v, style: s };
  });
  const rows: Cell[][] = [headers.map((h) => ({ text: h, style: 'header' })), exampleRow];
  const widths = fitWidths(rows, { min: 10, max: 40 });
  const zh = lang === 'zh';

  // The second sheet: each column explained, then the measures the policy knows.
  const help: Cell[][] = [[zh ? '列' : 'column', zh ? '必填' : 'required', zh ? '说明' : 'meaning', zh ? '示例' : 'example'].map((h) => ({ text: h, style: 'header' }))];
  keys.forEach((k, i) => {
    const c = COLUMNS.find((x) => x.key === k)!;
    const required = c.valueRequired ? (zh ? '是' : 'yes') : c.required ? (zh ? '列必须有，值可空' : 'column yes, value optional') : zh ? '否' : 'no';
    help.push([headers[i]!, required, HELP[k]![lang], values[i]!]);
  });
  attributes.forEach((a, j) => {
    const i = keys.length + j;
    const what = a.type === 'enum' ? (zh ? `${a.name.zh}：从列表选择（${a.values!.join('、')}）` : `${a.name.en}: one of ${a.values!.join(', ')}`) : zh ? `${a.name.zh}（${ATTRIBUTE_HELP[a.type].zh}）` : `${a.name.en} (${ATTRIBUTE_HELP[a.type].en})`;
    help.push([headers[i]!, zh ? '类别的规则用到时必填' : 'where the measure\'s rules read it', what, values[i]!]);
  });
  help.push([]);
  help.push([{ text: zh ? `申报类别（政策 ${policy.id}）` : `measures (policy ${policy.id})`, style: 'title' }]);
  help.push([zh ? '条款' : 'clause', zh ? '名称' : 'name', zh ? '编号' : 'id', zh ? '也可填' : 'also accepted'].map((h) => ({ text: h, style: 'header' })));
  const firstMeasureRow = help.length + 1;
  for (const m of policy.measures) help.push([m.clause, zh ? m.name.zh : m.id, zh ? m.id : m.name.zh, [...(zh ? [] : [m.name.en]), ...m.aliases].join('、')]);
  const lastMeasureRow = help.length;
  const helpName = zh ? '填表说明' : 'instructions';
  const measureCol = columnLetter(keys.indexOf('measure'));
  return xlsxBytes([
    {
      name: zh ? '申报表' : 'applications',
      rows,
      columns: styles.map((style, i) => ({ width: widths[i]!, style })),
      freezeRows: 1,
      lists: [
        {
          sqref: `${measureCol}2:${measureCol}${FILL_ROWS}`,
          source: `'${helpName}'!$B$${firstMeasureRow}:$B$${lastMeasureRow}`,
          prompt: zh ? '从列表选择，或填写类别编号' : 'pick from the list, or type a measure id',
        },
        // Each enum attribute: its values, and nothing else.
        ...attributes.flatMap((a, j) => {
          if (a.type !== 'enum') return [];
          const col = columnLetter(keys.length + j);
          return [{
            sqref: `${col}2:${col}${FILL_ROWS}`,
            values: a.values!,
            strict: true,
            prompt: zh ? `从列表选择${a.name.zh}` : `pick the ${a.name.en} from the list`,
            error: zh ? `${a.name.zh}须为列表中的值` : `the ${a.name.en} must be one of the list`,
          }];
        }),
      ],
    },
    { name: helpName, rows: help, columns: [{ width: 22 }, { width: 34 }, { width: 56 }, { width: 40 }], freezeRows: 1 },
  ]);
}
