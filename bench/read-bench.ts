/**
 * Reading applications files at and beyond the stated bounds (src/io/bounds.ts), each read in
 * a fresh process so its peak RSS is its own:
 *
 *   npm run bench:read                 # every case below
 *   npm run bench:read -- --quick      # the accepted cases at 50,000 rows instead of 200,000
 *
 * Accepted: the largest input allowed (200,000 rows) as CSV, as an .xlsx with inline strings
 * (fundplan's own writer) and as an .xlsx with shared strings (exceljs, as Excel writes them),
 * and a 50 MB CSV of long names. Refused: 1,000,000 rows (CSV and .xlsx), a 1 GiB ZIP bomb,
 * a quote that never closes at the top of a 50 MB file, 50 MB of random bytes. Prints a
 * Markdown table: outcome, time, rows per second, peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { HEADERS, generateApplications, mulberry32, toCsv, type SyntheticRow } from '../scripts/synthetic.js';
import { xlsxBytes, type Cell } from '../src/io/xlsx-write.js';
import { withZipBomb } from '../scripts/hostile-files.js';
import { READ_LIMITS } from '../src/io/bounds.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const accepted = quick ? 50_000 : READ_LIMITS.maxRows - 1;
const dir = mkdtempSync(join(tmpdir(), 'fundplan-read-bench-'));

interface ChildResult {
  ok: boolean;
  rows: number;
  ms: number;
  maxRssMb: number;
  message: string;
}

function readIn(path: string): ChildResult {
  const r = spawnSync(process.execPath, [join(here, 'read-child.js'), path], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`read child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

/** Applications as rows of cells: amounts in yuan as numbers (as a finance office's sheet holds them). */
function cells(rows: readonly SyntheticRow[]): Cell[][] {
  const n = (v: number | null): Cell => (v === null ? null : { number: v, style: 'yuan' });
  return [
    HEADERS.zh.map((h) => h.replace('（万元）', '（元）')),
    ...rows.map((r): Cell[] => [r.project_id, r.project_name, r.company_id, r.company_name, r.district, r.measure, { number: r.year }, n(r.total_investment), n(r.eligible_base), n(r.requested), n(r.upper_funding), { number: r.score }]),
  ];
}

async function exceljsBook(rows: readonly SyntheticRow[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('申报汇总');
  ws.addRow(HEADERS.zh.map((h) => h.replace('（万元）', '（元）'))).commit();
  for (const r of rows) {
    ws.addRow([r.project_id, r.project_name, r.company_id, r.company_name, r.district, r.measure, r.year, r.total_investment, r.eligible_base, r.requested, r.upper_funding, Number(r.score)]).commit();
  }
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

/** 1 GiB of zeros in about 1 MiB, declared as 100 bytes: the sheet of an otherwise valid workbook. */
const zipBomb = () => withZipBomb(xlsxBytes([{ name: 'S', columns: [], rows: [HEADERS.zh] }]), { entry: 'sheet1.xml', mib: 1024, declared: 100 });

interface Case {
  readonly name: string;
  readonly make: () => Promise<Buffer | string> | Buffer | string;
  readonly ext: string;
}

const synthetic = (count: number) => generateApplications({ seed: 7, count, year: 2019 });
const cases: Case[] = [
  { name: `CSV, ${accepted.toLocaleString('en-US')} rows`, ext: 'csv', make: () => toCsv(synthetic(accepted), { chinese: true }) },
  { name: `xlsx (inline strings), ${accepted.toLocaleString('en-US')} rows`, ext: 'xlsx', make: () => xlsxBytes([{ name: '申报', columns: [], rows: cells(synthetic(accepted)) }]) },
  { name: `xlsx (shared strings, exceljs), ${accepted.toLocaleString('en-US')} rows`, ext: 'xlsx', make: () => exceljsBook(synthetic(accepted)) },
  {
    name: 'CSV, 50 MB of long names (100,000 rows)',
    ext: 'csv',
    make: () => {
      const rows = synthetic(100_000);
      const rnd = mulberry32(3);
      for (const r of rows) r.project_name += '（' + '工业互联网平台建设与应用示范'.repeat(5 + Math.floor(rnd() * 6)) + '）';
      return toCsv(rows, { chinese: true });
    },
  },
  {
    // Short rows, so the file stays under the size bound and it is the row bound that refuses it.
    name: 'CSV, 1,000,000 rows (refused)',
    ext: 'csv',
    make: () => [HEADERS.en.join(','), ...Array.from({ length: 1_000_000 }, (_, i) => `P${i},p,91440300MA5FXXXX1X,c,,P10-APPLICATION,2019,100000,,,,80`)].join('\n'),
  },
  { name: 'xlsx, 1,000,000 rows (refused)', ext: 'xlsx', make: () => xlsxBytes([{ name: '申报', columns: [], rows: cells(synthetic(1_000_000)).map((r) => r.slice(0, 4)) }]) },
  { name: 'xlsx, 1 GiB ZIP bomb (refused)', ext: 'xlsx', make: zipBomb },
  {
    name: 'CSV, 50 MB with a quote that never closes in row 2 (refused)',
    ext: 'csv',
    make: () => {
      const csv = toCsv(synthetic(330_000), { chinese: true });
      const nl = csv.indexOf('\n');
      return csv.slice(0, nl + 1) + '"' + csv.slice(nl + 1);
    },
  },
  {
    name: '50 MB of random bytes named .csv (refused)',
    ext: 'csv',
    make: () => {
      const rnd = mulberry32(5);
      return Buffer.from(Uint8Array.from({ length: 50 << 20 }, () => Math.floor(rnd() * 256)));
    },
  },
];

console.log(`Node ${process.version}; bounds: ${READ_LIMITS.maxRows.toLocaleString('en-US')} rows, ${READ_LIMITS.maxColumns} columns, ` +
  `${READ_LIMITS.maxFileBytes / 2 ** 20} MiB a file, ${READ_LIMITS.maxInflatedBytes / 2 ** 20} MiB inflated\n`);
console.log('| input | file size | outcome | read time | rows/s | peak RSS |');
console.log('|---|---|---|---|---|---|');
try {
  for (const c of cases) {
    const path = join(dir, `input.${c.ext}`);
    const content = await c.make();
    writeFileSync(path, content);
    const size = statSync(path).size;
    const r = readIn(path);
    const outcome = r.ok ? `${r.rows.toLocaleString('en-US')} applications` : `refused: ${r.message.length > 90 ? r.message.slice(0, 87) + '…' : r.message}`;
    const rate = r.ok ? `${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en-US')}` : '';
    console.log(`| ${c.name} | ${(size / 2 ** 20).toFixed(1)} MiB | ${outcome} | ${(r.ms / 1000).toFixed(2)} s | ${rate} | ${Math.round(r.maxRssMb)} MB |`);
    rmSync(path, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
