/**
 * The bundled real policies beyond Shenzhen's, each on its scenario: every money rule of the
 * policy and every limit of the scenario decides at least one grant, each edge the text draws
 * (不低于, 以上, (含), a band's lower end) falls on the side the text says, the verifier passes, and
 * each generator remakes its committed applications.csv byte for byte.
 *   Ma'anshan (scenarios/maanshan-2022): thresholds, a number attribute, tiers, per-company caps,
 *     five platforms a year, a company ceiling and district counts (the scenario's).
 *   Yishui (scenarios/yishui-2022): whole bands, a cap, a bonus on top of it, thresholds.
 *   Zhongshan (scenarios/zhongshan-2022): a joint cap per company (按差额), a per-company cap, ten factories a year.
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
import { yishui2022Csv } from '../scripts/generate-yishui-2022.js';
import { zhongshan2022Csv } from '../scripts/generate-zhongshan-2022.js';

const root = fileURLToPath(new URL('..', import.meta.url));

type Row = Record<(typeof ALLOCATION_COLUMNS)[number], string>;
interface Rule {
  type: string;
  field?: string;
  min?: string;
  amount?: string;
  amounts?: Record<string, string>;
  mode?: string;
  bands?: { from: string; rate: string }[];
}
interface Policy {
  attributes?: { id: string; name: { zh: string } }[];
  measures: { id: string; clause: string; rules: Rule[] }[];
  jointCaps?: { id: string; clause: string; measures: string[]; per: string; amount: string }[];
  companyAnnualCap?: unknown;
  shares?: unknown;
}

/** "100万" → 1000000, "1.5%" → 0.015, "10" → 10. */
const num = (text: string) => (text.endsWith('万') ? new D(text.slice(0, -1)).times(10_000) : text.endsWith('%') ? new D(text.slice(0, -1)).div(100) : new D(text));
const fen = (x: D) => x.toDecimalPlaces(2, D.ROUND_DOWN);

interface Bundled {
  readonly policy: Policy;
  readonly scenario: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the scenario file as written
  rows: Row[];
  /** The applications file's cells by project id and Chinese header. */
  input: Map<string, Record<string, string>>;
  outcome: SolveOutcome;
}

/** Solve a bundled scenario once and check every rule of its policy. */
function bundledScenario(dirName: string, policyFile: string, csvOf: (policy: never) => string, more: (b: Bundled) => void): void {
  const dir = join(root, 'scenarios', dirName);
  const b = {
    policy: JSON.parse(readFileSync(join(root, 'scenarios/policies', policyFile), 'utf8')) as Policy,
    scenario: JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')),
  } as Bundled;
  /** The words the notes use for a field an eligibility rule compares, and the applications column that carries it. */
  const fieldWords = (field: string): { note: string; column: string; wan: boolean } => {
    if (field === 'total_investment') return { note: '总投资', column: '总投资（万元）', wan: true };
    if (field === 'eligible_base') return { note: '核定基数', column: '核定基数（万元）', wan: true };
    const a = b.policy.attributes!.find((x) => x.id === field)!;
    return { note: a.name.zh, column: a.name.zh, wan: false };
  };
  const value = (r: Row, field: string): D | null => {
    const w = fieldWords(field);
    const cell = b.input.get(r.project_id)![w.column]!;
    return cell === '' ? null : w.wan ? new D(cell).times(10_000) : new D(cell);
  };
  const of = (measure: string, binding: string) => b.rows.filter((r) => r.measure === measure && r.binding === binding);

  describe(`bundled scenario scenarios/${dirName}`, () => {
    beforeAll(async () => {
      const out = mkdtempSync(join(tmpdir(), `fundplan-${dirName}-`));
      b.outcome = await runSolve({ scenario: join(dir, 'scenario.json'), out });
      b.rows = parse(readFileSync(join(out, 'allocations.csv'), 'utf8'), { bom: true, columns: true });
      const records: Record<string, string>[] = parse(readFileSync(join(dir, 'applications.csv'), 'utf8'), { bom: true, columns: true });
      b.input = new Map(records.map((r) => [r['项目编号']!, r]));
    }, 120_000);

    it('passes the verifier, and the budget binds', () => {
      expect(b.outcome.verification.violations).toEqual([]);
      expect(b.rows.some((r) => r.binding === 'total_budget')).toBe(true);
    });

    for (const m of b.policy.measures) {
      const cap = m.rules.find((r) => r.type === 'projectCap');
      for (const rule of m.rules) {
        it(`${m.id} ${m.clause}: the ${rule.type} rule${rule.field ? ` on ${rule.field}` : ''} decides a grant`, () => {
          switch (rule.type) {
            case 'eligibility': {
              // Below the bound: ineligible, the note naming the field; exactly at it: funded.
              const min = num(rule.min!);
              const refused = of(m.id, 'ineligible').filter((r) => r.note.includes(fieldWords(rule.field!).note));
              expect(refused.length).toBeGreaterThan(0);
              expect(refused.every((r) => value(r, rule.field!)!.lt(min))).toBe(true);
              const atBound = b.rows.filter((r) => r.measure === m.id && value(r, rule.field!)?.eq(min));
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
                const same = b.rows.filter((x) => x.measure === m.id && x.company_id === r.company_id);
                expect(same.reduce((s, x) => s.plus(new D(x.grant)), new D(0)).eq(num(rule.amount!))).toBe(true);
              }
              break;
            }
            case 'tiers':
              // Every level the clause names decides a grant of exactly its amount.
              for (const [level, amount] of Object.entries(rule.amounts!)) {
                const hit = of(m.id, 'tier').filter((r) => r.note.includes(level));
                expect(hit.length).toBeGreaterThan(0);
                expect(hit.every((r) => new D(r.grant).eq(num(amount)))).toBe(true);
              }
              break;
            case 'bands': {
              // Whole bands: a base equal to a band's lower end takes that band's rate on all of it;
              // one 100 yuan below takes the band below's.
              expect(rule.mode).toBe('whole');
              expect(of(m.id, 'bands').length).toBeGreaterThan(0);
              const ceiling = (x: D) => fen(cap ? D.min(x, num(cap.amount!)) : x);
              rule.bands!.forEach((band, k) => {
                const from = num(band.from);
                const at = b.rows.filter((r) => r.measure === m.id && r.binding !== 'bonus' && value(r, 'eligible_base')?.eq(from));
                expect(at.length).toBeGreaterThan(0);
                for (const r of at) expect(new D(r.entitlement).eq(ceiling(from.times(num(band.rate))))).toBe(true);
                if (k === 0) return;
                const below = b.rows.filter((r) => r.measure === m.id && r.binding !== 'bonus' && value(r, 'eligible_base')?.eq(from.minus(100)));
                expect(below.length).toBeGreaterThan(0);
                for (const r of below) expect(new D(r.entitlement).eq(ceiling(from.minus(100).times(num(rule.bands![k - 1]!.rate))))).toBe(true);
              });
              break;
            }
            case 'bonus':
              // The bonus goes on top of the least other ceiling, over the project cap when that is the least.
              for (const [valueText, amount] of Object.entries(rule.amounts!)) {
                const column = fieldWords(rule.field!).column;
                const marked = b.rows.filter((r) => r.measure === m.id && b.input.get(r.project_id)![column] === valueText);
                expect(marked.length).toBeGreaterThan(0);
                expect(marked.every((r) => r.binding === 'bonus' || r.binding === 'total_budget')).toBe(true);
                expect(marked.some((r) => cap !== undefined && new D(r.grant).eq(num(cap.amount!).plus(num(amount))))).toBe(true);
              }
              break;
            default:
              throw new Error(`no check for a "${rule.type}" rule: add one`);
          }
        });
      }
    }
    for (const j of b.policy.jointCaps ?? []) {
      it(`${j.id} ${j.clause}: the joint cap per ${j.per} decides a grant`, () => {
        expect(j.per).toBe('company');
        const sums = new Map<string, D>();
        for (const r of b.rows.filter((x) => j.measures.includes(x.measure))) sums.set(r.company_id, (sums.get(r.company_id) ?? new D(0)).plus(new D(r.grant)));
        expect([...sums.values()].every((v) => v.lte(num(j.amount)))).toBe(true);
        const cut = b.rows.filter((r) => j.measures.includes(r.measure) && r.binding === 'joint_cap');
        expect(cut.length).toBeGreaterThan(0);
        for (const r of cut) expect(sums.get(r.company_id)!.eq(num(j.amount))).toBe(true);
      });
    }
    it('has a check for every limit of the policy beyond its measures', () => {
      expect(b.policy.companyAnnualCap).toBeUndefined();
      expect(b.policy.shares).toBeUndefined();
    });
    more(b);
  });

  describe(`the generator of scenarios/${dirName}`, () => {
    it('regenerates the committed applications.csv byte for byte', () => {
      expect(Buffer.from(csvOf(b.policy as never), 'utf8').equals(readFileSync(join(dir, 'applications.csv')))).toBe(true);
    });
  });
}

/**
 * A measure's count a year (the scenario's maxCount) leaves out an application the budget would
 * have reached: it scores above an application the budget cuts.
 */
function countBinds(b: Bundled, measure: string): void {
  it(`keeps the clause's count a year for ${measure}: one more is left out by the count`, () => {
    const max = b.scenario.measureBudgets[measure].maxCount;
    expect(b.rows.filter((r) => r.measure === measure && new D(r.grant).gt(0))).toHaveLength(max);
    const left = b.rows.filter((r) => r.measure === measure && r.binding === 'quota');
    expect(left.length).toBeGreaterThan(0);
    const line = Math.min(...b.rows.filter((r) => r.binding === 'total_budget').map((r) => Number(r.score)));
    expect(left.some((r) => Number(r.score) > line)).toBe(true);
  });
}

bundledScenario('maanshan-2022', 'maanshan-iiot-2021.json', maanshan2022Csv, (b) => {
  countBinds(b, 'MAS01-PLATFORM');

  it("keeps the scenario's company ceiling: one company's third award is cut by it", () => {
    const cap = num(b.scenario.companyAnnualCap);
    const byCompany = new Map<string, D>();
    for (const r of b.rows) byCompany.set(r.company_id, (byCompany.get(r.company_id) ?? new D(0)).plus(new D(r.grant)));
    expect([...byCompany.values()].every((v) => v.lte(cap))).toBe(true);
    const cut = b.rows.filter((r) => r.binding === 'company_limit' && !b.policy.measures.some((m) => r.note.includes(m.id)));
    expect(cut.length).toBeGreaterThan(0);
    for (const r of cut) expect(byCompany.get(r.company_id)!.eq(cap)).toBe(true);
  });

  it("keeps the scenario's district counts: at most 2 in 和县 (a third is left out), at least 2 in 含山县 (funded below the line)", () => {
    const inDistrict = (d: string) => b.rows.filter((r) => r.district === d && new D(r.grant).gt(0));
    expect(inDistrict('和县')).toHaveLength(b.scenario.districtBudgets['和县'].maxCount);
    expect(b.rows.some((r) => r.district === '和县' && r.binding === 'district_count')).toBe(true);
    const hanshan = inDistrict('含山县');
    expect(hanshan).toHaveLength(b.scenario.districtBudgets['含山县'].minCount);
    // The count, not the score, funds them: each scores below an application the budget cuts elsewhere.
    const cutByBudget = b.rows.filter((r) => r.binding === 'total_budget' && r.district !== '含山县').map((r) => Number(r.score));
    expect(cutByBudget.length).toBeGreaterThan(0);
    for (const r of hanshan) expect(Number(r.score)).toBeLessThan(Math.max(...cutByBudget));
  });
});

bundledScenario('yishui-2022', 'yishui-techreform.json', yishui2022Csv, (b) => {
  it('gives no bonus to a project that meets the benchmark conditions but was not selected', () => {
    const r = b.rows.find((x) => x.project_id === 'YS2022-0013')!;
    expect(b.input.get(r.project_id)!['标杆项目']).toBe('');
    expect(new D(r.entitlement).eq(new D(42_000_000).times('0.018'))).toBe(true);
  });
});

bundledScenario('zhongshan-2022', 'zhongshan-digital-2022.json', zhongshan2022Csv, (b) => {
  countBinds(b, 'ZS01-FACTORY');
});
