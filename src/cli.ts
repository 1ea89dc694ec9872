#!/usr/bin/env node
/** The command line: parse flags, call a command, map error classes to exit codes. */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, InfeasibleError, InputError, InternalError, formatIssue } from './errors.js';
import { parseAmount } from './money.js';
import { runSolve } from './commands/solve.js';
import { mipProgressLines } from './commands/progress.js';
import { runExplain } from './commands/explain.js';
import { runSweep } from './commands/sweep.js';
import { runCompare } from './commands/compare.js';
import { runValidate } from './commands/validate.js';
import { runTemplate } from './commands/template.js';
import { runPolicy } from './commands/policy.js';
import { runWhatIf } from './commands/whatif.js';
import { SOLVER_CHOICES, type SolverChoice } from './solver/select.js';
import { threadsIssue } from './pipeline/ahead.js';
import { TOOL_VERSION } from './version.js';

function budgetOption(value: string, flag = '--budget') {
  const r = parseAmount(value);
  if (!r.ok) throw new InputError([{ file: flag, expected: `${r.expected} (yuan, or with 万/亿)`, found: JSON.stringify(value) }]);
  return r.value;
}

/** `--cash-year`: a four-digit year (whether the scenario has cash for it is the sweep's check). */
function cashYearOption(value: string): number {
  if (!/^\d{4}$/.test(value.trim())) throw new InputError([{ file: '--cash-year', expected: 'a year such as 2021', found: JSON.stringify(value) }]);
  return Number(value.trim());
}

/** A progress bar on a terminal (stderr), and nothing at all when stderr is not one. */
function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/** `--lock` may be given again: each adds an earlier batch, in order, after the scenario's own. */
const LOCK_FLAG = '--lock <allocations.csv>';
const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];
const locks = (given: readonly string[]) => (given.length ? given : undefined);

/** `--threads`: a whole number, 0 or more, as the pipeline's `aheadThreads` takes it (0: every re-solve on this thread; more threads than jobs start one per job). */
function threadsOption(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  const issue = threadsIssue(n, '--threads');
  if (issue) throw new InputError([{ ...issue, found: JSON.stringify(value) }]);
  return n;
}

const THREADS_FLAG = '--threads <n>';
const THREADS_HELP =
  "worker threads for an integer model: solve's re-solves (budget ± step, each year's cash + step) or sweep's points after the first, while this thread solves the first; for a big LP HiGHS solves, solve's marginal-value searches (default: one fewer than the cores, at most 2; 0: none)";

function secondsOption(value: string): number {
  const v = Number(value);
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError([{ file: '--time-limit', expected: 'a positive number of seconds', found: JSON.stringify(value) }]);
  return v;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('fundplan')
    .description('Allocate a special-fund budget among applications: optimal, exact, verified.\n将专项资金预算在申报项目间最优分配，精确到元并逐条校验。')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();
  program
    .command('solve')
    .description('solve a scenario and write allocations.csv and summary.json')
    .argument('<scenario>', 'scenario JSON file')
    .option('-o, --out <dir>', 'output folder', 'out')
    .addOption(new Option('--budget <amount>', 'override the budget (yuan; 5000万 and 0.5亿 accepted)'))
    .option('--no-timings', 'leave timings out of summary.json (byte-identical outputs)')
    .addOption(new Option('--solver <name>', 'LP backend').choices(SOLVER_CHOICES).default('auto'))
    .addOption(new Option('--lang <lang>', 'language of explanations and reports').choices(['zh', 'en']).default('zh'))
    .option(LOCK_FLAG, "keep every grant of an earlier batch's allocations.csv fixed and allocate only what is left (repeatable; after the scenario's own \"lock\")", collect, [])
    .addOption(new Option('--notice <batches>', 'notice.csv lists this batch alone (new) or every batch (all)').choices(['new', 'all']).default('new'))
    .option('--emit-lp <file>', 'also write the LP (CPLEX LP format) to time other solvers on the identical model')
    .option('--time-limit <seconds>', 'stop the LP after this long; the best allocation found is written with its gap')
    .option('--sheet <name>', 'the sheet of an .xlsx applications file (default: the scenario\'s "sheet", else the first)')
    .option('--strict', 'treat every warning as an error: exit 1 and write nothing (for unattended runs)')
    .addOption(new Option('--marginal-step <amount>', 'move the budget by this much in the re-solves that say what more (and less) budget would fund (yuan; 万 and 亿 accepted; default 100万)'))
    .option('--no-whatif', 'do not write whatif.html (the what-if page)')
    .option(THREADS_FLAG, THREADS_HELP)
    .action(async (scenario: string, opts: { out: string; budget?: string; timings: boolean; solver: SolverChoice; timeLimit?: string; emitLp?: string; lang: 'zh' | 'en'; lock: string[]; notice: 'new' | 'all'; sheet?: string; strict?: boolean; marginalStep?: string; whatif: boolean; threads?: string }) => {
      const outcome = await runSolve({
        aheadThreads: opts.threads === undefined ? undefined : threadsOption(opts.threads),
        noWhatif: !opts.whatif,
        strict: opts.strict,
        marginalStep: opts.marginalStep === undefined ? undefined : budgetOption(opts.marginalStep, '--marginal-step'),
        sheet: opts.sheet,
        lock: locks(opts.lock),
        notice: opts.notice,
        lang: opts.lang,
        emitLp: opts.emitLp,
        timeLimitSeconds: opts.timeLimit === undefined ? undefined : secondsOption(opts.timeLimit),
        solver: opts.solver,
        scenario,
        out: opts.out,
        budget: opts.budget === undefined ? undefined : budgetOption(opts.budget),
        noTimings: !opts.timings,
        onMipProgress: mipProgressLines(opts.lang, (line) => process.stderr.write(line), { timeLimited: opts.timeLimit !== undefined }),
      });
      process.stdout.write(outcome.text + '\n');
      const warnings = outcome.summary.warnings;
      if (warnings.length) {
        process.stderr.write(`警告 / warnings (${warnings.length}):\n${warnings.slice(0, 20).join('\n')}\n`);
        if (warnings.length > 20) process.stderr.write(`… and ${warnings.length - 20} more in summary.json\n`);
      }
    });
  program
    .command('whatif')
    .description('write whatif.html: an offline page where the budgets are moved and the grants follow, exact and verified')
    .argument('<scenario>', 'scenario JSON file')
    .option('-o, --out <dir>', 'output folder', 'out')
    .addOption(new Option('--lang <lang>', 'language of the page').choices(['zh', 'en']).default('zh'))
    .option(LOCK_FLAG, "keep every grant of an earlier batch's allocations.csv fixed, as solve --lock does (repeatable)", collect, [])
    .option('--sheet <name>', 'the sheet of an .xlsx applications file (default: the scenario\'s "sheet", else the first)')
    .action(async (scenario: string, opts: { out: string; lang: 'zh' | 'en'; lock: string[]; sheet?: string }) => {
      const outcome = await runWhatIf({ scenario, out: opts.out, lang: opts.lang, lock: locks(opts.lock), sheet: opts.sheet });
      process.stdout.write(outcome.text + '\n');
    });
  program
    .command('validate')
    .description('list every problem in a scenario or an applications file (.xlsx or CSV) without solving; exit 1 if any is an error')
    .argument('<file>', 'scenario JSON, or an applications file')
    .option('--sheet <name>', 'the sheet of an .xlsx applications file (default: the scenario\'s "sheet", else the first)')
    .option('--policy <file>', 'policy to check a bare applications file against (default: the bundled one)')
    .option(LOCK_FLAG, "an earlier batch's allocations.csv to check with the scenario, as solve --lock (repeatable)", collect, [])
    .action(async (file: string, opts: { sheet?: string; policy?: string; lock: string[] }) => {
      const report = await runValidate({ target: file, sheet: opts.sheet, policy: opts.policy, lock: locks(opts.lock) });
      process.stdout.write(report.text + '\n');
      if (report.errors.length) throw new InputError(report.errors);
    });
  program
    .command('template')
    .description('write an empty applications file with the right headers and one example row')
    .option('--xlsx', 'an .xlsx workbook (default: CSV)')
    .addOption(new Option('--lang <lang>', 'header language').choices(['zh', 'en']).default('zh'))
    .option('-o, --out <file>', 'where to write it (default applications-template.csv / .xlsx, never overwritten)')
    .option('--policy <file>', 'policy whose measures the template lists (default: the bundled one)')
    .action(async (opts: { xlsx?: boolean; lang: 'zh' | 'en'; out?: string; policy?: string }) => {
      const outcome = await runTemplate({ xlsx: opts.xlsx, lang: opts.lang, out: opts.out, policy: opts.policy });
      process.stdout.write(outcome.text + '\n');
    });
  program
    .command('policy')
    .description('print the policy as the table to check against its document: measures, rates, bands, caps, conditions, joint caps, shares, attributes')
    .argument('<policy>', 'policy JSON file')
    .addOption(new Option('--lang <lang>', 'language').choices(['zh', 'en']).default('zh'))
    .option('--md <file>', 'also write the table as Markdown')
    .action(async (policy: string, opts: { lang: 'zh' | 'en'; md?: string }) => {
      const outcome = await runPolicy({ policy, lang: opts.lang, md: opts.md });
      process.stdout.write(outcome.text + '\n');
    });
  program
    .command('compare')
    .description('compare scenarios (or finished run folders) side by side: settings, totals, projects that gain, lose, enter or leave')
    .argument('<runs...>', 'two or more scenario JSON files or run output folders; the first is the baseline')
    .option('-o, --out <dir>', 'output folder', 'out/compare')
    .action(async (runs: string[], opts: { out: string }) => {
      const outcome = await runCompare({ inputs: runs, out: opts.out });
      process.stdout.write(outcome.text + '\n');
    });
  program
    .command('sweep')
    .description('solve at evenly spaced budgets: the efficient frontier, the knee, and when each project is first and fully funded')
    .argument('<scenario>', 'scenario JSON file')
    .requiredOption('--from <amount>', 'lowest budget (yuan; 5000万 and 0.5亿 accepted)')
    .requiredOption('--to <amount>', 'highest budget')
    .option('--steps <k>', 'number of budget points', '20')
    .option('-o, --out <dir>', 'output folder', 'out/sweep')
    .addOption(new Option('--solver <name>', 'LP backend').choices(SOLVER_CHOICES).default('auto'))
    .option(LOCK_FLAG, "keep every grant of an earlier batch's allocations.csv fixed at every budget (repeatable)", collect, [])
    .option('--cash-year <year>', "vary that year's cash (a year of the scenario's \"cash\") from --from to --to instead of the budget")
    .option(THREADS_FLAG, THREADS_HELP)
    .action(async (scenario: string, opts: { from: string; to: string; steps: string; out: string; solver: SolverChoice; lock: string[]; cashYear?: string; threads?: string }) => {
      const bar = progressBar();
      const outcome = await runSweep({
        scenario,
        from: budgetOption(opts.from, '--from'),
        to: budgetOption(opts.to, '--to'),
        steps: Number(opts.steps),
        out: opts.out,
        solver: opts.solver,
        lock: locks(opts.lock),
        ...(opts.cashYear === undefined ? {} : { cashYear: cashYearOption(opts.cashYear) }),
        ...(opts.threads === undefined ? {} : { aheadThreads: threadsOption(opts.threads) }),
        onPoint: bar,
      });
      process.stdout.write(outcome.text + '\n');
    });
  program
    .command('explain')
    .description('explain one project\'s grant: its entitlement, what cut it, and what would have funded it')
    .argument('<scenario>', 'scenario JSON file')
    .argument('<project_id>', 'the project to explain')
    .addOption(new Option('--budget <amount>', 'override the budget (yuan; 5000万 and 0.5亿 accepted)'))
    .addOption(new Option('--lang <lang>', 'language').choices(['zh', 'en']).default('zh'))
    .addOption(new Option('--solver <name>', 'LP backend').choices(SOLVER_CHOICES).default('auto'))
    .option(LOCK_FLAG, "keep every grant of an earlier batch's allocations.csv fixed, as solve --lock does (repeatable)", collect, [])
    .action(async (scenario: string, projectId: string, opts: { budget?: string; lang: 'zh' | 'en'; solver: SolverChoice; lock: string[] }) => {
      const outcome = await runExplain({
        lock: locks(opts.lock),
        scenario,
        projectId,
        lang: opts.lang,
        solver: opts.solver,
        budget: opts.budget === undefined ? undefined : budgetOption(opts.budget),
      });
      process.stdout.write(outcome.text + '\n');
    });
  return program;
}

/** Run the CLI; returns the exit code. Every error class maps to one code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.input;
    }
    if (e instanceof InputError) {
      process.stderr.write(`错误：输入有 ${e.issues.length} 处问题 / input errors:\n${e.issues.map(formatIssue).join('\n')}\n`);
      return EXIT.input;
    }
    if (e instanceof InfeasibleError) {
      process.stderr.write(`无可行分配 / infeasible: ${e.message}\n`);
      return EXIT.infeasible;
    }
    const message = e instanceof InternalError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`内部错误 / internal error (a bug in fundplan, please report it): ${message}\n`);
    return EXIT.internal;
  }
}

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const invokedAs = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invokedAs === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main(process.argv.slice(2));
}
