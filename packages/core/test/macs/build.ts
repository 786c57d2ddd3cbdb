/** Tiny one-op models for the MAC rule tests. */
import { GraphBuilder, type AttributeValue, type Model } from '../../src';

export function fill(n: number, v = 0.5): Float32Array {
  return new Float32Array(n).fill(v);
}

export function model(g: GraphBuilder, out: string, opset = 13): Model {
  g.rename(out, 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [] });
  return { graph: g.finish(), opset, producerName: 'test', producerVersion: '0', metadata: {} };
}

/** One node on a float input of `shape`, with float initializers `inits` (name -> dims). */
export function oneOp(
  op: string,
  shape: readonly number[],
  inits: readonly (readonly number[] | null)[],
  attributes: Record<string, AttributeValue> = {},
  opset = 13,
): Model {
  const g = new GraphBuilder('t', opset);
  const x = g.input({ name: 'x', elemType: 'float32', shape: [...shape] });
  const names = inits.map((dims, i) => (dims === null ? '' : g.float(`w${i}`, dims, fill(dims.reduce((a, b) => a * b, 1), 0.3 + i))));
  return model(g, g.node(op, 'op', [x, ...names], attributes), opset);
}
