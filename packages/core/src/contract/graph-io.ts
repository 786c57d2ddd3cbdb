/**
 * A contract must describe the graph it travels with: the same inputs and outputs, by name, and
 * channel counts and fixed sizes that agree with the graph's fixed dims. Checked where a model is
 * loaded (gc-serve, gc-bench) and where it is written (gc-export), so consumers can trust it.
 */
import { GcError } from '../errors';
import type { Model } from '../onnx/graph';
import type { ModelContract, ReadContract } from './contract';
import { decodeContract } from './metadata';

/** A graph's inputs and outputs as any reader sees them; symbolic dims are strings. */
export interface GraphIo {
  readonly inputs: readonly { readonly name: string; readonly shape: readonly (number | string)[] }[];
  readonly outputs: readonly { readonly name: string }[];
}

const list = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ') || 'none';

/** E_MODEL_CONTRACT when the contract and the graph disagree, naming the input and both facts. */
export function checkContractIo(c: ModelContract, io: GraphIo, where: string): void {
  const fail = (what: string): GcError =>
    new GcError('E_MODEL_CONTRACT', `${where}: the contract in the metadata does not fit the graph: ${what}`, {
      hint: 're-export the model with gc-export (docs/model-contract.md); a contract written by hand must name every graph input and output',
    });
  const graphInputs = io.inputs.map((t) => t.name);
  const declared = c.inputs.map((t) => t.name);
  if (declared.length !== graphInputs.length || declared.some((n) => !graphInputs.includes(n))) {
    throw fail(`it declares inputs ${list(declared)}, the graph has ${list(graphInputs)}`);
  }
  const graphOutputs = io.outputs.map((t) => t.name);
  const outputs = c.outputs.map((t) => t.name);
  if (outputs.length !== graphOutputs.length || outputs.some((n) => !graphOutputs.includes(n))) {
    throw fail(`it declares outputs ${list(outputs)}, the graph has ${list(graphOutputs)}`);
  }
  for (const input of c.inputs) {
    const shape = io.inputs.find((t) => t.name === input.name)!.shape;
    const channels = shape[1];
    if (shape.length >= 2 && typeof channels === 'number' && channels !== input.channels) {
      throw fail(`input '${input.name}' has ${channels} channels in the graph, ${input.channels} in the contract`);
    }
    const fixed = input.size.fixed;
    const [h, w] = [shape[2], shape[3]];
    if (fixed && shape.length === 4 && ((typeof h === 'number' && h !== fixed.height) || (typeof w === 'number' && w !== fixed.width))) {
      throw fail(
        `input '${input.name}' is [${shape.join(',')}] in the graph, but the contract fixes its size at ${fixed.height}x${fixed.width}`,
      );
    }
  }
}

/** The contract of a decoded model, checked against its graph; undefined when it declares none. */
export function readContract(model: Pick<Model, 'graph' | 'metadata'>, where: string): ReadContract | undefined {
  const c = decodeContract(model.metadata, where);
  if (c) checkContractIo(c, model.graph, where);
  return c;
}
