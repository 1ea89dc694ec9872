/**
 * Writing outputs: the files of a run are one set. They are written into a hidden folder
 * inside the output folder, each flushed to disk (fsync) before it is renamed into place, and
 * the output folder is flushed after the renames; so a file that has its name is never empty or
 * cut short, even after a power loss.
 *
 * A set may have a commit record (a solve's summary.json): a file made from the SHA-256 of every
 * other file of the set, renamed into place last, once the other renames are on disk. A crash
 * between two renames leaves new files beside the previous set's record, whose hashes they do
 * not match, so a reader that checks them (`fundplan compare`, `--lock`) refuses the mix instead
 * of reading two runs as one. A crash before the first rename leaves the previous set as it was.
 * Sets without a record (sweep's and compare's pages, which nothing reads back) are flushed the
 * same way, but a crash between two renames can leave them mixed.
 */
import { createHash } from 'node:crypto';
import { close, closeSync, fsync, fsyncSync, mkdirSync, mkdtempSync, open, openSync, readdirSync, renameSync, rmSync, write, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { neutraliseCell, startsFormula } from './cells.js';
import type { RowSource } from './rows.js';

/** A file's content: text (written as UTF-8), bytes, or bytes in pieces written one after another. */
export type Content = string | Uint8Array | readonly Uint8Array[];

export interface OutputFile {
  readonly name: string;
  readonly content: Content;
  /** The SHA-256 (hex) of exactly `content`'s bytes, where whoever made the bytes hashed them too; else it is made here. */
  readonly sha256?: string;
}

/** A set's commit record: its content is made from the SHA-256 (hex) of every other file of the set, by name. */
export interface CommitRecord {
  readonly name: string;
  readonly commit: (sha256: Readonly<Record<string, string>>) => string;
}

/**
 * A file whose bytes are still being made (on a worker thread, by zlib): written as soon as they
 * are there, while the others are still being made.
 */
export interface PendingFile {
  readonly name: string;
  readonly pending: Promise<{ readonly content: Content; readonly sha256?: string }>;
}

/**
 * A file made as it is written: `stream` hands its bytes to `put` a piece at a time (`put` is done
 * with a piece when it returns, so the piece's memory may be used again), all before it returns.
 */
export interface StreamedFile {
  readonly name: string;
  readonly stream: (put: (bytes: Uint8Array) => void) => void;
}

/** Write the files (at most one of them a commit record) into `dir`, together; returns their paths in the order given. */
export function writeOutputsAtomically(dir: string, files: readonly (OutputFile | CommitRecord)[]): string[] {
  const record = recordOf(files);
  const data = files.flatMap((f) => ('content' in f ? [{ name: f.name, bytes: bytesOf(f.content), sha256: f.sha256 }] : []));
  const tmp = tmpFolder(dir);
  try {
    for (const f of data) writeDurably(join(tmp, f.name), f.bytes);
    if (record) {
      // Made once every other file is complete, from the very bytes written.
      const sha256 = Object.fromEntries(data.map((f) => [f.name, f.sha256 ?? sha256Of(f.bytes)]));
      writeDurably(join(tmp, record.name), bytesOf(record.commit(sha256)));
    }
    renameSet(dir, tmp, data.map((f) => f.name), record);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return files.map((f) => join(dir, f.name));
}

/**
 * The same, each file written (and flushed) off this thread, on libuv's thread pool, as soon as
 * its bytes are there, but a streamed file, made and written here at once where the list has it
 * (flushed off this thread); the renames as above once every file is on disk. Where a file
 * fails, the others are let finish, the hidden folder goes and nothing is renamed.
 */
export async function writeOutputsAtomicallyAsync(dir: string, files: readonly (OutputFile | PendingFile | StreamedFile | CommitRecord)[]): Promise<string[]> {
  const record = recordOf(files);
  const tmp = tmpFolder(dir);
  try {
    const writes = files.flatMap((f) => {
      if ('commit' in f) return [];
      // Made here and written as it is made, at once: its pieces are written (and hashed) on this thread.
      if ('stream' in f) return [writeStreamed(join(tmp, f.name), f.stream).then((hash) => [f.name, hash] as const)];
      return [
        (async () => {
          const { content, sha256 } = 'pending' in f ? await f.pending : f;
          // Pieces are written (and hashed) one after another, never joined.
          const pieces = typeof content === 'string' || content instanceof Uint8Array ? [bytesOf(content)] : content;
          const hash = sha256 ?? sha256Of(...pieces);
          await writeDurablyAsync(join(tmp, f.name), pieces);
          return [f.name, hash] as const;
        })(),
      ];
    });
    const settled = await Promise.allSettled(writes);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const written = settled.map((s) => (s as PromiseFulfilledResult<readonly [string, string]>).value);
    // Made once every other file is complete, from the very bytes written.
    if (record) await writeDurablyAsync(join(tmp, record.name), [bytesOf(record.commit(Object.fromEntries(written)))]);
    renameSet(dir, tmp, written.map(([name]) => name), record);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return files.map((f) => join(dir, f.name));
}

function recordOf(files: readonly (OutputFile | PendingFile | StreamedFile | CommitRecord)[]): CommitRecord | undefined {
  const records = files.filter((f): f is CommitRecord => 'commit' in f);
  if (records.length > 1) throw new Error(`a set has one commit record, not ${records.length}`);
  return records[0];
}

const TMP_PREFIX = '.fundplan-tmp-';

/**
 * The hidden folder a set is written into, inside `dir` (made if need be), named with this
 * process's id. Hidden folders there of processes that no longer run (a run killed while it
 * wrote) are removed first; those of a run still writing are left alone.
 */
function tmpFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    const m = name.startsWith(TMP_PREFIX) ? /^(\d+)-/.exec(name.slice(TMP_PREFIX.length)) : null;
    if (m && !running(Number(m[1]))) rmSync(join(dir, name), { recursive: true, force: true });
  }
  return mkdtempSync(join(dir, `${TMP_PREFIX}${process.pid}-`));
}

/** Whether a process with this id runs (one of another user's counts as running). */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The files (all on disk in `tmp`) renamed into `dir` in order and the folder flushed; then the record, and the folder again. */
function renameSet(dir: string, tmp: string, names: readonly string[], record: CommitRecord | undefined): void {
  for (const name of names) renameSync(join(tmp, name), join(dir, name));
  syncFolder(dir);
  if (record) {
    renameSync(join(tmp, record.name), join(dir, record.name));
    syncFolder(dir);
  }
}

/** The SHA-256 (hex) of the pieces' bytes one after another. */
export function sha256Of(...pieces: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const p of pieces) hash.update(p);
  return hash.digest('hex');
}

/** One file, complete or not at all: written and flushed beside its destination, then renamed over it. */
export function writeFileAtomically(path: string, content: Content): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.fundplan-tmp-${process.pid}`;
  try {
    writeDurably(tmp, bytesOf(content));
    renameSync(tmp, path);
    syncFolder(dirname(path));
  } finally {
    rmSync(tmp, { force: true });
  }
}

const bytesOf = (content: Content): Uint8Array => (typeof content === 'string' ? Buffer.from(content, 'utf8') : content instanceof Uint8Array ? content : Buffer.concat(content));

/** Write a file and flush it to disk before it is closed. */
function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The same on libuv's thread pool, the pieces one after another: this thread neither copies the bytes nor waits for the disk. */
async function writeDurablyAsync(path: string, pieces: readonly Uint8Array[]): Promise<void> {
  const fd = await new Promise<number>((resolve, reject) => open(path, 'w', (e, fd) => (e ? reject(e) : resolve(fd))));
  try {
    for (const bytes of pieces) {
      for (let at = 0; at < bytes.length; ) {
        at += await new Promise<number>((resolve, reject) => write(fd, bytes, at, bytes.length - at, null, (e, n) => (e ? reject(e) : resolve(n))));
      }
    }
    await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
  } finally {
    await new Promise<void>((resolve, reject) => close(fd, (e) => (e ? reject(e) : resolve())));
  }
}

/**
 * A streamed file written as `stream` makes it, each piece written before the next is made; then
 * flushed to disk off this thread. Gives the SHA-256 (hex) of its bytes.
 */
async function writeStreamed(path: string, stream: StreamedFile['stream']): Promise<string> {
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  try {
    stream((bytes) => {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      hash.update(bytes);
    });
    await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Flush a folder's entries (the renames into it) to disk. Windows cannot open a folder to flush it; there the renames are left to the file system. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export { neutraliseCell };

/** Undo `neutraliseCell` when reading a file fundplan wrote (its own allocations.csv). */
export function restoreCell(value: string): string {
  return value.replace(/^'(?=[=+\-@\t\r])/, '');
}

const QUOTES = /"/g;

/**
 * One CSV field: quoted (quotes doubled) where it holds the delimiter, the quote or the record
 * delimiter \r\n, as csv-stringify writes it; a lone \r or \n is left unquoted, as csv-stringify
 * leaves it when told the record delimiter.
 */
export function csvField(value: string): string {
  // A scan by char code: most fields need nothing.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34 || c === 44 || (c === 13 && value.charCodeAt(i + 1) === 10)) return `"${value.replace(QUOTES, '""')}"`;
  }
  return value;
}

/** One line of a CSV for Excel: every cell neutralised, quoted where needed, CRLF. */
function csvLine(r: readonly string[]): string {
  let out = '';
  for (let i = 0; i < r.length; i++) out += (i ? ',' : '') + csvField(neutraliseCell(r[i] ?? ''));
  return out + '\r\n';
}

/** CSV for Excel: UTF-8 with BOM, CRLF, every cell neutralised. */
export function toExcelCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = new Array<string>(rows.length + 1);
  lines[0] = csvLine(header);
  for (let k = 0; k < rows.length; k++) lines[k + 1] = csvLine(rows[k]!);
  return '\uFEFF' + lines.join('');
}

/**
 * The same file as `toExcelCsv`'s text, as its UTF-8 bytes with their SHA-256, encoded field by
 * field into one buffer: neither the text of the whole file nor a line's is made (at 100,000 rows
 * the file's text, joined and then encoded, cost three times as much as lines, most of it in
 * garbage collection; a field written as bytes makes no string at all). The rows are read once,
 * in order (`RowSource`: an array, or rows made as they are read). The buffer is sized from the
 * first rows' bytes a row, so it is rarely grown (copied); `bytes` may be a view of the start of it.
 */
export function excelCsvBytes(header: readonly string[], rows: RowSource<readonly string[]>): { readonly bytes: Buffer; readonly sha256: string } {
  const n = rows.length;
  const sample = Math.min(n, 1000);
  const sink = new Utf8Bytes(1 << 16);
  sink.write('\uFEFF' + csvLine(header));
  // The most room a sampled line asked for (csvLineInto) is kept free beyond the estimate, so that the last line fits too.
  let reserve = 0;
  for (let k = 0; k < sample; k++) reserve = Math.max(reserve, csvLineInto(sink, rows.at(k)!));
  if (sample < n) sink.room(Math.ceil((sink.at / sample) * (n - sample) * 1.05) + reserve);
  for (let k = sample; k < n; k++) csvLineInto(sink, rows.at(k)!);
  const bytes = sink.bytes();
  return { bytes, sha256: sha256Of(bytes) };
}

/**
 * The same bytes handed to `put` a chunk at a time (at most CHUNK bytes, whole lines; a longer
 * line gets a buffer of its own, which the lines after it fill too), one chunk's memory used
 * again for the next once `put` returns: for a file written as it is made, which then takes no
 * new memory as it grows (at 100,000 rows, fresh memory for the whole file cost more, in first
 * touches of its pages, than the writes).
 */
export function excelCsvChunks(header: readonly string[], rows: RowSource<readonly string[]>, put: (chunk: Uint8Array) => void): void {
  const pool = new ChunkPool();
  const sink = new Utf8Chunks((chunk) => {
    put(chunk);
    pool.give(chunk);
  }, pool);
  sink.write('\uFEFF' + csvLine(header));
  for (let k = 0; k < rows.length; k++) csvLineInto(sink, rows.at(k)!);
  sink.end();
}

/** Where csvLineInto writes: `room`, then bytes into `buf` from `at`. */
type ByteSink = Pick<Utf8Chunks, 'buf' | 'at' | 'room'>;

/** The bytes of `csvLine(r)` appended to `sink`: a field that needs nothing (most) is encoded here, any other is `csvField` of it neutralised. Gives the room it asked for. */
function csvLineInto(sink: ByteSink, r: readonly string[]): number {
  let need = 2;
  for (let i = 0; i < r.length; i++) need += 6 * (r[i] ?? '').length + 10;
  // Room for the line as the general path writes it: a field at most doubles, plus quotes, apostrophe and comma; 3 bytes a unit.
  sink.room(need);
  const buf = sink.buf;
  let at = sink.at;
  for (let i = 0; i < r.length; i++) {
    if (i) buf[at++] = 44;
    const v = r[i] ?? '';
    const end = csvFieldInto(v, buf, at);
    at = end >= 0 ? end : at + buf.write(csvField(neutraliseCell(v)), at, 'utf8');
  }
  buf[at++] = 13;
  buf[at++] = 10;
  sink.at = at;
  return need;
}

/**
 * `csvField(neutraliseCell(v))`'s UTF-8 written into `buf` at `at` (room for 3 bytes a unit and
 * two quotes is the caller's): its end, or -1 (nothing kept) where `v` starts a formula or holds
 * a quote, for the general path.
 */
function csvFieldInto(v: string, buf: Buffer, at: number): number {
  const n = v.length;
  if (n === 0) return at;
  if (startsFormula(v.charCodeAt(0))) return -1;
  const start = at;
  let quote = false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x80) {
      if (c === 34) return -1;
      if (c === 44 || (c === 13 && v.charCodeAt(i + 1) === 10)) quote = true;
      buf[at++] = c;
    } else {
      const end = utf8Char(v, i, c, buf, at);
      if (end < 0) {
        // A pair: four bytes, two units.
        at = -end;
        i++;
      } else at = end;
    }
  }
  if (quote) {
    buf.copyWithin(start + 1, start, at);
    buf[start] = 34;
    buf[at + 1] = 34;
    at += 2;
  }
  return at;
}

/**
 * The UTF-8 of `s`'s unit `c` (≥ 0x80) at `i`, as Buffer.write writes it, into `buf` at `at`: the
 * end, or minus the end where `c` began a surrogate pair (both units written). A lone surrogate
 * is U+FFFD.
 */
export function utf8Char(s: string, i: number, c: number, buf: Uint8Array, at: number): number {
  if (c < 0x800) {
    buf[at] = 0xc0 | (c >> 6);
    buf[at + 1] = 0x80 | (c & 63);
    return at + 2;
  }
  if (c >= 0xd800 && c <= 0xdfff) {
    const d = s.charCodeAt(i + 1);
    if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
      const p = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      buf[at] = 0xf0 | (p >> 18);
      buf[at + 1] = 0x80 | ((p >> 12) & 63);
      buf[at + 2] = 0x80 | ((p >> 6) & 63);
      buf[at + 3] = 0x80 | (p & 63);
      return -(at + 4);
    }
    c = 0xfffd;
  }
  buf[at] = 0xe0 | (c >> 12);
  buf[at + 1] = 0x80 | ((c >> 6) & 63);
  buf[at + 2] = 0x80 | (c & 63);
  return at + 3;
}

/** Bytes in a chunk of Utf8Chunks (a longer text gets a chunk of its own size). */
const CHUNK = 1 << 20;
/** Utf8Chunks' buffer before its first chunk and after handing one out. */
const NO_BYTES = Buffer.alloc(0);

/**
 * Text appended as UTF-8 into chunks of about CHUNK bytes; each chunk, once full (or at the end),
 * handed to `full`, and not written again unless it comes back through the pool (once whoever
 * `full` hands it to is done with its bytes). Bytes may also be written straight into `buf` from
 * `at` (moving `at` on), after `room` made space for them.
 */
export class Utf8Chunks {
  buf: Buffer;
  at = 0;
  /**
   * `pool`: where chunks come from, where whoever `full` hands them to gives them back once done
   * with them (else each is new). A chunk is taken only when there is something to write into it.
   */
  constructor(private readonly full: (chunk: Buffer) => void, private readonly pool: ChunkPool | null = null) {
    this.buf = NO_BYTES;
  }
  write(s: string): void {
    // At most three bytes per UTF-16 code unit.
    this.room(s.length * 3);
    this.at += this.buf.write(s, this.at, 'utf8');
  }
  /** At least `bytes` free in `buf` from `at` (the chunk so far handed out first if need be). */
  room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    this.flush();
    this.buf = bytes > CHUNK ? Buffer.allocUnsafe(bytes) : this.fresh();
  }
  /** Hand out what was written since the last chunk, if anything. */
  end(): void {
    this.flush();
  }
  private flush(): void {
    if (this.at === 0) return;
    this.full(this.buf.subarray(0, this.at));
    this.buf = NO_BYTES;
    this.at = 0;
  }
  private fresh(): Buffer {
    return this.pool?.take() ?? Buffer.allocUnsafe(CHUNK);
  }
}

/** Text and bytes appended as UTF-8 into one buffer, grown (copied) when full. */
export class Utf8Bytes {
  buf: Buffer;
  at = 0;
  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 64));
  }
  write(s: string): void {
    this.room(s.length * 3);
    this.at += this.buf.write(s, this.at, 'utf8');
  }
  /** At least `bytes` free in `buf` from `at`. */
  room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.at + bytes, this.at < 1 << 16 ? 0 : this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
  /** What was written: a view of the buffer's start. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/**
 * Chunks of Utf8Chunks used again once their bytes were consumed (deflated, or written to a
 * file): a sheet of 100 MB then allocates a few chunks rather than a hundred, each of which
 * counted toward the external memory that sets off a full garbage collection.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  take(): Buffer | undefined {
    return this.free.pop();
  }
  /** A chunk handed out by a Utf8Chunks of this pool, whose bytes nothing reads any more (one of another size is left alone). */
  give(chunk: Uint8Array): void {
    if (chunk.byteOffset === 0 && chunk.buffer.byteLength === CHUNK && this.free.length < 4) this.free.push(Buffer.from(chunk.buffer, 0, CHUNK));
  }
}
