/**
 * Large JSON infer bodies (a 1024x1024 image as JSON numbers, ~16 MB) are parsed off the event loop:
 * health keeps answering while they are parsed, at most two are in process at once (one more is
 * refused 503 with Retry-After before it is parsed), health keeps answering while a large JSON
 * answer is written, and what the parser thread makes is what the main thread would (the same
 * answers, the same errors). Runs are held at a gate, so what is measured is order and overlap,
 * never time.
 */
import { request } from 'node:http';
import { INFERENCE_HEADER_LENGTH } from '../../src/serve/kserve-binary';
import { Gate, type Running, errorOf, metricValue, scaleModel, startServer, tempDir, writeModel } from './helpers';

const SIDE = 1024;
const COUNT = 3 * SIDE * SIDE;

/** A v2 JSON body of one [1,3,1024,1024] input of 0.25s (`count` values), asking the output as binary. */
function largeBody(count = COUNT): string {
  const data = `${'0.25,'.repeat(count - 1)}0.25`;
  return (
    `{"inputs":[{"name":"input","datatype":"FP32","shape":[1,3,${SIDE},${SIDE}],"data":[${data}]}],` +
    `"outputs":[{"name":"output","parameters":{"binary_data":true}}]}`
  );
}

function infer(url: string, body: string): Promise<Response> {
  return fetch(`${url}/v2/models/scale/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

/**
 * POSTs to infer with a Content-Length of `length` but sends only `head`, and resolves with the
 * answer that comes without the rest of the body (the request is then abandoned).
 */
function partialUpload(url: string, length: number, head: string): Promise<{ status: number; retryAfter: string; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': length };
    const req = request(
      { host: hostname, port, path: '/v2/models/scale/infer', method: 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, retryAfter: String(res.headers['retry-after']), text });
          req.destroy();
        });
      },
    );
    req.on('error', reject);
    req.write(head);
  });
}

describe('gc-serve with large JSON bodies', () => {
  let srv: Running;
  let gate: Gate;
  let cleanup: () => void;
  const body = largeBody();

  beforeAll(() => {
    expect(body.length).toBeGreaterThan(8 * 1024 * 1024);
  });

  beforeEach(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    gate = new Gate();
    const target = writeModel(t.dir, 'scale', scaleModel(0.5));
    srv = await startServer({ target, workers: 1, queueSize: 8, timeoutMs: 120_000, createPool: gate.createPool });
  });

  afterEach(async () => {
    gate.release(true);
    await srv.stop();
    cleanup();
  });

  it('keeps answering health while they are parsed, and refuses a third before parsing it', async () => {
    const scheduler = srv.server.repository.get('scale').scheduler!;
    const sent = [0, 1, 2].map(() => infer(srv.url, body));
    const settled = sent.map((p) => p.then((r) => r));

    // Health, over and over, until two bodies are parsed and wait at the gate (or in the queue).
    let duringParse = 0;
    let answered = 0;
    while (gate.held + scheduler.depth < 2) {
      const h = await fetch(`${srv.url}/v2/health/live`);
      expect(h.status).toBe(200);
      expect(await h.json()).toEqual({ live: true });
      answered++;
      // A place reserved and not yet queued: a body was being parsed when health answered.
      if (scheduler.reservedPlaces > 0) duringParse++;
    }
    expect(answered).toBeGreaterThan(0);
    expect(duringParse).toBeGreaterThan(0);

    // Exactly one of the three was refused, before parsing: two places for large bodies.
    const refused = await Promise.race(settled);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    const error = await errorOf(refused);
    expect(error).toEqual({ code: 'E_OVERLOADED', message: expect.stringMatching(/2 large request bodies .* at most 2 at once/) });

    // One more, announced large by its Content-Length and sent in part only: refused before it is read.
    const early = await partialUpload(srv.url, Buffer.byteLength(body), body.slice(0, 64 * 1024));
    expect(early.status).toBe(503);
    expect(early.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(JSON.parse(early.text)).toMatchObject({ code: 'E_OVERLOADED' });

    gate.release(true);
    const statuses = await Promise.all(settled.map((p) => p.then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 200, 503]);
    const ok = (await Promise.all(settled)).filter((r) => r.status === 200);
    for (const r of ok) {
      const bytes = Buffer.from(await r.arrayBuffer());
      const jsonLength = Number(r.headers.get(INFERENCE_HEADER_LENGTH));
      expect(JSON.parse(bytes.subarray(0, jsonLength).toString('utf8'))).toMatchObject({
        outputs: [{ name: 'output', shape: [1, 3, SIDE, SIDE], parameters: { binary_data_size: COUNT * 4 } }],
      });
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + jsonLength, bytes.byteOffset + bytes.length));
      expect(values.length).toBe(COUNT);
      expect([values[0], values[COUNT - 1]]).toEqual([0.125, 0.125]);
    }

    // Their places are given back once answered: large bodies are taken again.
    const again = await infer(srv.url, body);
    expect(again.status).toBe(200);
    await again.arrayBuffer();
  });

  it('answers a large body that does not fit the model with the same 400 the main thread gives', async () => {
    gate.release(true);
    // COUNT + 1 values for a shape of 3 x 1024 x 1028.
    const wrong = largeBody(COUNT - 1)
      .replace('"data":[', '"data":[0.25,0.25,')
      .replace(`[1,3,${SIDE},${SIDE}]`, `[1,3,${SIDE},${SIDE + 4}]`);
    const short = await infer(srv.url, wrong);
    expect(short.status).toBe(400);
    const e = await errorOf(short);
    expect(e.code).toBe('E_BAD_REQUEST');
    expect(e.message).toBe(`inputs[0].data has ${COUNT + 1} values but its shape [1,3,${SIDE},${SIDE + 4}] holds ${3 * SIDE * (SIDE + 4)}`);

    const r = await infer(srv.url, body);
    expect(r.status).toBe(200);
    await r.arrayBuffer();
  });

  it('keeps answering health while a large answer is written as JSON', async () => {
    gate.release(true);
    const inference = { model: 'scale', stage: 'inference' };
    const inferences = async (): Promise<number> =>
      metricValue((await srv.server.metrics.text()).body, 'gc_serve_stage_duration_seconds_count', inference) ?? 0;
    const before = await inferences();
    // The same body asking the output as JSON numbers: 3 Mi values to write.
    let arrived = false;
    const pending = infer(srv.url, body.replace('"parameters":{"binary_data":true}', '"parameters":{"binary_data":false}')).then((r) => {
      arrived = true;
      return r;
    });
    let duringWrite = 0;
    while (!arrived) {
      // Asked after the model had run and answered before the answer came: it was being written.
      const ran = (await inferences()) > before;
      const h = await fetch(`${srv.url}/v2/health/live`);
      expect(h.status).toBe(200);
      await h.arrayBuffer();
      if (ran && !arrived) duringWrite++;
    }
    expect(duringWrite).toBeGreaterThan(0);
    const r = await pending;
    expect(r.status).toBe(200);
    const json = (await r.json()) as { outputs: { name: string; shape: number[]; data: number[] }[] };
    expect(json.outputs[0]!.shape).toEqual([1, 3, SIDE, SIDE]);
    expect(json.outputs[0]!.data.length).toBe(COUNT);
    expect(new Set(json.outputs[0]!.data)).toEqual(new Set([0.125]));
  });
});
