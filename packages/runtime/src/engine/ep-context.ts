/**
 * A prebuilt TensorRT engine as an onnxruntime EPContext model: one `EPContext` node (domain
 * com.microsoft) taking the original model's inputs and giving its outputs, whose attributes point
 * at the engine file beside it (`embed_mode` 0, `ep_cache_context` = the engine's file name, which
 * onnxruntime resolves next to the model and refuses if absolute or climbing out with `..`), so the
 * TensorRT provider deserialises the engine instead of building one at every start — with the stock
 * Node binding, which forwards no engine-cache option. The original model's metadata (its contract)
 * is kept; `gc_edge.engine.*` keys record what the engine was built with and the ONNX file to fall
 * back to, checked at load by engine-check.ts.
 */
import * as path from 'node:path';
import { attr, decodeModel, encodeModel, GcError, GraphBuilder, type Model } from '@gc-edge/core';

export const EP_CONTEXT_DOMAIN = 'com.microsoft';
/** The `source` attribute onnxruntime's TensorRT provider claims EPContext nodes by. */
export const TENSORRT_EP_SOURCE = 'TensorrtExecutionProvider';

/** Metadata keys of an engine model (docs/gpu.md). */
export const ENGINE_METADATA = {
  format: 'gc_edge.engine.format',
  file: 'gc_edge.engine.file',
  precision: 'gc_edge.engine.precision',
  tensorrtVersion: 'gc_edge.engine.tensorrt_version',
  hardwareArchitecture: 'gc_edge.engine.hardware_architecture',
  onnxModel: 'gc_edge.engine.onnx_model',
} as const;

export const ENGINE_PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type EnginePrecision = (typeof ENGINE_PRECISIONS)[number];

export interface EngineFacts {
  /** The engine file, relative to the EPContext model's folder. */
  readonly file: string;
  readonly precision: EnginePrecision;
  /** TensorRT version the engine was built with (`8.5.2`): engines load only on that version. */
  readonly tensorrtVersion: string;
  /** GPU compute capability the engine was built for, as TensorRT's provider writes it (`72`, `87`). */
  readonly hardwareArchitecture: string;
  /** The ONNX model it was built from, relative to the EPContext model's folder: what to run instead. */
  readonly onnxModel: string;
}

export interface WrapEngineOptions extends EngineFacts {
  /** Where the original model is named in errors. */
  readonly where?: string;
}

function checkRelative(name: string, what: string): void {
  if (name === '' || path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
    const why = "onnxruntime refuses absolute paths and '..'";
    throw new GcError('E_ARGS', `${what} '${name}' must be a file name beside the EPContext model (${why})`, {
      hint: 'write the engine and the EPContext model into the same folder',
    });
  }
}

/** The EPContext model for `onnx` (the ONNX bytes the engine was built from). */
export function wrapEngine(onnx: Uint8Array, o: WrapEngineOptions): Uint8Array {
  checkRelative(o.file, 'the engine file');
  checkRelative(o.onnxModel, 'the ONNX model');
  if (!(ENGINE_PRECISIONS as readonly string[]).includes(o.precision)) {
    throw new GcError('E_ARGS', `engine precision '${o.precision}'. Should be one of: ${ENGINE_PRECISIONS.join(', ')}`);
  }
  const source: Model = decodeModel(onnx, o.where ?? 'model');
  const g = new GraphBuilder(`${source.graph.name || 'model'}_ctx`, source.opset);
  const inputs = source.graph.inputs.map((i) => g.input(i));
  g.node(
    'EPContext',
    'trt_engine',
    inputs,
    {
      main_context: attr.int(1),
      embed_mode: attr.int(0),
      ep_cache_context: attr.string(o.file),
      hardware_architecture: attr.string(o.hardwareArchitecture),
      ep_sdk_version: attr.string(o.tensorrtVersion),
      onnx_model_filename: attr.string(o.onnxModel),
      partition_name: attr.string('trt_engine'),
      source: attr.string(TENSORRT_EP_SOURCE),
    },
    source.graph.outputs.map((v) => v.name),
  );
  for (const out of source.graph.outputs) g.output(out);
  const graph = g.finish();
  const nodes = graph.nodes.map((n) => ({ ...n, domain: EP_CONTEXT_DOMAIN }));
  return encodeModel({
    graph: { ...graph, nodes },
    opset: source.opset,
    domainOpsets: { [EP_CONTEXT_DOMAIN]: 1 },
    producerName: 'gc-edge',
    producerVersion: source.producerVersion,
    docString: `TensorRT engine ${o.file} (${o.precision}, TensorRT ${o.tensorrtVersion}, sm_${o.hardwareArchitecture}) built from ${o.onnxModel}`,
    metadata: {
      ...source.metadata,
      [ENGINE_METADATA.format]: 'tensorrt',
      [ENGINE_METADATA.file]: o.file,
      [ENGINE_METADATA.precision]: o.precision,
      [ENGINE_METADATA.tensorrtVersion]: o.tensorrtVersion,
      [ENGINE_METADATA.hardwareArchitecture]: o.hardwareArchitecture,
      [ENGINE_METADATA.onnxModel]: o.onnxModel,
    },
  });
}

/** The engine facts an EPContext model written by {@link wrapEngine} records; undefined for any other model. */
export function engineFactsOf(metadata: Readonly<Record<string, string>>, where = 'model'): EngineFacts | undefined {
  if (metadata[ENGINE_METADATA.format] === undefined) return undefined;
  const get = (key: string): string => {
    const v = metadata[key];
    if (v) return v;
    throw new GcError('E_MODEL_CONTRACT', `${where}: an engine model without '${key}' in its metadata`, {
      hint: 'rewrap the engine with scripts/jetson-engine.sh',
    });
  };
  const precision = get(ENGINE_METADATA.precision);
  if (!(ENGINE_PRECISIONS as readonly string[]).includes(precision)) {
    throw new GcError('E_MODEL_CONTRACT', `${where}: engine precision '${precision}'. Should be one of: ${ENGINE_PRECISIONS.join(', ')}`);
  }
  return {
    file: get(ENGINE_METADATA.file),
    precision: precision as EnginePrecision,
    tensorrtVersion: get(ENGINE_METADATA.tensorrtVersion),
    hardwareArchitecture: get(ENGINE_METADATA.hardwareArchitecture),
    onnxModel: get(ENGINE_METADATA.onnxModel),
  };
}
