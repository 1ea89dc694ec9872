/**
 * The formats of fundplan's files: summary.json against its zod schema and the generated JSON
 * Schema on real runs (the bundled scenario and the fixtures that reach the optional fields),
 * the committed JSON Schemas against freshly generated ones, editors' view of the bundled
 * scenario and policy, and compare refusing a summary that is not of this format.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { stoppedAtTimeLimit } from './helpers/stopped.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompare } from '../src/commands/compare.js';
import { runSolve, type SolveCommandOptions } from '../src/commands/solve.js';
import { InputError } from '../src/errors.js';
import { parsePolicy } from '../src/model/policy.js';
import { parseScenario } from '../src/model/scenario.js';
import { SUMMARY_SCHEMA_VERSION, SummarySchema, type Summary } from '../src/report/summary.js';
import { createHighsBackend } from '../src/solver/highs.js';
import type { Backend } from '../src/solver/types.js';
import { jsonSchemaFiles, jsonSchemaOf, SCHEMA_FOLDER, type SchemaFile } from '../scripts/json-schemas.js';
import { baseScenario, csv, fixture, HEADER, REPO, removeFixtures, ROWS } from './helpers/cli-fixtures.js';

afterAll(removeFixtures);

const SCENARIO = join(REPO, 'scenarios/shenzhen-2019/scenario.json');
const POLICY_FILE = join(REPO, 'scenarios/policies/shenzhen-iiot-2018.json');
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

const ajv = new Ajv2020({ allErrors: true });
const validators = new Map<SchemaFile, ValidateFunction>();
/** Validate with the committed JSON Schema, as an editor or another tool would. */
function validate(name: SchemaFile, value: unknown): string[] {
  if (!validators.has(name)) validators.set(name, ajv.compile(readJson(join(REPO, SCHEMA_FOLDER, name)) as object));
  const v = validators.get(name)!;
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Both the zod schema (as compare reads it) and the JSON Schema accept the summary. */
function expectValidSummary(summary: unknown): Summary {
  expect(validate('summary.schema.json', summary)).toEqual([]);
  const r = SummarySchema.safeParse(summary);
  expect(r.success ? [] : r.error.issues).toEqual([]);
  return r.data!;
}

/** Solve, and summary.json as written. */
async function solvedSummary(options: SolveCommandOptions): Promise<Record<string, unknown>> {
  await runSolve(options);
  return readJson(join(options.out, 'summary.json')) as Record<string, unknown>;
}

describe('summary.json', () => {
  let bundled: Record<string, unknown>;
  beforeAll(async () => {
    bundled = await solvedSummary({ scenario: SCENARIO, out: mkdtempSync(join(tmpdir(), 'fundplan-schema-')) });
  });

  it('of the bundled scenario (with timings) matches the schema, version first', () => {
    expect(Object.keys(bundled)[0]).toBe('schemaVersion');
    const s = expectValidSummary(bundled);
    expect(s.schemaVersion).toBe(SUMMARY_SCHEMA_VERSION);
    expect(s.timingsMs).toBeDefined();
    expect(Object.keys(s.marginalValues).length).toBeGreaterThan(0);
  });

  it('reads back as written: parsing drops, renames or converts nothing', () => {
    expect(SummarySchema.parse(bundled)).toEqual(bundled);
  });

  it('a field the schema does not know, or a missing one, fails both schemas', () => {
    const extra = { ...bundled, surplus: '0.00' };
    expect(SummarySchema.safeParse(extra).success).toBe(false);
    expect(validate('summary.schema.json', extra)).not.toEqual([]);
    const { granted: _granted, ...missing } = bundled;
    expect(SummarySchema.safeParse(missing).success).toBe(false);
    expect(validate('summary.schema.json', missing)).not.toEqual([]);
  });

  it('integer rules with decisions, --no-timings: the model of the integer path', async () => {
    const header = [...HEADER, '资助决定', '决定理由'];
    const rows = ROWS.map((r) => [...r, ...(r[0] === 'SZ-002' ? ['不予资助', '重复申报'] : r[0] === 'SZ-003' ? ['必须资助', ''] : ['', ''])]);
    const f = fixture({ scenario: { ...baseScenario(), allOrNothing: true }, applications: csv(rows, header) });
    const written = await solvedSummary({ scenario: f.scenario, out: f.out, noTimings: true });
    expect(written).not.toHaveProperty('timingsMs');
    const s = expectValidSummary(written);
    expect(s.objective.model).toMatchObject({ model: 'integer', integer: { status: 'optimal', tieRule: 'applied' }, forced: 1, excluded: 1 });
  });

  it('the proportional objective: the common share and the applications stopped early', async () => {
    const f = fixture({ scenario: { ...baseScenario(), budget: '5000000', objective: 'proportional', companyAnnualCap: '1000000' } });
    const s = expectValidSummary(await solvedSummary({ scenario: f.scenario, out: f.out, noTimings: true }));
    expect(s.objective.model).toMatchObject({ model: 'proportional', commonShare: expect.any(String) });
    expect(s.objective.model?.stoppedEarly?.length).toBeGreaterThan(0);
  });

  describe('stopped by the time limit', () => {
    let stopped: Backend;
    beforeAll(async () => {
      const highs = await createHighsBackend();
      stopped = stoppedAtTimeLimit(highs);
    });

    it('the priority LP: status time_limit and what stopped it', async () => {
      const f = fixture();
      const s = expectValidSummary(await solvedSummary({ scenario: f.scenario, out: f.out, noTimings: true, solver: () => ({ backend: stopped, reason: 'given' }), timeLimitSeconds: 5 }));
      expect(s).toMatchObject({ status: 'time_limit', stoppedBy: 'time limit reached' });
    });

    it('the integer model: its status, gap and the tie rule not applied', async () => {
      const f = fixture({ scenario: { ...baseScenario(), allOrNothing: true } });
      const s = expectValidSummary(await solvedSummary({ scenario: f.scenario, out: f.out, noTimings: true, solver: () => ({ backend: stopped, reason: 'given' }), timeLimitSeconds: 5 }));
      expect(s.objective.model?.integer).toMatchObject({ status: 'time-limit', timeLimitSeconds: 5, tieRule: 'not applied: the solve stopped at the time limit' });
    });
  });

  it('a later batch with locked grants', async () => {
    const f = fixture({ scenario: { ...baseScenario(), budget: '3000000' } });
    await runSolve({ scenario: f.scenario, out: join(f.dir, 'first'), noTimings: true });
    writeFileSync(f.scenario, JSON.stringify({ ...baseScenario(), budget: '9000000' }));
    const s = expectValidSummary(await solvedSummary({ scenario: f.scenario, out: f.out, noTimings: true, lock: join(f.dir, 'first', 'allocations.csv') }));
    expect(s.batches.locked.applications).toBeGreaterThan(0);
  });
});

describe('the JSON Schemas in schema/', () => {
  it('are what the zod schemas generate (npm run schemas)', () => {
    for (const f of jsonSchemaFiles()) expect(readFileSync(join(REPO, SCHEMA_FOLDER, f.name), 'utf8'), f.name).toBe(f.content);
  });

  it('leave no value undescribed: every property, item and alternative states a type, constant or choice', () => {
    const holes: string[] = [];
    const walk = (s: Record<string, unknown>, at: string): void => {
      if (!['type', 'const', 'enum', 'anyOf', 'oneOf', 'allOf', '$ref'].some((k) => k in s)) holes.push(at);
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(v, `${at}.${k}`);
      for (const k of ['items', 'additionalProperties'] as const) if (typeof s[k] === 'object') walk(s[k] as Record<string, unknown>, `${at}.${k}`);
      for (const k of ['anyOf', 'oneOf'] as const) {
        // An alternative that only says which keys must be present (a scenario with or without `extends`) has no value to type.
        const alternatives = ((s[k] ?? []) as Record<string, unknown>[]).entries();
        for (const [i, v] of alternatives) if (Object.keys(v).join() !== 'required') walk(v, `${at}.${k}[${i}]`);
      }
    };
    for (const f of jsonSchemaFiles()) walk(jsonSchemaOf(f.name), f.name);
    expect(holes).toEqual([]);
  });

  it('accept the bundled scenario and policy, which name them', () => {
    const scenario = readJson(SCENARIO) as Record<string, unknown>;
    const policy = readJson(POLICY_FILE) as Record<string, unknown>;
    expect(scenario.$schema).toBe('../../schema/scenario.schema.json');
    expect(policy.$schema).toBe('../../schema/policy.schema.json');
    expect(validate('scenario.schema.json', scenario)).toEqual([]);
    expect(validate('policy.schema.json', policy)).toEqual([]);
    // The parsers accept the key too (and ignore it).
    expect(parseScenario(scenario, 'scenario.json').name).toBe(scenario.name);
    expect(parsePolicy(policy, 'policy.json').id).toBe(policy.id);
  });

  it('describe the input: amounts as numbers or strings such as "150万"', () => {
    const scenario = { name: 's', policy: 'p.json', applications: 'a.csv', year: 2019, budget: '150万', measureBudgets: { 'P10-APPLICATION': { min: 3_000_000 } } };
    expect(validate('scenario.schema.json', scenario)).toEqual([]);
    expect(validate('scenario.schema.json', { ...scenario, budget: true })).not.toEqual([]);
  });

  it('a scenario that extends another needs none of the fields its base sets; one that does not needs them', () => {
    expect(validate('scenario.schema.json', { extends: 'base.json', name: 'more', budget: '5亿' })).toEqual([]);
    expect(validate('scenario.schema.json', { name: 'alone', budget: '5亿' })).not.toEqual([]);
  });

  it('reject a misspelt key in a scenario and an unknown key in a policy measure', () => {
    const scenario = readJson(SCENARIO) as Record<string, unknown>;
    const { budget, ...rest } = scenario;
    expect(validate('scenario.schema.json', { ...rest, budegt: budget }).join('\n')).toMatch(/must NOT have additional properties.*budegt/);
    const policy = readJson(POLICY_FILE) as { measures: Record<string, unknown>[] };
    const measures = policy.measures.map((m, i) => (i === 2 ? { ...m, ratee: '0.3' } : m));
    expect(validate('policy.schema.json', { ...policy, measures }).join('\n')).toMatch(/^\/measures\/2 must NOT have additional properties.*ratee/m);
  });

  it('accept what the parsers accept and reject a $schema that is not a string, as they do', () => {
    const scenario = { $schema: 7, name: 's', policy: 'p.json', applications: 'a.csv', year: 2019, budget: 1 };
    expect(validate('scenario.schema.json', scenario)).not.toEqual([]);
    expect(() => parseScenario(scenario, 'scenario.json')).toThrow(InputError);
  });
});

describe('compare on a finished run', () => {
  /** A solved fixture's run folder, its summary.json changed by `tamper`; the issues compare reports. */
  async function issuesAfter(tamper: (s: Record<string, unknown>) => Record<string, unknown>): Promise<InputError['issues']> {
    const f = fixture();
    await runSolve({ scenario: f.scenario, out: f.out, noTimings: true });
    const path = join(f.out, 'summary.json');
    writeFileSync(path, JSON.stringify(tamper(readJson(path) as Record<string, unknown>), null, 2));
    const error = await runCompare({ inputs: [f.out, f.scenario], out: join(f.dir, 'cmp') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).issues;
  }

  it('as written: read and compared with its own scenario, no changes', async () => {
    const f = fixture();
    await runSolve({ scenario: f.scenario, out: f.out, noTimings: true });
    const out = await runCompare({ inputs: [f.out, f.scenario], out: join(f.dir, 'cmp') });
    expect(out.changes[0]).toEqual([]);
  });

  it('a hand-edited summary.json is an input error naming the file, the path in it, expected and found', async () => {
    const issues = await issuesAfter((s) => ({ ...s, granted: 8000000, byMeasure: (s.byMeasure as object[]).map((m, i) => (i === 1 ? { ...m, funded: 'two' } : m)) }));
    expect(issues).toEqual([
      { file: expect.stringMatching(/out[\\/]summary\.json$/), row: 'granted', expected: 'string', found: '8000000' },
      { file: expect.stringMatching(/out[\\/]summary\.json$/), row: 'byMeasure[1].funded', expected: 'number', found: '"two"' },
    ]);
  });

  it('a summary of another format version (or none) says so', async () => {
    const issues = await issuesAfter(({ schemaVersion: _version, ...s }) => s);
    expect(issues).toEqual([{ file: expect.stringMatching(/out[\\/]summary\.json$/), row: 'schemaVersion', expected: expect.stringContaining(`format version ${SUMMARY_SCHEMA_VERSION}`), found: 'nothing' }]);
  });
});
