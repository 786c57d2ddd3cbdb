/**
 * Load: 16 concurrent clients on the compressed CycleGAN see only 200s and designed 503s; a full
 * queue answers 503 + Retry-After; a request past its deadline answers 504. The queue-full and
 * deadline cases hold runs at a gate, so they do not depend on how fast the machine is.
 */
import sharp from 'sharp';
import { BASELINE_ONNX, Gate, HORSE_PNG, type Running, errorOf, metricValue, startServer } from './helpers';

function generate(url: string): Promise<Response> {
  return fetch(`${url}/v1/models/baseline-torch-export/generate`, {
    method: 'POST',
    body: HORSE_PNG,
    headers: { 'content-type': 'image/png' },
  });
}

describe('gc-serve under load', () => {
  it('gives 16 concurrent clients only 200s and designed 503s', async () => {
    const srv = await startServer({ target: BASELINE_ONNX, workers: 1, queueSize: 4 });
    try {
      const statuses: number[] = [];
      const client = async (): Promise<void> => {
        for (let i = 0; i < 3; i++) {
          const r = await generate(srv.url);
          statuses.push(r.status);
          if (r.status === 200) {
            const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
            expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 256]);
          } else {
            expect(r.status).toBe(503);
            expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
            expect((await errorOf(r)).code).toBe('E_OVERLOADED');
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, client));
      expect(statuses).toHaveLength(48);
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);

      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      const ok = metricValue(metrics, 'gc_serve_requests_total', { route: '/v1/models/:name/generate', status: '200' });
      expect(ok).toBe(statuses.filter((s) => s === 200).length);
      expect(metricValue(metrics, 'gc_serve_queue_depth', { model: 'baseline-torch-export' })).toBe(0);
    } finally {
      await srv.stop();
    }
  });

  describe('with runs held at a gate', () => {
    let srv: Running;
    let gate: Gate;

    beforeEach(async () => {
      gate = new Gate();
      srv = await startServer({ target: BASELINE_ONNX, workers: 1, queueSize: 1, timeoutMs: 60_000, createPool: gate.createPool });
    });

    afterEach(async () => {
      gate.release(true);
      await srv.stop();
    });

    it('answers 503 with Retry-After once the queue is full, and serves the queued ones', async () => {
      const running = generate(srv.url);
      await gate.waitHeld(1);
      const queued = generate(srv.url);
      const slot = srv.server.repository.get('baseline-torch-export');
      while (slot.scheduler!.depth < 1) await new Promise((r) => setTimeout(r, 5));

      const refused = await generate(srv.url);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await errorOf(refused)).toEqual({ code: 'E_OVERLOADED', message: expect.stringMatching(/queue full/) });

      gate.release(true);
      expect((await running).status).toBe(200);
      expect((await queued).status).toBe(200);
    });

    it('answers 504 when the deadline passes, then keeps serving', async () => {
      const late = await fetch(`${srv.url}/v1/models/baseline-torch-export/generate`, {
        method: 'POST',
        body: HORSE_PNG,
        headers: { 'content-type': 'image/png', 'x-gc-timeout-ms': '50' },
      });
      expect(late.status).toBe(504);
      expect((await errorOf(late)).code).toBe('E_DEADLINE');

      gate.release(true);
      const r = await generate(srv.url);
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      expect(metricValue(metrics, 'gc_serve_requests_total', { route: '/v1/models/:name/generate', status: '504' })).toBe(1);
    });

    it('refuses a malformed x-gc-timeout-ms with 400', async () => {
      const r = await fetch(`${srv.url}/v1/models/baseline-torch-export/generate`, {
        method: 'POST',
        body: HORSE_PNG,
        headers: { 'content-type': 'image/png', 'x-gc-timeout-ms': 'soon' },
      });
      expect(r.status).toBe(400);
      expect((await errorOf(r)).code).toBe('E_BAD_REQUEST');
    });
  });
});
