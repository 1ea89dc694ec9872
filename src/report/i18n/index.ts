/**
 * The words of the report files in each language: `words(lang)`. The shape is words.ts; the
 * Chinese words are zh.ts and the English en.ts.
 */
import { en } from './en.js';
import type { Lang, Words } from './words.js';
import { zh } from './zh.js';

export type * from './words.js';

export function words(lang: Lang): Words {
  return lang === 'en' ? en : zh;
}
