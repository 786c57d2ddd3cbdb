/** runReference over whole graphs: value plumbing and the errors that name what went wrong. */
import { GraphBuilder, type Graph } from '@gc-edge/core';
import { ops, runReference } from '@gc-edge/exporter';
import { gcErrorOf } from '../../../../test/support/gc-error';

function graphOf(build: (g: GraphBuilder, x: string) => string, shape: (number | string)[] = [1, 2, 3, 3]): Graph {
  const g = new GraphBuilder('t', 13);
  const x = g.input({ name: 'input', elemType: 'float32', shape });
  g.rename(build(g, x), 'output');
  g.output({ name: 'output', elemType: 'float32', shape });
  return g.finish();
}

const x = { dims: [1, 2, 3, 3], data: Float64Array.from({ length: 18 }, (_, i) => i - 9) };

describe('runReference', () => {
  it('feeds one value to several consumers and keeps it alive until the last one (residual add)', () => {
    const graph = graphOf((g, v) => ops.add(g, 'block.add', v, ops.relu(g, 'block.relu', v)));
    const out = runReference(graph, { input: x })['output']!;
    expect(Array.from(out.data)).toEqual(Array.from(x.data, (v) => v + Math.max(v, 0)));
  });

  it('names the node and lists the known ops when an op has no reference implementation', () => {
    const graph = graphOf((g, v) => g.node('Softplus', 'head.softplus', [v]));
    const e = gcErrorOf(() => runReference(graph, { input: x }));
    expect(e.code).toBe('E_GRAPH');
    expect(e.message).toMatch(/^head\.softplus: op Softplus has no reference implementation \(known: .*Conv.*\)$/);
  });

  it('names the node whose attributes it cannot run', () => {
    const linear = graphOf((g, v) =>
      g.node('Resize', 'up.linear', [v, '', ops.constFloats(g, 's', [1, 1, 2, 2])], { mode: { type: 'string', value: 'linear' } }),
    );
    expect(gcErrorOf(() => runReference(linear, { input: x })).message).toMatch(/^up\.linear \(Resize\): mode linear is not implemented/);
  });

  it('refuses inputs whose dims differ from the declared fixed ones, and accepts any size for symbolic dims', () => {
    const fixed = graphOf((g, v) => ops.relu(g, 'relu', v));
    const e = gcErrorOf(() => runReference(fixed, { input: { dims: [1, 2, 4, 4], data: new Float64Array(32) } }));
    expect(e.message).toMatch(/input 'input' is \[1, 2, 4, 4\], the graph declares \[1, 2, 3, 3\]/);
    const symbolic = graphOf((g, v) => ops.relu(g, 'relu', v), ['batch', 2, 'height', 'width']);
    expect(runReference(symbolic, { input: { dims: [1, 2, 4, 4], data: new Float64Array(32) } })['output']!.dims).toEqual([1, 2, 4, 4]);
  });

  it('refuses a missing graph input by name', () => {
    const graph = graphOf((g, v) => ops.relu(g, 'relu', v));
    expect(gcErrorOf(() => runReference(graph, {})).message).toMatch(/input 'input' was not given/);
  });
});
