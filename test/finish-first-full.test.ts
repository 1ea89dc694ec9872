/**
 * `finishAllocation`'s `firstFull(c, need)` (the most specific full ceiling, found without the list)
 * against `full(c, need)[0]`, for every candidate and need, on benchmark families' preparations with
 * grants at random (many ceilings full, many kinds of limit over one candidate).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFamily } from '../scripts/families.js';
import { prepareAllocation } from '../src/model/allocate.js';
import { finishAllocation } from '../src/model/finish.js';
import { loadScenario } from '../src/pipeline/load.js';
import { parsePolicy } from '../src/model/policy.js';
import { apps, scenario } from './helpers/build.js';
import { seeded } from './helpers/seeded.js';

/** Two joint caps per company over the same measures: two full ceilings of one kind over a candidate. */
const TWO_JOINT = parsePolicy(
  {
    id: 'two-joint',
    name: { zh: '两个合计', en: 'two joint caps' },
    measures: [
      { id: 'A', clause: '（一）', name: { zh: '甲', en: 'a' }, kind: 'project', rules: [{ type: 'projectCap', amount: '100万' }] },
      { id: 'B', clause: '（二）', name: { zh: '乙', en: 'b' }, kind: 'project', rules: [{ type: 'projectCap', amount: '100万' }] },
    ],
    jointCaps: [
      { id: 'J-ONE', clause: '（三）', name: { zh: '合计一', en: 'one' }, measures: ['A', 'B'], per: 'company', amount: '150万' },
      { id: 'J-TWO', clause: '（四）', name: { zh: '合计二', en: 'two' }, measures: ['A', 'B'], per: 'company', amount: '120万' },
    ],
  },
  'two-joint.json',
);

describe('firstFull', () => {
  it('is full(c, need)[0] for every candidate and need', () => {
    let found = 0;
    const wrong: string[] = [];
    const joint = apps(Array.from({ length: 60 }, (_, i) => ({ id: `T${i}`, measure: i % 2 ? 'A' : 'B', company: `C${i % 9}`, requested: 1_000_000 })));
    const cases = [
      ...(['floors', 'crossing'] as const).map((family) => {
        const loaded = loadScenario(writeFamily(mkdtempSync(join(tmpdir(), 'fundplan-first-full-')), family, 1000));
        return { family: family as string, p: prepareAllocation(loaded.applications, loaded.policy, loaded.scenario) };
      }),
      { family: 'two joint caps', p: prepareAllocation(joint, TWO_JOINT, scenario({ budget: 100_000_000 })) },
    ];
    for (const { family, p } of cases) {
      const random = seeded(20261206);
      for (let round = 0; round < 2; round++) {
        // Grants between nothing and the cap, most at the cap: the company caps, floors' and ceilings' rows fill.
        const units = p.units.caps.map((cap) => (random(10) < 6 ? cap : random(cap + 1)));
        finishAllocation(
          p,
          units,
          (c, full, firstFull) => {
            for (const need of [1, 2, 50, 10_000]) {
              const want = full(c, need)[0];
              const got = firstFull(c, need);
              if (got !== want) wrong.push(`${family} ${c} ${need}: ${got} for ${want}`);
              if (want !== undefined) found++;
            }
            return { binding: 'total_budget', limitId: null };
          },
          { t0: 0, t1: 0, t2: 0, status: 'optimal', limitDetail: null, bound: null, stages: [], solver: { backend: 'test', reason: 'test' } },
        );
      }
    }
    expect(wrong).toEqual([]);
    expect(found).toBeGreaterThan(1000);
  });
});
