/** Decisions and integer rules end to end: the decision columns read from the CSV, the outputs carrying the reasons. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseScenario, csv, fixture, HEADER, removeFixtures, ROWS, run } from './helpers/cli-fixtures.js';

afterAll(removeFixtures);

const header = [...HEADER, '资助决定', '决定理由', '互斥组'];
const rows = (decisions: Record<string, [string, string]>) => ROWS.map((r) => [...r, ...(decisions[r[0]!] ?? ['', '']), '']);

describe('fundplan solve with decisions and integer rules', () => {
  it('exclude / fund with reasons, all or nothing: proven optimal, the reasons in allocations.csv, the model in the summary', async () => {
    const f = fixture({
      scenario: { ...baseScenario(), allOrNothing: true },
      applications: csv(rows({ 'SZ-002': ['不予资助', '重复申报'], 'SZ-003': ['必须资助', '市政府决定'] }), header),
    });
    const r = await run(['solve', f.scenario, '--out', f.out, '--no-timings']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = readFileSync(join(f.out, 'allocations.csv'), 'utf8');
    expect(out).toMatch(/SZ-002.*,0\.00,1,excluded,不予资助（决定）.*重复申报/);
    expect(out).toMatch(/SZ-003.*,500000\.00,1,forced,必须资助（决定）.*市政府决定/);
    const summary = JSON.parse(readFileSync(join(f.out, 'summary.json'), 'utf8'));
    expect(summary.objective.model).toMatchObject({ model: 'integer', integer: { status: 'optimal', gap: 0 }, forced: 1, excluded: 1 });
    expect(summary.scenario.fields.allOrNothing).toBe('true');
    expect(r.stdout).toMatch(/整数模型（highs \d+\.\d+\.\d+）：已证明最优/);
    expect(r.stdout).toContain('必须资助 1 项，不予资助 1 项');
  });

  it('proportional: the common share on stdout and in summary.json', async () => {
    const f = fixture({ scenario: { ...baseScenario(), budget: '5000000', objective: 'proportional' } });
    const r = await run(['solve', f.scenario, '--out', f.out, '--no-timings']);
    expect(r.code).toBe(0);
    // Entitled 1.5m + 6m + 0.5m + 2m = 10m; ¥5m → 50% each.
    expect(r.stdout).toContain('目标：按比例核减，共同比例 50.00%');
    const out = readFileSync(join(f.out, 'allocations.csv'), 'utf8');
    expect(out).toMatch(/SZ-002.*,3000000\.00,1,proportional_share,按比例核减/);
  });

  it('an unknown decision is an input error naming the cell', async () => {
    const f = fixture({ applications: csv(rows({ 'SZ-001': ['也许', ''] }), header) });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/applications\.csv:2:资助决定: expected fund \/ exclude \(必须资助 \/ 不予资助\), or an empty cell, found "也许"/);
  });

  it('forced grants that cannot fit: exit 2 naming them and the least change', async () => {
    const f = fixture({
      scenario: { ...baseScenario(), budget: '7000000' },
      applications: csv(rows({ 'SZ-001': ['必须资助', ''], 'SZ-002': ['fund', ''] }), header),
    });
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/budget: .*least change: raise it to ¥7,500,000 \(by ¥500,000\)/);
    expect(r.stderr).toMatch(/forced:SZ-001/);
  });
});
