/**
 * A result as the worker posts it to the page: the per-application columns (grants, what set
 * each, the decisions) joined into one string each, so the structured clone copies three strings
 * instead of three arrays of thousands; the page splits them back (`fromWire`).
 */
import type { ViewResult } from './engine.js';

type Optimal = Extract<ViewResult, { status: 'optimal' }>;
export type WireResult = Exclude<ViewResult, Optimal> | (Omit<Optimal, 'grants' | 'bindings' | 'decisions'> & { readonly columns: readonly [string, string, string] });

export function toWire(r: ViewResult): WireResult {
  if (r.status !== 'optimal') return r;
  const { grants, bindings, decisions, ...rest } = r;
  return { ...rest, columns: [grants.join('\n'), bindings.join('\n'), decisions.map((d) => d ?? '').join('\n')] };
}

export function fromWire(w: WireResult): ViewResult {
  if (w.status !== 'optimal') return w;
  const { columns, ...rest } = w;
  const split = (s: string) => (w.applications ? s.split('\n') : []);
  return { ...rest, grants: split(columns[0]), bindings: split(columns[1]), decisions: split(columns[2]).map((d) => (d === 'fund' || d === 'exclude' ? d : null)) };
}
