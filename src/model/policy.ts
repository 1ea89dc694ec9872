/**
 * A policy is data: measures, each with the money rules the text states.
 * Validated with zod; every rule keeps its measure's clause so outputs trace to the text.
 */
import { z } from 'zod';
import { D } from '../money.js';
import { InputError } from '../errors.js';
import { zodToIssues } from './zod-issues.js';

const decimalString = z
  .union([z.string(), z.number()], { error: 'a non-negative decimal number such as "0.3"' })
  .transform((v) => String(v).trim())
  .refine((v) => /^\d+(\.\d+)?$/.test(v), { message: 'a non-negative decimal number such as "0.3"' });
const amount = decimalString.refine((v) => new D(v).times(100).isInteger(), {
  message: 'an amount in yuan with at most 2 decimals',
});
const rate = decimalString.refine((v) => new D(v).gt(0) && new D(v).lte(1), { message: 'a rate in (0, 1], e.g. "0.3"' });
const text = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();

const rule = z.discriminatedUnion('type', [
  /** grant ≤ rate × base, base = eligible_base (defaults to total_investment); the base is required. */
  z.object({ type: z.literal('rate'), rate }).strict(),
  /** The text states no rate: grant ≤ base when a base is given. */
  z.object({ type: z.literal('baseCeiling') }).strict(),
  /** grant ≤ amount for one project (one product, one event). */
  z.object({ type: z.literal('projectCap'), amount }).strict(),
  /** 每家…每年最高: Σ grants of one company under this measure in one year ≤ amount. */
  z.object({ type: z.literal('companyCap'), amount, period: z.literal('year') }).strict(),
  /**
   * 配套 matching of the upper-level (national + provincial) grant U, total investment T:
   * U > 0: grant ≤ ratio × U; always: U + grant ≤ totalShare × T;
   * U absent or 0 (no amount stated upstream): grant ≤ fallbackCap.
   */
  z
    .object({ type: z.literal('matching'), ratio: decimalString, totalShare: rate, fallbackCap: amount })
    .strict(),
]);

const measure = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'an id of letters, digits, - _ .'),
    clause: z.string().min(1),
    name: text,
    aliases: z.array(z.string().min(1)).default([]),
    /** What the rate applies to, in words (平台建设总投入, 服务费 …), for reports. */
    base: text.optional(),
    /** "award": a fixed award with no investment base (total_investment may be empty). */
    kind: z.enum(['project', 'award', 'matching']),
    rules: z.array(rule).min(1),
  })
  .strict();

export const policySchema = z
  .object({
    $schema: z.string().describe('The JSON Schema this file follows, for editors (schema/policy.schema.json); fundplan does not read it').optional(),
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
    name: text,
    document: z.string().optional(),
    source: z.string().optional(),
    validFrom: z.string().optional(),
    validTo: z.string().optional(),
    measures: z.array(measure).min(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.measures.forEach((m, i) => {
      for (const key of [m.id.toLowerCase(), m.name.zh, ...m.aliases]) {
        const prev = seen.get(key);
        if (prev !== undefined && prev !== i) {
          ctx.addIssue({ code: 'custom', path: ['measures', i], message: `names unique across measures ("${key}" is also used by measures[${prev}])` });
        }
        seen.set(key, i);
      }
      const kinds = m.rules.map((r) => r.type);
      for (const t of ['rate', 'projectCap', 'companyCap', 'matching'] as const) {
        if (kinds.filter((k) => k === t).length > 1) {
          ctx.addIssue({ code: 'custom', path: ['measures', i, 'rules'], message: `at most one "${t}" rule per measure` });
        }
      }
      if (!kinds.some((k) => k === 'rate' || k === 'projectCap' || k === 'matching')) {
        ctx.addIssue({ code: 'custom', path: ['measures', i, 'rules'], message: 'a per-project ceiling: a "rate", "projectCap" or "matching" rule' });
      }
      if (m.kind === 'matching' && !kinds.includes('matching')) {
        ctx.addIssue({ code: 'custom', path: ['measures', i, 'rules'], message: 'a "matching" rule in a measure of kind "matching"' });
      }
    });
  })
  .meta({ title: 'fundplan policy', description: 'A policy as data: its measures, each with the money rules the text states. Amounts are yuan, rates decimals, as strings or numbers.' });

export type Policy = z.infer<typeof policySchema>;
export type Measure = Policy['measures'][number];
export type Rule = Measure['rules'][number];

export function parsePolicy(json: unknown, file: string): Policy {
  const r = policySchema.safeParse(json);
  if (!r.success) throw new InputError(zodToIssues(r.error, file, json));
  return r.data;
}

export function ruleOf<T extends Rule['type']>(m: Measure, type: T): Extract<Rule, { type: T }> | undefined {
  return m.rules.find((r): r is Extract<Rule, { type: T }> => r.type === type);
}

/** Does the measure's grant need an investment base (rate) or total investment (matching)? */
export function needsBase(m: Measure): boolean {
  return m.rules.some((r) => r.type === 'rate');
}
