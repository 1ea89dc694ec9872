/**
 * What each language module (zh.ts, en.ts) says. The model returns codes and numbers; the
 * report formats the numbers (money, shares, scores) and hands them here as strings.
 */
import type { TieRule } from '../../model/types.js';

/** A project's explanation (report/explain.ts): one line for allocations.csv, more for `fundplan explain`. */
export interface ExplainWords {
  header(p: { readonly id: string; readonly project: string; readonly company: string; readonly clause: string; readonly measure: string; readonly score: string }): string;
  ineligible(year: number, scenarioYear: number): string;
  locked(grant: string): string;
  belowMinScore(score: string, min: string): string;

  /** The policy's ceilings (model/entitlement.ts `CeilingBasis`), each with how its amount came about. */
  readonly ceiling: {
    rate(clause: string, rate: string, base: string, amount: string): string;
    base(clause: string, base: string): string;
    matchingShare(clause: string, share: string, total: string, upper: string, amount: string): string;
    matchingRatio(clause: string, ratio: string, upper: string, amount: string): string;
    matchingFallback(clause: string, cap: string): string;
    projectCap(clause: string, cap: string): string;
    requested(amount: string): string;
  };
  /** Every ceiling, the one that set the entitlement marked. */
  ceilings(texts: readonly string[], chosen: number): string;
  /** The entitlement, which ceiling set it, and the higher ones it is below (label and amount). */
  entitled(amount: string, binding: string, above: readonly (readonly [string, string])[]): string;
  grantedRounded(grant: string, unit: string): string;
  grantedFull(grant: string): string;
  /** The one-line form of a full grant: its ceiling, and whether rounding took something off. */
  fullOneLine(ceiling: string, roundedTo: string | null): string;

  /** Cut below the entitlement by a limit: what is short, then which limit and how full. */
  short(grant: string, below: string): string;
  companyCut(short: string, limit: string, full: string, used: string, others: string, shown: readonly string[], mates: number): string;
  budgetLikeCut(short: string, limit: string, full: string, used: string): string;
  budgetCut(short: string, full: string, used: string, line: { readonly fundingLine: string; readonly score: string; readonly below: string | null } | null): string;

  /** A rule beyond the money rules (model/types.ts `RuleNote`). */
  readonly rule: {
    excluded(reason: string): string;
    funded(grant: string, reason: string): string;
    exclusiveGroup(group: string, fundedAs: string, earlier: boolean): string;
    quota(measureId: string, maxCount: number): string;
    /** `limit`: the limit it did not fit; null: the integer optimum did not select it. */
    allOrNothing(amount: string, limit: string | null): string;
    minShare(share: string, least: string, limit: string | null): string;
    notSelected: string;
    noBand: string;
    shareStopped(limit: string, limitAmount: string, share: string, commonShare: string, grant: string): string;
    /** `rate`: the band weight, null when 1. */
    share(commonShare: string, rate: string | null, cap: string, unit: string, grant: string): string;
  };
}

/** The summary's words about the rules (report/summary.ts). */
export interface SummaryWords {
  /** Why the integer model's tie rule did not decide among equally good selections. */
  readonly tieRuleMissed: { readonly [K in Exclude<TieRule, 'applied'>]: (maxDecisions: string) => string };
  /** The priority order, said where the integer model's equal optima were not decided by it. */
  priorityNotApplied(priorityRule: string, why: string): string;
}

export interface Words {
  readonly explain: ExplainWords;
  readonly summary: SummaryWords;
}
