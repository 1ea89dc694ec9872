/**
 * What the budget does, for leadership, under every rule set: the funding line and the value of
 * ±Δ budget under integer rules (a finite difference: the whole model re-solved and verified),
 * the same figures said in words for LP runs, and no sentence that says money is unused when
 * every yuan was granted. Numbers worked out by hand; the re-solves checked against explicit ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { solve, type Outcome, type Solved } from '../src/index.js';
import { allocate } from '../src/model/allocate.js';
import { withBudget } from '../src/model/scenario.js';
import { createHighsBackend } from '../src/solver/highs.js';
import type { Backend } from '../src/solver/types.js';
import { verifyAllocation } from '../src/verify/verify.js';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { cashWords } from '../src/report/budget-words.js';
import { words } from '../src/report/i18n/index.js';
import { humanSummary } from '../src/report/summary.js';
import { POLICY, creditCode, fixture, removeFixtures, run } from './helpers/cli-fixtures.js';

let highs: Backend;
beforeAll(async () => {
  highs = await createHighsBackend();
});
afterAll(removeFixtures);

/** A P10 application entitled to exactly `yuan` (its request; 30% of ¥100m is above the ¥3m cap only for requests above it). */
const app = (id: string, score: number, yuan: number, more: Record<string, string> = {}) => ({
  project_id: id,
  project_name: `项目${id}`,
  company_id: creditCode(`91440300MA5ABC${id}00`),
  company_name: `企业${id}`,
  district: '南山区',
  measure: 'P10-APPLICATION',
  year: '2019',
  total_investment: '100000000',
  eligible_base: '',
  requested: String(yuan),
  upper_funding: '',
  score: String(score),
  ...more,
});

const base = { name: '测试', policy: POLICY, year: 2019, minScore: 60 };

async function solved(scenario: Record<string, unknown>, applications: Record<string, string>[], options: Parameters<typeof solve>[1] = {}): Promise<Solved> {
  const o: Outcome = await solve({ scenario: { ...base, ...scenario }, applications }, { timings: false, ...options });
  if (o.status === 'infeasible') throw new Error(o.message);
  return o;
}

/** The page's text as a reader sees it (tags dropped, entities of the escaping undone). */
const text = (html: string) => html.replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// All or nothing, ¥3m: A 90 ¥1.5m, B 85 ¥1m, C 80 ¥1m, D 75 ¥0.6m, E 70 ¥0.4m, F 65 ¥0.7m.
// Σ score × grant (in ¥m): A 135, B 85, C 80, D 45, E 28, F 45.5. The best that fits ¥3m is
// A + B + E (2.9m, 248); C, D and F do not fit the ¥0.1m left. At ¥4m: A + B + C + E (3.9m,
// 328): C enters. At ¥2m: B + C (165): A and E leave, C enters.
const SIX = [app('A', 90, 1_500_000), app('B', 85, 1_000_000), app('C', 80, 1_000_000), app('D', 75, 600_000), app('E', 70, 400_000), app('F', 65, 700_000)];

describe('integer rules: the funding line and the value of ±Δ budget', () => {
  let o: Solved;
  beforeAll(async () => {
    o = await solved({ budget: '3000000', allOrNothing: true }, SIX);
  });

  it('the funding line is the lowest score funded where the total budget binds', () => {
    const granted = o.allocations.filter((a) => a.grant !== '0.00').map((a) => a.project_id);
    expect(granted).toEqual(['A', 'B', 'E']);
    expect(o.summary.fundingLine).toBe(70);
    expect(o.summary.fundingLineBasis).toMatchObject({ method: 'lowest-funded-score', projectId: 'E' });
  });

  it('±¥1m: the objective change, who enters and who leaves, each against an explicit re-solve at that budget', () => {
    const budget = o.summary.marginalValues.budget!;
    expect(budget).toMatchObject({ method: 'finite-difference', step: '1000000.00', from: '2000000.00', to: '4000000.00', verified: true, binding: true });
    expect(budget.up).toMatchObject({ status: 'optimal', budget: '4000000.00', objectiveChange: '80000000', perYuan: 80, grantedChange: '1000000.00' });
    expect(budget.up).toMatchObject({ entering: { count: 1, scoreMin: 80, scoreMax: 80 }, leaving: { count: 0 } });
    expect(budget.down).toMatchObject({ status: 'optimal', budget: '2000000.00', objectiveChange: '-83000000', grantedChange: '-900000.00' });
    expect(budget.down).toMatchObject({ entering: { count: 1, scoreMin: 80, scoreMax: 80 }, leaving: { count: 2, scoreMin: 70, scoreMax: 90 } });
    // The same two budgets solved from scratch (HiGHS, verified): the same objective changes.
    const { applications, policy, scenario } = o.detail.loaded;
    const at = (yuan: number) => {
      const s = withBudget(scenario, new D(yuan));
      const a = allocate(applications, policy, s, highs);
      expect(verifyAllocation(policy, s, applications, a.lines.map((l) => l.grant)).violations).toEqual([]);
      return a;
    };
    const here = o.detail.allocation.objective;
    expect(at(4_000_000).objective.minus(here).toString()).toBe(budget.up!.status === 'infeasible' ? '' : budget.up!.objectiveChange);
    expect(at(2_000_000).objective.minus(here).toString()).toBe(budget.down!.status === 'infeasible' ? '' : budget.down!.objectiveChange);
  });

  it('said in words on stdout, in the report and in the notes of budget-cut projects', () => {
    const words = o.summary.marginalValues.budget!.words;
    expect(words).toBe(
      '再增加 100 万元，可再资助 1 个项目（得分 80 分）；减少 100 万元，将有 2 个项目不再获资助（得分 70–90 分），另有 1 个项目（得分 80 分）因整数规则重新组合而获资助（整数模型在预算 ±100 万元处分别重新求解并逐条校验所得的差分，不是对偶值）',
    );
    const stdout = humanSummary(o.summary, []);
    expect(stdout).toContain('资助线：70 分（整数规则下，受总预算约束时获资助项目的最低得分：E）');
    expect(stdout).toContain(`预算增减：${words}`);
    const page = text(renderHtml(o.detail.data));
    expect(page).toContain('70 分（整数规则下，受总预算约束时获资助项目的最低得分：E）');
    expect(page).toContain('整数规则下没有对偶值：总预算一行是在预算 ±100 万元处重新求解');
    expect(page).toContain(words);
    expect(renderMarkdown(o.detail.data)).toContain('- 资助线：70 分（整数规则下');
    const note = (id: string) => o.allocations.find((a) => a.project_id === id)!.note;
    expect(note('F')).toBe('全额或不资助：按政策可得 ¥700,000，总预算 余额不足；资助线 70 分，本项目 65 分（低 5 分）');
    expect(note('C')).toBe('全额或不资助：按政策可得 ¥1,000,000，总预算 余额不足；资助线 70 分，本项目 80 分（高于资助线 10 分，但按规则须给的资助放不进剩余预算）');
  });

  it('an exclusive group (就高不就低): the funding line and the re-solves hold the group', async () => {
    // A and C are one project under two applications: at most one funded. ¥2.5m: A + B (2.5m, 220).
    // At ¥3.5m: A + B + E + D (3.5m, 293; C is A's twin). At ¥1.5m: A alone (135) beats B + E (113).
    const grouped = SIX.map((a) => (a.project_id === 'A' || a.project_id === 'C' ? { ...a, exclusive_group: 'G1' } : a));
    const g = await solved({ budget: '2500000', allOrNothing: true }, grouped);
    expect(g.allocations.filter((a) => a.grant !== '0.00').map((a) => a.project_id)).toEqual(['A', 'B']);
    expect(g.summary.fundingLine).toBe(85);
    const b = g.summary.marginalValues.budget!;
    expect(b.up).toMatchObject({ objectiveChange: '73000000', entering: { count: 2, scoreMin: 70, scoreMax: 75 }, leaving: { count: 0 } });
    expect(b.down).toMatchObject({ objectiveChange: '-85000000', leaving: { count: 1, scoreMin: 85, scoreMax: 85 }, entering: { count: 0 } });
  });

  it('--marginal-step sets Δ; a step below the granularity is an input error', async () => {
    const f = fixture({ scenario: { ...base, applications: 'applications.csv', budget: '3000000', allOrNothing: true } });
    const rows = SIX.map((a) => Object.values(a).join(','));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(f.applications, [Object.keys(SIX[0]!).join(','), ...rows].join('\r\n') + '\r\n');
    const r = await run(['solve', f.scenario, '--out', f.out, '--no-timings', '--marginal-step', '50万']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(f.out, 'summary.json'), 'utf8'));
    expect(summary.marginalValues.budget).toMatchObject({ step: '500000.00', up: { budget: '3500000.00' }, down: { budget: '2500000.00' } });
    expect(r.stdout).toContain('再增加 50 万元');
    const bad = await run(['solve', f.scenario, '--out', f.out, '--marginal-step', '50']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--marginal-step: expected an amount of at least the granularity ¥100');
  });
});

describe('the priority LP: the value of money in words a director reads', () => {
  // A 90, B 80, C 70, D 60, each ¥3m (the P10 cap); ¥7m.
  const FOUR = [app('A', 90, 3_000_000), app('B', 80, 3_000_000), app('C', 70, 3_000_000), app('D', 60, 3_000_000)];

  it('the dual stays in summary.json; the words count the projects more budget funds, re-solved', async () => {
    const o = await solved({ budget: '7000000' }, FOUR);
    const budget = o.summary.marginalValues.budget!;
    expect(o.summary.fundingLine).toBe(70);
    expect(budget).toMatchObject({ method: 'dual', perYuan: 70, step: '1000000.00', down: null });
    expect(budget.up).toMatchObject({ objectiveChange: '70000000', entering: { count: 0 }, raised: { count: 1, scoreMin: 70, scoreMax: 70 } });
    expect(budget.words).toBe('再增加 100 万元，不能再资助新的项目，1 个已资助项目（得分 70 分）增加资助额（项目数与得分为在预算 +100 万元处重新求解并逐条校验的结果）');
    expect(budget.words).not.toMatch(/每元/);
    // ¥5m more: C in full (+¥2m), D enters with ¥3m.
    const more = await solved({ budget: '7000000' }, FOUR, { marginalStep: '500万', lang: 'en' });
    const up = more.summary.marginalValues.budget!;
    expect(up.words).toBe('再增加 500 万元，可再资助 1 个项目（得分 60 分），1 个已资助项目（得分 70 分）增加资助额（项目数与得分为在预算 +500 万元处重新求解并逐条校验的结果）');
    // The report speaks its own language.
    expect(more.detail.data.marginalValues.find((m) => m.limit === 'budget')!.words).toBe(
      'With ¥5,000,000 more: 1 more project funded (score 60), 1 project already funded (score 70) gets more (counts and scores from re-solving (and verifying) at budget + ¥5,000,000)',
    );
  });

  it('more projects entering: their count and score range', async () => {
    const five = [app('A', 90, 1_000_000), app('B', 80, 1_000_000), app('C', 70, 1_000_000), app('D', 65, 1_000_000), app('E', 61, 1_000_000)];
    const o = await solved({ budget: '2000000' }, five, { marginalStep: '300万' });
    expect(o.summary.marginalValues.budget!.words).toMatch(/^再增加 300 万元，可再资助 3 个项目（得分 61–70 分）（/);
  });

  it('a limit other than the budget: the score difference its money buys, not a per-yuan figure', async () => {
    const o = await solved({ budget: '7000000', measureBudgets: { 'P10-APPLICATION': { max: '5000000' } } }, [...FOUR, { ...app('R', 75, 3_000_000), measure: 'P07-INTRANET' }]);
    const m = o.summary.marginalValues['measure_max:P10-APPLICATION']!;
    expect(m.binding).toBe(true);
    expect(m.words).toContain('已用满');
    expect(m.words).toMatch(/得分高约 5 分（每放宽 1 万元，目标值增加 50,000）$/);
  });
});

describe('no report says money is unused when every yuan was granted', () => {
  /** The sentences of report.html, report.md and stdout about the funding line, with what was granted. */
  const said = (o: Solved) => ({ granted: o.summary.granted, budget: o.summary.budget, html: text(renderHtml(o.detail.data)), md: renderMarkdown(o.detail.data), stdout: humanSummary(o.summary, []) });
  const unused = /未用完|did not run out/;

  it('integer rules, every yuan granted, the budget binding: a funding line', async () => {
    const s = said(await solved({ budget: '3000000', allOrNothing: true }, [app('A', 90, 1_500_000), app('B', 85, 1_500_000), app('C', 70, 1_000_000)]));
    expect(s.granted).toBe(s.budget);
    for (const t of [s.html, s.md, s.stdout]) {
      expect(t).not.toMatch(unused);
      expect(t).toContain('资助线');
      expect(t).toContain('85 分');
    }
  });

  it('integer rules, every yuan granted, nobody stopped by the budget: no line, and no claim of unused money', async () => {
    const s = said(await solved({ budget: '3000000', allOrNothing: true }, [app('A', 90, 1_500_000), app('B', 85, 1_500_000)]));
    expect(s.granted).toBe(s.budget);
    for (const t of [s.html, s.md, s.stdout]) {
      expect(t).not.toMatch(unused);
      expect(t).toContain('预算已全部分配，但再增加预算也不会资助更多');
    }
  });

  it('the LP, every yuan granted and more budget worth nothing (entitlements sum to the budget)', async () => {
    const o = await solved({ budget: '6000000' }, [app('A', 90, 3_000_000), app('B', 80, 3_000_000)]);
    const s = said(o);
    expect(s.granted).toBe(s.budget);
    expect(o.summary.fundingLine).toBeNull();
    for (const t of [s.html, s.md, s.stdout]) {
      expect(t).not.toMatch(unused);
      expect(t).toContain('预算已全部分配');
    }
    // In English too.
    const en = await solved({ budget: '6000000' }, [app('A', 90, 3_000_000), app('B', 80, 3_000_000)], { lang: 'en' });
    expect(text(renderHtml(en.detail.data))).not.toMatch(unused);
    expect(text(renderHtml(en.detail.data))).toContain('The whole budget is allocated');
  });

  it('proportional, every yuan granted: no funding line by design, and the budget said to be allocated', async () => {
    const o = await solved({ budget: '3000000', objective: 'proportional' }, [app('A', 90, 3_000_000), app('B', 80, 3_000_000)]);
    const s = said(o);
    expect(s.granted).toBe(s.budget);
    for (const t of [s.html, s.md, s.stdout]) {
      expect(t).not.toMatch(unused);
      expect(t).toContain('不设资助线（预算已全部分配）');
    }
  });

  it('where money is left over and nobody wants it, that is what it says', async () => {
    const s = said(await solved({ budget: '9000000' }, [app('A', 90, 3_000_000), app('B', 80, 3_000_000)]));
    expect(s.granted).toBe('6000000.00');
    for (const t of [s.html, s.md, s.stdout]) expect(t).toContain('总预算未用完（未分配 ¥3,000,000），没有资助线');
  });
});

describe('who leaves as more money comes, in words', () => {
  const group = (count: number, score: number) => ({ count, scoreMin: score, scoreMax: score });
  const none = { count: 0, scoreMin: null, scoreMax: null };
  const up = { status: 'optimal' as const, budget: '1000000.00', objectiveChange: '1', perYuan: 1, grantedChange: '0.00', entering: group(1, 84.9), leaving: group(1, 72.4), raised: none, lowered: none };
  it('recombining integer rules only where the model has them; else the limits sharing the money out again', () => {
    const at = (integer: boolean, lang: 'zh' | 'en') => cashWords({ year: 2021, step: '1000000.00', up, dual: null }, words(lang).budget, integer);
    expect(at(false, 'zh')).toContain('另有 1 个项目（得分 72.4 分）因资金在各限额间重新分配而不再资助');
    expect(at(true, 'zh')).toContain('另有 1 个项目（得分 72.4 分）因整数规则重新组合而不再资助');
    expect(at(false, 'en')).toContain('drops out as the limits share the money out again');
    expect(at(false, 'en')).not.toContain('integer');
  });
});
