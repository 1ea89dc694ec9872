/** allocations.csv: one row per application, amounts in yuan with 2 decimals, a reason per grant, its batch. */
import type { Allocation } from '../model/types.js';
import { BINDING_ZH } from './labels.js';
import { yuanText } from './fen.js';

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

/** One row per application; `notes` are the one-line explanations, in the same order. */
export function allocationRows(allocation: Allocation, notes: readonly string[], batches: BatchNumbers): string[][] {
  return allocation.lines.map((line, i) => {
    const a = line.app;
    return [
      a.projectId, a.projectName, a.companyId, a.companyName, a.district, line.measure.id, line.measure.name.zh, line.measure.clause,
      String(a.year), a.score.toString(), a.requested ? yuanText(a.requested) : '',
      line.entitlement ? yuanText(line.entitlement.amount) : '', yuanText(line.grant), String(batchOf(batches, a.projectId)), line.binding, BINDING_ZH[line.binding],
      notes[i]!,
    ];
  });
}
