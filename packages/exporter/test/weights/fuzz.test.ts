/**
 * Fuzzing the readers with mutated and truncated files: each must return a well-formed state_dict
 * or throw a GcError — never another exception, never a hang (jest's timeout catches that).
 * Seeded and bounded so the suite stays a few seconds; mutations favour the structural parts
 * (pickles, headers, zip directories) where the parsers live.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import { GcError } from '@gc-edge/core';
import { readStateDict } from '@gc-edge/exporter';
import { bothFormats, f32, type StorageSpec, type TensorSpec } from './torch-files';
import { RESNET_FIXTURES } from '../../../../test/support/fixtures';

const RESNET = RESNET_FIXTURES;

/** Reads `bytes`; a GcError is a pass, a state_dict must be self-consistent, anything else fails. */
function readsOrRefusesCleanly(bytes: Uint8Array): void {
  let sd;
  try {
    sd = readStateDict(bytes, 'fuzzed');
  } catch (e) {
    if (e instanceof GcError) return;
    throw e;
  }
  for (const t of sd.values()) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
}

interface Target {
  name: string;
  bytes: Uint8Array;
  /** Structural regions: this many bytes at the start and at the end. */
  head: number;
  tail: number;
}

function mutations(t: Target) {
  const n = t.bytes.length;
  const pos = fc.oneof(
    fc.integer({ min: 0, max: Math.min(t.head, n) - 1 }),
    fc.integer({ min: Math.max(0, n - t.tail), max: n - 1 }),
    fc.integer({ min: 0, max: n - 1 }),
  );
  const value = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0x7f, 0x80, 0xff));
  return fc.array(fc.tuple(pos, value), { minLength: 1, maxLength: 6 });
}

function fuzz(t: Target, runs: { mutate: number; truncate: number }, seed: number): void {
  it(`${t.name}: mutated bytes read or refuse cleanly`, () => {
    fc.assert(
      fc.property(mutations(t), (muts) => {
        const b = Uint8Array.from(t.bytes);
        for (const [p, v] of muts) b[p] = v;
        readsOrRefusesCleanly(b);
      }),
      { seed, numRuns: runs.mutate },
    );
  });
  it(`${t.name}: truncated files refuse cleanly`, () => {
    const n = t.bytes.length;
    const cut = fc.oneof(fc.integer({ min: 0, max: Math.min(t.head, n - 1) }), fc.integer({ min: 0, max: n - 1 }));
    fc.assert(
      fc.property(cut, (c) => {
        readsOrRefusesCleanly(t.bytes.subarray(0, c));
      }),
      { seed: seed + 1, numRuns: runs.truncate },
    );
  });
}

describe('fuzzed fixtures', () => {
  const file = (f: string) => new Uint8Array(readFileSync(join(RESNET, f)));
  // heads: the legacy pickles end near byte 20000; safetensors' JSON header is 8 KiB; the zip's
  // data.pkl is its first member and its central directory is the last ~8 KiB
  fuzz({ name: 'supernet.pth (zip)', bytes: file('supernet.pth'), head: 18000, tail: 9000 }, { mutate: 150, truncate: 40 }, 1001);
  fuzz({ name: 'supernet-legacy.pth', bytes: file('supernet-legacy.pth'), head: 20000, tail: 64 }, { mutate: 150, truncate: 40 }, 2002);
  fuzz({ name: 'supernet.safetensors', bytes: file('supernet.safetensors'), head: 8200, tail: 64 }, { mutate: 150, truncate: 40 }, 3003);
});

describe('fuzzed small hand-made files', () => {
  const storages: StorageSpec[] = [
    { key: '0', type: 'FloatStorage', numel: 6, data: f32([0, 1, 2, 3, 4, 5]) },
    { key: '1', type: 'HalfStorage', numel: 2, data: new Uint8Array(new Uint16Array([0x3c00, 0x4000]).buffer) },
    { key: '2', type: 'LongStorage', numel: 1, data: new Uint8Array(BigInt64Array.from([5n]).buffer) },
  ];
  const tensors: TensorSpec[] = [
    { name: 'w', storage: '0', size: [3, 2], stride: [1, 3] },
    { name: 'b', storage: '0', offset: 4, size: [2] },
    { name: 'h', storage: '1', size: [2] },
    { name: 'n', storage: '2', size: [] },
  ];
  const { zip, legacy } = bothFormats(storages, tensors);
  fuzz({ name: 'small zip', bytes: zip, head: zip.length, tail: zip.length }, { mutate: 400, truncate: 100 }, 4004);
  fuzz({ name: 'small legacy', bytes: legacy, head: legacy.length, tail: legacy.length }, { mutate: 400, truncate: 100 }, 5005);
});
