/**
 * `fundplan policy`: the policy as the table a person checks against the document — for the
 * bundled Shenzhen policy and for a small policy of every shape, in Chinese and English, as
 * plain text and Markdown; the same table in report.html's appendix (escaped) and on the
 * workbook's 参数 sheet.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../src/model/policy.js';
import { policyTable, policyTableText, type PolicyTable } from '../src/report/policy-table.js';
import { displayWidth } from '../src/io/xlsx-write.js';
import { READ_LIMITS } from '../src/io/bounds.js';
import { readXlsxTable } from '../src/io/xlsx.js';
import { POLICY, baseScenario, fixture, removeFixtures, run } from './helpers/cli-fixtures.js';
import { SHAPES_POLICY } from './helpers/policy-shapes.js';

afterAll(removeFixtures);

const SHENZHEN = parsePolicy(JSON.parse(readFileSync(POLICY, 'utf8')), POLICY);
const SHAPES = parsePolicy(SHAPES_POLICY, 'shapes.json');

/** The rows of a section, keyed by the cell of column `key` (the measure id by default). */
function rowsOf(t: PolicyTable, section: string, key = 1): Map<string, Record<string, string>> {
  const s = t.sections.find((x) => x.id === section);
  if (!s) throw new Error(`no section ${section}`);
  return new Map(s.rows.map((r) => [r[key]!, Object.fromEntries(s.header.map((h, i) => [h, r[i]!]))]));
}

describe('the table of the bundled Shenzhen policy', () => {
  it('zh: a row per measure with its clause, base, rate, caps and matching rule; columns no measure uses are left out', () => {
    const t = policyTable(SHENZHEN, 'zh');
    expect(t.title).toBe('深圳市关于加快工业互联网发展的若干措施（shenzhen-iiot-2018，深府办规〔2018〕7号）');
    expect(t.sections.map((s) => s.id)).toEqual(['measures']);
    const s = t.sections[0]!;
    expect(s.header).toEqual(['条款', '类别编号', '申报类别', '资助基数', '资助比例或分档', '单项最高', '每家每年最高', '配套规则']);
    expect(s.rows).toHaveLength(SHENZHEN.measures.length);
    const rows = rowsOf(t, 'measures');
    expect(rows.get('P01-CROSS')).toEqual({ 条款: '（一）', 类别编号: 'P01-CROSS', 申报类别: '跨行业跨领域工业互联网平台', 资助基数: '平台建设总投入', 资助比例或分档: '30%', 单项最高: '3000万元', 每家每年最高: '', 配套规则: '' });
    expect(rows.get('P05-ROLLOUT')).toMatchObject({ 资助比例或分档: '30%', 单项最高: '50万元', 每家每年最高: '200万元' });
    expect(rows.get('P06-SME-CLOUD')).toMatchObject({ 资助比例或分档: '不超过基数', 单项最高: '75万元' });
    expect(rows.get('P03-PLATFORM-SP')).toMatchObject({ 资助基数: '', 单项最高: '200万元', 每家每年最高: '200万元' });
    expect(rows.get('P14-DEMO-BASE')!.配套规则).toBe('按上级资助 1:1 配套\n各级合计不超过总投资的 50%\n上级未明确金额的最高 500万元');
  });

  it('en: names, bases and amounts in English and yuan', () => {
    const rows = rowsOf(policyTable(SHENZHEN, 'en'), 'measures');
    expect(rows.get('P01-CROSS')).toMatchObject({ Measure: 'Cross-industry, cross-domain IIoT platform', Base: 'platform construction total investment', 'Rate or bands': '30%', 'Project cap': '¥30,000,000' });
    expect(rows.get('P06-SME-CLOUD')!['Rate or bands']).toBe('at most the base');
    expect(rows.get('P14-DEMO-BASE')!.Matching).toBe('1:1 match of the upper-level grant\nall levels at most 50% of total investment\nno upper-level amount stated: at most ¥5,000,000');
  });
});

describe('the table of a policy of every shape', () => {
  const zh = policyTable(SHAPES, 'zh');
  const en = policyTable(SHAPES, 'en');

  it('measures: bands (whole and marginal), tiers, bonus, conditions in words, matching', () => {
    expect(zh.sections.map((s) => s.id)).toEqual(['measures', 'joint-caps', 'shares', 'annual-cap', 'attributes']);
    expect(zh.sections[0]!.header).toEqual(['条款', '类别编号', '申报类别', '资助基数', '资助比例或分档', '单项最高', '每家每年最高', '按级别定额', '另奖励', '申报条件', '配套规则']);
    const rows = rowsOf(zh, 'measures');
    const retrofit = rows.get('W01-RETROFIT')!;
    expect(retrofit.申报条件).toBe('总投资不低于3000万元\n建成日期在 2022-07-01 至 2023-06-30 之间\n企业规模为 小型、微型 之一');
    expect(retrofit.资助比例或分档).toBe('全额按所在档计算：\n1000万元以下 12%\n1000万元（含）以上 10%');
    expect([retrofit.单项最高, retrofit.每家每年最高]).toEqual(['500万元', '800万元']);
    expect(rows.get('W02-CLOUD')!.资助比例或分档).toBe('超额分段计算：\n1万元—5万元部分 75%\n5万元以上部分 25%');
    const centre = rows.get('W03-CENTRE')!;
    expect(centre.按级别定额).toBe('按认定级别：\n国家级 100万元\n省级 50万元');
    expect(centre.另奖励).toBe('按星级另奖：\n三星 1万元\n四星 3万元\n五星 5万元');
    expect(centre.申报条件).toBe('职工人数不高于300');
    expect(rows.get('W04-MATCH')!.配套规则).toContain('各级合计不超过总投资的 50%');

    const enRows = rowsOf(en, 'measures');
    expect(enRows.get('W01-RETROFIT')!.Conditions).toBe('total investment at least ¥30,000,000\ncompletion date from 2022-07-01 to 2023-06-30\ncompany size one of 小型, 微型');
    expect(enRows.get('W02-CLOUD')!['Rate or bands']).toBe('marginal, each part at its rate:\n¥10,000–¥50,000: 75%\nabove ¥50,000: 25%');
    expect(enRows.get('W03-CENTRE')!.Tiers).toBe('by recognition level:\n国家级: ¥1,000,000\n省级: ¥500,000');
  });

  it('joint caps, shares, the annual cap with its exemptions, the attributes with their values', () => {
    const joint = rowsOf(zh, 'joint-caps');
    expect(joint.get('J-FIRST-SET')).toEqual({ 条款: '第五条（六）', 编号: 'J-FIRST-SET', 名称: '首台套研制与使用合计', 合计的类别: 'W06-MAKER 首台套研制\nW06-USER 首台套使用', 合计范围: '产品编号相同的项目', 限额: '500万元' });
    expect(joint.get('J-COMPANY')!.合计范围).toBe('每家企业');
    expect(rowsOf(zh, 'shares').get('S-SMALL')).toMatchObject({ 涉及类别: 'W02-CLOUD 企业上云', 符合条件的项目: '企业规模为 小型、微型 之一', 所占资金比例: '不低于 80%' });
    expect(zh.sections.find((s) => s.id === 'annual-cap')!.rows).toEqual([['第六条', '1000万元', 'W04-MATCH 配套资助']]);
    const attributes = rowsOf(zh, 'attributes', 0);
    expect(attributes.get('size')).toEqual({ 编号: 'size', 名称: '企业规模', 类型: '选项', 可填的值: '大型、中型、小型、微型' });
    expect(attributes.get('completed')).toEqual({ 编号: 'completed', 名称: '建成日期', 类型: '日期', 可填的值: '' });
    expect(rowsOf(en, 'joint-caps').get('J-FIRST-SET')!.Per).toBe('per product id');
    expect(rowsOf(en, 'shares').get('S-SMALL')!['Their share of the money']).toBe('at least 80%');
    expect(en.sections.find((s) => s.id === 'annual-cap')!.rows[0]).toEqual(['第六条', '¥10,000,000', 'W04-MATCH Matching']);
  });

  it('plain text: columns aligned by display width (CJK counts two), a cell of several lines on several lines', () => {
    const text = policyTableText(zh);
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('条款  ') && l.includes('类别编号'))!;
    const column = (line: string, cell: string) => displayWidth(line.slice(0, line.indexOf(cell)));
    for (const id of ['W01-RETROFIT', 'W02-CLOUD', 'W06-USER']) {
      const line = lines.find((l) => l.includes(`  ${id}  `))!;
      expect(column(line, id)).toBe(column(header, '类别编号'));
    }
    const first = lines.findIndex((l) => l.includes('W01-RETROFIT'));
    expect(lines[first]).toContain('总投资不低于3000万元');
    expect(lines[first + 1]).toContain('建成日期在 2022-07-01 至 2023-06-30 之间');
    expect(column(lines[first + 1]!, '建成日期')).toBe(column(header, '申报条件'));
    expect(text).toContain('企业年度限额');
  });
});

describe('fundplan policy', () => {
  it('prints the table; --lang en; --md writes it as Markdown with every text escaped', async () => {
    const f = fixture();
    const file = join(f.dir, 'shapes.json');
    writeFileSync(file, JSON.stringify(SHAPES_POLICY));
    const zh = await run(['policy', file]);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain('新形态测试政策（shapes-2024，测试〔2024〕1号）');
    expect(zh.stdout).toContain('企业规模为 小型、微型 之一');
    const md = join(f.dir, 'policy.md');
    const en = await run(['policy', file, '--lang', 'en', '--md', md]);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('company size one of 小型, 微型');
    const text = readFileSync(md, 'utf8');
    expect(text.startsWith('# A policy of every shape (shapes-2024, 测试〔2024〕1号)\n')).toBe(true);
    expect(text).toContain('## Joint caps');
    expect(text).toContain('| Clause | Measure id | Measure | Base | Rate or bands |');
    expect(text).toContain('| 第三条（一） | W01-RETROFIT | Retrofit \\<b\\>bold\\</b\\> | equipment investment | the whole base at its band\'s rate:<br>below ¥10,000,000: 12%<br>¥10,000,000 and above: 10% |');
    expect(text).not.toContain('<b>');
  });

  it('a bad policy file: every problem listed with its path, exit 1', async () => {
    const f = fixture();
    const file = join(f.dir, 'bad.json');
    const bad = structuredClone(SHAPES_POLICY) as unknown as { measures: { rules: Record<string, unknown>[] }[]; jointCaps: Record<string, unknown>[] };
    bad.measures[2]!.rules[0]!.field = 'nope';
    bad.jointCaps[0]!.per = 'colour';
    writeFileSync(file, JSON.stringify(bad));
    const r = await run(['policy', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('输入有 2 处问题');
    expect(r.stderr).toContain('measures[2].rules[0].field: expected the id of an "enum" attribute');
    expect(r.stderr).toContain('jointCaps[0].per: expected "company" or an attribute id');
  });
});

describe('the same table in report.html and on the 参数 sheet', () => {
  const f = fixture({ scenario: { ...baseScenario(), policy: 'policy.json' } });
  beforeAll(async () => {
    // The bundled policy with markup in a measure's name (its old name kept as an alias, as the applications use it).
    const policy = JSON.parse(readFileSync(POLICY, 'utf8'));
    const p10 = policy.measures.find((m: { id: string }) => m.id === 'P10-APPLICATION');
    p10.aliases.push(p10.name.zh);
    p10.name.zh = '应用<script>alert(1)</script>项目';
    writeFileSync(join(f.dir, 'policy.json'), JSON.stringify(policy));
    const r = await run(['solve', f.scenario, '--out', f.out, '--no-timings']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('report.html: an appendix with the table, listed in the contents, its text escaped', () => {
    const html = readFileSync(join(f.out, 'report.html'), 'utf8');
    expect(html).toContain('<a href="#policy-section">附录：政策参数</a>');
    const appendix = html.slice(html.indexOf('<section id="policy-section">'));
    expect(appendix).toContain('<h2>附录：政策参数</h2>');
    expect(appendix).toContain('<table id="policy-measures" data-testid="policy-measures">');
    expect(appendix).toContain('<td>（十）</td><td>P10-APPLICATION</td><td>应用&lt;script&gt;alert(1)&lt;/script&gt;项目</td>');
    expect(appendix).toContain('<td>按上级资助 1:1 配套<br>各级合计不超过总投资的 50%<br>上级未明确金额的最高 500万元</td>');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('the 参数 sheet: the table below the parameters, a row per measure', () => {
    const sheet = readXlsxTable(readFileSync(join(f.out, 'allocations.xlsx')), 'allocations.xlsx', { sheet: '参数', limits: READ_LIMITS });
    const rows = sheet.table.rows.map((r) => r.cells);
    const title = rows.findIndex((r) => r[0] === '深圳市关于加快工业互联网发展的若干措施（shenzhen-iiot-2018，深府办规〔2018〕7号）');
    expect(title).toBeGreaterThan(rows.findIndex((r) => r[0] === '工具版本'));
    const header = rows.findIndex((r) => r[0] === '条款' && r[1] === '类别编号');
    expect(header).toBeGreaterThan(title);
    expect(rows.slice(header + 1).find((r) => r[1] === 'P10-APPLICATION')!.slice(0, 6)).toEqual(['（十）', 'P10-APPLICATION', '应用<script>alert(1)</script>项目', '实际总投入', '30%', '300万元']);
    expect(rows.find((r) => r[1] === 'P14-DEMO-BASE')!.at(-1)).toBe('按上级资助 1:1 配套\n各级合计不超过总投资的 50%\n上级未明确金额的最高 500万元');
  });
});
