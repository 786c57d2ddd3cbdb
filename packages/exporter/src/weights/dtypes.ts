/**
 * Element types a weights file may store, and their conversion to float32 values: the one place
 * that knows item sizes and bit layouts (all little-endian, as written on every platform we read).
 */
export type DType = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const ITEM_SIZE: Readonly<Record<DType, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let halfTable: Float32Array | undefined;
/** All 65536 float16 bit patterns as float32 (256 KiB, built once on first use). */
function half(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  halfTable = t;
  return t;
}

/** A function reading element `i` (in items, from `base`) of a little-endian byte buffer as a number. */
type ElementReader = (i: number) => number;

function elementReader(bytes: Uint8Array, base: number, dtype: DType): ElementReader {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'float32':
      return (i) => v.getFloat32(base + 4 * i, true);
    case 'float16': {
      const t = half();
      return (i) => t[v.getUint16(base + 2 * i, true)]!;
    }
    case 'bfloat16': {
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      return (i) => {
        u[0] = v.getUint16(base + 2 * i, true) << 16;
        return f[0]!;
      };
    }
    case 'float64':
      return (i) => v.getFloat64(base + 8 * i, true);
    case 'int64':
      return (i) => v.getUint32(base + 8 * i, true) + v.getInt32(base + 8 * i + 4, true) * 4294967296;
    case 'int32':
      return (i) => v.getInt32(base + 4 * i, true);
    case 'int16':
      return (i) => v.getInt16(base + 2 * i, true);
    case 'int8':
      return (i) => v.getInt8(base + i);
    case 'uint8':
      return (i) => v.getUint8(base + i);
    case 'bool':
      return (i) => (v.getUint8(base + i) ? 1 : 0);
  }
}

/**
 * `count` contiguous elements starting at byte `base` as float32. The caller has checked that
 * `base + count * itemsize <= bytes.length`. float32 is one copy, no per-element loop.
 */
export function decodeContiguous(bytes: Uint8Array, base: number, count: number, dtype: DType): Float32Array {
  if (dtype === 'float32' && HOST_LE) {
    // Uint8Array#slice copies (Buffer#slice would be a view into a shared, maybe unaligned buffer)
    const copy = Uint8Array.prototype.slice.call(bytes, base, base + 4 * count);
    return new Float32Array(copy.buffer, 0, count);
  }
  const out = new Float32Array(count);
  const read = elementReader(bytes, base, dtype);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

/**
 * Gathers a strided view (`shape`, `stride` in elements, starting at element `offset` of a storage
 * that begins at byte `base`) into a dense C-order float32 array. Bounds are the caller's job
 * (see `viewExtent`).
 */
export function decodeStrided(
  bytes: Uint8Array,
  base: number,
  dtype: DType,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
): Float32Array {
  let count = 1;
  for (const d of shape) count *= d;
  if (isContiguous(shape, stride)) return decodeContiguous(bytes, base + offset * ITEM_SIZE[dtype], count, dtype);
  const out = new Float32Array(count);
  if (count === 0) return out;
  const read = elementReader(bytes, base, dtype);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = offset;
  for (let o = 0; o < count; o++) {
    out[o] = read(src);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      src += stride[d]!;
      if (index[d]! < shape[d]!) break;
      src -= stride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/**
 * The smallest and largest element index a view touches, or undefined for an empty view.
 * Strides may be negative in principle; PyTorch never writes them but we still bound them.
 */
export function viewExtent(offset: number, shape: readonly number[], stride: readonly number[]): { min: number; max: number } | undefined {
  let min = offset;
  let max = offset;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return undefined;
    const span = (shape[d]! - 1) * stride[d]!;
    if (span < 0) min += span;
    else max += span;
  }
  return { min, max };
}
