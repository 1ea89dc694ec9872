/**
 * What the bundled real-policy scenarios' generators share: seeded company names with valid
 * credit codes, applications drafted in 万元 and written as a district office's export
 * (Chinese headers, 万元, the policy's attribute columns under their Chinese names, UTF-8 with BOM).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticCreditCode, toCsv, type SyntheticRow } from './synthetic.js';

export interface Company {
  readonly id: string;
  readonly name: string;
  readonly district: string;
}

/** One application before numbering; amounts in 万元 (exact to 2 decimals). */
export interface Draft {
  readonly company: Company;
  readonly measure: string;
  readonly name: string;
  readonly investment?: number;
  readonly base?: number;
  /** 万元; undefined asks for the ceiling the policy allows, null leaves the cell empty. */
  readonly requested?: number | null;
  readonly score: number;
  /** Attribute cells by column header. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** 万元 → yuan in whole hundreds (the CSV writes 万元 with 2 decimals). */
export const yuan = (wan: number) => Math.round(wan * 100) * 100;

/** A maker of companies with distinct names `${city}${two distinct syllables}${suffix}有限公司`. */
export function companyMaker(rnd: () => number, codePrefix: string, city: string, syllables: readonly string[], suffixes: readonly string[]): (district: string) => Company {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const names = new Set<string>();
  return (district) => {
    let name: string;
    do {
      const a = pick(syllables);
      const b = pick(syllables.filter((x) => x !== a));
      name = `${city}${a}${b}${pick(suffixes)}有限公司`;
    } while (names.has(name));
    names.add(name);
    return { id: syntheticCreditCode(rnd, codePrefix), name, district };
  };
}

/** Drafts numbered `${prefix}${year}-0001…`; `ceiling` is what the policy allows a draft, in 万元 (the default request). */
export function draftRows(drafts: readonly Draft[], prefix: string, year: number, ceiling: (d: Draft) => number, attributeHeaders: readonly string[]): SyntheticRow[] {
  return drafts.map((d, k) => ({
    project_id: `${prefix}${year}-${String(k + 1).padStart(4, '0')}`,
    project_name: d.name,
    company_id: d.company.id,
    company_name: d.company.name,
    district: d.company.district,
    measure: d.measure,
    year,
    total_investment: d.investment === undefined ? null : yuan(d.investment),
    eligible_base: d.base === undefined ? null : yuan(d.base),
    requested: d.requested === null ? null : yuan(d.requested ?? ceiling(d)),
    upper_funding: null,
    score: d.score.toFixed(1),
    attributes: Object.fromEntries(attributeHeaders.map((h) => [h, d.attributes?.[h] ?? ''])),
  }));
}

/** The applications file: measures by Chinese name, the attribute columns last, UTF-8 with BOM. */
export function bundledCsv(rows: readonly SyntheticRow[], policy: { measures: readonly { id: string; name: { zh: string } }[] }, attributeHeaders: readonly string[]): string {
  const zh = new Map(policy.measures.map((m) => [m.id, m.name.zh]));
  return '\uFEFF' + toCsv(rows, { chinese: true, measureLabel: (id) => zh.get(id) ?? id, attributeHeaders });
}

/** When `moduleUrl` is the script being run: read the policy, write the scenario's applications.csv. */
export function writeWhenRun(moduleUrl: string, policyFile: string, scenarioDir: string, csvOf: (policy: never) => string): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  const root = join(dirname(fileURLToPath(moduleUrl)), '..', '..');
  const policy = JSON.parse(readFileSync(join(root, 'scenarios', 'policies', policyFile), 'utf8')) as never;
  const out = join(root, 'scenarios', scenarioDir, 'applications.csv');
  const csv = csvOf(policy);
  writeFileSync(out, csv);
  console.log(`wrote ${csv.split('\r\n').length - 2} applications to ${out}`);
}
