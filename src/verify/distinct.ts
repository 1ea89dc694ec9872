/**
 * Whether n texts all differ, without a Set of them: an open-addressing table of their positions
 * (a typed array of twice as many slots or more, a power of two), placed by a hash of each text's
 * characters (FNV-1a); texts whose slots meet are compared in full, so the answer is exact
 * whatever the hash does. No object per text, and the table is one allocation.
 */
export function allDistinct(n: number, textAt: (k: number) => string): boolean {
  if (n < 2) return true;
  let size = 4;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  // Position + 1 of the text in each slot; 0: empty.
  const slots = new Int32Array(size);
  for (let k = 0; k < n; k++) {
    const text = textAt(k);
    let h = 0x811c9dc5;
    for (let c = 0; c < text.length; c++) h = Math.imul(h ^ text.charCodeAt(c), 0x01000193);
    let s = h & mask;
    for (;;) {
      const at = slots[s]!;
      if (at === 0) {
        slots[s] = k + 1;
        break;
      }
      if (textAt(at - 1) === text) return false;
      s = (s + 1) & mask;
    }
  }
  return true;
}
