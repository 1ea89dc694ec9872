import type { z } from 'zod';
import { shown, type InputIssue } from '../errors.js';

/** Turn a zod failure into our issues: the JSON path as the "row", the message as expected. */
export function zodToIssues(error: z.ZodError, file: string, input: unknown): InputIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('');
    let found: unknown = input;
    for (const p of issue.path) {
      found = found !== null && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
    }
    // zod says "Invalid input: expected number, received undefined"; we say what was found ourselves.
    const expected = issue.code === 'unrecognized_keys'
      ? `no unknown keys (known keys are listed in docs/reference.md)`
      : issue.message.replace(/^Invalid input: /, '').replace(/^expected /, '').replace(/, received .*$/, '');
    const foundText = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => JSON.stringify(k)).join(', ') : shown(found);
    return { file, row: path || '(top level)', expected, found: foundText };
  });
}
