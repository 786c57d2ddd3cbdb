/**
 * Every bad input gets its designed status and `{"error": {"code", "message"}}`, the daemon keeps
 * serving, and memory stays flat over thousands of bad requests. Real server, real fetch, real images.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import sharp from 'sharp';
import { BASELINE_ONNX, HORSE_PNG, type Running, errorOf, halfModel, startServer, tempDir, writeModel } from './helpers';

let srv: Running;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  copyFileSync(BASELINE_ONNX, join(t.dir, 'h2z.onnx'));
  writeModel(t.dir, 'half', halfModel());
  srv = await startServer({ target: t.dir, maxBodyMb: 1, maxPixels: 300 * 300 });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

function generate(
  body: Uint8Array | string,
  headers: Record<string, string> = { 'content-type': 'image/png' },
  model = 'h2z',
): Promise<Response> {
  return fetch(`${srv.url}/v1/models/${model}/generate`, { method: 'POST', body, headers });
}

function infer(body: string, model = 'half', type = 'application/json'): Promise<Response> {
  return fetch(`${srv.url}/v2/models/${model}/infer`, { method: 'POST', body, headers: { 'content-type': type } });
}

async function expectError(res: Promise<Response>, status: number, code: string | RegExp): Promise<string> {
  const r = await res;
  expect(r.status).toBe(status);
  const e = await errorOf(r);
  expect(e.code).toMatch(code);
  return e.message;
}

describe('gc-serve bad input', () => {
  it('answers a generate request with the generated 256x256 PNG', async () => {
    const r = await generate(HORSE_PNG);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect(r.headers.get('server-timing')).toMatch(/preprocess;dur=.*queue;dur=.*inference;dur=.*postprocess;dur=/);
    const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 256, 256, 3]);
  });

  it('refuses bytes that are no image with 400 E_IMAGE', async () => {
    await expectError(generate(Buffer.from('this is not a png at all')), 400, 'E_IMAGE');
  });

  it('refuses a truncated PNG with 400 E_IMAGE', async () => {
    await expectError(generate(HORSE_PNG.subarray(0, Math.floor(HORSE_PNG.length / 2))), 400, 'E_IMAGE');
  });

  it('refuses an empty body with 400 E_IMAGE', async () => {
    await expectError(generate(new Uint8Array(0)), 400, 'E_IMAGE');
  });

  it('refuses a JPEG body labelled image/webp with 415 naming the Content-Type it needs, not a crash', async () => {
    const jpeg = await sharp(HORSE_PNG).jpeg().toBuffer();
    // The bytes are checked against the Content-Type before any decoder runs (image-magic.test.ts).
    const msg = await expectError(generate(jpeg, { 'content-type': 'image/webp' }), 415, 'E_IMAGE_TYPE');
    expect(msg).toMatch(/its bytes are a JPEG image$/);
  });

  it('refuses an unsupported Content-Type with 415 listing the accepted ones', async () => {
    const msg = await expectError(generate(HORSE_PNG, { 'content-type': 'text/plain' }), 415, 'E_MEDIA_TYPE');
    expect(msg).toBe(
      "Content-Type 'text/plain' is not an image type this route takes; send the image with one of image/png, image/jpeg, image/webp",
    );
    await expectError(generate(HORSE_PNG, { 'content-type': 'image/gif' }), 415, 'E_MEDIA_TYPE');
    await expectError(infer('{}', 'half', 'application/xml'), 415, 'E_MEDIA_TYPE');
  });

  it('says plainly that a generate request without a Content-Type has none (415)', async () => {
    const r = await fetch(`${srv.url}/v1/models/h2z/generate`, { method: 'POST', body: new Uint8Array(HORSE_PNG) });
    // fetch labels a bare byte body with no Content-Type at all
    const msg = await expectError(Promise.resolve(r), 415, 'E_MEDIA_TYPE');
    expect(msg).toBe('the request has no Content-Type; send the image with one of image/png, image/jpeg, image/webp');
  });

  it('reads Accept: image/jpg as JPEG, as Content-Type: image/jpg is', async () => {
    const r = await generate(HORSE_PNG, { 'content-type': 'image/png', accept: 'image/jpg' });
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect((await sharp(Buffer.from(await r.arrayBuffer())).metadata()).format).toBe('jpeg');
  });

  it.each([
    ['GET', '/v1/models/h2z/generate', 'POST'],
    ['PUT', '/v2/models/half/infer', 'POST'],
    ['POST', '/v2/health/ready', 'GET, HEAD'],
    ['DELETE', '/v2/models/h2z', 'GET, HEAD'],
  ])('answers %s %s with 405, Allow: %s and the JSON error', async (method, path, allow) => {
    const r = await fetch(`${srv.url}${path}`, { method });
    expect(r.headers.get('allow')).toBe(allow);
    const msg = await expectError(Promise.resolve(r), 405, 'E_METHOD_NOT_ALLOWED');
    expect(msg).toContain(`it takes ${allow}`);
  });

  it('answers 406 when Accept allows no image format it can write', async () => {
    await expectError(generate(HORSE_PNG, { 'content-type': 'image/png', accept: 'text/html' }), 406, 'E_NOT_ACCEPTABLE');
  });

  it.each([
    ['an unknown name', 'zebra2horse'],
    ['the file name with .onnx', 'h2z.onnx'],
    ['an encoded parent path', '..%2F..%2Fetc%2Fpasswd'],
    ['an encoded absolute path', '%2Fetc%2Fpasswd'],
    ['an encoded dot-dot', '%2e%2e'],
    ['a NUL byte', 'h2z%00'],
  ])('answers 404 for %s', async (_what, name) => {
    await expectError(generate(HORSE_PNG, undefined, name), 404, /^E_(MODEL_)?NOT_FOUND$/);
    await expectError(fetch(`${srv.url}/v2/models/${name}`), 404, /^E_(MODEL_)?NOT_FOUND$/);
  });

  it('answers 404 for unknown routes', async () => {
    await expectError(fetch(`${srv.url}/v3/whatever`), 404, 'E_NOT_FOUND');
  });

  it('refuses a body over --max-body-mb with 413 giving the limit and the flag', async () => {
    for (const res of [generate(new Uint8Array(1024 * 1024 + 1)), infer(' '.repeat(1024 * 1024 + 1))]) {
      const r = await res;
      expect(r.status).toBe(413);
      // the KServe v2 error body: `error` is the message; the code and hint beside it
      const body = (await r.json()) as { error: string; code: string; hint: string };
      expect(body).toEqual({
        error: 'request body is over the limit of 1 MiB (1048576 bytes)',
        code: 'E_TOO_LARGE',
        hint: 'send a smaller body, or start gc-serve with a larger --max-body-mb',
      });
    }
  });

  it('refuses an image over --max-pixels with 413 before decoding it', async () => {
    const big = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#808080' } }).png().toBuffer();
    await expectError(generate(big), 413, /^E_(IMAGE_)?TOO_LARGE$/);
  });

  it('refuses malformed JSON with 400', async () => {
    const msg = await expectError(infer('{"inputs": [ {'), 400, 'E_BAD_REQUEST');
    expect(msg).toMatch(/not valid JSON/);
    await expectError(infer(''), 400, 'E_BAD_REQUEST');
  });

  it('refuses v2 tensors that do not fit the model with 400 naming the field', async () => {
    const bad = (input: object): Promise<Response> => infer(JSON.stringify({ inputs: [input] }));
    const okShape = { name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1] };
    expect(await expectError(bad({ ...okShape, name: 'x', data: [1, 2, 3] }), 400, 'E_BAD_REQUEST')).toMatch(/no input 'x'/);
    expect(await expectError(bad({ ...okShape, datatype: 'INT64', data: [1, 2, 3] }), 400, 'E_BAD_REQUEST')).toMatch(/datatype/);
    expect(await expectError(bad({ ...okShape, data: [1, 2] }), 400, 'E_BAD_REQUEST')).toMatch(/2 values but its shape \[1,3,1,1\] holds 3/);
    expect(await expectError(bad({ ...okShape, shape: [1, 4, 1, 1], data: [1, 2, 3, 4] }), 400, 'E_BAD_REQUEST')).toMatch(/shape/);
    expect(await expectError(bad({ ...okShape, data: [1, 'a', 3] }), 400, 'E_BAD_REQUEST')).toMatch(/must be a number/);
    await expectError(infer(JSON.stringify([1, 2])), 400, 'E_BAD_REQUEST');
  });

  it('keeps serving after every bad request above', async () => {
    const r = await generate(HORSE_PNG);
    expect(r.status).toBe(200);
    await r.arrayBuffer();
    expect((await fetch(`${srv.url}/v2/health/ready`)).status).toBe(200);
  });

  it('keeps memory flat over 2000 bad requests', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const junk = Buffer.alloc(128 * 1024, 0x5a);
    const truncated = Buffer.concat([HORSE_PNG.subarray(0, 4096), junk]);
    const kinds: (() => Promise<Response>)[] = [
      () => generate(truncated),
      () => generate(junk, { 'content-type': 'text/plain' }),
      () => generate(junk, undefined, 'no-such-model'),
      () => infer(`{"inputs": ${'['.repeat(10)}`),
      () => generate(junk, { 'content-type': 'image/jpeg' }),
    ];
    const burst = async (count: number): Promise<Set<number>> => {
      const statuses = new Set<number>();
      const concurrency = 8;
      for (let i = 0; i < count; i += concurrency) {
        const rs = await Promise.all(Array.from({ length: concurrency }, (_, k) => kinds[(i + k) % kinds.length]!()));
        for (const r of rs) {
          statuses.add(r.status);
          await r.arrayBuffer();
        }
      }
      return statuses;
    };
    const settle = (): NodeJS.MemoryUsage => {
      for (let i = 0; i < 3; i++) gc();
      return process.memoryUsage();
    };

    await burst(200); // JIT, sharp and undici pools warm
    const before = settle();
    const statuses = await burst(2000);
    const after = settle();

    expect([...statuses].sort()).toEqual([400, 404, 415]);
    // 2000 x 128 KiB = 250 MiB went through; a leak of even a tenth of the bodies would show.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(24 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(24 * 1024 * 1024); // request bodies live here
    expect(after.rss - before.rss).toBeLessThan(96 * 1024 * 1024);
    expect((await fetch(`${srv.url}/v2/health/ready`)).status).toBe(200);
  });
});
