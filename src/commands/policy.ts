/**
 * `fundplan policy <policy.json> [--lang en] [--md FILE]`: the policy as the table a person
 * checks against the document (report/policy-table.ts), so an encoding mistake is seen before
 * a solve. The text is for stdout; `--md` also writes it as Markdown. A policy file with
 * problems is an InputError listing every one. A plain function the CLI and tests call.
 */
import { relative } from 'node:path';
import { parseJson, readInput } from '../io/files.js';
import { writeFileAtomically } from '../io/write.js';
import { parsePolicy } from '../model/policy.js';
import { policyTableMarkdown } from '../report/markdown.js';
import { policyTable, policyTableText, type PolicyTable } from '../report/policy-table.js';

export interface PolicyOptions {
  readonly policy: string;
  readonly lang?: 'zh' | 'en';
  /** Also write the table as Markdown here. */
  readonly md?: string;
}

export interface PolicyOutcome {
  readonly table: PolicyTable;
  /** The table as plain text, columns aligned. */
  readonly text: string;
}

export async function runPolicy(options: PolicyOptions): Promise<PolicyOutcome> {
  const shown = relative(process.cwd(), options.policy) || options.policy;
  const policy = parsePolicy(parseJson(readInput(options.policy, shown), shown), shown);
  const table = policyTable(policy, options.lang ?? 'zh');
  if (options.md !== undefined) writeFileAtomically(options.md, policyTableMarkdown(table));
  return { table, text: policyTableText(table) };
}
