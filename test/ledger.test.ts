/**
 * The commitments ledger: written (commitments.csv, the 拨付台账 sheet) and read back as
 * fundplan wrote it, as a bureau edits it in Excel, and as other tools save it (GB18030,
 * 万元 headers); every problem of a bad ledger in one InputError naming row and column.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { InputIssue } from '../src/errors.js';
import { xlsxBytes } from '../src/io/xlsx-write.js';
import { D } from '../src/money.js';
import { COMMITMENT_COLUMNS, COMMITMENT_HEADERS_ZH, resolveLedgerMeasures, type Commitment, type LedgerEntry } from '../src/model/ledger.js';
import { readCommitmentsFile } from '../src/pipeline/ledger.js';
import { commitmentsCsv, commitmentsSheet, commitmentTable } from '../src/report/commitments.js';
import { yuanText } from '../src/report/fen.js';
import { tableRows } from '../src/report/text-table.js';
import { CODES, issuesOf } from './helpers/workbooks.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

function commitment(projectId: string, installment: number, fields: Partial<Commitment> = {}): Commitment {
  return {
    projectId, projectName: `项目${projectId}`, companyId: CODES[0]!, companyName: '深圳市某某科技有限公司', measureId: 'P10-APPLICATION',
    approvedYear: 2019, grant: new D('1000000'), installment, dueYear: 2018 + installment, amount: new D('0'), status: 'planned', ...fields,
  };
}

/** Two projects, given out of order: 40/30/30% of 1,000,000.01 (the last takes the fen) and a half/half of 3,000,000. */
const LEDGER: readonly Commitment[] = [
  commitment('P2', 2, { companyId: CODES[1]!, companyName: '+86 Trading', measureId: 'P7-PLATFORM', grant: new D('3000000'), amount: new D('1500000'), dueYear: 2020 }),
  commitment('P1', 3, { grant: new D('1000000.01'), amount: new D('300000.01'), status: 'paid' }),
  commitment('P1', 1, { grant: new D('1000000.01'), amount: new D('400000') }),
  commitment('P2', 1, { companyId: CODES[1]!, companyName: '+86 Trading', measureId: 'P7-PLATFORM', grant: new D('3000000'), amount: new D('1500000'), dueYear: 2019 }),
  commitment('P1', 2, { grant: new D('1000000.01'), amount: new D('300000'), status: 'cancelled', projectName: '项目P1' }),
].map((c) => (c.projectId === 'P1' ? { ...c, projectName: '=HYPERLINK("http://x","项目")' } : c));

/** A comparable view: Decimals as strings, no source. */
const plain = (c: Commitment | LedgerEntry) => {
  const { source: _, ...rest } = c;
  return { ...rest, grant: c.grant.toFixed(2), amount: c.amount.toFixed(2) };
};
const sorted = (cs: readonly Commitment[]) => [...cs].sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : a.installment - b.installment));
const identity = (t: string) => t;

describe('writing the ledger', () => {
  it('writes commitments.csv with Chinese headers, rows by project then instalment, amounts in yuan with two decimals', () => {
    const text = commitmentsCsv(LEDGER);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(COMMITMENT_COLUMNS.map((c) => COMMITMENT_HEADERS_ZH[c]).join(','));
    expect(lines[1]).toBe(`P1,"'=HYPERLINK(""http://x"",""项目"")",${CODES[0]},深圳市某某科技有限公司,P10-APPLICATION,2019,1000000.01,1,2019,400000.00,planned`);
    expect(lines.slice(1, 6).map((l) => l.split(',').at(-4))).toEqual(['1', '2', '3', '1', '2']);
    expect(lines[4]).toContain(`,'+86 Trading,`);
    expect(lines[6]).toBe('');
    expect(commitmentsCsv(LEDGER, 'en').slice(1).split('\r\n')[0]).toBe(COMMITMENT_COLUMNS.join(','));
    // Same commitments, any order: the same bytes.
    expect(commitmentsCsv([...LEDGER].reverse())).toBe(text);
  });

  it('gives the rows as a table, the columns of few values coded, each field as the commitment has it', () => {
    const table = commitmentTable(LEDGER);
    expect(table.columns.filter((c) => 'codes' in c).length).toBe(5);
    expect(tableRows(table)).toEqual(
      sorted(LEDGER).map((c) => [
        c.projectId, c.projectName, c.companyId, c.companyName, c.measureId,
        String(c.approvedYear), yuanText(c.grant), String(c.installment), String(c.dueYear), yuanText(c.amount), c.status,
      ]),
    );
    expect(tableRows(commitmentTable([]))).toEqual([]);
  });

  it('makes a sheet named 拨付台账 (Commitments in English) with years and instalments as whole numbers and amounts as numbers', () => {
    const zh = commitmentsSheet(LEDGER);
    expect(zh.name).toBe('拨付台账');
    expect(commitmentsSheet(LEDGER, 'en').name).toBe('Commitments');
    expect(zh.rows).toHaveLength(6);
    const numeric = zh.columns.map((c) => c.numeric);
    expect(numeric).toEqual([false, false, false, false, false, true, true, true, true, true, false]);
    expect(zh.columns.map((c) => c.style)).toEqual(['id', 'text', 'id', 'text', 'text', 'int', 'yuan', 'int', 'int', 'yuan', 'text']);
    expect(zh.rows.at(1)!.slice(5, 10)).toEqual(['2019', '1000000.01', '1', '2019', '400000.00']);
    // Text columns hold the text as given and are written neutralised (the workbook read below shows the apostrophe).
    expect(zh.rows.at(1)![1]).toBe('=HYPERLINK("http://x","项目")');
    expect(zh.columns.map((c) => c.neutralise)).toEqual(numeric.map((n) => !n));
  });
});

describe('reading the ledger back', () => {
  it('round trip: what is written reads back the same, in Chinese and in English headers', () => {
    for (const lang of ['zh', 'en'] as const) {
      const read = readCommitmentsFile(utf8(commitmentsCsv(LEDGER, lang)), 'commitments.csv');
      expect(read.encoding).toBe('utf-8-bom');
      expect(read.warnings).toEqual([]);
      expect(read.entries.map((e) => e.source)).toEqual([2, 3, 4, 5, 6].map((row) => ({ file: 'commitments.csv', row })));
      expect(resolveLedgerMeasures(read.entries, identity, 'commitments.csv').map(plain)).toEqual(sorted(LEDGER).map(plain));
    }
  });

  it('reads the workbook sheet after a bureau edits it in Excel: an instalment cancelled (撤销) and one due a year later', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsxBytes([commitmentsSheet(LEDGER)]) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('拨付台账')!;
    expect(ws.getCell('F2').value).toBe(2019);
    expect(ws.getCell('G2').value).toBe(1000000.01);
    expect(ws.getCell('B2').value).toBe('\'=HYPERLINK("http://x","项目")');
    // Row 5 is P2's first instalment; row 6 its second.
    expect(ws.getCell('A5').value).toBe('P2');
    ws.getCell('K5').value = '撤销';
    ws.getCell('I6').value = 2021;
    const edited = new Uint8Array(await wb.xlsx.writeBuffer());
    const read = readCommitmentsFile(edited, '2019/out/allocations.xlsx', { sheet: '拨付台账' });
    expect(read.format).toBe('xlsx');
    const want = sorted(LEDGER).map(plain);
    want[3] = { ...want[3]!, status: 'cancelled' };
    want[4] = { ...want[4]!, dueYear: 2021 };
    expect(resolveLedgerMeasures(read.entries, identity, 'x').map(plain)).toEqual(want);
  });

  it('reads a GB18030 CSV with Chinese headers, * marks, amounts in 万元 and cells such as "150万"', () => {
    const text = [
      '2019年专项资金拨付台账',
      '*项目编号,项目名称,统一社会信用代码,企业名称,类别编号,批准年度,资助总额（万元）,期次,Due_Year,*应拨金额（万元）,状态',
      `P9,某平台项目,${CODES[2]},深圳市某某有限公司,P7-PLATFORM,2019年,300,第1期,２０１９,150万,已拨付`,
      `P9,某平台项目,${CODES[2]},深圳市某某有限公司,P7-PLATFORM,2019,300,2,2021,150.00,  Planned `,
      ',,,,,,,,,,',
    ].join('\r\n');
    const read = readCommitmentsFile(new Uint8Array(iconv.encode(text, 'gb18030')), 'ledger.csv');
    expect(read.encoding).toBe('gb18030');
    expect(read.headers.amount).toBe('*应拨金额（万元）');
    expect(read.entries.map((e) => [e.source.row, e.measure, e.approvedYear, e.grant.toFixed(2), e.installment, e.dueYear, e.amount.toFixed(2), e.status])).toEqual([
      [3, 'P7-PLATFORM', 2019, '3000000.00', 1, 2019, '1500000.00', 'paid'],
      [4, 'P7-PLATFORM', 2019, '3000000.00', 2, 2021, '1500000.00', 'planned'],
    ]);
  });

  it('a ledger with no commitments (a year that funded nothing) writes the header alone and reads back empty', () => {
    const text = commitmentsCsv([]);
    expect(text).toBe('\uFEFF' + COMMITMENT_COLUMNS.map((c) => COMMITMENT_HEADERS_ZH[c]).join(',') + '\r\n');
    expect(readCommitmentsFile(utf8(text), 'c.csv').entries).toEqual([]);
    expect(commitmentsSheet([]).lists).toBeUndefined();
  });

  it('skips a 合计 row with a warning', () => {
    const text = commitmentsCsv(LEDGER) + '合计,,,,,,,,,4000000.01,\r\n';
    const read = readCommitmentsFile(utf8(text), 'c.csv');
    expect(read.entries).toHaveLength(5);
    expect(read.warnings).toEqual([{ file: 'c.csv', row: 7, expected: 'an instalment row', found: 'a total row "合计" (skipped)' }]);
  });
});

describe('a bad ledger: every problem at once, each with row and column', () => {
  const header = COMMITMENT_COLUMNS.map((c) => COMMITMENT_HEADERS_ZH[c]).join(',');
  const issues = (lines: string[]): readonly InputIssue[] => issuesOf(() => readCommitmentsFile(utf8([header, ...lines].join('\n')), 'c.csv'));

  it('names the missing columns', () => {
    const got = issuesOf(() => readCommitmentsFile(utf8('项目编号,项目名称,统一社会信用代码,企业名称,类别编号,批准年度,资助总额,期次,应拨金额\nP1,a,b,c,d,2019,1,1,1'), 'c.csv'));
    expect(got.map((i) => [i.row, i.column])).toEqual([[1, 'due_year'], [1, 'status']]);
    expect(got[0]!.expected).toBe('a column due_year (or 应拨年度 / 拨付年度)');
    expect(got[0]!.found).toContain('"应拨金额"');
  });

  it('cells, agreement within a project, instalment numbers and sums in one InputError', () => {
    const a = CODES[0]!;
    const got = issues([
      // P1: a year with a fraction, a malformed amount, an unknown status.
      `P1,项目一,${a},甲公司,M1,2019.5,100,1,2019,abc,done`,
      // P2: instalments 1 and 1, amounts 60 + 30 ≠ 100; the company name differs on the second row.
      `P2,项目二,${a},乙公司,M1,2019,100,1,2019,60,planned`,
      `P2,项目二,${a},丙公司,M1,2019,100,1,2020,30,paid`,
      // P3: instalment 1.5, a negative amount, due before the approval year, grant differs.
      `P3,项目三,${a},丁公司,M1,2019,100,1.5,2018,-5,planned`,
      `P3,项目三,${a},丁公司,M1,2019,200,2,2020,100,planned`,
      '',
      // P4: empty status.
      `P4,项目四,${a},戊公司,M1,2019,100,1,2019,100,`,
    ]);
    const where = got.map((i) => `${i.row}:${i.column}`);
    expect(where).toEqual([
      '2:批准年度', '2:应拨金额', '2:状态',
      '5:期次', '5:应拨金额',
      '8:状态',
      '5:应拨年度',
      '4:企业名称', '4:期次', '3:应拨金额',
      '6:资助总额',
    ]);
    for (const i of got) {
      expect(i.file).toBe('c.csv');
      expect(i.expected).not.toBe('');
      expect(i.found).not.toBe('');
    }
    const at = (w: string) => got[where.indexOf(w)]!;
    expect(at('2:批准年度')).toMatchObject({ expected: 'a four-digit year such as 2019', found: '"2019.5"' });
    expect(at('2:应拨金额').found).toBe('"abc"');
    expect(at('2:状态').expected).toContain('cancelled (撤销');
    expect(at('5:期次').found).toBe('"1.5"');
    expect(at('5:应拨金额')).toMatchObject({ expected: 'a non-negative amount', found: '"-5"' });
    expect(at('8:状态').found).toBe('an empty cell');
    expect(at('5:应拨年度')).toMatchObject({ expected: 'a year from the approval year 2019 on', found: '2018' });
    expect(at('4:企业名称')).toMatchObject({ expected: '"乙公司" as on row 3 (the same project "P2")', found: '"丙公司"' });
    expect(at('4:期次').expected).toBe('an instalment number not used before for project "P2" (row 3 is instalment 1)');
    expect(at('3:应拨金额')).toMatchObject({
      expected: 'project "P2"\'s instalments summing to its grant, 100.00 yuan (资助总额)',
      found: '90.00 yuan over rows 3, 4, under by 10.00',
    });
    expect(at('6:资助总额')).toMatchObject({ expected: '100.00 as on row 5 (the same project "P3")', found: '200.00' });
  });

  it('a project whose instalments sum to more than its grant, by a fen', () => {
    const a = CODES[0]!;
    const got = issues([`P1,x,${a},y,M1,2019,100,1,2019,50,planned`, `P1,x,${a},y,M1,2019,100,2,2020,50.01,planned`]);
    expect(got).toEqual([{ file: 'c.csv', row: 2, column: '应拨金额', expected: 'project "P1"\'s instalments summing to its grant, 100.00 yuan (资助总额)', found: '100.01 yuan over rows 2, 3, over by 0.01' }]);
  });

  it('unknown measures, with row and column, when mapping to the policy', () => {
    const read = readCommitmentsFile(utf8(commitmentsCsv(LEDGER)), 'c.csv');
    const lookup = (t: string) => (t === 'P10-APPLICATION' ? t : t === '应用项目' ? 'P10-APPLICATION' : null);
    const got = issuesOf(() => resolveLedgerMeasures(read.entries, lookup, 'c.csv', read.headers.measure));
    expect(got).toEqual([5, 6].map((row) => ({ file: 'c.csv', row, column: '类别编号', expected: 'a measure of the policy (its id or its name)', found: '"P7-PLATFORM"' })));
  });
});
