/**
 * A policy is data: measures, each with the money rules the text states.
 * Validated with zod; every rule keeps its measure's clause so outputs trace to the text.
 */
import { z } from 'zod';
import { D, parseAmount, toHalfWidth } from '../money.js';
import { InputError } from '../errors.js';
import { zodToIssues } from './zod-issues.js';
import { nearest } from './nearest.js';

/**
 * A policy's numbers are written as a scenario's are: a rate as "0.3", 0.3 or "30%"; an amount
 * in yuan as 1500000, "1,500,000", "150万" or "0.015亿". Each becomes a plain decimal string
 * (what the rest of fundplan and the verifier read); anything else is an input issue at its
 * JSON path, never an exception.
 */
const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;
const numberOrText = (expected: string) => z.union([z.string(), z.number()], { error: expected });

/** `"30%"` → 0.3; `"0.3"` → 0.3; null when it is not a non-negative decimal or percentage. */
function decimalOrPercent(text: string): string | null {
  const s = toHalfWidth(text).trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (percent) return new D(percent[1]!).div(100).toString();
  return PLAIN_DECIMAL.test(s) ? s : null;
}

const RATIO = 'a non-negative number such as "1" (1:1) or "0.5"';
const ratio = numberOrText(RATIO).transform((v, ctx) => decimalOrPercent(String(v)) ?? (ctx.addIssue({ code: 'custom', message: RATIO }), z.NEVER));
const RATE = 'a rate in (0, 1] such as "0.3", 0.3 or "30%"';
const rate = numberOrText(RATE).transform((v, ctx) => {
  const r = decimalOrPercent(String(v));
  if (r !== null && new D(r).gt(0) && new D(r).lte(1)) return r;
  ctx.addIssue({ code: 'custom', message: r !== null && new D(r).gt(1) && new D(r).lte(100) ? `${RATE} (for ${r} percent write "${r}%")` : RATE });
  return z.NEVER;
});
const AMOUNT = 'an amount in yuan such as 3000000, "3,000,000", "300万" or "0.03亿"';
const amount = numberOrText(AMOUNT).transform((v, ctx) => {
  const text = String(v).trim();
  const r = parseAmount(text);
  if (r.ok) return PLAIN_DECIMAL.test(text) ? text : r.value.toString();
  ctx.addIssue({ code: 'custom', message: r.expected.startsWith('an amount such as') ? AMOUNT : `${r.expected}: ${AMOUNT}` });
  return z.NEVER;
});
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
    .object({ type: z.literal('matching'), ratio, totalShare: rate, fallbackCap: amount })
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
  .meta({ title: 'fundplan policy', description: 'A policy as data: its measures, each with the money rules the text states. Amounts are yuan (a number, or a string such as "3000000", "300万", "0.03亿"), rates decimals or percentages (0.3, "0.3", "30%").' });

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

/** Index of a policy's measures by id (case-insensitive), Chinese name and alias. */
export function measureIndex(policy: Policy): Map<string, Measure> {
  const index = new Map<string, Measure>();
  for (const m of policy.measures) {
    index.set(m.id.toLowerCase(), m);
    index.set(m.name.zh, m);
    for (const a of m.aliases) index.set(a, m);
  }
  return index;
}

/** The measure a text names exactly: its id (any case), its Chinese name or an alias. */
export function lookupMeasure(index: Map<string, Measure>, text: string): Measure | undefined {
  const t = text.trim();
  return index.get(t.toLowerCase()) ?? index.get(t);
}

/** The measure whose id, Chinese name or alias is nearest to a text that names none exactly, for "did you mean" hints. */
export function nearestMeasure(policy: Policy, text: string): Measure | undefined {
  const names = policy.measures.flatMap((m) => [m.id, m.name.zh, ...m.aliases].map((name) => ({ name, m })));
  const best = nearest(text.trim(), names.map((c) => c.name));
  return names.find((c) => c.name === best)?.m;
}
