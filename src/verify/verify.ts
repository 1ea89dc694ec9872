/**
 * The exact verifier. It re-reads the policy's rules and the scenario's limits and checks
 * every one against the final grants, in Decimal, sharing no code with the LP builder,
 * the entitlement calculation or the rounding. A violation is a bug in fundplan.
 */
import { Decimal as DecimalBase } from 'decimal.js';
import type { Application } from '../model/application.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import { fenFloor, fenOf, floorTimes } from './fen.js';

export interface Violation {
  /** The rule: a measure rule (`P05-ROLLOUT（五）rate`) or a scenario limit (`budget`). */
  readonly rule: string;
  /** Project id, company id, measure id, or `total`. */
  readonly subject: string;
  readonly limit: string;
  readonly value: string;
  /** How far past the limit (positive). */
  readonly excess: string;
}

export interface Verification {
  readonly checks: number;
  readonly violations: readonly Violation[];
}

/** Its own Decimal configuration: 50 significant digits, nothing rounded in a sum. */
const Decimal = DecimalBase.clone({ precision: 50 });
type Decimal = DecimalBase;
const Z = new Decimal(0);

type Eligibility = Extract<Policy['measures'][number]['rules'][number], { type: 'eligibility' }>;

/** The value an eligibility rule compares, as text: a standard amount, the score, or an attribute's value (null: none). */
function valueOf(a: Application, field: string): string | null {
  const amount = (d: DecimalBase | null) => (d === null ? null : d.toString());
  if (field === 'total_investment') return amount(a.totalInvestment);
  if (field === 'eligible_base') return amount(a.eligibleBase);
  if (field === 'requested') return amount(a.requested);
  if (field === 'upper_funding') return amount(a.upperFunding);
  if (field === 'score') return a.score.toString();
  return a.attributes?.[field] ?? null;
}

/** Does a value meet the rule: one of `in`, or within `min`..`max` (both ends included)? */
function meets(rule: Eligibility, value: string | null, isDate: boolean): boolean {
  if (value === null) return false;
  if (rule.in) return rule.in.includes(value);
  const below = (x: string, y: string) => (isDate ? x < y : new Decimal(x).lt(new Decimal(y)));
  return !(rule.min !== undefined && below(value, rule.min)) && !(rule.max !== undefined && below(rule.max, value));
}

/** The amount a tiers or bonus rule lists for a value (undefined: none, or no value). */
function amountFor(amounts: Readonly<Record<string, string>>, value: string | undefined): string | undefined {
  return value !== undefined && Object.hasOwn(amounts, value) ? amounts[value] : undefined;
}

function conditionText(rule: Eligibility): string {
  if (rule.in) return `in [${rule.in.join(', ')}]`;
  return [rule.min !== undefined ? `≥ ${rule.min}` : '', rule.max !== undefined ? `≤ ${rule.max}` : ''].filter(Boolean).join(' and ');
}

/**
 * A banded ceiling on `base`. Marginal: Σ over bands of rate × the part of the base between
 * the band's `from` and the next band's. Whole: the rate of the last band whose `from` ≤ base,
 * on the whole base (0 below the first band).
 */
function banded(mode: 'marginal' | 'whole', bands: readonly { from: Decimal; rate: Decimal }[], base: Decimal): Decimal {
  if (mode === 'whole') {
    let rate = Z;
    for (const b of bands) if (b.from.lte(base)) rate = b.rate;
    return rate.times(base);
  }
  let sum = Z;
  bands.forEach((b, k) => {
    const next = bands[k + 1];
    const top = next && next.from.lt(base) ? next.from : base;
    if (top.gt(b.from)) sum = sum.plus(b.rate.times(top.minus(b.from)));
  });
  return sum;
}

/** Attributes whose values are dates (yyyy-mm-dd, compared as text); other bounds compare as decimals. */
const dateFieldsOf = (policy: Policy): ReadonlySet<string> => new Set((policy.attributes ?? []).filter((x) => x.type === 'date').map((x) => x.id));

/** A rule's number, parsed once. */
const numbers = new Map<string, Decimal>();
function num(text: string): Decimal {
  let d = numbers.get(text);
  if (!d) numbers.set(text, (d = new Decimal(text)));
  return d;
}

/**
 * A per-project ceiling: `offset + grant ≤ limit` (offset null: the grant alone), leaving the grant
 * `room`; with ⌊100 × limit⌋ and the offset in fen where they are safe integers (else null).
 */
interface OwnCeiling {
  readonly rule: string;
  readonly limit: Decimal;
  readonly room: Decimal;
  readonly offset: Decimal | null;
  readonly limitFen: number | null;
  readonly offsetFen: number | null;
}

/**
 * What an application's own measure says of it, whatever it is granted: its per-project ceilings,
 * the conditions it fails, the bonus ceiling it earns (the least other ceiling + the bonus), and
 * the per-company caps it counts against. Worked out once per application and measure: the what-if
 * page and the analysis verify the same applications again and again.
 */
interface ProjectRules {
  readonly ceilings: readonly OwnCeiling[];
  readonly failed: readonly string[];
  readonly bonus: { readonly rule: string; readonly limit: Decimal; readonly limitFen: number | null } | null;
  /** Per company and year, under the measure: summed per measure, company and year. */
  readonly companyCaps: readonly { readonly rule: string; readonly limit: Decimal }[];
}

/**
 * Per list of applications, each one's rules by its index (with the application and measure they
 * were worked out for, so a list or policy that differs is worked out again).
 */
const projectRulesOf = new WeakMap<readonly Application[], ({ readonly a: Application; readonly m: Policy['measures'][number]; readonly rules: ProjectRules } | undefined)[]>();
type RulesOf = (i: number, m: Policy['measures'][number], dateFields: ReadonlySet<string>) => ProjectRules;
function projectRulesIn(apps: readonly Application[]): RulesOf {
  let known = projectRulesOf.get(apps);
  if (!known) projectRulesOf.set(apps, (known = new Array(apps.length)));
  const list = known;
  return (i, m, dateFields) => {
    const a = apps[i]!;
    const k = list[i];
    if (k && k.a === a && k.m === m) return k.rules;
    const rules = projectRules(m, a, dateFields);
    list[i] = { a, m, rules };
    return rules;
  };
}

/** The least per-project ceiling: what the entitlement is (for decisions and the integer rules). */
function leastOf(a: Application, own: ProjectRules): Decimal | null {
  let least: Decimal | null = a.requested;
  const note = (v: Decimal) => {
    if (least === null || v.lt(least)) least = v;
  };
  if (own.failed.length) note(Z);
  else if (own.bonus) note(own.bonus.limit);
  else for (const c of own.ceilings) note(c.room);
  return least;
}

/** A rule's texts that do not depend on the application (matching has three). */
interface RuleTexts {
  readonly main: string;
  readonly ratio: string;
  readonly fallback: string;
}

/** A measure's rule texts by the rule's index, made once per measure. */
const textsOf = new WeakMap<Policy['measures'][number], readonly RuleTexts[]>();
function ruleTexts(m: Policy['measures'][number]): readonly RuleTexts[] {
  let texts = textsOf.get(m);
  if (texts) return texts;
  const tag = `${m.id}${m.clause}`;
  const one = (main: string): RuleTexts => ({ main, ratio: '', fallback: '' });
  texts = m.rules.map((rule): RuleTexts => {
    switch (rule.type) {
      case 'rate':
        return one(`${tag} rate ${rule.rate}`);
      case 'baseCeiling':
        return one(`${tag} base`);
      case 'projectCap':
        return one(`${tag} projectCap`);
      case 'matching':
        return { main: `${tag} matching: upper + city ≤ ${rule.totalShare} × total investment`, ratio: `${tag} matching: city ≤ ${rule.ratio} × upper`, fallback: `${tag} matching: no upper amount, fallback cap` };
      case 'companyCap':
        return one(`${tag} companyCap per ${rule.period}`);
      case 'bands':
        return one(`${tag} bands ${rule.mode}`);
      default:
        return one('');
    }
  });
  textsOf.set(m, texts);
  return texts;
}

/**
 * What of a measure's rules is the same for every application under it, made once per measure:
 * a project cap's ceiling (rule k's at k), the per-company caps, and whether its ceilings are all of
 * the kinds `ownInFen` works out from the amounts in fen (rates, bases, project caps, matching).
 */
interface MeasureRules {
  readonly projectCaps: readonly (OwnCeiling | undefined)[];
  readonly companyCaps: ProjectRules['companyCaps'];
  readonly inFen: boolean;
}
const IN_FEN: ReadonlySet<string> = new Set(['rate', 'baseCeiling', 'projectCap', 'companyCap', 'matching', 'oncePerCompany']);
const measureRulesOf = new WeakMap<Policy['measures'][number], MeasureRules>();
function measureRules(m: Policy['measures'][number]): MeasureRules {
  let made = measureRulesOf.get(m);
  if (made) return made;
  const texts = ruleTexts(m);
  const ceiling = (rule: string, limit: Decimal): OwnCeiling => ({ rule, limit, room: limit, offset: null, limitFen: fenFloor(limit), offsetFen: null });
  made = {
    projectCaps: m.rules.map((rule, k) => (rule.type === 'projectCap' ? ceiling(texts[k]!.main, num(rule.amount)) : undefined)),
    companyCaps: m.rules.flatMap((rule, k) => (rule.type === 'companyCap' ? [{ rule: texts[k]!.main, limit: num(rule.amount) }] : [])),
    inFen: m.rules.every((rule) => IN_FEN.has(rule.type)),
  };
  measureRulesOf.set(m, made);
  return made;
}

/** No conditions failed: one empty list for every application. */
const NONE_FAILED: readonly string[] = Object.freeze([]);

function projectRules(m: Policy['measures'][number], a: Application, dateFields: ReadonlySet<string>): ProjectRules {
  const tag = `${m.id}${m.clause}`;
  // Rule k's texts, made once per measure, and what is the same for every application under it.
  const texts = ruleTexts(m);
  const shared = measureRules(m);
  let k = -1;
  const base = a.eligibleBase ?? a.totalInvestment;
  // A project known only from an earlier batch's allocations.csv has no base here: its own
  // ceilings were that batch's to check. Its grant counts in every sum all the same.
  const own = !a.lockedFrom;
  const ceilings: OwnCeiling[] = [];
  const upTo = (rule: string, limit: Decimal) => ceilings.push({ rule, limit, room: limit, offset: null, limitFen: fenFloor(limit), offsetFen: null });
  let failed: string[] | null = null;
  let bonus: { rule: string; amount: Decimal } | null = null;
  for (const rule of m.rules) {
    k++;
    if (!own) continue;
    switch (rule.type) {
      case 'rate':
        upTo(texts[k]!.main, num(rule.rate).times(base ?? Z));
        break;
      case 'baseCeiling':
        if (base !== null) upTo(texts[k]!.main, base);
        break;
      case 'projectCap':
        ceilings.push(shared.projectCaps[k]!);
        break;
      case 'matching': {
        const upper = a.upperFunding ?? Z;
        // All levels together ≤ share × investment; where the upper grant alone exceeds it, the city gives nothing.
        const ceiling = num(rule.totalShare).times(a.totalInvestment ?? Z);
        const limit = Decimal.max(ceiling, upper);
        ceilings.push({ rule: texts[k]!.main, offset: upper, limit, room: Decimal.max(Z, ceiling.minus(upper)), limitFen: fenFloor(limit), offsetFen: fenOf(upper) });
        if (upper.gt(0)) upTo(texts[k]!.ratio, num(rule.ratio).times(upper));
        else upTo(texts[k]!.fallback, num(rule.fallbackCap));
        break;
      }
      case 'companyCap':
        break; // shared.companyCaps
      case 'eligibility': {
        const value = valueOf(a, rule.field);
        if (!meets(rule, value, dateFields.has(rule.field))) (failed ??= []).push(`${tag} eligibility: ${rule.field} ${conditionText(rule)}, found ${value ?? 'nothing'}`);
        break;
      }
      case 'bands':
        upTo(texts[k]!.main, banded(rule.mode, rule.bands.map((b) => ({ from: num(b.from), rate: num(b.rate) })), base ?? Z));
        break;
      case 'tiers': {
        const value = a.attributes?.[rule.field];
        const amount = amountFor(rule.amounts, value);
        if (amount === undefined) (failed ??= []).push(`${tag} tiers: ${rule.field} ${value ?? 'nothing'} has no amount`);
        else upTo(`${tag} tiers ${rule.field} ${value}`, num(amount));
        break;
      }
      case 'bonus': {
        const value = a.attributes?.[rule.field];
        const amount = amountFor(rule.amounts, value);
        if (amount !== undefined) bonus = { rule: `${tag} bonus ${rule.field} ${value}`, amount: num(amount) };
        break;
      }
    }
  }
  // 另奖励: on top of the least of the other ceilings, which it replaces.
  const b = bonus as { rule: string; amount: Decimal } | null;
  const before = b && ceilings.length ? ceilings.reduce((lo, c) => Decimal.min(lo, c.room), ceilings[0]!.room) : null;
  const rules: ProjectRules = {
    ceilings,
    failed: failed ?? NONE_FAILED,
    bonus: b && before ? bonusCeiling(`${b.rule}: least other ceiling ${before} + ${b.amount}`, before.plus(b.amount)) : null,
    companyCaps: shared.companyCaps,
  };
  return rules;
}

const bonusCeiling = (rule: string, limit: Decimal) => ({ rule, limit, limitFen: fenFloor(limit) });

/**
 * Per list of applications, what each one's `requested` and its own measure's rules (the checks
 * `line` makes of them one by one) say of its grant in fen, as two numbers: `most`, the most fen it
 * may be and pass them all, and `checks`, how many they are; worked out for the application and
 * measure at the same index (undefined: not yet). `most` is −∞ where an amount or a limit is not a
 * safe number of fen: that line's rules are checked one by one.
 */
interface OwnInFen {
  readonly app: (Application | undefined)[];
  readonly measure: (Policy['measures'][number] | undefined)[];
  readonly most: Float64Array;
  readonly checks: Int32Array;
}
const ownInFenOf = new WeakMap<readonly Application[], OwnInFen>();
function ownInFenIn(apps: readonly Application[]): OwnInFen {
  let own = ownInFenOf.get(apps);
  if (!own || own.most.length !== apps.length) {
    own = { app: new Array(apps.length), measure: new Array(apps.length), most: new Float64Array(apps.length), checks: new Int32Array(apps.length) };
    ownInFenOf.set(apps, own);
  }
  return own;
}

/**
 * `ownInFen`'s two numbers for application i under its measure: from its amounts in fen where its
 * measure allows (`direct`), else from its `ProjectRules` (what tests compare the first with).
 */
export function ownNumbers(policy: Policy, apps: readonly Application[], i: number, direct: boolean): { readonly most: number; readonly checks: number } | null {
  const a = apps[i]!;
  const m = policy.measures.find((x) => x.id === a.measureId);
  if (!m) return null;
  const own: OwnInFen = { app: [], measure: [], most: new Float64Array(apps.length), checks: new Int32Array(apps.length) };
  const dateFields = dateFieldsOf(policy);
  ownInFen(own, i, a, m, projectRulesIn(apps), dateFields, direct);
  return { most: own.most[i]!, checks: own.checks[i]! };
}

/** A limit in fen, or −∞ (none known in fen: the grant is checked one rule at a time). */
const orNone = (fen: number | null): number => (fen === null ? -Infinity : fen);

/**
 * Work out `own`'s entry i for application a under measure m. A whole-fen grant g (g fen) meets a
 * ceiling L exactly when g ≤ ⌊100 L⌋, and a ceiling on upper + grant exactly when g ≤ ⌊100 L⌋ − 100 ×
 * upper (upper whole fen); a failed condition allows 0. So the grant passes every check of its own
 * rules exactly when g ≤ the least of these, each exact (`fenFloor`, `floorTimes`, safe differences)
 * or −∞. Where the measure's ceilings are rates, bases, project caps and matching (`inFen`) they are
 * worked out from the application's amounts in fen, as `projectRules` states them in Decimal:
 * rate × base (base the eligible base, else the total investment, else 0); the base where there is
 * one; the project cap; for matching, upper + grant ≤ max(totalShare × total investment, upper),
 * that is g ≤ max(⌊100 totalShare × investment⌋ − 100 upper, 0), then ratio × upper where upper > 0,
 * else the fallback cap. Other measures: from the application's `ProjectRules`.
 */
function ownInFen(own: OwnInFen, i: number, a: Application, m: Policy['measures'][number], rulesOf: RulesOf, dateFields: ReadonlySet<string>, direct = true): void {
  let most = Infinity;
  let checks = 0;
  if (a.requested !== null) {
    checks++;
    most = orNone(fenFloor(a.requested));
  }
  const shared = measureRules(m);
  if (a.lockedFrom) {
    // No ceilings of its own here (projectRules).
  } else if (direct && shared.inFen) {
    const base = a.eligibleBase ?? a.totalInvestment;
    const baseFen = base === null ? 0 : fenOf(base);
    for (let k = 0; k < m.rules.length; k++) {
      const rule = m.rules[k]!;
      switch (rule.type) {
        case 'rate':
          checks++;
          most = Math.min(most, baseFen === null ? -Infinity : orNone(floorTimes(num(rule.rate), baseFen)));
          break;
        case 'baseCeiling':
          if (base !== null) {
            checks++;
            most = Math.min(most, orNone(fenFloor(base)));
          }
          break;
        case 'projectCap':
          checks++;
          most = Math.min(most, orNone(shared.projectCaps[k]!.limitFen));
          break;
        case 'matching': {
          checks += 2;
          const upperFen = a.upperFunding === null ? 0 : fenOf(a.upperFunding);
          const investmentFen = a.totalInvestment === null ? 0 : fenOf(a.totalInvestment);
          const ceilingFen = investmentFen === null ? null : floorTimes(num(rule.totalShare), investmentFen);
          if (upperFen === null || ceilingFen === null || !Number.isSafeInteger(ceilingFen - upperFen)) most = -Infinity;
          else {
            most = Math.min(most, Math.max(ceilingFen - upperFen, 0));
            most = Math.min(most, orNone(upperFen > 0 ? floorTimes(num(rule.ratio), upperFen) : fenFloor(num(rule.fallbackCap))));
          }
          break;
        }
      }
    }
  } else {
    const r = rulesOf(i, m, dateFields);
    if (r.failed.length) {
      checks += r.failed.length;
      most = Math.min(most, 0);
    } else if (r.bonus) {
      checks++;
      most = Math.min(most, orNone(r.bonus.limitFen));
    } else {
      for (const c of r.ceilings) {
        checks++;
        if (c.offset === null) most = Math.min(most, orNone(c.limitFen));
        else if (c.limitFen === null || c.offsetFen === null || !Number.isSafeInteger(c.limitFen - c.offsetFen)) most = -Infinity;
        else most = Math.min(most, c.limitFen - c.offsetFen);
      }
    }
  }
  own.app[i] = a;
  own.measure[i] = m;
  own.most[i] = most;
  own.checks[i] = checks;
}

/**
 * The grants in fen when every one is a whole number of fen and their absolute values sum within
 * the safe integers: then every sum of grants is exact in integers (no partial sum exceeds that
 * total), and a whole-fen value v meets a ceiling L exactly when 100v ≤ ⌊100L⌋. Else null: every
 * sum and check is made in Decimal. With the grants, that sum of absolute values.
 */
function grantsInFen(grants: readonly Decimal[]): { readonly fens: Float64Array; readonly abs: number } | null {
  const out = new Float64Array(grants.length);
  let abs = 0;
  for (let i = 0; i < grants.length; i++) {
    const f = fenOf(grants[i]!);
    if (f === null) return null;
    out[i] = f;
    abs += Math.abs(f);
  }
  // A true total ≥ 2^53 makes the running double ≥ 2^53 too (rounding is monotone).
  return Number.isSafeInteger(abs) ? { fens: out, abs } : null;
}

/** A sum of grants: in fen where every grant is whole fen (`grantsInFen`), else in Decimal. */
interface Sum {
  fen: number;
  dec: Decimal;
}
const fenDecimal = (fen: number): Decimal => new Decimal(fen).div(100);
const noSum = (): Sum => ({ fen: 0, dec: Z });
/** A sum with its count of grants above zero (a measure's, a district's). */
interface CountedSum extends Sum {
  funded: number;
}
const noCountedSum = (): CountedSum => ({ fen: 0, dec: Z, funded: 0 });
const copySum = (s: Sum): Sum => ({ fen: s.fen, dec: s.dec });

/**
 * A sum per scope (a measure's company cap, the annual cap, a joint cap), company and year (subject
 * null: "company year"), or per subject of a joint cap; its total is the tallies' group sum at `index`.
 */
interface Group {
  readonly scope: object;
  readonly rule: string;
  readonly who: string;
  readonly year: number;
  readonly subject: string | null;
  readonly limit: Decimal;
  readonly index: number;
  /** The same company or subject in another scope or year. */
  readonly next: Group | null;
}

/**
 * The sums per company, subject and scope, in the order first met. Every line counts in its groups
 * whatever its grant (nothing granted included), so which groups there are does not depend on the grants.
 */
interface Groups {
  readonly list: Group[];
  /** Per company (or subject) its sums over every scope and year: one lookup of the text finds them all. */
  readonly byWho: Map<string, Group>;
}

/** Every sum and count the lines make, for the checks of the limits after the last line. */
interface Tallies {
  /** Per group (by its index): the total in fen, or in Decimal where the grants are not checked in fen. */
  readonly groupFen: number[];
  readonly groupDec: Decimal[];
  /** Per measure with a grant not zero: the sum, and how many grants above zero. */
  readonly measures: Map<string, CountedSum>;
  readonly total: Sum;
  readonly shares: Map<string, { qualifying: Sum; all: Sum }>;
  /** Per district of the scenario's district budgets with a line: the sum, and how many grants above zero. */
  readonly districts: Map<string, CountedSum>;
  /** Per exclusive group, the projects funded, in the order of the lines. */
  readonly fundedByGroup: Map<string, string[]>;
}

const noTallies = (): Tallies => ({
  groupFen: [],
  groupDec: [],
  measures: new Map(),
  total: noSum(),
  shares: new Map(),
  districts: new Map(),
  fundedByGroup: new Map(),
});

const copySums = <K>(m: ReadonlyMap<K, CountedSum>) => new Map([...m].map(([k, s]) => [k, { ...copySum(s), funded: s.funded }]));

function copyTallies(t: Tallies): Tallies {
  return {
    groupFen: t.groupFen.slice(),
    groupDec: t.groupDec.slice(),
    measures: copySums(t.measures),
    total: copySum(t.total),
    shares: new Map([...t.shares].map(([k, s]) => [k, { qualifying: copySum(s.qualifying), all: copySum(s.all) }])),
    districts: copySums(t.districts),
    fundedByGroup: new Map([...t.fundedByGroup].map(([k, ids]) => [k, [...ids]])),
  };
}

/**
 * A measure of the policy as a pass counts a line under it: into its company caps, the annual cap
 * unless exempt, the joint caps and shares over it, and its sum (`sum`, once the pass has one);
 * whether the all-or-nothing or minimum-share rules apply to it; the award score the scenario gives it.
 */
interface InPass {
  readonly m: Policy['measures'][number];
  readonly companyCaps: ProjectRules['companyCaps'];
  readonly annual: boolean;
  readonly jointCaps: NonNullable<Policy['jointCaps']>;
  readonly shares: NonNullable<Policy['shares']>;
  readonly integerRules: boolean;
  readonly awardScore: Decimal | undefined;
  sum: CountedSum | undefined;
}

/** `oneByOne`: every line's own rules checked one by one, none from `ownInFen`'s numbers (for tests). */
interface PassOptions {
  readonly oneByOne?: boolean;
}

/** A pass over the lines: each line's own rules checked as it is counted into the tallies, then the limits on the sums and counts. */
interface Pass {
  /** Check line i's own rules and count its grant (`f` in fen where the pass is exact) in; with sign −1, count it out again (its checks too). */
  line(i: number, grant: Decimal, f: number, sign: 1 | -1): void;
  /** The checks of every limit on the tallies, after the last line (once per pass). */
  finish(): Verification;
  readonly violations: readonly Violation[];
  readonly checks: number;
  /** A line met a group the pass was not to make (a frozen pass): its tallies are not those of the grants. */
  readonly missing: boolean;
}

/**
 * Open a pass over `apps` in fen (`exact`, see `grantsInFen`) or in Decimal, counting into `groups`
 * and `tallies` from `checks` checks already made; `frozen`: the groups are all there already
 * (a line that finds none of its groups sets `missing`).
 */
function openPass(
  policy: Policy,
  scenario: Scenario,
  apps: readonly Application[],
  locked: ReadonlySet<string>,
  exact: boolean,
  groups: Groups,
  t: Tallies,
  frozen: boolean,
  checksBefore: number,
  options: PassOptions = {},
): Pass {
  const violations: Violation[] = [];
  let checks = checksBefore;
  let missing = false;
  // +1 while a line is counted in (and for the limits), −1 while one is counted out.
  let sign: 1 | -1 = 1;
  const atMost = (rule: string, subject: string, value: Decimal, limit: Decimal) => {
    checks += sign;
    if (value.gt(limit)) violations.push({ rule, subject, limit: limit.toString(), value: value.toString(), excess: value.minus(limit).toString() });
  };
  const atLeast = (rule: string, subject: string, value: Decimal, limit: Decimal) => {
    checks += sign;
    if (value.lt(limit)) violations.push({ rule, subject, limit: limit.toString(), value: value.toString(), excess: limit.minus(value).toString() });
  };
  const add = (s: Sum, grant: Decimal, f: number) => {
    if (exact) s.fen += sign * f;
    else s.dec = sign > 0 ? s.dec.plus(grant) : s.dec.minus(grant);
  };
  const valueOf = (s: Sum): Decimal => (exact ? fenDecimal(s.fen) : s.dec);
  /** value ≤ limit: in fen where both sides have one (value whole fen, limit as ⌊100 × limit⌋), else in Decimal; written out as atMost writes it. */
  const atMostFen = (rule: string, subject: string, valueFen: number | null, value: Decimal | (() => Decimal), limit: Decimal, limitFen: number | null) => {
    if (valueFen !== null && limitFen !== null && valueFen <= limitFen) checks += sign;
    else atMost(rule, subject, typeof value === 'function' ? value() : value, limit);
  };
  // ⌊100 × limit⌋ of the limits of the sums per company and joint cap (a few Decimals, shared by many sums).
  const limitFens = new Map<Decimal, number | null>();
  const limitFenOf = (limit: Decimal) => {
    let f = limitFens.get(limit);
    if (f === undefined) limitFens.set(limit, (f = fenFloor(limit)));
    return f;
  };
  const dateFields = dateFieldsOf(policy);
  // Sums per scope (a measure's company cap, the annual cap, a joint cap), then per company or
  // subject and year: found by the application's own texts, no key text made per application.
  // Checked in the order first met.
  // The line's company and its chain of groups (undefined: not looked up yet), so that a line's
  // company caps, annual cap and joint caps per company look the company's text up once.
  let company = '';
  let companyChain: Group | null | undefined;
  const addTo = (scope: object, who: string, year: number, rule: string, limit: Decimal, grant: Decimal, f: number, subject: string | null) => {
    const ofCompany = who === company;
    const first = ofCompany && companyChain !== undefined ? companyChain : (groups.byWho.get(who) ?? null);
    if (ofCompany) companyChain = first;
    let grp: Group | null = first;
    while (grp && (grp.scope !== scope || grp.year !== year)) grp = grp.next;
    if (grp) {
      if (exact) t.groupFen[grp.index] = t.groupFen[grp.index]! + sign * f;
      else t.groupDec[grp.index] = sign > 0 ? t.groupDec[grp.index]!.plus(grant) : t.groupDec[grp.index]!.minus(grant);
    } else if (frozen) missing = true;
    else {
      const made: Group = { scope, rule, who, year, subject, limit, index: groups.list.length, next: first };
      groups.byWho.set(who, made);
      if (ofCompany) companyChain = made;
      groups.list.push(made);
      t.groupFen.push(exact ? sign * f : 0);
      if (!exact) t.groupDec.push(sign > 0 ? grant : grant.neg());
    }
  };
  // The company annual cap: the scenario's amount, else the policy's; the policy's exemptions either way.
  const annualCap = scenario.companyAnnualCap ?? (policy.companyAnnualCap ? num(policy.companyAnnualCap.amount) : null);
  const annualRule = scenario.companyAnnualCap !== null ? 'scenario companyAnnualCap' : `policy companyAnnualCap ${policy.companyAnnualCap?.clause ?? ''}`;
  const annualExempt = new Set(policy.companyAnnualCap?.exempt ?? []);
  const measures = new Map(
    policy.measures.map((m): [string, InPass] => {
      const settings = scenario.measureBudgets.get(m.id);
      const allOrNothing = settings?.allOrNothing ?? scenario.allOrNothing ?? false;
      const minShare = settings?.minShare ?? scenario.minShare ?? null;
      return [
        m.id,
        {
          m,
          companyCaps: measureRules(m).companyCaps,
          annual: annualCap !== null && !annualExempt.has(m.id),
          jointCaps: (policy.jointCaps ?? []).filter((j) => j.measures.includes(m.id)),
          shares: (policy.shares ?? []).filter((sh) => sh.measures.includes(m.id)),
          integerRules: allOrNothing || minShare !== null,
          awardScore: scenario.awardScores?.get(m.id),
          sum: undefined,
        },
      ];
    }),
  );

  // The rules beyond the money rules: decisions, all-or-nothing, minimum shares, exclusive groups,
  // district budgets, count quotas. Per application here; the totals (district, count, group) after the last line.
  const g = scenario.granularity;
  const districtBudgets = scenario.districtBudgets;
  const checkDecisionsAndIntegerRules = (a: Application, own: ProjectRules, grant: Decimal, positive: boolean, isLocked: boolean) => {
    const id = a.projectId;
    // The full grant: the entitlement (least ceiling, to the fen) rounded down to the granularity.
    const settings = scenario.measureBudgets.get(a.measureId);
    const allOrNothing = settings?.allOrNothing ?? scenario.allOrNothing ?? false;
    const minShare = settings?.minShare ?? scenario.minShare ?? null;
    // Worked out only where a rule needs it.
    const least = !a.decision && !allOrNothing && minShare === null ? null : leastOf(a, own);
    const full = least === null ? null : least.toDecimalPlaces(2, Decimal.ROUND_DOWN).div(g).floor().times(g);
    if (a.decision === 'exclude') atMost('decision exclude', id, grant, Z);
    if (a.decision === 'fund' && !isLocked && a.year === scenario.year) {
      if (scenario.forcedGrant === 'funded') atLeast('decision fund: a grant', id, grant, g);
      else if (full !== null) atLeast('decision fund: the full entitlement', id, grant, full);
    }
    if (!isLocked && positive && full !== null) {
      if (allOrNothing) atLeast('allOrNothing: zero or the full entitlement', id, grant, full);
      if (minShare !== null && minShare.gt(0)) atLeast(`minShare ${minShare}: zero or at least this share of the entitlement`, id, grant, minShare.times(full));
    }
  };

  /** Count line a's grant into every sum and count it is in (a joint cap's subject checked on the way). */
  const tally = (a: Application, pm: InPass, grant: Decimal, f: number, positive: boolean, zero: boolean) => {
    const m = pm.m;
    company = a.companyId;
    companyChain = undefined;
    for (const c of pm.companyCaps) addTo(m, a.companyId, a.year, c.rule, c.limit, grant, f, null);
    if (pm.annual) addTo(ANNUAL_SCOPE, a.companyId, a.year, annualRule, annualCap!, grant, f, null);
    for (const j of pm.jointCaps) {
      const subject = j.per === 'company' ? a.companyId : a.attributes?.[j.per];
      if (subject === undefined) {
        checks += sign;
        if (positive) violations.push({ rule: `jointCap ${j.id} ${j.clause}: per ${j.per}`, subject: a.projectId, limit: `a value of ${j.per}`, value: 'none', excess: grant.toString() });
        continue;
      }
      addTo(j, subject, 0, `jointCap ${j.id} ${j.clause}`, num(j.amount), grant, f, subject);
    }
    for (const sh of pm.shares) {
      let s = t.shares.get(sh.id);
      if (!s) t.shares.set(sh.id, (s = { qualifying: noSum(), all: noSum() }));
      const matches = Object.entries(sh.where).every(([field, values]) => values.includes(a.attributes?.[field] ?? '\u0000'));
      if (matches) add(s.qualifying, grant, f);
      add(s.all, grant, f);
    }
    // The district's sum and count, where the scenario has a budget for it (only those are checked).
    if (districtBudgets) {
      let s = t.districts.get(a.district);
      if (!s && districtBudgets.has(a.district)) t.districts.set(a.district, (s = noCountedSum()));
      if (s) {
        add(s, grant, f);
        if (positive) s.funded += sign;
      }
    }
    if (positive) {
      if (a.exclusiveGroup) {
        const ids = t.fundedByGroup.get(a.exclusiveGroup);
        if (sign < 0) {
          // Counted out: one of its project's entries goes (the pass's tallies are its own copy).
          const k = ids ? ids.indexOf(a.projectId) : -1;
          if (k >= 0) ids!.splice(k, 1);
          else missing = true;
          if (ids && !ids.length) t.fundedByGroup.delete(a.exclusiveGroup);
        } else if (ids) ids.push(a.projectId);
        else t.fundedByGroup.set(a.exclusiveGroup, [a.projectId]);
      }
    }
    if (!zero) {
      let s = pm.sum ?? t.measures.get(m.id);
      if (!s) t.measures.set(m.id, (s = noCountedSum()));
      pm.sum = s;
      add(s, grant, f);
      if (positive) s.funded += sign;
      add(t.total, grant, f);
    }
  };

  const gFen = fenOf(g);
  const rulesOf = projectRulesIn(apps);
  /** Line i's own rules checked one by one (and counted in): every violation, in its words. */
  const checkLine = (i: number, grant: Decimal, f: number) => {
    const a = apps[i]!;
    const pm = measures.get(a.measureId);
    const id = a.projectId;
    checks += sign;
    if (!pm) {
      violations.push({ rule: 'measure exists', subject: id, limit: 'a measure of the policy', value: a.measureId, excess: '' });
      return;
    }
    const m = pm.m;
    const zero = exact ? f === 0 : grant.isZero();
    const positive = exact ? f > 0 : grant.gt(0);
    // grant ≥ 0: in fen where the grants are whole fen.
    if (exact && f >= 0) checks += sign;
    else atLeast('grant ≥ 0', id, grant, Z);
    checks += sign;
    // Whole fen, where `exact`, by construction.
    if (!exact && !zero && !grant.times(100).isInteger()) violations.push({ rule: 'whole fen', subject: id, limit: '0.01', value: grant.toString(), excess: '' });
    const isLocked = locked.has(id);
    if (!isLocked) checks += sign;
    if (!zero && !isLocked && (exact && gFen !== null ? f % gFen !== 0 : !grant.mod(scenario.granularity).isZero())) {
      violations.push({ rule: 'granularity', subject: id, limit: scenario.granularity.toString(), value: grant.toString(), excess: grant.mod(scenario.granularity).toString() });
    }
    const fen = exact ? f : null;
    // An earlier batch decided locked grants; year and minimum score were its business.
    if (!isLocked && a.year !== scenario.year) atMostFen(`year ${scenario.year} only`, id, fen, grant, Z, 0);
    // The minimum score applies to the award score the scenario gives a measure, where it gives one.
    const score = pm.awardScore ?? a.score;
    if (!isLocked && scenario.minScore !== null && score.lt(scenario.minScore)) atMostFen(`minScore ${scenario.minScore}`, id, fen, grant, Z, 0);
    if (a.requested !== null) atMostFen('requested', id, fen, grant, a.requested, fenFloor(a.requested));
    const own = rulesOf(i, m, dateFields);
    if (own.failed.length) {
      // A condition not met: nothing, whatever the ceilings say.
      for (const rule of own.failed) atMostFen(rule, id, fen, grant, Z, 0);
    } else if (own.bonus) {
      // 另奖励: the bonus on top of the least of the other ceilings, which it replaces.
      atMostFen(own.bonus.rule, id, fen, grant, own.bonus.limit, own.bonus.limitFen);
    } else {
      for (const c of own.ceilings) {
        if (c.offset === null) atMostFen(c.rule, id, fen, grant, c.limit, c.limitFen);
        else {
          const offset = c.offset;
          const valueFen = exact && c.offsetFen !== null && Number.isSafeInteger(c.offsetFen + f) ? c.offsetFen + f : null;
          atMostFen(c.rule, id, valueFen, () => offset.plus(grant), c.limit, c.limitFen);
        }
      }
    }
    tally(a, pm, grant, f, positive, zero);
    checkDecisionsAndIntegerRules(a, own, grant, positive, isLocked);
  };

  // Lines in fen whose grant passes every rule of its own, worked out as two numbers once per list of
  // applications (`ownInFen`), are counted with the checks `checkLine` would count, every one passed:
  // a grant ≥ 0, a multiple of the granularity, at most `most` fen (0 where the year or the score
  // rules it out), with none of the decision, all-or-nothing or minimum-share rules. Any other line
  // is checked one by one.
  const byNumbers = exact && gFen !== null && !options.oneByOne;
  const unit = gFen ?? 1;
  const own = ownInFenIn(apps);
  const line = (i: number, grant: Decimal, f: number) => {
    const a = apps[i]!;
    const pm = measures.get(a.measureId);
    if (byNumbers && pm !== undefined && f >= 0 && !a.decision && !pm.integerRules) {
      const m = pm.m;
      if (own.measure[i] !== m || own.app[i] !== a) ownInFen(own, i, a, m, rulesOf, dateFields);
      let most = own.most[i]!;
      // The measure, grant ≥ 0, whole fen; `requested` and its own rules.
      let n = 3 + own.checks[i]!;
      const isLocked = locked.size > 0 && locked.has(a.projectId);
      if (!isLocked) {
        n++; // the granularity
        if (a.year !== scenario.year) {
          n++;
          most = Math.min(most, 0);
        }
        if (scenario.minScore !== null && (pm.awardScore ?? a.score).lt(scenario.minScore)) {
          n++;
          most = Math.min(most, 0);
        }
      }
      if (f <= most && (isLocked || f % unit === 0)) {
        checks += sign * n;
        tally(a, pm, grant, f, f > 0, f === 0);
        return;
      }
    }
    checkLine(i, grant, f);
  };

  const finish = (): Verification => {
    for (const grp of groups.list) {
      const limitFen = limitFenOf(grp.limit);
      if (exact && limitFen !== null && t.groupFen[grp.index]! <= limitFen) checks++;
      else atMost(grp.rule, grp.subject ?? `${grp.who} ${grp.year}`, exact ? fenDecimal(t.groupFen[grp.index]!) : t.groupDec[grp.index]!, grp.limit);
    }
    for (const [id, b] of scenario.measureBudgets) {
      const m = t.measures.get(id);
      const v = m ? valueOf(m) : Z;
      if (b.max !== null) atMost('scenario measureBudgets max', id, v, b.max);
      if (b.min !== null) atLeast('scenario measureBudgets min', id, v, b.min);
    }
    atMost('scenario budget', 'total', valueOf(t.total), scenario.budget);
    for (const sh of policy.shares ?? []) {
      const s = t.shares.get(sh.id);
      const v = s ? { qualifying: valueOf(s.qualifying), all: valueOf(s.all) } : { qualifying: Z, all: Z };
      if (sh.min !== undefined) atLeast(`share ${sh.id} ${sh.clause}: qualifying ≥ ${sh.min} × all`, sh.id, v.qualifying, num(sh.min).times(v.all));
      if (sh.max !== undefined) atMost(`share ${sh.id} ${sh.clause}: qualifying ≤ ${sh.max} × all`, sh.id, v.qualifying, num(sh.max).times(v.all));
    }
    for (const [d, b] of scenario.districtBudgets ?? []) {
      const s = t.districts.get(d);
      const v = s ? valueOf(s) : Z;
      if (b.max !== null) atMost('scenario districtBudgets max', d, v, b.max);
      if (b.min !== null) atLeast('scenario districtBudgets min', d, v, b.min);
    }
    for (const [id, b] of scenario.measureBudgets) {
      const n = new Decimal(t.measures.get(id)?.funded ?? 0);
      if (b.maxCount !== undefined) atMost('scenario measureBudgets maxCount (applications funded)', id, n, new Decimal(b.maxCount));
      if (b.minCount !== undefined) atLeast('scenario measureBudgets minCount (applications funded)', id, n, new Decimal(b.minCount));
    }
    for (const [d, b] of scenario.districtBudgets ?? []) {
      const n = new Decimal(t.districts.get(d)?.funded ?? 0);
      if (b.maxCount !== undefined) atMost('scenario districtBudgets maxCount (applications funded)', d, n, new Decimal(b.maxCount));
      if (b.minCount !== undefined) atLeast('scenario districtBudgets minCount (applications funded)', d, n, new Decimal(b.minCount));
    }
    for (const [group, ids] of t.fundedByGroup) atMost(`exclusive_group: at most one funded (${ids.join(', ')})`, group, new Decimal(ids.length), new Decimal(1));
    return { checks, violations };
  };

  return {
    line(i, grant, f, s) {
      sign = s;
      line(i, grant, f);
      sign = 1;
    },
    finish,
    violations,
    get checks() {
      return checks;
    },
    get missing() {
      return missing;
    },
  };
}

/** The scope of the company annual cap's sums (beside the measures and joint caps, which are their own scopes). */
const ANNUAL_SCOPE = {};

/**
 * What a full verify of grants in fen leaves for checking other grants of the same applications
 * under the same rules (`verifyChanged`): the grants in fen, the groups and the tallies after the
 * last line, and the checks the lines made.
 */
export interface Kept {
  readonly policy: Policy;
  readonly scenario: Scenario;
  readonly apps: readonly Application[];
  readonly locked: ReadonlySet<string>;
  readonly fens: Float64Array;
  readonly abs: number;
  readonly groups: Groups;
  readonly tallies: Tallies;
  readonly checks: number;
}

/**
 * `verifyAllocation`, and what `verifyChanged` needs to check other grants of the same lines from
 * these (null where the grants are not checked in fen).
 */
export function verifyKeeping(
  policy: Policy,
  scenario: Scenario,
  apps: readonly Application[],
  grants: readonly Decimal[],
  locked: ReadonlySet<string> = new Set(),
  options: PassOptions = {},
): { readonly verification: Verification; readonly kept: Kept | null } {
  const inFen = grantsInFen(grants);
  const exact = inFen !== null;
  const groups: Groups = { list: [], byWho: new Map() };
  const tallies = noTallies();
  const pass = openPass(policy, scenario, apps, locked, exact, groups, tallies, false, 0, options);
  for (let i = 0; i < apps.length; i++) pass.line(i, grants[i]!, exact ? inFen.fens[i]! : 0, 1);
  const checks = pass.checks;
  const verification = pass.finish();
  // Only grants that break no rule are kept (a later pass takes the unchanged lines' checks as passed); the tallies
  // are copied before a later pass counts into them, the groups only read.
  const kept = inFen && !verification.violations.length ? { policy, scenario, apps, locked, fens: inFen.fens, abs: inFen.abs, groups, tallies, checks } : null;
  return { verification, kept };
}

export function verifyAllocation(
  policy: Policy,
  scenario: Scenario,
  apps: readonly Application[],
  grants: readonly Decimal[],
  /** Projects whose grants an earlier batch fixed: every rule applies, but not this run's granularity. */
  locked: ReadonlySet<string> = new Set(),
): Verification {
  return verifyKeeping(policy, scenario, apps, grants, locked).verification;
}

/**
 * `verifyAllocation` with every line's rules checked one by one, none from its numbers in fen
 * (`ownInFen`): the same checks and violations, made the long way (what tests hold the short way to).
 */
export function verifyOneByOne(policy: Policy, scenario: Scenario, apps: readonly Application[], grants: readonly Decimal[], locked: ReadonlySet<string> = new Set()): Verification {
  return verifyKeeping(policy, scenario, apps, grants, locked, { oneByOne: true }).verification;
}

/**
 * The same rules: the policy and applications themselves, the same locked projects, the scenario's
 * every setting but its budget and its cash by year the same (no check here reads the cash:
 * verifyYears checks it).
 */
function sameRules(kept: Kept, policy: Policy, scenario: Scenario, apps: readonly Application[], locked: ReadonlySet<string>): boolean {
  if (kept.policy !== policy || kept.apps !== apps || kept.locked.size !== locked.size) return false;
  for (const id of locked) if (!kept.locked.has(id)) return false;
  const a = kept.scenario as unknown as Record<string, unknown>;
  const b = scenario as unknown as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => k === 'budget' || k === 'cashPlan' || (Object.hasOwn(b, k) && a[k] === b[k]));
}

/**
 * Exactly what `verifyAllocation(policy, scenario, apps, grants, locked)` returns — the same checks
 * counted, the same violations — made from `kept` where it can be (`changedVerification`), else by
 * that full verify.
 */
export function verifyChanged(kept: Kept | null | undefined, policy: Policy, scenario: Scenario, apps: readonly Application[], grants: readonly Decimal[], locked: ReadonlySet<string> = new Set()): Verification {
  return (kept && changedVerification(kept, policy, scenario, apps, grants, locked)) ?? verifyAllocation(policy, scenario, apps, grants, locked);
}

/**
 * What `verifyAllocation(policy, scenario, apps, grants, locked)` returns where it finds no violation,
 * made from `kept` (a full verify of other grants of the same lines under the same rules, which found
 * none): each line's own rules are checked again only for the lines whose grant differs in fen, each
 * counted out of the kept tallies with its old grant and in with its new one, in fen; every limit on a
 * sum or count (the budget, which may differ from the kept one, measure and district budgets, company
 * and joint caps, shares, counts, exclusive groups) is then checked on those tallies as a full verify
 * checks it. Which checks a line makes and what it adds to each sum depend only on its own grant and
 * the rules, so a line whose grant is the same adds what it added before, with no violation; sums of
 * whole fen are exact in any order. Null — a full verify is needed — where the rules differ from the
 * kept ones (but for the budget), where a grant is not whole fen or the grants' absolute values (old
 * and new together) reach 2^53, and wherever a violation is found (so that a full verify reports it,
 * in its words and order).
 */
export function changedVerification(kept: Kept, policy: Policy, scenario: Scenario, apps: readonly Application[], grants: readonly Decimal[], locked: ReadonlySet<string>, options: PassOptions = {}): Verification | null {
  if (grants.length !== apps.length || !sameRules(kept, policy, scenario, apps, locked)) return null;
  const changed: number[] = [];
  const now: number[] = [];
  let abs = 0;
  for (let i = 0; i < grants.length; i++) {
    const f = fenOf(grants[i]!);
    if (f === null) return null;
    if (f !== kept.fens[i]) {
      changed.push(i);
      now.push(f);
    }
    abs += Math.abs(f);
  }
  // Every partial sum of the pass below is a sum over old and new grants: within both totals
  // together, exact while that is a safe integer (a true total ≥ 2^53 makes the double ≥ 2^53).
  if (!Number.isSafeInteger(abs) || !Number.isSafeInteger(abs + kept.abs)) return null;
  const pass = openPass(policy, scenario, apps, locked, true, kept.groups, copyTallies(kept.tallies), true, kept.checks, options);
  for (const i of changed) pass.line(i, fenDecimal(kept.fens[i]!), kept.fens[i]!, -1);
  // The kept grants broke no rule: counted out, none can (else the kept verify was of other rules).
  if (pass.violations.length) return null;
  changed.forEach((i, k) => pass.line(i, grants[i]!, now[k]!, 1));
  if (pass.missing) return null;
  const v = pass.finish();
  return v.violations.length ? null : v;
}
