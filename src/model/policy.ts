/**
 * A policy is data: measures, each with the money rules the text states.
 * Validated with zod; every rule keeps its measure's clause so outputs trace to the text.
 */
import { z } from 'zod';
import { D, parseAmount, toHalfWidth } from '../money.js';
import { compareValues, isStandardField, parseDate, parseNumber, STANDARD_FIELDS, type AttributeSpec } from './attributes.js';
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

/** An amount, a plain number (a score) or a date (`"2022-07-01"`): which it must be depends on the field, checked after the schema. */
const bound = z.union([z.string(), z.number()], { error: 'an amount, a number or a date such as "2022-07-01"' }).transform((v) => String(v).trim());
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const id = z.string().regex(ID, 'an id of letters, digits, - _ .');
const amounts = z.record(z.string().min(1), amount);
/** Rates of bands may be 0 (a band with no support), unlike a measure's rate. */
const bandRate = numberOrText(RATE).transform((v, ctx) => {
  const r = decimalOrPercent(String(v));
  if (r !== null && new D(r).lte(1)) return r;
  ctx.addIssue({ code: 'custom', message: 'a rate from 0 to 1 such as "0.3", 0.3 or "30%"' });
  return z.NEVER;
});
/** A share of money from 0 to 1. */
const shareOf = numberOrText('a share from 0 to 1 such as "0.8" or "80%"').transform((v, ctx) => {
  const r = decimalOrPercent(String(v));
  if (r !== null && new D(r).lte(1)) return r;
  ctx.addIssue({ code: 'custom', message: 'a share from 0 to 1 such as "0.8" or "80%"' });
  return z.NEVER;
});

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
  /**
   * The application is eligible only if `field` ≥ min and ≤ max (amounts, scores, number or date
   * attributes), or its value is one of `in` (enum and text attributes). An ineligible application gets nothing.
   */
  z
    .object({ type: z.literal('eligibility'), field: z.string().min(1), min: bound.optional(), max: bound.optional(), in: z.array(z.string().min(1)).min(1).optional() })
    .strict(),
  /**
   * A ceiling from the base by bands: `marginal` puts each band's rate on the part of the base
   * from its `from` up to the next band's; `whole` puts the rate of the band the base falls in
   * (a base equal to a `from` is in that band) on the whole base.
   */
  z
    .object({ type: z.literal('bands'), mode: z.enum(['marginal', 'whole']), bands: z.array(z.object({ from: amount, rate: bandRate }).strict()).min(1) })
    .strict(),
  /** The ceiling is the amount for the application's value of an enum attribute; a value not listed is ineligible. */
  z.object({ type: z.literal('tiers'), field: z.string().min(1), amounts }).strict(),
  /** Added on top of the least of the other ceilings (另奖励); the amount requested still bounds the total. An empty value: no bonus. */
  z.object({ type: z.literal('bonus'), field: z.string().min(1), amounts }).strict(),
  /** 每家企业只享受一次: a company with an approval under this measure in the commitments ledger is ineligible. */
  z.object({ type: z.literal('oncePerCompany') }).strict(),
]);

/** One instalment of a grant (分期拨付): its share of the grant, paid `year` years after the approval year. */
const installment = z.object({ share: shareOf, year: z.number().int().min(0).max(20) }).strict();

const attribute = z
  .object({
    id,
    name: text,
    type: z.enum(['enum', 'date', 'text', 'number']),
    /** The values an enum attribute may take. */
    values: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

const companyAnnualCap = z
  .object({
    amount,
    /** Measures whose grants do not count against the cap (…累计不超过…（平台奖励除外）). */
    exempt: z.array(z.string().min(1)).default([]),
    clause: z.string().min(1),
  })
  .strict();

/** What a rule across measures states first: its id, clause, name and the measures it covers. */
const acrossMeasures = { id, clause: z.string().min(1), name: text, measures: z.array(z.string().min(1)).min(1) };

const jointCap = z
  .object({
    ...acrossMeasures,
    /** "company": one company's grants under the measures; an attribute id: all grants sharing that attribute's value. */
    per: z.string().min(1),
    amount,
  })
  .strict();

const share = z
  .object({
    ...acrossMeasures,
    /** The applications the share is for: attribute id → the values that qualify (all listed attributes must match). */
    where: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)),
    min: shareOf.optional(),
    max: shareOf.optional(),
  })
  .strict();

const measure = z
  .object({
    id,
    clause: z.string().min(1),
    name: text,
    aliases: z.array(z.string().min(1)).default([]),
    /** What the rate applies to, in words (平台建设总投入, 服务费 …), for reports. */
    base: text.optional(),
    /** "award": a fixed award with no investment base (total_investment may be empty). */
    kind: z.enum(['project', 'award', 'matching']),
    rules: z.array(rule).min(1),
    /** How a grant is paid, by years after its approval; the shares sum to exactly 100% (absent: all in the approval year). */
    installments: z.array(installment).min(1).optional(),
  })
  .strict();

const checkedShape = z
  .object({
    $schema: z.string().describe('The JSON Schema this file follows, for editors (schema/policy.schema.json); fundplan does not read it').optional(),
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
    name: text,
    document: z.string().optional(),
    source: z.string().optional(),
    validFrom: z.string().optional(),
    validTo: z.string().optional(),
    /** Columns of the applications file the rules read, beyond the standard ones. */
    attributes: z.array(attribute).optional(),
    measures: z.array(measure).min(1),
    /** What one company may receive in a year over all measures except `exempt`. */
    companyAnnualCap: companyAnnualCap.optional(),
    /** Caps shared by several measures, per company or per value of an attribute. */
    jointCaps: z.array(jointCap).optional(),
    /** Shares of the money granted under some measures that go to applications matching `where`. */
    shares: z.array(share).optional(),
  })
  .strict();

export const policySchema = checkedShape
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
      for (const t of ['rate', 'projectCap', 'companyCap', 'matching', 'bands', 'tiers', 'bonus', 'oncePerCompany'] as const) {
        if (kinds.filter((k) => k === t).length > 1) {
          ctx.addIssue({ code: 'custom', path: ['measures', i, 'rules'], message: `at most one "${t}" rule per measure` });
        }
      }
      if (!kinds.some((k) => k === 'rate' || k === 'projectCap' || k === 'matching' || k === 'bands' || k === 'tiers')) {
        ctx.addIssue({ code: 'custom', path: ['measures', i, 'rules'], message: 'a per-project ceiling: a "rate", "bands", "tiers", "projectCap" or "matching" rule' });
      }
      if (m.installments) {
        const total = m.installments.reduce((t, x) => t.plus(x.share), new D(0));
        if (!total.eq(1)) ctx.addIssue({ code: 'custom', path: ['measures', i, 'installments'], message: `shares that sum to exactly 100% (they sum to ${total.times(100).toString()}%)` });
        m.installments.forEach((x, k) => {
          if (k > 0 && x.year <= m.installments![k - 1]!.year) ctx.addIssue({ code: 'custom', path: ['measures', i, 'installments', k, 'year'], message: `years after approval in increasing order (after ${m.installments![k - 1]!.year})` });
        });
      }
      if (m.kind === 'matching' && !kinds.includes('matching')) {
        ctx.addIssue({ code: 'custom', path: ['measures', i, 'rules'], message: 'a "matching" rule in a measure of kind "matching"' });
      }
    });
    checkReferences(p, ctx);
  })
  .transform(normalise)
  .meta({ title: 'fundplan policy', description: 'A policy as data: its measures, each with the money rules the text states. Amounts are yuan (a number, or a string such as "3000000", "300万", "0.03亿"), rates decimals or percentages (0.3, "0.3", "30%").' });

type Checked = z.output<typeof checkedShape>;
type Path = (string | number)[];

/** Measures named by id (any case), Chinese name or alias, as in a scenario. */
function measureNamed(p: Checked, text: string): Checked['measures'][number] | undefined {
  const t = text.trim();
  return p.measures.find((m) => m.id.toLowerCase() === t.toLowerCase() || m.name.zh === t || m.aliases.includes(t));
}

/** A bound of an eligibility rule as the canonical text its field compares: null when it is not one. */
function boundOf(kind: 'amount' | 'number' | 'date', text: string): string | null {
  if (kind === 'date') return parseDate(text);
  if (kind === 'number') return parseNumber(text);
  const r = parseAmount(text);
  return r.ok ? r.value.toString() : null;
}

/** What an eligibility rule's field compares as: an amount, a number, a date, or values of an enum or text. */
function fieldKind(p: Checked, field: string): 'amount' | 'number' | 'date' | 'values' | null {
  if (field === 'score') return 'number';
  if (isStandardField(field)) return 'amount';
  const a = p.attributes?.find((x) => x.id === field);
  if (!a) return null;
  return a.type === 'date' ? 'date' : a.type === 'number' ? 'number' : 'values';
}

/** Every reference between parts of the policy: attributes, measures, values. */
function checkReferences(p: Checked, ctx: z.RefinementCtx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const attributes = new Map((p.attributes ?? []).map((a) => [a.id, a]));
  const attributeIds = [...attributes.keys()];
  const known = attributeIds.length ? ` (attributes: ${attributeIds.join(', ')})` : ' (the policy declares no "attributes")';
  (p.attributes ?? []).forEach((a, i) => {
    if ((p.attributes ?? []).findIndex((b) => b.id === a.id || b.name.zh === a.name.zh) !== i) issue(['attributes', i], `attribute ids and names unique ("${a.id}" / "${a.name.zh}" is used twice)`);
    if (isStandardField(a.id)) issue(['attributes', i, 'id'], `an id other than the standard fields (${STANDARD_FIELDS.join(', ')})`);
    if (a.type === 'enum' && !a.values) issue(['attributes', i, 'values'], 'the values an "enum" attribute may take');
    if (a.type !== 'enum' && a.values) issue(['attributes', i, 'values'], '"values" only for an attribute of type "enum"');
  });
  const enumField = (path: Path, field: string, keys: readonly string[]) => {
    const a = attributes.get(field);
    if (!a || a.type !== 'enum') {
      issue([...path, 'field'], `the id of an "enum" attribute${known}`);
      return;
    }
    for (const k of keys) if (!a.values!.includes(k)) issue([...path, 'amounts', k], `a value of attribute "${a.id}": ${a.values!.join(', ')}`);
  };
  p.measures.forEach((m, i) => {
    m.rules.forEach((r, j) => {
      const path: Path = ['measures', i, 'rules', j];
      if (r.type === 'tiers' || r.type === 'bonus') {
        enumField(path, r.field, Object.keys(r.amounts));
        if (!Object.keys(r.amounts).length) issue([...path, 'amounts'], 'at least one value of the attribute and its amount');
      }
      if (r.type === 'bands') {
        r.bands.forEach((b, k) => {
          if (k > 0 && !new D(b.from).gt(new D(r.bands[k - 1]!.from))) issue([...path, 'bands', k, 'from'], `bands in increasing order of "from" (above ${r.bands[k - 1]!.from})`);
        });
      }
      if (r.type !== 'eligibility') return;
      const kind = fieldKind(p, r.field);
      if (kind === null) {
        issue([...path, 'field'], `a field to compare: ${STANDARD_FIELDS.join(', ')}, or an attribute${known}`);
        return;
      }
      if (kind === 'values') {
        if (r.min !== undefined || r.max !== undefined || !r.in) issue(path, `"in": the values of "${r.field}" that are eligible (no "min" or "max" for an enum or text attribute)`);
        const a = attributes.get(r.field)!;
        if (r.in && a.values) r.in.forEach((v, k) => !a.values!.includes(v) && issue([...path, 'in', k], `a value of attribute "${a.id}": ${a.values!.join(', ')}`));
        return;
      }
      if (r.in) issue([...path, 'in'], `"min" and/or "max" for "${r.field}" ("in" is for enum and text attributes)`);
      if (r.min === undefined && r.max === undefined) issue(path, `"min" and/or "max" for "${r.field}"`);
      const expected = kind === 'date' ? 'a date such as "2022-07-01"' : kind === 'number' ? 'a number' : AMOUNT;
      const lo = r.min === undefined ? null : boundOf(kind, r.min);
      const hi = r.max === undefined ? null : boundOf(kind, r.max);
      if (r.min !== undefined && lo === null) issue([...path, 'min'], expected);
      if (r.max !== undefined && hi === null) issue([...path, 'max'], expected);
      if (lo !== null && hi !== null && compareValues(kind === 'date' ? 'date' : 'number', lo, hi) > 0) issue(path, `min ≤ max (${r.min} > ${r.max})`);
    });
  });
  const measuresAt = (path: Path, names: readonly string[]) =>
    names.forEach((n, k) => !measureNamed(p, n) && issue([...path, k], `a measure of this policy (id, Chinese name or alias)`));
  if (p.companyAnnualCap) measuresAt(['companyAnnualCap', 'exempt'], p.companyAnnualCap.exempt);
  const ids = new Set<string>();
  const uniqueId = (path: Path, id: string) => {
    if (ids.has(id)) issue([...path, 'id'], `ids unique across jointCaps and shares ("${id}" is used twice)`);
    ids.add(id);
  };
  (p.jointCaps ?? []).forEach((j, i) => {
    uniqueId(['jointCaps', i], j.id);
    measuresAt(['jointCaps', i, 'measures'], j.measures);
    if (j.per !== 'company' && !attributes.has(j.per)) issue(['jointCaps', i, 'per'], `"company" or an attribute id${known}`);
  });
  (p.shares ?? []).forEach((s, i) => {
    uniqueId(['shares', i], s.id);
    measuresAt(['shares', i, 'measures'], s.measures);
    if (s.min === undefined && s.max === undefined) issue(['shares', i], '"min" and/or "max": the share of the money for applications matching "where"');
    if (s.min !== undefined && s.max !== undefined && new D(s.min).gt(new D(s.max))) issue(['shares', i], `min ≤ max (${s.min} > ${s.max})`);
    if (!Object.keys(s.where).length) issue(['shares', i, 'where'], 'at least one attribute and its qualifying values');
    for (const [field, values] of Object.entries(s.where)) {
      const a = attributes.get(field);
      if (!a || (a.type !== 'enum' && a.type !== 'text')) issue(['shares', i, 'where', field], `an "enum" or "text" attribute${known}`);
      else if (a.values) values.forEach((v, k) => !a.values!.includes(v) && issue(['shares', i, 'where', field, k], `a value of attribute "${a.id}": ${a.values!.join(', ')}`));
    }
  });
}

/** The checked policy with every measure reference as the measure's id and eligibility bounds as canonical text. */
function normalise(p: Checked): Checked {
  const ids = (names: readonly string[]) => names.map((n) => measureNamed(p, n)!.id);
  return {
    ...p,
    measures: p.measures.map((m) => ({
      ...m,
      rules: m.rules.map((r) => {
        if (r.type !== 'eligibility') return r;
        const kind = fieldKind(p, r.field);
        if (kind === 'values' || kind === null) return r;
        return { ...r, ...(r.min !== undefined ? { min: boundOf(kind, r.min)! } : {}), ...(r.max !== undefined ? { max: boundOf(kind, r.max)! } : {}) };
      }),
    })),
    ...(p.companyAnnualCap ? { companyAnnualCap: { ...p.companyAnnualCap, exempt: ids(p.companyAnnualCap.exempt) } } : {}),
    ...(p.jointCaps ? { jointCaps: p.jointCaps.map((j) => ({ ...j, measures: ids(j.measures) })) } : {}),
    ...(p.shares ? { shares: p.shares.map((s) => ({ ...s, measures: ids(s.measures) })) } : {}),
  };
}

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

/** How a measure's grants are paid: shares by years after approval (all in the approval year when it states none). */
export function installmentsOf(m: Measure): readonly { readonly share: string; readonly year: number }[] {
  return m.installments ?? [{ share: '1', year: 0 }];
}

/** Does the measure's grant need an investment base (rate) or total investment (matching)? */
export function needsBase(m: Measure): boolean {
  return m.rules.some((r) => r.type === 'rate' || r.type === 'bands');
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
export function lookupMeasure<M>(index: ReadonlyMap<string, M>, text: string): M | undefined {
  const t = text.trim();
  return index.get(t.toLowerCase()) ?? index.get(t);
}

/** The measure whose id, Chinese name or alias is nearest to a text that names none exactly, for "did you mean" hints. */
export function nearestMeasure(policy: Policy, text: string): Measure | undefined {
  const names = policy.measures.flatMap((m) => [m.id, m.name.zh, ...m.aliases].map((name) => ({ name, m })));
  const best = nearest(text.trim(), names.map((c) => c.name));
  return names.find((c) => c.name === best)?.m;
}

/** The policy's attributes (none when it declares none). */
export function attributesOf(policy: Policy): readonly AttributeSpec[] {
  return policy.attributes ?? [];
}

/**
 * The attributes an application of measure `m` must have, each with the rule that reads it (for
 * messages). A bonus's attribute is not here: an empty cell means no bonus.
 */
export function neededAttributes(policy: Policy, m: Measure): { readonly id: string; readonly rule: string; readonly across: boolean }[] {
  const out: { id: string; rule: string; across: boolean }[] = [];
  /** `across`: a rule across applications (a joint cap, a share), not one of the measure's own. */
  const need = (id: string, rule: string, across: boolean) => {
    const seen = out.find((o) => o.id === id);
    if (seen && across && !seen.across) Object.assign(seen, { rule, across });
    else if (!seen && !isStandardField(id)) out.push({ id, rule, across });
  };
  for (const r of m.rules) {
    if (r.type === 'eligibility') need(r.field, `${m.id} ${m.clause} eligibility`, false);
    if (r.type === 'tiers') need(r.field, `${m.id} ${m.clause} tiers`, false);
  }
  for (const j of policy.jointCaps ?? []) if (j.per !== 'company' && j.measures.includes(m.id)) need(j.per, `joint cap ${j.id} ${j.clause}`, true);
  for (const s of policy.shares ?? []) if (s.measures.includes(m.id)) for (const f of Object.keys(s.where)) need(f, `share ${s.id} ${s.clause}`, true);
  return out;
}
