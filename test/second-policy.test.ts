/**
 * The second bundled policy (Ma'anshan, clause 一) on its scenario: every rule of the policy and
 * every limit of the scenario decides at least one grant, each boundary the text draws
 * (不低于 100万, 10家以上, 100万元(含)以上) falls on the side the text says, and the verifier passes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { runSolve, type SolveOutcome } from '../src/commands/solve.js';
import { ALLOCATION_COLUMNS } from '../src/report/allocations.js';
import { maanshan2022Csv } from '../scripts/generate-maanshan-2022.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'scenarios/maanshan-2022');
const policyPath = join(root, 'scenarios/policies/maanshan-iiot-2021.json');
const policy = JSON.parse(readFileSync(policyPath, 'utf8'));
const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8'));

type Row = Record<(typeof ALLOCATION_COLUMNS)[number], string>;
type Rule = { type: string; field?: string; min?: string; amount?: string; amounts?: Record<string, string> };

/** The Chinese word the notes use for a field an eligibility rule compares, and the applications column that carries it. */
function fieldWords(field: string): { note: string; column: string; wan: boolean } {
  if (field === 'total_investment') return { note: '总投资', column: '总投资（万元）', wan: true };
  if (field === 'eligible_base') return { note: '核定基数', column: '核定基数（万元）', wan: true };
  const a = policy.attributes.find((x: { id: string }) => x.id === field);
  return { note: a.name.zh, column: a.name.zh, wan: false };
}

/** "100万" → 1000000; "10" → 10. */
const boundValue = (text: string) => (text.endsWith('万') ? new D(text.slice(0, -1)).times(10_000) : new D(text));

describe('bundled scenario scenarios/maanshan-2022 (a second real policy)', () => {
  const out = mkdtempSync(join(tmpdir(), 'fundplan-maanshan-'));
  let outcome: SolveOutcome;
  let rows: Row[];
  let input: Map<string, Record<string, string>>;
  let summary: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- read back from JSON
  beforeAll(async () => {
    outcome = await runSolve({ scenario: join(dir, 'scenario.json'), out });
    rows = parse(readFileSync(join(out, 'allocations.csv'), 'utf8'), { bom: true, columns: true });
    const records: Record<string, string>[] = parse(readFileSync(join(dir, 'applications.csv'), 'utf8'), { bom: true, columns: true });
    input = new Map(records.map((r) => [r['项目编号']!, r]));
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  });

  const of = (measure: string, binding: string) => rows.filter((r) => r.measure === measure && r.binding === binding);
  const value = (r: Row, field: string) => {
    const w = fieldWords(field);
    const cell = input.get(r.project_id)![w.column]!;
    return w.wan ? new D(cell).times(10_000) : new D(cell);
  };

  it('passes the verifier, and the budget binds', () => {
    expect(outcome.verification.violations).toEqual([]);
    expect(summary.verification.violations).toBe(0);
    expect(rows.some((r) => r.binding === 'total_budget')).toBe(true);
  });

  for (const m of policy.measures as { id: string; clause: string; rules: Rule[] }[]) {
    for (const rule of m.rules) {
      const what = `${m.id} ${m.clause}: ${rule.type}${rule.field ? ` on ${rule.field}` : ''}`;
      it(`binds for at least one application — ${what}`, () => {
        switch (rule.type) {
          case 'eligibility': {
            // Just below the bound: ineligible, the note naming the field; exactly at it: eligible.
            const min = boundValue(rule.min!);
            const refused = of(m.id, 'ineligible').filter((r) => r.note.includes(fieldWords(rule.field!).note));
            expect(refused.length).toBeGreaterThan(0);
            expect(refused.every((r) => value(r, rule.field!).lt(min))).toBe(true);
            const atBound = rows.filter((r) => r.measure === m.id && input.get(r.project_id)![fieldWords(rule.field!).column] !== '' && value(r, rule.field!).eq(min));
            expect(atBound.length).toBeGreaterThan(0);
            expect(atBound.every((r) => r.binding !== 'ineligible' && new D(r.grant).gt(0))).toBe(true);
            break;
          }
          case 'rate':
            expect(of(m.id, 'rate').length).toBeGreaterThan(0);
            break;
          case 'projectCap':
            expect(of(m.id, 'cap').length).toBeGreaterThan(0);
            break;
          case 'companyCap': {
            // A second application of one company gets only what the measure's per-company cap leaves.
            const cut = of(m.id, 'company_limit').filter((r) => r.note.includes(m.id));
            expect(cut.length).toBeGreaterThan(0);
            for (const r of cut) {
              const same = rows.filter((x) => x.measure === m.id && x.company_id === r.company_id);
              expect(same.reduce((s, x) => s.plus(new D(x.grant)), new D(0)).eq(boundValue(rule.amount!))).toBe(true);
            }
            break;
          }
          case 'tiers':
            // Every level the clause names decides a grant of exactly its amount.
            for (const [level, amount] of Object.entries(rule.amounts!)) {
              const hit = of(m.id, 'tier').filter((r) => r.note.includes(level));
              expect(hit.length).toBeGreaterThan(0);
              expect(hit.every((r) => new D(r.grant).eq(boundValue(amount)))).toBe(true);
            }
            break;
          default:
            throw new Error(`no check for a "${rule.type}" rule: add one`);
        }
      });
    }
  }

  it('keeps the clause\'s five platform projects a year: a sixth eligible one is left out by the count', () => {
    const max = scenario.measureBudgets['MAS01-PLATFORM'].maxCount;
    expect(rows.filter((r) => r.measure === 'MAS01-PLATFORM' && new D(r.grant).gt(0))).toHaveLength(max);
    expect(of('MAS01-PLATFORM', 'quota').length).toBeGreaterThan(0);
  });

  it("keeps the scenario's company ceiling: one company's third award is cut by it", () => {
    const cap = boundValue(scenario.companyAnnualCap);
    const byCompany = new Map<string, D>();
    for (const r of rows) byCompany.set(r.company_id, (byCompany.get(r.company_id) ?? new D(0)).plus(new D(r.grant)));
    expect([...byCompany.values()].every((v) => v.lte(cap))).toBe(true);
    const cut = rows.filter((r) => r.binding === 'company_limit' && !policy.measures.some((m: { id: string }) => r.note.includes(m.id)));
    expect(cut.length).toBeGreaterThan(0);
    for (const r of cut) expect(byCompany.get(r.company_id)!.eq(cap)).toBe(true);
  });

  it("keeps the scenario's district counts: at most 2 in 和县 (a third is left out), at least 2 in 含山县 (funded below the line)", () => {
    const funded = (district: string) => rows.filter((r) => r.district === district && new D(r.grant).gt(0));
    expect(funded('和县')).toHaveLength(scenario.districtBudgets['和县'].maxCount);
    expect(rows.some((r) => r.district === '和县' && r.binding === 'district_count')).toBe(true);
    const hanshan = funded('含山县');
    expect(hanshan.length).toBe(scenario.districtBudgets['含山县'].minCount);
    // The count, not the score, funds them: each scores below an application the budget cuts elsewhere.
    const cutByBudget = rows.filter((r) => r.binding === 'total_budget' && r.district !== '含山县').map((r) => Number(r.score));
    expect(cutByBudget.length).toBeGreaterThan(0);
    for (const r of hanshan) expect(Number(r.score)).toBeLessThan(Math.max(...cutByBudget));
  });
});

describe('the generator of scenarios/maanshan-2022', () => {
  it('regenerates the committed applications.csv byte for byte', () => {
    expect(Buffer.from(maanshan2022Csv(policy), 'utf8').equals(readFileSync(join(dir, 'applications.csv')))).toBe(true);
  });
});
