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
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { neutraliseCell } from './cells.js';

export interface OutputFile {
  readonly name: string;
  readonly content: string | Uint8Array;
  /** The SHA-256 (hex) of exactly `content`'s bytes, where whoever made the bytes hashed them too; else it is made here. */
  readonly sha256?: string;
}

/** A set's commit record: its content is made from the SHA-256 (hex) of every other file of the set, by name. */
export interface CommitRecord {
  readonly name: string;
  readonly commit: (sha256: Readonly<Record<string, string>>) => string;
}

/** Write the files (at most one of them a commit record) into `dir`, together; returns their paths in the order given. */
export function writeOutputsAtomically(dir: string, files: readonly (OutputFile | CommitRecord)[]): string[] {
  const records = files.filter((f): f is CommitRecord => 'commit' in f);
  if (records.length > 1) throw new Error(`a set has one commit record, not ${records.length}`);
  const data = files.flatMap((f) => ('content' in f ? [{ name: f.name, bytes: bytesOf(f.content), sha256: f.sha256 }] : []));
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, '.fundplan-tmp-'));
  try {
    for (const f of data) writeDurably(join(tmp, f.name), f.bytes);
    const record = records[0];
    if (record) {
      // Made once every other file is complete, from the very bytes written.
      const sha256 = Object.fromEntries(data.map((f) => [f.name, f.sha256 ?? createHash('sha256').update(f.bytes).digest('hex')]));
      writeDurably(join(tmp, record.name), bytesOf(record.commit(sha256)));
    }
    for (const f of data) renameSync(join(tmp, f.name), join(dir, f.name));
    syncFolder(dir);
    if (record) {
      renameSync(join(tmp, record.name), join(dir, record.name));
      syncFolder(dir);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return files.map((f) => join(dir, f.name));
}

/** One file, complete or not at all: written and flushed beside its destination, then renamed over it. */
export function writeFileAtomically(path: string, content: string | Uint8Array): void {
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

const bytesOf = (content: string | Uint8Array): Uint8Array => (typeof content === 'string' ? Buffer.from(content, 'utf8') : content);

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

/**
 * What makes a CSV field quoted: the delimiter, the quote, or the record delimiter \r\n. A lone
 * \r or \n is left unquoted, as csv-stringify leaves it when told the record delimiter.
 */
const NEEDS_QUOTES = /[",]|\r\n/;
const QUOTES = /"/g;

/** One CSV field: quoted (quotes doubled) where it holds a delimiter, a quote or \r\n, as csv-stringify writes it. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(QUOTES, '""')}"` : value;
}

/** CSV for Excel: UTF-8 with BOM, CRLF, every cell neutralised. */
export function toExcelCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = new Array<string>(rows.length + 1);
  const line = (r: readonly string[]) => {
    let out = '';
    for (let i = 0; i < r.length; i++) out += (i ? ',' : '') + csvField(neutraliseCell(r[i] ?? ''));
    return out + '\r\n';
  };
  lines[0] = line(header);
  for (let k = 0; k < rows.length; k++) lines[k + 1] = line(rows[k]!);
  return '\uFEFF' + lines.join('');
}
