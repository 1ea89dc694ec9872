/** allocations.csv: one row per application, amounts in yuan with 2 decimals, a reason per grant, its batch. */
import type { Allocation } from '../model/types.js';
import { BINDING_ZH } from './labels.js';
import { yuanText } from './fen.js';
import { Coder, ProjectColumns, type TextColumn, type TextTable } from './text-table.js';

export { ALLOCATION_COLUMNS, type AllocationColumn } from './allocation-columns.js';

/** Which batch each grant belongs to: the earlier batch that locked it, else this run's. */
export interface BatchNumbers {
  /** This run's batch: 1 without earlier batches. */
  readonly current: number;
  /** The batch of each locked project, by project id. */
  readonly of: ReadonlyMap<string, number>;
}

export function batchOf(b: BatchNumbers, projectId: string): number {
  // A first batch has no earlier ones: no lookup of the id.
  return b.of.size === 0 ? b.current : (b.of.get(projectId) ?? b.current);
}

/**
 * allocations.csv's rows as a table (`TextTable`, ALLOCATION_COLUMNS order; `tableRows` makes the
 * rows), one row per application, `notes` the one-line explanations in the same order; coded: the
 * district, the measure's id, name and clause, the year, the score, the batch, the binding in both
 * languages.
 */
export function allocationTable(allocation: Allocation, notes: readonly string[], batches: BatchNumbers): TextTable {
  const { lines } = allocation;
  const n = lines.length;
  const text = (): string[] => new Array<string>(n);
  const project = new ProjectColumns(n);
  const [requested, entitlement, grant] = [text(), text(), text()];
  const district = new Coder<string>(n);
  const measure = new Coder<Allocation['lines'][number]['measure']>(n);
  const year = new Coder<number>(n);
  const score = new Coder<string>(n);
  const batch = new Coder<number>(n);
  const binding = new Coder<Allocation['lines'][number]['binding']>(n);
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    const a = line.app;
    project.put(i, a);
    district.put(i, a.district);
    measure.put(i, line.measure);
    year.put(i, a.year);
    score.put(i, a.score.toString());
    requested[i] = a.requested ? yuanText(a.requested) : '';
    entitlement[i] = line.entitlement ? yuanText(line.entitlement.amount) : '';
    grant[i] = yuanText(line.grant);
    batch.put(i, batchOf(batches, a.projectId));
    binding.put(i, line.binding);
  }
  const columns: TextColumn[] = [
    ...project.columns(), district.column((d) => d),
    measure.column((m) => m.id), measure.column((m) => m.name.zh), measure.column((m) => m.clause),
    year.column(String), score.column((s) => s), { values: requested }, { values: entitlement }, { values: grant }, batch.column(String),
    binding.column((b) => b), binding.column((b) => BINDING_ZH[b]), { values: notes },
  ];
  return { length: n, columns };
}
