/**
 * Which inputs of an op carry its float type T (and so follow the node's precision), per ONNX op
 * gc-export emits. The others keep their own type: Resize's `roi` and `scales` are float32 whatever
 * T is (opset 11-17), Pad's `pads` and Resize's `sizes` are int64. An op missing here is not known
 * to run in float16 and is kept in float32 by the fp16 pass.
 */

/** Op type -> the indices of its T-typed inputs ('all' for every input). */
const T_INPUTS: Readonly<Record<string, 'all' | readonly number[]>> = {
  Add: 'all',
  BatchNormalization: 'all',
  Clip: 'all',
  Concat: 'all',
  Conv: 'all',
  ConvTranspose: 'all',
  Identity: 'all',
  InstanceNormalization: 'all',
  LeakyRelu: 'all',
  Mul: 'all',
  Pad: [0, 2],
  Relu: 'all',
  Resize: [0],
  Tanh: 'all',
};

/** Whether the fp16 pass knows `opType` (it can run in float16). */
export function knowsOp(opType: string): boolean {
  return opType in T_INPUTS;
}

/**
 * Whether input `index` of an `opType` node carries the node's float type. An unknown op's inputs
 * all do: the pass keeps such a node in float32 and casts what it reads to float32.
 */
export function isTypedInput(opType: string, index: number): boolean {
  const t = T_INPUTS[opType];
  return t === undefined || t === 'all' || t.includes(index);
}
