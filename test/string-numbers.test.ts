/** The numbering table against a Map filled in the same order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringNumbers } from '../src/model/string-numbers.js';

/** What `StringNumbers` stands in for: each new text numbered by the count so far. */
function byMap(texts: readonly string[]): { numbers: number[]; keys: string[] } {
  const map = new Map<string, number>();
  const keys: string[] = [];
  const numbers = texts.map((t) => {
    let n = map.get(t);
    if (n === undefined) map.set(t, (n = keys.push(t) - 1));
    return n;
  });
  return { numbers, keys };
}

describe('StringNumbers', () => {
  it('numbers texts as a Map numbering them in order of first appearance does', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4, unit: fc.constantFrom('a', 'b', 'A', '中', '\uD800', '😀', ' ') }), { maxLength: 300 }), (texts) => {
        const table = new StringNumbers();
        const numbers = texts.map((t) => table.add(t));
        expect({ numbers, keys: table.keys }).toEqual(byMap(texts));
        expect(table.size).toBe(table.keys.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps its numbers through growing, for many texts with repeats', () => {
    const texts = Array.from({ length: 50_000 }, (_, i) => `9144030${(i * 7919) % 20_011}X`);
    const table = new StringNumbers();
    const numbers = texts.map((t) => table.add(t));
    expect({ numbers, keys: table.keys }).toEqual(byMap(texts));
  });
});
