/**
 * Compressed request bodies (`Content-Encoding: gzip | deflate | identity`, what Triton's and
 * KServe's clients send with request compression on), decoded in fastify's `preParsing` hook so every
 * route sees the plain bytes. Bounded like any body: the decoded bytes are held to --max-body-mb and
 * inflating stops the moment they pass it (413 E_TOO_LARGE: a 20 KiB gzip bomb never becomes 2 GiB);
 * a corrupt or truncated stream is 400 E_BODY_ENCODING; any other coding is 415 E_CONTENT_ENCODING.
 * Errors never quote the body (compressed bytes are not echoed back).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { type Gunzip, type Inflate, type InflateRaw, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GcError } from '@gc-edge/core';

/** The codings gc-serve decodes (`x-gzip` is gzip's old name, RFC 9110 8.4.1.3). */
const DECODED = ['gzip', 'x-gzip', 'deflate'] as const;
type Coding = (typeof DECODED)[number];

/**
 * Output chunk of the inflater. Each chunk is one round trip to libuv's thread pool: zlib's 16 KiB
 * default made a 768 KiB tensor body 48 of them (`node scripts/bench-body-encoding.js`).
 */
const INFLATE_CHUNK_BYTES = 256 * 1024;

/** What fastify's preParsing hook gets and returns; `receivedEncodedLength` keeps its Content-Length check on the wire bytes. */
type Payload = NodeJS.ReadableStream & { receivedEncodedLength?: number };

/**
 * The coding a request's body must be decoded from, or undefined for none (no header, `identity`).
 * E_CONTENT_ENCODING (415) for a coding gc-serve does not decode, or for more than one.
 */
export function contentCoding(header: string | string[] | undefined): Coding | undefined {
  if (header === undefined) return undefined;
  const codings = [header]
    .flat()
    .join(',')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return undefined;
  const [first] = codings;
  if (codings.length === 1 && (DECODED as readonly string[]).includes(first!)) return first as Coding;
  const shown = codings.join(', ').slice(0, 80);
  throw new GcError(
    'E_CONTENT_ENCODING',
    codings.length > 1
      ? `Content-Encoding '${shown}' stacks ${codings.length} codings; gc-serve decodes one of gzip, deflate`
      : `Content-Encoding '${shown}' is not one gc-serve decodes: gzip, deflate, identity`,
    { hint: 'send the body as it is, or compressed once with gzip or deflate' },
  );
}

/**
 * The preParsing hook: the body decoded per its Content-Encoding, at most `limitBytes` of it. Requests
 * without a body (GET, an empty POST) are left alone whatever their headers say.
 */
export function bodyDecoder(limitBytes: number) {
  return async (req: FastifyRequest, _reply: FastifyReply, payload: Payload): Promise<Payload> => {
    const length = req.headers['content-length'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    if (!hasBody) return payload;
    const coding = contentCoding(req.headers['content-encoding']);
    if (!coding) return payload;
    const decoded = new DecodedBody(coding, limitBytes);
    payload.pipe(decoded);
    return decoded;
  };
}

/** Inflates what is written to it and passes the decoded bytes on, up to a limit. */
class DecodedBody extends Transform {
  /** Bytes received on the wire (compressed), for fastify's Content-Length check. */
  receivedEncodedLength = 0;
  private decodedLength = 0;
  private inflater: Gunzip | Inflate | InflateRaw | undefined;
  private done: TransformCallback | undefined;

  constructor(
    private readonly coding: Coding,
    private readonly limitBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    const inflater = this.inflater ?? this.start(chunk);
    inflater.write(chunk, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    if (!this.inflater) {
      callback(); // an empty body stays empty
      return;
    }
    this.done = callback;
    this.inflater.end();
  }

  /**
   * The inflater for this coding. `deflate` is the zlib format (RFC 9110); a raw deflate stream, which
   * some clients send under that name, is told apart by its first two bytes (no zlib header).
   */
  private start(first: Buffer): Gunzip | Inflate | InflateRaw {
    const zlibHeader = first.length >= 2 && (first[0]! & 0x0f) === 8 && ((first[0]! << 8) | first[1]!) % 31 === 0;
    const options = { chunkSize: INFLATE_CHUNK_BYTES };
    const inflater = this.coding === 'deflate' ? (zlibHeader ? createInflate(options) : createInflateRaw(options)) : createGunzip(options);
    inflater.on('data', (data: Buffer) => {
      this.decodedLength += data.length;
      if (this.decodedLength > this.limitBytes) {
        this.fail(this.tooLarge());
        return;
      }
      this.push(data);
    });
    inflater.on('end', () => this.done?.());
    inflater.on('error', (e: Error) => this.fail(this.corrupt(e)));
    this.inflater = inflater;
    return inflater;
  }

  /** Stops inflating at once and fails the body (fastify answers with the error). */
  private fail(error: GcError): void {
    if (this.destroyed) return;
    this.inflater?.removeAllListeners('data');
    this.inflater?.destroy();
    this.destroy(error);
  }

  private tooLarge(): GcError {
    const mb = Math.round((this.limitBytes / 1024 / 1024) * 100) / 100;
    return new GcError(
      'E_TOO_LARGE',
      `request body (Content-Encoding: ${this.coding}) decodes to more than the limit of ${mb} MiB (${this.limitBytes} bytes); stopped inflating there`,
      { hint: 'send a smaller body, or start gc-serve with a larger --max-body-mb' },
    );
  }

  private corrupt(e: Error): GcError {
    const why = (e.message || 'corrupt data').slice(0, 80);
    return new GcError('E_BODY_ENCODING', `request body is not valid ${this.coding} data (Content-Encoding: ${this.coding}): ${why}`, {
      hint: `compress the whole body with ${this.coding}, or leave Content-Encoding out for a plain body`,
    });
  }
}
