/**
 * A scenario's decisions (`decisions`: fund or exclude, by project id, with a reason; or none,
 * which takes the applications file's decision back) put in place of what the applications file
 * says for those projects. An id that names no application is an input issue at `decisions.<id>`.
 */
import type { InputIssue } from '../errors.js';
import type { Application } from './application.js';
import type { Scenario } from './scenario.js';

export function withScenarioDecisions(apps: readonly Application[], scenario: Scenario, file: string): { applications: readonly Application[]; issues: InputIssue[] } {
  const decisions = scenario.decisions;
  if (!decisions?.size) return { applications: apps, issues: [] };
  const known = new Set(apps.map((a) => a.projectId));
  const issues: InputIssue[] = [...decisions.keys()]
    .filter((id) => !known.has(id))
    .map((id) => ({ file, row: `decisions.${id}`, expected: 'the project id of an application in the applications file', found: JSON.stringify(id) }));
  const applications = apps.map((a) => {
    const d = decisions.get(a.projectId);
    if (!d) return a;
    return d.decision === 'none' ? { ...a, decision: null, decisionReason: '' } : { ...a, decision: d.decision, decisionReason: d.reason };
  });
  return { applications, issues };
}
