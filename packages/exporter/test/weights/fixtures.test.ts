import { join } from 'path';
import { type StateDict } from '@gc-edge/core';
import { loadStateDict } from '@gc-edge/exporter';
import { gcErrorOf } from '../../../../test/support/gc-error';
import { HORSE2ZEBRA_SUPERNET, RESNET_FIXTURES, SPADE_FIXTURES } from '../../../../test/support/fixtures';

const RESNET = RESNET_FIXTURES;

function bytesOf(t: { data: Float32Array }): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function expectSame(a: StateDict, b: StateDict): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect({ name, shape: u.shape }).toEqual({ name, shape: t.shape });
    expect(Buffer.compare(bytesOf(u), bytesOf(t))).toBe(0);
  }
}

describe.each(['supernet', 'teacher'])('the resnet %s fixture', (stem) => {
  const zip = loadStateDict(join(RESNET, `${stem}.pth`));
  const legacy = loadStateDict(join(RESNET, `${stem}-legacy.pth`));
  const safetensors = loadStateDict(join(RESNET, `${stem}.safetensors`));

  it('loads from the zip format with every tensor the size its shape says', () => {
    expect(zip.size).toBeGreaterThan(40);
    for (const t of zip.values()) expect(t.data.length).toBe(t.shape.reduce((x, y) => x * y, 1));
    expect(zip.get('model.1.weight')!.shape).toEqual([stem === 'supernet' ? 16 : 8, 3, 7, 7]);
  });

  it('gives the same keys, shapes and values from the legacy format', () => {
    expectSame(zip, legacy);
  });

  it('gives the same keys, shapes and values from safetensors', () => {
    expectSame(zip, safetensors);
  });
});

describe('other fixtures', () => {
  it('loads the spade supernet, int64 num_batches_tracked scalars included', () => {
    const sd = loadStateDict(join(SPADE_FIXTURES, 'supernet.pth'));
    const tracked = [...sd.entries()].filter(([k]) => k.endsWith('num_batches_tracked'));
    expect(tracked.length).toBeGreaterThan(0);
    for (const [, t] of tracked) {
      expect(t.shape).toEqual([]);
      expect(t.data.length).toBe(1);
      expect(Number.isInteger(t.data[0])).toBe(true);
    }
    expect(sd.get('fc.weight')!.shape.length).toBe(4);
  });

  it('loads the ngf-32 benchmark supernet', () => {
    const sd = loadStateDict(HORSE2ZEBRA_SUPERNET);
    expect(sd.get('model.1.weight')!.shape).toEqual([32, 3, 7, 7]);
  });

  it('names the path of a missing weights file', () => {
    const err = gcErrorOf(() => loadStateDict('/nonexistent/dir/supernet.pth'));
    expect(err.code).toBe('E_WEIGHTS_IO');
    expect(err.message).toBe('/nonexistent/dir/supernet.pth: cannot read weights file (ENOENT)');
  });
});
