import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { encodePng } from '../../src/image/png-encode';

/** The chunks of a PNG, in order, each CRC checked by the caller via sharp/libpng decoding. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    out.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

const rgbImage = fc
  .record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }) })
  .chain(({ width, height }) =>
    fc.uint8Array({ minLength: width * height * 3, maxLength: width * height * 3 }).map((data) => ({ data, width, height })),
  );

describe('encodePng', () => {
  it('decodes (libvips/libpng, CRCs checked) to exactly the pixels it was given, at every zlib level', async () => {
    await fc.assert(
      fc.asyncProperty(rgbImage, fc.integer({ min: 0, max: 9 }), async (img, level) => {
        const png = encodePng(img, level);
        const { data, info } = await sharp(png, { failOn: 'warning' }).raw().toBuffer({ resolveWithObject: true });
        expect([info.width, info.height, info.channels]).toEqual([img.width, img.height, 3]);
        expect(Buffer.compare(data, Buffer.from(img.data))).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('writes IHDR (8-bit RGB, no interlace), one IDAT of None-filtered rows, IEND', () => {
    const img = { data: Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 7), width: 3, height: 2 };
    const png = encodePng(img, 0);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [ihdr, idat, iend, ...rest] = chunks(png);
    expect(rest).toEqual([]);
    expect(ihdr!.type).toBe('IHDR');
    expect([ihdr!.data.readUInt32BE(0), ihdr!.data.readUInt32BE(4), ...ihdr!.data.subarray(8)]).toEqual([3, 2, 8, 2, 0, 0, 0]);
    expect(idat!.type).toBe('IDAT');
    const rows = inflateSync(idat!.data);
    expect(Array.from(rows)).toEqual([0, ...img.data.subarray(0, 9), 0, ...img.data.subarray(9)]);
    expect(iend).toEqual({ type: 'IEND', data: Buffer.alloc(0) });
  });

  it('level 0 stores: the size is the pixels plus a fixed frame', () => {
    const img = { data: new Uint8Array(256 * 256 * 3).fill(200), width: 256, height: 256 };
    // rows with filter bytes + PNG frame (8 + 3*12 + 13) + zlib header/adler (6) + 5 bytes per stored block
    const rows = 256 * (256 * 3 + 1);
    const stored = encodePng(img, 0).length;
    expect(stored).toBeGreaterThan(rows + 57 + 6);
    expect(stored - rows).toBeLessThan(200);
    expect(encodePng(img, 9).length).toBeLessThan(2000);
  });

  it('refuses pixels that do not match the size', () => {
    expect(() => encodePng({ data: new Uint8Array(5), width: 1, height: 2 }, 0)).toThrow(
      'PNG writer: 5 bytes for a 1x2 RGB image (expected 6)',
    );
    expect(() => encodePng({ data: new Uint8Array(0), width: 0, height: 2 }, 0)).toThrow('PNG writer: 0x2 is not a size PNG can hold');
  });
});
