/**
 * A file read from a finished run's folder belongs to that run: summary.json, renamed into place
 * after the run's other files, holds the SHA-256 of each (`files`), and a file it names must have
 * those bytes. One that does not is from another run (a write cut short between two renames), was
 * itself cut short, or was changed since: it is refused, naming it. A file with no summary.json
 * beside it (a lock file made by hand) or one summary.json does not name is not part of a run's
 * set, and a summary.json without `files` (written before it had them) commits nothing: nothing
 * to check.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { parseJson, readInput, type InputFile } from '../io/files.js';
import { zodToIssues } from '../model/zod-issues.js';
import { CommitRecordSchema } from '../report/summary-schema.js';

/** Refuse `file`, shown as `shown`, when the summary.json beside it commits other bytes under its name. */
export function checkCommitted(file: InputFile, shown: string): void {
  const recordPath = join(dirname(file.path), 'summary.json');
  if (!existsSync(recordPath)) return;
  const shownRecord = join(dirname(shown), 'summary.json');
  const json = parseJson(readInput(recordPath, shownRecord), shownRecord);
  const record = CommitRecordSchema.safeParse(json);
  if (!record.success) throw new InputError(zodToIssues(record.error, shownRecord, json));
  const expected = record.data.files?.[basename(file.path)];
  if (expected === undefined || expected === file.sha256) return;
  throw new InputError([
    {
      file: shown,
      expected: `sha256 ${expected}, as ${shownRecord} records it (a run's files are one set)`,
      found: `sha256 ${file.sha256}: a file of another run, cut short, or changed since it was written (solve again)`,
    },
  ]);
}
