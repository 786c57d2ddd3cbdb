/**
 * countMacs: static shape inference over a Model's graph, then MACs and learned parameters per node
 * under the paper's convention (torchprofile 2020, what GAN Compression published) or an exact one.
 * See docs in `README.md` of this folder for how the two conventions differ.
 */
import { fromFloat16Bits } from '../tensor/float16';
import { numel } from '../tensor/tensor';
import { GcError } from '../errors';
import type { InitializerData, Model, ValueInfo } from '../onnx/graph';
import { OP_RULES, supportedOps } from './registry';
import type { CountOptions, LayerCount, MacConvention, MacCount, NodeContext, ShapeOverrides, Value } from './types';
import { MAC_CONVENTIONS } from './types';

export function checkConvention(c: string): MacConvention {
  if ((MAC_CONVENTIONS as readonly string[]).includes(c)) return c as MacConvention;
  throw new GcError('E_ARGS', `unknown MAC convention '${c}'; expected one of: ${MAC_CONVENTIONS.join(', ')}`);
}

function initializerValue(name: string, t: InitializerData): Value {
  if (t.dataType === 'float32') return { shape: [...t.dims], dtype: 'float', data: t.data, initializer: name };
  if (t.dataType === 'float16') return { shape: [...t.dims], dtype: 'float', data: fromFloat16Bits(t.data), initializer: name };
  return { shape: [...t.dims], dtype: 'int', data: Array.from(t.data, Number), initializer: name };
}

/**
 * A plausible concrete shape for an input with symbolic dims, for hints: fixed dims kept; in an
 * image-like NCHW input the batch is 1, the channels 3 and the spatial dims 256.
 */
function exampleDims(shape: readonly (number | string)[]): number[] {
  return shape.map((d, i) => {
    if (typeof d === 'number') return d;
    if (i === 0) return 1;
    if (shape.length === 4 && i === 1) return 3;
    return 256;
  });
}

/** Resolves every graph input to a concrete shape with the overrides; errors list what is missing. */
export function resolveInputShapes(inputs: readonly ValueInfo[], shapes: ShapeOverrides = {}): Map<string, number[]> {
  const dimNames = new Set(inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === 'string')));
  const inputNames = new Set(inputs.map((i) => i.name));
  for (const key of Object.keys(shapes)) {
    if (!inputNames.has(key) && !dimNames.has(key)) {
      const valid = [...inputNames, ...dimNames].map((n) => `'${n}'`).join(', ');
      throw new GcError('E_ARGS', `--shape ${key}: the model has no input or symbolic dimension named '${key}'; valid: ${valid}`);
    }
  }
  const out = new Map<string, number[]>();
  for (const inp of inputs) {
    const given = shapes[inp.name];
    let shape: (number | string)[];
    if (given !== undefined) {
      const dims = typeof given === 'number' ? [given] : [...given];
      if (inp.shape.length > 0 && dims.length !== inp.shape.length) {
        throw new GcError(
          'E_ARGS',
          `--shape ${inp.name}: gave ${dims.length} dims [${dims.join('x')}], the input has ${inp.shape.length} [${inp.shape.join('x')}]`,
        );
      }
      // Only symbolic dims may be set: a fixed dim is baked into the graph (Reshape constants,
      // exported padding), so counting or running at another size would be wrong or fail.
      const clash = inp.shape.findIndex((d, i) => typeof d === 'number' && d !== dims[i]);
      if (clash >= 0) {
        const symbolic = inp.shape.some((d) => typeof d === 'string');
        throw new GcError(
          'E_ARGS',
          `--shape ${inp.name}=${dims.join('x')}: input '${inp.name}' has the fixed shape [${inp.shape.join('x')}]; dimension ${clash} is ${String(inp.shape[clash])}, not ${String(dims[clash])}`,
          {
            hint: symbolic
              ? `only its symbolic dims may be set, e.g. --shape ${inp.name}=${exampleDims(inp.shape).join('x')}`
              : 'only symbolic dims may be set; export a dynamic-shape model (gc-export --dynamic) to count or run other sizes',
          },
        );
      }
      shape = dims;
    } else {
      shape = inp.shape.map((d) => {
        if (typeof d === 'number') return d;
        const v = shapes[d];
        if (v === undefined) return d;
        if (typeof v !== 'number') throw new GcError('E_ARGS', `--shape ${d}: a symbolic dimension takes one number, got [${v.join('x')}]`);
        return v;
      });
    }
    for (const d of shape) {
      if (typeof d === 'number' && !(Number.isInteger(d) && d > 0)) {
        throw new GcError('E_ARGS', `input '${inp.name}': dimension ${d} is not a positive integer`);
      }
    }
    const symbolic = shape.filter((d): d is string => typeof d === 'string');
    if (symbolic.length > 0) {
      const first = shape.findIndex((d) => typeof d === 'string');
      throw new GcError('E_ARGS', `input '${inp.name}' has symbolic dims ${symbolic.join(', ')} [${shape.join('x')}]`, {
        hint: `give concrete sizes, e.g. --shape ${inp.name}=${exampleDims(shape).join('x')} or --shape ${symbolic[0]}=${exampleDims(shape)[first]}`,
      });
    }
    out.set(inp.name, shape as number[]);
  }
  return out;
}

export function countMacs(model: Model, options: CountOptions = {}): MacCount {
  const convention = checkConvention(options.convention ?? 'paper');
  const g = model.graph;
  const env = new Map<string, Value>();
  for (const [name, t] of g.initializers) env.set(name, initializerValue(name, t));
  const inputShapes = resolveInputShapes(g.inputs, options.shapes);
  for (const inp of g.inputs) {
    const shape = inputShapes.get(inp.name);
    if (shape && !env.has(inp.name)) env.set(inp.name, { shape, dtype: inp.elemType === 'int64' ? 'int' : 'float' });
  }
  const counted = new Set<string>();
  const layers: LayerCount[] = [];
  let macs = 0;
  let params = 0;
  for (const node of g.nodes) {
    const where = `node '${node.name}' (${node.opType})`;
    const rule = OP_RULES.get(node.opType);
    if (!rule) {
      throw new GcError('E_GRAPH', `${where}: the MAC counter does not support op ${node.opType}`, {
        hint: `supported ops: ${supportedOps().join(', ')}`,
      });
    }
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = env.get(name);
      if (!v) throw new GcError('E_GRAPH', `${where}: reads '${name}', which no earlier node produces (graph not in topological order?)`);
      return v;
    });
    const ctx: NodeContext = { node, inputs, opset: model.opset, where };
    const outputs = rule.infer(ctx);
    node.outputs.forEach((name, i) => {
      if (name !== '' && outputs[i]) env.set(name, outputs[i]);
    });
    // nodes whose every output is a known constant are shape arithmetic, folded away at load time
    if (outputs.length > 0 && outputs.every((o) => o.data !== undefined)) continue;
    let nodeParams = 0;
    for (const i of rule.learnedInputs?.(ctx) ?? []) {
      const v = inputs[i];
      if (!v?.initializer || counted.has(v.initializer)) continue;
      counted.add(v.initializer);
      nodeParams += numel(v.shape);
    }
    const nodeMacs = rule.macs?.(ctx, outputs, convention) ?? 0;
    macs += nodeMacs;
    params += nodeParams;
    layers.push({ name: node.name, opType: node.opType, outputShape: outputs[0]?.shape ?? [], macs: nodeMacs, params: nodeParams });
  }
  return { macs, params, convention, layers };
}
