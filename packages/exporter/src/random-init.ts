/**
 * --random-init: seeded, supernet-shaped weights for what-if latency and MACs before any training.
 * Convolution weights and biases follow PyTorch's default init (uniform in +-1/sqrt(fan_in)), so
 * activations stay in a realistic range; BatchNorm running statistics are mean ~ 0, var in [0.5, 1.5].
 *
 * One exception: the bias of the depthwise conv that opens upstream's SeparableConv2d is 0 (see
 * `isDeadBias`). It cannot change the output, and a random one makes the network ill-conditioned in
 * float32, so `--verify` would fail on a correct export.
 */
import { numel, seededRandom, type StateDict, type Tensor } from '@gc-edge/core';

/**
 * Whether `key` is the bias of the depthwise conv that opens upstream's SeparableConv2d
 * (`<name>.conv.0`, weight [C, 1, k, k]; the mobile ResNet blocks and the SPADE gamma/beta heads). The
 * next layer (`conv.1`, InstanceNorm without affine parameters) subtracts each channel's mean, so this
 * bias has no effect on the output and never gets a gradient: a trained checkpoint keeps upstream's
 * init value, 0 (init_weights zeroes every conv bias). A random one (+-1/3 for a 3x3 depthwise conv)
 * dwarfs the conv's signal: SPADE heads saw channel means 30x their std, and onnxruntime's float32
 * InstanceNorm turned that into 1e-4 output errors at 512x256.
 */
export function isDeadBias(key: string, shapes: ReadonlyMap<string, readonly number[]>): boolean {
  if (!key.endsWith('.conv.0.bias')) return false;
  const weight = shapes.get(`${key.slice(0, -'bias'.length)}weight`);
  return weight !== undefined && weight.length === 4 && weight[1] === 1;
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
    } else if (isDeadBias(key, shapes)) {
      // Stays 0; the draws are still taken so every other tensor is what this seed always gave.
      for (let i = 0; i < data.length; i++) rand();
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
