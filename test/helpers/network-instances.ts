/**
 * Random LPs of the allocation model's shape, seeded, for the network simplex's tests
 * (test/network.test.ts, test/network-parametric.test.ts).
 */
import { mulberry32 } from '../../scripts/synthetic.js';
import type { Column, LinearProgram, Row } from '../../src/solver/types.js';

export interface Instance {
  readonly lp: LinearProgram;
  readonly secondary: Float64Array;
  /** A floor was set above what the budget allows (then it is infeasible). */
  readonly overFloored: boolean;
}

/**
 * Companies with 1–6 columns each in 1–4 measures; company-annual rows, some company-per-measure
 * rows, measure ceilings, some measure floors (separate rows: identical column sets), a budget.
 * Amounts in 万元 with up to 4 decimals, scores with one decimal and many ties.
 * `distinct`: scores with 4 decimals and no ties (for unique duals); `hostile`: also fixed
 * columns, positive lower bounds, rows with both bounds, zero ceilings, duplicated rows;
 * `zeroLower`: every row without a floor gets lower 0 (the same LP, but a row can now be at its
 * lower bound: artificial arcs start in the tree with zero flow); `fixedRows`: some
 * company-per-measure rows fixed (lower = upper, at a value the caps allow); `tight`: floors
 * equal to the measure's caps and a budget that allows them (degenerate optima where the start's
 * artificial arcs can end in the tree with zero flow).
 */
export function randomInstance(seed: number, columns: number, opts: { distinct?: boolean; hostile?: boolean; infeasible?: boolean; zeroLower?: boolean; fixedRows?: boolean; tight?: boolean } = {}): Instance {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const decimals = [0, 1, 2, 4][int(0, 3)]!;
  const amount = (x: number, d = decimals) => Math.round(x * 10 ** d) / 10 ** d;
  const measures = columns > 400 ? Math.max(4, Math.round(columns / 500)) : int(1, 4);
  const cols: { company: number; measure: number; upper: number; lower: number; score: number }[] = [];
  let company = 0;
  while (cols.length < columns) {
    const own = Array.from({ length: int(1, Math.min(4, measures)) }, () => int(0, measures - 1));
    const k = Math.min(int(1, 6), columns - cols.length);
    for (let i = 0; i < k; i++) {
      const upper = amount(rand() < 0.1 ? rand() * 5 : 1 + rand() * 499);
      let lower = 0;
      if (opts.hostile && rand() < 0.05) lower = upper; // fixed
      else if (opts.hostile && rand() < 0.05) lower = amount(upper * rand() * 0.3);
      const score = opts.distinct ? Math.round((60 + rand() * 40) * 1e4) / 1e4 : (600 + int(0, 40)) / 10;
      cols.push({ company, measure: own[int(0, own.length - 1)]!, upper, lower, score });
    }
    company++;
  }
  const n = cols.length;
  const sum = (js: number[]) => js.reduce((s, j) => s + cols[j]!.upper, 0);
  const rows: Row[] = [];
  const terms = (js: number[]) => js.map((j) => [j, 1] as const);
  // A ceiling: a fraction of its columns' caps (`tight`: all of them, exactly).
  const ceiling = (js: number[], lo: number, span: number) => (opts.tight ? amount(sum(js)) : amount(sum(js) * (lo + rand() * span)));
  const byCompany = new Map<number, number[]>();
  const byMeasure = new Map<number, number[]>();
  const byPair = new Map<string, number[]>();
  const add = <K>(map: Map<K, number[]>, key: K, j: number) => {
    const list = map.get(key);
    if (list) list.push(j);
    else map.set(key, [j]);
  };
  cols.forEach((c, j) => {
    add(byCompany, c.company, j);
    add(byMeasure, c.measure, j);
    add(byPair, `${c.company}/${c.measure}`, j);
  });
  // Large instances: fewer company rows (~3,200 rows at 20,000 columns, as the model's LPs).
  const pCompany = columns > 400 ? 0.33 : 0.6;
  const pPair = columns > 400 ? 0.12 : 0.3;
  for (const js of byCompany.values()) {
    if (rand() < pCompany) rows.push({ terms: terms(js), lower: null, upper: ceiling(js, 0.2, 0.9) });
    if (opts.hostile && rand() < 0.03) rows.push({ terms: terms(js), lower: null, upper: amount(sum(js) * rand()) });
  }
  for (const js of byPair.values()) if (rand() < pPair) rows.push({ terms: terms(js), lower: null, upper: ceiling(js, 0.2, 0.9) });
  const total = sum(cols.map((_, j) => j));
  const budget = opts.tight ? amount(total) : amount(total * (0.1 + rand() * 0.8));
  let floors = 0;
  for (const js of byMeasure.values()) {
    const t = sum(js);
    if (rand() < 0.8) rows.push({ terms: terms(js), lower: null, upper: opts.hostile && rand() < 0.05 ? 0 : ceiling(js, 0.2, 0.8) });
    if (rand() < 0.3 || opts.infeasible || opts.tight) {
      const floor = opts.tight && rand() < 0.7 ? amount(t) : amount(Math.min(t, opts.infeasible ? budget : t * rand() * 0.3));
      floors += floor;
      rows.push({ terms: terms(js), lower: floor, upper: opts.hostile && rand() < 0.2 ? amount(floor + t * rand()) : null });
    }
  }
  rows.push({ terms: terms(cols.map((_, j) => j)), lower: null, upper: budget });
  if (opts.fixedRows) {
    for (const js of byPair.values()) {
      if (rand() < 0.2) {
        const v = amount(sum(js) * rand() * 0.2);
        rows.push({ terms: terms(js), lower: v, upper: v });
      }
    }
  }
  if (opts.zeroLower) for (let i = 0; i < rows.length; i++) if (rows[i]!.lower === null) rows[i] = { ...rows[i]!, lower: 0 };
  // Shuffle the rows (families and identical-set chains must not depend on the order).
  for (let i = rows.length - 1; i > 0; i--) {
    const k = int(0, i);
    [rows[i], rows[k]] = [rows[k]!, rows[i]!];
  }
  const sense: 'max' | 'min' = rand() < 0.15 ? 'min' : 'max';
  const columnsOut: Column[] = cols.map((c) => ({ lower: c.lower, upper: c.upper, cost: c.score }));
  // Secondary: a priority order (distinct integers), as the tie rule of the model.
  const order = Array.from({ length: n }, (_, j) => j);
  for (let i = n - 1; i > 0; i--) {
    const k = int(0, i);
    [order[i], order[k]] = [order[k]!, order[i]!];
  }
  const secondary = new Float64Array(n);
  order.forEach((j, p) => (secondary[j] = n - p));
  return { lp: { sense, columns: columnsOut, rows }, secondary, overFloored: floors > budget };
}
