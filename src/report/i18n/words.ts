/**
 * The shape of the words the report files use, one section per output. zh.ts and en.ts each
 * fill all of it, so a string missing in either language is a compile error. A new output
 * adds its section here and in both languages.
 *
 * Words are plain text (renderers escape them for HTML or Markdown); a sentence with numbers
 * in it is a function of those numbers, already formatted by the renderer.
 */
import type { Binding } from '../../model/types.js';
import type { LimitKind } from '../../model/limits.js';
import type { AllocationColumn } from '../allocation-columns.js';
import type { MeasureChartText, ScatterText } from '../svg.js';
import type { TieRule } from '../../model/types.js';
import type { AttributeType } from '../../model/attributes.js';

export type Lang = 'zh' | 'en';

export interface Words {
  /** The `lang` attribute of an HTML page in this language. */
  readonly htmlLang: string;
  /** report.html and report.md. */
  readonly report: ReportWords;
  /** What set a grant (allocations.csv's `binding`), as a label. */
  readonly binding: Readonly<Record<Binding, string>>;
  /** What a limit is (company, measure, district, budget), as a label. */
  readonly limitKind: Readonly<Record<LimitKind, string>>;
  /** notice.csv, the public-notice list. */
  readonly notice: NoticeWords;
  /** allocations.xlsx. */
  readonly workbook: WorkbookWords;
  /** The budget sweep's chart and page. */
  readonly frontier: FrontierWords;
  /** compare.html. */
  readonly compare: CompareWords;
  /** A project's explanation: allocations.csv's note and `fundplan explain`. */
  readonly explain: ExplainWords;
  /** The summary's words about the rules. */
  readonly summary: SummaryWords;
  /** The funding line and what more or less budget would do (stdout, reports, summary.json's words). */
  readonly budget: BudgetWords;
  /** The policy as a table (`fundplan policy`, report.html's appendix, the workbook's 参数 sheet). */
  readonly policyTable: PolicyTableWords;
  /** whatif.html, the what-if page. */
  readonly whatif: WhatIfWords;
  /** A multi-year scenario's cash plan: cashflow.csv, the workbook's sheet, the reports' section, stdout. */
  readonly years: YearsWords;
}

/** The columns of the cash plan table (cashflow.csv's ids). */
export type CashflowColumn = 'year' | 'measure' | 'measure_name' | 'due_earlier' | 'due_this_year' | 'due_planned' | 'total' | 'cash' | 'carried_in' | 'carried_out' | 'recovered' | 'room_left';

export interface YearsWords {
  /** 资金拨付计划: the reports' section. */
  readonly section: string;
  /** 资金拨付计划表: the table's title and the workbook sheet's name. */
  readonly table: string;
  /** The table's headers by column. */
  readonly col: Readonly<Record<CashflowColumn, string>>;
  /** The per-year total row's label. */
  readonly total: string;
  readonly chartTitle: string;
  readonly dueEarlier: string;
  readonly dueThisYear: string;
  /** The plan years' part, labelled as indicative. */
  readonly duePlanned: string;
  /** The cash line: the year's cash plus what was carried in. */
  readonly cashLine: string;
  readonly axis: string;
  /** A run of years: 2021年, 2020–2021年. */
  readonly window: (from: number, to: number) => string;
  /** The sentence naming the binding runs of years (given as named by `window`). */
  readonly binding: (windows: readonly string[]) => string;
  readonly noBinding: string;
  readonly planNote: string;
  readonly planTitle: string;
  readonly planCol: { readonly year: string; readonly applications: string; readonly funded: string; readonly granted: string };
  readonly targetsTitle: string;
  readonly targetCol: { readonly target: string; readonly measures: string; readonly by: string; readonly required: string; readonly achieved: string; readonly shortfall: string; readonly kind: string };
  readonly hard: string;
  readonly soft: string;
  /** A count of projects or an amount, in words. */
  readonly count: (n: string) => string;
  /** One year on stdout. */
  readonly yearLine: (year: number, total: string, parts: { earlier: string; thisYear: string; planned: string }, cash: string, carriedIn: string, roomLeft: string) => string;
  /** A target on stdout. */
  readonly targetLine: (name: string, id: string, hard: boolean, by: number, required: string, achieved: string, shortfall: string) => string;
}

/** The summary's rules, stated in both languages (Summary['rules']). */
export interface RuleTexts {
  readonly priorityOrder: string;
  readonly priorityOrderZh: string;
  readonly rounding: string;
  readonly roundingZh: string;
}

export interface ReportWords {
  readonly reportTitle: string;
  readonly toc: string;
  readonly sections: {
    readonly overview: string;
    readonly totals: string;
    readonly byMeasure: string;
    readonly byDistrict: string;
    readonly scatter: string;
    readonly limits: string;
    readonly marginal: string;
    readonly top: string;
    readonly notice: string;
    readonly projects: string;
  };
  /** After a label inside a sentence or a list item of report.md. */
  readonly colon: string;
  /** After a bold label in report.html: the full-width colon in both languages, as the page has always shown it. */
  readonly labelColon: string;
  /** Brackets around an aside. */
  readonly parens: readonly [open: string, close: string];
  readonly listSep: string;
  readonly policy: string;
  readonly document: string;
  readonly description: string;
  readonly year: string;
  readonly status: string;
  readonly statusOptimal: (gap: string) => string;
  readonly statusTimeLimit: (gap: string, stoppedBy: string) => string;
  readonly statusTimeLimitShort: (gap: string) => string;
  readonly tool: string;
  readonly solver: string;
  readonly inputs: string;
  readonly fileScenario: string;
  readonly filePolicy: string;
  readonly fileApplications: string;
  readonly granularity: string;
  readonly priorityRule: string;
  readonly roundingRule: string;
  /** The tie rule and the rounding rule in this language. */
  readonly rules: (r: RuleTexts) => { readonly priority: string; readonly rounding: string };
  /** Above the list of the inputs' `n` warnings, at the top of the report. */
  readonly warnings: (n: number) => string;
  readonly budget: string;
  readonly granted: string;
  readonly unallocated: string;
  readonly applications: string;
  readonly candidates: string;
  readonly fullyFunded: string;
  readonly partlyFunded: string;
  readonly unfunded: string;
  readonly belowMinScore: string;
  readonly ineligible: string;
  readonly verification: string;
  readonly lockedBatch: (n: number) => string;
  readonly newBatch: (n: number) => string;
  /** This run's batch (shown when earlier batches were held fixed). */
  readonly batch: string;
  readonly batchValue: (n: number) => string;
  /** What an earlier batch fixed: its number, its allocations.csv, the projects it fixed, how many funded and with how much. */
  readonly earlierBatch: (n: number, file: string, projects: number, funded: number, granted: string) => string;
  /** Above the notice table when earlier batches exist: which batches it lists. */
  readonly noticeScope: (scope: 'new' | 'all', batch: number) => string;
  readonly verificationText: (checks: number, violations: number) => string;
  readonly count: (n: number) => string;
  readonly headline: (budget: string, granted: string, pct: string, funded: number, apps: number) => string;
  readonly col: {
    readonly item: string;
    readonly value: string;
    readonly clause: string;
    readonly measure: string;
    readonly applications: string;
    readonly funded: string;
    readonly requested: string;
    readonly entitlement: string;
    readonly granted: string;
    readonly budgetMin: string;
    readonly budgetMax: string;
    readonly share: string;
    readonly district: string;
    readonly total: string;
    readonly limit: string;
    readonly amount: string;
    readonly used: string;
    readonly slack: string;
    readonly perYuan: string;
    readonly range: string;
    readonly verified: string;
    readonly atBound: string;
    readonly words: string;
    readonly rank: string;
    readonly projectId: string;
    readonly projectName: string;
    readonly company: string;
    readonly score: string;
    readonly grant: string;
    readonly binding: string;
    readonly note: string;
    readonly seq: string;
    readonly batch: string;
    readonly applicant: string;
    readonly category: string;
    readonly grantWan: string;
  };
  readonly chartMeasure: MeasureChartText;
  readonly chartScatter: ScatterText;
  readonly scatterCaption: (shown: number, zero: number, line: string | null) => string;
  readonly fundingLineLabel: string;
  readonly fundingLineValue: (score: string) => string;
  readonly verifiedYes: string;
  readonly verifiedNo: string;
  readonly omittedMeasures: (n: number) => string;
  readonly bindingIntro: (n: number) => string;
  readonly noBinding: string;
  /** The policy's share rules: a sentence per rule, what it required and achieved, and what that did. */
  readonly shareResult: (p: { clause: string; name: string; required: string; qualifying: string; share: string; binding: 'min' | 'max' | null; short: boolean }) => string;
  /** `n` limits with room left, `shown` of them listed. */
  readonly otherLimits: (n: number, shown: number) => string;
  /** After `otherLimits` in report.md, which leaves their table to report.html. */
  readonly otherLimitsElsewhere: string;
  readonly marginalIntro: string;
  readonly noMarginal: string;
  readonly noUpperEnd: string;
  readonly cannotRaise: string;
  readonly yes: string;
  readonly no: string;
  readonly search: string;
  readonly searchLabel: string;
  readonly shownRows: string;
  /** Shown when the filtered table is printed; the page's script fills in {k} and {n}. */
  readonly filteredNote: string;
  readonly sortHint: string;
  /** `n` applications left out of the project table. */
  readonly projectsOmitted: (n: number) => string;
  readonly unknownDistrict: string;
}

export interface NoticeWords {
  /** notice.csv's header row. */
  readonly header: readonly [seq: string, batch: string, projectName: string, applicant: string, category: string, grantWan: string];
  /** The first cell of the totals row. */
  readonly total: string;
  /** The line under the table that states how the amounts were rounded. */
  readonly ruleLine: (rule: string) => string;
}

export interface WorkbookWords {
  readonly sheets: { readonly notice: string; readonly detail: string; readonly summary: string; readonly parameters: string; readonly commitments: string };
  readonly noticeHeader: readonly [seq: string, batch: string, projectName: string, applicant: string, category: string, grantWan: string];
  /** The 明细 sheet's header: allocations.csv's columns in words. */
  readonly detailHeader: Readonly<Record<AllocationColumn, string>>;
  /** The printed pages' footer: "page n of m", the number and the count given (as codes of the writer). */
  readonly pageOf: <T>(page: T, pages: T) => readonly (string | T)[];
  readonly byMeasureTitle: string;
  readonly byMeasureHeader: readonly [
    clause: string,
    measureId: string,
    measure: string,
    applications: string,
    funded: string,
    requested: string,
    entitlement: string,
    granted: string,
    budgetMin: string,
    budgetMax: string,
  ];
  readonly byDistrictTitle: string;
  readonly byDistrictHeader: readonly [district: string, applications: string, funded: string, requested: string, entitlement: string, granted: string];
  readonly budgetTitle: string;
  readonly budgetHeader: readonly [budget: string, granted: string, unallocated: string];
  readonly parameters: {
    readonly header: readonly [item: string, value: string];
    readonly scenarioName: string;
    readonly scenarioDescription: string;
    readonly scenarioFile: string;
    readonly scenarioSha: string;
    readonly extendsSha: (file: string) => string;
    readonly policy: string;
    readonly policyDocument: string;
    readonly policyFile: string;
    readonly policySha: string;
    readonly applicationsFile: string;
    readonly applicationsSha: string;
    readonly applicationsEncoding: string;
    readonly applicationsSheet: string;
    readonly applicationsRows: string;
    /** This run's batch, and each earlier batch's allocations.csv with its SHA-256 and what it fixed. */
    readonly batch: string;
    readonly lockFile: (batch: number) => string;
    readonly lockSha: (batch: number) => string;
    readonly lockGranted: (batch: number) => string;
    readonly year: string;
    readonly budget: string;
    readonly minScore: string;
    readonly companyAnnualCap: string;
    readonly measureBudgets: string;
    /** Set only where the scenario sets them: district budgets and counts, the measures' integer rules and quotas. */
    readonly districtBudgets: string;
    readonly measureRules: string;
    readonly granularity: string;
    readonly objective: string;
    readonly objectiveText: (kind: string, description: string) => string;
    readonly objectiveValue: string;
    readonly status: string;
    readonly statusOptimal: string;
    readonly statusStopped: (status: string) => string;
    readonly gap: string;
    readonly solver: string;
    readonly verification: string;
    readonly verificationText: (checks: number, violations: number) => string;
    readonly priorityOrder: string;
    readonly rounding: string;
    readonly warnings: string;
    /** `n` input warnings; none when 0. */
    readonly warningsText: (n: number) => string;
    readonly tool: string;
    /** A setting that is not set. */
    readonly none: string;
  };
}

export interface FrontierWords {
  /** The chart's label, and the page's title after the scenario name. */
  readonly title: string;
  readonly budgetAxis: string;
  readonly knee: (wan: string) => string;
  readonly objective: string;
  readonly objectiveUnit: string;
  readonly fundingLine: string;
  readonly fundingLineUnit: string;
  /** What every point is, and where the knee is (its budget in 万元), if there is one. */
  readonly intro: (kneeWan: string | null) => string;
  readonly pointsHeading: string;
  readonly pointsHeader: readonly [budget: string, granted: string, funded: string, fullyFunded: string, partlyFunded: string, fundingLine: string];
  readonly entriesHeading: string;
  readonly entriesHeader: readonly [projectId: string, projectName: string, measure: string, score: string, firstFunded: string, fullyFunded: string];
  /** A sweep of one year's cash (`sweep --cash-year`): the words that name what was varied. */
  readonly cash: (year: number) => FrontierAxisWords;
}

/** The frontier's words that name what the sweep varied. */
export type FrontierAxisWords = Pick<FrontierWords, 'title' | 'budgetAxis' | 'fundingLine' | 'intro' | 'pointsHeading' | 'pointsHeader' | 'entriesHeading'>;

export interface CompareWords {
  readonly title: string;
  readonly heading: (base: string) => string;
  readonly settingsHeading: string;
  /** Scenario fields by name; a field not named here is shown as it is. */
  readonly fieldNames: {
    readonly policy: string;
    readonly applications: string;
    readonly year: string;
    readonly budget: string;
    readonly minScore: string;
    readonly measureBudgets: string;
    readonly companyAnnualCap: string;
    readonly granularity: string;
    readonly objective: string;
    readonly lock: string;
    readonly sheet: string;
    readonly districtBudgets: string;
    readonly scoreBands: string;
    readonly measureWeights: string;
    readonly awardScores: string;
    readonly allOrNothing: string;
    readonly minShare: string;
    readonly forcedGrant: string;
    readonly measureRules: string;
  };
  /** A setting that is on (a field's value `true`). */
  readonly on: string;
  /** After the field's name: the field as written, its value in the base run and in the other. */
  readonly fieldChange: (field: string, from: string, to: string) => string;
  readonly sameSettings: string;
  readonly versus: (run: string, base: string) => string;
  readonly overviewHeading: string;
  readonly overview: {
    readonly source: string;
    readonly budget: string;
    readonly granted: string;
    readonly objective: string;
    readonly fundingLine: string;
    readonly funded: string;
    /** Granted by earlier batches this run held fixed, and granted apart from them. */
    readonly locked: string;
    readonly movable: string;
  };
  /** Two runs that held the same earlier batches: what those fixed in both, left out of the changes. */
  readonly fixedShared: (run: string, base: string, files: string, projects: number, granted: string) => string;
  readonly byMeasure: string;
  readonly byDistrict: string;
  /** Under a run's label: its grants in 万元. */
  readonly grantedWan: string;
  readonly change: string;
  readonly changesHeading: (run: string, base: string, n: number) => string;
  readonly changeHeader: {
    readonly projectId: string;
    readonly projectName: string;
    readonly applicant: string;
    readonly measure: string;
    readonly score: string;
    readonly runWan: (run: string) => string;
    readonly change: string;
    readonly kind: string;
    readonly binding: string;
  };
  /** How a project's grant changed (compare.ts's Change['kind']). */
  readonly kinds: Readonly<Record<'gains' | 'loses' | 'enters' | 'leaves', string>>;
  /** Multi-year runs: each year's cash and dues side by side. */
  readonly cash: {
    readonly heading: string;
    readonly note: string;
    readonly year: string;
    readonly cashWan: string;
    readonly dueWan: string;
    /** A due's parts, in 万元: earlier commitments, this year's new grants, the planned years'. */
    readonly dueParts: (ledger: string, current: string, planned: string) => string;
  };
}

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
    /** A condition not met: the field's name, the value it has (null: none), the condition in words. */
    eligibility(clause: string, field: string, value: string | null, condition: string): string;
    /** Banded rates: each band's part (from, to or null, rate, amount), the total. */
    bands(clause: string, mode: 'marginal' | 'whole', base: string, parts: readonly { from: string; to: string | null; rate: string; amount: string }[], amount: string): string;
    /** An award by the value of an attribute; `amount` null: the value has no award. */
    tier(clause: string, field: string, value: string | null, amount: string | null): string;
    /** A bonus on top of the least other ceiling (`before`, in words with its clause). */
    bonus(clause: string, field: string, value: string, bonus: string, before: string, amount: string): string;
    /** Once per company: the company's earlier approval under the measure (project, year, grant). */
    oncePerCompany(clause: string, projectId: string, year: number, grant: string): string;
  };
  /** Conditions in words: at least / at most / between, one of. */
  readonly condition: {
    range(min: string | null, max: string | null): string;
    oneOf(values: readonly string[]): string;
  };
  /** The names of the standard fields an eligibility rule may compare. */
  readonly fieldName: Readonly<Record<'total_investment' | 'eligible_base' | 'requested' | 'upper_funding' | 'score', string>>;
  /** Nothing: a condition of the policy is not met (the ceiling text says which). */
  notEligible(ceiling: string): string;
  /** Cut by a joint cap, a share rule or a district's count. */
  jointCapCut(short: string, limit: string, full: string, used: string, others: string, shown: readonly string[], mates: number): string;
  shareCut(short: string, limit: string, share: string, qualifying: boolean): string;
  /** Cut by a year's cash (`years`: 2021, or 2020–2021 with carry-over): what holds the window's cash, and what the rest of the grant would fall due in it (not the cash that would fund it: explain re-solves for that). */
  cashCut(short: string, years: string, held: { supply: string; ledger: string; thisYear: string; planned: string | null }, more: string, year: number): string;
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

  /**
   * `fundplan explain`'s what-would-fund-it, for a project the total budget cut: each amount the
   * extra budget (`more`) and the budget it makes (`at`); `unit` the budget steps searched.
   */
  readonly whatWouldFund: {
    /** An unfunded project first gets something at this budget. */
    startsAt(more: string, at: string): string;
    readonly neverStarts: string;
    /** It gets its full entitlement at this budget (a project funded in part, or not at all). */
    fullyAt(more: string, at: string): string;
    readonly neverFully: string;
    scoreNeeded(score: string): string;
    readonly noScore: string;
    method(unit: string): string;
    /** A project cut by a year's cash: what more cash in `year` (alone) would do. */
    readonly cash: {
      startsAt(year: number, more: string, at: string): string;
      neverStarts(year: number): string;
      fullyAt(year: number, more: string, at: string): string;
      neverFully(year: number): string;
      /** The window is a run of years: money of `earliest` (the first year whose cash may pay in it) helps as well as `latest`'s. */
      runOfYears(earliest: number, latest: number): string;
      method(unit: string): string;
    };
  };

  /** A rule beyond the money rules (model/types.ts `RuleNote`). */
  readonly rule: {
    excluded(reason: string): string;
    funded(grant: string, reason: string): string;
    exclusiveGroup(group: string, fundedAs: string, earlier: boolean): string;
    quota(measureId: string, maxCount: number): string;
    districtCount(district: string, maxCount: number): string;
    /** `limit`: the limit it did not fit; null: the integer optimum did not select it. */
    allOrNothing(amount: string, limit: string | null): string;
    minShare(share: string, least: string, limit: string | null): string;
    notSelected: string;
    /** After a rule's text where the total budget stopped the project: the funding line and where it stands (`below` or `above` it, in points). */
    budgetAside(line: { readonly fundingLine: string; readonly score: string; readonly below: string | null; readonly above: string | null }): string;
    noBand: string;
    shareStopped(limit: string, limitAmount: string, share: string, commonShare: string, grant: string): string;
    /** `rate`: the band weight, null when 1. */
    share(commonShare: string, rate: string | null, cap: string, unit: string, grant: string): string;
  };
}

/** The summary's words about the rules (report/summary.ts). */
export interface SummaryWords {
  /**
   * Which backend solved the model, for people (summary.json keeps the technical reason): `kind`
   * is the model — the priority LP, the integer model, or proportional shares (no backend).
   */
  solverUsed(backend: string, kind: 'lp' | 'integer' | 'proportional', reason: string): string;
  /**
   * The priority order, said where the integer model's tie rule was not applied in full: how far
   * it was and why (`seconds`: the time budget of each tie-break solve).
   */
  readonly tieRuleNote: { readonly [K in Exclude<TieRule, 'applied'>]: (priorityRule: string, seconds: string) => string };
  /** Heads the equal-score applications left out of priority order, where the tie rule was not applied. */
  readonly unorderedHeading: string;
  /** One score's applications out of order: `short` (smaller ids, below their entitlement) before `funded`. */
  unorderedTie(score: string, short: readonly string[], funded: readonly string[]): string;
  /** `n` more scores with applications out of order (listed in summary.json). */
  moreUnordered(n: number): string;
}

/** How many applications and their scores ("72" or "72–85"), for a sentence. */
export interface ScoreGroupText {
  readonly count: number;
  readonly scores: string;
}

/** What moving the budget changes (model/budget-figures.ts `BudgetChange`); null: no application. */
export interface BudgetChangeText {
  /** Whether the model has integer rules: who leaves as the money moves up (or enters as it moves down) does so as they recombine; else as the limits share the money out again. */
  readonly integer: boolean;
  readonly entering: ScoreGroupText | null;
  readonly leaving: ScoreGroupText | null;
  readonly raised: ScoreGroupText | null;
  readonly lowered: ScoreGroupText | null;
}

/** Why there is no funding line (summary.json `fundingLineBasis.why`). */
export type NoFundingLine = 'budget-not-binding' | 'proportional' | 'time-limit';

/**
 * The funding line and the value of money in words a director reads. Amounts come in as yuan
 * strings ("1000000.00"), scores and ranges already formatted.
 */
export interface BudgetWords {
  /** The funding line's value with how it was found: `projectId` is the project at the line under integer rules; null: the LP's dual. */
  lineIs(score: string, projectId: string | null): string;
  /** Why there is no funding line, said against what was granted: `unallocated` null when every yuan of the budget was granted. */
  noLine(why: NoFundingLine, unallocated: string | null): string;
  /** The budget raised by `step`: who would get money, who more (and under integer rules who would lose it). */
  up(step: string, change: BudgetChangeText): string;
  /** The budget lowered by `step`. */
  down(step: string, change: BudgetChangeText): string;
  /** Lowered by `step`, no allocation meets the rules. */
  downInfeasible(step: string): string;
  /** The sentences about more and less budget, with how they were found (`finiteDifference` or `resolved`) as an aside. */
  figures(sentences: readonly string[], how: string): string;
  /** The integer model's figures: re-solved at budget ± step, a finite difference, not a dual. */
  finiteDifference(step: string): string;
  /** The LP's: the count and scores re-solved at budget + step; the per-yuan value is the dual. */
  resolved(step: string): string;
  /** A re-solve stopped at the time limit: not proven optimal. */
  readonly notProven: string;
  /** Under the marginal values' intro, where the budget's figures are a finite difference. */
  introFiniteDifference(step: string): string;
  /** A range of a limit, `to` null: no upper end. */
  range(from: string, to: string | null): string;
  /** A limit (not the budget) that is not full: more of it changes nothing. */
  limitNotBinding(label: string, range: string): string;
  /** A floor as high as it can go. */
  limitCannotRaise(label: string): string;
  /**
   * A full ceiling (the LP's dual): raised, the money goes to the projects it holds back, `points`
   * above the projects it comes from where the budget binds (`shifted`); `gain`: the objective
   * gained per ¥10,000.
   */
  ceilingValue(label: string, range: string, points: string, gain: string, shifted: boolean): string;
  /** A floor that holds: raised, money must go to projects under it, `points` below where it comes from; `cost`: the objective lost per ¥10,000. */
  floorCost(label: string, range: string, points: string, cost: string, shifted: boolean): string;
  /** A year's cash, as the marginal values name it. */
  cashLabel(year: number): string;
  /** A year's cash raised by `step`: `up` the sentence of what it funds (`up`), or null when the re-solve found no allocation. */
  cashUp(year: number, step: string, up: string | null): string;
  /** After what more cash funds this year: what the planned years' forecasts get more (or less, negative), yuan; indicative. */
  cashPlanChange(yuan: string): string;
  /** How a year's cash figures were found: re-solved at cash + step; `perWan` the LP duals' estimate of the objective per ¥10,000, or null (no duals). */
  cashResolved(year: number, step: string, perWan: string | null): string;
  /** Not re-solved: the budget (or the year's cash) has money left over, so more of it changes nothing. */
  readonly notBinding: string;
}

/**
 * The policy as a person checks it against the document (report/policy-table.ts). Amounts come
 * in as yuan strings ("30000000"), rates already as percentages ("30%").
 */
export interface PolicyTableWords {
  /** The table's heading: the policy's name, id and document number (null: none given). */
  title(name: string, id: string, document: string | null): string;
  /** report.html's appendix heading. */
  readonly appendix: string;
  readonly sections: {
    readonly measures: string;
    readonly jointCaps: string;
    readonly shares: string;
    readonly annualCap: string;
    readonly attributes: string;
  };
  readonly measureHeader: {
    readonly clause: string;
    readonly id: string;
    readonly name: string;
    readonly base: string;
    readonly rate: string;
    readonly projectCap: string;
    readonly companyCap: string;
    readonly tiers: string;
    readonly bonus: string;
    readonly conditions: string;
    readonly matching: string;
    readonly installments: string;
  };
  /** How grants are paid: each share and the year after approval it falls due in. */
  installments(parts: readonly { share: string; year: number }[]): string;
  /** The oncePerCompany rule as a condition. */
  readonly oncePerCompany: string;
  readonly jointCapHeader: readonly [clause: string, id: string, name: string, measures: string, per: string, amount: string];
  readonly shareHeader: readonly [clause: string, id: string, name: string, measures: string, where: string, share: string];
  readonly annualCapHeader: readonly [clause: string, amount: string, exempt: string];
  readonly attributeHeader: readonly [id: string, name: string, type: string, values: string];
  /** An amount as the document writes it. */
  amount(yuan: string): string;
  /** A `baseCeiling` rule: the grant is at most the base. */
  readonly atMostBase: string;
  /** The first line of banded rates: how the bands apply. */
  bands(mode: 'marginal' | 'whole'): string;
  /** One band: from (null: from zero), to (null: no upper end), its rate. */
  band(mode: 'marginal' | 'whole', from: string | null, to: string | null, rate: string): string;
  /** The first line of tiers or a bonus: the attribute it reads. */
  tiers(field: string): string;
  bonus(field: string): string;
  /** One value of tiers or a bonus and its amount. */
  tier(value: string, amount: string): string;
  /** A matching rule: ratio to the upper-level grant, the share of total investment for all levels, the cap without an upper-level amount. */
  matching(ratio: string, share: string, fallback: string): readonly string[];
  /** An eligibility condition: the field's name and the condition in words. */
  condition(field: string, condition: string): string;
  atLeast(value: string): string;
  atMost(value: string): string;
  between(min: string, max: string): string;
  notBefore(date: string): string;
  notAfter(date: string): string;
  oneOf(values: readonly string[]): string;
  /** A joint cap per company, or per value of an attribute. */
  readonly perCompany: string;
  perValue(attribute: string): string;
  /** A share's bounds: null where none is given. */
  shareBounds(min: string | null, max: string | null): string;
  /** A measure named in a list: its id and name. */
  measureRef(id: string, name: string): string;
  readonly attributeType: Readonly<Record<AttributeType, string>>;
  /** An empty list (no exemptions, no values). */
  readonly none: string;
}

/** whatif.html: the controls, the results, the states (amounts come formatted in 万元). */
export interface WhatIfWords {
  readonly title: string;
  readonly intro: string;
  readonly controls: string;
  readonly budget: string;
  readonly measures: string;
  readonly max: string;
  readonly min: string;
  readonly noLimit: string;
  readonly companyAnnualCap: string;
  readonly districts: string;
  readonly wan: string;
  readonly reset: string;
  readonly undo: string;
  readonly exportScenario: string;
  readonly exportTable: string;
  /** Under the export buttons: where the exported scenario looks for the original. */
  exportNote(original: string): string;
  readonly decisions: string;
  readonly fund: string;
  readonly exclude: string;
  readonly undecided: string;
  readonly reason: string;
  /** The reason a forced or excluded project gets when none is typed. */
  readonly defaultReason: string;
  readonly results: string;
  headline(budget: string, granted: string, funded: string, applications: string): string;
  fundingLine(score: string | null): string;
  readonly changes: string;
  readonly noChanges: string;
  readonly change: { readonly enter: string; readonly leave: string; readonly gain: string; readonly lose: string };
  /** How many projects enter, leave, gain, lose. */
  changeCounts(enter: number, leave: number, gain: number, lose: number): string;
  readonly byMeasure: string;
  readonly projects: string;
  readonly filter: string;
  readonly onlyFunded: string;
  readonly col: {
    readonly id: string;
    readonly name: string;
    readonly company: string;
    readonly district: string;
    readonly measure: string;
    readonly score: string;
    readonly entitlement: string;
    readonly grant: string;
    readonly grantYuan: string;
    readonly binding: string;
    readonly note: string;
    readonly before: string;
    readonly after: string;
    readonly delta: string;
  };
  readonly computing: string;
  readonly infeasible: string;
  readonly badSettings: string;
  readonly needsBackend: string;
  readonly rejected: string;
  readonly failed: string;
  /** The time a result took and the backend that solved it. */
  solvedIn(ms: string, solver: string): string;
  readonly explanation: string;
  readonly close: string;
  readonly frontier: string;
  readonly frontierNote: string;
  readonly frontierAxisX: string;
  readonly frontierAxisY: string;
  /** What a step more budget would do. */
  more(step: string, enter: number, gain: number): string;
  readonly generated: string;
}
