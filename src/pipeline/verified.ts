/**
 * The core of every solve, with nothing of files in it (so the what-if page runs it in a
 * browser as it is): prepare, solve, round and verify. An allocation comes back only when the
 * independent verifier found no broken rule; a scenario no allocation satisfies comes back as
 * its conflicts, not an exception. `solve.ts` adds the loaded scenario and the files around it.
 */
import type { Decimal } from 'decimal.js';
import { InfeasibleError, InternalError, type Conflict } from '../errors.js';
import { ZERO } from '../money.js';
import { atBudget, prepareAllocation, solvePrepared, type AllocateOptions, type Allocation, type Prepared } from '../model/allocate.js';
import type { Compared } from '../model/budget-figures.js';
import { priorityGrants, type PriorityGrants } from '../model/priority.js';
import { unitsToYuan } from '../model/rounding.js';
import { scaledExact } from '../scaled.js';
import { usesIntegerModel } from '../model/rules.js';
import type { Application } from '../model/application.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import type { LinearProgram, Picker } from '../solver/types.js';
import { commitmentsOf } from '../model/years.js';
import type { Commitment } from '../model/ledger.js';
import { verifyChanged, verifyKeeping, type Kept, type Verification } from '../verify/verify.js';
import { verifyYears, type YearGrant } from '../verify/years.js';

/** No allocation: the limits or rules that cannot be met together, and one sentence for people. */
export interface Conflicted {
  readonly status: 'infeasible';
  readonly conflicts: readonly Conflict[];
  readonly message: string;
}

/** A verified allocation, or the conflicts that leave none. */
export type Checked =
  | {
      readonly status: 'optimal' | 'time_limit';
      readonly allocation: Allocation;
      readonly verification: Verification;
      readonly msVerify: number;
      /** The ledger rows of the new grants (commitments.csv), as the verifier checked them; none where no ledger is written. */
      readonly commitments: readonly Commitment[];
    }
  | Conflicted;

/** The conflicts an InfeasibleError carries; anything else is thrown on. */
export function conflictsOrThrow(e: unknown): Conflicted {
  if (!(e instanceof InfeasibleError)) throw e;
  return { status: 'infeasible', conflicts: e.conflicts, message: e.message.split('\n')[0]! };
}

/** Prepare a checked scenario, or the conflicts an earlier batch's grants already cause. */
export function prepareOrConflicts(
  apps: readonly Application[],
  policy: Policy,
  scenario: Scenario,
  options: { readonly locked?: ReadonlyMap<string, Decimal>; readonly keepBudgetRow?: boolean } = {},
): Prepared | Conflicted {
  try {
    return prepareAllocation(apps, policy, scenario, { locked: options.locked, keepBudgetRow: options.keepBudgetRow });
  } catch (e) {
    return conflictsOrThrow(e);
  }
}

export interface CheckedOptions {
  /** Solve at this budget instead (the preparation must have kept its budget row). */
  readonly at?: Decimal;
  readonly timeLimitSeconds?: number;
  /** Called with the stage-1 LP before it is solved. */
  readonly onLp?: (lp: LinearProgram) => void;
  /** Projects whose grants an earlier batch locked (the verifier holds them as they are). */
  readonly locked?: ReadonlyMap<string, Decimal>;
  /** False where no commitments.csv comes of the solve (the what-if page): the ledger it would write is not checked. */
  readonly writesLedger?: boolean;
  /** The priority LP's stages from these bases (`AllocateOptions.warmStart`). */
  readonly warmStart?: AllocateOptions['warmStart'];
}

/**
 * Solve a preparation (or the same at budget `at`), round, and verify: the allocation comes
 * back only when the independent verifier found no broken rule.
 */
export function solveChecked(prepared: Prepared, picker: Picker, options: CheckedOptions = {}): Checked {
  const rounded = solveRounded(prepared, picker, options);
  return rounded.status === 'infeasible' ? rounded : rounded.verify();
}

/**
 * A solved and rounded allocation not yet verified: nothing of it may leave (be written or
 * returned) before `verify` has passed it, which throws InternalError on a broken rule.
 */
export type Rounded =
  | {
      readonly status: 'optimal' | 'time_limit';
      readonly allocation: Allocation;
      verify(): Exclude<Checked, Conflicted>;
    }
  | Conflicted;

/** `solveChecked` in two steps: solve and round now, verify when `verify` is called (so that work on the allocation can start first). */
export function solveRounded(prepared: Prepared, picker: Picker, options: CheckedOptions = {}): Rounded {
  let at: Prepared;
  let allocation: Allocation;
  try {
    // Below what the earlier batches locked, a budget has no allocation.
    at = options.at ? atBudget(prepared, options.at) : prepared;
    allocation = solvePrepared(at, picker, { timeLimitSeconds: options.timeLimitSeconds, onLp: options.onLp, warmStart: options.warmStart });
  } catch (e) {
    return conflictsOrThrow(e);
  }
  const status = allocation.status === 'optimal' ? 'optimal' : 'time_limit';
  const verify = (): Exclude<Checked, Conflicted> => {
    const t = performance.now();
    const locked = new Set(options.locked?.keys());
    // The ledger of this run's new grants (not those an earlier batch locked: their own run wrote them).
    const written = options.writesLedger === false ? undefined : commitmentsOf(allocation.lines.filter((l) => l.candidate >= 0), at.scenario.granularity);
    // Every grant (one per application, in order; then the later years' forecasts) through the independent verifier.
    const { verification, kept } = verifyKeeping(at.policy, at.scenario, at.apps, allocation.lines.map((l) => l.grant), locked);
    const checked = checkedWithYears(at, verification, allocation.lines, allocation.plan?.lines ?? [], locked, written);
    if (kept) keptOf.set(allocation, kept);
    return { status, allocation, verification: checked, msVerify: performance.now() - t, commitments: written ?? [] };
  };
  return { status, allocation, verify };
}

/** Per verified allocation, what its verify leaves for checking a comparison re-solve's grants from it (`solveCompared`). */
const keptOf = new WeakMap<Allocation, Kept>();

/** A verification of this year's grants with the verify across years added, asserted: InternalError if either found a rule broken. */
function checkedWithYears(at: Prepared, verification: Verification, lines: readonly YearGrant[], planned: readonly YearGrant[], locked: ReadonlySet<string>, written: readonly Commitment[] | undefined): Verification {
  const all = both(
    verification,
    // Across years: instalments, every year's cash, the ledgers read and written, once per company, hard targets.
    verifyYears(at.policy, at.scenario, { thisYear: lines, planned, locked, ...(written ? { written } : {}) }),
  );
  assertVerified(all);
  return all;
}

/** A verified allocation of the priority LP with only what a comparison reads (`budgetChange`, and the later years' total where some are planned), and whether the solve was cut short. */
export type ComparedOutcome = { readonly status: 'optimal' | 'time_limit'; readonly allocation: Compared & { readonly plan?: { readonly granted: Decimal } } } | Conflicted;

/** Whether a preparation's re-solves can go through `solveCompared`: the priority objective as an LP (no integer rules). */
export function comparable(prepared: Prepared): boolean {
  return prepared.scenario.objective === 'priority' && !usesIntegerModel(prepared.scenario, prepared.candidates);
}

/**
 * An allocation solved only to be compared with one written, never written itself (the analysis's
 * re-solves at another budget or another year's cash, of which counts, score ranges and sums are
 * reported): the priority LP of `prepared` (at budget `at` where given), solved and rounded as
 * `solveChecked` does (`priorityGrants`, its stages from `warmStart` where given) and every grant
 * verified by the same verifier, but without what only a written allocation needs: the reasons and
 * limit totals of its outputs (`finishAllocation`) and its ledger. `prepared` is `base`'s
 * preparation with only amounts moved (the budget, the cash by year: the same candidates). Its
 * objective and totals granted are `base`'s plus the change in the grants that differ: exact sums
 * of score × grant, of this year's grants and of the later years' over the candidates (finish.ts).
 */
export function solveCompared(
  prepared: Prepared,
  picker: Picker,
  base: Allocation,
  options: { readonly at?: Decimal; readonly timeLimitSeconds?: number; readonly locked?: ReadonlyMap<string, Decimal>; readonly warmStart?: AllocateOptions['warmStart'] },
): ComparedOutcome {
  // Only the priority LP is solved here (`priorityGrants`); another objective or an integer model goes through solveChecked.
  if (!comparable(prepared)) throw new InternalError('a comparison re-solve was asked of a model other than the priority LP');
  let at: Prepared;
  let solved: PriorityGrants;
  try {
    at = options.at === undefined ? prepared : atBudget(prepared, options.at);
    solved = priorityGrants(at, picker, { timeLimitSeconds: options.timeLimitSeconds, warmStart: options.warmStart });
  } catch (e) {
    return conflictsOrThrow(e);
  }
  const { candidates, candidateOf, lockedOf, thisYear } = at;
  const units = solved.rounded.grantUnits;
  const yuan = unitsToYuan(at.scenario.granularity);
  // Each candidate's grant in the first allocation, and whether it is the same now (most are).
  const before: Decimal[] = new Array(candidates.length);
  for (const l of base.lines) if (l.candidate >= 0) before[l.candidate] = l.grant;
  for (const l of base.plan?.lines ?? []) if (l.candidate >= 0) before[l.candidate] = l.grant;
  const same = sameGrants(before, units, at.scenario.granularity, yuan);
  // The lines as finishAllocation makes them: an earlier batch's grant, nothing for a non-candidate, else the candidate's.
  // A line whose grant is what the first allocation's line has is that line (the same application and grant).
  const lines = at.apps.map((app, i): { readonly app: Application; readonly grant: Decimal } => {
    const c = candidateOf[i]!;
    const grant = lockedOf[i] ?? (c < 0 ? ZERO : same[c] ? before[c]! : yuan(units[c]!));
    const was = base.lines[i];
    return was !== undefined && was.app === app && was.grant === grant ? was : { app, grant };
  });
  const planned = candidates.slice(thisYear).map((app, k) => ({ app, grant: same[thisYear + k] ? before[thisYear + k]! : yuan(units[thisYear + k]!) }));
  // This year's grants checked from the first allocation's verify where it has one (`verifyChanged`: the lines whose
  // grant moved, and every limit on the sums), exactly as a full verify checks them; the years in full.
  const locked = new Set(options.locked?.keys());
  const verification = verifyChanged(keptOf.get(base), at.policy, at.scenario, at.apps, lines.map((l) => l.grant), locked);
  checkedWithYears(at, verification, lines, planned, locked, undefined);
  let objective = base.objective;
  let granted = base.granted;
  let planGranted = base.plan?.granted;
  for (let c = 0; c < candidates.length; c++) {
    if (same[c]) continue;
    const change = yuan(units[c]!).minus(before[c]!);
    objective = objective.plus(candidates[c]!.score.times(change));
    if (c < thisYear) granted = granted.plus(change);
    else if (planGranted) planGranted = planGranted.plus(change);
  }
  const plan = planGranted ? { plan: { granted: planGranted } } : {};
  return { status: solved.first.status === 'optimal' ? 'optimal' : 'time_limit', allocation: { lines, objective, granted, ...plan } };
}

/**
 * Per candidate, whether `units[c]` units of the granularity `g` are the amount `before[c]`
 * (`yuan(units[c]).eq(before[c])`). In whole fen where the amount and the granularity are safe
 * integers of fen and so is their product (a product of safe integers that is one is exact), else in Decimal.
 */
export function sameGrants(before: readonly Decimal[], units: readonly number[], g: Decimal, yuan: (u: number) => Decimal): boolean[] {
  const gFen = scaledExact(g, 2);
  return before.map((b, c) => {
    const u = units[c]!;
    const fen = scaledExact(b, 2);
    if (gFen !== null && fen !== null && Number.isSafeInteger(u) && Number.isSafeInteger(gFen * u)) return gFen * u === fen;
    return yuan(u).eq(b);
  });
}

const both = (a: Verification, b: Verification): Verification => ({ checks: a.checks + b.checks, violations: [...a.violations, ...b.violations] });

/** Throws InternalError listing every violation: an allocation that breaks a rule never leaves the pipeline. */
export function assertVerified(v: Verification): void {
  if (v.violations.length) {
    throw new InternalError(
      `the verifier found ${v.violations.length} broken rule(s) in the allocation; nothing was written`,
      v.violations.map((x) => `${x.rule} · ${x.subject}: limit ${x.limit}, value ${x.value}${x.excess ? `, off by ${x.excess}` : ''}`),
    );
  }
}
