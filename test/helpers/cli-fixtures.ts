/**
 * Shared by the CLI tests: write a small scenario into a fresh temp folder, run `main`
 * in-process with stdout/stderr captured.
 */
import { mkdtempSync, readdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { main } from '../../src/cli.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const POLICY = fileURLToPath(new URL('../../scenarios/policies/shenzhen-iiot-2018.json', import.meta.url));

export const HEADER = [
  '项目编号', '项目名称', '统一社会信用代码', '企业名称', '所属区', '申报类别', '年度',
  '总投资（万元）', '核定基数（万元）', '申请金额（万元）', '上级资助（万元）', '评审得分',
];

/** A valid unified social credit code (GB 32100 check character), so fixtures raise no warnings. */
export function creditCode(first17: string): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const total = [...first17].reduce((s, ch, i) => s + alphabet.indexOf(ch) * weights[i]!, 0);
  return first17 + alphabet[(31 - (total % 31)) % 31]!;
}

/** Entitlements (yuan): SZ-001 1,500,000 · SZ-002 6,000,000 · SZ-003 500,000 · SZ-004 2,000,000; SZ-005 is below minScore. */
export const ROWS: string[][] = [
  ['SZ-001', '工厂设备联网应用', creditCode('91440300MA5ABCDE1'), '深圳市甲科技有限公司', '南山区', '工业互联网应用项目', '2019', '500', '', '', '', '88'],
  ['SZ-002', '跨行业平台建设', creditCode('91440300MA5ABCDE2'), '深圳市乙信息有限公司', '福田区', '跨行业跨领域工业互联网平台', '2019', '2000', '', '', '', '80'],
  ['SZ-003', '登云服务采购', creditCode('91440300MA5ABCDE3'), '深圳市丙制造有限公司', '宝安区', '中小企业登云', '2019', '', '50', '', '', '75'],
  ['SZ-004', '平台服务商奖励', creditCode('91440300MA5ABCDE4'), '深圳市丁网络有限公司', '龙岗区', '平台服务商', '2019', '', '', '200', '', '70'],
  ['SZ-005', '低分项目', creditCode('91440300MA5ABCDE5'), '深圳市戊有限公司', '南山区', '应用项目', '2019', '100', '', '', '', '50'],
];

const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export function csv(rows: readonly (readonly string[])[], header: readonly string[] = HEADER): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export interface Fixture {
  readonly dir: string;
  readonly scenario: string;
  readonly applications: string;
  readonly out: string;
  /** A path as fundplan shows it in messages (relative to the current directory). */
  readonly shown: (p: string) => string;
}

export function baseScenario(): Record<string, unknown> {
  return {
    name: '测试场景',
    policy: POLICY,
    applications: 'applications.csv',
    year: 2019,
    budget: '8000000',
    minScore: 60,
  };
}

const created: string[] = [];
/** Remove every folder `fixture` made (call from afterAll). */
export function removeFixtures(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh folder with scenario.json (object, or raw text) and applications.csv (text or bytes). */
export function fixture(opts: { scenario?: Record<string, unknown> | string; applications?: string | Uint8Array } = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'fundplan-cli-'));
  created.push(dir);
  const scenario = join(dir, 'scenario.json');
  const applications = join(dir, 'applications.csv');
  const s = opts.scenario ?? baseScenario();
  writeFileSync(scenario, typeof s === 'string' ? s : JSON.stringify(s, null, 2) + '\n');
  writeFileSync(applications, opts.applications ?? csv(ROWS));
  return { dir, scenario, applications, out: join(dir, 'out'), shown: (p) => relative(process.cwd(), p) };
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `main(argv)` in-process, capturing what it writes. */
export async function run(argv: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The output folder holds no result files (it may not exist at all). */
export function outputFiles(out: string): string[] {
  return existsSync(out) ? readdirSync(out) : [];
}
