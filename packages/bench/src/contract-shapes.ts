/**
 * Concrete sizes for the symbolic dims the command line leaves open, from the model contract
 * (docs/model-contract.md): each NCHW input's height and width at its fixed size, else the size it
 * was exported at (`default_size`), and a symbolic batch at 1. Only dims `--shape` / `--batch` did
 * not set; a model without a contract gets none (its symbolic dims must be given, as before).
 */
import { type Model, type ModelContract, type ShapeOverrides, type ValueInfo, withExportShape } from '@gc-edge/core';

export const DEFAULT_BATCH = 1;

export function withContractSizes(
  inputs: readonly ValueInfo[],
  contract: ModelContract | undefined,
  given: ShapeOverrides,
): ShapeOverrides {
  if (!contract) return given;
  const out: Record<string, readonly number[] | number> = { ...given };
  const fill = (dim: number | string | undefined, value: number): void => {
    if (typeof dim === 'string' && out[dim] === undefined) out[dim] = value;
  };
  for (const input of inputs) {
    const declared = contract.inputs.find((t) => t.name === input.name);
    const size = declared?.size.fixed ?? declared?.defaultSize;
    if (!size || input.shape.length !== 4 || given[input.name] !== undefined) continue;
    fill(input.shape[0], DEFAULT_BATCH);
    fill(input.shape[2], size.height);
    fill(input.shape[3], size.width);
  }
  return out;
}

/**
 * The sizes gc-bench runs and counts a model at: what `given` (--shape, --batch) sets, then the
 * contract's sizes, then the export size gc-export recorded (`macs_input_shape`) for what is left.
 */
export function withModelSizes(model: Model, contract: ModelContract | undefined, given: ShapeOverrides): ShapeOverrides {
  return withExportShape(model, withContractSizes(model.graph.inputs, contract, given));
}
