import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { readPngHeader } from '../../src/image/png-header';

/** A PNG chunk with its CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** `png` with `extra` inserted right after IHDR. */
function withChunk(png: Buffer, extra: Buffer): Buffer {
  const afterIhdr = 8 + 12 + 13;
  return Buffer.concat([png.subarray(0, afterIhdr), extra, png.subarray(afterIhdr)]);
}

async function sharpFacts(png: Buffer): Promise<unknown> {
  const m = await sharp(png).metadata();
  return { width: m.width, height: m.height, channels: m.channels, hasAlpha: m.hasAlpha };
}

const base = (channels: 1 | 2 | 3 | 4): sharp.Sharp =>
  sharp({
    create: {
      width: 7,
      height: 5,
      channels: channels === 1 || channels === 2 ? 3 : channels,
      background: { r: 10, g: 200, b: 30, alpha: 0.5 },
    },
  });

describe('readPngHeader', () => {
  const cases: [string, () => Promise<Buffer>][] = [
    ['grey', () => base(3).toColourspace('b-w').png().toBuffer()],
    ['grey + alpha', () => base(4).toColourspace('b-w').png().toBuffer()],
    ['RGB', () => base(3).png().toBuffer()],
    ['RGBA', () => base(4).png().toBuffer()],
    ['16-bit RGB', () => base(3).toColourspace('rgb16').png().toBuffer()],
    ['palette', () => base(3).png({ palette: true }).toBuffer()],
    ['palette + tRNS', () => base(4).png({ palette: true }).toBuffer()],
    ['RGB + tRNS', async () => withChunk(await base(3).png().toBuffer(), chunk('tRNS', Buffer.from([0, 1, 0, 2, 0, 3])))],
    ['grey + tRNS', async () => withChunk(await base(3).toColourspace('b-w').png().toBuffer(), chunk('tRNS', Buffer.from([0, 9])))],
    ['interlaced', () => base(3).png({ progressive: true }).toBuffer()],
    ['a text chunk', async () => withChunk(await base(3).png().toBuffer(), chunk('tEXt', Buffer.from('Software\0gc-edge')))],
  ];

  it.each(cases)('%s: size, channels and alpha as sharp reads them', async (_what, make) => {
    const png = await make();
    const header = readPngHeader(png);
    expect(header).toBeDefined();
    expect(header).toEqual(await sharpFacts(png));
  });

  it('leaves a PNG that may carry an EXIF orientation to sharp', async () => {
    const rotated = await base(3).withMetadata({ orientation: 6 }).png().toBuffer();
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    expect(readPngHeader(rotated)).toBeUndefined();
    const plain = await base(3).png().toBuffer();
    for (const keyword of ['Raw profile type exif', 'Raw profile type APP1', 'XML:com.adobe.xmp']) {
      expect(readPngHeader(withChunk(plain, chunk('iTXt', Buffer.from(`${keyword}\0\0\0\0\0...`))))).toBeUndefined();
      expect(readPngHeader(withChunk(plain, chunk('zTXt', Buffer.from(`${keyword}\0\0x`))))).toBeUndefined();
    }
  });

  it('vouches for nothing damaged or not a PNG', async () => {
    const png = await base(3).png().toBuffer();
    const jpeg = await base(3).jpeg().toBuffer();
    expect(readPngHeader(jpeg)).toBeUndefined();
    expect(readPngHeader(new Uint8Array(0))).toBeUndefined();
    expect(readPngHeader(png.subarray(0, 30))).toBeUndefined(); // IHDR cut short
    const lying = Buffer.from(png);
    lying.writeUInt32BE(0x7fffffff, 8 + 12 + 13); // the chunk after IHDR claims to run past the end
    expect(readPngHeader(lying)).toBeUndefined();
    const zero = Buffer.from(png);
    zero.writeUInt32BE(0, 16); // width 0
    expect(readPngHeader(zero)).toBeUndefined();
    const notIhdr = Buffer.from(png);
    notIhdr.write('IHDX', 12, 'latin1');
    expect(readPngHeader(notIhdr)).toBeUndefined();
  });

  it('reads a view into a larger buffer (a request body slice) at its own offset', async () => {
    const png = await base(4).png().toBuffer();
    const big = Buffer.concat([Buffer.alloc(13, 1), png, Buffer.alloc(5)]);
    expect(readPngHeader(big.subarray(13, 13 + png.length))).toEqual(await sharpFacts(png));
  });
});
