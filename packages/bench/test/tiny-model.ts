/** Tiny generator-shaped ONNX models (clamp, conv, instance norm, relu, conv, tanh) for bench tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { attr, encodeModel, GraphBuilder } from '@gc-edge/core';

export function writeTinyModel(
  dir: string,
  name: string,
  opts: { width: number; size?: number; metadata?: Record<string, string>; dynamicBatch?: boolean; dynamicSize?: boolean },
): string {
  const size: number | string = opts.dynamicSize ? 'height' : (opts.size ?? 32);
  const across: number | string = opts.dynamicSize ? 'width' : (opts.size ?? 32);
  const batch = opts.dynamicBatch ? 'batch' : 1;
  const g = new GraphBuilder(name);
  const x = g.input({ name: 'input', elemType: 'float32', shape: [batch, 3, size, across] });
  const w1 = g.float('c1.weight', [opts.width, 3, 3, 3], Float32Array.from({ length: opts.width * 27 }, (_, i) => Math.sin(i) * 0.2));
  const b1 = g.float('c1.bias', [opts.width], new Float32Array(opts.width));
  const s = g.float('in.scale', [opts.width], new Float32Array(opts.width).fill(1));
  const b = g.float('in.bias', [opts.width], new Float32Array(opts.width));
  const w2 = g.float('c2.weight', [3, opts.width, 3, 3], Float32Array.from({ length: opts.width * 27 }, (_, i) => Math.cos(i) * 0.2));
  let y = g.node('Conv', 'c1', [x, w1, b1], { pads: attr.ints([1, 1, 1, 1]) });
  y = g.node('InstanceNormalization', 'in', [y, s, b], { epsilon: attr.float(1e-5) });
  y = g.node('Relu', 'relu', [y]);
  y = g.node('Conv', 'c2', [y, w2], { pads: attr.ints([1, 1, 1, 1]) });
  y = g.node('Tanh', 'tanh', [y]);
  g.rename(y, 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [batch, 3, size, across] });
  const file = path.join(dir, `${name}.onnx`);
  fs.writeFileSync(
    file,
    encodeModel({ graph: g.finish(), opset: 13, producerName: 'test', producerVersion: '0', metadata: opts.metadata ?? {} }),
  );
  return file;
}

/** MACs of writeTinyModel in the paper convention (for assertions). */
export function tinyMacs(width: number, size = 32): number {
  const px = size * size;
  return px * width * 27 + px * width + px * 3 * width * 9;
}
