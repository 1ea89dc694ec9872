/**
 * A scenario prepared again at another year's cash (re-solves of the analysis, explain's search,
 * a cash sweep) reuses the kept preparation's candidates and limits and makes only the cash rows
 * again: the same preparation, the same LP, as preparing it from nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFamily } from '../scripts/families.js';
import { prepareAllocation, priorityLp } from '../src/model/prepare.js';
import { loadInput } from '../src/pipeline/load.js';
import { withCash } from '../src/pipeline/solve.js';
import { withBudget } from '../src/model/scenario.js';
import { D } from '../src/money.js';

describe('a preparation at another year’s cash', () => {
  const path = writeFamily(mkdtempSync(join(tmpdir(), 'fundplan-prepare-cash-')), 'instalments', 2000, 9);

  it('is the preparation made from nothing: its cash rows, limits, shape and LP', () => {
    const { applications, policy, scenario } = loadInput(path);
    const kept = prepareAllocation(applications, policy, scenario);
    let compared = 0;
    for (const [year, cash] of scenario.cashPlan!.cash) {
      for (const amount of [cash.plus(10_000), cash.times(0.6).floor(), cash.times(3).floor(), new D(0)]) {
        const other = withCash(scenario, year, amount);
        const reused = prepareAllocation(applications, policy, other);
        // A copy of the applications: no kept preparation to reuse.
        const fresh = prepareAllocation([...applications], policy, other);
        expect(reused.cash).toEqual(fresh.cash);
        expect(reused.limits.map((l) => [l.id, l.amount.toString()])).toEqual(fresh.limits.map((l) => [l.id, l.amount.toString()]));
        expect(reused.shape).toEqual(fresh.shape);
        expect(priorityLp(reused)).toEqual(priorityLp(fresh));
        // The cash moved: its rows are not the kept scenario's.
        if (!amount.eq(cash)) expect(reused.shape.cashRows.map((r) => r.upper)).not.toEqual(kept.shape.cashRows.map((r) => r.upper));
        compared++;
      }
    }
    expect(compared).toBe(12);
  });

  it('is made from nothing when anything but the cash differs (here the budget)', () => {
    const { applications, policy, scenario } = loadInput(path);
    prepareAllocation(applications, policy, scenario);
    const [year, cash] = [...scenario.cashPlan!.cash][0]!;
    const other = withBudget(withCash(scenario, year, cash.times(2).floor()), scenario.budget.times(0.5).floor());
    const reused = prepareAllocation(applications, policy, other);
    const fresh = prepareAllocation([...applications], policy, other);
    expect(reused.limits.map((l) => [l.id, l.amount.toString()])).toEqual(fresh.limits.map((l) => [l.id, l.amount.toString()]));
    expect(priorityLp(reused)).toEqual(priorityLp(fresh));
  });
});
