/**
 * Admission before work: a request to a model whose queue is full is refused (503 E_OVERLOADED,
 * Retry-After) before its image is decoded, a request being decoded holds its place in the queue,
 * and Retry-After is the queue's drain time at the pace of its recent runs. Runs are held at a gate
 * and decodes at a latch, so nothing depends on how fast the machine is.
 */
import type { ImageCodec } from '../../src/serve/context';
import { defaultImageCodec } from '../../src/serve/image-codec';
import type { CreatePool } from '../../src/serve/repository';
import { createServer } from '../../src/serve/server';
import { BASELINE_ONNX, CPU_PROFILE, Gate, HORSE_PNG, errorOf } from './helpers';

const MODEL = 'baseline-torch-export';

/** The daemon's own codec, counting decodes; while `latch` is set, decodes wait for it. */
class CountingCodec {
  decodes = 0;
  latch: Promise<void> | undefined;
  private readonly real = defaultImageCodec();
  readonly codec: ImageCodec = {
    decode: async (bytes, options) => {
      this.decodes++;
      if (this.latch) await this.latch;
      return this.real.decode(bytes, options);
    },
    encodeRgb: (rgb, format) => this.real.encodeRgb(rgb, format),
  };
}

async function serve(
  codec: ImageCodec,
  options: { queueSize: number; createPool: CreatePool },
): Promise<{ url: string; depth: () => number; stop: () => Promise<void> }> {
  const server = createServer(
    { target: BASELINE_ONNX, profile: CPU_PROFILE, host: '127.0.0.1', port: 0, workers: 1, timeoutMs: 60_000, log: () => {}, ...options },
    codec,
  );
  const url = await server.listen();
  await server.loadModels();
  const slot = server.repository.get(MODEL);
  return { url, depth: () => slot.scheduler?.depth ?? 0, stop: () => server.close() };
}

function generate(url: string, body: Buffer = HORSE_PNG): Promise<Response> {
  return fetch(`${url}/v1/models/${MODEL}/generate`, { method: 'POST', body, headers: { 'content-type': 'image/png' } });
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe('gc-serve admission', () => {
  it('refuses a request to a full queue with 503 before decoding its image', async () => {
    const gate = new Gate();
    const counting = new CountingCodec();
    const srv = await serve(counting.codec, { queueSize: 1, createPool: gate.createPool });
    try {
      const running = generate(srv.url);
      await gate.waitHeld(1);
      const queued = generate(srv.url);
      await until(() => srv.depth() === 1);
      expect(counting.decodes).toBe(2);

      const refused = await generate(srv.url);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(await errorOf(refused)).toEqual({ code: 'E_OVERLOADED', message: expect.stringMatching(/queue full/) });
      expect(counting.decodes).toBe(2);

      gate.release(true);
      expect((await running).status).toBe(200);
      expect((await queued).status).toBe(200);
    } finally {
      gate.release(true);
      await srv.stop();
    }
  });

  it('counts a request being decoded as holding its place, and gives the place back when its image is bad', async () => {
    const gate = new Gate();
    const counting = new CountingCodec();
    let letGo = (): void => {};
    counting.latch = new Promise<void>((r) => (letGo = r));
    // One worker, no queue: the one place is the worker's.
    const srv = await serve(counting.codec, { queueSize: 0, createPool: gate.createPool });
    try {
      const decoding = generate(srv.url);
      await until(() => counting.decodes === 1);
      const refused = await generate(srv.url);
      expect(refused.status).toBe(503);
      expect((await errorOf(refused)).message).toMatch(/1 being prepared/);
      expect(counting.decodes).toBe(1);

      counting.latch = undefined;
      letGo();
      await gate.waitHeld(1);
      gate.release(true);
      expect((await decoding).status).toBe(200);

      // A body that does not decode answers 400 and leaves its place free for the next request.
      const bad = await generate(srv.url, Buffer.from('not a png at all'));
      expect(bad.status).toBe(400);
      await bad.arrayBuffer();
      const ok = await generate(srv.url);
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    } finally {
      counting.latch = undefined;
      letGo();
      gate.release(true);
      await srv.stop();
    }
  });

  it('asks a refused client to retry after the queue drains at the pace of its recent runs, not always 1 s', async () => {
    const SERVICE_MS = 1200;
    const gate = new Gate();
    // A pool whose every run takes at least SERVICE_MS (then waits at the gate while it is shut).
    const slowPool: CreatePool = async (path, profile, options) => {
      const pool = await gate.createPool(path, profile, options);
      const run = pool.run.bind(pool);
      pool.run = async (feeds, o) => {
        await new Promise((r) => setTimeout(r, SERVICE_MS));
        return run(feeds, o);
      };
      return pool;
    };
    const srv = await serve(new CountingCodec().codec, { queueSize: 1, createPool: slowPool });
    try {
      // One run at the known pace first (gate open), so the daemon knows its run time.
      gate.open = true;
      const first = await generate(srv.url);
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      gate.open = false;

      const running = generate(srv.url);
      await gate.waitHeld(1);
      const queued = generate(srv.url);
      await until(() => srv.depth() === 1);
      const refused = await generate(srv.url);
      expect(refused.status).toBe(503);
      await refused.arrayBuffer();
      // 1 running + 1 waiting, one worker, each run at least 1.2 s: at least ceil(2.4) = 3 s.
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(Math.ceil((2 * SERVICE_MS) / 1000));
      expect(retryAfter).toBeLessThanOrEqual(60);

      gate.release(true);
      expect((await running).status).toBe(200);
      expect((await queued).status).toBe(200);
    } finally {
      gate.release(true);
      await srv.stop();
    }
  });
});
