/**
 * The format of summary.json, versioned. `buildSummary` is declared to return this type, so
 * the compiler holds the writer to it; readers (compare) parse with it instead of probing
 * fields. Raise SUMMARY_SCHEMA_VERSION when a field is renamed, removed or changes meaning;
 * schema/summary.schema.json is generated from this (npm run schemas).
 */
import { z } from 'zod';
import { OBJECTIVES } from '../model/scenario.js';
import type { TieRule } from '../model/types.js';

export const SUMMARY_SCHEMA_VERSION = 2;

/** Yuan as fundplan writes them: two decimals, no separators. */
const yuan = z.string().regex(/^-?\d+\.\d{2}$/, 'yuan with two decimals, e.g. "1500000.00"');
/** An exact decimal (Decimal.js's toString: may use an exponent). */
const decimal = z.string().regex(/^-?\d+(\.\d+)?(e[+-]\d+)?$/, 'a decimal number as a string, e.g. "0.5"');
const count = z.number().int().min(0);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
const file = z.object({ file: z.string(), sha256 }).strict();

const tally = {
  applications: count,
  funded: count,
  requested: yuan,
  entitlement: yuan,
  granted: yuan,
};

/** The integer model's tie rule as summary.json states it, by the model's code. */
export const TIE_RULE_TEXT = {
  applied: 'applied',
  within_scores_time_limit: 'applied within scores: the check of trades across scores stopped at its time limit',
  within_scores_worse: 'applied within scores: the check of trades across scores rounded worse',
  time_limit: 'not applied: the solve stopped at the time limit',
  tie_break_time_limit: 'not applied: the tie-break solve stopped at its time limit',
  tie_break_worse: 'not applied: the tie-break solve failed or rounded worse',
} as const satisfies Record<TieRule, string>;

/** What earlier versions wrote above 1,000 yes/no decisions, where the tie rule was not solved for. */
const TIE_RULE_SKIPPED = 'skipped: more than 1,000 yes/no decisions';

/** Applications by what became of them when the budget moves: how many, and their scores' range. */
const scoreGroup = z
  .object({
    count,
    scoreMin: z.number().nullable().describe('The lowest score among them; null: none'),
    scoreMax: z.number().nullable().describe('The highest score among them; null: none'),
  })
  .strict();

/** The allocation re-solved (and verified) at the budget moved by the step. */
const budgetSide = z.union([
  z
    .object({
      status: z.enum(['optimal', 'time_limit']).describe('How the re-solve ended (time_limit: not proven optimal)'),
      budget: yuan.describe('The budget it was re-solved at (a year\'s cash, `cash:<year>`: that year\'s cash)'),
      objectiveChange: decimal.describe('Σ score × grant there minus here (exact)'),
      perYuan: z.number().describe('objectiveChange per yuan of budget moved'),
      grantedChange: z.string().regex(/^-?\d+\.\d{2}$/, 'signed yuan with two decimals').describe('What is granted there minus here'),
      fundedChange: z.number().int().describe('A year\'s cash (`cash:<year>`): this year\'s funded applications there minus here').optional(),
      planGrantedChange: z
        .string()
        .regex(/^-?\d+\.\d{2}$/, 'signed yuan with two decimals')
        .describe("A year's cash, in a scenario with a plan: what the planned years' forecast applications get there minus here (indicative)")
        .optional(),
      entering: scoreGroup.describe('Nothing here, money there'),
      leaving: scoreGroup.describe('Money here, nothing there'),
      raised: scoreGroup.describe('Money here and more there'),
      lowered: scoreGroup.describe('Money here and less (but some) there'),
      notBinding: z
        .literal(true)
        .describe('Not re-solved: the limit (the budget, or every window a year\'s cash pays in) has a granularity unit or more left, so an LP\'s optimum stays where it is; the figures are those of the allocation itself')
        .optional(),
    })
    .strict(),
  z
    .object({
      status: z.literal('infeasible').describe('No allocation satisfies the rules at that budget'),
      budget: yuan.describe('The budget it was re-solved at (a year\'s cash, `cash:<year>`: that year\'s cash)'),
      conflicts: z.array(z.string()).describe('The rules that conflict there'),
    })
    .strict(),
]);

const rulesModel = z
  .object({
    objective: z.enum(OBJECTIVES),
    model: z.enum(['proportional', 'integer']),
    commonShare: decimal.describe('Proportional: the share of its entitlement every application not stopped earlier received').optional(),
    stoppedEarly: z
      .array(z.object({ projectId: z.string(), share: decimal, limitId: z.string() }).strict())
      .describe('Proportional: applications stopped below the common share by a limit, with their share')
      .optional(),
    integer: z
      .object({
        status: z.enum(['optimal', 'time-limit']),
        gap: z.number(),
        bound: z.number(),
        timeLimitSeconds: z.number().nullable(),
        raw: z.string(),
        tieRule: z
          .enum([
            TIE_RULE_TEXT.applied,
            TIE_RULE_TEXT.within_scores_time_limit,
            TIE_RULE_TEXT.within_scores_worse,
            TIE_RULE_TEXT.time_limit,
            TIE_RULE_TEXT.tie_break_time_limit,
            TIE_RULE_TEXT.tie_break_worse,
            TIE_RULE_SKIPPED,
          ])
          .describe(`Whether the priority order decided among equally good selections, and if not, why not ("${TIE_RULE_SKIPPED}": written by earlier versions only)`),
        tieBreakSeconds: z.number().nullable().describe('Seconds each tie-break solve was given; null: none was solved').optional(),
        unorderedTies: z
          .array(
            z
              .object({
                score: decimal.describe('The score they share'),
                short: z.array(z.string()).describe('Projects below their entitlement that come first in the priority order (smaller ids)'),
                funded: z.array(z.string()).describe('Projects of the same score after them that got money'),
              })
              .strict(),
          )
          .describe('Where the tie rule was not applied: equal-score applications left out of priority order (empty where it was)')
          .optional(),
      })
      .strict()
      .describe("Integer model: proven optimal, or stopped by the time limit with the gap to HiGHS's bound")
      .optional(),
    forced: count,
    excluded: count,
  })
  .strict()
  .describe("Set when the scenario's objective or rules took another path than the priority LP");

/** The run's other files by name, each with its SHA-256 (see the field `files`). */
const committedFiles = z.record(z.string(), sha256);

const timings = z
  .object({
    parse: z.number(),
    build: z.number(),
    solve: z.number(),
    round: z.number(),
    verify: z.number(),
    analyse: z.number().describe('Marginal values and explanations'),
    write: z.number(),
    writeMain: z.number().optional().describe("Of write: milliseconds the main thread was busy formatting and writing (the rest ran on worker threads or waited for the disk)"),
  })
  .strict();

/** A count (whole number) or an amount (yuan with two decimals), as a string. */
const countOrYuan = z.string().regex(/^\d+(\.\d{2})?$/, 'a whole count such as "50" or yuan such as "30000000.00"');
const dues = {
  dueEarlier: yuan.describe("Instalments of earlier years' approvals (the ledger, status planned) due this year"),
  dueThisYear: yuan.describe("Instalments of this year's grants (earlier batches' included) due this year"),
  duePlanned: yuan.describe("Instalments of the plan years' forecast grants due this year (indicative)"),
};

const yearsSchema = z
  .object({
    budgetGiven: z.boolean().describe('Whether the scenario states a budget for this year\'s new approvals; without one, budget is the cash of the horizon with what was carried in, and only the cash by year bounds the grants'),
    cashflow: z.array(
      z
        .object({
          year: z.number().int(),
          cash: yuan,
          carriedIn: yuan.describe('Unspent money of earlier years usable this year'),
          ...dues,
          total: yuan,
          carriedOut: yuan.describe('Unspent at the year\'s end and usable next year'),
          recovered: yuan.describe('Unspent at the year\'s end and past its carry-over years: recovered (收回)'),
          roomLeft: yuan.describe('Unspent at the year\'s end: carriedOut + recovered'),
        })
        .strict(),
    ),
    byMeasure: z.array(z.object({ year: z.number().int(), measure: z.string(), ...dues }).strict()),
    bindingCash: z.array(z.string()).describe('The runs of years whose cash binds (less than one granularity unit left): cash:2021, cash:2020-2021'),
    targets: z.array(
      z
        .object({
          id: z.string(),
          name: z.object({ zh: z.string(), en: z.string() }).strict(),
          measures: z.array(z.string()),
          by: z.number().int(),
          hard: z.boolean(),
          kind: z.enum(['count', 'amount']),
          required: countOrYuan,
          achieved: countOrYuan.describe("Approvals from the policy's validFrom year to `by`: the ledger's, this year's and the plan years' (indicative)"),
          shortfall: countOrYuan,
        })
        .strict(),
    ),
    plan: z.array(
      z
        .object({ year: z.number().int(), indicative: z.literal(true), applications: count, funded: count, granted: yuan })
        .strict()
        .describe("A plan year's forecast applications as solved with this year's: indicative, not decided"),
    ),
    ledger: z
      .object({
        files: z.array(file),
        rows: count,
        owed: yuan.describe('What its rows still planned owe within the horizon'),
      })
      .strict(),
  })
  .strict();

export const SummarySchema = z
  .object({
    schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
    tool: z.object({ name: z.literal('fundplan'), version: z.string() }).strict(),
    status: z.enum(['optimal', 'time_limit']),
    stoppedBy: z.string().describe('Why the solve stopped early, when it did').optional(),
    optimality: z
      .object({
        description: z.string(),
        bound: z.string().regex(/^\d+$/, 'whole yuan·points').describe('An upper bound on the objective'),
        gap: z.number().describe('The relative gap of this allocation to the bound'),
      })
      .strict(),
    scenario: z
      .object({
        name: z.string(),
        description: z.string(),
        file: z.string(),
        sha256,
        extends: z.array(file).describe('The scenarios this one extends, nearest first'),
        fields: z.record(z.string(), z.string()).describe('The settings as canonical strings, for comparisons'),
      })
      .strict(),
    policy: z.object({ id: z.string(), name: z.string(), document: z.string(), file: z.string(), sha256 }).strict(),
    applications: z
      .object({ file: z.string(), sha256, encoding: z.string(), sheet: z.string().optional(), rows: count })
      .strict(),
    locks: z
      .array(
        z
          .object({
            file: z.string().describe('As the scenario names it, or as given with --lock; "(in memory)" for grants given by project id'),
            sha256,
            batch: z.number().int().min(1).describe('1, 2, … in the order the files are named'),
            projects: count.describe('Projects whose grant it fixed (zero grants included)'),
            funded: count.describe('Of them, those with a grant above zero'),
            granted: yuan.describe('Their grants together'),
          })
          .strict(),
      )
      .describe("The earlier batches' allocations.csv this run held fixed (the scenario's lock, then --lock), in order"),
    batch: z.number().int().min(1).describe("This run's batch: 1 without earlier batches, else the number of lock files + 1"),
    year: z.number().int(),
    objective: z
      .object({ kind: z.enum(OBJECTIVES), description: z.string(), value: decimal, model: rulesModel.optional() })
      .strict(),
    budget: yuan,
    granted: yuan,
    unallocated: yuan,
    granularity: yuan,
    batches: z
      .object({
        locked: z.object({ applications: count, granted: yuan }).strict(),
        new: z.object({ applications: count, granted: yuan }).strict(),
      })
      .strict()
      .describe('Money an earlier batch fixed (--lock) and money this run allocated, apart'),
    counts: z
      .object({
        applications: count,
        candidates: count,
        funded: count,
        fullyFunded: count,
        partlyFunded: count,
        unfunded: count,
        belowMinScore: count,
        ineligible: count.describe('Applications of another year'),
        notEligible: count.describe('Candidates that fail a condition of the policy (eligibility rules, a tier their value has none of); absent when none').optional(),
      })
      .strict(),
    byMeasure: z.array(
      z
        .object({ measure: z.string(), clause: z.string(), name: z.string(), ...tally, budgetMin: yuan.nullable(), budgetMax: yuan.nullable() })
        .strict(),
    ),
    byDistrict: z.array(z.object({ district: z.string(), ...tally }).strict()),
    verification: z.object({ checks: count, violations: count }).strict(),
    fundingLine: z.number().nullable().describe("The score at which money ran out (the budget's marginal value; under integer rules the lowest score funded where the budget binds), or null"),
    fundingLineBasis: z
      .object({
        method: z.enum(['dual', 'lowest-funded-score', 'none']).describe("dual: the budget's marginal value in the LP; lowest-funded-score: under integer rules; none: no funding line"),
        why: z
          .enum(['budget-not-binding', 'proportional', 'time-limit'])
          .describe('Why there is none: no application is stopped by the total budget; a proportional objective; the LP stopped at its time limit (not analysed)')
          .optional(),
        projectId: z.string().describe('lowest-funded-score: the project at the line').optional(),
        description: z.string(),
      })
      .strict()
      .describe('How fundingLine was found, or why there is none')
      .optional(),
    shares: z
      .array(
        z
          .object({
            id: z.string(),
            clause: z.string(),
            name: z.string(),
            nameEn: z.string(),
            min: decimal.optional(),
            max: decimal.optional(),
            qualifying: yuan.describe('Granted to the applications matching `where`, earlier batches included'),
            total: yuan.describe('Granted under the share\'s measures, earlier batches included'),
            share: decimal.describe('qualifying / total (0 when nothing is granted)'),
            binding: z.enum(['min', 'max']).nullable().describe('The bound that stops grants (an application has binding "share"), or null'),
            qualifyingDemandShort: z.boolean().describe('The minimum binds although every qualifying application got its full entitlement: too little qualifying demand, so the rule limits the others'),
          })
          .strict(),
      )
      .describe("The policy's share rules: what each achieved")
      .optional(),
    years: yearsSchema.describe('A multi-year scenario (with cash by year): what falls due each year and from what, the cash flow, the binding runs of years, the targets, the plan years; absent for one-year scenarios').optional(),
    limits: z
      .object({
        binding: z.array(z.object({ id: z.string(), source: z.string(), amount: yuan, used: yuan }).strict()),
        other: count,
      })
      .strict()
      .describe('Coupling limits with less than one granularity unit of room (they stop grants), and how many others there are'),
    marginalValues: z.record(
      z.string(),
      z
        .object({
          label: z.string(),
          perYuan: z.number().nullable().describe('Objective per yuan of the limit; null: the limit is at its highest feasible value'),
          from: yuan,
          to: z.union([yuan, z.literal('')]).describe('The upper end of the range; empty: none'),
          verified: z.boolean(),
          binding: z.boolean(),
          words: z.string(),
          method: z
            .enum(['dual', 'finite-difference'])
            .describe('The budget: dual — perYuan is the LP dual; finite-difference — the integer model re-solved at budget ± step (perYuan: the change up to budget + step)')
            .optional(),
          step: yuan.describe('The budget: the step it was moved by in the re-solves').optional(),
          up: budgetSide.describe('The budget: the allocation re-solved at budget + step').optional(),
          down: budgetSide.nullable().describe('The budget: the allocation re-solved at budget − step (integer models; null: not solved)').optional(),
          year: z.number().int().describe('A year\'s cash (`cash:<year>`): the year; perYuan, from and to are the re-solve at that year\'s cash + step').optional(),
          dual: z
            .number()
            .nullable()
            .describe("A year's cash: the LP's estimate, the duals of the cash rows whose supply includes the year (and the budget's where the budget is the cash); null: no duals (integer rules)")
            .optional(),
        })
        .strict(),
    ).describe("Per limit id: what one more yuan of it buys and over what range (the priority LP; the budget also under integer rules, by re-solving); `cash:<year>`: one more yuan of that year's cash, by re-solving"),
    solver: z
      .object({
        backend: z.string(),
        reason: z.string(),
        lp: z.object({ applications: count, columns: count, rows: count }).strict(),
        stages: z.array(
          z
            .object({
              stage: z.enum(['priority', 'tie-break', 'tie-break within scores', 'priority + tie-break', 'feasibility']),
              status: z.enum(['optimal', 'time-limit', 'infeasible', 'unbounded', 'error']),
              raw: z.string(),
            })
            .strict(),
        ),
      })
      .strict(),
    rules: z
      .object({ priorityOrder: z.string(), priorityOrderZh: z.string(), rounding: z.string(), roundingZh: z.string() })
      .strict(),
    whatif: z
      .object({ written: z.literal(false), why: z.enum(['multi-year']), description: z.string() })
      .strict()
      .describe('Present when fundplan solve left whatif.html out for a reason of the scenario (multi-year: cash by year)')
      .optional(),
    warnings: z.array(z.string()),
    timingsMs: timings.describe('Milliseconds per step; absent with --no-timings').optional(),
    files: committedFiles
      .describe(
        'The SHA-256 of every other file of the run, by name. summary.json is renamed into place after them, so it commits them as one set: a file that does not match is from another run, was cut short or was changed since. Absent in a summary held in memory (not written) and in those written before fundplan recorded it',
      )
      .optional(),
  })
  .strict()
  .meta({ title: 'fundplan summary.json', description: 'What a fundplan solve did: inputs and their hashes, totals, counts, limits, solver and rules.' });

export type Summary = z.infer<typeof SummarySchema>;

/** What a reader of a run's file needs of its summary.json (other fields are not checked here). */
export const CommitRecordSchema = z.object({ files: committedFiles.optional() });
export type Timings = z.infer<typeof timings>;
