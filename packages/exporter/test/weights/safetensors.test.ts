import { readFileSync } from 'fs';
import { join } from 'path';
import { GcError } from '@gc-edge/core';
import { readStateDict } from '@gc-edge/exporter';
import { RESNET_FIXTURES } from '../../../../test/support/fixtures';

const RESNET = RESNET_FIXTURES;

/** Builds a safetensors file from a header object and a data area. */
function safetensors(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectFormatError(bytes: Uint8Array, pattern: RegExp): void {
  let caught: unknown;
  try {
    readStateDict(bytes, 'w.safetensors');
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(GcError);
  expect((caught as GcError).code).toBe('E_WEIGHTS_FORMAT');
  expect((caught as GcError).message).toMatch(pattern);
}

describe('safetensors reader', () => {
  it('reads the resnet supernet fixture with shapes matching the data', () => {
    const sd = readStateDict(readFileSync(join(RESNET, 'supernet.safetensors')), 'supernet.safetensors');
    expect(sd.size).toBeGreaterThan(10);
    const first = sd.get('model.1.weight')!;
    expect(first.shape).toEqual([16, 3, 7, 7]);
    for (const t of sd.values()) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
  });

  it('widens F16, BF16, F64 and I64 to float32 values and ignores __metadata__', () => {
    const data = new Uint8Array(2 + 2 + 8 + 8);
    const v = new DataView(data.buffer);
    v.setUint16(0, 0x3e00, true); // f16 1.5
    v.setUint16(2, 0xc040, true); // bf16 -3.0
    v.setFloat64(4, 0.25, true);
    v.setBigInt64(12, 7n, true);
    const sd = readStateDict(
      safetensors(
        {
          __metadata__: { format: 'pt' },
          h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] },
          b: { dtype: 'BF16', shape: [1], data_offsets: [2, 4] },
          d: { dtype: 'F64', shape: [1, 1], data_offsets: [4, 12] },
          n: { dtype: 'I64', shape: [], data_offsets: [12, 20] },
        },
        data,
      ),
      'w.safetensors',
    );
    expect([...sd.keys()]).toEqual(['h', 'b', 'd', 'n']);
    expect(Array.from(sd.get('h')!.data)).toEqual([1.5]);
    expect(Array.from(sd.get('b')!.data)).toEqual([-3]);
    expect(sd.get('d')!.shape).toEqual([1, 1]);
    expect(Array.from(sd.get('d')!.data)).toEqual([0.25]);
    expect(sd.get('n')!.shape).toEqual([]);
    expect(Array.from(sd.get('n')!.data)).toEqual([7]);
  });

  it('refuses a header length larger than the file', () => {
    const good = safetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
    new DataView(good.buffer).setUint32(0, 1 << 20, true);
    expectFormatError(good, /header length says 1048576 bytes but only \d+ follow it/);
  });

  it('refuses data_offsets past the end of the data area', () => {
    expectFormatError(
      safetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)),
      /tensor 'a': data_offsets \[0, 8\] lie outside the data area of 4 bytes/,
    );
  });

  it('refuses a shape whose byte length differs from data_offsets', () => {
    expectFormatError(
      safetensors({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /shape \[3\] of F32 needs 12 bytes but data_offsets span 8/,
    );
  });

  it('refuses an unsupported dtype by listing the supported ones', () => {
    expectFormatError(
      safetensors({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /dtype "C64" is not supported \(one of F32, F16, BF16/,
    );
  });

  it('refuses a header that is not JSON', () => {
    const bytes = safetensors({ a: 1 }, new Uint8Array(0));
    bytes[bytes.length - 1] = 0x2c; // '}' -> ','
    expectFormatError(bytes, /header \(bytes 8\.\.\d+\) is not valid UTF-8 JSON/);
  });
});
