/** Labels for what set a grant and for a limit, from the words of each language (i18n). */
import type { Binding } from '../model/types.js';
import type { Limit } from '../model/limits.js';
import type { Measure } from '../model/policy.js';
import { words, type Lang } from './i18n/index.js';

export const BINDING_ZH: Readonly<Record<Binding, string>> = words('zh').binding;
export const BINDING_EN: Readonly<Record<Binding, string>> = words('en').binding;

/** "（五）P05-ROLLOUT 每家每年限额 · 91440300…", "（十一）P11-RETROFIT 类别预算上限", "总预算". */
export function limitLabel(l: Limit, measures: ReadonlyMap<string, Measure>, lang: Lang = 'zh'): string {
  const measureId = l.kind === 'company_measure' ? l.id.split(':')[1]! : l.kind.startsWith('measure') ? l.subject : '';
  const m = measures.get(measureId);
  const where = m ? `${m.clause}${m.id} ` : '';
  const who = l.kind.startsWith('company') || l.kind.startsWith('district') || l.kind === 'joint_cap' ? ` · ${l.subject}` : '';
  // A joint cap names its clause and id (its measures are several).
  const source = l.kind === 'joint_cap' ? `${l.source} ` : '';
  return `${where}${source}${words(lang).limitKind[l.kind]}${who}`;
}
