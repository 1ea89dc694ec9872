/** The bundled scenario end to end, and the generator that made it. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { D, ZERO } from '../src/money.js';
import { runSolve, type SolveOutcome } from '../src/commands/solve.js';
import { runValidate } from '../src/commands/validate.js';
import { shenzhen2019Csv } from '../scripts/synthetic.js';
import { SHENZHEN } from './helpers/build.js';
import { ALLOCATION_COLUMNS } from '../src/report/allocations.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scenarioPath = join(root, 'scenarios/shenzhen-2019/scenario.json');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('bundled scenario scenarios/shenzhen-2019', () => {
  const out = mkdtempSync(join(tmpdir(), 'fundplan-demo-'));
  let outcome: SolveOutcome;
  let rows: Record<(typeof ALLOCATION_COLUMNS)[number], string>[];
  let summary: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- read back from JSON
  beforeAll(async () => {
    outcome = await runSolve({ scenario: scenarioPath, out });
    rows = parse(readFileSync(join(out, 'allocations.csv'), 'utf8'), { bom: true, columns: true });
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  });

  it('covers every measure of the policy with at least 300 applications', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(new Set(rows.map((r) => r.measure))).toEqual(new Set(SHENZHEN.measures.map((m) => m.id)));
  });

  it('cannot fund everything: the budget binds and some applications are cut by it', () => {
    const entitled = rows.reduce((s, r) => s.plus(r.entitlement ? new D(r.entitlement) : ZERO), ZERO);
    expect(entitled.gt(new D(summary.budget))).toBe(true);
    expect(rows.some((r) => r.binding === 'total_budget')).toBe(true);
    expect(new D(summary.unallocated).lt(100)).toBe(true);
  });

  it('allocations.csv reconciles with summary.json, by measure and in total', () => {
    const total = rows.reduce((s, r) => s.plus(new D(r.grant)), ZERO);
    expect(total.toFixed(2)).toBe(summary.granted);
    for (const m of summary.byMeasure) {
      const t = rows.filter((r) => r.measure === m.measure).reduce((s, r) => s.plus(new D(r.grant)), ZERO);
      expect(t.toFixed(2)).toBe(m.granted);
    }
  });

  it("keeps the scenario's own limits: retrofit ≤ ¥100m, application projects ≥ ¥30m, no company over ¥30m", () => {
    const byMeasure = (id: string) => rows.filter((r) => r.measure === id).reduce((s, r) => s.plus(new D(r.grant)), ZERO);
    expect(byMeasure('P11-RETROFIT').lte(100_000_000)).toBe(true);
    expect(byMeasure('P10-APPLICATION').gte(30_000_000)).toBe(true);
    const byCompany = new Map<string, D>();
    for (const r of rows) byCompany.set(r.company_id, (byCompany.get(r.company_id) ?? ZERO).plus(new D(r.grant)));
    expect([...byCompany.values()].every((v) => v.lte(30_000_000))).toBe(true);
  });

  it('records what it ran on: input hashes, policy id, tool version, checks run', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(summary.tool).toEqual({ name: 'fundplan', version: pkg.version });
    expect(summary.policy.id).toBe('shenzhen-iiot-2018');
    expect(summary.scenario.sha256).toBe(sha(scenarioPath));
    expect(summary.applications.sha256).toBe(sha(join(root, 'scenarios/shenzhen-2019/applications.csv')));
    expect(summary.policy.sha256).toBe(sha(join(root, 'scenarios/policies/shenzhen-iiot-2018.json')));
    expect(summary.applications.encoding).toBe('utf-8-bom');
    expect(summary.verification.violations).toBe(0);
    expect(summary.verification.checks).toBe(outcome.verification.checks);
    expect(summary.verification.checks).toBeGreaterThan(rows.length * 5);
    expect(Object.keys(summary.timingsMs)).toEqual(['parse', 'build', 'solve', 'round', 'verify', 'analyse', 'write', 'writeMain']);
    // The main thread's busy part of the write phase is a part of it.
    expect(summary.timingsMs.writeMain).toBeLessThanOrEqual(summary.timingsMs.write);
  });

  it('warns as validate does: the wrong check character, companies under two codes, applications of another year', async () => {
    const report = await runValidate({ target: scenarioPath });
    expect(report.warnings).toHaveLength(11);
    expect(summary.warnings).toHaveLength(11);
    expect(summary.warnings[0]).toMatch(/^applications\.csv:43:统一社会信用代码: expected a unified social credit code whose check character is/);
    expect(summary.warnings.filter((w: string) => w.includes('company limits count per code'))).toHaveLength(6);
    expect(summary.warnings.filter((w: string) => w.includes("the scenario's year 2019"))).toHaveLength(4);
  });
});

describe('the generator', () => {
  it('regenerates the committed applications.csv byte for byte', () => {
    const policy = JSON.parse(readFileSync(join(root, 'scenarios/policies/shenzhen-iiot-2018.json'), 'utf8'));
    const text = shenzhen2019Csv(policy);
    expect(Buffer.from(text, 'utf8').equals(readFileSync(join(root, 'scenarios/shenzhen-2019/applications.csv')))).toBe(true);
  });
});
