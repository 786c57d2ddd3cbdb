/**
 * What a loaded model is: its inputs/outputs as onnxruntime sees them, plus the ONNX
 * metadata_props gc-export writes (architecture, config, macs, params, ...).
 */
import { decodeModel } from '@gc-edge/core';
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
 * Builds the model info from the session and (when given) the model bytes. The bytes are decoded
 * for metadata only; a model onnxruntime loads but our decoder cannot read still gets its I/O.
 */
export function describeModel(session: InferenceSession, bytes: Uint8Array | undefined, where: string): ModelInfo {
  const inputs = session.inputMetadata.map(tensorInfo);
  const outputs = session.outputMetadata.map(tensorInfo);
  if (!bytes) return { inputs, outputs, metadata: {} };
  let decoded;
  try {
    decoded = decodeModel(bytes, where);
  } catch {
    return { inputs, outputs, metadata: {} };
  }
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
