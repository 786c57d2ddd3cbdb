/**
 * A tiny PNG encoder for tests (node:zlib, filter 0): exact control over colour type, bit depth and
 * the palette, which sharp's encoder does not give (it picks its own palette, converts greyscale).
 */
import * as zlib from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export interface PngSpec {
  readonly width: number;
  readonly height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA */
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  /** 8 or 16 (palette: 8) */
  readonly bitDepth?: 8 | 16;
  /** Samples, row-major, interleaved channels. */
  readonly samples: ArrayLike<number>;
  /** PLTE colours for colour type 3, as [r, g, b]. */
  readonly palette?: readonly (readonly [number, number, number])[];
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

export function encodePng(spec: PngSpec): Buffer {
  const depth = spec.bitDepth ?? 8;
  const ch = CHANNELS[spec.colorType];
  const bytesPerSample = depth / 8;
  const rowBytes = spec.width * ch * bytesPerSample;
  const raw = Buffer.alloc(spec.height * (rowBytes + 1));
  for (let y = 0; y < spec.height; y++) {
    const row = y * (rowBytes + 1);
    raw[row] = 0;
    for (let i = 0; i < spec.width * ch; i++) {
      const v = spec.samples[y * spec.width * ch + i]!;
      if (depth === 16) raw.writeUInt16BE(v, row + 1 + 2 * i);
      else raw[row + 1 + i] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr[8] = depth;
  ihdr[9] = spec.colorType;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (spec.palette) parts.push(chunk('PLTE', Buffer.from(spec.palette.flat())));
  parts.push(chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
