import { zipSync } from 'fflate';
import { readStateDict } from '@gc-edge/exporter';
import { gcErrorOf } from '../../../../test/support/gc-error';
import { f32, stateDictPickle, zipFile, type StorageSpec, type TensorSpec } from './torch-files';

function zipOf(
  storages: StorageSpec[],
  tensors: TensorSpec[],
  opts: Parameters<typeof stateDictPickle>[3] = {},
  prefix?: string,
): Uint8Array {
  return zipFile(stateDictPickle('zip', storages, tensors, opts), storages, { prefix });
}

function values(bytes: Uint8Array, name: string): number[] {
  return Array.from(readStateDict(bytes, 'w.pth').get(name)!.data);
}

const SIX: StorageSpec = { key: '0', type: 'FloatStorage', numel: 6, data: f32([0, 1, 2, 3, 4, 5]) };

describe('torch zip format (torch >= 1.6)', () => {
  it('widens float16 and bfloat16 storages to float32', () => {
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555, 0x7c00]).buffer); // 1, -2, ~1/3, inf
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc0a0, 0x3eab]).buffer); // 1, -5, ~1/3
    const bytes = zipOf(
      [
        { key: 'h', type: 'HalfStorage', numel: 4, data: half },
        { key: 'b', type: 'BFloat16Storage', numel: 3, data: bf16 },
      ],
      [
        { name: 'half', storage: 'h', size: [4] },
        { name: 'bf16', storage: 'b', size: [3] },
      ],
    );
    const sd = readStateDict(bytes, 'w.pth');
    expect(Array.from(sd.get('half')!.data)).toEqual([1, -2, Math.fround(0.333251953125), Infinity]);
    expect(Array.from(sd.get('bf16')!.data)).toEqual([1, -5, Math.fround(0.333984375)]);
  });

  it('widens float64 and int64 (num_batches_tracked) storages to float32 values', () => {
    const f64 = new Uint8Array(Float64Array.from([0.5, -1e-3]).buffer);
    const i64 = new Uint8Array(BigInt64Array.from([123456n, -7n]).buffer);
    const bytes = zipOf(
      [
        { key: 'd', type: 'DoubleStorage', numel: 2, data: f64 },
        { key: 'n', type: 'LongStorage', numel: 2, data: i64 },
      ],
      [
        { name: 'double', storage: 'd', size: [2] },
        { name: 'bn.num_batches_tracked', storage: 'n', size: [] },
        { name: 'neg', storage: 'n', offset: 1, size: [] },
      ],
    );
    const sd = readStateDict(bytes, 'w.pth');
    expect(Array.from(sd.get('double')!.data)).toEqual([0.5, Math.fround(-1e-3)]);
    expect(sd.get('bn.num_batches_tracked')!.shape).toEqual([]);
    expect(Array.from(sd.get('bn.num_batches_tracked')!.data)).toEqual([123456]);
    expect(Array.from(sd.get('neg')!.data)).toEqual([-7]);
  });

  it('gathers a non-contiguous (transposed) view in C order', () => {
    // storage holds a 2x3 matrix; the tensor is its 3x2 transpose
    const bytes = zipOf([SIX], [{ name: 't', storage: '0', size: [3, 2], stride: [1, 3] }]);
    expect(values(bytes, 't')).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('honours storage offsets of views sharing one storage', () => {
    const bytes = zipOf(
      [SIX],
      [
        { name: 'a', storage: '0', offset: 1, size: [2] },
        { name: 'b', storage: '0', offset: 2, size: [2, 2], stride: [2, 1] },
        { name: 'c', storage: '0', offset: 5, size: [1, 1] },
      ],
    );
    const sd = readStateDict(bytes, 'w.pth');
    expect(Array.from(sd.get('a')!.data)).toEqual([1, 2]);
    expect(Array.from(sd.get('b')!.data)).toEqual([2, 3, 4, 5]);
    expect(sd.get('b')!.shape).toEqual([2, 2]);
    expect(Array.from(sd.get('c')!.data)).toEqual([5]);
  });

  it('refuses a view that reaches past the end of its storage', () => {
    const err = gcErrorOf(() => readStateDict(zipOf([SIX], [{ name: 'w', storage: '0', offset: 3, size: [2, 2] }]), 'w.pth'));
    expect(err.code).toBe('E_WEIGHTS_FORMAT');
    expect(err.message).toBe(
      "w.pth: tensor 'w' (size [2, 2], stride [2, 1], offset 3) reaches element 6 but its storage '0' holds 6 elements",
    );
  });

  it('refuses zero strides that would decode far more than the file holds, without allocating', () => {
    const err = gcErrorOf(() => readStateDict(zipOf([SIX], [{ name: 'w', storage: '0', size: [60000, 60000], stride: [0, 0] }]), 'w.pth'));
    expect(err.message).toMatch(/^w\.pth: tensor 'w' brings the decoded total to 3600000000 elements, more than this file can hold/);
  });

  it('refuses a storage record smaller than its declared element count', () => {
    const small = { ...SIX, data: f32([0, 1]) };
    const err = gcErrorOf(() => readStateDict(zipOf([small], [{ name: 'w', storage: '0', size: [6] }]), 'w.pth'));
    expect(err.message).toMatch(/storage '0' declares 6 float32 elements \(24 bytes\) but archive\/data\/0 holds 8 bytes$/);
  });

  it('refuses a persistent id naming a storage missing from the archive', () => {
    const pkl = stateDictPickle('zip', [SIX], [{ name: 'w', storage: '0', size: [6] }]);
    const err = gcErrorOf(() => readStateDict(zipFile(pkl, []), 'w.pth'));
    expect(err.message).toMatch(/BINPERSID \(0x51\)\): persistent id: storage '0' has no member archive\/data\/0 in the archive$/);
  });

  it('finds data.pkl whatever the top folder is called', () => {
    const bytes = zipOf([SIX], [{ name: 'w', storage: '0', size: [6] }], {}, 'latest_net_G');
    expect(values(bytes, 'w')).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('unwraps a checkpoint dict holding the state_dict under one key', () => {
    for (const key of ['state_dict', 'netG', 'generator']) {
      const bytes = zipOf([SIX], [{ name: 'w', storage: '0', size: [6] }], { wrap: key });
      expect([...readStateDict(bytes, 'w.pth').keys()]).toEqual(['w']);
    }
  });

  it('strips the module. prefix DataParallel adds', () => {
    const bytes = zipOf(
      [SIX],
      [
        { name: 'module.model.1.weight', storage: '0', size: [6] },
        { name: 'module.model.1.bias', storage: '0', size: [1] },
      ],
    );
    expect([...readStateDict(bytes, 'w.pth').keys()]).toEqual(['model.1.weight', 'model.1.bias']);
  });

  it('refuses a non-tensor entry in the state_dict, naming its key', () => {
    const bytes = zipOf([SIX], [{ name: 'w', storage: '0', size: [6] }], { extra: { 'model.1.stride': 2 } });
    expect(gcErrorOf(() => readStateDict(bytes, 'w.pth')).message).toBe("w.pth: entry 'model.1.stride' is a int, expected a tensor");
  });

  it('refuses a top-level object that is not a dict', () => {
    const err = gcErrorOf(() => readStateDict(zipFile(Uint8Array.from([0x80, 2, 0x5d, 0x2e]), []), 'w.pth'));
    expect(err.message).toBe('w.pth: the checkpoint holds a list, not a state_dict');
  });

  it('reports a truncated archive cleanly', () => {
    const bytes = zipOf([SIX], [{ name: 'w', storage: '0', size: [6] }]);
    for (const cut of [bytes.length - 1, bytes.length - 30, Math.floor(bytes.length / 2), 10]) {
      const err = gcErrorOf(() => readStateDict(bytes.subarray(0, cut), 'w.pth'));
      expect(err.code).toBe('E_WEIGHTS_FORMAT');
    }
  });

  it('refuses a central directory that lies about a member size', () => {
    const bytes = zipOf([SIX], [{ name: 'w', storage: '0', size: [6] }]);
    // the last occurrence of the name is its central directory entry, whose fixed part is 46 bytes
    const entry = Buffer.from(bytes).lastIndexOf(Buffer.from('archive/data/0')) - 46;
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(entry + 24, 0x7fffffff, true); // uncompressed size
    const err = gcErrorOf(() => readStateDict(bytes, 'w.pth'));
    expect(err.message).toBe('w.pth: archive member archive/data/0 claims 2147483647 bytes from 24 bytes with compression method 0');
  });

  it('never inflates a member the pickle does not reference, however big it claims to be', () => {
    const extra: StorageSpec = { key: '99', type: 'FloatStorage', numel: 6, data: f32([9, 9, 9, 9, 9, 9]) };
    const bytes = zipFile(stateDictPickle('zip', [SIX], [{ name: 'w', storage: '0', size: [6] }]), [SIX, extra]);
    // a zip bomb's member: the central directory says 2 GB (inflating it would be refused, or fill memory)
    const entry = Buffer.from(bytes).lastIndexOf(Buffer.from('archive/data/99')) - 46;
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(entry + 24, 0x7fffffff, true);
    expect(values(bytes, 'w')).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses a referenced member that holds more bytes than its storage declares', () => {
    const big = { ...SIX, data: f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) };
    const err = gcErrorOf(() => readStateDict(zipOf([big], [{ name: 'w', storage: '0', size: [6] }]), 'w.pth'));
    expect(err.code).toBe('E_WEIGHTS_FORMAT');
    expect(err.message).toBe('w.pth: archive member archive/data/0 holds 48 bytes, more than the 24 its storage declares');
  });

  it('refuses a big-endian archive', () => {
    const bytes = zipFile(stateDictPickle('zip', [SIX], []), [SIX], { byteorder: 'big' });
    expect(gcErrorOf(() => readStateDict(bytes, 'w.pth')).message).toBe("w.pth: archive/byteorder is 'big', only 'little' is supported");
  });

  it('points at TorchScript archives', () => {
    const err = gcErrorOf(() =>
      readStateDict(zipSync({ 'm/constants.pkl': new Uint8Array([1]), 'm/code/x.py': new Uint8Array([1]) }, { level: 0 }), 'm.pt'),
    );
    expect(err.message).toMatch(/expected one <archive>\/data\.pkl in the zip, found 0/);
    expect(err.hint).toMatch(/TorchScript/);
  });
});
