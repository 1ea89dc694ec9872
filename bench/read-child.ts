/** One read in its own process: read an applications file, print rows, time and peak RSS as JSON. */
import { readFileSync } from 'node:fs';
import { InputError, formatIssue } from '../src/errors.js';
import { readApplicationsFile } from '../src/io/applications.js';

const path = process.argv[2]!;
const t = performance.now();
let result: { ok: boolean; rows: number; message: string };
try {
  const read = readApplicationsFile(readFileSync(path), path.split('/').pop()!);
  result = { ok: true, rows: read.records.length, message: '' };
} catch (e) {
  if (!(e instanceof InputError)) throw e;
  result = { ok: false, rows: 0, message: formatIssue(e.issues[0]!) };
}
const ms = performance.now() - t;
process.stdout.write(JSON.stringify({ ...result, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
