/**
 * Compressed request bodies (Content-Encoding gzip / deflate / identity) reach the routes decoded,
 * held to --max-body-mb while inflating; corrupt streams are 400, unknown codings 415, and no error
 * quotes the compressed bytes. Real server, real fetch, real zlib.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import sharp from 'sharp';
import { bodyDecoder } from '../../src/serve/body-encoding';
import { BASELINE_ONNX, HORSE_PNG, type Running, errorOf, halfModel, startServer, tempDir, writeModel } from './helpers';

let srv: Running;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  writeModel(t.dir, 'half', halfModel());
  copyFileSync(BASELINE_ONNX, join(t.dir, 'h2z.onnx'));
  srv = await startServer({ target: t.dir, maxBodyMb: 1 });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

const INFER_JSON = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [2, 4, 6] }] });

function infer(body: Uint8Array | string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${srv.url}/v2/models/half/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

async function outputOf(r: Response): Promise<number[]> {
  expect(r.status).toBe(200);
  const json = (await r.json()) as { outputs: { data: number[] }[] };
  return json.outputs[0]!.data;
}

/** The error body, checked to hold no byte a terminal or a JSON reader would choke on (no compressed bytes echoed). */
async function expectError(r: Response, status: number, code: string): Promise<string> {
  expect(r.status).toBe(status);
  const e = await errorOf(r);
  expect(e.code).toBe(code);
  expect(e.message).toMatch(/^[\x20-\x7e]+$/);
  return e.message;
}

describe('gc-serve compressed request bodies', () => {
  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync], // raw deflate, which some clients send as 'deflate'
  ])('decodes a %s JSON infer body before the route reads it', async (coding, compress) => {
    const r = await infer(compress(Buffer.from(INFER_JSON)), { 'content-encoding': coding });
    expect(await outputOf(r)).toEqual([1, 2, 3]);
  });

  it('takes identity (and a plain body) as it is', async () => {
    expect(await outputOf(await infer(INFER_JSON, { 'content-encoding': 'identity' }))).toEqual([1, 2, 3]);
    expect(await outputOf(await infer(INFER_JSON, {}))).toEqual([1, 2, 3]);
  });

  it('frames a gzip binary-tensor body on its decoded bytes (Inference-Header-Content-Length)', async () => {
    const json = Buffer.from(
      JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], parameters: { binary_data_size: 12 } }] }),
    );
    const body = gzipSync(Buffer.concat([json, Buffer.from(new Float32Array([8, 10, 12]).buffer)]));
    const r = await infer(body, { 'content-encoding': 'gzip', 'inference-header-content-length': String(json.length) });
    expect(await outputOf(r)).toEqual([4, 5, 6]);
  });

  it('decodes a gzip image on the generate route', async () => {
    const r = await fetch(`${srv.url}/v1/models/h2z/generate`, {
      method: 'POST',
      body: gzipSync(HORSE_PNG),
      headers: { 'content-type': 'image/png', 'content-encoding': 'gzip' },
    });
    expect(r.status).toBe(200);
    const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 256]);
  });

  it('refuses a body that decodes past --max-body-mb with 413, though its compressed size is far under it', async () => {
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x20)); // 16 MiB of spaces in ~16 KiB
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const msg = await expectError(await infer(bomb, { 'content-encoding': 'gzip' }), 413, 'E_TOO_LARGE');
    expect(msg).toMatch(/decodes to more than the limit of 1 MiB \(1048576 bytes\)/);
    // and the daemon goes on serving
    expect(await outputOf(await infer(gzipSync(Buffer.from(INFER_JSON)), { 'content-encoding': 'gzip' }))).toEqual([1, 2, 3]);
  });

  it('refuses a corrupt or truncated stream with 400 E_BODY_ENCODING, quoting none of its bytes', async () => {
    const good = gzipSync(Buffer.from(INFER_JSON));
    const garbled = Buffer.from(good);
    garbled.fill(0xff, 10, 30);
    const corrupt = await expectError(await infer(garbled, { 'content-encoding': 'gzip' }), 400, 'E_BODY_ENCODING');
    expect(corrupt).toMatch(/^request body is not valid gzip data \(Content-Encoding: gzip\)/);
    await expectError(await infer(good.subarray(0, good.length - 12), { 'content-encoding': 'gzip' }), 400, 'E_BODY_ENCODING');
    // plain JSON labelled gzip: not gzip
    await expectError(await infer(INFER_JSON, { 'content-encoding': 'gzip' }), 400, 'E_BODY_ENCODING');
    await expectError(await infer(Buffer.from('\x00\x01 not deflate'), { 'content-encoding': 'deflate' }), 400, 'E_BODY_ENCODING');
  });

  it('refuses a coding it does not decode with 415 E_CONTENT_ENCODING naming those it does', async () => {
    const msg = await expectError(await infer(INFER_JSON, { 'content-encoding': 'br' }), 415, 'E_CONTENT_ENCODING');
    expect(msg).toBe("Content-Encoding 'br' is not one gc-serve decodes: gzip, deflate, identity");
    const twice = gzipSync(gzipSync(Buffer.from(INFER_JSON)));
    await expectError(await infer(twice, { 'content-encoding': 'gzip, gzip' }), 415, 'E_CONTENT_ENCODING');
  });

  it('leaves requests without a body alone whatever Content-Encoding they carry', async () => {
    const r = await fetch(`${srv.url}/v2/health/live`, { headers: { 'content-encoding': 'br' } });
    expect(r.status).toBe(200);
    await r.arrayBuffer();
  });
});

describe('the body decoder (the preParsing hook on its own)', () => {
  it('stops reading and inflating a gzip bomb once the decoded bytes pass the limit', async () => {
    // 1024 concatenated gzip members of 1 MiB of zeros each: 1 GiB decoded from ~1 MiB on the wire.
    const member = gzipSync(Buffer.alloc(1024 * 1024));
    let pulled = 0;
    const wire = Readable.from(
      (function* () {
        for (let i = 0; i < 1024; i++) {
          pulled++;
          yield member;
        }
      })(),
    );
    const req = { headers: { 'content-encoding': 'gzip', 'transfer-encoding': 'chunked' } } as unknown as FastifyRequest;
    const decoded = (await bodyDecoder(4 * 1024 * 1024)(req, {} as FastifyReply, wire)) as Readable;
    let received = 0;
    const error = await new Promise<unknown>((resolve) => {
      decoded.on('data', (c: Buffer) => (received += c.length));
      decoded.on('error', resolve);
      decoded.on('end', () => resolve(undefined));
    });
    expect(error).toMatchObject({ code: 'E_TOO_LARGE' });
    expect(received).toBeLessThanOrEqual(4 * 1024 * 1024);
    // A few members past the limit are in the pipe's buffers; the rest of the gigabyte is never read.
    expect(pulled).toBeLessThan(64);
    wire.destroy();
  });
});
