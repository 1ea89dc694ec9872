/**
 * The network simplex on the priority LPs of the benchmark families (scripts/families.ts) at a
 * small size, against HiGHS: objective, the tie rule's secondary objective (HiGHS's stage two),
 * exact feasibility, dual feasibility and complementary slackness, the basis HiGHS accepts with no
 * iteration, and the duals equal to HiGHS's where the optimum is not degenerate. The integer
 * family's model is a MIP and never reaches the network simplex. And the whole pipeline on HiGHS
 * (its tie rule's stage on stage one's optimal face) gives the network simplex's allocation, whose
 * tie rule is exact, grant by grant.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { writeFamily } from '../scripts/families.js';
import { tieRanks } from '../src/model/finish.js';
import { prepareAllocation, priorityLp } from '../src/model/prepare.js';
import { loadScenario } from '../src/pipeline/load.js';
import { solve } from '../src/pipeline/solve.js';
import { compare, initHighs } from './helpers/highs-compare.js';

beforeAll(initHighs);

describe('the benchmark families, against HiGHS', () => {
  for (const family of ['synthetic', 'many-companies', 'crossing', 'floors', 'ceilings', 'districts'] as const) {
    it(`${family}: values, the tie rule and duals at 600 applications, three seeds`, () => {
      let nondegenerate = 0;
      for (const seed of [1, 2, 3]) {
        const loaded = loadScenario(writeFamily(mkdtempSync(join(tmpdir(), `fundplan-net-${family}-`)), family, 600, seed));
        const prepared = prepareAllocation(loaded.applications, loaded.policy, loaded.scenario);
        const lp = priorityLp(prepared);
        const ranks = tieRanks(prepared.order);
        const secondary = prepared.shape.groups.map((members) => ranks[members[0]!]!);
        const out = compare({ lp, secondary });
        expect(out.status, `${family} seed ${seed}`).toBe('optimal');
        if (out.nondegenerate) nondegenerate++;
      }
      console.log(`${family}: 3 seeds agree with HiGHS (duals feasible and complementary on each; equal to HiGHS's on ${nondegenerate} non-degenerate optima)`);
    }, 60_000);
  }
});

describe('the tie rule on HiGHS', () => {
  it.each(['synthetic', 'many-companies', 'crossing', 'floors', 'ceilings', 'districts'] as const)('%s at 3,000 applications: the network simplex’s allocation, grant by grant', async (family) => {
    const path = writeFamily(mkdtempSync(join(tmpdir(), `fundplan-ties-${family}-`)), family, 3000);
    const grants = async (solver: 'highs' | 'network') => {
      const o = await solve(path, { solver, timings: false, aheadThreads: 0 });
      if (o.status === 'infeasible') throw new Error(o.message);
      expect(o.detail.allocation.stages.map((s) => s.stage), solver).toEqual(solver === 'highs' ? ['priority', 'tie-break'] : ['priority + tie-break']);
      return o.detail.allocation.lines.map((l) => `${l.app.projectId} ${l.grant.toString()}`);
    };
    expect(await grants('highs')).toEqual(await grants('network'));
  }, 60_000);
});
