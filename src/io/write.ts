/**
 * Writing outputs: all files of a run appear together or not at all. They are written
 * into a hidden folder inside the output folder and renamed into place only once every
 * one of them is complete.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';

export interface OutputFile {
  readonly name: string;
  readonly content: string | Uint8Array;
}

export function writeOutputsAtomically(dir: string, files: readonly OutputFile[]): string[] {
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, '.fundplan-tmp-'));
  try {
    for (const f of files) writeFileSync(join(tmp, f.name), f.content);
    for (const f of files) renameSync(join(tmp, f.name), join(dir, f.name));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return files.map((f) => join(dir, f.name));
}

/** One file, complete or not at all: written beside its destination, then renamed over it. */
export function writeFileAtomically(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.fundplan-tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * A cell Excel would evaluate as a formula (= + - @, or a leading tab / CR) gets a leading
 * apostrophe. A plain number such as -1234.50 is left alone: it cannot be a formula, and it
 * must stay a number.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^-\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
}

/** Undo `neutraliseCell` when reading a file fundplan wrote (its own allocations.csv). */
export function restoreCell(value: string): string {
  return value.replace(/^'(?=[=+\-@\t\r])/, '');
}

/** CSV for Excel: UTF-8 with BOM, CRLF, every cell neutralised. */
export function toExcelCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const body = stringify([header, ...rows].map((r) => r.map(neutraliseCell)), { record_delimiter: '\r\n' });
  return '\uFEFF' + body;
}
