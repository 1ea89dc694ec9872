/**
 * `fundplan compare <a.json> <b.json> [more…]`: solve each scenario (or read a finished
 * run's output folder) and show what differs: the scenario fields first, then the objective
 * and funding line, totals by measure and district side by side, and every project that
 * gains, loses, enters or leaves funding, the largest changes first. The first run is the
 * baseline the others are compared with. Two runs that held the same earlier batch (a lock
 * file of the same SHA-256) differ only in what can still move: the grants it fixed in both are
 * counted apart and left out of the changes.
 */
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Decimal } from 'decimal.js';
import { InputError, shown as shownValue } from '../errors.js';
import { parseJson, readInput } from '../io/files.js';
import { zodToIssues } from '../model/zod-issues.js';
import { SUMMARY_SCHEMA_VERSION, SummarySchema, type Summary } from '../report/summary-schema.js';
import { restoreCell, writeOutputsAtomically } from '../io/write.js';
import { D, ZERO, fmtYuanHuman } from '../money.js';
import { compareCsv, compareHtml, fieldName, type Change, type Fixed, type RunView } from '../report/compare.js';
import { words } from '../report/i18n/index.js';
import { checkCommitted } from '../pipeline/run-folder.js';
import { solveScenario } from './solve.js';

export interface CompareOptions {
  readonly inputs: readonly string[];
  readonly out: string;
}

export interface CompareOutcome {
  readonly runs: readonly RunView[];
  /** Per run after the first: the projects whose grant changed, largest change first. */
  readonly changes: readonly (readonly Change[])[];
  /** Per run after the first: the scenario fields that differ from the baseline. */
  readonly fieldDiffs: readonly (readonly { field: string; from: string; to: string }[])[];
  /** Per run after the first: what the earlier batches both runs held fixed (none: an empty set). */
  readonly fixed: readonly Fixed[];
  readonly files: readonly string[];
  readonly text: string;
}

async function readRun(input: string): Promise<RunView> {
  const shown = relative(process.cwd(), input) || input;
  if (existsSync(input) && statSync(input).isDirectory()) {
    const summaryPath = join(input, 'summary.json');
    const allocationsPath = join(input, 'allocations.csv');
    if (!existsSync(summaryPath) || !existsSync(allocationsPath)) {
      throw new InputError([{ file: shown, expected: "a scenario JSON file, or a finished run's folder with summary.json and allocations.csv", found: 'a folder without them' }]);
    }
    const summary = readSummary(summaryPath, join(shown, 'summary.json'));
    const allocations = readInput(allocationsPath, join(shown, 'allocations.csv'));
    checkCommitted(allocations, join(shown, 'allocations.csv'));
    const rows = parse(allocations.bytes.toString('utf8'), { bom: true, columns: true }) as Record<string, string>[];
    return view(shown, summary, rows);
  }
  const solved = await solveScenario({ scenario: input, noTimings: true });
  // The same records as reading its allocations.csv back (view() un-neutralises either way).
  return view(shown, solved.summary, solved.allocations);
}

/** A finished run's summary.json, held to the format this version writes. */
function readSummary(path: string, shown: string): Summary {
  const json = parseJson(readInput(path, shown), shown);
  const version = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).schemaVersion : undefined;
  if (version !== SUMMARY_SCHEMA_VERSION) {
    throw new InputError([{ file: shown, row: 'schemaVersion', expected: `a summary of format version ${SUMMARY_SCHEMA_VERSION} (solve the scenario again with this fundplan)`, found: shownValue(version) }]);
  }
  const r = SummarySchema.safeParse(json);
  if (!r.success) throw new InputError(zodToIssues(r.error, shown, json));
  return r.data;
}

function view(source: string, summary: Summary, rows: readonly Readonly<Record<string, string>>[]): RunView {
  const unquote = (s: string | undefined) => restoreCell(s ?? '');
  return {
    lockedGranted: new D(summary.batches.locked.granted),
    locks: summary.locks,
    label: summary.scenario.name,
    source,
    fields: summary.scenario.fields,
    objective: new D(summary.objective.value),
    fundingLine: summary.fundingLine,
    budget: new D(summary.budget),
    granted: new D(summary.granted),
    byMeasure: new Map(summary.byMeasure.map((m) => [`${m.measure} ${m.name}`, { granted: new D(m.granted), funded: m.funded }])),
    byDistrict: new Map(summary.byDistrict.map((d) => [d.district, { granted: new D(d.granted), funded: d.funded }])),
    ...(summary.years
      ? { years: summary.years.cashflow.map((c) => ({ year: c.year, cash: new D(c.cash), ledger: new D(c.dueEarlier), current: new D(c.dueThisYear), planned: new D(c.duePlanned) })) }
      : {}),
    projects: new Map(
      rows.map((r) => [
        unquote(r.project_id),
        {
          projectName: unquote(r.project_name),
          companyName: unquote(r.company_name),
          measure: r.measure ?? '',
          score: r.score ?? '',
          grant: new D(r.grant || '0'),
          binding: r.binding ?? '',
          batch: r.batch ?? '',
        },
      ]),
    ),
  };
}

/** The grants that the same lock file fixed in both runs: locked in both, from a file of the same SHA-256, the same amount. */
export function fixedBetween(base: RunView, other: RunView): Fixed {
  const lockOf = (r: RunView, batch: string) => r.locks.find((l) => String(l.batch) === batch);
  const projects = new Set<string>();
  let granted = ZERO;
  const files = new Set<string>();
  for (const [id, b] of other.projects) {
    const a = base.projects.get(id);
    if (!a || a.binding !== 'locked' || b.binding !== 'locked' || !a.grant.eq(b.grant)) continue;
    const la = lockOf(base, a.batch);
    const lb = lockOf(other, b.batch);
    if (!la || !lb || la.sha256 !== lb.sha256) continue;
    projects.add(id);
    granted = granted.plus(b.grant);
    files.add(lb.file);
  }
  return { files: [...files], projects, granted };
}

export function changesBetween(base: RunView, other: RunView): Change[] {
  const ids = [...new Set([...base.projects.keys(), ...other.projects.keys()])];
  const changes: Change[] = [];
  for (const id of ids) {
    const a = base.projects.get(id);
    const b = other.projects.get(id);
    const from: Decimal = a?.grant ?? ZERO;
    const to: Decimal = b?.grant ?? ZERO;
    if (from.eq(to)) continue;
    const kind = from.isZero() ? 'enters' : to.isZero() ? 'leaves' : to.gt(from) ? 'gains' : 'loses';
    const p = (b ?? a)!;
    changes.push({ projectId: id, projectName: p.projectName, companyName: p.companyName, measure: p.measure, score: p.score, from, to, kind, bindingFrom: a?.binding ?? '', bindingTo: b?.binding ?? '' });
  }
  return changes.sort((x, y) => y.to.minus(y.from).abs().comparedTo(x.to.minus(x.from).abs()) || (x.projectId < y.projectId ? -1 : 1));
}

export async function runCompare(options: CompareOptions): Promise<CompareOutcome> {
  if (options.inputs.length < 2) throw new InputError([{ file: 'compare', expected: 'at least two scenarios or run folders', found: `${options.inputs.length}` }]);
  const runs: RunView[] = [];
  for (const input of options.inputs) runs.push(await readRun(input));
  // Labels must tell runs apart.
  const seen = new Map<string, number>();
  const labelled = runs.map((r) => {
    const k = (seen.get(r.label) ?? 0) + 1;
    seen.set(r.label, k);
    return k > 1 ? { ...r, label: `${r.label} (${k})` } : r;
  });
  const base = labelled[0]!;
  const others = labelled.slice(1);
  const fieldDiffs = others.map((o) =>
    [...new Set([...Object.keys(base.fields), ...Object.keys(o.fields)])]
      .filter((f) => (base.fields[f] ?? '') !== (o.fields[f] ?? ''))
      .map((field) => ({ field, from: base.fields[field] ?? '', to: o.fields[field] ?? '' })),
  );
  // What both held fixed has the same grant in both, so no change lists it; it is counted apart.
  const fixed = others.map((o) => fixedBetween(base, o));
  const changes = others.map((o) => changesBetween(base, o));
  const files = writeOutputsAtomically(options.out, [
    { name: 'compare.csv', content: compareCsv(labelled) },
    { name: 'compare.html', content: compareHtml(labelled, fieldDiffs, changes, fixed) },
  ]);
  const lines = others.map((o, i) => {
    const c = changes[i]!;
    const count = (k: Change['kind']) => c.filter((x) => x.kind === k).length;
    const diffs = fieldDiffs[i]!.map((d) => fieldName(words('zh').compare, d.field)).join('、') || '无';
    const f = fixed[i]!;
    const held = f.projects.size ? `；共同锁定的前批次 ${f.projects.size} 项 ${fmtYuanHuman(f.granted)} 不变，不计入比较` : '';
    return `${o.label} 对比 ${base.label}：不同设置 ${diffs}；新增资助 ${count('enters')} 项，取消 ${count('leaves')} 项，增加 ${count('gains')} 项，减少 ${count('loses')} 项${held}`;
  });
  return { runs: labelled, changes, fieldDiffs, fixed, files, text: [...lines, `输出：${files.join('，')}`].join('\n') };
}
