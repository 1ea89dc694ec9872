/**
 * The big outputs as jobs, each a pure function of what it is sent (`runJob`): the workbook's 明细
 * sheet from allocations.csv's rows (`rows`; allocations.csv itself the writer makes from the same
 * table, on the main thread, which has it, once the pages are started or made), report.html and
 * report.md (`pages`), notice.csv and the 资助计划 sheet (`notice`), and commitments.csv and the
 * 拨付台账 sheet (`ledger`). For a big batch they run on worker threads (two: the machine may have
 * two cores), each job sent only what it needs, while this thread writes the files as their bytes
 * come back; below that, or when the compiled worker is not there (running from TypeScript
 * sources, as the unit tests do), the caller runs them itself, as it does a job whose worker dies.
 * The bytes are the same either way.
 *
 * The main thread's own work is what a run waits for: a worker gives way to it on a busy machine
 * (format-worker.ts), and once the main thread has nothing left but writing, it makes the jobs no
 * worker has started yet itself (`runWaitingHere`, and the pages where no worker is `idle`).
 *
 * allocations.csv's and the ledger's rows go to a worker as tables (text-table.ts): a column of
 * few values as its values once and a code per row, any other written into one buffer
 * (`packTable`) that moves to the worker, so that a few strings and buffers are sent rather than
 * a string a cell; the 明细 sheet's worker makes each row as it writes it, the ledger's makes its
 * rows whole. The notice goes packed (`packNotice`: columns), and its job also makes the notice's
 * parts of report.html and report.md, so the pages job is sent what the pages read of the report
 * data (`pagesData`: neither the notice's rows nor the summary's binding limits), serialized
 * (`packReport`, v8's serializer, which is what posting it would run), and makes the pages
 * around those parts. What packing makes moves to the worker rather than being copied, and what
 * comes back is the files' bytes (moved, not copied), with their SHA-256 where the job has all of
 * a file's bytes, so the main thread neither encodes them nor, but for the pages, hashes them.
 * A fresh worker runs cold (its JIT starts from nothing): worth it only for big batches
 * (OFFLOAD_MIN_ROWS; at 10,000 rows a worker took 0.8 s for what the warm main thread does in 0.3 s).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { CompressedSheet } from '../io/xlsx-write.js';
import { excelCsvBytes, sha256Of } from '../io/write.js';
import { packTable, tableRowSource, tableRows, type TextTable } from './text-table.js';
import type { Around } from './chunks.js';
import { commitmentsHeader } from './commitments.js';
import type { Lang, Notice, NoticeRow, ReportData } from './data.js';
import { renderHtmlAround, renderNoticeHtml } from './html.js';
import { renderMarkdownAround, renderNoticeMarkdown } from './markdown.js';
import { noticeTable } from './notice.js';
import { commitmentsSheetCompressed, detailSheetCompressed, noticeSheetCompressed } from './xlsx.js';

/** The compiled worker beside this module (dist/src/report/), or, in the bundled command line, the bundled worker beside it (dist/bin/). */
const WORKER = new URL('./format-worker.js', import.meta.url);

/** A file's bytes and their SHA-256 (hex), made together. */
export interface FileBytes {
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

/** Report data serialized for another thread (`packReport`): its notice, and the rest. */
export interface PackedReport {
  readonly notice: Uint8Array;
  readonly rest: Uint8Array;
}

/**
 * A notice serialized for another thread: its rows as columns (typed arrays for the numbers, the
 * measures' names as codes into their list): at 100,000 applications 7.3 MB against 11.7 MB as
 * objects (whose every key is written again), serialized in about three quarters of the time.
 */
export function packNotice(notice: Notice): Uint8Array {
  const { rows } = notice;
  const n = rows.length;
  const seq = new Float64Array(n);
  const batch = new Float64Array(n);
  const projectId: string[] = new Array<string>(n);
  const projectName: string[] = new Array<string>(n);
  const companyName: string[] = new Array<string>(n);
  const grantWan: string[] = new Array<string>(n);
  const measure = new Uint32Array(n);
  const codes = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    seq[i] = r.seq;
    batch[i] = r.batch;
    projectId[i] = r.projectId;
    projectName[i] = r.projectName;
    companyName[i] = r.companyName;
    grantWan[i] = r.grantWan;
    let code = codes.get(r.measureName);
    if (code === undefined) codes.set(r.measureName, (code = codes.size));
    measure[i] = code;
  }
  const columns: NoticeColumns = { seq, batch, projectId, projectName, companyName, grantWan, measure, measureNames: [...codes.keys()] };
  return serialize({ ...notice, rows: columns });
}

interface NoticeColumns {
  readonly seq: Float64Array;
  readonly batch: Float64Array;
  readonly projectId: readonly string[];
  readonly projectName: readonly string[];
  readonly companyName: readonly string[];
  readonly grantWan: readonly string[];
  readonly measure: Uint32Array;
  readonly measureNames: readonly string[];
}

/** The notice `packNotice` was given (its rows' keys in NoticeRow's order). */
function unpackNotice(notice: Notice | Uint8Array): Notice {
  if (!(notice instanceof Uint8Array)) return notice;
  const packed = deserialize(notice) as Omit<Notice, 'rows'> & { readonly rows: NoticeColumns };
  const c = packed.rows;
  const rows: NoticeRow[] = new Array<NoticeRow>(c.seq.length);
  for (let i = 0; i < rows.length; i++) {
    rows[i] = { seq: c.seq[i]!, projectId: c.projectId[i]!, projectName: c.projectName[i]!, companyName: c.companyName[i]!, measureName: c.measureNames[c.measure[i]!]!, grantWan: c.grantWan[i]!, batch: c.batch[i]! };
  }
  return { ...packed, rows };
}

/**
 * Of the report data, what the pages job reads: all but the notice's rows (the notice's job makes
 * the pages' parts of them) and the summary's binding limits (the pages list `limits`; at 100,000
 * applications the binding limits are about a quarter of what `packReport` serializes).
 */
export function pagesData(data: ReportData): ReportData {
  const { notice, summary } = data;
  return { ...data, notice: { ...notice, rows: [] }, summary: { ...summary, limits: { ...summary.limits, binding: [] } } };
}

/** The report data serialized once, its notice apart (the notice's job needs only that): `notice` is its `packNotice`. */
export function packReport(data: ReportData, notice: Uint8Array = packNotice(data.notice)): PackedReport {
  return { notice, rest: serialize({ ...data, notice: null }) };
}

/** The report data `packReport` was given. */
export function unpackReport(packed: PackedReport): ReportData {
  return { ...(deserialize(packed.rest) as Omit<ReportData, 'notice'>), notice: unpackNotice(packed.notice) };
}

export type Job =
  /** The 明细 sheet from allocations.csv's rows; `scenario` names the scenario in the sheet's printed footer. */
  | { readonly kind: 'rows'; readonly rows: TextTable; readonly scenario: string }
  /**
   * report.html and report.md around their notice parts (the notice job's), from the report data or its `packReport`: the
   * data's notice rows and the summary's binding limits are not read (they may be left out: `pagesData`).
   */
  | { readonly kind: 'pages'; readonly data: ReportData | PackedReport }
  /** notice.csv and the 资助计划 sheet, and the pages' notice parts in `lang`, from the notice or its `packNotice`. */
  | { readonly kind: 'notice'; readonly notice: Notice | Uint8Array; readonly scenario: string; readonly lang: Lang }
  /** commitments.csv (headers in `lang`) and the 拨付台账 sheet, from `commitmentTable`. */
  | { readonly kind: 'ledger'; readonly rows: TextTable; readonly lang: Lang; readonly scenario: string };

export interface RowsDone {
  readonly detail: CompressedSheet;
}
/** A file made of the bytes `before`, a part made elsewhere, and `after`, each in pieces (hashed by the writer, which has them all). */
export interface AroundBytes {
  readonly before: readonly Uint8Array[];
  readonly after: readonly Uint8Array[];
}
export interface PagesDone {
  readonly html: AroundBytes;
  readonly markdown: AroundBytes;
}
/** The public-notice parts of report.html and report.md (`renderNoticeHtml`, `renderNoticeMarkdown`), as UTF-8. */
export interface NoticeParts {
  readonly html: Uint8Array;
  readonly markdown: Uint8Array;
}
export interface NoticeDone {
  readonly csv: FileBytes;
  readonly sheet: CompressedSheet;
  readonly parts: NoticeParts;
}
export interface LedgerDone {
  readonly csv: FileBytes;
  readonly sheet: CompressedSheet | null;
}
export type Done<J extends Job> = J extends { kind: 'rows' } ? RowsDone : J extends { kind: 'pages' } ? PagesDone : J extends { kind: 'notice' } ? NoticeDone : LedgerDone;
type AnyDone = RowsDone | PagesDone | NoticeDone | LedgerDone;

function fileBytes(text: string): FileBytes {
  const bytes = Buffer.from(text, 'utf8');
  return { bytes, sha256: sha256Of(bytes) };
}

/** Do a job here, on this thread (and zlib's thread pool, which deflates the sheets). */
export async function runJob<J extends Job>(job: J): Promise<Done<J>> {
  return (await doJob(job)) as Done<J>;
}

async function doJob(job: Job): Promise<AnyDone> {
  switch (job.kind) {
    case 'rows':
      // Each row made as the sheet reads it (see `tableRowSource`).
      return { detail: await detailSheetCompressed(tableRowSource(job.rows), job.scenario) };
    case 'pages': {
      const data = 'rest' in job.data ? unpackReport(job.data) : job.data;
      // The notice's parts are put between these by the writer; each text is encoded a piece at a time, never made whole.
      const bytes = (a: Around): AroundBytes => {
        const [before, after] = a.utf8();
        return { before, after };
      };
      return { html: bytes(renderHtmlAround(data)), markdown: bytes(renderMarkdownAround(data)) };
    }
    case 'notice': {
      const notice = unpackNotice(job.notice);
      // The sheet first: zlib deflates it while the CSV is made.
      const sheet = noticeSheetCompressed(notice, job.scenario);
      sheet.catch(() => undefined); // awaited below
      const { header, rows } = noticeTable(notice);
      const csv = excelCsvBytes(header, rows);
      const parts = { html: Buffer.from(renderNoticeHtml(notice, job.lang), 'utf8'), markdown: Buffer.from(renderNoticeMarkdown(notice, job.lang), 'utf8') };
      return { csv, sheet: await sheet, parts };
    }
    case 'ledger': {
      const rows = tableRows(job.rows);
      const sheet = commitmentsSheetCompressed(rows, job.scenario);
      sheet.catch(() => undefined); // awaited below
      const csv = excelCsvBytes(commitmentsHeader(job.lang), rows);
      return { csv, sheet: await sheet };
    }
  }
}

/**
 * Whether bytes can move to another thread as they are: all of their buffer, or the start of a
 * buffer larger than Node's pool (never a slice of the pool, which other buffers share).
 */
function movable(b: Uint8Array): boolean {
  return b.byteOffset === 0 && (b.byteLength === b.buffer.byteLength || b.buffer.byteLength > Buffer.poolSize);
}

/** The buffers of those of `bytes` that can move as they are (`movable`). */
function buffersToMove(...bytes: Uint8Array[]): ArrayBuffer[] {
  return bytes.filter(movable).map((b) => b.buffer as ArrayBuffer);
}

/** The buffers a job's result holds, to move rather than copy to the main thread: bytes that cannot move as they are (`movable`) are copied first. */
export function ownBuffers(done: AnyDone): { done: AnyDone; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const own = (b: Uint8Array): Uint8Array => {
    const mine = movable(b) && !transfer.includes(b.buffer as ArrayBuffer) ? b : new Uint8Array(b);
    transfer.push(mine.buffer as ArrayBuffer);
    return mine;
  };
  const file = (f: FileBytes): FileBytes => ({ ...f, bytes: own(f.bytes) });
  const around = (f: AroundBytes): AroundBytes => ({ ...f, before: f.before.map(own), after: f.after.map(own) });
  const sheet = (s: CompressedSheet): CompressedSheet => ({ ...s, compressed: { ...s.compressed, deflated: own(s.compressed.deflated) } });
  const moved =
    'detail' in done
      ? { detail: sheet(done.detail) }
      : 'html' in done
      ? { html: around(done.html), markdown: around(done.markdown) }
      : 'parts' in done
      ? { csv: file(done.csv), sheet: sheet(done.sheet), parts: { html: own(done.parts.html), markdown: own(done.parts.markdown) } }
      : { csv: file(done.csv), sheet: done.sheet && sheet(done.sheet) };
  return { done: moved, transfer };
}

/** What a worker is sent, and what it answers. */
export interface JobMessage {
  readonly id: number;
  readonly job: Job;
}
export type JobReply = { readonly id: number; readonly done: AnyDone } | { readonly id: number; readonly error: string };

/** The key of a worker's workerData that holds its count of jobs finished (an Int32Array on shared memory). */
export const FINISHED = 'finished';

/** Applications from which worker threads pay off (measured as said above). */
export const OFFLOAD_MIN_ROWS = 30_000;

/**
 * An applications file's size from which its threads are started before it is parsed: 30,000 rows
 * of CSV take 4 MB and more at about 130 bytes a row or more (the benchmark families' 100,000 take
 * 16.8 MB); a smaller file (an .xlsx is compressed) has them started once its rows are counted.
 */
export const OFFLOAD_MIN_BYTES = 4_000_000;

/** Runs jobs, on worker threads or here. */
export interface Formatter {
  run<J extends Job>(job: J): Promise<Done<J>>;
  /** Start the workers not started yet (see `openFormatter`'s `now`). */
  startAll(): void;
  /** Whether a job run now would start at once on a worker: one has finished every job it was sent, and none waits. */
  idle(): boolean;
  /** The jobs still waiting for a worker: each to a worker that has finished its jobs meanwhile, the rest run here, now (this thread has nothing else to do). */
  runWaitingHere(): void;
  /** Stop the workers (jobs still running on them are lost: call once every job has settled). */
  close(): void;
}

/** Every job here, now. */
export const HERE: Formatter = { run: runJob, startAll: () => undefined, idle: () => false, runWaitingHere: () => undefined, close: () => undefined };

/**
 * A job as it is sent to a thread, and the buffers its packing made, which are moved, not copied:
 * its tables packed (`packTable`: its joined columns move), the notice packed (`packNotice`) and
 * the report data (`packReport`) where they are not already. A job queued unpacked is packed
 * only when a thread takes it, and is still whole here should that thread die.
 */
function sendable(job: Job): { readonly job: Job; readonly transfer: ArrayBuffer[] } {
  switch (job.kind) {
    case 'rows':
    case 'ledger': {
      const rows = packTable(job.rows);
      // Only the columns packed now: a column given packed is the caller's.
      const transfer = rows.columns.flatMap((c, k) => ('utf16' in c && c !== job.rows.columns[k] ? [c.utf16.buffer as ArrayBuffer, c.ends.buffer as ArrayBuffer] : []));
      return { job: { ...job, rows }, transfer };
    }
    case 'notice': {
      if (job.notice instanceof Uint8Array) return { job, transfer: [] };
      const notice = packNotice(job.notice);
      return { job: { ...job, notice }, transfer: buffersToMove(notice) };
    }
    case 'pages': {
      if ('rest' in job.data) return { job, transfer: [] };
      const data = packReport(job.data);
      return { job: { ...job, data }, transfer: buffersToMove(data.notice, data.rest) };
    }
  }
}

const NAMES: Record<Job['kind'], string> = { rows: 'the 明细 sheet', pages: 'report.html and report.md', notice: 'notice.csv and the 资助计划 sheet', ledger: 'commitments.csv and the 拨付台账 sheet' };

/**
 * Up to `workers` worker threads for the jobs of a batch of `rows` applications, where there are
 * enough of them (`minRows`) and the compiled worker exists; else null (the caller uses HERE).
 * `now` of them start at once, the others at `startAll` (or never).
 *
 * A job goes to a thread that has finished every job it was sent, as soon as one has: each thread
 * counts the jobs it has finished in memory shared with this thread (`FINISHED`, its workerData),
 * before it answers, so a thread is known to be free while this thread is still busy and has not
 * yet read the answer (which it reads only when it next waits). Answers are matched to their jobs
 * by id, whenever they are read.
 */
export function openFormatter(rows: number, minRows = OFFLOAD_MIN_ROWS, workers = 2, worker: URL = WORKER, now = workers): Formatter | null {
  const path = fileURLToPath(worker);
  if (rows < minRows || !existsSync(path)) return null;
  interface Item {
    readonly id: number;
    readonly job: Job;
    readonly settle: (e: Error | null, done?: AnyDone) => void;
  }
  interface Slot {
    readonly thread: Worker;
    /** Jobs sent and not answered yet (as far as this thread has read), by id. */
    readonly sent: Map<number, Item>;
    /** Jobs sent, and answers read. */
    posted: number;
    answered: number;
    /** The jobs the thread has finished (its own count, shared). */
    readonly finished: Int32Array;
    dead: boolean;
  }
  const queue: Item[] = [];
  let nextId = 0;
  // An answer read is a job finished too: a thread that answers without counting is still given its next job.
  const free = (slot: Slot) => !slot.dead && slot.posted === Math.max(slot.answered, Atomics.load(slot.finished, 0));
  // A worker keeps the process alive only while it has a job: an idle one left open (a solve
  // that failed before its outputs were written) does not hold the process.
  const dispatch = () => {
    for (const slot of slots) {
      if (!queue.length) return;
      if (!free(slot)) continue;
      const item = queue.shift()!;
      // Packed and posted before the thread counts it as sent: a job that cannot be packed or
      // posted is made here (its own data is whole: only what its packing made moves).
      try {
        const sent = sendable(item.job);
        slot.thread.postMessage({ id: item.id, job: sent.job } satisfies JobMessage, sent.transfer);
      } catch {
        here(item);
        continue;
      }
      slot.sent.set(item.id, item);
      slot.posted++;
      slot.thread.ref();
    }
  };
  const here = (item: Item) => void runJob(item.job).then((done) => item.settle(null, done), (e: Error) => item.settle(e));
  const fallBack = (slot: Slot) => {
    // The worker died or went away without an answer (out of memory, a bug): its jobs, and any
    // left in the queue once no worker is alive, made here: the same bytes.
    if (slot.dead) return;
    slot.dead = true;
    void slot.thread.terminate(); // a thread still running (its answer could not be read) is stopped
    const lost = [...slot.sent.values()];
    slot.sent.clear();
    lost.forEach(here);
    if (slots.every((s) => s.dead)) queue.splice(0).forEach(here);
  };
  // The threads started early (`now` of them at once, the others at `startAll`): a worker's cold
  // start (loading its modules, about half a second of CPU) is paid while this thread still reads
  // and builds, not after the job that needs it was sent.
  const slots: Slot[] = [];
  let closed = false;
  const start = (): Slot => {
    const finished = new Int32Array(new SharedArrayBuffer(4));
    const slot: Slot = { thread: new Worker(path, { workerData: { [FINISHED]: finished } }), sent: new Map(), posted: 0, answered: 0, finished, dead: false };
    slot.thread.unref();
    slot.thread.once('error', () => fallBack(slot));
    slot.thread.once('messageerror', () => fallBack(slot));
    slot.thread.once('exit', () => fallBack(slot));
    slot.thread.on('message', (reply: JobReply) => {
      const item = slot.sent.get(reply.id);
      if (!item) return;
      slot.sent.delete(reply.id);
      slot.answered++;
      if (!slot.sent.size) slot.thread.unref();
      if ('error' in reply) item.settle(new Error(`formatting ${NAMES[item.job.kind]} failed: ${reply.error}`));
      else item.settle(null, reply.done);
      dispatch();
    });
    slots.push(slot);
    return slot;
  };
  for (let k = 0; k < Math.min(now, workers); k++) start();
  return {
    run: <J extends Job>(job: J) =>
      new Promise<Done<J>>((resolve, reject) => {
        const id = nextId++;
        const settle = (e: Error | null, done?: AnyDone) => (e ? reject(e) : resolve(done as Done<J>));
        if (slots.every((s) => s.dead)) {
          void HERE.run(job).then(resolve, reject);
          return;
        }
        queue.push({ id, job, settle });
        dispatch();
      }),
    idle: () => queue.length === 0 && slots.some(free),
    runWaitingHere: () => {
      dispatch();
      queue.splice(0).forEach(here);
    },
    startAll: () => {
      if (closed) return;
      while (slots.length < workers) start();
      dispatch();
    },
    close: () => {
      closed = true;
      for (const s of slots) {
        s.dead = true;
        void s.thread.terminate();
      }
    },
  };
}
