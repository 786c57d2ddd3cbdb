/**
 * --random-init: seeded, supernet-shaped weights for what-if latency and MACs before any training.
 * Convolution weights and biases follow PyTorch's default init (uniform in +-1/sqrt(fan_in)), so
 * activations stay in a realistic range; BatchNorm running statistics are mean ~ 0, var in [0.5, 1.5].
 */
import type { StateDict, Tensor } from './tensor';
import { numel } from './tensor';

/** mulberry32: small, fast, and the same sequence on every platform for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomStateDict(shapes: ReadonlyMap<string, readonly number[]>, seed: number): StateDict {
  const rand = seededRandom(seed);
  const out: StateDict = new Map();
  const fanIns = new Map<string, number>();
  for (const [key, shape] of shapes) {
    if (key.endsWith('.weight') && shape.length >= 2) {
      fanIns.set(key.slice(0, -'.weight'.length), numel(shape.slice(1)));
    }
  }
  for (const [key, shape] of shapes) {
    const data = new Float32Array(numel(shape));
    const prefix = key.slice(0, key.lastIndexOf('.'));
    if (key.endsWith('num_batches_tracked')) {
      // stays 0
    } else if (key.endsWith('running_var')) {
      for (let i = 0; i < data.length; i++) data[i] = 0.5 + rand();
    } else if (key.endsWith('running_mean')) {
      for (let i = 0; i < data.length; i++) data[i] = (rand() - 0.5) * 0.2;
    } else {
      // Conv/ConvTranspose weights and biases; 1-D weights (affine norms) get values around 1.
      const fanIn = fanIns.get(prefix) ?? (shape.length >= 2 ? numel(shape.slice(1)) : 1);
      const bound = 1 / Math.sqrt(Math.max(1, fanIn));
      if (key.endsWith('.weight') && shape.length === 1) {
        for (let i = 0; i < data.length; i++) data[i] = 1 + (rand() - 0.5) * 0.2;
      } else {
        for (let i = 0; i < data.length; i++) data[i] = (rand() * 2 - 1) * bound;
      }
    }
    const t: Tensor = { shape: [...shape], data };
    out.set(key, t);
  }
  return out;
}
