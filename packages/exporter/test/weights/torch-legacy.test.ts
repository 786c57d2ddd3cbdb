import { readStateDict } from '@gc-edge/exporter';
import { gcErrorOf } from '../../../../test/support/gc-error';
import { PickleWriter } from './pickle-writer';
import { bothFormats, f32, legacyFile, stateDictPickle, type StorageSpec, type TensorSpec } from './torch-files';

const TEN: StorageSpec = { key: '140215', type: 'FloatStorage', numel: 10, data: f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) };
const HALF: StorageSpec = { key: '140999', type: 'HalfStorage', numel: 2, data: new Uint8Array(new Uint16Array([0x3800, 0xbc00]).buffer) };

function legacyOf(storages: StorageSpec[], tensors: TensorSpec[], counts?: number[]): Uint8Array {
  return legacyFile(stateDictPickle('legacy', storages, tensors), storages, counts);
}

describe('torch legacy format (torch < 1.6)', () => {
  it('reads the same tensors as the zip format, float16 and strided views included', () => {
    const tensors: TensorSpec[] = [
      { name: 'a', storage: TEN.key, offset: 2, size: [2, 3], stride: [1, 2] },
      { name: 'h', storage: HALF.key, size: [2] },
    ];
    const { zip, legacy } = bothFormats([TEN, HALF], tensors);
    const fromLegacy = readStateDict(legacy, 'old.pth');
    expect(Array.from(fromLegacy.get('a')!.data)).toEqual([2, 4, 6, 3, 5, 7]);
    expect(Array.from(fromLegacy.get('h')!.data)).toEqual([0.5, -1]);
    expect(fromLegacy).toEqual(readStateDict(zip, 'new.pth'));
  });

  it('applies view_metadata (a storage view) before the tensor offset', () => {
    const bytes = legacyOf([TEN], [{ name: 'v', storage: TEN.key, view: { key: 'view1', offset: 4, size: 4 }, offset: 1, size: [2] }]);
    expect(Array.from(readStateDict(bytes, 'old.pth').get('v')!.data)).toEqual([5, 6]);
  });

  it('refuses a storage view outside its root storage', () => {
    const bytes = legacyOf([TEN], [{ name: 'v', storage: TEN.key, view: { key: 'view1', offset: 8, size: 4 }, size: [1] }]);
    expect(gcErrorOf(() => readStateDict(bytes, 'old.pth')).message).toMatch(
      /persistent id: view \[8, 12\) of storage '140215' lies outside its 10 elements$/,
    );
  });

  it('refuses a wrong magic number', () => {
    const good = legacyOf([TEN], [{ name: 'w', storage: TEN.key, size: [10] }]);
    const bad = Uint8Array.from(good);
    bad[4]! ^= 0x01; // byte 4: the low byte of the pickled magic number the file starts with
    expect(gcErrorOf(() => readStateDict(bad, 'old.pth')).message).toMatch(/^old\.pth: magic number is 0x1950a86a20f9469cfc6d, expected 0x1950a86a20f9469cfc6c$/);
  });

  it('refuses a storage whose element count disagrees with the pickle', () => {
    const bytes = legacyOf([TEN], [{ name: 'w', storage: TEN.key, size: [10] }], [9]);
    expect(gcErrorOf(() => readStateDict(bytes, 'old.pth')).message).toMatch(/^old\.pth: storage '140215' \(#0 of 1\) at byte \d+: element count is 9, the pickle declared 10$/);
  });

  it('refuses storage data that runs past the end of the file', () => {
    const bytes = legacyOf([TEN], [{ name: 'w', storage: TEN.key, size: [10] }]);
    const err = gcErrorOf(() => readStateDict(bytes.subarray(0, bytes.length - 4), 'old.pth'));
    expect(err.message).toMatch(/storage '140215' \(#0 of 1\) at byte \d+: needs 40 bytes of data but the file ends at byte \d+$/);
  });

  it('refuses a storage key list that names a storage the object never used', () => {
    const pkl = stateDictPickle('legacy', [TEN], [{ name: 'w', storage: TEN.key, size: [10] }]);
    const bytes = legacyFile(pkl, [TEN, { ...TEN, key: 'stray' }]);
    expect(gcErrorOf(() => readStateDict(bytes, 'old.pth')).message).toMatch(/storage key #1 \('stray'\) is not used by the pickled object$/);
  });

  it('refuses a wrong legacy protocol version', () => {
    const good = legacyOf([TEN], [{ name: 'w', storage: TEN.key, size: [10] }]);
    const bad = Uint8Array.from(good);
    bad[18] = 0xea; // BININT2 1001 (e9 03 at bytes 18-19) -> 1002
    expect(gcErrorOf(() => readStateDict(bad, 'old.pth')).message).toBe('old.pth: legacy protocol version is 1002, expected 1001');
  });

  it('refuses a pickle with the magic number importing subprocess.Popen', () => {
    const pkl = new PickleWriter().proto(2).global('subprocess', 'Popen').str('ls').raw(0x85).reduce().stop().bytes();
    const err = gcErrorOf(() => readStateDict(legacyFile(pkl, []), 'old.pth'));
    expect(err.code).toBe('E_PICKLE_GLOBAL');
    expect(err.message).toMatch(/^old\.pth: pickle at byte \d+ imports subprocess\.Popen, which a state_dict never needs/);
  });
});
