/** Element-wise ops of one input: Relu, LeakyRelu, Tanh, Identity, Clip. */
import type { GraphNode } from '@gc-edge/core';
import { floatAttr, input, refError } from '../node-access';
import type { RefTensor } from '../tensor';

function map(node: GraphNode, inputs: readonly (RefTensor | undefined)[], f: (v: number) => number): RefTensor[] {
  const x = input(node, inputs, 0, 'X');
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]!);
  return [{ dims: [...x.dims], data: out }];
}

export function relu(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  return map(node, inputs, (v) => (v > 0 ? v : 0));
}

export function leakyRelu(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const alpha = floatAttr(node, 'alpha', 0.01);
  return map(node, inputs, (v) => (v < 0 ? alpha * v : v));
}

export function tanh(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  return map(node, inputs, Math.tanh);
}

export function identity(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const x = input(node, inputs, 0, 'input');
  return [{ dims: [...x.dims], data: x.data.slice() }];
}

/** Clip: bounds from the min/max inputs (opset 11+), else the attributes (older), else unbounded. */
export function clip(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const bound = (i: number, name: string, fallback: number): number => {
    const t = inputs[i];
    if (!t) return floatAttr(node, name, fallback);
    if (t.data.length !== 1) throw refError(node, `${name} must be a scalar, got ${t.data.length} values`);
    return t.data[0]!;
  };
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  return map(node, inputs, (v) => (v < lo ? lo : v > hi ? hi : v));
}
