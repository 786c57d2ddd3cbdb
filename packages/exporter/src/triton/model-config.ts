/**
 * Triton's model configuration (config.pbtxt, the ModelConfig message of model_config.proto beside
 * this file) for an exported model, from the model itself and a device profile:
 * - platform `onnxruntime_onnx`; inputs and outputs with the graph's names, types and dims (-1 for a
 *   symbolic one);
 * - a symbolic batch dimension (`gc-export --dynamic`) gives `max_batch_size` (dims then leave the
 *   batch out) and `dynamic_batching`; a fixed batch gives `max_batch_size: 0` and the full dims;
 * - the instance group from the profile's first provider (KIND_GPU on its deviceId for TensorRT or
 *   CUDA, KIND_CPU for the CPU);
 * - with TensorRT in the profile, the TensorRT execution accelerator with the profile's precision
 *   (FP16 when the profile's precision is fp16 or its TensorRT options enable fp16), workspace and
 *   engine cache: Triton's onnxruntime backend passes these to TensorRT, which onnxruntime-node
 *   cannot (it forwards only the device id);
 * - one warm-up request of zeros at the size the model was exported at (its contract's default size
 *   for symbolic height and width).
 */
import { GcError, type Model, type ValueInfo, readContract } from '@gc-edge/core';
import type { TritonDevice } from './device-profile';
import { type PbMessage, protoEnum } from './pbtxt';

export interface TritonConfigOptions {
  /** `max_batch_size` when the batch dimension is symbolic; default 8. */
  readonly maxBatch?: number;
  /** How long dynamic batching waits for more requests, microseconds; default 2000 (gc-serve's --max-delay-ms 2). */
  readonly maxQueueDelayUs?: number;
}

export const DEFAULT_TRITON_MAX_BATCH = 8;

const DATA_TYPE: Readonly<Record<ValueInfo['elemType'], string>> = {
  float32: 'TYPE_FP32',
  float16: 'TYPE_FP16',
  int64: 'TYPE_INT64',
};

export function tritonModelConfig(model: Model, name: string, device: TritonDevice, options: TritonConfigOptions = {}): PbMessage {
  const where = `model '${name}'`;
  const tensors = [...model.graph.inputs, ...model.graph.outputs];
  const symbolicBatch = tensors.every((t) => t.shape.length > 0 && typeof t.shape[0] === 'string');
  const maxBatch = symbolicBatch ? (options.maxBatch ?? DEFAULT_TRITON_MAX_BATCH) : 0;
  const dimsOf = (t: ValueInfo): number[] => (symbolicBatch ? t.shape.slice(1) : t.shape).map((d) => (typeof d === 'number' ? d : -1));

  const config: Record<string, PbMessage[keyof PbMessage]> = {
    name,
    platform: 'onnxruntime_onnx',
    max_batch_size: maxBatch,
    input: model.graph.inputs.map((t) => ({ name: t.name, data_type: protoEnum(DATA_TYPE[t.elemType]), dims: dimsOf(t) })),
    output: model.graph.outputs.map((t) => ({ name: t.name, data_type: protoEnum(DATA_TYPE[t.elemType]), dims: dimsOf(t) })),
  };
  if (symbolicBatch) config['dynamic_batching'] = { max_queue_delay_microseconds: options.maxQueueDelayUs ?? 2000 };
  config['instance_group'] = [instanceGroup(device)];
  const trt = tensorRtAccelerator(device);
  if (trt) config['optimization'] = { execution_accelerators: { gpu_execution_accelerator: [trt] } };
  config['model_warmup'] = [
    {
      name: 'gc-edge-warmup',
      batch_size: 1,
      inputs: model.graph.inputs.map((t) => ({
        key: t.name,
        value: { data_type: protoEnum(DATA_TYPE[t.elemType]), dims: warmupDims(model, t, symbolicBatch, where), zero_data: true },
      })),
      count: 1,
    },
  ];
  return config;
}

function instanceGroup(device: TritonDevice): PbMessage {
  const first = device.providers[0]!;
  if (first.name === 'cpu') return { count: 1, kind: protoEnum('KIND_CPU') };
  // WebGPU has no Triton counterpart: a GPU instance, which Triton's onnxruntime backend runs on CUDA.
  const id = first.options['deviceId'];
  return { count: 1, kind: protoEnum('KIND_GPU'), gpus: [typeof id === 'number' ? id : 0] };
}

/**
 * TensorRT's precision_mode for the profile (null without TensorRT): INT8 or FP16 when the profile's
 * precision or its TensorRT options (trt_int8_enable, trt_fp16_enable) say so, else FP32.
 */
export function tensorRtPrecision(device: TritonDevice): 'FP32' | 'FP16' | 'INT8' | null {
  const trt = device.providers.find((p) => p.name === 'tensorrt');
  if (!trt) return null;
  if (device.precision === 'int8' || trt.options['trt_int8_enable'] === true) return 'INT8';
  return device.precision === 'fp16' || trt.options['trt_fp16_enable'] === true ? 'FP16' : 'FP32';
}

/** The TensorRT accelerator's parameters (Triton onnxruntime backend names), or undefined without TensorRT. */
function tensorRtAccelerator(device: TritonDevice): PbMessage | undefined {
  const trt = device.providers.find((p) => p.name === 'tensorrt');
  if (!trt) return undefined;
  const o = trt.options;
  const parameters: [string, string][] = [['precision_mode', tensorRtPrecision(device)!]];
  if (typeof o['trt_max_workspace_size'] === 'number') parameters.push(['max_workspace_size_bytes', String(o['trt_max_workspace_size'])]);
  if (o['trt_engine_cache_enable'] === true) {
    parameters.push(['trt_engine_cache_enable', 'true']);
    if (typeof o['trt_engine_cache_path'] === 'string') parameters.push(['trt_engine_cache_path', o['trt_engine_cache_path']]);
  }
  return { name: 'tensorrt', parameters: parameters.map(([key, value]) => ({ key, value })) };
}

/**
 * The dims of the warm-up request (batch left out when batching): fixed dims as they are, symbolic
 * height and width at the contract's default size (the size the model was exported at).
 */
function warmupDims(model: Model, t: ValueInfo, symbolicBatch: boolean, where: string): number[] {
  const contract = readContract(model, where);
  const size = contract?.inputs.find((i) => i.name === t.name)?.defaultSize;
  const dims = t.shape.map((d, k) => {
    if (typeof d === 'number') return d;
    if (k === 0) return 1;
    if (t.shape.length === 4 && size && (k === 2 || k === 3)) return k === 2 ? size.height : size.width;
    throw new GcError('E_GRAPH', `${where}: input '${t.name}' dimension ${k} ('${d}') is symbolic and the model says no size for it`, {
      hint: 'export it with gc-export (its contract records the export size), or without --dynamic',
    });
  });
  return symbolicBatch ? dims.slice(1) : dims;
}
