/**
 * Float16 model inputs and outputs (gc-export --precision fp16 --io fp16) behind gc-edge's float32
 * tensors: a session converts a float32 feed to float16 for such an input (rounding to nearest
 * even) and a float16 output back to float32, so gc-serve and its clients keep speaking FP32.
 */
import { fromFloat16Bits, GcError, toFloat16Bits } from '@gc-edge/core';
import { Tensor } from 'onnxruntime-node';
import type { FloatTensor } from './types';

/** An onnxruntime tensor of the model input's type (float32, or float16 converted) from float32 data. */
export function feedTensor(t: FloatTensor, type: string, where: string): Tensor {
  if (type === 'float16') return new Tensor('float16', toFloat16Bits(t.data), t.dims);
  if (type !== 'float32') {
    throw new GcError('E_SESSION', `${where} is ${type}; gc-edge sessions feed float32 (or float16) tensors only`, {
      hint: 'export the model with float32 inputs (gc-export without --io fp16)',
    });
  }
  return new Tensor('float32', t.data, t.dims);
}

/** A float32 or float16 output as float32 data; undefined for any other type. */
export function outputData(t: Tensor): Float32Array | undefined {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') return fromFloat16Bits(t.data as Uint16Array);
  return undefined;
}
