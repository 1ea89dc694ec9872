/**
 * Strings numbered in order of first appearance, for a list of many (100,000 project ids or
 * company codes): what a `Map<string, number>` filled with `keys.length` does, in a table of its
 * own. A Map of that many strings compares each text it passes in a bucket with the one looked
 * up, reading strings spread over the heap; this table keeps each key's hash beside its number
 * and reads a string only where the hashes match (the same text, or rarely another).
 */
export class StringNumbers {
  /** The texts, by number. */
  readonly keys: string[] = [];
  /** Per number, its key's hash. */
  private hashes = new Int32Array(16);
  /** Open addressing, linear probing: per slot its number + 1, 0 for an empty slot; at most half full. */
  private slots = new Int32Array(32);

  /** How many texts are numbered. */
  get size(): number {
    return this.keys.length;
  }

  /** The number of `s`: its number if it has one, else the next (the size before), given to it. */
  add(s: string): number {
    const h = hashOf(s);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (;;) {
      const at = this.slots[i]!;
      if (at === 0) break;
      if (this.hashes[at - 1] === h && this.keys[at - 1] === s) return at - 1;
      i = (i + 1) & mask;
    }
    const n = this.keys.push(s) - 1;
    if (n >= this.hashes.length) {
      const more = new Int32Array(this.hashes.length * 2);
      more.set(this.hashes);
      this.hashes = more;
    }
    this.hashes[n] = h;
    this.slots[i] = n + 1;
    if (2 * (n + 1) > this.slots.length) this.grow();
    return n;
  }

  /** Twice the slots, every number placed again by its kept hash. */
  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let n = 0; n < this.keys.length; n++) {
      let i = this.hashes[n]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = n + 1;
    }
    this.slots = slots;
  }
}

/** FNV-1a over the UTF-16 units, then mixed so that the low bits (the slot) depend on every unit. */
function hashOf(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
