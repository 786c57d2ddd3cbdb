/**
 * Slow clients cannot hold the daemon's connections (slowloris): a request that does not arrive
 * whole within --timeout-ms (headers within min(--timeout-ms, 10 s)) is answered 408 with the JSON
 * error body and its connection closed. Raw sockets trickle bytes; every loop is bounded by a
 * count, and the assertions are on what the server answers, not on how long it took.
 */
import { connect, type Socket } from 'node:net';
import { connectionTimeouts } from '../../src/serve/connection';
import { type Running, halfModel, metricValue, startServer, tempDir, writeModel } from './helpers';

const TIMEOUT_MS = 300;
/** Trickled bytes, one per tick: far more ticks than the timeout allows, so the server must cut in. */
const MAX_TICKS = 400;
const TICK_MS = 25;

let srv: Running;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  writeModel(t.dir, 'half', halfModel());
  srv = await startServer({ target: t.dir, timeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

/**
 * Opens a raw connection, writes `head`, then one `drip` per tick until the server closes the
 * connection or MAX_TICKS ran out; resolves with what the server sent and how many drips went out.
 */
function trickle(head: string, drip: string): Promise<{ answer: string; ticks: number; closedByServer: boolean }> {
  const { port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let ticks = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is fine
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, ticks, closedByServer: ticks < MAX_TICKS });
    });
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (ticks >= MAX_TICKS) {
          clearInterval(timer);
          socket.destroy();
          return;
        }
        ticks++;
        if (!socket.destroyed) socket.write(drip);
      }, TICK_MS);
    });
    socket.setTimeout(MAX_TICKS * TICK_MS * 4, () => reject(new Error('no close from either side')));
  });
}

function parse(answer: string): { status: number; headers: string; body: { error: string; code: string } } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

describe('gc-serve connection timeouts', () => {
  it('derives every timeout from --timeout-ms', () => {
    expect(connectionTimeouts(30_000)).toEqual({
      requestMs: 30_000,
      headersMs: 10_000,
      idleMs: 40_000,
      keepAliveMs: 40_000,
      checkEveryMs: 1000,
    });
    expect(connectionTimeouts(300)).toEqual({ requestMs: 300, headersMs: 300, idleMs: 10_300, keepAliveMs: 10_300, checkEveryMs: 75 });
    expect(connectionTimeouts(120_000).keepAliveMs).toBe(72_000);
  });

  it('answers a body trickled byte by byte with 408, our JSON error, and closes the connection', async () => {
    const head =
      'POST /v1/models/half/generate HTTP/1.1\r\n' +
      'Host: 127.0.0.1\r\n' +
      'Content-Type: image/png\r\n' +
      `Content-Length: ${MAX_TICKS + 100}\r\n\r\n`;
    const { answer, closedByServer } = await trickle(head, 'x');
    expect(closedByServer).toBe(true);
    const r = parse(answer);
    expect(r.status).toBe(408);
    expect(r.headers).toContain('content-type: application/json');
    expect(r.headers).toContain('connection: close');
    expect(r.body.code).toBe('E_REQUEST_TIMEOUT');
    expect(r.body.error).toBe(`the request did not arrive whole within ${TIMEOUT_MS} ms (headers within ${TIMEOUT_MS} ms)`);
  });

  it('answers headers trickled line by line with 408 too', async () => {
    const { answer, closedByServer } = await trickle('GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n');
    expect(closedByServer).toBe(true);
    expect(parse(answer).status).toBe(408);
  });

  it('counts the 408s and keeps serving others', async () => {
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metricValue(metrics, 'gc_serve_requests_total', { status: '408' })).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${srv.url}/v2/health/ready`)).status).toBe(200);
  });
});
