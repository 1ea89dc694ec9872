/**
 * Scenario files that build on each other: `"extends": "base.json"` takes every field of
 * the base and overrides it with the extending file's own (measureBudgets merge per
 * measure; `extends` itself is not inherited). Relative paths resolve from the file that
 * names them. A cycle or a missing base is an error naming the file and the field.
 */
import { dirname, relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parseJson, readInput } from './files.js';

export interface ScenarioFile {
  /** As shown in messages (relative to the current directory). */
  readonly shown: string;
  /** As named by the file that extends it (or the file name itself for the leaf). */
  readonly named: string;
  readonly sha256: string;
}

export interface ScenarioChain {
  /** The merged JSON, ready for the schema. */
  readonly json: Record<string, unknown>;
  /** Leaf first, then each base. */
  readonly files: readonly ScenarioFile[];
  /** The folder each path-valued field is relative to (the file that set it). */
  readonly dirOf: Readonly<Record<(typeof PATH_FIELDS)[number], string>>;
  /** The shown path of the file that set each field, for messages. */
  readonly fileOf: Readonly<Record<string, string>>;
}

const PATH_FIELDS = ['policy', 'applications', 'lock', 'commitments', 'plan'] as const;

export function readScenarioChain(path: string): ScenarioChain {
  const files: ScenarioFile[] = [];
  const layers: { json: Record<string, unknown>; dir: string; shown: string }[] = [];
  const seen: string[] = [];
  let current = resolve(path);
  let named = path.split(/[\\/]/).pop()!;
  for (;;) {
    const shown = relative(process.cwd(), current) || current;
    if (seen.includes(current)) {
      const cycle = [...seen, current].map((p) => relative(process.cwd(), p) || p).join(' → ');
      throw new InputError([{ file: shown, row: 'extends', expected: 'a chain of scenarios without a cycle', found: cycle }]);
    }
    seen.push(current);
    const file = readInput(current, shown);
    const json = parseJson(file, shown);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new InputError([{ file: shown, expected: 'a JSON object', found: Array.isArray(json) ? 'an array' : JSON.stringify(json) }]);
    }
    files.push({ shown, named, sha256: file.sha256 });
    layers.push({ json: json as Record<string, unknown>, dir: dirname(current), shown });
    const base = (json as Record<string, unknown>).extends;
    if (base === undefined) break;
    if (typeof base !== 'string' || base.trim() === '') {
      throw new InputError([{ file: shown, row: 'extends', expected: 'the path of a base scenario file', found: JSON.stringify(base) }]);
    }
    const next = resolve(dirname(current), base);
    try {
      readInput(next, relative(process.cwd(), next));
    } catch {
      throw new InputError([{ file: shown, row: 'extends', expected: 'an existing base scenario file', found: `${JSON.stringify(base)} (no such file)` }]);
    }
    current = next;
    named = base;
  }
  // Apply from the deepest base to the leaf.
  const json: Record<string, unknown> = {};
  const dirOf: Record<string, string> = {};
  const fileOf: Record<string, string> = {};
  for (const [depth, layer] of [...layers].reverse().entries()) {
    // A layer that names another applications file starts afresh on its sheet: a base's sheet
    // name belongs to the base's workbook.
    if (depth > 0 && 'applications' in layer.json && !('sheet' in layer.json)) {
      delete json.sheet;
      delete fileOf.sheet;
    }
    for (const [key, value] of Object.entries(layer.json)) {
      if (key === 'extends') continue;
      if (key === 'measureBudgets' && isObject(value) && isObject(json.measureBudgets)) {
        json.measureBudgets = { ...json.measureBudgets, ...value };
      } else json[key] = value;
      fileOf[key] = layer.shown;
      if ((PATH_FIELDS as readonly string[]).includes(key)) dirOf[key] = layer.dir;
    }
  }
  const dirOfField = (f: (typeof PATH_FIELDS)[number]) => dirOf[f] ?? layers[0]!.dir;
  return {
    json,
    files,
    dirOf: { policy: dirOfField('policy'), applications: dirOfField('applications'), lock: dirOfField('lock'), commitments: dirOfField('commitments'), plan: dirOfField('plan') },
    fileOf,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
