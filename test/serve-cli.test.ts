/**
 * The real `gc-serve` binary (packages/runtime/bin/gc-serve.js on dist/, built by `tsc -b`) as a child
 * process: arguments, SIGTERM with a request in flight, SIGINT, SIGHUP reload, the environment
 * (token, test crash hook).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { HORSE_PNG, inferValues, metricValue, scaleModel, slowModel, tempDir, writeModel } from '../packages/runtime/test/serve/helpers';

const CLI = join(__dirname, '../packages/runtime/bin/gc-serve.js');

interface Daemon {
  readonly child: ChildProcess;
  readonly url: string;
  /** stderr so far. */
  log(): string;
  /** Resolves once stderr contains `text` (bounded by the test timeout). */
  waitFor(text: string | RegExp): Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; stderr: () => string; stdout: () => string; exit: Daemon['exit']; waitFor: Daemon['waitFor'] } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  const waiters: (() => void)[] = [];
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (text: string | RegExp): Promise<void> => {
    let done = false;
    void exit.then(() => (done = true));
    while (!(typeof text === 'string' ? err.includes(text) : text.test(err))) {
      if (done) throw new Error(`gc-serve exited before printing ${String(text)}:\n${err}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        void exit.then(() => r());
      });
    }
  };
  return { child, stderr: () => err, stdout: () => out, exit, waitFor };
}

/** Starts the daemon on port 0 and waits until it says it is ready. */
async function startDaemon(target: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Daemon> {
  const p = run([target, '--device', 'cpu', '--port', '0', ...extra], env);
  await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  // one name, then what it says: `gc-serve: version X, listening on ...`
  expect(p.stderr()).toMatch(/^gc-serve: version \d+\.\d+\.\d+, listening on /m);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(p.stderr())![1]!;
  await p.waitFor(/^gc-serve: ready$/m);
  return { child: p.child, url, log: p.stderr, waitFor: p.waitFor, exit: p.exit };
}

const live: ChildProcess[] = [];
afterEach(() => {
  for (const c of live.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup?.());

describe('gc-serve CLI', () => {
  it('prints usage with --help and exits 0', async () => {
    const p = run(['--help']);
    expect((await p.exit).code).toBe(0);
    expect(p.stdout()).toMatch(/gc-serve <model>/);
    for (const flag of [
      '--device',
      '--host',
      '--port',
      '--workers',
      '--queue-size',
      '--timeout-ms',
      '--max-body-mb',
      '--max-pixels',
      '--max-model-pixels',
      '--resize-policy',
      '--max-batch',
      '--max-delay-ms',
    ]) {
      expect(p.stdout()).toContain(flag);
    }
  });

  it.each([
    [['m.onnx', '--workers', '0'], 2, /error\[E_ARGS\]: --workers '0': expected an integer in \[1, 64\]/],
    [['m.onnx', '--resize-policy', 'squash'], 2, /error\[E_ARGS\]: Invalid values: Argument: resize-policy, Given: "squash", Choices: "resize", "crop", "refuse"/],
    [['/no/such/model.onnx', '--device', 'cpu'], 1, /error\[E_MODEL_NOT_FOUND\]: '\/no\/such\/model.onnx' does not exist/],
    [['m.onnx', '--device', 'toaster'], 1, /error\[E_DEVICE\]: unknown device profile "toaster". Should be one of: auto, .*cpu/],
    [['m.onnx', '--device', 'cpu', '--max-body-mb', 'abc'], 2, /error\[E_ARGS\]: --max-body-mb 'abc': expected a positive number\n {2}hint: run gc-serve --help/],
    [['m.onnx', '--device', 'cpu', '--port', '0x10'], 2, /error\[E_ARGS\]: --port '0x10': expected an integer in \[0, 65535\]/],
    [['m.onnx', '--device', 'cpu', '--timeout-ms', ''], 2, /error\[E_ARGS\]: --timeout-ms '': expected an integer in \[1, \d+\]/],
    [['m.onnx', '--device', 'cpu', '--max-model-pixels', '1e3.5'], 2, /error\[E_ARGS\]: --max-model-pixels '1e3.5': expected an integer/],
  ])('refuses %j with exit %i and a one-line error', async (args, code, message) => {
    const p = run(args);
    expect((await p.exit).code).toBe(code);
    expect(p.stderr()).toMatch(message);
    expect(p.stderr()).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });

  it('refuses a port in use with E_LISTEN and a hint, not as a bug, and exits 1', async () => {
    const target = writeModel(dir, 'listen', scaleModel(1));
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const port = (holder.address() as AddressInfo).port;
      const p = run([target, '--device', 'cpu', '--port', String(port)]);
      expect((await p.exit).code).toBe(1);
      expect(p.stderr()).toContain(
        `error[E_LISTEN]: cannot listen on 127.0.0.1:${port}: the port is already in use\n  hint: stop what holds it, or pick another --port`,
      );
      expect(p.stderr()).not.toMatch(/E_INTERNAL|a bug in gc-edge/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it.each([
    ['256.1.1.1', /error\[E_LISTEN\]: cannot listen on 256\.1\.1\.1:0: --host '256\.1\.1\.1' is neither an IP address nor a name that resolves\n {2}hint: --host takes/],
    ['192.0.2.1', /error\[E_LISTEN\]: cannot listen on 192\.0\.2\.1:0: '192\.0\.2\.1' is not an address of this machine/], // TEST-NET-1: never local
  ])('refuses --host %s with E_LISTEN and a hint, exit 1', async (host, message) => {
    const p = run([writeModel(dir, 'host', scaleModel(1)), '--device', 'cpu', '--port', '0', '--host', host]);
    expect((await p.exit).code).toBe(1);
    expect(p.stderr()).toMatch(message);
    expect(p.stderr()).not.toMatch(/E_INTERNAL|a bug in gc-edge/);
  });

  it('on SIGTERM finishes the request in flight, refuses new ones and exits 0', async () => {
    const target = writeModel(dir, 'slow', slowModel());
    const d = await startDaemon(target, ['--workers', '1']);
    live.push(d.child);
    const inFlight = fetch(`${d.url}/v1/models/slow/generate`, {
      method: 'POST',
      body: HORSE_PNG,
      headers: { 'content-type': 'image/png' },
    });
    let answered = false;
    void inFlight.then(() => (answered = true));
    // Wait (bounded by the test timeout) until the worker has the request.
    for (;;) {
      const m = await (await fetch(`${d.url}/metrics`)).text();
      if (metricValue(m, 'gc_serve_inference_in_flight', { model: 'slow' }) === 1) break;
      if (answered) throw new Error('the slow model answered before the test saw it in flight; make slowModel() slower');
      await new Promise((r) => setTimeout(r, 10));
    }
    d.child.kill('SIGTERM');
    await d.waitFor('SIGTERM: shutting down, finishing 1 request(s) in flight');

    const late = await fetch(`${d.url}/v2/health/live`).then((r) => r.status, () => 'refused');
    expect(['refused', 503]).toContain(late);

    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(await d.exit).toEqual({ code: 0, signal: null });
    expect(d.log()).toMatch(/stopped/);
  });

  it('on SIGINT when idle exits 0', async () => {
    const d = await startDaemon(writeModel(dir, 'idle', scaleModel(1)));
    live.push(d.child);
    d.child.kill('SIGINT');
    expect(await d.exit).toEqual({ code: 0, signal: null });
  });

  it('on SIGHUP reloads the model file, and keeps the old one when the new file is broken', async () => {
    const target = writeModel(dir, 'hup', scaleModel(0.5));
    const d = await startDaemon(target);
    live.push(d.child);
    expect(await inferValues(d.url, 'hup', [2, 2, 2])).toEqual({ status: 200, data: [1, 1, 1] });

    writeModel(dir, 'hup', scaleModel(2));
    d.child.kill('SIGHUP');
    await d.waitFor('SIGHUP reload: 1 ok');
    expect(await inferValues(d.url, 'hup', [2, 2, 2])).toEqual({ status: 200, data: [4, 4, 4] });

    writeFileSync(target, 'garbage');
    d.child.kill('SIGHUP');
    await d.waitFor('SIGHUP reload: 0 ok, 1 failed (previous versions keep serving)');
    expect(await inferValues(d.url, 'hup', [2, 2, 2])).toEqual({ status: 200, data: [4, 4, 4] });

    d.child.kill('SIGTERM');
    expect((await d.exit).code).toBe(0);
  });

  it('prints the demo page URL and serves the page (its files without the token); --no-demo turns it off', async () => {
    const target = writeModel(dir, 'page', scaleModel(1));
    const on = await startDaemon(target, [], { GC_SERVE_TOKEN: 's3cret' });
    live.push(on.child);
    expect(on.log()).toContain(`gc-serve: demo page: open ${on.url}/demo/ in a browser`);
    const page = await fetch(`${on.url}/demo/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(`${on.url}/v2`)).status).toBe(401); // the API the page calls still needs the token
    on.child.kill('SIGTERM');
    expect((await on.exit).code).toBe(0);

    const off = await startDaemon(target, ['--no-demo']);
    live.push(off.child);
    expect(off.log()).not.toContain('demo page');
    expect((await fetch(`${off.url}/demo/`)).status).toBe(404);
    expect((await fetch(`${off.url}/`)).status).toBe(404);
    off.child.kill('SIGTERM');
    expect((await off.exit).code).toBe(0);
  });

  it('takes the bearer token from GC_SERVE_TOKEN and the crash hook only with NODE_ENV=test', async () => {
    const target = writeModel(dir, 'env', scaleModel(1));
    const token = { authorization: 'Bearer s3cret' };
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [1, 2, 3] }] });
    const crash = (url: string): Promise<number> =>
      fetch(`${url}/v2/models/env/infer`, {
        method: 'POST',
        body,
        headers: { ...token, 'content-type': 'application/json', 'x-gc-test-crash': '1' },
      }).then((r) => r.status);

    const prod = await startDaemon(target, [], { GC_SERVE_TOKEN: 's3cret', GC_SERVE_TEST_CRASH: '1', NODE_ENV: 'production' });
    live.push(prod.child);
    expect((await fetch(`${prod.url}/v2/models/env`)).status).toBe(401);
    expect((await fetch(`${prod.url}/v2/health/ready`)).status).toBe(200);
    expect(await crash(prod.url)).toBe(200);
    prod.child.kill('SIGTERM');
    await prod.exit;

    const test = await startDaemon(target, [], { GC_SERVE_TOKEN: 's3cret', GC_SERVE_TEST_CRASH: '1', NODE_ENV: 'test' });
    live.push(test.child);
    expect(await crash(test.url)).toBe(500);
    expect(await inferValues(test.url, 'env', [1, 2, 3], token)).toEqual({ status: 200, data: [1, 2, 3] });
    test.child.kill('SIGTERM');
    expect((await test.exit).code).toBe(0);
  });
});
