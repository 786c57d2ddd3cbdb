/**
 * What a label map's PNG header says (IHDR: size, bit depth, colour type; PLTE: the palette), read
 * before decoding. The colour type decides how pixels become ids, and only a PNG is lossless enough
 * to carry class ids at all.
 */
import { GcError } from '@gc-edge/core';
import { hasPngSignature, walkPngChunks } from '../image/png-chunks';
import { sniffImage } from '../image/sniff';

type PngColorType = 'grey' | 'rgb' | 'palette' | 'grey-alpha' | 'rgba';

const COLOR_TYPES: Readonly<Record<number, PngColorType>> = { 0: 'grey', 2: 'rgb', 3: 'palette', 4: 'grey-alpha', 6: 'rgba' };

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: PngColorType;
  /** PLTE entries as 0xRRGGBB (palette images only). */
  readonly palette: readonly number[] | null;
}

/** A name for what the bytes look like, for the "not a PNG" error. */
function sniff(b: Uint8Array): string {
  if (b.length === 0) return 'empty input';
  const sniffed = sniffImage(b);
  if (sniffed.known) return `a ${sniffed.looksLike}`;
  return `bytes starting ${Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ')}`;
}

export function readPngInfo(bytes: Uint8Array, where: string): PngInfo {
  if (!hasPngSignature(bytes)) {
    throw new GcError('E_LABEL_MAP', `${where}: not a PNG (${sniff(bytes)})`, {
      hint: 'label maps must be lossless PNG: JPEG/WebP compression changes the class ids at region borders',
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const truncated = (what: string): GcError =>
    new GcError('E_LABEL_MAP', `${where}: truncated PNG (${what} runs past the end of ${bytes.length} bytes)`, {
      hint: 'the file is damaged; re-save it',
    });
  const found: { ihdr?: Omit<PngInfo, 'palette'>; palette?: number[] } = {};
  // The header chunks, up to the image data.
  const cut = walkPngChunks(bytes, ({ type, data, length }) => {
    if (type === 'IHDR') {
      if (length < 13) throw new GcError('E_LABEL_MAP', `${where}: PNG IHDR chunk is ${length} bytes, expected 13`);
      const colorCode = bytes[data + 9]!;
      const colorType = COLOR_TYPES[colorCode];
      if (!colorType) throw new GcError('E_LABEL_MAP', `${where}: PNG colour type ${colorCode} is invalid`);
      found.ihdr = { width: view.getUint32(data), height: view.getUint32(data + 4), bitDepth: bytes[data + 8]!, colorType };
    } else if (type === 'PLTE') {
      const palette: number[] = (found.palette = []);
      for (let i = 0; i + 2 < length; i += 3) palette.push((bytes[data + i]! << 16) | (bytes[data + i + 1]! << 8) | bytes[data + i + 2]!);
    }
    return type !== 'IDAT';
  });
  if (cut) throw truncated(`chunk ${cut.type}`);
  const { ihdr, palette } = found;
  if (!ihdr) throw truncated('the IHDR header');
  if (ihdr.colorType !== 'palette') return { ...ihdr, palette: null };
  if (!palette) throw new GcError('E_LABEL_MAP', `${where}: palette PNG without a PLTE chunk`, { hint: 'the file is damaged; re-save it' });
  return { ...ihdr, palette };
}
