/**
 * The bundled three-year rolling exercise scenarios/shenzhen-2019-2021, solved step by step as a
 * bureau would: each step's ledger (commitments.csv), the bureau's edits read by the next step,
 * the cash of every run of years kept, once-per-company awards, and the generator that made it.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { D, ZERO, parseAmount } from '../src/money.js';
import { runSolve, type SolveOutcome } from '../src/commands/solve.js';
import { parsePolicy } from '../src/model/policy.js';
import { parseScenario } from '../src/model/scenario.js';
import { resolveLedgerMeasures, type Commitment } from '../src/model/ledger.js';
import { readCommitmentsFile } from '../src/pipeline/ledger.js';
import { INSTALMENTS, ONCE_PER_COMPANY, closeYear, ledgerCsv, rollingInputs } from '../scripts/shenzhen-2019-2021.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = join(root, 'scenarios/shenzhen-2019-2021');
const STEPS = [2019, 2020, 2021] as const;
type Step = (typeof STEPS)[number];
const scenarioOf = (y: Step) => join(folder, String(y), 'scenario.json');
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const yuan = (text: string | number): Decimal => {
  const r = parseAmount(String(text));
  if (!r.ok) throw new Error(`not an amount: ${text}`);
  return r.value;
};
const sum = (xs: readonly Decimal[]) => xs.reduce((s, x) => s.plus(x), ZERO);

/** A ledger file's rows, measures as written (the policy's ids). */
const ledgerOf = (path: string): Commitment[] => resolveLedgerMeasures(readCommitmentsFile(readFileSync(path), path).entries, (t) => t, path);

type Row = Record<string, string>;
const allocationsOf = (dir: string): Row[] => parse(readFileSync(join(dir, 'allocations.csv'), 'utf8'), { bom: true, columns: true });

/** A grant's instalments by hand: each share of the grant rounded down to the yuan, the last the rest. */
function instalments(grant: Decimal, measure: string, approved: number): { due: number; amount: Decimal }[] {
  const plan = INSTALMENTS[measure] ?? [{ share: '100%', year: 0 }];
  let left = grant;
  return plan.map((x, k) => {
    const amount = k === plan.length - 1 ? left : grant.times(new D(x.share.replace('%', '')).div(100)).floor();
    left = left.minus(amount);
    return { due: approved + x.year, amount };
  });
}

/** Owed (planned) by year among `years`. */
function owedBy(ledger: readonly Commitment[], years: readonly number[]): Map<number, Decimal> {
  return new Map(years.map((y) => [y, sum(ledger.filter((c) => c.status === 'planned' && c.dueYear === y).map((c) => c.amount))]));
}

describe('three-year rolling exercise scenarios/shenzhen-2019-2021', () => {
  const out = mkdtempSync(join(tmpdir(), 'fundplan-rolling-'));
  const dirOf = (y: Step) => join(out, String(y));
  const solved = new Map<Step, SolveOutcome>();
  beforeAll(async () => {
    // In order, as a bureau runs them; each step reads the committed, edited ledgers of the steps before.
    for (const y of STEPS) solved.set(y, await runSolve({ scenario: scenarioOf(y), out: dirOf(y), noTimings: true }));
  }, 120_000);

  it('the generator reproduces the committed policy, applications and forecasts byte for byte', () => {
    const base = json(join(root, 'scenarios/policies/shenzhen-iiot-2018.json'));
    const files = rollingInputs(base);
    expect(files.size).toBe(6);
    for (const [path, text] of files) expect(readFileSync(join(folder, path), 'utf8'), path).toBe(text);
  });

  it('the scenario files and the policy are valid, and schema/scenario.schema.json accepts them', () => {
    const ajv = new Ajv2020({ allErrors: true });
    const check = ajv.compile(json(join(root, 'schema/scenario.schema.json')));
    const checkPolicy = ajv.compile(json(join(root, 'schema/policy.schema.json')));
    for (const y of STEPS) {
      const s = json(scenarioOf(y));
      expect(check(s), `${y}: ${JSON.stringify(check.errors)}`).toBe(true);
      const parsed = parseScenario(s, `${y}/scenario.json`);
      expect(parsed.year).toBe(y);
      expect([...parsed.cashPlan!.cash.keys()]).toEqual([y, y + 1, y + 2]);
      expect(parsed.cashPlan!.carryYears).toBe(1);
    }
    const policyJson = json(join(root, 'scenarios/policies/shenzhen-iiot-2018-instalments.json'));
    expect(checkPolicy(policyJson), JSON.stringify(checkPolicy.errors)).toBe(true);
    const policy = parsePolicy(policyJson, 'shenzhen-iiot-2018-instalments.json');
    expect(policy.source).toMatch(/assumptions of the three-year exercise/);
    for (const id of ONCE_PER_COMPANY) expect(policy.measures.find((m) => m.id === id)!.rules.map((r) => r.type)).toContain('oncePerCompany');
  });

  it('every step writes commitments.csv: each funded project, its instalments by the policy, summing to its grant', () => {
    for (const y of STEPS) {
      const ledger = ledgerOf(join(dirOf(y), 'commitments.csv'));
      const funded = allocationsOf(dirOf(y)).filter((r) => yuan(r.grant!).gt(0));
      expect(funded.length).toBeGreaterThan(50);
      expect(new Set(ledger.map((c) => c.projectId))).toEqual(new Set(funded.map((r) => r.project_id)));
      for (const r of funded) {
        const rows = ledger.filter((c) => c.projectId === r.project_id).sort((a, b) => a.installment - b.installment);
        const want = instalments(yuan(r.grant!), r.measure!, y);
        expect(rows.map((c) => [c.dueYear, c.amount.toFixed(2), c.status]), r.project_id).toEqual(want.map((x) => [x.due, x.amount.toFixed(2), 'planned']));
      }
      expect(ledger.some((c) => c.installment === 3)).toBe(true);
    }
  });

  it("the committed ledgers are the solves' commitments as the bureau closed each year", () => {
    const raw2019 = ledgerOf(join(dirOf(2019), 'commitments.csv'));
    const raw2020 = ledgerOf(join(dirOf(2020), 'commitments.csv'));
    const end2019 = closeYear(raw2019, 2019, true);
    const end2020 = closeYear(raw2020, 2020, true);
    expect(readFileSync(join(folder, '2019/commitments.csv'), 'utf8')).toBe(ledgerCsv(end2019.rows));
    expect(readFileSync(join(folder, '2020/commitments.csv'), 'utf8')).toBe(ledgerCsv(end2020.rows));
    expect(readFileSync(join(folder, '2020/commitments-2019.csv'), 'utf8')).toBe(ledgerCsv(closeYear(end2019.rows, 2020, false).rows));
    for (const end of [end2019, end2020]) {
      expect(end.cancelled).toMatch(/^SZ20(19|20)-/);
      expect(end.delayed).toMatch(/^SZ20(19|20)-/);
    }
  });

  it('the 2020 step owes what the edited 2019 ledger owes: the cancelled project nothing, the delayed instalment a year later', () => {
    const raw = ledgerOf(join(dirOf(2019), 'commitments.csv'));
    const edited = ledgerOf(join(folder, '2019/commitments.csv'));
    const cancelled = [...new Set(edited.filter((c) => c.status === 'cancelled').map((c) => c.projectId))];
    expect(cancelled).toHaveLength(1);
    const moved = edited.filter((c) => raw.find((r) => r.projectId === c.projectId && r.installment === c.installment)!.dueYear !== c.dueYear);
    expect(moved.map((c) => [c.measureId, c.dueYear])).toEqual([['P11-RETROFIT', 2021]]);
    const delayed = moved[0]!;
    // By hand from the solve's own ledger: 2019's instalments paid, the cancelled project's dropped, the delayed one moved.
    const due = (y: number) =>
      sum(raw.filter((c) => c.dueYear === y && c.projectId !== cancelled[0] && !(c.projectId === delayed.projectId && c.installment === delayed.installment)).map((c) => c.amount));
    const want = new Map([[2020, due(2020)], [2021, due(2021).plus(delayed.amount)], [2022, due(2022)]]);
    const loaded = solved.get(2020)!.loaded.scenario.years!.ledger;
    expect(loaded).toHaveLength(raw.length);
    const owed = owedBy(loaded, [2019, 2020, 2021, 2022]);
    expect(owed.get(2019)!.toFixed(2)).toBe('0.00');
    for (const [y, v] of want) expect(owed.get(y)!.toFixed(2), String(y)).toBe(v.toFixed(2));
    expect(due(2020).lt(sum(raw.filter((c) => c.dueYear === 2020).map((c) => c.amount)))).toBe(true);
  });

  it("each step keeps every run of years within its cash (carry-over one year), counting the ledger, this year's grants and the forecasts; some run binds", () => {
    for (const y of STEPS) {
      const s = json(scenarioOf(y));
      const years = [y, y + 1, y + 2];
      const cash = new Map<number, Decimal>(Object.entries(s.cash as Record<string, string>).map(([k, v]) => [Number(k), yuan(v)]));
      for (const [k, v] of Object.entries((s.carryOver.opening ?? {}) as Record<string, string>)) cash.set(Number(k), yuan(v));
      const { allocation, loaded } = solved.get(y)!;
      const owed = owedBy(loaded.scenario.years?.ledger ?? [], years);
      const grants = [...allocation.lines, ...(allocation.plan?.lines ?? [])].filter((l) => l.candidate >= 0 && l.grant.gt(0));
      const dueNew = new Map(years.map((t) => [t, ZERO]));
      for (const l of grants) for (const x of instalments(l.grant, l.measure.id, l.app.year)) if (dueNew.has(x.due)) dueNew.set(x.due, dueNew.get(x.due)!.plus(x.amount));
      let tightest = new D(Infinity);
      for (let a = 0; a < 3; a++) {
        for (let b = a; b < 3; b++) {
          const supply = sum([...cash].filter(([t]) => t >= years[a]! - 1 && t <= years[b]!).map(([, v]) => v));
          const used = sum(years.slice(a, b + 1).map((t) => owed.get(t)!.plus(dueNew.get(t)!)));
          expect(used.lte(supply), `${y}: ${years[a]}–${years[b]} uses ${used} of ${supply}`).toBe(true);
          tightest = D.min(tightest, supply.minus(used));
        }
      }
      // Some run of years is full, up to what rounding the grants to ¥100 leaves over.
      expect(tightest.lt(100_000), `${y}: ${tightest}`).toBe(true);
      expect(allocation.lines.some((l) => l.binding === 'cash')).toBe(true);
    }
  });

  it("each step's opening balance is what the year before left of its own cash, oldest money first", () => {
    const cashOf = (step: Step, year: number) => yuan(json(scenarioOf(step)).cash[year]);
    const paidIn = (year: number, ...files: string[]) => sum(files.flatMap((f) => ledgerOf(join(folder, f))).filter((c) => c.dueYear === year && c.status === 'paid').map((c) => c.amount));
    const left2019 = cashOf(2019, 2019).minus(paidIn(2019, '2019/commitments.csv'));
    expect(yuan(json(scenarioOf(2020)).carryOver.opening['2019']).toFixed(2)).toBe(left2019.toFixed(2));
    // 2020 pays from 2019's money first; what 2019 leaves after that is recovered (one year of carry-over).
    const paid2020 = paidIn(2020, '2020/commitments-2019.csv', '2020/commitments.csv');
    const left2020 = cashOf(2020, 2020).minus(D.max(ZERO, paid2020.minus(left2019)));
    expect(yuan(json(scenarioOf(2021)).carryOver.opening['2020']).toFixed(2)).toBe(left2020.toFixed(2));
  });

  it('oncePerCompany: a company approved under the award before is ineligible, the earlier project named; one never approved is not', () => {
    const ledgers: Record<2020 | 2021, string[]> = { 2020: ['2019/commitments.csv'], 2021: ['2020/commitments-2019.csv', '2020/commitments.csv'] };
    let refused = 0;
    let admitted = 0;
    for (const y of [2020, 2021] as const) {
      const ledger = ledgers[y].flatMap((f) => ledgerOf(join(folder, f)));
      const applied = new Set(allocationsOf(dirOf(y === 2020 ? 2019 : 2020)).map((r) => `${r.measure}|${r.company_id}`));
      for (const r of allocationsOf(dirOf(y))) {
        if (!(ONCE_PER_COMPANY as readonly string[]).includes(r.measure!)) continue;
        const before = ledger.find((c) => c.measureId === r.measure && c.companyId === r.company_id && c.status !== 'cancelled');
        if (before) {
          refused++;
          expect(r.binding, r.project_id).toBe('ineligible');
          expect(r.note, r.project_id).toContain(before.projectId);
        } else {
          expect(r.binding, r.project_id).not.toBe('ineligible');
          if (applied.has(`${r.measure}|${r.company_id}`)) admitted++;
        }
      }
    }
    expect(refused).toBeGreaterThanOrEqual(5);
    expect(admitted).toBeGreaterThanOrEqual(1);
  });

  it('outputs are deterministic: the 2019 step solved again writes the same bytes (--no-timings)', async () => {
    const again = join(out, '2019-again');
    await runSolve({ scenario: scenarioOf(2019), out: again, noTimings: true });
    const names = readdirSync(dirOf(2019)).sort();
    expect(readdirSync(again).sort()).toEqual(names);
    expect(names).toContain('commitments.csv');
    for (const n of names) expect(readFileSync(join(again, n)).equals(readFileSync(join(dirOf(2019), n))), n).toBe(true);
  }, 60_000);
});
