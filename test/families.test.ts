/**
 * The benchmark's instance families (scripts/families.ts): seeded and reproducible, shaped as
 * described, and each one a scenario that solves to a verified allocation at a small size.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES, PROVINCE_COMPANY_CAP, familyInstance, writeFamily } from '../scripts/families.js';
import { loadScenario } from '../src/pipeline/load.js';
import { allocate } from '../src/model/allocate.js';
import { createHighsBackend } from '../src/solver/highs.js';
import { verifyAllocation } from '../src/verify/verify.js';

describe('benchmark families', () => {
  it('the same family, size and seed give the same bytes; another seed other bytes', () => {
    for (const family of FAMILIES) {
      const dir = (k: string) => mkdtempSync(join(tmpdir(), `fundplan-family-${k}-`));
      const read = (path: string) => readFileSync(join(path, '..', 'applications.csv'), 'utf8');
      const a = writeFamily(dir('a'), family, 300, 5);
      const b = writeFamily(dir('b'), family, 300, 5);
      const c = writeFamily(dir('c'), family, 300, 6);
      expect(read(a)).toBe(read(b));
      expect(read(c)).not.toBe(read(a));
      expect(readFileSync(a, 'utf8').replace(/"policy": .*/, '')).toBe(readFileSync(b, 'utf8').replace(/"policy": .*/, ''));
    }
  });

  it('many-companies: most companies file 1–3 applications, and many exceed the company annual cap', () => {
    const { rows, scenario } = familyInstance('many-companies', 20_000);
    expect(rows).toHaveLength(20_000);
    const perCompany = new Map<string, number>();
    for (const r of rows) perCompany.set(r.company_id, (perCompany.get(r.company_id) ?? 0) + 1);
    const small = [...perCompany.values()].filter((k) => k <= 3).length;
    expect(small / perCompany.size).toBeGreaterThan(0.8);
    // Company names are unique per company (a name given with two codes is an input warning).
    expect(new Set(rows.map((r) => `${r.company_id}|${r.company_name}`)).size).toBe(new Set(rows.map((r) => r.company_name)).size);
    const asked = new Map<string, number>();
    for (const r of rows) asked.set(r.company_id, (asked.get(r.company_id) ?? 0) + (r.requested ?? 0));
    const over = [...asked.values()].filter((v) => v > PROVINCE_COMPANY_CAP).length;
    expect(over / perCompany.size).toBeGreaterThan(0.2);
    expect(scenario.companyAnnualCap).toBe(String(PROVINCE_COMPANY_CAP));
  });

  it('crossing: ceilings on the six measures with the largest demand at 30% of it', () => {
    const { rows, scenario } = familyInstance('crossing', 5_000);
    const demand = new Map<string, number>();
    for (const r of rows) demand.set(r.measure, (demand.get(r.measure) ?? 0) + (r.requested ?? 0));
    const largest = [...demand].sort((a, b) => b[1] - a[1]).slice(0, 6);
    const budgets = scenario.measureBudgets as Record<string, { max: string }>;
    expect(Object.keys(budgets).sort()).toEqual(largest.map(([id]) => id).sort());
    for (const [id, d] of largest) expect(Math.abs(Number(budgets[id]!.max) - 0.3 * d)).toBeLessThan(10_000);
  });

  it('ceilings: every measure a ceiling at 60% of its demand, the budget at 70% of the demand', () => {
    const { rows, scenario } = familyInstance('ceilings', 5_000);
    const demand = new Map<string, number>();
    for (const r of rows) demand.set(r.measure, (demand.get(r.measure) ?? 0) + (r.requested ?? 0));
    const budgets = scenario.measureBudgets as Record<string, { max: string }>;
    expect(Object.keys(budgets).sort()).toEqual([...demand.keys()].sort());
    for (const [id, d] of demand) expect(Math.abs(Number(budgets[id]!.max) - 0.6 * d)).toBeLessThan(10_000);
    const total = [...demand.values()].reduce((s, d) => s + d, 0);
    expect(Math.abs(Number(scenario.budget) - 0.7 * total)).toBeLessThan(10_000);
    // The ceilings together are below the budget: it does not bind.
    expect(Object.values(budgets).reduce((s, b) => s + Number(b.max), 0)).toBeLessThan(Number(scenario.budget));
  });

  it('districts: every district a ceiling at 35% of its demand, the six measures with the largest demand at 40% of theirs', () => {
    const { rows, scenario } = familyInstance('districts', 5_000);
    const byMeasure = new Map<string, number>();
    const byDistrict = new Map<string, number>();
    for (const r of rows) {
      byMeasure.set(r.measure, (byMeasure.get(r.measure) ?? 0) + (r.requested ?? 0));
      byDistrict.set(r.district, (byDistrict.get(r.district) ?? 0) + (r.requested ?? 0));
    }
    const largest = [...byMeasure].sort((a, b) => b[1] - a[1]).slice(0, 6);
    const measures = scenario.measureBudgets as Record<string, { max: string }>;
    expect(Object.keys(measures).sort()).toEqual(largest.map(([id]) => id).sort());
    for (const [id, d] of largest) expect(Math.abs(Number(measures[id]!.max) - 0.4 * d)).toBeLessThan(10_000);
    const districts = scenario.districtBudgets as Record<string, { max: string }>;
    expect(Object.keys(districts).sort()).toEqual([...byDistrict.keys()].sort());
    for (const [d, v] of byDistrict) expect(Math.abs(Number(districts[d]!.max) - 0.35 * v)).toBeLessThan(10_000);
    expect(scenario.companyAnnualCap).toBe(String(PROVINCE_COMPANY_CAP));
  });

  it('instalments: the policy paid in instalments, with cash by year at 55%, 20% and 10% of the budget', () => {
    const { scenario, policy } = familyInstance('instalments', 5_000);
    expect(policy).toBe('shenzhen-iiot-2018-instalments.json');
    const budget = Number(scenario.budget);
    const cash = scenario.cash as Record<string, string>;
    expect(Object.keys(cash)).toEqual(['2019', '2020', '2021']);
    for (const [year, share] of [['2019', 0.55], ['2020', 0.2], ['2021', 0.1]] as const) expect(Math.abs(Number(cash[year]) - share * budget)).toBeLessThan(10_000);
    expect(familyInstance('many-companies', 5_000).policy).toBe('shenzhen-iiot-2018.json');
  });

  it('every family solves at 400 applications to an allocation the verifier accepts', async () => {
    const highs = await createHighsBackend();
    for (const family of FAMILIES) {
      const loaded = loadScenario(writeFamily(mkdtempSync(join(tmpdir(), `fundplan-family-${family}-`)), family, 400));
      const result = allocate(loaded.applications, loaded.policy, loaded.scenario, highs);
      expect(result.status, family).toBe('optimal');
      const v = verifyAllocation(loaded.policy, loaded.scenario, loaded.applications, result.lines.map((l) => l.grant));
      expect(v.violations, family).toEqual([]);
      expect(result.objective.gt(0), family).toBe(true);
    }
  }, 60_000);
});
