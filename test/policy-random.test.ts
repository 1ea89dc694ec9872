/**
 * Random instances of a policy with every coupling rule of the policy language — a company cap
 * per measure, the annual cap with an exempt measure, joint caps per company and per product, a
 * minimum or maximum share for small companies, a measure ceiling — solved by fundplan (verified
 * inside the pipeline) and compared with an LP of the same rules written here from the policy's
 * words, solved by HiGHS: fundplan never beats the LP optimum and loses at most what whole units
 * of 100 yuan can cost.
 */
import { describe, expect, it } from 'vitest';
import { solve } from '../src/index.js';
import { createHighsBackend } from '../src/solver/highs.js';
import type { LinearProgram, Row } from '../src/solver/types.js';
import { mulberry32 } from '../scripts/synthetic.js';

interface RandomApp {
  readonly id: string;
  readonly company: string;
  readonly measure: string;
  /** Yuan. */
  readonly investment: number;
  readonly requested: number;
  readonly score: number;
  readonly size: string;
  readonly product: string;
}

const RATE = 0.3;
const CAPS: Record<string, number> = { M1: 3_000_000, M2: 2_000_000, M3: 1_500_000, M4: 1_500_000, M5: 1_000_000 };
const COMPANY_CAP_M2 = 2_500_000;

function instance(seed: number) {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const companies = int(3, 8);
  const n = int(8, 24);
  const apps: RandomApp[] = Array.from({ length: n }, (_, i) => {
    const measure = `M${int(1, 5)}`;
    const investment = int(10, 2000) * 10_000;
    return {
      id: `R${String(i).padStart(3, '0')}`,
      company: `C${int(1, companies)}`,
      measure,
      investment,
      requested: int(5, 400) * 10_000,
      score: int(60, 100),
      size: ['大型', '中型', '小型', '微型'][int(0, 3)]!,
      product: `P${int(1, 4)}`,
    };
  });
  const share = rnd() < 0.5 ? { min: [0.5, 0.6, 0.8][int(0, 2)]! } : { max: [0.3, 0.5][int(0, 1)]! };
  return {
    apps,
    budget: int(200, 2500) * 10_000,
    annualCap: int(150, 600) * 10_000,
    jointCompany: int(100, 300) * 10_000,
    jointProduct: int(100, 400) * 10_000,
    measureMax: rnd() < 0.5 ? int(100, 800) * 10_000 : null,
    share,
  };
}
type Instance = ReturnType<typeof instance>;

const SMALL = ['小型', '微型'];

function policyOf(inst: Instance) {
  const measure = (id: string) => ({
    id,
    clause: `第${id.slice(1)}条`,
    name: { zh: `措施${id}`, en: `measure ${id}` },
    kind: 'project',
    rules: [{ type: 'rate', rate: String(RATE) }, { type: 'projectCap', amount: String(CAPS[id]) }, ...(id === 'M2' ? [{ type: 'companyCap', amount: String(COMPANY_CAP_M2), period: 'year' }] : [])],
  });
  return {
    id: 'random-limits',
    name: { zh: '随机限额', en: 'random limits' },
    attributes: [
      { id: 'size', name: { zh: '企业规模', en: 'size' }, type: 'enum', values: ['大型', '中型', '小型', '微型'] },
      { id: 'product', name: { zh: '产品编号', en: 'product' }, type: 'text' },
    ],
    measures: Object.keys(CAPS).map(measure),
    companyAnnualCap: { amount: String(inst.annualCap), exempt: ['M1'], clause: '第十条' },
    jointCaps: [
      { id: 'J-CO', clause: '第七条', name: { zh: '合计', en: 'together' }, measures: ['M3', 'M4'], per: 'company', amount: String(inst.jointCompany) },
      { id: 'J-PR', clause: '第六条', name: { zh: '产品合计', en: 'per product' }, measures: ['M4', 'M5'], per: 'product', amount: String(inst.jointProduct) },
    ],
    shares: [{ id: 'S', clause: '第九条', name: { zh: '小企业比例', en: 'small share' }, measures: ['M2', 'M3'], where: { size: SMALL }, ...('min' in inst.share ? { min: String(inst.share.min) } : { max: String(inst.share.max) }) }],
  };
}

/** The same rules as an LP over one column per application, in 万元, written from the policy's words. */
function referenceLp(inst: Instance): LinearProgram {
  const W = 10_000;
  const apps = inst.apps;
  const columns = apps.map((a) => ({ lower: 0, upper: Math.floor(Math.min(RATE * a.investment, CAPS[a.measure]!, a.requested) / 100) / W * 100, cost: a.score }));
  const rows: Row[] = [];
  const sumOver = (pick: (a: RandomApp) => boolean, upper: number) => {
    const terms = apps.flatMap((a, j) => (pick(a) ? [[j, 1] as const] : []));
    if (terms.length) rows.push({ terms, lower: null, upper: upper / W });
  };
  sumOver(() => true, inst.budget);
  const companies = [...new Set(apps.map((a) => a.company))];
  const products = [...new Set(apps.map((a) => a.product))];
  for (const c of companies) {
    sumOver((a) => a.company === c && a.measure !== 'M1', inst.annualCap);
    sumOver((a) => a.company === c && a.measure === 'M2', COMPANY_CAP_M2);
    sumOver((a) => a.company === c && (a.measure === 'M3' || a.measure === 'M4'), inst.jointCompany);
  }
  for (const p of products) sumOver((a) => a.product === p && (a.measure === 'M4' || a.measure === 'M5'), inst.jointProduct);
  if (inst.measureMax !== null) sumOver((a) => a.measure === 'M1', inst.measureMax);
  // Share: Σ small ≥ s × Σ all (min), Σ small ≤ s × Σ all (max), over M2 and M3.
  const s = inst.share.min ?? inst.share.max!;
  const terms = apps.flatMap((a, j) => (a.measure === 'M2' || a.measure === 'M3' ? [[j, (SMALL.includes(a.size) ? 1 : 0) - s] as const] : []));
  if (terms.length) rows.push({ terms, ...('min' in inst.share ? { lower: 0, upper: null } : { lower: null, upper: 0 }) });
  return { sense: 'max', columns, rows };
}

function records(inst: Instance): Record<string, string>[] {
  return inst.apps.map((a) => ({
    project_id: a.id,
    project_name: `项目${a.id}`,
    company_id: a.company,
    company_name: `企业${a.company}`,
    district: '南山区',
    measure: a.measure,
    year: '2022',
    total_investment: String(a.investment),
    requested: String(a.requested),
    score: String(a.score),
    企业规模: a.size,
    产品编号: a.product,
  }));
}

describe('random instances with every coupling rule, against an LP written from the rules', () => {
  it('fundplan is verified, never above the LP optimum, and within whole-unit rounding of it', async () => {
    const highs = await createHighsBackend();
    let compared = 0;
    const bindings = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const inst = instance(seed);
      const scenario = { name: `random ${seed}`, policy: 'inline', applications: 'inline', year: 2022, budget: String(inst.budget), ...(inst.measureMax !== null ? { measureBudgets: { M1: { max: String(inst.measureMax) } } } : {}) };
      const o = await solve({ scenario, policy: policyOf(inst), applications: records(inst) }, { timings: false, solver: 'highs' });
      expect(o.status, `seed ${seed}`).toBe('optimal');
      if (o.status !== 'optimal') continue;
      expect(o.summary.verification.violations, `seed ${seed}`).toBe(0);
      const ref = highs.solve(referenceLp(inst));
      expect(ref.status, `seed ${seed}`).toBe('optimal');
      if (ref.status !== 'optimal') continue;
      const byId = new Map(inst.apps.map((a) => [a.id, a.score]));
      const objective = o.allocations.reduce((t, a) => t + byId.get(a.project_id)! * Number(a.grant), 0) / 10_000;
      // Never better than the LP; rounding to 100 yuan loses less than a unit per application, and a unit more per application the share's repair may take back.
      expect(objective, `seed ${seed}`).toBeLessThanOrEqual(ref.objective * (1 + 1e-9) + 1e-6);
      expect(objective, `seed ${seed}`).toBeGreaterThanOrEqual(ref.objective - (2 * inst.apps.length * 100 * 100) / 10_000 - 1e-6);
      compared++;
      for (const a of o.allocations) bindings.add(a.binding);
    }
    expect(compared).toBe(60);
    // The instances do exercise the rules: each stops some grant somewhere.
    for (const b of ['share', 'joint_cap', 'company_limit', 'total_budget']) expect(bindings).toContain(b);
  }, 120_000);

  it('with an all-or-nothing measure (the integer model): verified, and never above the LP relaxation', async () => {
    const highs = await createHighsBackend();
    for (let seed = 101; seed <= 120; seed++) {
      const inst = instance(seed);
      const scenario = { name: `random ${seed}`, policy: 'inline', applications: 'inline', year: 2022, budget: String(inst.budget), measureBudgets: { M3: { allOrNothing: true }, ...(inst.measureMax !== null ? { M1: { max: String(inst.measureMax) } } : {}) } };
      const o = await solve({ scenario, policy: policyOf(inst), applications: records(inst) }, { timings: false });
      expect(o.status, `seed ${seed}`).toBe('optimal');
      if (o.status !== 'optimal') continue;
      expect(o.summary.verification.violations, `seed ${seed}`).toBe(0);
      const ref = highs.solve(referenceLp(inst));
      if (ref.status !== 'optimal') throw new Error(`seed ${seed}: the reference LP is ${ref.status}`);
      const byId = new Map(inst.apps.map((a) => [a.id, a.score]));
      const objective = o.allocations.reduce((t, a) => t + byId.get(a.project_id)! * Number(a.grant), 0) / 10_000;
      expect(objective, `seed ${seed}`).toBeLessThanOrEqual(ref.objective * (1 + 1e-9) + 1e-6);
      for (const a of o.allocations) if (a.measure === 'M3' && a.grant !== '0.00') expect(a.grant, `seed ${seed} ${a.project_id}`).toBe(a.entitlement);
    }
  }, 120_000);
});
