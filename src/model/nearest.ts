import { toHalfWidth } from '../money.js';

/** How a name compares when people type it: half-width, no spaces, any case. */
const normal = (s: string) => toHalfWidth(s).replace(/\s+/g, '').toLowerCase();

/**
 * The candidate closest to `text`, for "did you mean" hints: one that is the same name written
 * another way (full-width, spaces, case) first, then one contained in the text or containing it
 * (a clause number before a measure's name, a name cut short), then the least edit distance.
 * Ties: first listed.
 */
export function nearest(text: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestRank = Infinity;
  let bestDistance = Infinity;
  const t = normal(text);
  for (const c of candidates) {
    const n = normal(c);
    const shorter = Math.min(n.length, t.length);
    const rank = n === t ? 0 : shorter >= 2 && (t.includes(n) || n.includes(t)) ? 1 : 2;
    const d = editDistance(t, n);
    if (rank < bestRank || (rank === bestRank && d < bestDistance)) {
      bestRank = rank;
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}
