/**
 * 按比例核减: every eligible application receives the same share of its entitlement, as
 * large as the limits allow; where a limit stops some applications, the others keep rising
 * (lexicographic max-min of the funded share).
 *
 * The successive LPs of the max-min have one variable each: "maximise t such that every
 * application still rising gets rate × t × entitlement and those stopped keep what they
 * have". Every limit is a ceiling Σ grants ≤ L, so each LP's optimum is the least of
 * (L − what stopped members hold) / Σ rate × entitlement of rising members, over the limits,
 * and 1 / rate (the full entitlement), over the rising applications. That is computed
 * here exactly in Decimal, round by round; the applications of the limits (or entitlements)
 * that attain it stop at that share, the others keep rising.
 *
 * `proportional`: rate 1. `proportional-by-score`: rate = the weight of the score band, so a
 * project in the 0.8 band gets 0.8 of the common share. Measure weights multiply the rate.
 * Rounding: each grant is rounded down to the granularity (never up, so no limit breaks;
 * what rounding leaves over is not handed out, so equal shares stay equal).
 * Forced applications get their entitlement first; excluded ones nothing.
 */
import type { Decimal } from 'decimal.js';
import { D, ZERO, fmtYuanHuman } from '../money.js';
import { InfeasibleError, InternalError } from '../errors.js';
import type { Application } from './application.js';
import { proportionalIssues } from './check.js';
import { finishAllocation, specificityOrder } from './finish.js';
import { decisionCounts } from './rules.js';
import type { Scenario } from './scenario.js';
import { LIMIT_BINDING, type Allocation, type CandidateOutcome, type Prepared } from './types.js';
import { baseScore } from './weights.js';

/** The rate of an application's share: its score band's weight (by-score) times its measure's weight. */
export function shareRate(a: Application, s: Scenario): Decimal {
  let r = new D(1);
  if (s.objective === 'proportional-by-score') {
    const band = s.scoreBands?.find((b) => baseScore(a, s).gte(b.min));
    r = band ? band.weight : ZERO;
  }
  const w = s.measureWeights?.get(a.measureId);
  return w ? r.times(w) : r;
}

export function solveProportional(p: Prepared): Allocation {
  const t0 = performance.now() - p.msBuild;
  if (proportionalIssues(p.scenario, p.limits, p.candidates).length) {
    throw new InternalError(`objective ${p.scenario.objective} with a rule it does not combine with: the scenario check (check.ts) should have stopped it`);
  }
  const { candidates, caps, limits, scenario } = p;
  const n = candidates.length;
  const rate = candidates.map((a) => shareRate(a, scenario));
  const x: (Decimal | null)[] = new Array(n).fill(null);
  const outcome: CandidateOutcome[] = new Array(n);
  const shareOf: Decimal[] = new Array(n).fill(ZERO);
  const ceilings = limits.map((_, k) => k).filter((k) => limits[k]!.sense === 'max');
  const t1 = performance.now();

  // Decisions first: excluded get nothing, forced their entitlement; then what cannot rise at all.
  candidates.forEach((a, i) => {
    if (a.decision === 'exclude') {
      x[i] = ZERO;
      outcome[i] = { binding: 'excluded', limitId: null, ruleNote: { kind: 'decision' } };
    } else if (a.decision === 'fund') {
      x[i] = caps[i]!;
      shareOf[i] = new D(1);
      outcome[i] = { binding: 'forced', limitId: null, ruleNote: { kind: 'decision' } };
    } else if (caps[i]!.isZero() || rate[i]!.isZero()) {
      x[i] = ZERO;
      outcome[i] = rate[i]!.isZero()
        ? { binding: 'proportional_share', limitId: null, ruleNote: { kind: 'no_band' } }
        : { binding: p.entitlements[i]!.binding, limitId: null };
    }
  });
  const overFull = ceilings.filter((k) => limits[k]!.members.reduce((s, i) => s.plus(x[i] ?? ZERO), ZERO).gt(limits[k]!.amount));
  if (overFull.length) {
    throw new InfeasibleError(
      'the forced grants do not fit the limits',
      overFull.map((k) => {
        const l = limits[k]!;
        const forced = l.members.filter((i) => candidates[i]!.decision === 'fund');
        const total = forced.reduce((s, i) => s.plus(caps[i]!), ZERO);
        return {
          limit: `${l.id} (${l.source})`,
          description: `forced ${forced.map((i) => `${candidates[i]!.projectId} ${fmtYuanHuman(caps[i]!)}`).join(' + ')} = ${fmtYuanHuman(total)} > ${fmtYuanHuman(l.amount)}; least change: raise it by ${fmtYuanHuman(total.minus(l.amount))} or drop a forced decision`,
        };
      }),
    );
  }

  // Progressive filling, one round per distinct share.
  const specificFirst = specificityOrder(limits);
  const stopped: { i: number; k: number; t: Decimal }[] = [];
  let t = ZERO;
  let round = 0;
  for (;;) {
    const rising = candidates.map((_, i) => i).filter((i) => x[i] === null);
    if (!rising.length) break;
    round++;
    const isRising = new Uint8Array(n);
    for (const i of rising) isRising[i] = 1;
    let best: Decimal | null = null;
    const tOf = new Map<number, Decimal>();
    for (const k of ceilings) {
      const l = limits[k]!;
      let held = ZERO;
      let slope = ZERO;
      for (const i of l.members) {
        if (isRising[i]) slope = slope.plus(rate[i]!.times(caps[i]!));
        else held = held.plus(x[i]!);
      }
      if (slope.isZero()) continue;
      const tk = D.max(ZERO, l.amount.minus(held)).div(slope);
      tOf.set(k, tk);
      if (best === null || tk.lt(best)) best = tk;
    }
    for (const i of rising) {
      const ti = new D(1).div(rate[i]!);
      if (best === null || ti.lt(best)) best = ti;
    }
    t = best!;
    // Stop everyone who has reached the entitlement, and every rising member of a limit that is full.
    for (const i of rising) {
      if (new D(1).div(rate[i]!).lte(t)) {
        x[i] = caps[i]!;
        shareOf[i] = new D(1);
        outcome[i] = { binding: p.entitlements[i]!.binding, limitId: null };
      }
    }
    const full = [...tOf].filter(([, tk]) => tk.eq(t)).map(([k]) => k);
    // The most specific full limit names the reason.
    for (const k of specificFirst(full)) {
      for (const i of limits[k]!.members) {
        if (x[i] !== null) continue;
        x[i] = rate[i]!.times(t).times(caps[i]!);
        shareOf[i] = rate[i]!.times(t);
        stopped.push({ i, k, t });
      }
    }
  }
  const last = t;
  const g = scenario.granularity;
  const grantUnits = x.map((v) => v!.div(g).floor().toNumber());
  const stoppedEarly = stopped.filter((s) => s.t.lt(last));
  for (const s of stopped) {
    const l = limits[s.k]!;
    const early = s.t.lt(last);
    outcome[s.i] = {
      binding: !early && l.kind === 'budget' ? 'proportional_share' : LIMIT_BINDING[l.kind],
      limitId: l.id,
      ruleNote: early
        ? { kind: 'share_stopped', limitAmount: l.amount, share: shareOf[s.i]!, commonShare: last }
        : { kind: 'share', commonShare: last, rate: rate[s.i]!, cap: caps[s.i]! },
    };
  }
  const t2 = performance.now();
  return finishAllocation(p, grantUnits, (c) => outcome[c]!, {
    t0,
    t1,
    t2,
    status: 'optimal',
    limitDetail: null,
    bound: null,
    stages: [],
    solver: { backend: 'exact', reason: `objective ${scenario.objective}: progressive filling in exact Decimal (${round} rounds), no LP backend needed` },
    rules: {
      objective: scenario.objective,
      model: 'proportional',
      commonShare: last.toDecimalPlaces(10).toString(),
      stoppedEarly: stoppedEarly.map((s) => ({ projectId: candidates[s.i]!.projectId, share: shareOf[s.i]!.toDecimalPlaces(10).toString(), limitId: limits[s.k]!.id })),
      ...decisionCounts(candidates),
    },
  });
}
