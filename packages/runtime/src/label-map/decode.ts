/**
 * Label / instance PNGs -> id maps (sharp decodes; the PNG header decides the meaning of a pixel):
 * - 8-bit greyscale: the value is the id (Cityscapes `*_labelIds.png`, ADE20K, COCO-Stuff);
 * - palette PNG: the palette index is the id (what PIL's 'P' mode gives upstream's loader);
 * - RGB(A): the colour is looked up in a palette (Cityscapes' by default) — a colour visualisation;
 * - instance maps also take 16-bit greyscale (Cityscapes `*_instanceIds.png`: class * 1000 + k), and
 *   RGB colours as ids.
 * Embedded ICC profiles are ignored: the stored values are the ids, as PIL reads them. Alpha must be
 * opaque (a transparent pixel has no class).
 */
import sharp from 'sharp';
import { GcError } from '@gc-edge/core';
import { CITYSCAPES_PALETTE } from './cityscapes-palette';
import { packRgb, paletteLookup, rgbHex } from './palette';
import { readPngInfo, type PngInfo } from './png-info';
import type { DecodeOptions, IdMap, LabelPalette } from './types';

/** Default pixel limit: 40 megapixels, as the image pipeline. */
export const LABEL_MAX_PIXELS = 40_000_000;

interface Raw {
  readonly data: Uint8Array | Uint16Array;
  readonly channels: number;
}

function at(i: number, width: number): string {
  return `x ${i % width}, y ${Math.floor(i / width)}`;
}

async function decodePixels(bytes: Uint8Array, info: PngInfo, where: string, maxPixels: number): Promise<Raw> {
  if (info.width * info.height > maxPixels) {
    throw new GcError(
      'E_IMAGE_TOO_LARGE',
      `${where}: ${info.width}x${info.height} is ${info.width * info.height} pixels, more than the limit of ${maxPixels}`,
    );
  }
  const wide = info.bitDepth === 16 && (info.colorType === 'grey' || info.colorType === 'grey-alpha');
  try {
    let pipeline = sharp(bytes, { ignoreIcc: true, limitInputPixels: maxPixels, failOn: 'error' });
    if (wide) pipeline = pipeline.toColourspace('grey16');
    const { data, info: out } = await pipeline.raw(wide ? { depth: 'ushort' } : {}).toBuffer({ resolveWithObject: true });
    const view = wide
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { data: view, channels: out.channels };
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new GcError('E_LABEL_MAP', `${where}: cannot decode the PNG (${why})`, { hint: 'the file is damaged; re-save it', cause: e });
  }
}

function checkOpaque(raw: Raw, width: number, where: string): void {
  if (raw.channels !== 2 && raw.channels !== 4) return;
  const max = raw.data instanceof Uint16Array ? 65535 : 255;
  for (let i = 0, p = raw.channels - 1; p < raw.data.length; i++, p += raw.channels) {
    if (raw.data[p] !== max) {
      throw new GcError(
        'E_LABEL_MAP',
        `${where}: pixel (${at(i, width)}) is transparent (alpha ${raw.data[p]}); a label map has a class at every pixel`,
        {
          hint: 'save the label map without an alpha channel',
        },
      );
    }
  }
}

/** Channel 0 of every pixel (greyscale images come out of sharp as 1-4 channels). */
function firstChannel(raw: Raw, n: number): Int32Array {
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = raw.data[i * raw.channels]!;
  return ids;
}

function colours(raw: Raw, n: number): Int32Array {
  const out = new Int32Array(n);
  const c = raw.channels;
  if (c < 3) return firstChannel(raw, n).map((v) => packRgb(v, v, v));
  for (let i = 0; i < n; i++) out[i] = packRgb(raw.data[i * c]!, raw.data[i * c + 1]!, raw.data[i * c + 2]!);
  return out;
}

/** Palette PNG: colour back to index, refusing colours the palette holds twice (the index would be a guess). */
function paletteIndices(rgb: Int32Array, palette: readonly number[], width: number, where: string): Int32Array {
  const index = new Map<number, number>();
  const twice = new Set<number>();
  palette.forEach((c, i) => (index.has(c) ? twice.add(c) : index.set(c, i)));
  const ids = new Int32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) {
    const c = rgb[i]!;
    if (twice.has(c)) {
      throw new GcError(
        'E_LABEL_MAP',
        `${where}: pixel (${at(i, width)}) uses colour ${rgbHex(c)}, which the PNG palette holds at several indices`,
        {
          hint: 'save the label map as 8-bit greyscale class ids, or give every palette index its own colour',
        },
      );
    }
    ids[i] = index.get(c) ?? -1;
  }
  return ids;
}

function lookupColours(rgb: Int32Array, palette: LabelPalette, width: number, where: string): Int32Array {
  const table = paletteLookup(palette);
  const ids = new Int32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) {
    const id = table.get(rgb[i]!);
    if (id === undefined || id < 0) {
      const what =
        id === undefined
          ? `is not in the "${palette.name}" palette (${table.size} colours)`
          : `is a class without an id (${id}) in the "${palette.name}" palette`;
      throw new GcError('E_LABEL_MAP', `${where}: pixel (${at(i, width)}) has colour ${rgbHex(rgb[i]!)}, which ${what}`, {
        hint: 'draw with the palette colours exactly (no anti-aliasing, no JPEG), pass the matching palette, or save class ids as 8-bit greyscale',
      });
    }
    ids[i] = id;
  }
  return ids;
}

/** A label map PNG -> class ids (not yet range-checked: `encodeLabelMap` does that). */
export async function decodeLabelPng(bytes: Uint8Array, options: DecodeOptions = {}): Promise<IdMap> {
  const where = options.where ?? 'label map';
  const info = readPngInfo(bytes, where);
  if (info.colorType !== 'palette' && info.bitDepth !== 8) {
    throw new GcError(
      'E_LABEL_MAP',
      `${where}: ${info.bitDepth}-bit ${info.colorType} PNGs are not supported for label maps (class ids are 8-bit)`,
      {
        hint: 'save it as an 8-bit greyscale PNG of class ids (or 8-bit RGB in the palette colours)',
      },
    );
  }
  const raw = await decodePixels(bytes, info, where, options.maxPixels ?? LABEL_MAX_PIXELS);
  checkOpaque(raw, info.width, where);
  const n = info.width * info.height;
  let ids: Int32Array;
  if (info.colorType === 'grey' || info.colorType === 'grey-alpha') ids = firstChannel(raw, n);
  else if (info.colorType === 'palette') ids = paletteIndices(colours(raw, n), info.palette!, info.width, where);
  else ids = lookupColours(colours(raw, n), options.palette ?? CITYSCAPES_PALETTE, info.width, where);
  return { width: info.width, height: info.height, ids };
}

/** An instance-id PNG -> ids: 8/16-bit greyscale values, palette indices, or RGB colours as ids. */
export async function decodeInstancePng(bytes: Uint8Array, options: DecodeOptions = {}): Promise<IdMap> {
  const where = options.where ?? 'instance map';
  const info = readPngInfo(bytes, where);
  const grey = info.colorType === 'grey' || info.colorType === 'grey-alpha';
  if (info.colorType !== 'palette' && info.bitDepth !== 8 && !(grey && info.bitDepth === 16)) {
    throw new GcError('E_LABEL_MAP', `${where}: ${info.bitDepth}-bit ${info.colorType} PNGs are not supported for instance maps`, {
      hint: 'save instance ids as 8- or 16-bit greyscale (Cityscapes *_instanceIds.png is 16-bit)',
    });
  }
  const raw = await decodePixels(bytes, info, where, options.maxPixels ?? LABEL_MAX_PIXELS);
  checkOpaque(raw, info.width, where);
  const n = info.width * info.height;
  let ids: Int32Array;
  if (grey) ids = firstChannel(raw, n);
  else if (info.colorType === 'palette') ids = paletteIndices(colours(raw, n), info.palette!, info.width, where);
  else ids = colours(raw, n);
  return { width: info.width, height: info.height, ids };
}
