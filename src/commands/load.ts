/** Load a scenario and everything it names: scenario → policy → applications, all validated. */
import { relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parseJson, readInput } from '../io/files.js';
import { readScenarioChain } from '../io/scenario-file.js';
import { readApplicationsFile } from '../io/applications.js';
import { resolveApplications, type Application, type ApplicationsSource } from '../model/application.js';
import { parsePolicy, type Policy } from '../model/policy.js';
import { checkScenarioAgainstPolicy, parseScenario, type Scenario } from '../model/scenario.js';
import type { InputIssue } from '../errors.js';
import type { InputProvenance } from '../report/summary.js';

export interface Loaded {
  readonly scenario: Scenario;
  readonly policy: Policy;
  readonly applications: readonly Application[];
  readonly warnings: readonly InputIssue[];
  readonly inputs: InputProvenance;
  /** Problems in the applications, returned instead of thrown with `keepGoing` (validate). */
  readonly issues?: readonly InputIssue[];
  /** The applications file as read (with `keepGoing`): its path as shown and its headers. */
  readonly source?: ApplicationsSource;
}

export interface LoadOptions {
  /** The sheet of an .xlsx applications file (default: the scenario's `sheet`, else the first). */
  readonly sheet?: string;
  /** Return problems in the applications instead of throwing them. */
  readonly keepGoing?: boolean;
}

export function loadScenario(scenarioPath: string, options: LoadOptions = {}): Loaded {
  const chain = readScenarioChain(scenarioPath);
  const shownScenario = chain.files[0]!.shown;
  const scenario = parseScenario(chain.json, shownScenario);

  const policyPath = resolve(chain.dirOf.policy, scenario.policy);
  const shownPolicy = relative(process.cwd(), policyPath);
  const policyFile = readInput(policyPath, shownPolicy);
  const policy = parsePolicy(parseJson(policyFile, shownPolicy), shownPolicy);
  checkScenarioAgainstPolicy(scenario, policy, shownScenario);

  const appsPath = resolve(chain.dirOf.applications, scenario.applications);
  const shownApps = relative(process.cwd(), appsPath);
  const appsFile = readInput(appsPath, shownApps);
  const fromScenario = options.sheet === undefined && scenario.sheet !== null;
  const read = readApplicationsFile(appsFile.bytes, shownApps, {
    ...options,
    sheet: options.sheet ?? scenario.sheet ?? undefined,
    ...(fromScenario ? { sheetNamedBy: `the "sheet" of ${chain.fileOf.sheet ?? shownScenario}` } : {}),
  });
  const resolved = resolveApplications(read.records, policy, read.source);
  if (resolved.issues.length && !options.keepGoing) throw new InputError(resolved.issues);

  return {
    scenario,
    policy,
    applications: resolved.applications,
    ...(options.keepGoing ? { issues: [...read.issues, ...resolved.issues], source: read.source } : {}),
    // Warnings go into summary.json: name the file as the scenario does, not as seen from the shell.
    warnings: [...read.warnings, ...resolved.warnings].map((w) => (w.file === shownApps ? { ...w, file: scenario.applications } : w)),
    inputs: {
      // Paths as the scenario names them, so outputs do not depend on where the clone lives.
      scenario: { file: chain.files[0]!.named, sha256: chain.files[0]!.sha256, extends: chain.files.slice(1).map((f) => ({ file: f.named, sha256: f.sha256 })) },
      policy: { file: scenario.policy, sha256: policyFile.sha256 },
      applications: { file: scenario.applications, sha256: appsFile.sha256, encoding: read.encoding, ...(read.sheet !== undefined ? { sheet: read.sheet } : {}) },
    },
  };
}
