/**
 * Why a project got what it got: its entitlement and how the policy produced it, then
 * what cut it below that, with the numbers. Built from the allocation's own provenance
 * (ceilings, the limit that stopped it, the funding line), never re-derived.
 */
import { ZERO, floorTo, fmtYuanHuman as y } from '../money.js';
import type { Allocation, Line } from '../model/allocate.js';
import type { Policy } from '../model/policy.js';
import type { Scenario } from '../model/scenario.js';
import { BINDING_EN, BINDING_ZH, limitLabel } from './labels.js';

export interface Explanation {
  readonly projectId: string;
  /** The full explanation, a line per step. */
  readonly zh: readonly string[];
  readonly en: readonly string[];
  /** The one-line form for allocations.csv. */
  readonly oneLine: { readonly zh: string; readonly en: string };
}

export interface ExplainContext {
  readonly allocation: Allocation;
  readonly scenario: Scenario;
  readonly policy: Policy;
  /** The score at which the total budget ran out, if it did. */
  readonly fundingLine: number | null;
}

const fmtScore = (x: number) => (Math.round(x * 100) / 100).toString();

/** Explanations for every line, in order. */
export function explainAll(ctx: ExplainContext): Explanation[] {
  const measures = new Map(ctx.policy.measures.map((m) => [m.id, m]));
  const limitIndex = new Map(ctx.allocation.limits.map((l, k) => [l.id, k]));
  const lineOfCandidate: Line[] = [];
  for (const line of ctx.allocation.lines) if (line.candidate >= 0) lineOfCandidate[line.candidate] = line;
  return ctx.allocation.lines.map((line) => explain(line, ctx, measures, limitIndex, lineOfCandidate));
}

function explain(
  line: Line,
  ctx: ExplainContext,
  measures: ReadonlyMap<string, Policy['measures'][number]>,
  limitIndex: ReadonlyMap<string, number>,
  lineOfCandidate: readonly Line[],
): Explanation {
  const { app, measure, entitlement, grant, binding } = line;
  const { scenario, allocation } = ctx;
  const head = {
    zh: `${app.projectId} ${app.projectName}（${app.companyName}）· ${measure.clause}${measure.name.zh} · 评审得分 ${app.score.toString()}`,
    en: `${app.projectId} ${app.projectName} (${app.companyName}) · ${measure.clause} ${measure.name.en} · score ${app.score.toString()}`,
  };
  if (binding === 'ineligible') {
    const zh = `不予资助：申报年度 ${app.year} 不是本次资助年度 ${scenario.year}`;
    const en = `Nothing: applied for ${app.year}, this allocation is for ${scenario.year}`;
    return { projectId: app.projectId, zh: [head.zh, zh], en: [head.en, en], oneLine: { zh, en } };
  }
  if (binding === 'below_min_score') {
    const zh = `不予资助：评审得分 ${app.score.toString()} 低于最低分 ${scenario.minScore?.toString() ?? ''}`;
    const en = `Nothing: score ${app.score.toString()} is below the minimum ${scenario.minScore?.toString() ?? ''}`;
    return { projectId: app.projectId, zh: [head.zh, zh], en: [head.en, en], oneLine: { zh, en } };
  }
  const ent = entitlement!;
  const texts = ent.ceilings.map((c) => c.text());
  const chosen = ent.ceilings.indexOf(ent.ceiling);
  const zh = [head.zh, `政策上限：${texts.map((t, i) => (i === chosen ? `【${t.zh}】` : t.zh)).join('；')}`];
  const en = [head.en, `Policy ceilings: ${texts.map((t, i) => (i === chosen ? `[${t.en}]` : t.en)).join('; ')}`];
  const others = ent.ceilings.filter((c) => c !== ent.ceiling && c.amount.gt(ent.ceiling.amount));
  zh.push(
    `按政策可得 ${y(ent.amount)}（${BINDING_ZH[ent.binding]}${others.length ? `，低于${others.map((c) => `${BINDING_ZH[c.rule]} ${y(c.amount)}`).join('、')}` : ''}）`,
  );
  en.push(
    `Entitled to ${y(ent.amount)} (${BINDING_EN[ent.binding]}${others.length ? `, below ${others.map((c) => `${BINDING_EN[c.rule]} ${y(c.amount)}`).join(', ')}` : ''})`,
  );
  const unit = floorTo(ent.amount, scenario.granularity);
  let cutZh = '';
  let cutEn = '';
  if (line.limitId === null) {
    if (unit.lt(ent.amount)) {
      cutZh = `资助 ${y(grant)}：按 ${y(scenario.granularity)} 取整`;
      cutEn = `Granted ${y(grant)}: rounded down to whole ${y(scenario.granularity)}`;
    } else {
      cutZh = `资助 ${y(grant)}，即按政策可得的全额`;
      cutEn = `Granted ${y(grant)}, the full entitlement`;
    }
  } else {
    const k = limitIndex.get(line.limitId)!;
    const l = allocation.limits[k]!;
    const used = allocation.limitTotals[k]!;
    const labelZh = limitLabel(l, measures, 'zh');
    const labelEn = limitLabel(l, measures, 'en');
    const short = `资助 ${y(grant)}，比按政策可得少 ${y(ent.amount.minus(grant))}`;
    const shortEn = `Granted ${y(grant)}, ${y(ent.amount.minus(grant))} below the entitlement`;
    if (l.kind === 'company_measure' || l.kind === 'company_annual') {
      const mates = l.members.map((i) => lineOfCandidate[i]!).filter((o) => o !== line && o.grant.gt(0));
      const othersTotal = mates.reduce((s, o) => s.plus(o.grant), ZERO);
      const list = mates.slice(0, 8).map((o) => `${o.app.projectId} ${y(o.grant)}`).join('、') + (mates.length > 8 ? ` 等${mates.length}项` : '');
      const listEn = mates.slice(0, 8).map((o) => `${o.app.projectId} ${y(o.grant)}`).join(', ') + (mates.length > 8 ? ` and ${mates.length - 8} more` : '');
      cutZh = `${short}：${labelZh} ${y(l.amount)} 已用 ${y(used)}，该企业其他项目已获 ${y(othersTotal)}${list ? `（${list}）` : ''}`;
      cutEn = `${shortEn}: ${labelEn} ${y(l.amount)}, used ${y(used)}; the company's other grants total ${y(othersTotal)}${listEn ? ` (${listEn})` : ''}`;
    } else if (l.kind === 'measure_max') {
      cutZh = `${short}：${labelZh} ${y(l.amount)} 已用 ${y(used)}`;
      cutEn = `${shortEn}: ${labelEn} ${y(l.amount)}, used ${y(used)}`;
    } else {
      const score = app.score.toNumber();
      const line_ = ctx.fundingLine;
      const gapZh = line_ === null ? '' : `；资助线 ${fmtScore(line_)} 分，本项目 ${app.score.toString()} 分${score < line_ ? `（低 ${fmtScore(line_ - score)} 分）` : ''}`;
      const gapEn = line_ === null ? '' : `; the funding line is at score ${fmtScore(line_)}, this project scored ${app.score.toString()}${score < line_ ? ` (${fmtScore(line_ - score)} below)` : ''}`;
      cutZh = `${short}：总预算 ${y(l.amount)} 已用 ${y(used)}${gapZh}`;
      cutEn = `${shortEn}: the total budget ${y(l.amount)} is used (${y(used)})${gapEn}`;
    }
  }
  zh.push(cutZh);
  en.push(cutEn);
  const oneLine =
    line.limitId === null
      ? { zh: `${texts[chosen]!.zh}${unit.lt(ent.amount) ? `；按${y(scenario.granularity)}取整` : ''}`, en: `${texts[chosen]!.en}${unit.lt(ent.amount) ? `; rounded to whole ${y(scenario.granularity)}` : ''}` }
      : { zh: cutZh, en: cutEn };
  return { projectId: app.projectId, zh, en, oneLine };
}
