/**
 * The pipeline every command goes through, called as the library does: a scenario file or one
 * in memory, the same allocation and summary the CLI writes, infeasible scenarios as outcomes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { solve, type Outcome, type Solved } from '../src/index.js';
import { baseScenario, csv, fixture, HEADER, POLICY, removeFixtures, ROWS, run } from './helpers/cli-fixtures.js';

afterAll(removeFixtures);

function solved(o: Outcome): Solved {
  if (o.status === 'infeasible') throw new Error(`infeasible: ${o.message}`);
  return o;
}
const grants = (o: Outcome) => solved(o).allocations.map((a) => [a.project_id, a.grant]);

describe('solve (the library entry point)', () => {
  it('returns what `fundplan solve` writes: allocations.csv row for row, summary.json field for field', async () => {
    const f = fixture();
    const r = await run(['solve', f.scenario, '--out', f.out, '--no-timings']);
    expect(r.code).toBe(0);
    const o = solved(await solve(f.scenario, { timings: false }));
    const records = parse(readFileSync(join(f.out, 'allocations.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(o.allocations).toEqual(records);
    // As written, summary.json also commits the other files by their SHA-256.
    const { files, ...written } = JSON.parse(readFileSync(join(f.out, 'summary.json'), 'utf8'));
    expect(o.summary).toEqual(written);
    expect(Object.keys(files).sort()).toEqual(['allocations.csv', 'allocations.xlsx', 'commitments.csv', 'notice.csv', 'report.html', 'report.md', 'whatif.html']);
  });

  it('reads records in memory exactly as it reads the same table from a file (Chinese headers, 万元)', async () => {
    const f = fixture();
    const fromFile = await solve(f.scenario, { timings: false });
    const records = ROWS.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]!])));
    const fromMemory = await solve({ scenario: { ...baseScenario(), applications: undefined }, applications: records }, { timings: false });
    expect(grants(fromMemory)).toEqual(grants(fromFile));
    expect(solved(fromMemory).summary.applications.file).toBe('(in memory)');
  });

  it('takes the policy as an object and amounts with 万 and 亿', async () => {
    const policy = JSON.parse(readFileSync(POLICY, 'utf8')) as unknown;
    const records = ROWS.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]!])));
    const o = solved(await solve({ scenario: { ...baseScenario(), policy, applications: undefined }, applications: records }, { budget: '300万', timings: false }));
    expect(o.summary.budget).toBe('3000000.00');
    expect(o.summary.granted).toBe('3000000.00');
  });

  it('an infeasible scenario is an outcome naming its conflicts, the same the CLI prints with exit 2', async () => {
    const f = fixture({ scenario: { ...baseScenario(), budget: '1000000', measureBudgets: { 'P10-APPLICATION': { min: '1200000' } } } });
    const o = await solve(f.scenario);
    expect(o.status).toBe('infeasible');
    if (o.status !== 'infeasible') return;
    expect(o.conflicts.length).toBeGreaterThan(0);
    const r = await run(['solve', f.scenario, '--out', f.out]);
    expect(r.code).toBe(2);
    for (const c of o.conflicts) expect(r.stderr).toContain(`${c.limit}: ${c.description}`);
  });

  it('keeps locked grants given as a map, and counts them against the budget', async () => {
    const f = fixture();
    const locked = new Map([['SZ-002', new D(4_000_000)]]);
    const o = solved(await solve(f.scenario, { lock: locked, timings: false }));
    const byId = new Map(o.allocations.map((a) => [a.project_id, a]));
    expect(byId.get('SZ-002')!.grant).toBe('4000000.00');
    expect(byId.get('SZ-002')!.binding).toBe('locked');
    expect(o.summary.granted).toBe('8000000.00');
    expect(o.summary.batches.locked.granted).toBe('4000000.00');
  });

  it('bad input is an InputError with every issue, before anything is solved', async () => {
    const f = fixture({ applications: csv([[...ROWS[0]!.slice(0, 11), 'high'], [...ROWS[1]!.slice(0, 6), 'later', ...ROWS[1]!.slice(7)]]) });
    const e = await solve(f.scenario).catch((x: unknown) => x);
    expect((e as { name: string }).name).toBe('InputError');
    expect((e as { issues: { row?: number | string }[] }).issues.map((i) => i.row)).toEqual([2, 3]);
  });
});
