/**
 * A JSON file a user named (subnet.json, a latency report), parsed without ever echoing its raw bytes:
 * a binary file is named by its format where it has a known one (a checkpoint, an image, a model),
 * and JSON errors say where, with an escaped preview, instead of V8's message that quotes the text.
 */
import { GcError, type GcErrorCode } from '../errors';

/** The first bytes of a file, escaped (`\n`, `\xNN`) so a binary file cannot garble the terminal. */
export function escapedPreview(bytes: Uint8Array, max = 24): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) {
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x22) out += '\\"';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `"${out}${bytes.length > max ? '...' : ''}"`;
}

/** A file that is no text: NUL bytes near the start, or not UTF-8. */
export function looksBinary(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 4096).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** What kind of file the gc-edge tools know `bytes` to be, from its first bytes; undefined when none. */
export function knownFormat(bytes: Uint8Array): 'pth-zip' | 'pth-legacy' | 'safetensors' | 'png' | 'jpeg' | 'webp' | undefined {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'pth-zip';
  // pickle protocol 2+ (0x80 N): the pre-1.6 torch.save format starts with its magic number's pickle
  if (bytes[0] === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5) return 'pth-legacy';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes.subarray(8), [0x57, 0x45, 0x42, 0x50])) return 'webp';
  // safetensors: an 8-byte little-endian header length, then the JSON header
  if (bytes.length > 9 && bytes[8] === 0x7b && bytes[6] === 0 && bytes[7] === 0) return 'safetensors';
  return undefined;
}

export const FORMAT_NAMES: Readonly<Record<NonNullable<ReturnType<typeof knownFormat>>, string>> = {
  'pth-zip': 'a PyTorch checkpoint (.pth, zip format)',
  'pth-legacy': 'a PyTorch checkpoint (.pth, legacy format)',
  safetensors: 'a safetensors weights file',
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  webp: 'a WebP image',
};

export interface JsonFileOptions {
  /** The error code for anything wrong with the file. */
  readonly code: GcErrorCode;
  /** What the file should be, e.g. `a subnet description` (in `a binary file, not <what>`). */
  readonly what: string;
  /** The hint of every error; `formatHint` overrides it for a file of a known format. */
  readonly hint: string;
  readonly formatHint?: (format: NonNullable<ReturnType<typeof knownFormat>>) => string | undefined;
}

/** Parses the JSON text of `bytes` (read from `file`); a UTF-8 BOM is not an error. */
export function parseJsonFile(bytes: Uint8Array, file: string, o: JsonFileOptions): unknown {
  if (looksBinary(bytes)) {
    const format = knownFormat(bytes);
    if (format) {
      throw new GcError(o.code, `${file}: this is ${FORMAT_NAMES[format]}, not ${o.what}`, { hint: o.formatHint?.(format) ?? o.hint });
    }
    throw new GcError(o.code, `${file}: a binary file, not ${o.what} (it starts ${escapedPreview(bytes)})`, { hint: o.hint });
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text it choked on, raw: say where instead, with an escaped preview
    const at = /position (\d+)/.exec((e as Error).message);
    const where = at ? ` at character ${at[1]}` : '';
    throw new GcError(o.code, `${file}: not valid JSON${where} (it starts ${escapedPreview(bytes)})`, { hint: o.hint, cause: e });
  }
}
