/**
 * PNG chunk walking, shared by the photo header read (png-header.ts) and the label-map header read
 * (../label-map/png-info.ts): the signature, then each chunk's length and type, without reading or
 * checking the data (libvips does that when it decodes).
 */

export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `bytes` start with the PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((v, i) => bytes[i] === v);
}

export interface PngChunk {
  /** Four characters, as stored (not checked to be letters). */
  readonly type: string;
  /** Where its data starts in the bytes, and how long it is. */
  readonly data: number;
  readonly length: number;
}

/**
 * Visits the chunks after the signature in order until `visit` returns false, IEND has been
 * visited, or the bytes end. Returns the chunk whose data and CRC run past the end of `bytes`
 * (not visited), or undefined when none does. Call it on bytes with the signature.
 */
export function walkPngChunks(bytes: Uint8Array, visit: (chunk: PngChunk) => boolean | void): PngChunk | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = PNG_SIGNATURE.length;
  while (at + 8 <= bytes.length) {
    const chunk = { type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), data: at + 8, length: view.getUint32(at) };
    if (chunk.data + chunk.length + 4 > bytes.length) return chunk;
    if (visit(chunk) === false || chunk.type === 'IEND') return undefined;
    at = chunk.data + chunk.length + 4;
  }
  return undefined;
}
