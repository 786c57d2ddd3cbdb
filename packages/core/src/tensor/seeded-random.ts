/** Seeded pseudo-random numbers: the same sequence on every platform (random-init, bench inputs, tests). */
/** Bound once: a `Math.imul` looked up per call runs ~40x slower inside jest's vm sandbox. */
const imul = Math.imul;

/** mulberry32: small, fast, and the same sequence on every platform for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
