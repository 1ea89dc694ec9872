/** An integer search's progress: HiGHS's reports while it runs, and the lines the command line prints from them. */
import { describe, expect, it } from 'vitest';
import { createHighsBackend } from '../src/solver/highs.js';
import type { LinearProgram, MipProgress } from '../src/solver/types.js';
import { EVERY_SECONDS, FIRST_SECONDS, mipProgressLines } from '../src/commands/progress.js';
import { mulberry32 } from '../scripts/synthetic.js';

/** Three knapsack rows over 20 yes/no columns of random weights: branch and bound, a fraction of a second. */
function knapsacks(integer: boolean): LinearProgram {
  const rnd = mulberry32(7);
  const columns = Array.from({ length: 20 }, () => ({ lower: 0, upper: 1, cost: 1 + Math.floor(rnd() * 1000), ...(integer ? { integer: true } : {}) }));
  const rows = Array.from({ length: 3 }, () => ({ terms: columns.map((_, j) => [j, 1 + Math.floor(rnd() * 1000)] as const), lower: null, upper: 5000 }));
  return { sense: 'max', columns, rows };
}

describe('HiGHS reports how an integer search stands', () => {
  it('while it runs, from no allocation to one, without changing the answer', async () => {
    const reports: MipProgress[] = [];
    const heard = await createHighsBackend(0, (p) => reports.push(p));
    const plain = await createHighsBackend(0);
    const r = heard.solve(knapsacks(true));
    const unheard = plain.solve(knapsacks(true));
    expect(r.status).toBe('optimal');
    expect(unheard.status).toBe('optimal');
    expect('objective' in r && r.objective).toBe('objective' in unheard && unheard.objective);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0]!.found).toBe(false);
    expect(reports[0]!.gap).toBeNull();
    expect(reports.at(-1)!.found).toBe(true);
    for (let k = 1; k < reports.length; k++) expect(reports[k]!.seconds).toBeGreaterThanOrEqual(reports[k - 1]!.seconds);
    for (const p of reports) if (p.gap !== null) expect(p.gap).toBeGreaterThanOrEqual(0);
  });

  it('not for an LP', async () => {
    const reports: MipProgress[] = [];
    const heard = await createHighsBackend(0, (p) => reports.push(p));
    expect(heard.solve(knapsacks(false)).status).toBe('optimal');
    expect(reports).toEqual([]);
  });
});

describe('the lines printed from the reports', () => {
  /** The listener on a clock the test moves (seconds), and the lines it wrote. */
  function listen(lang: 'zh' | 'en', timeLimited = false) {
    let clock = 0;
    const lines: string[] = [];
    const hear = mipProgressLines(lang, (line) => lines.push(line), { timeLimited, now: () => clock * 1000 });
    return { lines, at: (seconds: number, p: MipProgress) => ((clock = seconds), hear(p)) };
  }

  it('none before the searches have run FIRST_SECONDS together; then one, with the time limit named; then one every EVERY_SECONDS', () => {
    const { lines, at } = listen('en');
    at(0.5, { seconds: 0.5, found: false, gap: null });
    at(FIRST_SECONDS - 1, { seconds: FIRST_SECONDS - 1, found: false, gap: null });
    expect(lines).toEqual([]);
    // A second search (its own clock starting again) past the first line's time, counted from the first report.
    at(FIRST_SECONDS + 1, { seconds: 1.5, found: true, gap: 0.0234 });
    expect(lines).toEqual(['solving the integer model: 11 s (this search 1 s, an allocation meeting every rule found, 2.34% from its bound); --time-limit SECONDS stops each search then and writes the best allocation found, with its gap\n']);
    at(FIRST_SECONDS + EVERY_SECONDS, { seconds: 30, found: true, gap: null });
    expect(lines).toHaveLength(1);
    at(FIRST_SECONDS + 1 + EVERY_SECONDS, { seconds: 31, found: false, gap: null });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('solving the integer model: 41 s (this search 31 s, no allocation meeting every rule found yet)\n');
  });

  it('without naming --time-limit where one is set', () => {
    const { lines, at } = listen('en', true);
    at(12, { seconds: 12, found: false, gap: null });
    expect(lines).toEqual(['solving the integer model: 12 s (this search 12 s, no allocation meeting every rule found yet)\n']);
  });

  it('in Chinese', () => {
    const { lines, at } = listen('zh');
    at(12, { seconds: 12, found: false, gap: null });
    at(50, { seconds: 50, found: true, gap: 0.5 });
    expect(lines).toEqual([
      '整数模型求解中：已用 12 秒（本次搜索 12 秒，尚未找到满足全部规则的分配）；可用 --time-limit 秒数 限定每次搜索的时长，到时写出找到的最好分配及其差距\n',
      '整数模型求解中：已用 50 秒（本次搜索 50 秒，已找到满足全部规则的分配，与其上界相差 50.00%）\n',
    ]);
  });
});
