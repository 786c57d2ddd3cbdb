/**
 * The output length of one spatial axis of an ONNX Conv or ConvTranspose with explicit pads
 * (auto_pad NOTSET): one formula each, shared by the MAC counter's shape inference and the
 * exporter's float64 reference kernels.
 */

/** One spatial axis of a (transposed) convolution: kernel size, stride, dilation and its two pads. */
export interface ConvAxis {
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padBegin: number;
  readonly padEnd: number;
}

/** Conv: floor((input + pads - dilation * (kernel - 1) - 1) / stride) + 1 (below 1: the kernel does not fit). */
export function convOutputSize(input: number, a: ConvAxis): number {
  return Math.floor((input + a.padBegin + a.padEnd - a.dilation * (a.kernel - 1) - 1) / a.stride) + 1;
}

/** ConvTranspose: (input - 1) * stride - pads + dilation * (kernel - 1) + outputPadding + 1. */
export function convTransposeOutputSize(input: number, a: ConvAxis, outputPadding: number): number {
  return (input - 1) * a.stride - a.padBegin - a.padEnd + a.dilation * (a.kernel - 1) + outputPadding + 1;
}
