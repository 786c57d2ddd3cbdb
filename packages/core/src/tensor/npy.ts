/** NumPy .npy (format 1.0-3.0), little-endian float32/float64/int64/uint8, C order: read and write. */
import { GcError } from '../errors';
import { numel } from './tensor';

export interface NpyArray {
  readonly dtype: 'float32' | 'float64' | 'int64' | 'uint8';
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array | BigInt64Array | Uint8Array;
}

const MAGIC = '\x93NUMPY';
const DTYPES: Record<string, { dtype: NpyArray['dtype']; size: number }> = {
  '<f4': { dtype: 'float32', size: 4 },
  '<f8': { dtype: 'float64', size: 8 },
  '<i8': { dtype: 'int64', size: 8 },
  '|u1': { dtype: 'uint8', size: 1 },
};

export function parseNpy(buf: Uint8Array, where = 'npy'): NpyArray {
  const bad = (what: string): GcError => new GcError('E_WEIGHTS_FORMAT', `${where}: ${what}`);
  if (buf.length < 10 || Buffer.from(buf.subarray(0, 6)).toString('latin1') !== MAGIC) throw bad('not a .npy file (bad magic)');
  const major = buf[6]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > buf.length) throw bad('header runs past the end of the file');
  const header = Buffer.from(buf.subarray(start, start + headerLen)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw bad(`unreadable header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw bad('Fortran-order arrays are not supported');
  const kind = DTYPES[descr];
  if (!kind) throw bad(`dtype ${descr} is not supported (float32, float64, int64, uint8 are)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const n = numel(shape);
  const offset = start + headerLen;
  if (offset + n * kind.size > buf.length) throw bad(`data needs ${n * kind.size} bytes, file has ${buf.length - offset}`);
  // a copy (Buffer#slice would be a view): aligned and owned
  const bytes = Uint8Array.prototype.slice.call(buf, offset, offset + n * kind.size);
  const ab = bytes.buffer;
  const data =
    kind.dtype === 'float32' ? new Float32Array(ab, 0, n)
    : kind.dtype === 'float64' ? new Float64Array(ab, 0, n)
    : kind.dtype === 'int64' ? new BigInt64Array(ab, 0, n)
    : new Uint8Array(ab, 0, n);
  return { dtype: kind.dtype, shape, data };
}

export function formatNpy(arr: NpyArray): Uint8Array {
  const descr = Object.entries(DTYPES).find(([, v]) => v.dtype === arr.dtype)?.[0];
  if (descr === undefined) {
    const valid = Object.values(DTYPES).map((v) => v.dtype).join(', ');
    throw new GcError('E_INTERNAL', `npy: cannot write dtype '${String(arr.dtype)}'; expected one of ${valid}`);
  }
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write(MAGIC, 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const d = arr.data;
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(d.buffer, d.byteOffset, d.byteLength)]);
}
