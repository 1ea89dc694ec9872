/** English: the report's words in English. */
import type { Words } from './words.js';

export const en: Words = {
  explain: {
    header: (p) => `${p.id} ${p.project} (${p.company}) · ${p.clause} ${p.measure} · score ${p.score}`,
    ineligible: (year, scenarioYear) => `Nothing: applied for ${year}, this allocation is for ${scenarioYear}`,
    locked: (grant) => `Locked: an earlier batch granted ${grant}; kept as it is and counted against every limit`,
    belowMinScore: (score, min) => `Nothing: score ${score} is below the minimum ${min}`,

    ceiling: {
      rate: (clause, rate, base, amount) => `${clause}: ${rate} × ${base} = ${amount}`,
      base: (clause, base) => `${clause}: at most the base ${base}`,
      matchingShare: (clause, share, total, upper, amount) => `${clause}: all levels at most ${share} of investment, ${share} × ${total} − upper ${upper} = ${amount}`,
      matchingRatio: (clause, ratio, upper, amount) => `${clause}: ${ratio}:1 match of the upper-level grant ${upper} = ${amount}`,
      matchingFallback: (clause, cap) => `${clause}: no upper-level amount stated, at most ${cap}`,
      projectCap: (clause, cap) => `${clause}: at most ${cap} per project`,
      requested: (amount) => `requested ${amount}`,
    },
    ceilings: (texts, chosen) => `Policy ceilings: ${texts.map((t, i) => (i === chosen ? `[${t}]` : t)).join('; ')}`,
    entitled: (amount, binding, above) => `Entitled to ${amount} (${binding}${above.length ? `, below ${above.map(([label, a]) => `${label} ${a}`).join(', ')}` : ''})`,
    grantedRounded: (grant, unit) => `Granted ${grant}: rounded down to whole ${unit}`,
    grantedFull: (grant) => `Granted ${grant}, the full entitlement`,
    fullOneLine: (ceiling, roundedTo) => `${ceiling}${roundedTo ? `; rounded to whole ${roundedTo}` : ''}`,

    short: (grant, below) => `Granted ${grant}, ${below} below the entitlement`,
    companyCut: (short, limit, full, used, others, shown, mates) => {
      const list = shown.join(', ') + (mates > shown.length ? ` and ${mates - shown.length} more` : '');
      return `${short}: ${limit} ${full}, used ${used}; the company's other grants total ${others}${list ? ` (${list})` : ''}`;
    },
    budgetLikeCut: (short, limit, full, used) => `${short}: ${limit} ${full}, used ${used}`,
    budgetCut: (short, full, used, line) =>
      `${short}: the total budget ${full} is used (${used})${line ? `; the funding line is at score ${line.fundingLine}, this project scored ${line.score}${line.below ? ` (${line.below} below)` : ''}` : ''}`,

    rule: {
      excluded: (reason) => `Excluded by decision${reason ? `: ${reason}` : ''}`,
      funded: (grant, reason) => `Funded by decision, ¥${grant}${reason ? `: ${reason}` : ''}`,
      exclusiveGroup: (group, fundedAs, earlier) => `Its project (${group}) is funded as ${fundedAs}${earlier ? ' by an earlier batch' : ''}: no double funding`,
      quota: (measureId, maxCount) => `${measureId} already funds its maximum of ${maxCount} applications`,
      allOrNothing: (amount, limit) => `All or nothing: the entitlement ${amount}${limit === null ? ' was not selected (integer optimum)' : ` does not fit ${limit}`}`,
      minShare: (share, least, limit) => `Minimum share ${share}: at least ${least}${limit === null ? ' — not selected (integer optimum)' : `, which does not fit ${limit}`}`,
      notSelected: 'Not selected: the integer optimum gives it no more (no objective gained)',
      noBand: 'Pro-rata: the score is in no band, share 0',
      shareStopped: (limit, limitAmount, share, commonShare, grant) => `Pro-rata: stopped by ${limit} (${limitAmount}) at ${share} of the entitlement (common share ${commonShare}), granted ${grant}`,
      share: (commonShare, rate, cap, _unit, grant) => `Pro-rata: common share ${commonShare}${rate === null ? '' : ` × band weight ${rate}`} × entitlement ${cap}, rounded down to ${grant}`,
    },
  },
  summary: {
    tieRuleMissed: {
      too_many_decisions: (max) => `more than ${max} yes/no decisions`,
      time_limit: () => 'the solve stopped at the time limit',
      tie_break_worse: () => 'the tie-break solve failed or rounded worse',
    },
    priorityNotApplied: (rule, why) => `${rule}; among equally good integer allocations it was not applied (${why}): HiGHS's choice stands`,
  },
};
