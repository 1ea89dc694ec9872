/**
 * The files a solve writes — allocations.csv and .xlsx, notice.csv, commitments.csv, cashflow.csv (a
 * scenario with cash by year), summary.json, report.html, report.md, and whatif.html when the scenario's file is named — formatted from a solved outcome and written together or not at all; summary.json,
 * renamed last, holds the SHA-256 of the others (`files`), as the set's commit record.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readScenarioChain } from '../io/scenario-file.js';
import { excelCsvChunks, writeOutputsAtomicallyAsync, type Content, type PendingFile } from '../io/write.js';
import { ALLOCATION_COLUMNS } from '../report/allocations.js';
import { HERE, OFFLOAD_MIN_BYTES, OFFLOAD_MIN_ROWS, openFormatter, runJob, pagesData, type Done, type FileBytes, type Formatter, type Job, type LedgerDone, type NoticeDone, type RowsDone } from '../report/offload.js';
import { commitmentTable } from '../report/commitments.js';
import { tableRowSource } from '../report/text-table.js';
import { CASHFLOW_FILE, cashflowCsv } from '../report/cashflow.js';
import { allocationsXlsx } from '../report/xlsx.js';
import { CommitRecordSchema, type Summary } from '../report/summary-schema.js';
import { highsNeededBy, renderWhatIf, WHATIF_FILE } from '../whatif/page.js';
import type { Solved, SolveOptions } from './solve.js';
import { MEMORY, type Locks } from './load.js';

/** The files a solve writes, together or not at all. */
export const OUTPUT_FILES = ['allocations.csv', 'allocations.xlsx', CASHFLOW_FILE, 'commitments.csv', 'notice.csv', 'summary.json', 'report.html', 'report.md', WHATIF_FILE] as const;

/** The files of OUTPUT_FILES a solve of this summary writes: cashflow.csv only with cash by year, whatif.html when the scenario's file is named. */
export function outputFilesOf(summary: Pick<Summary, 'years'>, whatif = true): string[] {
  return OUTPUT_FILES.filter((f) => (f !== CASHFLOW_FILE || summary.years !== undefined) && (f !== WHATIF_FILE || whatif));
}

export interface WriteOptions {
  /** The scenario file solved: whatif.html is written, its exported scenarios extending this file (absent: no whatif.html). */
  readonly whatifOf?: string;
}

/**
 * Formatting started while the solve finished: the jobs' worker threads and the rows' job, and
 * the notice's and the ledger's where they were started too.
 */
export interface Aside {
  readonly formatter: Formatter;
  readonly rows: Promise<RowsDone>;
  readonly notice?: Promise<NoticeDone>;
  readonly ledger?: Promise<LedgerDone>;
}

/**
 * The big outputs started on worker threads (a big batch) as soon as what each is made of exists,
 * while the solve goes on: pass its `onApplicationsRead` and `onLoaded` (one thread starts as soon
 * as a big applications file is read, `OFFLOAD_MIN_BYTES`, so that its cold start runs beside the
 * parsing, which keeps one core busy, the other once the applications are counted; both are
 * stopped where they turn out fewer than `OFFLOAD_MIN_ROWS`), `onNotice` (the public notice, once
 * the allocation is rounded), `onRows` (the 明细 sheet) and `onCommitments` (the ledger, once
 * verified) to `solve`, then `started()` to `writeOutputs`, which gives the same workers the pages
 * where one is free; `close()` where the solve fails. Nothing is written from them before
 * `writeOutputs`. `open` opens the threads (or gives null: none for this batch).
 */
export function formatAside(open: (applications: number, now?: number) => Formatter | null = (n, now) => openFormatter(n, undefined, undefined, undefined, now)): Required<Pick<SolveOptions, 'onApplicationsRead' | 'onLoaded' | 'onNotice' | 'onRows' | 'onCommitments'>> & {
  readonly started: () => Aside | null;
  /** Stop the threads (a solve that failed): their jobs are dropped. */
  readonly close: () => void;
} {
  let formatter: Formatter | null | undefined;
  let notice: Promise<NoticeDone> | undefined;
  let ledger: Promise<LedgerDone> | undefined;
  let aside: Aside | null = null;
  /** A job started on the threads, where they are open; a failure surfaces where it is awaited, not as an unhandled rejection. */
  const start = <J extends Job>(job: () => J): Promise<Done<J>> | undefined => {
    if (!formatter) return undefined;
    const done = formatter.run(job());
    done.catch(() => undefined);
    return done;
  };
  return {
    // One thread while the file is parsed (which keeps one core busy), the other once it is.
    onApplicationsRead: (bytes) => {
      if (bytes >= OFFLOAD_MIN_BYTES) formatter ??= open(OFFLOAD_MIN_ROWS, 1);
    },
    onLoaded: (applications) => {
      if (formatter && applications < OFFLOAD_MIN_ROWS) {
        formatter.close();
        formatter = null;
        return;
      }
      formatter?.startAll();
      formatter ??= open(applications);
    },
    // The notice is packed (`packNotice`) when a thread takes it: about three quarters of the cost of posting it as objects.
    onNotice: (n, lang, scenario) => void (notice = start(() => ({ kind: 'notice', notice: n, scenario, lang }))),
    onRows: (rows, scenario) => {
      formatter ??= open(rows.length);
      const done = start(() => ({ kind: 'rows', rows, scenario }));
      if (done) aside = { formatter: formatter!, rows: done, notice, ledger };
    },
    onCommitments: (commitments, lang, scenario) => {
      ledger = start(() => ({ kind: 'ledger', rows: commitmentTable(commitments), lang, scenario }));
      if (aside) aside = { ...aside, ledger };
    },
    started: () => aside,
    close: () => formatter?.close(),
  };
}

/**
 * Format and write every output file into `dir`; returns their paths. Summary timings gain `write`.
 * The big files are jobs (offload.ts) on `aside`'s worker threads, or here without them.
 */
export async function writeOutputs(solved: Solved, dir: string, aside: Aside | null = null, options: WriteOptions = {}): Promise<string[]> {
  const { summary } = solved;
  const { data, table, msFormat } = solved.detail;
  const t = performance.now();
  const loop = performance.eventLoopUtilization();
  const scenario = summary.scenario.name;
  const formatter = aside?.formatter ?? HERE;
  try {
    const rowsDone = aside?.rows ?? formatter.run({ kind: 'rows', rows: table, scenario });
    // Jobs not started while the solve ran (without threads, all of them), here or on the threads.
    const notice = aside?.notice ?? formatter.run({ kind: 'notice', notice: data.notice, scenario, lang: data.lang });
    const ledger = aside?.ledger ?? formatter.run({ kind: 'ledger', rows: commitmentTable(solved.detail.commitments), lang: data.lang, scenario });
    // A job still waiting for a thread (the ledger, behind the notice and the rows) goes to one
    // that has finished meanwhile, else is made here: this thread has nothing left to do but write
    // what the threads send.
    formatter.runWaitingHere();
    // The pages around the notice's part of them (its job's): on a worker thread where one is free
    // now, sent what they read of the report data (`pagesData`, packed as it is sent); else here,
    // at once, while the threads finish their jobs (a thread gives way to this one, so this one is
    // the first to be done). The writer puts the pages' pieces and the notice's part together and
    // hashes them here (tens of milliseconds at 100,000 applications), which costs less than
    // copying the notice's parts to the pages' thread.
    const pages = formatter.idle() ? formatter.run({ kind: 'pages', data: pagesData(data) }) : runJob({ kind: 'pages', data });
    const parted = Promise.all([pages, notice.then((n) => n.parts)]);
    const done = Promise.all([rowsDone, notice, ledger]);
    done.catch(() => undefined); // awaited through the files below
    const xlsx = allocationsXlsx(data, done.then(([r, n, l]) => ({ notice: n.sheet, detail: r.detail, commitments: l.sheet })));
    const stale = summary.years ? null : earlierCashflow(dir);
    // Each file is written as soon as its bytes are there (the others still being made). A
    // failure surfaces where the writer awaits it, not as an unhandled rejection should the
    // writer never start (a page below that throws, a folder that cannot be made).
    const pending = <T>(name: string, job: Promise<T>, bytesOf: (done: T) => { readonly content: Content; readonly sha256?: string }): PendingFile => {
      const p = job.then(bytesOf);
      p.catch(() => undefined);
      return { name, pending: p };
    };
    const file = <T>(name: string, job: Promise<T>, of: (done: T) => FileBytes) =>
      pending(name, job, (done) => {
        const f = of(done);
        return { content: f.bytes, sha256: f.sha256 };
      });
    const paths = await writeOutputsAtomicallyAsync(dir, [
      // allocations.csv here, first, from the table this thread has (a thread would first copy
      // it), each row made as it is written, and written a chunk at a time as it is made; the 明细
      // sheet's thread is busy with the same rows meanwhile.
      { name: 'allocations.csv', stream: (put) => excelCsvChunks(ALLOCATION_COLUMNS, tableRowSource(table), put) },
      pending('allocations.xlsx', xlsx, (content) => ({ content })),
      ...(summary.years ? [{ name: CASHFLOW_FILE, content: cashflowCsv(summary, data.lang) }] : []),
      file('commitments.csv', ledger, (l) => l.csv),
      file('notice.csv', notice, (n) => n.csv),
      {
        name: 'summary.json',
        commit: (files) => {
          // `write` covers formatting and writing every other output file (the reports do not show timings); summary.json's own write follows.
          // `writeMain`: of that, the time this thread was busy, not waiting for the workers or the disk.
          if (summary.timingsMs) {
            summary.timingsMs.write = Math.round((msFormat + performance.now() - t) * 10) / 10;
            summary.timingsMs.writeMain = Math.round((msFormat + performance.eventLoopUtilization(loop).active) * 10) / 10;
          }
          const written: Summary = { ...summary, files };
          return JSON.stringify(written, null, 2) + '\n';
        },
      },
      pending('report.html', parted, ([p, n]) => ({ content: [...p.html.before, n.html, ...p.html.after] })),
      pending('report.md', parted, ([p, n]) => ({ content: [...p.markdown.before, n.markdown, ...p.markdown.after] })),
      ...(options.whatifOf !== undefined ? [{ name: WHATIF_FILE, content: whatifPage(solved, dir, options.whatifOf) }] : []),
    ]);
    // A scenario without cash by year writes no cashflow.csv: one an earlier run left here, as that run wrote it, goes.
    if (stale !== null && sha256Of(join(dir, CASHFLOW_FILE)) === stale) rmSync(join(dir, CASHFLOW_FILE), { force: true });
    return paths;
  } finally {
    formatter.close();
  }
}

/** The SHA-256 the summary.json in `dir` records for cashflow.csv, or null (no cashflow.csv there, no summary.json, none recorded, unreadable). */
function earlierCashflow(dir: string): string | null {
  // Without a cashflow.csv there is nothing to remove: the earlier summary.json (megabytes at 10^5 applications) is not read.
  if (!existsSync(join(dir, CASHFLOW_FILE))) return null;
  try {
    const record = CommitRecordSchema.safeParse(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')));
    return (record.success && record.data.files?.[CASHFLOW_FILE]) || null;
  } catch {
    return null;
  }
}

function sha256Of(path: string): string | null {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null;
}

/** whatif.html of a solved scenario: the scenario as solved (its budget, its earlier batches) is the page's baseline. */
function whatifPage(solved: Solved, dir: string, scenarioPath: string): string {
  const { loaded, data, allocation } = solved.detail;
  const locked = loaded.locks.sources.length ? loaded.locks.grants : undefined;
  const highs = highsNeededBy(allocation, loaded.scenario);
  return renderWhatIf({ scenario: loaded.scenario, policy: loaded.policy, applications: loaded.applications, locked, lockFiles: exportedLocks(scenarioPath, loaded.locks), scenarioPath, outDir: dir, lang: data.lang, highs });
}

/**
 * The lock files a scenario exported from whatif.html names, where lock files were added to the
 * scenario's own (`--lock`): all of them in order, as absolute paths — its `lock` replaces the
 * original's. Undefined where none were added (the export inherits the original's `lock`) or
 * where grants were locked from memory, which no scenario file can name.
 */
export function exportedLocks(scenarioPath: string, locks: Locks): readonly string[] | undefined {
  const chain = readScenarioChain(scenarioPath);
  const own = Array.isArray(chain.json.lock) ? (chain.json.lock as string[]) : [];
  const added = locks.sources.slice(own.length);
  if (!added.length || added.some((s) => s.file === MEMORY)) return undefined;
  return [...own.map((p) => resolve(chain.dirOf.lock, p)), ...added.map((s) => resolve(s.file))];
}
