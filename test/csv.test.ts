/**
 * Reading applications CSVs: encodings, 万元 conversion, header aliases, and the errors
 * a person editing the file in Excel will meet. Fixtures are built in memory, byte by byte,
 * so the encodings are exactly what the test says they are.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import fc from 'fast-check';
import type { Decimal } from 'decimal.js';
import { parseApplicationsCsv, type ReadApplications } from '../src/io/applications.js';
import { InputError, formatIssue, type InputIssue } from '../src/errors.js';
import { parsePolicy } from '../src/model/policy.js';
import { resolveApplications, type ApplicationRecord } from '../src/model/application.js';
import { creditCodeCheckChar, creditCodeProblem } from '../src/model/credit-code.js';
import { decodeText, gb18030Utf8 } from '../src/io/text.js';

// ---------------------------------------------------------------------------------------
// Independent GB 32100-2015 check character (does not use src/model/credit-code.ts).
const GB32100_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function checkChar(first17: string): string {
  if (first17.length !== 17) throw new Error('need 17 characters');
  let total = 0;
  for (let i = 0; i < 17; i++) {
    const v = GB32100_ALPHABET.indexOf(first17[i]!);
    if (v < 0) throw new Error(`not a GB 32100 character: ${first17[i]}`);
    total += v * GB32100_WEIGHTS[i]!;
  }
  return GB32100_ALPHABET[(31 - (total % 31)) % 31]!;
}
const validCode = (first17: string) => first17 + checkChar(first17);
/** Same code with a different (wrong) last character. */
const wrongCode = (first17: string) => {
  const good = checkChar(first17);
  const bad = GB32100_ALPHABET[(GB32100_ALPHABET.indexOf(good) + 1) % 31]!;
  return first17 + bad;
};

// ---------------------------------------------------------------------------------------
const POLICY_PATH = fileURLToPath(new URL('../scenarios/policies/shenzhen-iiot-2018.json', import.meta.url));
const policy = parsePolicy(JSON.parse(readFileSync(POLICY_PATH, 'utf8')), 'shenzhen-iiot-2018.json');

const ZH_HEADER = [
  '项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度',
  '总投资（万元）', '核定基数（万元）', '申请金额（万元）', '上级资助（万元）', '评审得分',
];

const CODE_A = validCode('91440300MA5ABCDE1');
const CODE_B = validCode('914403001922038216'.slice(0, 17));
const CODE_C = validCode('92440300L12345678');

/** Four applications. Names use CJK Extension A (㐀, U+3400) and B (𠀀, U+20000): 4 bytes in GB18030. */
const ZH_ROWS: string[][] = [
  ['SZ2019-001', '工业互联网平台𠀀项目', CODE_A, '深圳市甲科技有限公司', '南山区', '工业互联网应用项目', '2019', '1234.5678', '', '300', '', '85.5'],
  ['SZ2019-002', '㐀云平台（一期）, 含"引号"', CODE_B, '深圳市乙信息有限公司', '福田区', '跨行业跨领域工业互联网平台', '2019', '2000', '1500.25', '', '', '70'],
  ['SZ2019-003', '中小企业登云', CODE_C, '深圳市丙𠀀㐀有限公司', '宝安区', '登云', '2019', '', '50', '', '', '60.0'],
  ['SZ2019-004', '示范基地项目', CODE_A, '深圳市甲科技有限公司', '', '工业互联网示范基地', '2018', '10000', '', '', '200.5', '90'],
];

function csvCell(v: string): string {
  return /[",\r\n\t]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
function csvText(header: readonly string[], rows: readonly (readonly string[])[], eol = '\n', delimiter = ','): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(delimiter)).join(eol) + eol;
}
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** A comparable, JSON-safe view of a record (Decimals as strings). */
function plain(r: ApplicationRecord) {
  const d = (v: Decimal | null) => (v === null ? null : v.toString());
  return {
    index: r.index, row: r.row, projectId: r.projectId, projectName: r.projectName, companyId: r.companyId,
    companyName: r.companyName, district: r.district, measure: r.measure, year: r.year,
    totalInvestment: d(r.totalInvestment), eligibleBase: d(r.eligibleBase), requested: d(r.requested),
    upperFunding: d(r.upperFunding), score: r.score.toString(), extra: r.extra,
  };
}

/** Run `f`, expect an InputError, return its issues. */
function inputIssues(f: () => unknown): readonly InputIssue[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).issues;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

function read(text: string | Uint8Array, file = 'applications.csv'): ReadApplications {
  return parseApplicationsCsv(typeof text === 'string' ? utf8(text) : text, file);
}

function oneRow(header: readonly string[], row: readonly string[]): ApplicationRecord {
  const r = read(csvText(header, [row]));
  expect(r.records).toHaveLength(1);
  return r.records[0]!;
}

// ---------------------------------------------------------------------------------------
describe('encodings: the same file in UTF-8, UTF-8 with BOM, GB18030 (and UTF-16) reads the same', () => {
  const text = csvText(ZH_HEADER, ZH_ROWS);
  const textCrlf = csvText(ZH_HEADER, ZH_ROWS, '\r\n');

  const variants: [string, Uint8Array, string][] = [
    ['UTF-8', utf8(text), 'utf-8'],
    ['UTF-8 with BOM', new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])), 'utf-8-bom'],
    ['GB18030 (LF)', new Uint8Array(iconv.encode(text, 'gb18030')), 'gb18030'],
    ['GB18030 (CRLF, as Excel writes it)', new Uint8Array(iconv.encode(textCrlf, 'gb18030')), 'gb18030'],
    [
      'UTF-16LE with BOM, tab-separated (Excel "Unicode text")',
      new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csvText(ZH_HEADER, ZH_ROWS, '\r\n', '\t'), 'utf16le')])),
      'utf-16le',
    ],
  ];

  it('the GB18030 fixture really is GB18030 with 4-byte sequences (sanity check of the fixture)', () => {
    const gb = Buffer.from(variants[2]![1]);
    // 𠀀 U+20000 is 0x95 0x32 0x82 0x36 in GB18030; 㐀 U+3400 is 0x81 0x39 0xEE 0x39.
    expect(gb.includes(Buffer.from([0x95, 0x32, 0x82, 0x36]))).toBe(true);
    expect(gb.includes(Buffer.from([0x81, 0x39, 0xee, 0x39]))).toBe(true);
    // Not valid UTF-8, so detection must fall through to GB18030.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gb)).toThrow();
  });

  const reference = read(text).records.map(plain);

  it('the UTF-8 reading is what the fixture says', () => {
    expect(reference).toHaveLength(4);
    expect(reference[0]).toEqual({
      index: 0, row: 2, projectId: 'SZ2019-001', projectName: '工业互联网平台𠀀项目', companyId: CODE_A,
      companyName: '深圳市甲科技有限公司', district: '南山区', measure: '工业互联网应用项目', year: 2019,
      totalInvestment: '12345678', eligibleBase: null, requested: '3000000', upperFunding: null, score: '85.5', extra: {},
    });
    expect(reference[1]!.projectName).toBe('㐀云平台（一期）, 含"引号"');
    expect(reference[1]!.eligibleBase).toBe('15002500');
    expect(reference[2]!.companyName).toBe('深圳市丙𠀀㐀有限公司');
    expect(reference[2]!.totalInvestment).toBeNull();
    expect(reference[2]!.district).toBe('宝安区');
    expect(reference[3]!.district).toBe('');
    expect(reference[3]!.upperFunding).toBe('2005000');
    expect(reference[3]!.year).toBe(2018);
  });

  for (const [label, bytes, encoding] of variants) {
    it(`${label}: identical records, encoding reported as ${encoding}`, () => {
      const r = parseApplicationsCsv(bytes, 'applications.csv');
      expect(r.encoding).toBe(encoding);
      expect(r.records.map(plain)).toEqual(reference);
      expect(r.source.headers.total_investment).toBe('总投资（万元）');
    });
  }

  it('GB18030 of two-byte codes only (transcoded without the decoder) reads as its UTF-8 does', () => {
    // The fixture without its four-byte characters: the usual GB18030 file.
    const twoByte = (t: string) => t.replace(/𠀀|㐀/gu, '');
    const plainText = csvText(ZH_HEADER, ZH_ROWS.map((r) => r.map(twoByte)), '\r\n');
    const gb = new Uint8Array(iconv.encode(plainText, 'gb18030'));
    expect(gb18030Utf8(gb)?.toString('utf8')).toBe(plainText);
    const r = parseApplicationsCsv(gb, 'applications.csv');
    expect(r.encoding).toBe('gb18030');
    expect(r.records.map(plain)).toEqual(read(plainText).records.map(plain));
  });
});

// ---------------------------------------------------------------------------------------
describe('GB18030 to UTF-8 without the text (gb18030Utf8)', () => {
  const decoded = (bytes: Uint8Array) => Buffer.from(new TextDecoder('gb18030', { fatal: true }).decode(bytes), 'utf8');

  it('reads every two-byte code as the decoder does', () => {
    let read = 0;
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const bytes = new Uint8Array([0x41, lead, trail, 0x0a]);
        const out = gb18030Utf8(bytes);
        if (out === null) continue;
        read++;
        expect(out.equals(decoded(bytes)), `${lead.toString(16)} ${trail.toString(16)}`).toBe(true);
        const d = decodeText(bytes);
        expect(d.ok && d.encoding).toBe('gb18030');
      }
    }
    // All 23,940 but the 1,920 whose bytes are UTF-8 too (lead C2–DF, trail 80–BF): that short a file is read as UTF-8.
    expect(read).toBe(23_940 - 1_920);
  });

  it('on any bytes: where it answers, decodeText reads the same text as GB18030', () => {
    const piece = fc.oneof(
      fc.constantFrom(...'ab,1\r\n\t".'.split('').map((c) => [c.charCodeAt(0)])),
      fc.tuple(fc.integer({ min: 0x81, max: 0xfe }), fc.integer({ min: 0x40, max: 0xfe })),
      fc.integer({ min: 0, max: 255 }).map((b) => [b]),
    );
    let answered = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const bytes = new Uint8Array(pieces.flat());
        const out = gb18030Utf8(bytes);
        if (out === null) return;
        answered++;
        const d = decodeText(bytes);
        expect(d.ok && d.encoding).toBe('gb18030');
        expect(d.ok && Buffer.from(d.text, 'utf8').equals(out)).toBe(true);
      }),
      { seed: 18030, numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  it('leaves to the decoder what it does not read: BOMs, UTF-8, controls, 0x80, four-byte and cut codes', () => {
    const gb = (t: string) => new Uint8Array(iconv.encode(t, 'gb18030'));
    expect(gb18030Utf8(gb('深圳市,南山区\n'))?.toString('utf8')).toBe('深圳市,南山区\n');
    const refused: [string, Uint8Array][] = [
      ['a UTF-8 BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...gb('深圳')])],
      ['UTF-16 BOMs', new Uint8Array([0xff, 0xfe, 0x41, 0x00])],
      ['UTF-16BE BOM', new Uint8Array([0xfe, 0xff, 0x00, 0x41])],
      ['valid UTF-8', utf8('深圳市')],
      ['ASCII alone (valid UTF-8)', utf8('a,b\n')],
      ['a NUL', new Uint8Array([...gb('深圳'), 0x00])],
      ['a control character', new Uint8Array([...gb('深圳'), 0x01])],
      ['the euro byte 0x80', new Uint8Array([...gb('深圳'), 0x80])],
      ['a four-byte code (𠀀)', gb('深圳𠀀')],
      ['a code cut at the end', new Uint8Array([...gb('深圳'), 0xb5])],
      ['an invalid trail', new Uint8Array([...gb('深圳'), 0xb5, 0x20])],
    ];
    for (const [label, bytes] of refused) expect(gb18030Utf8(bytes), label).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------
describe('万元 and yuan amounts', () => {
  const base = ['P1', '项目', CODE_A, '企业', '南山区', '应用项目', '2019'];

  it('1234.5678 万元 is exactly 12,345,678 yuan (no float on the way)', () => {
    const r = oneRow(ZH_HEADER, [...base, '1234.5678', '', '', '', '80']);
    expect(r.totalInvestment!.eq(12345678)).toBe(true);
    expect(r.totalInvestment!.toString()).toBe('12345678');
    // Values a binary float cannot hold exactly stay exact after ×10000 and when summed.
    const r2 = oneRow(ZH_HEADER, [...base, '0.0001', '0.0003', '0.0002', '', '80']);
    expect(r2.totalInvestment!.toString()).toBe('1');
    expect(r2.eligibleBase!.plus(r2.requested!).toString()).toBe('5');
  });

  it('six decimals in 万元 is whole fen and accepted; 0.000001 万元 = 0.01 yuan', () => {
    const r = oneRow(ZH_HEADER, [...base, '1.000001', '0.000001', '', '', '80']);
    expect(r.totalInvestment!.toString()).toBe('10000.01');
    expect(r.eligibleBase!.toString()).toBe('0.01');
  });

  it('full-width （万元） and half-width (万元) headers both mean 万元; a header without unit means yuan', () => {
    const half = ZH_HEADER.map((h) => h.replace('（万元）', '(万元)'));
    const withSpace = ZH_HEADER.map((h) => h.replace('（万元）', ' （万元） '));
    for (const header of [ZH_HEADER, half, withSpace]) {
      const r = oneRow(header, [...base, '1234.5678', '2.5', '3', '0.01', '80']);
      expect(r.totalInvestment!.toString()).toBe('12345678');
      expect(r.eligibleBase!.toString()).toBe('25000');
      expect(r.requested!.toString()).toBe('30000');
      expect(r.upperFunding!.toString()).toBe('100');
    }
    const yuanHeader = ZH_HEADER.map((h) => h.replace('（万元）', ''));
    const r = oneRow(yuanHeader, [...base, '1234.56', '', '', '', '80']);
    expect(r.totalInvestment!.toString()).toBe('1234.56');
    const yuanExplicit = ZH_HEADER.map((h) => h.replace('（万元）', '（元）'));
    expect(oneRow(yuanExplicit, [...base, '1234.56', '', '', '', '80']).totalInvestment!.toString()).toBe('1234.56');
  });

  it('full-width digits and a 万/元 suffix inside a cell', () => {
    const r = oneRow(ZH_HEADER, [...base, '１２３４．５', '500元', '1万', '', '８０'])!;
    expect(r.totalInvestment!.toString()).toBe('12345000');
    expect(r.eligibleBase!.toString()).toBe('500'); // suffix beats the header's unit
    expect(r.requested!.toString()).toBe('10000');
    expect(r.score.toString()).toBe('80');
  });

  it('English headers are yuan, case-insensitive, with quoted thousands separators', () => {
    const text = 'Project_ID,project_name,company_id,company_name,measure,year,Total_Investment,requested,score\n'
      + `E1,Plant,${CODE_A},Acme,P10-APPLICATION,2019,"1,234,567.89","12,000",75\n`
      + `E2,Mill,${CODE_B},Beta,p10-application,2019,1234567.89,¥300,80.5\n`;
    const r = read(text);
    expect(r.records.map((x) => x.totalInvestment!.toString())).toEqual(['1234567.89', '1234567.89']);
    expect(r.records[0]!.totalInvestment!.eq('1234567.89')).toBe(true);
    expect(r.records.map((x) => x.requested!.toString())).toEqual(['12000', '300']);
    expect(r.source.headers).toMatchObject({ project_id: 'Project_ID', total_investment: 'Total_Investment' });
  });

  it('"—", "/", "无", "N/A" in 总投资 or 上级资助 are read as empty (one warning per column); in 核定基数 or 申请金额 they are an error; "-5" is refused', () => {
    const rows = [
      ['P1', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '—', '100', '', '无', '80'],
      ['P2', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '100', '', '', 'Ｎ／Ａ', '80'],
      ['P3', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '100', '20', '', '－', '80'],
    ];
    const r = read(csvText(ZH_HEADER, rows), 'apps.csv');
    expect(r.records.map((x) => [x.totalInvestment?.toString() ?? null, x.upperFunding?.toString() ?? null])).toEqual([
      [null, null],
      ['1000000', null],
      ['1000000', null],
    ]);
    const byColumn = Object.fromEntries(r.warnings.filter((w) => w.expected === 'an amount or an empty cell').map((w) => [w.column, w.found]));
    expect(byColumn).toEqual({
      '总投资（万元）': '"—" in row 2, read as an empty cell',
      '上级资助（万元）': '"无", "Ｎ／Ａ", "－" in rows 2, 3, 4, read as an empty cell',
    });
    const bad = inputIssues(() =>
      read(csvText(ZH_HEADER, [['P1', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '100', '/', '—', '', '80'], ['P2', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '100', '', '-5', '', '80']]), 'apps.csv'),
    );
    expect(bad).toEqual([
      { file: 'apps.csv', row: 2, column: '核定基数（万元）', expected: 'an amount, 0, or an empty cell (an empty cell means the rate applies to the total investment)', found: '"/", which could mean either' },
      { file: 'apps.csv', row: 2, column: '申请金额（万元）', expected: 'an amount, 0, or an empty cell (an empty cell means no ceiling from the request)', found: '"—", which could mean either' },
      { file: 'apps.csv', row: 3, column: '申请金额（万元）', expected: expect.stringContaining('non-negative'), found: '"-5"' },
    ]);
  });

  it('more than 6 decimals in 万元 (finer than a fen) is an error naming row and column', () => {
    const rows = [
      [...base, '100', '', '', '', '80'],
      ['P2', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '1234.5678901', '', '', '', '80'],
      ['P3', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '100', '', '0.0000001', '', '80'],
    ];
    const issues = inputIssues(() => read(csvText(ZH_HEADER, rows), 'apps.csv'));
    expect(issues).toEqual([
      { file: 'apps.csv', row: 3, column: '总投资（万元）', expected: expect.stringContaining('whole fen'), found: '"1234.5678901"' },
      { file: 'apps.csv', row: 4, column: '申请金额（万元）', expected: expect.stringContaining('whole fen'), found: '"0.0000001"' },
    ]);
  });

  it('yuan with more than 2 decimals, negatives and malformed separators are refused', () => {
    const header = ['project_id', 'project_name', 'company_id', 'company_name', 'measure', 'year', 'total_investment', 'score'];
    const rows = [
      ['A', 'a', CODE_A, 'c', 'P10-APPLICATION', '2019', '100.001', '80'],
      ['B', 'b', CODE_A, 'c', 'P10-APPLICATION', '2019', '-5', '80'],
      ['C', 'c', CODE_A, 'c', 'P10-APPLICATION', '2019', '1,23,456', '80'],
      ['D', 'd', CODE_A, 'c', 'P10-APPLICATION', '2019', '1.234,5', '80'],
    ];
    const issues = inputIssues(() => read(csvText(header, rows), 'y.csv'));
    expect(issues.map((i) => [i.row, i.column])).toEqual([[2, 'total_investment'], [3, 'total_investment'], [4, 'total_investment'], [5, 'total_investment']]);
    expect(issues[1]!.expected).toContain('non-negative');
  });
});

// ---------------------------------------------------------------------------------------
describe('columns: order, unknown columns, measure names', () => {
  it('column order is free: a shuffled file gives the same records', () => {
    const order = [11, 5, 0, 9, 3, 1, 7, 10, 2, 6, 8, 4];
    const shuffled = csvText(order.map((i) => ZH_HEADER[i]!), ZH_ROWS.map((r) => order.map((i) => r[i]!)));
    expect(read(shuffled).records.map(plain)).toEqual(read(csvText(ZH_HEADER, ZH_ROWS)).records.map(plain));
  });

  it('unknown columns are kept in extra, by their header text, values as written', () => {
    const header = ['备注', ...ZH_HEADER, '联系人 ', 'Contact Phone'];
    const rows = ZH_ROWS.slice(0, 2).map((r, i) => [i === 0 ? '重点项目' : '', ...r, `张三${i}`, ` 0755-1234567${i}`]);
    const r = read(csvText(header, rows));
    expect(r.records[0]!.extra).toEqual({ 备注: '重点项目', 联系人: '张三0', 'Contact Phone': ' 0755-12345670' });
    expect(r.records[1]!.extra).toEqual({ 备注: '', 联系人: '张三1', 'Contact Phone': ' 0755-12345671' });
    expect(r.records[0]!.projectId).toBe('SZ2019-001');
  });

  it('Chinese measure names and aliases resolve to the policy id', () => {
    const r = read(csvText(ZH_HEADER, ZH_ROWS), 'a.csv');
    const res = resolveApplications(r.records, policy, r.source);
    expect(res.issues).toEqual([]);
    expect(res.applications.map((a) => a.measureId)).toEqual(['P10-APPLICATION', 'P01-CROSS', 'P06-SME-CLOUD', 'P14-DEMO-BASE']);
    // The alias 应用项目 and the id in any case also work.
    const rows = [
      ['X1', 'n', CODE_A, 'c', '', '应用项目', '2019', '100', '', '', '', '80'],
      ['X2', 'n', CODE_A, 'c', '', 'p10-application', '2019', '100', '', '', '', '80'],
      ['X3', 'n', CODE_A, 'c', '', ' 工业互联网应用项目 ', '2019', '100', '', '', '', '80'],
    ];
    const r2 = read(csvText(ZH_HEADER, rows));
    expect(resolveApplications(r2.records, policy, r2.source).applications.map((a) => a.measureId)).toEqual([
      'P10-APPLICATION', 'P10-APPLICATION', 'P10-APPLICATION',
    ]);
  });

  it('an unknown measure is an issue naming the nearest measure', () => {
    const rows = [
      ['X1', 'n', CODE_A, 'c', '', '工业互联网应用项木', '2019', '100', '', '', '', '80'],
      ['X2', 'n', CODE_A, 'c', '', 'P01-CROS', '2019', '100', '', '', '', '80'],
    ];
    const r = read(csvText(ZH_HEADER, rows), 'm.csv');
    const res = resolveApplications(r.records, policy, r.source);
    expect(res.applications).toEqual([]);
    expect(res.issues).toHaveLength(2);
    expect(res.issues[0]).toMatchObject({ file: 'm.csv', row: 2, column: '申报类别', found: '"工业互联网应用项木"' });
    expect(res.issues[0]!.expected).toContain('nearest: P10-APPLICATION 工业互联网应用项目');
    expect(res.issues[1]!.expected).toContain('nearest: P01-CROSS');
    expect(formatIssue(res.issues[0]!)).toBe(
      'm.csv:2:申报类别: expected a measure of policy shenzhen-iiot-2018 (nearest: P10-APPLICATION 工业互联网应用项目), found "工业互联网应用项木"',
    );
  });
});

// ---------------------------------------------------------------------------------------
describe('errors name file, row and column, all at once', () => {
  it('several bad cells give ONE InputError listing every one, in spreadsheet rows (header = 1)', () => {
    const good = (id: string) => [id, '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '100', '', '', '', '80'];
    const rows = [
      good('OK-1'), // row 2
      ['B-1', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '12a', '', '', '', '80'], // row 3: non-numeric amount
      ['B-2', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '100', '', '', '', '120'], // row 4: score 120
      ['B-3', '项目', CODE_A, '企业', '南山区', '应用项目', '', '100', '', '', '', '80'], // row 5: missing year
      ['', '项目', CODE_A, '企业', '南山区', '应用项目', '2019', '100', '', '', '', '80'], // row 6: empty project id
      ['B-5', '项目', CODE_A, '企业', '南山区', '应用项目', '19年', '1百', '', '', '', '-1'], // row 7: three at once
      good('OK-2'), // row 8
    ];
    let error: unknown;
    try {
      read(csvText(ZH_HEADER, rows), 'data/bad.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.issues.map((i) => [i.file, i.row, i.column, i.found])).toEqual([
      ['data/bad.csv', 3, '总投资（万元）', '"12a"'],
      ['data/bad.csv', 4, '评审得分', '"120"'],
      ['data/bad.csv', 5, '年度', 'an empty cell'],
      ['data/bad.csv', 6, '项目编号', 'an empty cell'],
      ['data/bad.csv', 7, '年度', '"19年"'],
      ['data/bad.csv', 7, '总投资（万元）', '"1百"'],
      ['data/bad.csv', 7, '评审得分', '"-1"'],
    ]);
    expect(e.issues[1]!.expected).toBe('a score from 0 to 100');
    expect(e.issues[2]!.expected).toBe('a value for year');
    expect(e.issues[3]!.expected).toBe('a value for project_id');
    expect(e.message.split('\n')).toEqual([
      '7 problems in the input:',
      'data/bad.csv:3:总投资（万元）: expected an amount such as 1234567.89 or 1,234,567.89, found "12a"',
      'data/bad.csv:4:评审得分: expected a score from 0 to 100, found "120"',
      'data/bad.csv:5:年度: expected a value for year, found an empty cell',
      'data/bad.csv:6:项目编号: expected a value for project_id, found an empty cell',
      'data/bad.csv:7:年度: expected a four-digit year such as 2019, found "19年"',
      'data/bad.csv:7:总投资（万元）: expected an amount such as 1234567.89 or 1,234,567.89, found "1百"',
      'data/bad.csv:7:评审得分: expected a score from 0 to 100, found "-1"',
    ]);
  });

  it('rows count as a spreadsheet counts them: blank lines and multi-line cells', () => {
    const text = ZH_HEADER.join(',') + '\n'
      + '\n' // row 2: blank, skipped
      + 'A,"两行\n名称",x,c,,应用项目,2019,100,,,,80\n' // row 3, spans two lines
      + 'B,n,x,c,,应用项目,2019,100,,,,999\n'; // row 4
    const issues = inputIssues(() => read(text, 'rows.csv'));
    expect(issues).toEqual([{ file: 'rows.csv', row: 4, column: '评审得分', expected: 'a score from 0 to 100', found: '"999"' }]);
  });

  it('years: 2019年 and full-width digits are accepted', () => {
    const rows = [
      ['A', 'n', CODE_A, 'c', '', '应用项目', '2019年', '100', '', '', '', '80'],
      ['B', 'n', CODE_A, 'c', '', '应用项目', '２０１９', '100', '', '', '', '80'],
    ];
    expect(read(csvText(ZH_HEADER, rows)).records.map((r) => r.year)).toEqual([2019, 2019]);
  });

  it('missing required columns are all listed, with the header row', () => {
    const drop = new Set(['评审得分', '年度']);
    const header = ZH_HEADER.filter((h) => !drop.has(h));
    const rows = ZH_ROWS.map((r) => r.filter((_, i) => !drop.has(ZH_HEADER[i]!)));
    const issues = inputIssues(() => read(csvText(header, rows), 'cols.csv'));
    expect(issues.map((i) => [i.file, i.row, i.column])).toEqual([['cols.csv', 1, 'year'], ['cols.csv', 1, 'score']]);
    expect(issues[1]!.expected).toContain('评审得分');
    expect(issues[1]!.found).toContain('"项目编号"');
  });

  it('optional columns may be missing (district, base, requested, upper funding)', () => {
    const keep = ['项目编号', '项目名称', '统一社会信用代码', '企业名称', '申报类别', '年度', '总投资（万元）', '评审得分'];
    const r = read(csvText(keep, [['A', 'n', CODE_A, 'c', '应用项目', '2019', '10', '80']]));
    expect(plain(r.records[0]!)).toMatchObject({ district: '', eligibleBase: null, requested: null, upperFunding: null, totalInvestment: '100000' });
  });

  it('two columns for one field is an error naming both', () => {
    const header = [...ZH_HEADER, 'project_name'];
    const issues = inputIssues(() => read(csvText(header, [[...ZH_ROWS[0]!, 'again']]), 'dup.csv'));
    expect(issues).toEqual([{ file: 'dup.csv', row: 1, column: 'project_name', expected: 'one column for project_name', found: 'a second one (first: "项目名称")' }]);
  });

  it('a row with more cells than the header is an error for that row', () => {
    const text = csvText(ZH_HEADER, [ZH_ROWS[0]!, [...ZH_ROWS[1]!, 'surplus']]);
    const issues = inputIssues(() => read(text, 'wide.csv'));
    expect(issues).toEqual([{ file: 'wide.csv', row: 3, expected: '12 cells as in the header', found: '13 cells' }]);
  });

  it('duplicate project ids: resolveApplications names the later row and the earlier one', () => {
    const rows = [ZH_ROWS[0]!, ZH_ROWS[1]!, [...ZH_ROWS[2]!], [...ZH_ROWS[3]!]];
    rows[3]![0] = 'SZ2019-001';
    const r = read(csvText(ZH_HEADER, rows), 'ids.csv');
    const res = resolveApplications(r.records, policy, r.source);
    expect(res.issues).toEqual([
      { file: 'ids.csv', row: 5, column: '项目编号', expected: 'a unique project id (row 2 has the same)', found: '"SZ2019-001"' },
    ]);
  });

  it('an unclosed quote is one error, not a silently merged record', () => {
    const text = csvText(ZH_HEADER, ZH_ROWS.slice(0, 1)) + 'SZ2019-009,"未闭合的引号,x,c,,应用项目,2019,100,,,,80\n';
    const issues = inputIssues(() => read(text, 'quote.csv'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'quote.csv', row: 3, expected: 'well-formed CSV' });
    expect(issues[0]!.found).toBe('a quote that is never closed');
  });

  it('an unclosed quote mid-file is reported at the row where it opens, not where the file ends', () => {
    const text = csvText(ZH_HEADER, ZH_ROWS.slice(0, 1)) + 'SZ2019-009,"未闭合的引号,x,c,,应用项目,2019,100,,,,80\n' + 'SZ2019-010,b,x,c,,应用项目,2019,100,,,,80\n'.repeat(5);
    const issues = inputIssues(() => read(text, 'quote.csv'));
    expect(issues).toEqual([{ file: 'quote.csv', row: 3, expected: 'well-formed CSV', found: 'a quote that is never closed' }]);
  });

  it('a stray character after a closing quote is a CSV error with its row', () => {
    const text = csvText(ZH_HEADER, ZH_ROWS.slice(0, 1)) + 'SZ2019-009,"名称"x,x,c,,应用项目,2019,100,,,,80\n';
    const issues = inputIssues(() => read(text, 'quote.csv'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'quote.csv', row: 3, expected: 'well-formed CSV' });
    expect(issues[0]!.found).toMatch(/^invalid closing quote/i);
  });

  it('a binary file (NUL bytes) is refused with the offset', () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]); // a zip (xlsx) header
    const issues = inputIssues(() => parseApplicationsCsv(bytes, 'book.xlsx'));
    expect(issues).toEqual([{ file: 'book.xlsx', expected: 'a CSV text file in UTF-8 or GB18030', found: 'a binary file (NUL byte at offset 5)' }]);
  });

  it('bytes that are neither UTF-8 nor GB18030 are refused', () => {
    // 0xFF is never valid in UTF-8, and is not a GB18030 byte either.
    const bytes = new Uint8Array([...Buffer.from('项目编号,score\n', 'utf8'), 0xff, 0xfe, 0xff, 0x0a]);
    const issues = inputIssues(() => parseApplicationsCsv(bytes, 'junk.csv'));
    expect(issues).toEqual([{ file: 'junk.csv', expected: 'a CSV text file in UTF-8 or GB18030', found: 'bytes that are neither UTF-8 nor GB18030 text' }]);
    const ffs = new Uint8Array(64).fill(0xff);
    expect(inputIssues(() => parseApplicationsCsv(ffs, 'ff.bin'))[0]!.found).toBe('bytes that are neither UTF-8 nor GB18030 text');
  });

  it('a UTF-8 BOM followed by invalid UTF-8 is refused (not reinterpreted as GB18030)', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...iconv.encode('项目编号\n', 'gb18030')]);
    const issues = inputIssues(() => parseApplicationsCsv(bytes, 'bom.csv'));
    expect(issues[0]!.found).toBe('bytes that are not valid utf-8');
  });

  it('an empty file and a header-only file', () => {
    expect(inputIssues(() => read('', 'e.csv'))).toEqual([{ file: 'e.csv', row: 1, expected: 'a header row naming the columns', found: 'an empty file' }]);
    expect(inputIssues(() => read(ZH_HEADER.join(',') + '\n', 'h.csv'))).toEqual([
      { file: 'h.csv', row: 2, expected: 'at least one application row', found: 'none' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------
describe('unified social credit code (GB 32100) check character', () => {
  it('the independent implementation accepts the codes of the bundled demo file', () => {
    expect(CODE_A).toHaveLength(18);
    // The demo file's codes were generated with valid check characters.
    const demo = readFileSync(fileURLToPath(new URL('../scenarios/shenzhen-2019/applications.csv', import.meta.url)), 'utf8')
      .split(/\r?\n/).slice(1, 30).filter(Boolean).map((l) => l.split(',')[2]!);
    for (const code of demo) expect(code[17]).toBe(checkChar(code.slice(0, 17)));
  });

  it('src agrees with the independent computation on random codes', () => {
    const ch = fc.constantFrom(...GB32100_ALPHABET);
    fc.assert(
      fc.property(fc.array(ch, { minLength: 17, maxLength: 17 }), (cs) => {
        const first17 = cs.join('');
        expect(creditCodeCheckChar(first17)).toBe(checkChar(first17));
        expect(creditCodeProblem(validCode(first17))).toBeUndefined();
        expect(creditCodeProblem(wrongCode(first17))).toContain(`check character is ${checkChar(first17)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('a wrong check character is a warning, not an error; valid, short and foreign ids pass', () => {
    const bad = wrongCode('91440300MA5ABCDE1');
    const rows = [
      ['C1', 'n', CODE_A, 'c', '', '应用项目', '2019', '100', '', '', '', '80'],
      ['C2', 'n', bad, 'c', '', '应用项目', '2019', '100', '', '', '', '80'],
      ['C3', 'n', CODE_A.toLowerCase(), 'c', '', '应用项目', '2019', '100', '', '', '', '80'],
      ['C4', 'n', '12345678-9', 'c', '', '应用项目', '2019', '100', '', '', '', '80'],
      ['C5', 'n', '91440300MA5ABCDEIO', 'c', '', '应用项目', '2019', '100', '', '', '', '80'],
    ];
    const r = read(csvText(ZH_HEADER, rows), 'codes.csv');
    const res = resolveApplications(r.records, policy, r.source);
    expect(res.issues).toEqual([]);
    expect(res.applications).toHaveLength(5);
    expect(res.warnings).toEqual([
      { file: 'codes.csv', row: 3, column: '统一社会信用代码', expected: `a unified social credit code whose check character is ${CODE_A[17]} (GB 32100)`, found: JSON.stringify(bad) },
      { file: 'codes.csv', row: 6, column: '统一社会信用代码', expected: expect.stringContaining('without I, O, S, V, Z'), found: '"91440300MA5ABCDEIO"' },
    ]);
  });
});
