import { crc32 } from 'node:zlib';
import { PNG_SIGNATURE, type PngChunk, hasPngSignature, walkPngChunks } from '../../src/image/png-chunks';

function chunk(type: string, data: number[]): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const png = Buffer.concat([
  Buffer.from(PNG_SIGNATURE),
  chunk('IHDR', new Array<number>(13).fill(1)),
  chunk('tEXt', [65, 0, 66]),
  chunk('IDAT', [9, 9]),
  chunk('IEND', []),
  Buffer.from('trailing'),
]);

function types(bytes: Uint8Array, stopAt?: string): { seen: string[]; cut: PngChunk | undefined } {
  const seen: string[] = [];
  const cut = walkPngChunks(bytes, (c) => {
    seen.push(`${c.type}@${c.data}+${c.length}`);
    return c.type !== stopAt;
  });
  return { seen, cut };
}

describe('walkPngChunks', () => {
  it('visits each chunk with where its data is, and stops at IEND (trailing bytes unread)', () => {
    expect(types(png)).toEqual({ seen: ['IHDR@16+13', 'tEXt@41+3', 'IDAT@56+2', 'IEND@70+0'], cut: undefined });
  });

  it('stops where the visitor says', () => {
    expect(types(png, 'tEXt').seen).toEqual(['IHDR@16+13', 'tEXt@41+3']);
  });

  it('returns the chunk that runs past the end, unvisited', () => {
    const cutShort = png.subarray(0, 60); // inside IDAT's data
    expect(types(cutShort)).toEqual({ seen: ['IHDR@16+13', 'tEXt@41+3'], cut: { type: 'IDAT', data: 56, length: 2 } });
    expect(types(png.subarray(0, 8 + 6)).seen).toEqual([]); // not even a whole chunk header
  });

  it('hasPngSignature', () => {
    expect(hasPngSignature(png)).toBe(true);
    expect(hasPngSignature(png.subarray(0, 7))).toBe(false);
    expect(hasPngSignature(Buffer.from('GIF89a..'))).toBe(false);
  });
});
