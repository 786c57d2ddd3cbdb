/**
 * The KServe v2 binary tensor data extension, as Triton's `tritonclient.http` speaks it by default:
 * `Inference-Header-Content-Length: <json bytes>`, the JSON, then raw little-endian FP32 inputs;
 * outputs asked for with `binary_data` (or `binary_data_output` on the request) come back the same
 * way. Real server, real fetch; the bodies are built byte by byte as the client builds them.
 */
import { type Running, errorOf, halfModel, startServer, tempDir, writeModel } from './helpers';

let srv: Running;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  writeModel(t.dir, 'half', halfModel()); // y = x / 2, any shape [N,3,H,W]
  srv = await startServer({ target: t.dir });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

const VALUES = Float32Array.from([1, -2, 3.5, 0.25, 8, -16, 1e-3, 42, 7, 6, 5, 4]); // [1,3,2,2]

function le(values: Float32Array): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return b;
}

/** A request body as tritonclient builds it: JSON header, then the binary inputs. */
function framed(header: object, ...binary: Buffer[]): { body: Buffer; length: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...binary]), length: json.length };
}

function post(body: Buffer, headers: Record<string, string>): Promise<Response> {
  return fetch(`${srv.url}/v2/models/half/infer`, { method: 'POST', body, headers });
}

/** Splits a binary response: the JSON head and the bytes after it. */
interface Unframed {
  json: { outputs: { name: string; shape: number[]; data?: number[]; parameters?: { binary_data_size: number } }[] };
  rest: Buffer;
}

async function unframe(r: Response): Promise<Unframed> {
  const body = Buffer.from(await r.arrayBuffer());
  const n = Number(r.headers.get('inference-header-content-length') ?? body.length);
  return { json: JSON.parse(body.subarray(0, n).toString('utf8')), rest: body.subarray(n) };
}

function floats(bytes: Buffer): number[] {
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

const binaryInput = { name: 'input', datatype: 'FP32', shape: [1, 3, 2, 2], parameters: { binary_data_size: VALUES.length * 4 } };
const halved = Array.from(VALUES, (v) => Math.fround(v / 2));

describe('KServe binary tensor data', () => {
  it.each([
    ['application/octet-stream', { 'content-type': 'application/octet-stream' }],
    ['no Content-Type (what tritonclient sends)', {}],
    ['application/json', { 'content-type': 'application/json' }],
  ])('takes binary inputs with %s and answers binary outputs asked with binary_data', async (_what, type) => {
    const { body, length } = framed(
      { inputs: [binaryInput], outputs: [{ name: 'output', parameters: { binary_data: true } }] },
      le(VALUES),
    );
    const r = await post(body, { ...type, 'inference-header-content-length': String(length) });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    const { json, rest } = await unframe(r);
    expect(json.outputs).toEqual([{ name: 'output', datatype: 'FP32', shape: [1, 3, 2, 2], parameters: { binary_data_size: 48 } }]);
    expect(floats(rest)).toEqual(halved);
  });

  it('answers every output as binary with binary_data_output on the request (tritonclient without outputs)', async () => {
    const { body, length } = framed({ inputs: [binaryInput], parameters: { binary_data_output: true } }, le(VALUES));
    const { json, rest } = await unframe(await post(body, { 'inference-header-content-length': String(length) }));
    expect(json.outputs[0]!.parameters).toEqual({ binary_data_size: 48 });
    expect(floats(rest)).toEqual(halved);
  });

  it('answers JSON data for binary inputs when no output asks for binary', async () => {
    const { body, length } = framed({ inputs: [binaryInput] }, le(VALUES));
    const r = await post(body, { 'inference-header-content-length': String(length) });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('inference-header-content-length')).toBeNull();
    expect(((await r.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data).toEqual(halved);
  });

  it('answers binary outputs for JSON inputs when asked', async () => {
    const body = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 2, 2], data: Array.from(VALUES) }],
        outputs: [{ name: 'output', parameters: { binary_data: true } }],
      }),
    );
    const { rest } = await unframe(await post(body, { 'content-type': 'application/json' }));
    expect(floats(rest)).toEqual(halved);
  });

  it.each([
    ['a binary_data_size that is not the shape\'s', { ...binaryInput, parameters: { binary_data_size: 44 } }, le(VALUES), /binary_data_size is 44 bytes but shape \[1,3,2,2\] of FP32 holds 48/],
    ['fewer bytes than binary_data_size', binaryInput, le(VALUES).subarray(0, 40), /binary data ends after 40 of its 48 bytes/],
    ['bytes nobody claims', binaryInput, Buffer.concat([le(VALUES), Buffer.alloc(8)]), /56 bytes of binary data after the JSON, but the inputs' binary_data_size add up to 48/],
    ['both data and binary_data_size', { ...binaryInput, data: Array.from(VALUES) }, le(VALUES), /both 'data' and parameters.binary_data_size/],
  ])('refuses %s with 400', async (_what, input, bytes, message) => {
    const { body, length } = framed({ inputs: [input] }, bytes);
    const r = await post(body, { 'inference-header-content-length': String(length) });
    expect(r.status).toBe(400);
    expect((await errorOf(r)).message).toMatch(message);
  });

  it('refuses binary_data_size without the header, and a header past the body, with 400', async () => {
    const { body, length } = framed({ inputs: [binaryInput] }, le(VALUES));
    const noHeader = await post(body.subarray(0, length), { 'content-type': 'application/json' });
    expect([noHeader.status, (await errorOf(noHeader)).message]).toEqual([
      400,
      'inputs[0].parameters.binary_data_size is set but the request carries no binary data',
    ]);
    const past = await post(body, { 'inference-header-content-length': String(body.length + 1) });
    expect(past.status).toBe(400);
    expect((await errorOf(past)).message).toMatch(/^Inference-Header-Content-Length '\d+' is not a byte count within the \d+-byte body/);
  });

  it('refuses octet-stream without the header with 415, naming what it takes', async () => {
    const r = await post(Buffer.from('{}'), { 'content-type': 'application/octet-stream' });
    expect(r.status).toBe(415);
    expect((await errorOf(r)).message).toContain('with an Inference-Header-Content-Length header');
  });

  it('says so in the server metadata extensions', async () => {
    const meta = (await (await fetch(`${srv.url}/v2`)).json()) as { extensions: string[] };
    expect(meta.extensions).toContain('binary_tensor_data');
  });
});
