/**
 * What a loaded model is: its inputs/outputs as onnxruntime sees them, plus the ONNX
 * metadata_props gc-export writes (architecture, config, macs, params, ..., and the model contract
 * consumers read: `contractOf`, docs/model-contract.md).
 */
import { decodeContract, decodeModel, type Model, type ReadContract, readContract } from '@gc-edge/core';
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelInfo, TensorInfo } from './types';

function tensorInfo(m: InferenceSession.ValueMetadata): TensorInfo {
  return m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] };
}

function numberOrUndefined(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The model bytes decoded for their metadata, with the model contract checked against the graph:
 * E_MODEL_CONTRACT for a contract that is malformed, newer than this gc-edge or off the graph (so
 * such a model fails to load, saying why). Undefined for bytes our decoder cannot read: a model
 * onnxruntime loads still gets its I/O. Called before the session is created.
 */
export function readModelFacts(bytes: Uint8Array, where: string): Model | undefined {
  let decoded: Model;
  try {
    decoded = decodeModel(bytes, where);
  } catch {
    return undefined;
  }
  readContract(decoded, where);
  return decoded;
}

/** The model contract a model's metadata declares (checked at load by {@link readModelFacts}); undefined when none. */
export function contractOf(info: Pick<ModelInfo, 'metadata'>): ReadContract | undefined {
  return decodeContract(info.metadata);
}

/** Builds the model info from the session and (when readable) the decoded model. */
export function describeModel(session: InferenceSession, decoded: Model | undefined): ModelInfo {
  const inputs = session.inputMetadata.map(tensorInfo);
  const outputs = session.outputMetadata.map(tensorInfo);
  if (!decoded) return { inputs, outputs, metadata: {} };
  const md = decoded.metadata;
  const info: ModelInfo = {
    inputs,
    outputs,
    metadata: { ...md },
    opset: decoded.opset,
    producer: [decoded.producerName, decoded.producerVersion].filter((s) => s).join(' ') || undefined,
    graphNodes: decoded.graph.nodes.length,
  };
  const extra: { -readonly [K in keyof ModelInfo]?: ModelInfo[K] } = {};
  if (md['architecture']) extra.architecture = md['architecture'];
  if (md['config']) extra.config = md['config'];
  const macs = numberOrUndefined(md['macs']);
  if (macs !== undefined) extra.macs = macs;
  const params = numberOrUndefined(md['params']);
  if (params !== undefined) extra.params = params;
  return { ...info, ...extra };
}
