/**
 * The policy's limits beyond one measure: the company annual cap and its exemptions, caps shared
 * by measures (per company and per value of an attribute), and shares of a measure's money for a
 * kind of company. Each binding on a hand-computed instance, its reason and sentence, its
 * infeasible variant, and the verifier catching a grant that breaks it.
 */
import { describe, expect, it } from 'vitest';
import { D } from '../src/money.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInput, solve, verifyAllocation, writeOutputs, type Outcome, type Solved } from '../src/index.js';

const SIZES = ['大型', '中型', '小型', '微型'];

/** A small policy: a platform award exempt from the annual cap, a maker/user pair under one product cap, two standards awards under one company cap, a retrofit measure with a share for small companies. */
function policy(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const measure = (id: string, clause: string, rules: unknown[]) => ({ id, clause, name: { zh: `措施${id}`, en: `measure ${id}` }, kind: 'project', rules });
  return {
    id: 'limits-test',
    name: { zh: '限额测试政策', en: 'limits test policy' },
    attributes: [
      { id: 'size', name: { zh: '企业规模', en: 'company size' }, type: 'enum', values: SIZES },
      { id: 'product', name: { zh: '产品编号', en: 'product id' }, type: 'text' },
    ],
    measures: [
      measure('W01-CROSS', '第一条', [{ type: 'rate', rate: '30%' }, { type: 'projectCap', amount: '1000万' }]),
      measure('W02-ROLLOUT', '第二条', [{ type: 'rate', rate: '30%' }, { type: 'projectCap', amount: '500万' }]),
      measure('W06-MAKER', '第六条', [{ type: 'rate', rate: '30%' }, { type: 'projectCap', amount: '375万' }]),
      measure('W06-USER', '第六条', [{ type: 'rate', rate: '30%' }, { type: 'projectCap', amount: '375万' }]),
      measure('W07-INTL', '第七条', [{ type: 'projectCap', amount: '100万' }]),
      measure('W07-NATL', '第七条', [{ type: 'projectCap', amount: '50万' }]),
      measure('W09-SMALL', '第九条', [{ type: 'rate', rate: '20%' }, { type: 'projectCap', amount: '200万' }]),
    ],
    companyAnnualCap: { amount: '800万', exempt: ['W01-CROSS'], clause: '第十条' },
    jointCaps: [
      { id: 'J-STANDARDS', clause: '第七条', name: { zh: '标准奖励合计', en: 'standards together' }, measures: ['W07-INTL', 'W07-NATL'], per: 'company', amount: '120万' },
      { id: 'J-FIRST-SET', clause: '第六条', name: { zh: '首台套研制与使用合计', en: 'first set together' }, measures: ['W06-MAKER', 'W06-USER'], per: 'product', amount: '500万' },
    ],
    shares: [{ id: 'S-SMALL', clause: '第九条', name: { zh: '小企业资金比例', en: 'share for small companies' }, measures: ['W09-SMALL'], where: { size: ['小型', '微型'] }, min: '80%' }],
    ...extra,
  };
}

let row = 0;
/** An application record as a file row holds it (万元 headers). */
function app(id: string, company: string, measure: string, investment: number | '', requested: number, score: number, size = '大型', product = ''): Record<string, string> {
  row++;
  return {
    项目编号: id,
    项目名称: `项目${id}`,
    统一社会信用代码: company,
    企业名称: `企业${company}`,
    所属区: '南山区',
    申报类别: measure,
    申报年度: '2022',
    '总投资(万元)': String(investment),
    '申请金额(万元)': String(requested),
    评审得分: String(score),
    企业规模: size,
    产品编号: product,
  };
}

const scenario = (extra: Record<string, unknown> = {}) => ({ name: '限额测试', policy: 'inline', applications: 'inline', year: 2022, budget: '1亿', ...extra });

function solved(o: Outcome): Solved {
  if (o.status === 'infeasible') throw new Error(`infeasible: ${o.message}`);
  return o;
}
const run = async (records: Record<string, string>[], s: Record<string, unknown> = {}, p: Record<string, unknown> = policy()) =>
  solve({ scenario: scenario(s), policy: p, applications: records }, { timings: false });
const byId = (o: Solved) => new Map(o.allocations.map((a) => [a.project_id, a]));

describe('company annual cap with exemptions', () => {
  // Company A: a platform award (exempt) of 1000万 and two rollouts of 500万 each, under an 800万 cap.
  const records = [
    app('A-PLAT', 'A', 'W01-CROSS', 5000, 1000, 95),
    app('A-R1', 'A', 'W02-ROLLOUT', 2000, 500, 90),
    app('A-R2', 'A', 'W02-ROLLOUT', 2000, 500, 85),
  ];

  it('the exempt platform award passes an exhausted annual cap; the others share the cap', async () => {
    const o = solved(await run(records));
    const g = byId(o);
    expect(g.get('A-PLAT')!.grant).toBe('10000000.00');
    expect(g.get('A-R1')!.grant).toBe('5000000.00');
    expect(g.get('A-R2')!.grant).toBe('3000000.00');
    expect(g.get('A-R2')!.binding).toBe('company_limit');
    expect(g.get('A-R2')!.note).toContain('企业年度限额');
    expect(o.summary.verification.violations).toBe(0);
  });

  it('without the exemption the platform award counts and takes the cap first', async () => {
    const p = policy({ companyAnnualCap: { amount: '800万', exempt: [], clause: '第十条' } });
    const g = byId(solved(await run(records, {}, p)));
    expect(g.get('A-PLAT')!.grant).toBe('8000000.00');
    expect(g.get('A-R1')!.grant).toBe('0.00');
    expect(g.get('A-R2')!.grant).toBe('0.00');
  });

  it('a floor on a capped measure above what the annual cap lets one company have is infeasible', async () => {
    const o = await run(records, { measureBudgets: { 'W02-ROLLOUT': { min: '900万' } } });
    expect(o.status).toBe('infeasible');
    if (o.status !== 'infeasible') return;
    expect(o.conflicts.map((c) => `${c.limit} ${c.description}`).join(' ')).toMatch(/measure_min:W02-ROLLOUT.*cannot be met/);
  });

  it("the scenario's amount overrides the policy's and keeps its exemptions", async () => {
    const g = byId(solved(await run(records, { companyAnnualCap: '600万' })));
    expect(g.get('A-PLAT')!.grant).toBe('10000000.00');
    expect(g.get('A-R1')!.grant).toBe('5000000.00');
    expect(g.get('A-R2')!.grant).toBe('1000000.00');
  });
});

describe('joint caps', () => {
  it('per company: two standards awards of one company together at most 120万', async () => {
    const g = byId(solved(await run([app('S-I', 'B', 'W07-INTL', '', 100, 90), app('S-N', 'B', 'W07-NATL', '', 50, 80), app('S-N2', 'C', 'W07-NATL', '', 50, 70)])));
    expect(g.get('S-I')!.grant).toBe('1000000.00');
    expect(g.get('S-N')!.grant).toBe('200000.00');
    expect(g.get('S-N')!.binding).toBe('joint_cap');
    expect(g.get('S-N')!.note).toMatch(/J-STANDARDS 合计限额 · B ¥1,200,000 已用 ¥1,200,000/);
    // Another company has a cap of its own.
    expect(g.get('S-N2')!.grant).toBe('500000.00');
  });

  it('a cap per company nested in the annual cap keeps the network shape: the network simplex solves it', async () => {
    const o = solved(await run([app('S-I', 'B', 'W07-INTL', '', 100, 90), app('S-N', 'B', 'W07-NATL', '', 50, 80), app('A-R1', 'B', 'W02-ROLLOUT', 3000, 500, 85)], { budget: '5000万' }));
    expect(o.summary.solver.backend).toMatch(/network/i);
    expect(byId(o).get('S-N')!.binding).toBe('joint_cap');
  });

  it('a measure floor the joint cap cannot let through is infeasible, naming the floor', async () => {
    const o = await run([app('M1', 'D', 'W06-MAKER', 2000, 375, 90, '中型', 'P-1'), app('U1', 'E', 'W06-USER', 2000, 375, 85, '中型', 'P-1')], { measureBudgets: { 'W06-MAKER': { min: '300万' }, 'W06-USER': { min: '300万' } } });
    expect(o.status).toBe('infeasible');
    if (o.status !== 'infeasible') return;
    expect(o.conflicts.map((c) => c.limit).join(' ')).toMatch(/measure_min:W06-(MAKER|USER)/);
    expect(o.conflicts.map((c) => c.description).join(' ')).toMatch(/cannot be met/);
  });

  it("per product: one product's maker and user together at most 500万 (375 + 375 = 750 without it), other products apart", async () => {
    const o = solved(
      await run([
        app('M1', 'D', 'W06-MAKER', 2000, 375, 90, '中型', 'P-1'),
        app('U1', 'E', 'W06-USER', 2000, 375, 85, '中型', 'P-1'),
        app('M2', 'D', 'W06-MAKER', 2000, 375, 80, '中型', 'P-2'),
      ]),
    );
    const g = byId(o);
    expect(g.get('M1')!.grant).toBe('3750000.00');
    expect(g.get('U1')!.grant).toBe('1250000.00');
    expect(g.get('U1')!.binding).toBe('joint_cap');
    expect(g.get('U1')!.note).toContain('M1');
    expect(g.get('M2')!.grant).toBe('3750000.00');
    expect(o.summary.limits.binding.map((l) => l.id)).toContain('joint_cap:J-FIRST-SET:P-1');
  });

  it('a product id is needed where a per-product cap reads it: an input error naming the row and column', async () => {
    const e = await run([app('M1', 'D', 'W06-MAKER', 2000, 375, 90, '中型', '')]).catch((x: unknown) => x);
    expect(String((e as Error).message)).toMatch(/产品编号/);
    expect(JSON.stringify((e as { issues?: unknown }).issues)).toContain('J-FIRST-SET');
  });
});

describe('shares of a measure for small companies', () => {
  it('too little small-company demand: the minimum share limits the others (a proportion, not a floor in yuan), and the summary says so', async () => {
    // Small: 100万 (entitled 100万). Others: 200万 + 200万. At least 80% small → others at most 25万 in all.
    const o = solved(
      await run([
        app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'),
        app('K-MID', 'G', 'W09-SMALL', 1000, 200, 92, '中型'),
        app('K-SMALL', 'H', 'W09-SMALL', 500, 100, 70, '小型'),
      ]),
    );
    const g = byId(o);
    expect(g.get('K-SMALL')!.grant).toBe('1000000.00');
    expect(g.get('K-BIG')!.grant).toBe('250000.00');
    expect(g.get('K-MID')!.grant).toBe('0.00');
    expect(g.get('K-BIG')!.binding).toBe('share');
    expect(g.get('K-MID')!.note).toContain('小企业资金比例');
    const share = o.summary.shares![0]!;
    expect(share).toMatchObject({ id: 'S-SMALL', qualifying: '1000000.00', total: '1250000.00', share: '0.8', binding: 'min', qualifyingDemandShort: true });
    expect(o.summary.solver.reason).toMatch(/not a network LP/);
  });

  it('enough small-company demand: the share holds without limiting anyone', async () => {
    const o = solved(
      await run([app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'), app('K-S1', 'H', 'W09-SMALL', 5000, 200, 70, '小型'), app('K-S2', 'I', 'W09-SMALL', 5000, 200, 60, '微型'), app('K-S3', 'J', 'W09-SMALL', 5000, 200, 60, '微型'), app('K-S4', 'K', 'W09-SMALL', 5000, 200, 60, '小型')]),
    );
    for (const a of o.allocations) expect(a.grant).toBe('2000000.00');
    expect(o.summary.shares![0]).toMatchObject({ share: '0.8', binding: null, qualifyingDemandShort: false });
  });

  it('a maximum share binds the other way: the qualifying applications are held back', async () => {
    const p = policy({ shares: [{ id: 'S-CAP', clause: '第九条', name: { zh: '小企业比例上限', en: 'small at most' }, measures: ['W09-SMALL'], where: { size: ['小型', '微型'] }, max: '50%' }] });
    const o = solved(await run([app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 60, '大型'), app('K-S1', 'H', 'W09-SMALL', 5000, 200, 95, '小型'), app('K-S2', 'I', 'W09-SMALL', 5000, 200, 90, '微型')], {}, p));
    const g = byId(o);
    expect(g.get('K-BIG')!.grant).toBe('2000000.00');
    expect(new D(g.get('K-S1')!.grant).plus(g.get('K-S2')!.grant).toFixed(2)).toBe('2000000.00');
    expect(g.get('K-S2')!.binding).toBe('share');
    expect(o.summary.shares![0]).toMatchObject({ binding: 'max', share: '0.5' });
  });

  it('a floor on the measure that the share cannot let through is infeasible, naming the floor and the share', async () => {
    const o = await run([app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'), app('K-SMALL', 'H', 'W09-SMALL', 500, 100, 70, '小型')], { measureBudgets: { 'W09-SMALL': { min: '200万' } } });
    expect(o.status).toBe('infeasible');
    if (o.status !== 'infeasible') return;
    expect(o.conflicts.map((c) => c.limit).join(' ')).toMatch(/measure_min:W09-SMALL.*share_min:S-SMALL/);
  });

  it('with integer rules: an all-or-nothing grant the share leaves no room for gets nothing, and the reason names the share', async () => {
    const o = solved(await run([app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'), app('K-SMALL', 'H', 'W09-SMALL', 500, 100, 70, '小型'), app('K-S2', 'I', 'W09-SMALL', 200, 40, 65, '微型')], { allOrNothing: true }));
    const g = byId(o);
    // Small: 100万 + 40万; 80% of the measure's money → others at most 35万, less than K-BIG's 200万: all or nothing gives it 0.
    expect(g.get('K-SMALL')!.grant).toBe('1000000.00');
    expect(g.get('K-S2')!.grant).toBe('400000.00');
    expect(g.get('K-BIG')!.grant).toBe('0.00');
    expect(g.get('K-BIG')!.binding).toBe('all_or_nothing');
    expect(g.get('K-BIG')!.note).toContain('小企业资金比例');
    expect(o.summary.verification.violations).toBe(0);
  });

  it('with a minimum share of the entitlement, a partial grant fits under the share exactly', async () => {
    const o = solved(await run([app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'), app('K-SMALL', 'H', 'W09-SMALL', 500, 100, 70, '小型')], { minShare: 0.1 }));
    const g = byId(o);
    expect(g.get('K-SMALL')!.grant).toBe('1000000.00');
    expect(g.get('K-BIG')!.grant).toBe('250000.00');
    expect(o.summary.verification.violations).toBe(0);
  });

  it('in whole units of ¥10,000, rounding repairs the share by giving to the qualifying first (room left), not only by taking from the others', async () => {
    // At least 55% of W01 and W02 together to small companies, ¥1,650,000 of budget: the LP gives
    // L-BIG ¥742,500 and L-SMALL ¥907,500; rounded down, 740,000 / 900,000 is 54.9% small. One
    // unit more to L-SMALL (the budget has it) makes 55.15% and keeps L-BIG's ¥740,000; taking one
    // from L-BIG instead would leave it ¥730,000 and a floor of ¥740,000 under W01 unmet.
    const share = { shares: [{ id: 'S-HALF', clause: '第九条', name: { zh: '小企业资金比例', en: 'share for small companies' }, measures: ['W01-CROSS', 'W02-ROLLOUT'], where: { size: ['小型', '微型'] }, min: '55%' }] };
    const records = [app('L-BIG', 'F', 'W01-CROSS', 250, 75, 90, '大型'), app('L-SMALL', 'H', 'W02-ROLLOUT', 1000, 300, 80, '小型')];
    for (const extra of [{}, { measureBudgets: { 'W01-CROSS': { min: '74万' } } }]) {
      const g = byId(solved(await run(records, { budget: '165万', granularity: '10000', ...extra }, policy(share))));
      expect([g.get('L-BIG')!.grant, g.get('L-SMALL')!.grant]).toEqual(['740000.00', '910000.00']);
    }
  });

  it('is not combined with a proportional objective yet: an input issue, not a wrong answer', async () => {
    const records = [app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'), app('K-SMALL', 'H', 'W09-SMALL', 500, 100, 70, '小型')];
    const e = await run(records, { objective: 'proportional' }).catch((x: unknown) => x);
    expect(JSON.stringify((e as { issues?: unknown }).issues)).toMatch(/share rule/);
  });
});

describe('later batches', () => {
  it('a project known only from a lock file under a share is an input error: its company size is not in the lock file', async () => {
    const batch1 = [app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'), app('K-SMALL', 'H', 'W09-SMALL', 500, 100, 70, '小型')];
    const dir = mkdtempSync(join(tmpdir(), 'fundplan-share-lock-'));
    try {
      await writeOutputs(solved(await run(batch1)), dir);
      const batch2 = [app('K-NEW', 'J', 'W09-SMALL', 1000, 200, 90, '微型')];
      const e = await solve({ scenario: scenario(), policy: policy(), applications: batch2 }, { timings: false, lock: join(dir, 'allocations.csv') }).catch((x: unknown) => x);
      const issues = JSON.stringify((e as { issues?: unknown }).issues);
      expect(issues).toContain('only in the lock file');
      expect(issues).toContain('share S-SMALL');
      // With batch one's applications in the file too, the share counts its grants on their side.
      const o = solved(await solve({ scenario: scenario(), policy: policy(), applications: [...batch1, ...batch2] }, { timings: false, lock: join(dir, 'allocations.csv') }));
      expect(o.summary.verification.violations).toBe(0);
      expect(o.summary.shares![0]!.qualifying).toBe(new D(byId(o).get('K-SMALL')!.grant).plus(byId(o).get('K-NEW')!.grant).toFixed(2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a share maximum earlier batches already pass', () => {
  it('is infeasible with the share named (exit 2), not an internal error: no new grant can bring the large companies back under it', async () => {
    const batch1 = [app('B-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'), app('B-SMALL', 'H', 'W09-SMALL', 500, 100, 70, '小型')];
    const dir = mkdtempSync(join(tmpdir(), 'fundplan-share-max-lock-'));
    try {
      await writeOutputs(solved(await run(batch1, {}, policy({ shares: [] }))), dir);
      // At most 5% to large companies: batch one's ¥2,000,000 to B-BIG needs ¥40,000,000 under the measure, and B-NEW can add ¥2,000,000.
      const capped = policy({ shares: [{ id: 'S-BIG', clause: '第九条', name: { zh: '大企业资金比例', en: 'share for large companies' }, measures: ['W09-SMALL'], where: { size: ['大型'] }, max: '5%' }] });
      const batch2 = [...batch1, app('B-NEW', 'J', 'W09-SMALL', 1000, 200, 90, '微型')];
      const o = await solve({ scenario: scenario(), policy: capped, applications: batch2 }, { timings: false, lock: join(dir, 'allocations.csv') });
      expect(o.status).toBe('infeasible');
      if (o.status !== 'infeasible') return;
      const share = o.conflicts.find((c) => c.limit.startsWith('share_max:S-BIG'));
      expect(share?.description).toContain('¥2,000,000');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the verifier checks each limit on its own', () => {
  it('catches a grant over the annual cap (exempt measures aside), over a joint cap, and a share below its minimum', () => {
    const records = [
      app('A-PLAT', 'A', 'W01-CROSS', 5000, 1000, 95),
      app('A-R1', 'A', 'W02-ROLLOUT', 2000, 500, 90),
      app('A-R2', 'A', 'W02-ROLLOUT', 2000, 500, 85),
      app('M1', 'D', 'W06-MAKER', 2000, 375, 90, '中型', 'P-1'),
      app('U1', 'E', 'W06-USER', 2000, 375, 85, '中型', 'P-1'),
      app('K-BIG', 'F', 'W09-SMALL', 1000, 200, 95, '大型'),
      app('K-SMALL', 'H', 'W09-SMALL', 500, 100, 70, '小型'),
    ];
    const loaded = loadInput({ scenario: scenario(), policy: policy(), applications: records });
    const wan = (v: number) => new D(v).times(10_000);
    const check = (grants: number[]) => verifyAllocation(loaded.policy, loaded.scenario, loaded.applications, grants.map(wan)).violations.map((v) => v.rule);
    // Within every rule: the exempt award is not counted in the 800万.
    expect(check([1000, 500, 300, 375, 125, 25, 100])).toEqual([]);
    expect(check([1000, 500, 400, 375, 125, 25, 100]).join(' ')).toMatch(/companyAnnualCap/);
    expect(check([1000, 500, 300, 375, 200, 25, 100]).join(' ')).toMatch(/jointCap J-FIRST-SET/);
    expect(check([1000, 500, 300, 375, 125, 50, 100]).join(' ')).toMatch(/share S-SMALL/);
  });
});
