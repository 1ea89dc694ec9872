/**
 * Every output of seven benchmark families at 20,000 applications, byte for byte: the SHA-256 of
 * each file `solve --no-timings --no-whatif` writes, against test/golden/family-outputs.json.
 * Work on speed must not change a byte. Two things are blanked before hashing: the solver's
 * pivot count quoted in summary.json (how the solver got there, not what it allocated), and
 * nothing else — the policy is copied next to the scenario so that no path depends on where the
 * repository is. A change of the outputs that is meant writes the file again:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/family-outputs.test.ts
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFamily, type Family } from '../scripts/families.js';
import { runSolve } from '../src/commands/solve.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'family-outputs.json');
const SIZE = 20_000;
const FAMILIES: readonly Family[] = ['synthetic', 'many-companies', 'crossing', 'floors', 'ceilings', 'districts', 'instalments'];
const update = process.env.UPDATE_GOLDEN === '1';
const golden: Record<string, Record<string, string>> = existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) : {};

/** The family's scenario at SIZE, with the policy beside it (a relative path). */
function scenarioOf(family: Family): string {
  const dir = mkdtempSync(join(tmpdir(), `fundplan-golden-${family}-`));
  const path = writeFamily(dir, family, SIZE);
  const scenario = JSON.parse(readFileSync(path, 'utf8')) as { policy: string };
  copyFileSync(scenario.policy, join(dir, 'policy.json'));
  writeFileSync(path, JSON.stringify({ ...scenario, policy: 'policy.json' }, null, 2));
  return path;
}

function hashes(out: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(out)
      .sort()
      .map((f) => {
        let bytes = readFileSync(join(out, f));
        if (f === 'summary.json') bytes = Buffer.from(bytes.toString('utf8').replace(/after \d+ pivots/g, 'after N pivots'));
        return [f, createHash('sha256').update(bytes).digest('hex')];
      }),
  );
}

describe(`every output of the benchmark families at ${SIZE.toLocaleString('en')} applications`, () => {
  it.each(FAMILIES)('%s: the same bytes as test/golden/family-outputs.json', { timeout: 240_000 }, async (family) => {
    const out = mkdtempSync(join(tmpdir(), `fundplan-golden-out-${family}-`));
    await runSolve({ scenario: scenarioOf(family), out, noTimings: true, noWhatif: true });
    const got = hashes(out);
    if (update) {
      golden[family] = got;
      writeFileSync(GOLDEN, JSON.stringify(Object.fromEntries(Object.entries(golden).sort()), null, 2) + '\n');
      return;
    }
    expect(Object.keys(got)).toContain('allocations.csv');
    expect(got).toEqual(golden[family]);
  });
});
