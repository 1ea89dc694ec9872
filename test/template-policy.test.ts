/**
 * `fundplan template --policy FILE` for a policy with attributes: a column per attribute after
 * the standard ones, drop-downs of an enum's values in the .xlsx (inline, or on a hidden sheet
 * when Excel cannot take the list inline), an example row that validate accepts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runTemplate } from '../src/commands/template.js';
import { runValidate } from '../src/commands/validate.js';
import { readApplicationsFile } from '../src/io/applications.js';
import { xlsxBytes } from '../src/io/xlsx-write.js';
import { readZipDirectory, readZipEntry } from '../src/io/zip.js';
import { fixture, removeFixtures } from './helpers/cli-fixtures.js';
import { SHAPES_POLICY } from './helpers/policy-shapes.js';

afterAll(removeFixtures);

/** A part of an .xlsx as text. */
function part(bytes: Uint8Array, name: string): string {
  const entry = readZipDirectory(bytes, 100).get(name);
  if (!entry) throw new Error(`no ${name}`);
  return readZipEntry(bytes, entry, 1 << 30).toString('utf8');
}

/** The children of <worksheet> in CT_Worksheet's order (ECMA-376 Part 1, 18.3.1.99), those fundplan writes. */
const WORKSHEET_ORDER = ['sheetPr', 'dimension', 'sheetViews', 'sheetFormatPr', 'cols', 'sheetData', 'autoFilter', 'mergeCells', 'dataValidations', 'printOptions', 'pageMargins', 'pageSetup', 'headerFooter'];
const inOrder = (xml: string) => {
  const at = WORKSHEET_ORDER.map((name) => xml.search(new RegExp(`<${name}[ />]`))).filter((p) => p >= 0);
  return at.join() === [...at].sort((a, b) => a - b).join();
};

const ATTRIBUTE_HEADERS_ZH = ['企业规模', '认定级别', '星级', '建成日期', '产品编号', '职工人数'];

function writePolicy(dir: string, policy: unknown = SHAPES_POLICY): string {
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

describe('fundplan template --policy with attributes', () => {
  it('CSV and .xlsx, zh and en: the attribute columns after the standard ones, an example row validate accepts', async () => {
    const f = fixture();
    const policy = writePolicy(f.dir);
    for (const [xlsx, lang] of [[false, 'zh'], [true, 'zh'], [false, 'en'], [true, 'en']] as const) {
      const out = join(f.dir, `t-${lang}.${xlsx ? 'xlsx' : 'csv'}`);
      const outcome = await runTemplate({ xlsx, lang, out, policy, year: 2024 });
      expect(outcome.text).toContain(lang === 'zh' ? '企业规模、认定级别' : 'size, level');
      const read = readApplicationsFile(readFileSync(out), out);
      const r = read.records[0]!;
      // The standard columns, then the attributes (columns the reader does not know itself: `extra`, in order).
      expect(Object.keys(r.extra)).toEqual(lang === 'zh' ? ATTRIBUTE_HEADERS_ZH : ['size', 'level', 'star', 'completed', 'product', 'staff']);
      expect(read.source.headers.project_id).toBe(lang === 'zh' ? '项目编号' : 'project_id');
      if (!xlsx) expect(readFileSync(out, 'utf8').split('\r\n')[0]!.endsWith(`评审得分,${ATTRIBUTE_HEADERS_ZH.join(',')}`)).toBe(lang === 'zh');
      // The example (the first measure) meets its conditions: investment at the threshold, a date in the window, a small company.
      const at = (h: string) => r.extra[h];
      expect([at(lang === 'zh' ? '企业规模' : 'size'), at(lang === 'zh' ? '建成日期' : 'completed'), at(lang === 'zh' ? '认定级别' : 'level')]).toEqual(['小型', '2022-07-01', '国家级']);
      expect(r.totalInvestment?.toString()).toBe('30000000');
      const report = await runValidate({ target: out, policy });
      expect(report.errors, `${lang} ${xlsx}`).toEqual([]);
      expect(report.applications).toBe(1);
    }
  });

  it('the .xlsx: each enum column has a drop-down of its values (strict), after the measures list, in schema order', async () => {
    const f = fixture();
    const out = join(f.dir, 't.xlsx');
    await runTemplate({ xlsx: true, lang: 'zh', out, policy: writePolicy(f.dir), year: 2024 });
    const bytes = readFileSync(out);
    const xml = part(bytes, 'xl/worksheets/sheet1.xml');
    expect(inOrder(xml)).toBe(true);
    // Standard columns A–L, then 企业规模 M, 认定级别 N, 星级 O; the date, text and number columns have none.
    expect(xml).toContain('<dataValidations count="4">');
    expect(xml).toMatch(/<dataValidation type="list" allowBlank="1" showErrorMessage="1" error="企业规模须为列表中的值" showInputMessage="1" prompt="[^"]*" sqref="M2:M2000"><formula1>&quot;大型,中型,小型,微型&quot;<\/formula1><\/dataValidation>/);
    expect(xml).toContain('sqref="N2:N2000"><formula1>&quot;国家级,省级&quot;</formula1>');
    expect(xml).toContain('sqref="O2:O2000"><formula1>&quot;三星,四星,五星&quot;</formula1>');
    expect(xml).not.toMatch(/sqref="[PQR]2/);
    expect(xml).toMatch(/showErrorMessage="0"[^>]*sqref="F2:F2000"><formula1>'填表说明'!\$B\$\d+:\$B\$\d+<\/formula1>/);
    // No list needed a hidden sheet.
    expect(part(bytes, 'xl/workbook.xml')).not.toContain('state="hidden"');
    // The instructions sheet explains the attribute columns.
    const help = part(bytes, 'xl/worksheets/sheet2.xml');
    expect(help).toContain('企业规模：从列表选择（大型、中型、小型、微型）');
    expect(help).toContain('建成日期（日期，如 2022-07-01 或 2022年7月1日）');
  });

  it('a list Excel cannot take inline (over 255 characters, or a value with a comma) goes on a hidden sheet; the template still validates', async () => {
    const f = fixture();
    const long = Array.from({ length: 40 }, (_, i) => `第${i + 1}类细分行业名称`);
    const policy = structuredClone(SHAPES_POLICY) as typeof SHAPES_POLICY & { attributes: { values?: string[] }[] };
    policy.attributes[0]!.values = ['大型', '中型', '小型', '微型', ...long];
    policy.attributes[2]!.values = ['三星', '四星', '五星,特级'];
    (policy.measures[2]!.rules as unknown[])[1] = { type: 'bonus', field: 'star', amounts: { 三星: '1万', '五星,特级': '5万' } };
    expect(policy.attributes[0]!.values!.join(',').length).toBeGreaterThan(255);
    const out = join(f.dir, 't.xlsx');
    await runTemplate({ xlsx: true, lang: 'zh', out, policy: writePolicy(f.dir, policy), year: 2024 });
    const bytes = readFileSync(out);
    const workbook = part(bytes, 'xl/workbook.xml');
    expect(workbook).toContain('<sheet name="lists" sheetId="3" state="hidden" r:id="rId3"/>');
    const xml = part(bytes, 'xl/worksheets/sheet1.xml');
    expect(xml).toContain(`sqref="M2:M2000"><formula1>'lists'!$A$1:$A$44</formula1>`);
    expect(xml).toContain('sqref="N2:N2000"><formula1>&quot;国家级,省级&quot;</formula1>');
    expect(xml).toContain(`sqref="O2:O2000"><formula1>'lists'!$B$1:$B$3</formula1>`);
    const lists = part(bytes, 'xl/worksheets/sheet3.xml');
    expect(lists).toContain('<c r="A44" s="0" t="inlineStr"><is><t>第40类细分行业名称</t></is></c>');
    expect(lists).toContain('<c r="B3" s="0" t="inlineStr"><is><t>五星,特级</t></is></c>');
    expect(inOrder(lists)).toBe(true);
    // The first visible sheet is still the one read.
    const report = await runValidate({ target: out, policy: join(f.dir, 'policy.json') });
    expect(report.errors).toEqual([]);
    expect(report.applications).toBe(1);
  });

  it('xlsx-write: quotes in an inline list are doubled and XML-escaped; a sheet name taken by the workbook moves the hidden one', () => {
    const bytes = xlsxBytes([
      { name: 'lists', columns: [{ width: 10 }], rows: [['x']], lists: [{ sqref: 'A2:A9', values: ['say "hi"', 'a&b'] }, { sqref: 'B2:B9', values: ['x,y'] }] },
    ]);
    const xml = part(bytes, 'xl/worksheets/sheet1.xml');
    expect(xml).toContain('<formula1>&quot;say &quot;&quot;hi&quot;&quot;,a&amp;b&quot;</formula1>');
    expect(xml).toContain(`<formula1>'lists2'!$A$1:$A$1</formula1>`);
    expect(part(bytes, 'xl/workbook.xml')).toContain('<sheet name="lists2" sheetId="2" state="hidden" r:id="rId2"/>');
  });
});

/** A program on the PATH, or null. */
const soffice = spawnSync('soffice', ['--version'], { encoding: 'utf8', timeout: 60_000 }).status === 0 ? 'soffice' : null;

// LibreOffice is large: CI does not install it, and this test skips without it.
describe.skipIf(!soffice)('the template saved again by LibreOffice', () => {
  it('keeps the drop-downs, inline and on the hidden sheet, and still validates', async () => {
    const f = fixture();
    const policy = writePolicy(f.dir);
    const out = join(f.dir, 'template.xlsx');
    await runTemplate({ xlsx: true, lang: 'zh', out, policy, year: 2024 });
    const long = structuredClone(SHAPES_POLICY) as typeof SHAPES_POLICY & { attributes: { values?: string[] }[] };
    long.attributes[0]!.values = ['大型', '中型', '小型', '微型', ...Array.from({ length: 40 }, (_, i) => `第${i + 1}类细分行业名称`)];
    const longPolicy = join(f.dir, 'long.json');
    writeFileSync(longPolicy, JSON.stringify(long));
    const longOut = join(f.dir, 'long.xlsx');
    await runTemplate({ xlsx: true, lang: 'zh', out: longOut, policy: longPolicy, year: 2024 });
    const again = join(f.dir, 'again');
    const convert = spawnSync(
      soffice!,
      [`-env:UserInstallation=${pathToFileURL(join(f.dir, 'profile')).href}`, '--headless', '--norestore', '--convert-to', 'xlsx', '--outdir', again, out, longOut],
      { encoding: 'utf8', timeout: 180_000 },
    );
    expect(convert.status, convert.stderr).toBe(0);
    const saved = join(again, 'template.xlsx');
    const xml = part(readFileSync(saved), 'xl/worksheets/sheet1.xml');
    // LibreOffice writes its own attributes and cuts the range to the rows it keeps.
    expect(xml).toMatch(/<dataValidation [^>]*sqref="M2:M\d+"[^>]*><formula1>&quot;大型,中型,小型,微型&quot;<\/formula1>/);
    expect(xml).toMatch(/<dataValidation [^>]*sqref="O2:O\d+"[^>]*><formula1>&quot;三星,四星,五星&quot;<\/formula1>/);
    const report = await runValidate({ target: saved, policy });
    expect(report.errors).toEqual([]);
    expect(report.applications).toBe(1);
    const savedLong = readFileSync(join(again, 'long.xlsx'));
    expect(part(savedLong, 'xl/workbook.xml')).toMatch(/<sheet name="lists" [^>]*state="hidden"/);
    expect(part(savedLong, 'xl/worksheets/sheet1.xml')).toMatch(/<dataValidation [^>]*sqref="M2:M\d+"[^>]*><formula1>'?lists'?!\$A\$1:\$A\$44<\/formula1>/);
    const longReport = await runValidate({ target: join(again, 'long.xlsx'), policy: longPolicy });
    expect(longReport.errors).toEqual([]);
  }, 240_000);
});
