/** A seeded xorshift32: `rnd(n)` an integer in [0, n), the same sequence for the same seed. */
export function seeded(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
