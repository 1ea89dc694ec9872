/** 中文：the report's words in Chinese. */
import type { Words } from './words.js';

export const zh: Words = {
  explain: {
    header: (p) => `${p.id} ${p.project}（${p.company}）· ${p.clause}${p.measure} · 评审得分 ${p.score}`,
    ineligible: (year, scenarioYear) => `不予资助：申报年度 ${year} 不是本次资助年度 ${scenarioYear}`,
    locked: (grant) => `已锁定：前一批次已确定资助 ${grant}，本次不变，并计入各项限额`,
    belowMinScore: (score, min) => `不予资助：评审得分 ${score} 低于最低分 ${min}`,

    ceiling: {
      rate: (clause, rate, base, amount) => `${clause}：${rate} × ${base} = ${amount}`,
      base: (clause, base) => `${clause}：不超过核定基数 ${base}`,
      matchingShare: (clause, share, total, upper, amount) => `${clause}：各级合计不超过总投资的${share}，${share} × ${total} − 上级 ${upper} = ${amount}`,
      matchingRatio: (clause, ratio, upper, amount) => `${clause}：按上级资助 ${upper} 的 ${ratio}:1 配套 = ${amount}`,
      matchingFallback: (clause, cap) => `${clause}：国家、省未明确资助金额，最高 ${cap}`,
      projectCap: (clause, cap) => `${clause}：单个项目最高 ${cap}`,
      requested: (amount) => `申请金额 ${amount}`,
    },
    ceilings: (texts, chosen) => `政策上限：${texts.map((t, i) => (i === chosen ? `【${t}】` : t)).join('；')}`,
    entitled: (amount, binding, above) => `按政策可得 ${amount}（${binding}${above.length ? `，低于${above.map(([label, a]) => `${label} ${a}`).join('、')}` : ''}）`,
    grantedRounded: (grant, unit) => `资助 ${grant}：按 ${unit} 取整`,
    grantedFull: (grant) => `资助 ${grant}，即按政策可得的全额`,
    fullOneLine: (ceiling, roundedTo) => `${ceiling}${roundedTo ? `；按${roundedTo}取整` : ''}`,

    short: (grant, below) => `资助 ${grant}，比按政策可得少 ${below}`,
    companyCut: (short, limit, full, used, others, shown, mates) => {
      const list = shown.join('、') + (mates > shown.length ? ` 等${mates}项` : '');
      return `${short}：${limit} ${full} 已用 ${used}，该企业其他项目已获 ${others}${list ? `（${list}）` : ''}`;
    },
    budgetLikeCut: (short, limit, full, used) => `${short}：${limit} ${full} 已用 ${used}`,
    budgetCut: (short, full, used, line) =>
      `${short}：总预算 ${full} 已用 ${used}${line ? `；资助线 ${line.fundingLine} 分，本项目 ${line.score} 分${line.below ? `（低 ${line.below} 分）` : ''}` : ''}`,

    rule: {
      excluded: (reason) => `不予资助（决定）${reason ? `：${reason}` : ''}`,
      funded: (grant, reason) => `必须资助（决定），资助 ${grant} 元${reason ? `：${reason}` : ''}`,
      exclusiveGroup: (group, fundedAs, earlier) => `同一项目（${group}）已${earlier ? '在前一批次' : ''}资助 ${fundedAs}，不重复资助（就高不就低）`,
      quota: (measureId, maxCount) => `${measureId} 资助数量已达上限 ${maxCount} 项`,
      allOrNothing: (amount, limit) => `全额或不资助：按政策可得 ${amount}${limit === null ? '，未入选（整数最优解）' : `，${limit} 余额不足`}`,
      minShare: (share, least, limit) => `最低资助比例 ${share}：至少 ${least}${limit === null ? '，未入选（整数最优解）' : `，${limit} 余额不足`}`,
      notSelected: '未入选：整数模型的最优解中未获更多资助（同等目标值）',
      noBand: '按比例核减：得分不在任何分档内，比例为 0',
      shareStopped: (limit, limitAmount, share, commonShare, grant) => `按比例核减：受 ${limit} 限制（${limitAmount}），停在按政策可得的 ${share}（共同比例 ${commonShare}），资助 ${grant}`,
      share: (commonShare, rate, cap, unit, grant) => `按比例核减：共同比例 ${commonShare}${rate === null ? '' : ` × 分档系数 ${rate}`} × 按政策可得 ${cap}，按 ${unit} 向下取整为 ${grant}`,
    },
  },
  summary: {
    tieRuleMissed: {
      too_many_decisions: (max) => `超过 ${max} 个是否资助的决策，未做同分排序求解`,
      time_limit: () => '求解因时间限制停止',
      tie_break_worse: () => '同分排序求解未成功或取整后更差',
    },
    priorityNotApplied: (rule, why) => `${rule}；整数模型中同样好的方案之间未按此顺序选择（${why}），采用 HiGHS 的解`,
  },
};
