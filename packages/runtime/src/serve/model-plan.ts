/**
 * What gc-serve does with a model, decided once per loaded model from its I/O and its model
 * contract (docs/model-contract.md), never from an architecture's name:
 * - the inputs requests are held to: the graph's shapes, with a contract's fixed size in place of
 *   symbolic height/width, and the size rule of each input's symbolic height/width;
 * - the pixel cap (`--max-model-pixels`, else derived, input-rules.ts): computed here only, and
 *   read by the routes and by the repository's last check before the queue;
 * - the generate route's pipeline: `image` for a photo input, `label-map` for a label_map input,
 *   or why the route cannot feed the model (it then takes tensors on infer only).
 * A model without a contract (not made by gc-export) is taken as a generic photo model: one
 * [N,3,H,W] input takes images of any size.
 */
import type { ReadContract, Size, SizeRule } from '@gc-edge/core';
import { contractOf } from '../session/model-info';
import type { ModelInfo, TensorInfo } from '../session/types';
import { type PixelCap, pixelCapOf, sizeRuleOf } from './input-rules';

/** A graph input as requests are held to it. */
export interface InputPlan extends TensorInfo {
  /** The rule of its symbolic height and width (dims 2 and 3 of a 4-D input). */
  readonly rule: SizeRule;
}

interface PipelineBase {
  /** The model input the pipeline makes, and the output the route encodes as an image. */
  readonly input: string;
  readonly output: string;
  /** The input's fixed height and width; undefined when they are symbolic (any size fitting `rule`). */
  readonly size: Size | undefined;
  readonly rule: SizeRule;
}

/** A photo (PNG/JPEG/WebP) -> `[1, 3, H, W]` in [-1, 1] (image-input.ts, ../image). */
export interface ImagePipeline extends PipelineBase {
  readonly kind: 'image';
}

/** A label map PNG -> one-hot classes (+ the instance-edge channel) (label-map-input.ts, ../label-map). */
export interface LabelMapPipeline extends PipelineBase {
  readonly kind: 'label-map';
  /** The input's channels: label classes (+ dontcare) (+ instance edge). */
  readonly semanticChannels: number;
  readonly instanceEdge: boolean;
}

/** Why generate cannot feed the model: completes `model 'name' ...`. */
export interface NoPipeline {
  readonly kind: 'none';
  readonly why: string;
}

export type GeneratePipeline = ImagePipeline | LabelMapPipeline;

export interface ModelPlan {
  /** The model contract (undefined: the model declares none). */
  readonly contract: ReadContract | undefined;
  readonly inputs: readonly InputPlan[];
  readonly cap: PixelCap;
  readonly generate: GeneratePipeline | NoPipeline;
}

const fixedDim = (d: number | string | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined);

/** Decides the plan of a loaded model; `maxModelPixels` is the daemon's --max-model-pixels. */
export function planModel(info: ModelInfo, maxModelPixels?: number): ModelPlan {
  const contract = contractOf(info);
  const inputs = info.inputs.map((t): InputPlan => {
    const fixed = contract?.inputs.find((c) => c.name === t.name)?.size.fixed;
    const shape = fixed && t.shape.length === 4 ? [t.shape[0]!, t.shape[1]!, fixed.height, fixed.width] : t.shape;
    return { ...t, shape, rule: sizeRuleOf(info, t.name, contract) };
  });
  const plan = { contract, inputs, cap: pixelCapOf(info, maxModelPixels, contract) };
  return { ...plan, generate: generatePipeline(info, plan) };
}

/** One plan per loaded model: `ModelInfo` objects live as long as their model is loaded. */
export function planCache(maxModelPixels?: number): (info: ModelInfo) => ModelPlan {
  const plans = new WeakMap<ModelInfo, ModelPlan>();
  return (info) => {
    let plan = plans.get(info);
    if (!plan) {
      plan = planModel(info, maxModelPixels);
      plans.set(info, plan);
    }
    return plan;
  };
}

function generatePipeline(info: ModelInfo, plan: Omit<ModelPlan, 'generate'>): GeneratePipeline | NoPipeline {
  const { contract, inputs } = plan;
  const input = inputs[0];
  const declared = contract?.inputs.find((c) => c.name === input?.name);
  const labelMap = declared?.kind === 'label_map';
  const shapes = inputs.map((t) => `'${t.name}' [${t.shape.join(',')}]`).join(', ');
  if (!input || inputs.length !== 1 || input.shape.length !== 4) {
    return {
      kind: 'none',
      why: labelMap
        ? `takes a label map but has inputs ${shapes}; generate needs one [1,C,H,W] label-map input`
        : `does not take one image: its inputs are ${shapes}, generate needs one [N,3,H,W]`,
    };
  }
  // The output encoded as the answer: the contract's first photo output, else the first output.
  const output = contract ? contract.outputs.find((o) => o.kind === 'photo')?.name : info.outputs[0]?.name;
  if (output === undefined) {
    const outputs = info.outputs.map((t) => `'${t.name}'`).join(', ');
    return { kind: 'none', why: `has no image output (its outputs are ${outputs || 'none'}); generate answers with an image` };
  }
  const batch = fixedDim(input.shape[0]);
  const [height, width] = [fixedDim(input.shape[2]), fixedDim(input.shape[3])];
  const base = {
    input: input.name,
    output,
    size: height !== undefined && width !== undefined ? { height, width } : undefined,
    rule: input.rule,
  };
  if (declared?.kind === 'label_map') {
    if (batch !== undefined && batch !== 1) return { kind: 'none', why: `takes batches of ${batch}; generate sends one label map` };
    return { kind: 'label-map', ...base, semanticChannels: declared.channels, instanceEdge: declared.instanceEdge ?? true };
  }
  // A photo as declared, or (no contract) any one [N,3,H,W] input; a `tensor` input is for infer.
  if ((declared !== undefined && declared.kind !== 'photo') || fixedDim(input.shape[1]) !== 3) {
    return { kind: 'none', why: `does not take one image: its inputs are ${shapes}, generate needs one [N,3,H,W]` };
  }
  if (batch !== undefined && batch !== 1) return { kind: 'none', why: `takes batches of ${batch}; generate sends one image` };
  return { kind: 'image', ...base };
}
