/**
 * Words of the what-if page beside the report's (report/i18n): a decision of the applications
 * file taken back on the page.
 */
import type { Lang } from '../report/i18n/index.js';

export const decisionWords: Record<Lang, { readonly asFiled: string; readonly clear: string; readonly cleared: string }> = {
  zh: { asFiled: '按申报表', clear: '不作决定', cleared: '取消申报表的决定' },
  en: { asFiled: 'as filed', clear: 'no decision', cleared: 'filed decision cleared' },
};
