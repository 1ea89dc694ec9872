/**
 * What the what-if page holds: the loaded scenario (its applications, policy and settings) and
 * the grants earlier batches locked, as JSON. Decimals and maps do not survive JSON, so values
 * are encoded: a Decimal as `{"$d": "123.45"}` (its exact digits), a Map as `{"$m": [[k, v], …]}`,
 * and a plain object's own keys that start with `$` gain one more `$` (so a column named `$d`
 * stays a column). `decodeValue` gives back the same values (model Decimals, Maps).
 */
import type { Decimal } from 'decimal.js';
import { D } from '../money.js';
import type { Application } from '../model/application.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import type { Lang } from '../report/i18n/index.js';

/** The page's data, as embedded (JSON). */
export interface WhatIfData {
  readonly format: 'fundplan-whatif/1';
  readonly lang: Lang;
  /** The scenario file that an exported scenario `extends` (absolute path). */
  readonly extends: string;
  /** The lock files an exported scenario names, relative to the page's folder, as `extends` (absent: it inherits the original's `lock`). */
  readonly lock?: readonly string[];
  readonly policy: unknown;
  readonly scenario: unknown;
  readonly applications: unknown;
  /** Grants locked by earlier batches, by project id (yuan): absent when there are none. */
  readonly locked?: readonly (readonly [string, string])[];
}

/** The same, decoded: what the solver works on. */
export interface WhatIfInput {
  readonly lang: Lang;
  readonly extends: string;
  readonly lock?: readonly string[] | undefined;
  readonly policy: Policy;
  readonly scenario: Scenario;
  readonly applications: readonly Application[];
  readonly locked: ReadonlyMap<string, Decimal> | undefined;
}

export function encodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Map) return { $m: [...v.entries()].map(([k, x]) => [encodeValue(k), encodeValue(x)]) };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (D.isDecimal(v)) return { $d: v.toString() };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k.startsWith('$') ? `$${k}` : k] = encodeValue(x);
  return out;
}

export function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === '$d' && typeof o.$d === 'string') return new D(o.$d);
  if (keys.length === 1 && keys[0] === '$m' && Array.isArray(o.$m)) return new Map((o.$m as unknown[][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k.startsWith('$$') ? k.slice(1) : k] = decodeValue(o[k]);
  return out;
}

export function encodeInput(input: WhatIfInput): WhatIfData {
  return {
    format: 'fundplan-whatif/1',
    lang: input.lang,
    extends: input.extends,
    ...(input.lock?.length ? { lock: input.lock } : {}),
    policy: encodeValue(input.policy),
    scenario: encodeValue(input.scenario),
    applications: encodeValue(input.applications),
    ...(input.locked?.size ? { locked: [...input.locked].map(([id, g]) => [id, g.toString()] as const) } : {}),
  };
}

export function decodeInput(data: WhatIfData): WhatIfInput {
  if (data.format !== 'fundplan-whatif/1') throw new Error(`what-if data of format ${JSON.stringify(data.format)}, expected fundplan-whatif/1`);
  return {
    lang: data.lang,
    extends: data.extends,
    lock: data.lock,
    policy: decodeValue(data.policy) as Policy,
    scenario: decodeValue(data.scenario) as Scenario,
    applications: decodeValue(data.applications) as Application[],
    locked: data.locked ? new Map(data.locked.map(([id, g]) => [id, new D(g)])) : undefined,
  };
}
