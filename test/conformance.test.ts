/**
 * One suite every backend passes (JuMP's MOI.Test idea): the same LPs, answers validated
 * by checking feasibility and the objective, never by comparing vertices; then whole
 * allocations validated by the exact verifier and compared with the min-cost-flow optimum.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jslpBackend } from '../src/solver/jslp.js';
import { networkBackend } from '../src/solver/network-backend.js';
import { loadPicker } from '../src/solver/select.js';
import { createHighsBackend } from '../src/solver/highs.js';
import type { Backend, LinearProgram } from '../src/solver/types.js';
import { objectiveOf } from '../src/solver/types.js';
import { allocate } from '../src/model/allocate.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { apps, scenario, SHENZHEN } from './helpers/build.js';

const backends: Record<string, Backend> = { jslp: jslpBackend, network: networkBackend };
beforeAll(async () => {
  backends.highs = await createHighsBackend();
});
// The network simplex takes network LPs only (every case here but the unbounded one is one).
const NAMES = ['jslp', 'highs', 'network'] as const;

/** Objectives agree within this (relative to max(1, |objective|)). */
const TOLERANCE = 1e-7;

function feasible(lp: LinearProgram, x: ArrayLike<number>): string[] {
  const eps = 1e-6;
  const bad: string[] = [];
  lp.columns.forEach((c, j) => {
    if (x[j]! < c.lower - eps || x[j]! > c.upper + eps) bad.push(`column ${j}: ${x[j]} outside [${c.lower}, ${c.upper}]`);
  });
  lp.rows.forEach((r, i) => {
    const a = r.terms.reduce((s, [j, v]) => s + v * x[j]!, 0);
    if (r.lower !== null && a < r.lower - eps) bad.push(`row ${i}: ${a} < ${r.lower}`);
    if (r.upper !== null && a > r.upper + eps) bad.push(`row ${i}: ${a} > ${r.upper}`);
  });
  return bad;
}

const col = (upper: number, cost: number, lower = 0) => ({ lower, upper, cost });
const row = (terms: [number, number][], lower: number | null, upper: number | null) => ({ terms, lower, upper });

const OPTIMAL: [string, LinearProgram, number][] = [
  ['one bounded column', { sense: 'max', columns: [col(3, 2)], rows: [] }, 6],
  ['budget row, better score first', { sense: 'max', columns: [col(5, 90), col(5, 80), col(5, 70)], rows: [row([[0, 1], [1, 1], [2, 1]], null, 7)] }, 90 * 5 + 80 * 2],
  [
    'company cap crossing a measure budget (greedy is not optimal)',
    {
      sense: 'max',
      columns: [col(3, 90), col(2, 80), col(3, 70)],
      rows: [row([[0, 1], [1, 1]], null, 3), row([[0, 1], [2, 1]], null, 4), row([[0, 1], [1, 1], [2, 1]], null, 10)],
    },
    90 * 1 + 80 * 2 + 70 * 3,
  ],
  ['a floor forces a low score', { sense: 'max', columns: [col(5, 90), col(5, 10)], rows: [row([[1, 1]], 2, null), row([[0, 1], [1, 1]], null, 5)] }, 90 * 3 + 10 * 2],
  ['minimise with a lower bound and an equality', { sense: 'min', columns: [col(10, 1, 1), col(10, 3)], rows: [row([[0, 1], [1, 1]], 4, 4)] }, 4],
  ['yuan-sized numbers (10^5 万元)', { sense: 'max', columns: [col(120_000, 95.5), col(80_000, 61.2)], rows: [row([[0, 1], [1, 1]], null, 150_000.37)] }, 95.5 * 120_000 + 61.2 * 30_000.37],
  ['empty row set, zero cost', { sense: 'max', columns: [col(1, 0), col(2, 0)], rows: [] }, 0],
];

describe.each(NAMES)('backend %s', (name) => {
  it.each(OPTIMAL)('optimal: %s', (_label, lp, expected) => {
    const r = backends[name]!.solve(lp);
    expect(r.status).toBe('optimal');
    if (r.status !== 'optimal') return;
    expect(feasible(lp, r.values)).toEqual([]);
    expect(Math.abs(objectiveOf(lp, r.values) - expected)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(expected)));
    expect(Math.abs(r.objective - expected)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(expected)));
  });

  it('infeasible: a floor above a ceiling', () => {
    const lp: LinearProgram = { sense: 'max', columns: [col(5, 1), col(5, 1)], rows: [row([[0, 1], [1, 1]], 20, null)] };
    const r = backends[name]!.solve(lp);
    expect(r.status).toBe('infeasible');
    expect(r.raw).not.toBe('');
  });

  it('unbounded: a column without an upper bound (the network simplex refuses it, saying why)', () => {
    const lp: LinearProgram = { sense: 'max', columns: [col(Infinity, 1)], rows: [row([[0, 1]], 1, null)] };
    const r = backends[name]!.solve(lp);
    if (name !== 'network') expect(r.status).toBe('unbounded');
    else {
      expect(r.status).toBe('error');
      expect(r.status === 'error' && r.detail).toMatch(/^not a network LP: .*bound/);
    }
  });

  it('a whole allocation verifies and reaches the same objective as the other backend', () => {
    const list = apps(
      Array.from({ length: 60 }, (_, k) => ({
        id: `A${String(k).padStart(3, '0')}`,
        measure: ['P05-ROLLOUT', 'P10-APPLICATION', 'P07-INTRANET', 'P03-PLATFORM-SP'][k % 4]!,
        company: `C${k % 7}`,
        base: 1_000_000 + ((k * 7919) % 9) * 900_000,
        total: 2_000_000 + ((k * 104729) % 13) * 1_500_000,
        score: 60 + ((k * 31) % 40),
      })),
    );
    const s = scenario({ budget: 25_000_000, companyAnnualCap: 4_000_000, measureBudgets: { 'P10-APPLICATION': { max: 6_000_000 }, 'P07-INTRANET': { min: 3_000_000 } } });
    const mine = allocate(list, SHENZHEN, s, backends[name]!);
    expect(verifyAllocation(SHENZHEN, s, list, mine.lines.map((l) => l.grant)).violations).toEqual([]);
    const other = allocate(list, SHENZHEN, s, backends[name === 'jslp' ? 'highs' : 'jslp']!);
    expect(mine.objective.toFixed(2)).toBe(other.objective.toFixed(2));
  });
});

describe('backends may return different optimal vertices; both are valid', () => {
  it('an LP with a face of optima: both answers feasible, equal objectives, different points', () => {
    // Two columns with the same cost share one budget row: every split is optimal.
    // A dozen such pairs, so that the backends' pivoting rules are sure to part somewhere.
    const pairs = 12;
    const lp: LinearProgram = {
      sense: 'max',
      columns: Array.from({ length: pairs * 2 }, (_, j) => col(3 + (j % 5), 10 + Math.floor(j / 2))),
      rows: Array.from({ length: pairs }, (_, p) => row([[2 * p, 1], [2 * p + 1, 1]], null, 4 + (p % 3))),
    };
    const a = backends.jslp!.solve(lp);
    const b = backends.highs!.solve(lp);
    expect(a.status).toBe('optimal');
    expect(b.status).toBe('optimal');
    if (a.status !== 'optimal' || b.status !== 'optimal') return;
    expect(feasible(lp, a.values)).toEqual([]);
    expect(feasible(lp, b.values)).toEqual([]);
    expect(objectiveOf(lp, a.values)).toBeCloseTo(objectiveOf(lp, b.values), 6);
    const differs = Array.from(a.values).some((v, j) => Math.abs(v - b.values[j]!) > 1e-6);
    expect(differs).toBe(true);
  });

  it('whole allocations: without the tie-break stage the backends pick different optima; both verify', () => {
    // Six equal-score projects in six measures, each measure capped at ¥900k, ¥2.5m for all:
    // any 2.5m spread over them is optimal.
    const measures = ['P10-APPLICATION', 'P07-INTRANET', 'P01-SECTOR', 'P02-TESTBED', 'P13-EVENT', 'P18-4-SECURITY'];
    const list = apps(measures.map((m, k) => ({ id: `A${k}`, measure: m, total: 100_000_000, requested: 1_000_000, score: 80 })));
    const s = scenario({ budget: 2_500_000, measureBudgets: Object.fromEntries(measures.map((m) => [m, { max: 900_000 }])) });
    const untied = (['jslp', 'highs'] as const).map((name) => allocate(list, SHENZHEN, s, backends[name]!, { tieBreak: false }));
    for (const a of untied) expect(verifyAllocation(SHENZHEN, s, list, a.lines.map((l) => l.grant)).violations).toEqual([]);
    expect(untied[0]!.objective.eq(untied[1]!.objective)).toBe(true);
    expect(untied[0]!.lines.map((l) => l.grant.toString())).not.toEqual(untied[1]!.lines.map((l) => l.grant.toString()));
    // With the tie rule: the same allocation from both, by project id.
    const tied = NAMES.map((name) => allocate(list, SHENZHEN, s, backends[name]!).lines.map((l) => l.grant.toString()));
    expect(tied[0]).toEqual(['900000', '900000', '700000', '0', '0', '0']);
    expect(tied[1]).toEqual(tied[0]);
    expect(tied[2]).toEqual(tied[0]); // the network simplex breaks ties in its one solve
  });

  it("through fundplan, the tie rule makes both backends' allocations identical", () => {
    const list = apps(
      Array.from({ length: 24 }, (_, k) => ({ id: `T${String(k).padStart(2, '0')}`, measure: 'P10-APPLICATION', total: 10_000_000, score: 80 + (k % 3) })),
    );
    const s = scenario({ budget: 31_000_000 });
    const a = allocate(list, SHENZHEN, s, backends.jslp!);
    const b = allocate(list, SHENZHEN, s, backends.highs!);
    const c = allocate(list, SHENZHEN, s, backends.network!);
    expect(a.lines.map((l) => l.grant.toString())).toEqual(b.lines.map((l) => l.grant.toString()));
    expect(c.lines.map((l) => l.grant.toString())).toEqual(a.lines.map((l) => l.grant.toString()));
    expect(c.stages.map((x) => x.stage)).toEqual(['priority + tie-break']);
  });
});

describe('--emit-lp: the CPLEX LP text is the same model', () => {
  it('HiGHS reading the exported text finds the objective our backends find', async () => {
    const { toCplexLp } = await import('../src/solver/lp-format.js');
    const { createRequire } = await import('node:module');
    const loadHighs = createRequire(import.meta.url)('highs') as () => Promise<{ solve(text: string, o: object): { Status: string; ObjectiveValue: number } }>;
    const highs = await loadHighs();
    for (const [label, lp, expected] of OPTIMAL) {
      const text = toCplexLp(lp, ['test: ' + label]);
      expect(text.split('\n').every((line) => line.length < 560)).toBe(true);
      const r = highs.solve(text, { output_flag: false });
      expect(r.Status).toBe('Optimal');
      expect(Math.abs(r.ObjectiveValue - expected)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(expected)));
    }
    // A range row (floor and ceiling) becomes two rows; a long row wraps.
    const wide: LinearProgram = {
      sense: 'max',
      columns: Array.from({ length: 300 }, (_, j) => col(1, 1 + (j % 7))),
      rows: [row(Array.from({ length: 300 }, (_, j) => [j, 1] as [number, number]), 10, 50)],
    };
    const text = toCplexLp(wide);
    expect(text).toContain(' r0_hi:');
    expect(text).toContain(' r0_lo:');
    expect(text.split('\n').every((line) => line.length < 560)).toBe(true);
    const direct = backends.highs!.solve(wide);
    expect(direct.status).toBe('optimal');
    if (direct.status === 'optimal') expect(highs.solve(text, { output_flag: false }).ObjectiveValue).toBeCloseTo(direct.objective, 6);
  });
});

describe("auto's choice of backend", () => {
  // A network LP: two companies' rows inside one budget row. Not one: three rows crossing pairwise.
  const network: LinearProgram = { sense: 'max', columns: [col(3, 9), col(2, 8), col(4, 7)], rows: [row([[0, 1], [1, 1]], null, 4), row([[0, 1], [1, 1], [2, 1]], null, 6)] };
  const crossing = (n: number): LinearProgram => ({
    sense: 'max',
    columns: Array.from({ length: n }, (_, j) => col(1 + (j % 3), 50 + (j % 7))),
    rows: [
      row(Array.from({ length: n }, (_, j) => [j, 1] as [number, number]).filter(([j]) => j % 3 !== 0), null, n / 2),
      row(Array.from({ length: n }, (_, j) => [j, 1] as [number, number]).filter(([j]) => j % 3 !== 1), null, n / 2),
      row(Array.from({ length: n }, (_, j) => [j, 1] as [number, number]).filter(([j]) => j % 3 !== 2), null, n / 2),
    ],
  });

  it('network LPs to the network simplex, small other LPs to javascript-lp-solver, big ones to HiGHS', async () => {
    const pick = await loadPicker('auto', 10_000);
    expect(pick(network).backend.name).toBe('network simplex');
    expect(pick(network).reason).toMatch(/^auto: a network LP/);
    expect(pick(crossing(30)).backend.name).toBe('javascript-lp-solver');
    expect(pick(crossing(30)).reason).toMatch(/^auto: not a network LP \(.+\); 30 columns ≤ 500/);
    expect(pick(crossing(900)).backend.name).toMatch(/^highs /);
  });

  it('told that only network LPs will come, it loads no HiGHS, and refuses (never hands javascript-lp-solver) a big other LP', async () => {
    const pick = await loadPicker('auto', 10_000, { network: true });
    expect(pick(network).backend.name).toBe('network simplex');
    expect(pick(crossing(30)).backend.name).toBe('javascript-lp-solver');
    expect(() => pick(crossing(900))).toThrow(/HiGHS was not loaded for an LP of 900 columns/);
  });
});
