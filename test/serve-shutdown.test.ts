/**
 * How the real `gc-serve` process stops: a forced stop (past --shutdown-timeout-ms, or a second
 * signal) exits 1 without aborting while a worker thread is inside onnxruntime; requests sent on
 * `Connection: close` connections just before SIGTERM are answered, never reset, and every 503 is
 * the KServe error body with Retry-After; started the README's way (`npx gc-serve`), a signal to
 * the pid the user holds (npx's) stops the daemon and frees the port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { HORSE_PNG, metricValue, scaleModel, slowModel, tempDir, writeModel } from '../packages/runtime/test/serve/helpers';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'packages/runtime/bin/gc-serve.js');

interface Proc {
  readonly child: ChildProcess;
  stderr(): string;
  /** Every holder of the stderr pipe has closed it (the process and whatever it started). */
  readonly closed: Promise<void>;
  waitFor(text: string | RegExp): Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnLogged(command: string, args: string[]): Proc {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const waiters: (() => void)[] = [];
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let exited = false;
  void exit.then(() => {
    exited = true;
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (text: string | RegExp): Promise<void> => {
    while (!(typeof text === 'string' ? err.includes(text) : text.test(err))) {
      if (exited) throw new Error(`exited before printing ${String(text)}:\n${err}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const closed = new Promise<void>((resolve) => child.stderr.on('close', resolve));
  return { child, stderr: () => err, waitFor, exit, closed };
}

/** Starts gc-serve on a free port; resolves with its URL and pid once it says it is ready. */
async function start(p: Proc): Promise<{ url: string; pid: number }> {
  await p.waitFor(/^gc-serve: ready$/m);
  const m = /listening on (http:\/\/127\.0\.0\.1:\d+) \(pid (\d+), /.exec(p.stderr());
  if (!m) throw new Error(`no listening line with a pid:\n${p.stderr()}`);
  return { url: m[1]!, pid: Number(m[2]) };
}

const daemon = (target: string, extra: string[] = []): Proc =>
  spawnLogged(process.execPath, [CLI, target, '--device', 'cpu', '--port', '0', ...extra]);

/** Resolves once the model has `n` inference runs in flight (bounded by the test timeout). */
async function untilInFlight(url: string, model: string, n: number): Promise<void> {
  for (;;) {
    const m = await (await fetch(`${url}/metrics`)).text();
    if (metricValue(m, 'gc_serve_inference_in_flight', { model }) === n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const generate = (url: string, model: string): Promise<Response> =>
  fetch(`${url}/v1/models/${model}/generate`, { method: 'POST', body: HORSE_PNG, headers: { 'content-type': 'image/png' } });

/** The process with this pid is gone (signal 0 finds none). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const ABORT = /terminate called|Napi::Error|Aborted|core dumped/;

const live: number[] = [];
afterEach(() => {
  for (const pid of live.splice(0)) if (!gone(pid)) process.kill(pid, 'SIGKILL');
});

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup?.());

describe('gc-serve forced shutdown', () => {
  it('past --shutdown-timeout-ms refuses the waiting request and exits 1 once the run returns, without aborting', async () => {
    const p = daemon(writeModel(dir, 'slow', slowModel()), ['--workers', '1', '--shutdown-timeout-ms', '50']);
    const { url, pid } = await start(p);
    live.push(pid);
    const running = generate(url, 'slow').catch(() => undefined);
    await untilInFlight(url, 'slow', 1);
    const waiting = generate(url, 'slow');
    // The second request has passed its checks and waits for the worker.
    for (;;) {
      const m = await (await fetch(`${url}/metrics`)).text();
      if (metricValue(m, 'gc_serve_queue_depth', { model: 'slow' }) === 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    p.child.kill('SIGTERM');
    const refused = await waiting;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(((await refused.json()) as { code: string }).code).toBe('E_SHUTTING_DOWN');
    expect(await p.exit).toEqual({ code: 1, signal: null });
    await running;
    expect(p.stderr()).toContain(
      'shutdown took over 50 ms; refusing the requests still waiting, exiting once the 1 inference run(s) in progress return',
    );
    expect(p.stderr()).not.toMatch(ABORT);
  });

  it('on a second signal exits 1 once the run in progress returns, without aborting', async () => {
    const p = daemon(writeModel(dir, 'slow2', slowModel()), ['--workers', '1', '--shutdown-timeout-ms', '600000']);
    const { url, pid } = await start(p);
    live.push(pid);
    const running = generate(url, 'slow2').catch(() => undefined);
    await untilInFlight(url, 'slow2', 1);
    p.child.kill('SIGTERM');
    await p.waitFor('SIGTERM: shutting down');
    p.child.kill('SIGINT');
    expect(await p.exit).toEqual({ code: 1, signal: null });
    await running;
    expect(p.stderr()).toContain('SIGINT again: stopping now; refusing the requests still waiting');
    expect(p.stderr()).not.toMatch(ABORT);
  });
});

/** Sends a whole HTTP/1.1 request on a new connection; resolves with everything that came back, or how it failed. */
function rawRequest(port: number, request: string): { sent: Promise<void>; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString()));
  const sent = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => socket.write(request, (e) => (e ? reject(e) : resolve())));
    socket.once('error', reject);
  });
  const answer = new Promise<string>((resolve) => {
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(`${data}<${e.code ?? e.message}>`));
    socket.on('close', () => resolve(data));
  });
  return { sent, answer };
}

describe('gc-serve shutdown edges', () => {
  it('answers each request sent on a Connection: close connection before SIGTERM; a 503 has the KServe body and Retry-After', async () => {
    const p = daemon(writeModel(dir, 'quick', scaleModel(0.5)));
    const { url, pid } = await start(p);
    live.push(pid);
    const port = Number(new URL(url).port);
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [2, 4, 6] }] });
    const request = [
      'POST /v2/models/quick/infer HTTP/1.1',
      'Host: 127.0.0.1',
      'Connection: close',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
    // Stopped, the daemon reads nothing: the connections wait in its listen backlog with their
    // requests sent, and it sees them and SIGTERM together when it resumes.
    process.kill(pid, 'SIGSTOP');
    const requests = Array.from({ length: 12 }, () => rawRequest(port, request));
    await Promise.all(requests.map((r) => r.sent));
    process.kill(pid, 'SIGTERM');
    process.kill(pid, 'SIGCONT');
    const answers = await Promise.all(requests.map((r) => r.answer));
    for (const a of answers) {
      expect(a).toMatch(/^HTTP\/1\.1 (200|503) /);
      if (a.startsWith('HTTP/1.1 200')) {
        expect(a).toMatch(/"data":\[1,2,3\]/);
        continue;
      }
      expect(a).toMatch(/\r\nretry-after: \d+\r\n/i);
      const json = JSON.parse(a.slice(a.indexOf('\r\n\r\n') + 4)) as { error: unknown; code: unknown };
      expect(json).toMatchObject({ error: expect.any(String), code: 'E_SHUTTING_DOWN' });
    }
    expect(await p.exit).toEqual({ code: 0, signal: null });
  });
});

describe('gc-serve started with npx', () => {
  it('stops and frees its port when the npx process it was started with gets SIGTERM', async () => {
    const p = spawnLogged('npx', ['gc-serve', writeModel(dir, 'npx', scaleModel(1)), '--device', 'cpu', '--port', '0']);
    const { url, pid } = await start(p);
    live.push(pid);
    expect(pid).not.toBe(p.child.pid); // npx runs the daemon under npm and a shell
    p.child.kill('SIGTERM');
    await p.exit;
    await p.closed;
    expect(p.stderr()).toMatch(/^gc-serve: the parent process \(pid \d+\) is gone/m);
    expect(p.stderr()).toMatch(/^gc-serve: stopped$/m);
    while (!gone(pid)) await new Promise((r) => setTimeout(r, 20));
    expect(await fetch(`${url}/v2/health/live`).then((r) => r.status, () => 'refused')).toBe('refused');
  });
});
