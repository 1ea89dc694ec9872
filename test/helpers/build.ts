/** Build applications, scenarios and the bundled policy in tests, with hand-set numbers. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { D } from '../../src/money.js';
import type { Application } from '../../src/model/application.js';
import { parsePolicy, type Policy } from '../../src/model/policy.js';
import { parseScenario, type Scenario } from '../../src/model/scenario.js';
import { allocate, type Allocation } from '../../src/model/allocate.js';
import { jslpBackend } from '../../src/solver/jslp.js';
import { verifyAllocation } from '../../src/verify/verify.js';
import { explainAll } from '../../src/report/explain.js';

export const POLICY_PATH = fileURLToPath(new URL('../../scenarios/policies/shenzhen-iiot-2018.json', import.meta.url));
export const SHENZHEN: Policy = parsePolicy(JSON.parse(readFileSync(POLICY_PATH, 'utf8')), 'shenzhen-iiot-2018.json');

type AmountIn = string | number | null | undefined;
const amount = (v: AmountIn) => (v === null || v === undefined ? null : new D(v));

export interface AppSpec {
  id: string;
  measure: string;
  company?: string;
  score?: number | string;
  year?: number;
  total?: AmountIn;
  base?: AmountIn;
  requested?: AmountIn;
  upper?: AmountIn;
  district?: string;
  name?: string;
  /** Values of the policy's attributes, as canonical text (an enum's value, a date as yyyy-mm-dd). */
  attributes?: Record<string, string>;
}

export function apps(specs: readonly AppSpec[]): Application[] {
  return specs.map((s, index) => ({
    index,
    row: index + 2,
    projectId: s.id,
    projectName: s.name ?? `项目${s.id}`,
    companyId: s.company ?? `C-${s.id}`,
    companyName: `企业${s.company ?? s.id}`,
    district: s.district ?? '南山区',
    measure: s.measure,
    measureId: s.measure,
    year: s.year ?? 2019,
    totalInvestment: amount(s.total),
    eligibleBase: amount(s.base),
    requested: amount(s.requested),
    upperFunding: amount(s.upper),
    score: new D(s.score ?? 80),
    extra: {},
    ...(s.attributes ? { attributes: s.attributes } : {}),
  }));
}

export function scenario(fields: Record<string, unknown>): Scenario {
  return parseScenario({ name: 't', policy: 'p.json', applications: 'a.csv', year: 2019, ...fields }, 'scenario.json');
}

/** Allocate with the jslp backend and assert the independent verifier passes. */
export function solveVerified(list: Application[], s: Scenario, policy: Policy = SHENZHEN): Allocation {
  const a = allocate(list, policy, s, jslpBackend);
  const v = verifyAllocation(policy, s, list, a.lines.map((l) => l.grant));
  if (v.violations.length) throw new Error('verifier: ' + JSON.stringify(v.violations));
  return a;
}

/** Grants by project id, as yuan strings with 2 decimals. */
export function grants(a: Allocation): Record<string, string> {
  return Object.fromEntries(a.lines.map((l) => [l.app.projectId, l.grant.toFixed(2)]));
}

export function bindings(a: Allocation): Record<string, string> {
  return Object.fromEntries(a.lines.map((l) => [l.app.projectId, l.binding]));
}

/** The words of the rule that set line `i`'s grant (the model gives a code, the report the words), or undefined. */
export function ruleNoteText(a: Allocation, i: number, s: Scenario, lang: 'zh' | 'en' = 'zh', policy: Policy = SHENZHEN): string | undefined {
  if (!a.lines[i]!.ruleNote) return undefined;
  return explainAll({ allocation: a, scenario: s, policy, fundingLine: null }, lang)[i]!.oneLine;
}
