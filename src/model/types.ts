/**
 * What the model's stages hand each other and return: the preparation, the allocation with
 * a reason per grant, the report of the solve. Types and two tables; it imports no code, so
 * every model module can use it without importing another back.
 */
import type { Decimal } from 'decimal.js';
import type { Basis, LinearProgram, SolveResult } from '../solver/types.js';
import type { Application } from './application.js';
import type { Entitlement, EntitlementBinding } from './entitlement.js';
import type { Limit, ShareRow } from './limits.js';
import type { CashRow } from './cash-rows.js';
import type { PolicyLpShape } from './lp.js';
import type { Measure, Policy } from './policy.js';
import type { Scenario } from './scenario.js';
import type { Units } from './units.js';

export type Binding =
  | EntitlementBinding
  | 'company_limit'
  | 'measure_budget'
  | 'total_budget'
  | 'below_min_score'
  | 'ineligible'
  | 'locked'
  // Rules beyond the policy's money rules: district budgets, decisions, integer rules, quotas, shares.
  | 'district_budget'
  | 'forced'
  | 'excluded'
  | 'all_or_nothing'
  | 'min_share'
  | 'exclusive_group'
  | 'quota'
  | 'proportional_share'
  | 'not_selected'
  // Limits of the policy beyond a measure's own: caps shared by measures, shares by company type, district counts.
  | 'joint_cap'
  | 'share'
  | 'district_count'
  // Across years: a year's cash (with what earlier years carried over) is used up; a multi-year target's floor.
  | 'cash'
  | 'target';

/**
 * How a rule beyond the money rules set a grant, with its numbers (the words are the
 * report's). Read together with the line: its grant, its limitId, its application's
 * decision and decision reason.
 */
export type RuleNote =
  /** A decision (the application's `decision`, `decisionReason`). */
  | { readonly kind: 'decision' }
  /** Nothing: another application of its exclusive group is funded (`earlier`: by an earlier batch). */
  | { readonly kind: 'exclusive_group'; readonly group: string; readonly fundedAs: string; readonly earlier: boolean }
  /** Nothing: its measure already funds `maxCount` applications. */
  | { readonly kind: 'quota'; readonly measureId: string; readonly maxCount: number }
  /** Nothing: its district already has `maxCount` applications funded. */
  | { readonly kind: 'district_count'; readonly district: string; readonly maxCount: number }
  /** Nothing: its entitlement `amount` did not fit the line's limit, or (no limit) was not selected. */
  | { readonly kind: 'all_or_nothing'; readonly amount: Decimal }
  /** Nothing: at least `least` (the share `share` of its entitlement) did not fit, or was not selected. */
  | { readonly kind: 'min_share'; readonly share: Decimal; readonly least: Decimal }
  /** The integer optimum gives it no more, and no limit stops it. */
  | { readonly kind: 'not_selected' }
  /** Proportional by score: its score is in no band (share 0). */
  | { readonly kind: 'no_band' }
  /** Proportional: the line's limit (of `limitAmount`) stopped it at `share`, below the common share. */
  | { readonly kind: 'share_stopped'; readonly limitAmount: Decimal; readonly share: Decimal; readonly commonShare: Decimal }
  /** Proportional: the common share × its `rate` × its entitlement `cap`, rounded down. */
  | { readonly kind: 'share'; readonly commonShare: Decimal; readonly rate: Decimal; readonly cap: Decimal };

export interface Line {
  readonly app: Application;
  readonly measure: Measure;
  /** Null when the application is not a candidate (another year, below the minimum score). */
  readonly entitlement: Entitlement | null;
  readonly grant: Decimal;
  readonly binding: Binding;
  /** The limit that stopped the grant below its entitlement, when one did. */
  readonly limitId: string | null;
  /** Index among candidates, or -1. */
  readonly candidate: number;
  /** The rule beyond the money rules that set the grant (decisions, integer rules, proportional shares), when one did. */
  readonly ruleNote?: RuleNote;
}

/** Per candidate: why its grant is what it is (a finisher turns these into lines). */
export interface CandidateOutcome {
  readonly binding: Binding;
  readonly limitId: string | null;
  readonly ruleNote?: RuleNote;
}

export interface StageReport {
  /** 'priority + tie-break': both in one solve (a backend that breaks ties exactly, the network simplex). */
  readonly stage: 'priority' | 'tie-break' | 'tie-break within scores' | 'priority + tie-break' | 'feasibility';
  readonly backend: string;
  readonly status: SolveResult['status'];
  readonly raw: string;
  readonly objective: number | null;
  readonly ms: number;
}

export interface AllocateOptions {
  readonly timeLimitSeconds?: number;
  readonly iterationLimit?: number;
  /**
   * Solve the tie-break stage (default true). Without it, which of several equally good
   * allocations comes out is up to the backend: still optimal and verified, but not the
   * documented tie rule.
   */
  readonly tieBreak?: boolean;
  /** Grants decided by an earlier batch (see PrepareOptions). */
  readonly locked?: ReadonlyMap<string, Decimal>;
  /** Called with the stage-1 LP (priority objective) before it is solved, e.g. to export it. */
  readonly onLp?: (lp: LinearProgram) => void;
  /**
   * A basis for stage one to start from, where the backend takes one (HiGHS, for an LP): the
   * optimal basis of the same model with other numbers (another year's cash: an earlier
   * allocation's `model`), so that a re-solve is a few pivots; the tie rule's stage starts from
   * stage one's own optimum. Used only where `shape` has the same columns and rows as this model's,
   * in the same order. Where stage one has several optima, which one a warm solve ends at may not be
   * the one a cold solve ends at; the tie rule's stage on the optimal face then still ends at the
   * same allocation.
   */
  readonly warmStart?: Pick<Allocation['model'], 'basis' | 'shape' | 'reducedCosts'>;
}

/**
 * Whether the integer model's tie rule decided among equally good selections (integer-ties.ts):
 * 'applied' in full; applied among equal scores, with the check of trades across scores stopped
 * by its time budget or rounded worse ('within_scores_…'); or not applied — the first solve
 * stopped at the time limit, the tie-break solve within scores stopped at its time budget (its
 * best point is used), or it failed or rounded worse.
 */
export type TieRule = 'applied' | 'within_scores_time_limit' | 'within_scores_worse' | 'time_limit' | 'tie_break_time_limit' | 'tie_break_worse';

/** Applications of one score out of priority order: `short` (below their cap) come before `funded` in the order. */
export interface UnorderedTie {
  /** The score, as a decimal string. */
  readonly score: string;
  readonly short: readonly string[];
  readonly funded: readonly string[];
}

export interface RulesReport {
  readonly objective: Scenario['objective'];
  /** Which model decided the grants. */
  readonly model: 'proportional' | 'integer';
  /** Proportional: the share of its entitlement every application not stopped earlier received (decimal string). */
  readonly commonShare?: string;
  /** Proportional: applications stopped below the common share by a limit, with their share. */
  readonly stoppedEarly?: readonly { readonly projectId: string; readonly share: string; readonly limitId: string }[];
  /** Integer model: proven optimal, or stopped by the time limit with the gap to HiGHS's bound. */
  readonly integer?: {
    readonly status: 'optimal' | 'time-limit';
    readonly gap: number;
    readonly bound: number;
    readonly timeLimitSeconds: number | null;
    readonly raw: string;
    readonly tieRule: TieRule;
    /** Seconds each tie-break solve was given (null: no tie-break solve). */
    readonly tieBreakSeconds: number | null;
    /** Where the tie rule was not applied: the equal-score applications left out of priority order. */
    readonly unorderedTies: readonly UnorderedTie[];
  };
  readonly forced: number;
  readonly excluded: number;
}

export interface Allocation {
  /** 'optimal': proven optimal (before rounding). 'time-limit': the best found when the limit hit. */
  readonly status: 'optimal' | 'time-limit';
  /** Why the solve stopped early, when it did. */
  readonly limitDetail: string | null;
  /** An upper bound on Σ score × grant (yuan·points) and the relative gap of this allocation to it. */
  readonly bound: number;
  readonly gap: number;
  readonly lines: readonly Line[];
  readonly limits: readonly Limit[];
  /** The stage-1 LP and how its rows and columns map to limits and candidates (for sensitivity). */
  readonly model: {
    readonly lp: LinearProgram;
    readonly shape: PolicyLpShape;
    readonly duals: ArrayLike<number> | null;
    /** Stage one's optimal basis, when the backend gave one (a warm start for sensitivity re-solves). */
    readonly basis?: Basis;
    /** Stage one's reduced costs at that basis, when the backend gave them (where a re-solve from it starts its working model). */
    readonly reducedCosts?: ArrayLike<number>;
  };
  /** Σ grants per limit. */
  readonly limitTotals: readonly Decimal[];
  readonly objective: Decimal;
  readonly granted: Decimal;
  /** LP size: candidates, columns after merging interchangeable candidates, rows. */
  readonly lp: { readonly applications: number; readonly columns: number; readonly rows: number };
  /** The backend used and why. */
  readonly solver: { readonly backend: string; readonly reason: string };
  readonly stages: readonly StageReport[];
  readonly timingsMs: { readonly build: number; readonly solve: number; readonly round: number };
  /** Set when the scenario's objective or rules took another path than the priority LP (proportional.ts, integer.ts). */
  readonly rules?: RulesReport;
  /** Later years' forecast applications (scenario `plan`), solved with this year's: indicative, not decided. */
  readonly plan?: { readonly lines: readonly Line[]; readonly granted: Decimal };
}

/** Everything about an allocation that does not depend on the budget: built once, solved at many budgets. */
export interface Prepared {
  readonly apps: readonly Application[];
  readonly policy: Policy;
  readonly scenario: Scenario;
  readonly measures: ReadonlyMap<string, Measure>;
  readonly candidates: readonly Application[];
  readonly candidateOf: readonly number[];
  /** Per application, its locked grant, or null. */
  readonly lockedOf: readonly (Decimal | null)[];
  readonly entitlements: readonly Entitlement[];
  readonly caps: readonly Decimal[];
  readonly limits: readonly Limit[];
  /** The policy's share rules (weighted rows beside the limits). */
  readonly shares: readonly ShareRow[];
  /** Candidates [0, thisYear) are this year's; the rest are later years' forecasts (indicative). */
  readonly thisYear: number;
  /** The cash rows of a multi-year scenario (none without `cash`). */
  readonly cash: readonly CashRow[];
  readonly order: readonly number[];
  readonly units: Units;
  readonly shape: PolicyLpShape;
  /** Score per LP column. */
  readonly scores: readonly number[];
  readonly msBuild: number;
}

export interface PrepareOptions {
  /** Keep the budget row even where it cannot bind (to re-solve at other budgets). */
  readonly keepBudgetRow?: boolean;
  /** Grants decided by an earlier batch, by project id: kept as they are, counted against every limit. */
  readonly locked?: ReadonlyMap<string, Decimal>;
}

export const LIMIT_BINDING: Record<Limit['kind'], Binding> = {
  company_measure: 'company_limit',
  company_annual: 'company_limit',
  measure_max: 'measure_budget',
  measure_min: 'measure_budget',
  district_max: 'district_budget',
  district_min: 'district_budget',
  budget: 'total_budget',
  joint_cap: 'joint_cap',
  target: 'target',
};
/** When several limits are full, the most specific one is named. */
export const LIMIT_SPECIFICITY: readonly Limit['kind'][] = ['company_measure', 'joint_cap', 'company_annual', 'district_max', 'measure_max', 'budget'];
