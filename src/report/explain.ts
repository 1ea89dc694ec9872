/**
 * Why a project got what it got: its entitlement and how the policy produced it, then
 * what cut it below that, with the numbers. Built from the allocation's own provenance
 * (ceilings, the limit that stopped it, the funding line), never re-derived.
 */
import { ZERO, floorTo, fmtYuanHuman as y } from '../money.js';
import type { Allocation, Line } from '../model/allocate.js';
import type { Measure, Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import { BINDING_EN, BINDING_ZH, limitLabel } from './labels.js';
import type { Lang } from './data.js';

export interface Explanation {
  readonly projectId: string;
  /** The full explanation, a line per step (empty when only the one-line form was asked for). */
  readonly lines: readonly string[];
  /** The one-line form, for allocations.csv. */
  readonly oneLine: string;
}

export interface ExplainContext {
  readonly allocation: Allocation;
  readonly scenario: Scenario;
  readonly policy: Policy;
  /** The score at which the total budget ran out, if it did. */
  readonly fundingLine: number | null;
}

const fmtScore = (x: number) => (Math.round(x * 100) / 100).toString();

/**
 * Explanations for every line, in order, in one language. `full` adds the step-by-step
 * lines (for `fundplan explain`); without it only the one-line forms are built.
 */
export function explainAll(ctx: ExplainContext, lang: Lang, full = false): Explanation[] {
  const measures = new Map(ctx.policy.measures.map((m) => [m.id, m]));
  const limitIndex = new Map(ctx.allocation.limits.map((l, k) => [l.id, k]));
  const lineOfCandidate: Line[] = [];
  for (const line of ctx.allocation.lines) if (line.candidate >= 0) lineOfCandidate[line.candidate] = line;
  const zh = lang === 'zh';
  // What a limit says is the same for every project it cut: formatted once per limit.
  const limitWords = new Map<number, LimitWords>();
  const wordsOf = (k: number): LimitWords => {
    let w = limitWords.get(k);
    if (!w) {
      const l = ctx.allocation.limits[k]!;
      w = { label: limitLabel(l, measures, lang), full: y(l.amount.plus(l.locked)), used: y(ctx.allocation.limitTotals[k]!.plus(l.locked)) };
      limitWords.set(k, w);
    }
    return w;
  };
  const unit = y(ctx.scenario.granularity);
  return ctx.allocation.lines.map((line) => {
    const { app, measure, entitlement, grant, binding } = line;
    const { scenario, allocation } = ctx;
    const lines: string[] = [];
    if (full) {
      lines.push(
        zh
          ? `${app.projectId} ${app.projectName}（${app.companyName}）· ${measure.clause}${measure.name.zh} · 评审得分 ${app.score.toString()}`
          : `${app.projectId} ${app.projectName} (${app.companyName}) · ${measure.clause} ${measure.name.en} · score ${app.score.toString()}`,
      );
    }
    const done = (oneLine: string): Explanation => {
      if (full) lines.push(oneLine);
      return { projectId: app.projectId, lines, oneLine };
    };
    if (binding === 'ineligible') {
      return done(zh ? `不予资助：申报年度 ${app.year} 不是本次资助年度 ${scenario.year}` : `Nothing: applied for ${app.year}, this allocation is for ${scenario.year}`);
    }
    if (binding === 'locked') {
      return done(zh ? `已锁定：前一批次已确定资助 ${y(grant)}，本次不变，并计入各项限额` : `Locked: an earlier batch granted ${y(grant)}; kept as it is and counted against every limit`);
    }
    if (binding === 'below_min_score') {
      const min = scenario.minScore?.toString() ?? '';
      return done(zh ? `不予资助：评审得分 ${app.score.toString()} 低于最低分 ${min}` : `Nothing: score ${app.score.toString()} is below the minimum ${min}`);
    }
    // Decisions, integer rules and proportional shares carry their own explanation (issue 6).
    if (line.ruleNote) return done(zh ? line.ruleNote.zh : line.ruleNote.en);
    const ent = entitlement!;
    if (full) {
      const texts = ent.ceilings.map((c) => c.text());
      const chosen = ent.ceilings.indexOf(ent.ceiling);
      const others = ent.ceilings.filter((c) => c !== ent.ceiling && c.amount.gt(ent.ceiling.amount));
      if (zh) {
        lines.push(`政策上限：${texts.map((t, i) => (i === chosen ? `【${t.zh}】` : t.zh)).join('；')}`);
        lines.push(`按政策可得 ${y(ent.amount)}（${BINDING_ZH[ent.binding]}${others.length ? `，低于${others.map((c) => `${BINDING_ZH[c.rule]} ${y(c.amount)}`).join('、')}` : ''}）`);
      } else {
        lines.push(`Policy ceilings: ${texts.map((t, i) => (i === chosen ? `[${t.en}]` : t.en)).join('; ')}`);
        lines.push(`Entitled to ${y(ent.amount)} (${BINDING_EN[ent.binding]}${others.length ? `, below ${others.map((c) => `${BINDING_EN[c.rule]} ${y(c.amount)}`).join(', ')}` : ''})`);
      }
    }
    const rounded = floorTo(ent.amount, scenario.granularity).lt(ent.amount);
    if (line.limitId === null) {
      if (full) {
        lines.push(
          rounded
            ? zh ? `资助 ${y(grant)}：按 ${unit} 取整` : `Granted ${y(grant)}: rounded down to whole ${unit}`
            : zh ? `资助 ${y(grant)}，即按政策可得的全额` : `Granted ${y(grant)}, the full entitlement`,
        );
      }
      const t = ent.ceiling.text();
      const oneLine = zh ? `${t.zh}${rounded ? `；按${unit}取整` : ''}` : `${t.en}${rounded ? `; rounded to whole ${unit}` : ''}`;
      return { projectId: app.projectId, lines, oneLine };
    }
    const k = limitIndex.get(line.limitId)!;
    return done(cutText(line, allocation, k, wordsOf(k), lineOfCandidate, ctx.fundingLine, zh));
  });
}

interface LimitWords {
  readonly label: string;
  /** The whole limit and what is used of it, formatted (locked grants included). */
  readonly full: string;
  readonly used: string;
}

function cutText(
  line: Line,
  allocation: Allocation,
  k: number,
  words: LimitWords,
  lineOfCandidate: readonly Line[],
  fundingLine: number | null,
  zh: boolean,
): string {
  const { app, grant } = line;
  const ent = line.entitlement!;
  const l = allocation.limits[k]!;
  const { label, full, used } = words;
  const short = zh ? `资助 ${y(grant)}，比按政策可得少 ${y(ent.amount.minus(grant))}` : `Granted ${y(grant)}, ${y(ent.amount.minus(grant))} below the entitlement`;
  if (l.kind === 'company_measure' || l.kind === 'company_annual') {
    const mates = l.members.map((i) => lineOfCandidate[i]!).filter((o) => o !== line && o.grant.gt(0));
    const othersTotal = mates.reduce((s, o) => s.plus(o.grant), ZERO);
    const shown = mates.slice(0, 8).map((o) => `${o.app.projectId} ${y(o.grant)}`);
    if (zh) {
      const list = shown.join('、') + (mates.length > 8 ? ` 等${mates.length}项` : '');
      return `${short}：${label} ${full} 已用 ${used}，该企业其他项目已获 ${y(othersTotal.plus(l.locked))}${list ? `（${list}）` : ''}`;
    }
    const list = shown.join(', ') + (mates.length > 8 ? ` and ${mates.length - 8} more` : '');
    return `${short}: ${label} ${full}, used ${used}; the company's other grants total ${y(othersTotal.plus(l.locked))}${list ? ` (${list})` : ''}`;
  }
  if (l.kind === 'measure_max' || l.kind === 'district_max') {
    return zh ? `${short}：${label} ${full} 已用 ${used}` : `${short}: ${label} ${full}, used ${used}`;
  }
  const score = app.score.toNumber();
  if (zh) {
    const gap = fundingLine === null ? '' : `；资助线 ${fmtScore(fundingLine)} 分，本项目 ${app.score.toString()} 分${score < fundingLine ? `（低 ${fmtScore(fundingLine - score)} 分）` : ''}`;
    return `${short}：总预算 ${full} 已用 ${used}${gap}`;
  }
  const gap =
    fundingLine === null ? '' : `; the funding line is at score ${fmtScore(fundingLine)}, this project scored ${app.score.toString()}${score < fundingLine ? ` (${fmtScore(fundingLine - score)} below)` : ''}`;
  return `${short}: the total budget ${full} is used (${used})${gap}`;
}
