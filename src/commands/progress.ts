/** What long integer searches print while they run: how long so far, and how the current search stands. */
import type { MipProgress } from '../solver/select.js';

/** The first line once the integer searches have run this many seconds together, then one every `EVERY_SECONDS`. */
export const FIRST_SECONDS = 10;
export const EVERY_SECONDS = 30;

/**
 * A listener for HiGHS's progress reports that writes a line (through `write`) once integer
 * searches have run FIRST_SECONDS since its first report (a solve is often several searches: the
 * allocation, the tie rule, the re-solves), and again every EVERY_SECONDS; the first line says how
 * `--time-limit` stops a search, unless `timeLimited` (one is set). `now` gives milliseconds (a
 * clock for tests).
 */
export function mipProgressLines(lang: 'zh' | 'en', write: (line: string) => void, { timeLimited = false, now = () => performance.now() }: { readonly timeLimited?: boolean; readonly now?: () => number } = {}): (progress: MipProgress) => void {
  let start: number | null = null;
  let next = FIRST_SECONDS;
  let hinted = timeLimited;
  return (p) => {
    start ??= now() - p.seconds * 1000;
    const elapsed = (now() - start) / 1000;
    if (elapsed < next) return;
    next = elapsed + EVERY_SECONDS;
    const total = Math.floor(elapsed);
    const current = Math.floor(p.seconds);
    const gap = p.gap === null ? null : `${(p.gap * 100).toFixed(2)}%`;
    const zh = p.found ? `已找到满足全部规则的分配${gap === null ? '' : `，与其上界相差 ${gap}`}` : '尚未找到满足全部规则的分配';
    const en = p.found ? `an allocation meeting every rule found${gap === null ? '' : `, ${gap} from its bound`}` : 'no allocation meeting every rule found yet';
    let line = lang === 'zh' ? `整数模型求解中：已用 ${total} 秒（本次搜索 ${current} 秒，${zh}）` : `solving the integer model: ${total} s (this search ${current} s, ${en})`;
    if (!hinted) {
      hinted = true;
      line += lang === 'zh' ? '；可用 --time-limit 秒数 限定每次搜索的时长，到时写出找到的最好分配及其差距' : '; --time-limit SECONDS stops each search then and writes the best allocation found, with its gap';
    }
    write(line + '\n');
  };
}
