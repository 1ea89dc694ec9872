/**
 * fundplan as a library. `solve` takes a scenario file's path or a scenario in memory and
 * returns the same verified allocation and summary the CLI writes:
 *
 *   import { solve } from 'fundplan';
 *   const outcome = await solve('scenarios/shenzhen-2019/scenario.json');
 *   if (outcome.status !== 'infeasible') console.log(outcome.allocations[0].grant, outcome.summary.granted);
 *
 * Bad input throws InputError (every issue, each with file, row, column, expected, found);
 * a scenario that no allocation satisfies is `{ status: 'infeasible', conflicts }`.
 */
export { solve, solveLoaded, infeasibleError } from './pipeline/solve.js';
export type { AllocationRecord, Infeasible, NoticeScope, Outcome, Solved, SolvedDetail, SolveOptions } from './pipeline/solve.js';
export { loadInput, loadScenario, withLocks } from './pipeline/load.js';
export type { Input, Loaded, LoadOptions, LockInput, LockSource, Locks, MemoryInput } from './pipeline/load.js';
export { OUTPUT_FILES, writeOutputs } from './pipeline/outputs.js';
export { parsePolicy } from './model/policy.js';
export type { Measure, Policy, Rule } from './model/policy.js';
export { parseScenario } from './model/scenario.js';
export type { Scenario } from './model/scenario.js';
export type { Application } from './model/application.js';
export type { Allocation, Line, Binding } from './model/allocate.js';
export { verifyAllocation, verifyAllocation as verify } from './verify/verify.js';
export type { Verification, Violation } from './verify/verify.js';
export { buildSummary, humanSummary } from './report/summary.js';
export type { Summary } from './report/summary.js';
export { SUMMARY_SCHEMA_VERSION, SummarySchema } from './report/summary-schema.js';
export { ALLOCATION_COLUMNS } from './report/allocations.js';
export { EXIT, InfeasibleError, InputError, InternalError, formatIssue } from './errors.js';
export type { Conflict, InputIssue } from './errors.js';
export { SOLVER_CHOICES } from './solver/select.js';
export type { SolverChoice } from './solver/select.js';
export { bundledPath as bundled } from './io/bundled.js';
export { TOOL_VERSION } from './version.js';
// Across years: instalments, the commitments ledger, cash by year with carry-over.
export { cashFlow, cashWindows, commitmentsOf, splitGrant } from './model/years.js';
export type { CashPlan, CashWindow, CashYear, Instalment, Target } from './model/years.js';
export { COMMITMENT_COLUMNS, COMMITMENT_HEADERS_ZH, resolveLedgerMeasures } from './model/ledger.js';
export { readCommitmentsFile } from './pipeline/ledger.js';
export type { Commitment, CommitmentStatus } from './model/ledger.js';
export { commitmentsCsv } from './report/commitments.js';
