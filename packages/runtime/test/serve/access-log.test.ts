/**
 * The access log (serve/access-log.ts) of a real daemon: one line per request with its id, route,
 * model, status, time, stage timings and error code; never a body, a query or the token; health
 * probes only at debug; JSON and text formats.
 */
import { connect } from 'node:net';
import { createLogger } from '../../src/serve/access-log';
import { HORSE_PNG, type Running, halfModel, startServer, tempDir, writeModel } from './helpers';

interface Line {
  level: string;
  reqId: string;
  msg: string;
  method: string;
  route: string;
  model?: string;
  status: number;
  ms?: number;
  stages?: Record<string, number>;
  code?: string;
}

let dir: string;
let cleanup: () => void;
let target: string;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  target = writeModel(dir, 'half', halfModel());
});
afterAll(() => cleanup?.());

const TOKEN = 'tok-6f1d2c9a';
const auth = { authorization: `Bearer ${TOKEN}` };

/** A daemon logging JSON lines into `lines` (at `level`). */
async function logged(level: 'info' | 'debug', format: 'json' | 'text' = 'json'): Promise<{ d: Running; lines: string[] }> {
  const lines: string[] = [];
  const accessLog = createLogger({ format, level, write: (l) => lines.push(l) });
  const d = await startServer({ target, workers: 1, token: TOKEN, accessLog });
  return { d, lines };
}

/** The request lines so far, parsed. */
const requests = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === 'request');

/** Waits (bounded by the test timeout) until `n` request lines are in: onResponse runs after the client has its answer. */
async function settled(lines: string[], n: number): Promise<Line[]> {
  while (requests(lines).length < n) await new Promise((r) => setTimeout(r, 5));
  return requests(lines);
}

describe('access log', () => {
  it('logs one JSON line per request: id (also sent as x-request-id), route, model, status, time, stages, error code', async () => {
    const { d, lines } = await logged('info');
    try {
      const generate = await fetch(`${d.url}/v1/models/half/generate`, {
        method: 'POST',
        body: HORSE_PNG,
        headers: { 'content-type': 'image/png', ...auth },
      });
      expect(generate.status).toBe(200);
      await generate.arrayBuffer();
      const missing = await fetch(`${d.url}/v2/models/nope`, { headers: auth });
      await missing.arrayBuffer();
      const [g, m] = await settled(lines, 2);
      expect(g).toMatchObject({
        level: 'info',
        reqId: generate.headers.get('x-request-id'),
        method: 'POST',
        route: '/v1/models/:name/generate',
        model: 'half',
        status: 200,
      });
      expect(Object.keys(g!.stages ?? {}).sort()).toEqual(['inference', 'postprocess', 'preprocess', 'queue']);
      expect(g!.ms).toBeGreaterThanOrEqual(g!.stages!['inference']!);
      expect(m).toMatchObject({ route: '/v2/models/:name', model: 'nope', status: 404, code: 'E_MODEL_NOT_FOUND' });
      expect(m!.reqId).not.toBe(g!.reqId);
      expect(lines).toHaveLength(2); // nothing else: no fastify "incoming request" / "request completed" pair
    } finally {
      await d.stop();
    }
  });

  it('never logs a body, a query string, a header or the token', async () => {
    const { d, lines } = await logged('info');
    try {
      const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [1, 2] }], id: 'BODY-MARKER' });
      const r = await fetch(`${d.url}/v2/models/half/infer?q=QUERY-MARKER`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-custom': 'HEADER-MARKER', ...auth },
      });
      expect(r.status).toBe(400);
      const wrong = await fetch(`${d.url}/v2/models/half`, { headers: { authorization: 'Bearer WRONG-TOKEN-MARKER' } });
      expect(wrong.status).toBe(401);
      const [bad, unauthorized] = await settled(lines, 2);
      expect(bad).toMatchObject({ route: '/v2/models/:name/infer', status: 400, code: 'E_BAD_REQUEST' });
      expect(unauthorized).toMatchObject({ status: 401, code: 'E_UNAUTHORIZED' });
      const all = lines.join('\n');
      for (const secret of ['BODY-MARKER', 'QUERY-MARKER', 'HEADER-MARKER', TOKEN, 'WRONG-TOKEN-MARKER']) {
        expect([secret, all.includes(secret)]).toEqual([secret, false]);
      }
    } finally {
      await d.stop();
    }
  });

  it('logs health probes at debug only', async () => {
    const info = await logged('info');
    const debug = await logged('debug');
    try {
      for (const { d } of [info, debug]) {
        expect((await fetch(`${d.url}/v2/health/ready`)).status).toBe(200);
        expect((await fetch(`${d.url}/v2`, { headers: auth })).status).toBe(200);
      }
      expect((await settled(info.lines, 1)).map((l) => l.route)).toEqual(['/v2']);
      expect((await settled(debug.lines, 2)).map((l) => [l.level, l.route])).toEqual([
        ['debug', '/v2/health/ready'],
        ['info', '/v2'],
      ]);
    } finally {
      await Promise.all([info.d.stop(), debug.d.stop()]);
    }
  });

  it('writes one readable line per request in the text format', async () => {
    const { d, lines } = await logged('info', 'text');
    try {
      const generate = (body: Buffer | string, type: string): Promise<ArrayBuffer> =>
        fetch(`${d.url}/v1/models/half/generate`, { method: 'POST', body, headers: { 'content-type': type, ...auth } }).then((r) =>
          r.arrayBuffer(),
        );
      await generate(HORSE_PNG, 'image/png');
      await generate('x', 'text/plain');
      while (lines.length < 2) await new Promise((r) => setTimeout(r, 5));
      expect(lines[0]).toMatch(
        /^gc-serve: req-\d+ POST \/v1\/models\/:name\/generate model=half 200 \d+\.\d ms preprocess=\d+\.\d queue=\d+\.\d inference=\d+\.\d postprocess=\d+\.\d\n$/,
      );
      expect(lines[1]).toMatch(/^gc-serve: req-\d+ POST \/v1\/models\/:name\/generate model=half 415 \d+\.\d ms code=E_MEDIA_TYPE\n$/);
    } finally {
      await d.stop();
    }
  });

  it('logs a request Node refuses before fastify has it (malformed HTTP) with its status and code', async () => {
    const { d, lines } = await logged('info');
    try {
      const { hostname, port } = new URL(d.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
        let got = '';
        socket.on('data', (c: Buffer) => (got += c.toString()));
        socket.on('close', () => resolve(got));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      const [refused] = await settled(lines, 1);
      expect(refused).toMatchObject({ reqId: '-', method: '-', route: '-', status: 400, code: 'E_BAD_REQUEST' });
      expect(refused!.ms).toBeUndefined();
    } finally {
      await d.stop();
    }
  });

  it('logs nothing per request without an access logger (--quiet)', async () => {
    const daemonLines: string[] = [];
    const d = await startServer({ target, workers: 1, log: (l) => daemonLines.push(l) });
    try {
      const r = await fetch(`${d.url}/v2/models/half`);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-request-id')).toBeNull();
      expect(daemonLines.some((l) => l.includes('/v2/models'))).toBe(false);
    } finally {
      await d.stop();
    }
  });
});
