/**
 * An independent, exact reference for fundplan's allocation LP, used only by tests.
 *
 * The LP is a min-cost flow problem:
 *
 *   source → budget node            cap = budget
 *   budget node → measure m         cap = measure max (or unlimited)
 *   measure m → application i       cap = cap_i, cost = −score10_i
 *   application i → group (m, c)    unlimited
 *   group (m, c) → company c        cap = company-measure cap (or unlimited)
 *   company c → sink                cap = companyAnnualCap (or unlimited)
 *
 * Solved by successive shortest paths (SPFA, since costs are negative) in integer
 * arithmetic: capacities are bigint, costs are small safe integers. Augmentation stops
 * when the cheapest source→sink path costs ≥ 0 (money that adds no score is not given).
 *
 * Deliberately imports nothing from `src/`: it is the independent check.
 */

export interface RefApp {
  /** Most the application may get, in yuan. */
  readonly cap: bigint;
  /** Score × 10 (scores carry at most one decimal). */
  readonly score10: bigint;
  readonly measure: string;
  readonly company: string;
}

export interface RefInstance {
  readonly apps: readonly RefApp[];
  readonly budget: bigint;
  /** Key `${measure}\u0000${company}` → Σ grants of that company under that measure ≤ amount. */
  readonly companyMeasureCaps: ReadonlyMap<string, bigint>;
  /** Σ grants of one company over all measures ≤ amount. */
  readonly companyAnnualCap?: bigint | undefined;
  /** Measure id → Σ grants under that measure ≤ amount. */
  readonly measureMax: ReadonlyMap<string, bigint>;
}

export interface RefResult {
  /** Σ score10 × grant (yuan · points · 10). */
  readonly objective10: bigint;
  /** Grant per application, same order as `inst.apps`. */
  readonly grants: bigint[];
  /** Number of augmenting paths used (for curiosity and loop guards). */
  readonly augmentations: number;
}

export const groupKey = (measure: string, company: string): string => `${measure}\u0000${company}`;

interface Edge {
  readonly to: number;
  /** Residual capacity. */
  cap: bigint;
  readonly cost: number;
  /** Index of the reverse edge in `edges`. */
  readonly rev: number;
}

class FlowGraph {
  readonly edges: Edge[] = [];
  readonly adj: number[][] = [];

  node(): number {
    this.adj.push([]);
    return this.adj.length - 1;
  }

  /** Adds from→to and its residual twin; returns the forward edge's index. */
  arc(from: number, to: number, cap: bigint, cost: number): number {
    if (cap < 0n) throw new Error(`negative capacity ${cap}`);
    const e = this.edges.length;
    this.edges.push({ to, cap, cost, rev: e + 1 });
    this.edges.push({ to: from, cap: 0n, cost: -cost, rev: e });
    this.adj[from]!.push(e);
    this.adj[to]!.push(e + 1);
    return e;
  }

  /**
   * Shortest (cheapest) path distances from `s` in the residual graph by SPFA.
   * Returns the edge used to reach each node, or -1.
   */
  shortest(s: number): { dist: number[]; via: number[] } {
    const n = this.adj.length;
    const dist = new Array<number>(n).fill(Infinity);
    const via = new Array<number>(n).fill(-1);
    const inQueue = new Array<boolean>(n).fill(false);
    const relaxCount = new Array<number>(n).fill(0);
    const queue: number[] = [s];
    dist[s] = 0;
    inQueue[s] = true;
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head]!;
      inQueue[u] = false;
      for (const e of this.adj[u]!) {
        const edge = this.edges[e]!;
        if (edge.cap <= 0n) continue;
        const d = dist[u]! + edge.cost;
        if (d < dist[edge.to]!) {
          dist[edge.to] = d;
          via[edge.to] = e;
          if (!inQueue[edge.to]) {
            if (++relaxCount[edge.to]! > n) throw new Error('negative cycle in the residual graph (reference bug)');
            inQueue[edge.to] = true;
            queue.push(edge.to);
          }
        }
      }
    }
    return { dist, via };
  }
}

export function referenceOptimum(inst: RefInstance): RefResult {
  const { apps } = inst;
  for (const a of apps) {
    if (a.cap < 0n) throw new Error('application cap < 0');
    if (a.score10 < 0n) throw new Error('score < 0');
    if (a.score10 > BigInt(Number.MAX_SAFE_INTEGER) / 1_000_000n) throw new Error('score too large for safe-integer path costs');
  }
  if (inst.budget < 0n) throw new Error('budget < 0');
  // "Unlimited": more than every application together could ever carry.
  const INF = apps.reduce((s, a) => s + a.cap, 0n) + 1n;

  const g = new FlowGraph();
  const source = g.node();
  const sink = g.node();
  const budgetNode = g.node();
  g.arc(source, budgetNode, inst.budget, 0);

  const measureNodes = new Map<string, number>();
  const groupNodes = new Map<string, number>();
  const companyNodes = new Map<string, number>();
  const measureNode = (m: string): number => {
    let v = measureNodes.get(m);
    if (v === undefined) {
      v = g.node();
      measureNodes.set(m, v);
      g.arc(budgetNode, v, inst.measureMax.get(m) ?? INF, 0);
    }
    return v;
  };
  const companyNode = (c: string): number => {
    let v = companyNodes.get(c);
    if (v === undefined) {
      v = g.node();
      companyNodes.set(c, v);
      g.arc(v, sink, inst.companyAnnualCap ?? INF, 0);
    }
    return v;
  };
  const groupNode = (m: string, c: string): number => {
    const key = groupKey(m, c);
    let v = groupNodes.get(key);
    if (v === undefined) {
      v = g.node();
      groupNodes.set(key, v);
      g.arc(v, companyNode(c), inst.companyMeasureCaps.get(key) ?? INF, 0);
    }
    return v;
  };

  const appArcs = apps.map((a) => {
    const m = measureNode(a.measure);
    const grp = groupNode(a.measure, a.company);
    const v = g.node();
    const e = g.arc(m, v, a.cap, -Number(a.score10));
    g.arc(v, grp, INF, 0);
    return e;
  });

  let augmentations = 0;
  // Each augmentation saturates an arc or exhausts the budget; the guard only catches a bug.
  const guard = 100_000 + 100 * g.edges.length * g.edges.length;
  for (;;) {
    const { dist, via } = g.shortest(source);
    if (!(dist[sink]! < 0)) break; // unreachable, or the cheapest path adds no score
    let bottleneck: bigint | null = null;
    for (let v = sink; v !== source; ) {
      const e = g.edges[via[v]!]!;
      if (bottleneck === null || e.cap < bottleneck) bottleneck = e.cap;
      v = g.edges[e.rev]!.to;
    }
    if (bottleneck === null || bottleneck <= 0n) throw new Error('zero bottleneck (reference bug)');
    for (let v = sink; v !== source; ) {
      const idx = via[v]!;
      const e = g.edges[idx]!;
      e.cap -= bottleneck;
      g.edges[e.rev]!.cap += bottleneck;
      v = g.edges[e.rev]!.to;
    }
    if (++augmentations > guard) throw new Error('too many augmentations (reference bug)');
  }

  const grants = appArcs.map((e) => g.edges[g.edges[e]!.rev]!.cap); // flow = residual of the twin
  const objective10 = grants.reduce((s, x, i) => s + x * apps[i]!.score10, 0n);
  return { objective10, grants, augmentations };
}

/** Every limit violated by `grants`, in words (empty when feasible). Exact, bigint. */
export function limitViolations(inst: RefInstance, grants: readonly bigint[]): string[] {
  const out: string[] = [];
  if (grants.length !== inst.apps.length) return [`${grants.length} grants for ${inst.apps.length} applications`];
  const byMeasure = new Map<string, bigint>();
  const byGroup = new Map<string, bigint>();
  const byCompany = new Map<string, bigint>();
  const add = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v);
  let total = 0n;
  inst.apps.forEach((a, i) => {
    const x = grants[i]!;
    if (x < 0n) out.push(`app ${i}: grant ${x} < 0`);
    if (x > a.cap) out.push(`app ${i}: grant ${x} > cap ${a.cap}`);
    add(byMeasure, a.measure, x);
    add(byGroup, groupKey(a.measure, a.company), x);
    add(byCompany, a.company, x);
    total += x;
  });
  if (total > inst.budget) out.push(`budget: Σ ${total} > ${inst.budget}`);
  for (const [m, s] of byMeasure) {
    const max = inst.measureMax.get(m);
    if (max !== undefined && s > max) out.push(`measure ${m}: Σ ${s} > max ${max}`);
  }
  for (const [k, s] of byGroup) {
    const cap = inst.companyMeasureCaps.get(k);
    if (cap !== undefined && s > cap) out.push(`company-measure ${k.replace('\u0000', '/')}: Σ ${s} > cap ${cap}`);
  }
  if (inst.companyAnnualCap !== undefined) {
    for (const [c, s] of byCompany) {
      if (s > inst.companyAnnualCap) out.push(`company ${c}: Σ ${s} > annual cap ${inst.companyAnnualCap}`);
    }
  }
  return out;
}
