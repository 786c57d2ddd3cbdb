/**
 * What an encoded image's first bytes say it is (its magic number), and the check that they say what
 * the request's Content-Type says, made before the image library parses anything: sharp also reads
 * SVG, TIFF, GIF, PDF, HEIF..., each a parser of untrusted bytes gc-serve has no use for, so a body
 * labelled PNG / JPEG / WebP must start as one.
 */
import { GcError } from '@gc-edge/core';
import { hasPngSignature } from './png-chunks';
import { IMAGE_MIME, type ImageFormat } from './types';

/** What the bytes look like: one of our formats, another known format, or neither. */
export interface Sniffed {
  /** Set when the bytes start as PNG, JPEG or WebP. */
  readonly format?: ImageFormat;
  /** A name a person knows (`PNG`, `GIF`, `SVG (XML text)`), or a description when no format matched. */
  readonly looksLike: string;
  /** True when some known file format matched (ours or another). */
  readonly known: boolean;
}

const ascii = (bytes: Uint8Array, from: number, to: number): string => Buffer.from(bytes.subarray(from, to)).toString('latin1');
const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** Binary signatures, in the order tried. */
const SIGNATURES: readonly { readonly name: string; readonly format?: ImageFormat; readonly test: (b: Uint8Array) => boolean }[] = [
  { name: 'PNG', format: 'png', test: hasPngSignature },
  { name: 'JPEG', format: 'jpeg', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { name: 'WebP', format: 'webp', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
  { name: 'GIF', test: (b) => /^GIF8[79]a$/.test(ascii(b, 0, 6)) },
  { name: 'TIFF', test: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) },
  { name: 'PDF', test: (b) => ascii(b, 0, 5) === '%PDF-' },
  { name: 'BMP', test: (b) => ascii(b, 0, 2) === 'BM' && b.length >= 26 },
  { name: 'AVIF/HEIF (ISO media)', test: (b) => ascii(b, 4, 8) === 'ftyp' },
  { name: 'JPEG 2000', test: (b) => startsWith(b, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) },
  { name: 'JPEG XL', test: (b) => startsWith(b, [0xff, 0x0a]) || startsWith(b, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20]) },
  { name: 'ICO', test: (b) => startsWith(b, [0x00, 0x00, 0x01, 0x00]) && b.length >= 22 },
  { name: 'gzip data', test: (b) => startsWith(b, [0x1f, 0x8b]) },
  { name: 'a zip archive', test: (b) => ascii(b, 0, 4) === 'PK\x03\x04' },
];

/** Reads the first bytes of `bytes` (nothing else) and says what they look like. */
export function sniffImage(bytes: Uint8Array): Sniffed {
  for (const s of SIGNATURES) {
    if (s.test(bytes)) return s.format ? { format: s.format, looksLike: s.name, known: true } : { looksLike: s.name, known: true };
  }
  const head = ascii(bytes, 0, 1024)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  if (/^<(\?xml|!doctype svg|svg)[\s>]/.test(head) && head.includes('<svg')) return { looksLike: 'SVG (XML text)', known: true };
  if (head.startsWith('<?xml')) return { looksLike: 'XML text', known: true };
  if (/^<(!doctype html|html)[\s>]/.test(head)) return { looksLike: 'HTML text', known: true };
  if (/^[{[]/.test(head)) return { looksLike: 'JSON text', known: true };
  const sample = bytes.subarray(0, 512);
  const printable = sample.every((c) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0x7f));
  return { looksLike: printable ? 'text' : 'bytes of no known file format', known: false };
}

/**
 * Refuses bytes that are not the format `declared` (from the Content-Type), before any decoder sees
 * them: another known format is 415 E_IMAGE_TYPE naming it (with the right Content-Type when it is one
 * of ours), bytes of no known format 400 E_IMAGE. Both name what the bytes look like.
 */
export function checkImageBytes(bytes: Uint8Array, declared: ImageFormat): void {
  const sniffed = sniffImage(bytes);
  if (sniffed.format === declared) return;
  const mime = IMAGE_MIME[declared];
  const what = `the body is not a ${declared.toUpperCase()} image as its Content-Type ${mime} says`;
  if (sniffed.format) {
    throw new GcError('E_IMAGE_TYPE', `${what}: its bytes are a ${sniffed.looksLike} image`, {
      hint: `send it with Content-Type: ${IMAGE_MIME[sniffed.format]}`,
    });
  }
  if (sniffed.known) {
    throw new GcError('E_IMAGE_TYPE', `${what}: its bytes look like ${sniffed.looksLike}, which gc-serve does not take`, {
      hint: `convert it to PNG, JPEG or WebP and send it with that Content-Type (${Object.values(IMAGE_MIME).join(', ')})`,
    });
  }
  throw new GcError('E_IMAGE', `${what}: its first bytes are ${sniffed.looksLike === 'text' ? 'text' : 'no image format'}`, {
    hint: "send the encoded image file as it is: curl --data-binary @photo.png -H 'Content-Type: image/png'",
  });
}
