/**
 * Error classes and what the CLI maps them to. Outcomes of a solve are data
 * (see solver/types.ts); these are for the cases where no allocation can be written.
 */

/** One problem in the inputs: where, what was expected, what was found. */
export interface InputIssue {
  readonly file: string;
  /** 1-based line (CSV) or a JSON path such as `measures[3].rules[0].rate`. */
  readonly row?: number | string;
  readonly column?: string;
  readonly expected: string;
  readonly found: string;
}

export function formatIssue(i: InputIssue): string {
  const where = [i.file, i.row, i.column].filter((p) => p !== undefined && p !== '').join(':');
  return `${where}: expected ${i.expected}, found ${i.found}`;
}

/** Printable form of a found value: quoted, shortened, control characters shown. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value.trim() === '') return 'an empty cell';
    const s = value.length > 60 ? value.slice(0, 57) + '…' : value;
    return JSON.stringify(s);
  }
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? json.slice(0, 57) + '…' : json;
}

export const EXIT = { ok: 0, input: 1, infeasible: 2, internal: 3 } as const;

/** Bad input or usage: exit 1. Carries every problem found, not just the first. */
export class InputError extends Error {
  readonly issues: readonly InputIssue[];
  constructor(issues: readonly InputIssue[]) {
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the input:\n` + issues.map(formatIssue).join('\n'));
    this.name = 'InputError';
    this.issues = issues;
  }
}

/** One limit that cannot be met, and by how much. */
export interface Conflict {
  readonly limit: string;
  readonly description: string;
}

/** No allocation satisfies the scenario: exit 2. */
export class InfeasibleError extends Error {
  readonly conflicts: readonly Conflict[];
  constructor(summary: string, conflicts: readonly Conflict[]) {
    super(summary + '\n' + conflicts.map((c) => `  ${c.limit}: ${c.description}`).join('\n'));
    this.name = 'InfeasibleError';
    this.conflicts = conflicts;
  }
}

/** A bug: the verifier found a broken rule, a solver misbehaved. Exit 3. */
export class InternalError extends Error {
  readonly details: readonly string[];
  constructor(message: string, details: readonly string[] = []) {
    super(details.length ? `${message}\n${details.map((d) => '  ' + d).join('\n')}` : message);
    this.name = 'InternalError';
    this.details = details;
  }
}
