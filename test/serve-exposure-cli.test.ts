/**
 * The real `gc-serve` binary and how exposed it is: HTTPS from --tls-cert/--tls-key (a self-signed
 * certificate made here with openssl, a real HTTPS client pinning it), clear start-up errors for
 * TLS files that cannot serve, an empty GC_SERVE_TOKEN refused, and the warning when bound beyond
 * loopback without a token; the access log's three settings (text by default, --log-format json,
 * --quiet) as an operator meets them on stderr.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { scaleModel, tempDir, writeModel } from '../packages/runtime/test/serve/helpers';

const CLI = join(__dirname, '../packages/runtime/bin/gc-serve.js');

interface Child {
  readonly child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr matches (bounded by the test timeout); throws when the process exits first. */
  waitFor(text: RegExp): Promise<RegExpExecArray>;
  readonly exit: Promise<number | null>;
}

const live: ChildProcess[] = [];
afterEach(() => {
  for (const c of live.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function gcServe(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  live.push(child);
  let err = '';
  const waiters: (() => void)[] = [];
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let exited = false;
  void exit.then(() => {
    exited = true;
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (text: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const m = text.exec(err);
      if (m) return m;
      if (exited) throw new Error(`gc-serve exited before printing ${String(text)}:\n${err}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { child, stderr: () => err, waitFor, exit };
}

/** A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files in `dir`). */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { cert, key };
}

/** GET over HTTPS trusting only `ca`. */
function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let cleanup: () => void;
let model: string;
let pem: { cert: string; key: string };
let other: { cert: string; key: string };
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  model = writeModel(dir, 'm', scaleModel(1));
  pem = selfSigned(dir, 'a');
  other = selfSigned(dir, 'b');
});
afterAll(() => cleanup?.());

describe('gc-serve exposure (CLI)', () => {
  it('serves HTTPS with --tls-cert/--tls-key, says https:// when listening, and a client pinning the certificate gets answers', async () => {
    const d = gcServe([model, '--device', 'cpu', '--port', '0', '--tls-cert', pem.cert, '--tls-key', pem.key]);
    const url = (await d.waitFor(/listening on (https:\/\/127\.0\.0\.1:\d+)/))[1]!;
    await d.waitFor(/^gc-serve: ready$/m);
    const ca = readFileSync(pem.cert);
    const r = await httpsGet(`${url}/v2/models/m`, ca);
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { name: string }).name).toBe('m');
    // a client that trusts another certificate refuses the connection
    await expect(httpsGet(`${url}/v2/health/live`, readFileSync(other.cert))).rejects.toThrow(/self[- ]signed|verify/i);
    d.child.kill('SIGTERM');
    expect(await d.exit).toBe(0);
  });

  it.each([
    ['only --tls-cert', (): string[] => ['--tls-cert', pem.cert], /error\[E_ARGS\]: --tls-cert and --tls-key go together; got only --tls-cert/],
    ['a missing key file', (): string[] => ['--tls-cert', pem.cert, '--tls-key', join(dir, 'none.pem')], /error\[E_TLS\]: --tls-key '.*none\.pem' cannot be read: no such file/],
    ['a certificate that is not PEM', (): string[] => ['--tls-cert', model, '--tls-key', pem.key], /error\[E_TLS\]: --tls-cert '.*m\.onnx' holds no PEM certificate/],
    ['a key of another certificate', (): string[] => ['--tls-cert', pem.cert, '--tls-key', other.key], /error\[E_TLS\]: --tls-key '.*b-key\.pem' is not the private key of --tls-cert '.*a-cert\.pem'/],
  ])('refuses %s at start with one error line and a hint, no stack trace', async (_what, flags, message) => {
    const d = gcServe([model, '--device', 'cpu', '--port', '0', ...flags()]);
    expect(await d.exit).not.toBe(0);
    expect(d.stderr()).toMatch(message);
    expect(d.stderr()).toMatch(/\n {2}hint: /);
    expect(d.stderr()).not.toMatch(/\n\s+at |E_INTERNAL/);
  });

  it.each(['', ' '])('refuses GC_SERVE_TOKEN=%j at start instead of serving without a token', async (token) => {
    const d = gcServe([model, '--device', 'cpu', '--port', '0'], { GC_SERVE_TOKEN: token });
    expect(await d.exit).not.toBe(0);
    expect(d.stderr()).toMatch(/error\[E_ARGS\]: the bearer token \(GC_SERVE_TOKEN\) is empty: that would turn authentication off\n {2}hint: /);
    expect(d.stderr()).not.toMatch(/listening on/);
  });

  it('lists the exposure and logging flags in --help', async () => {
    const help = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    help.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => help.on('exit', resolve));
    for (const flag of ['--allowed-host', '--tls-cert', '--tls-key', '--quiet', '--log-format']) expect(out).toContain(flag);
  });

  it('takes --allowed-host more than once, before the model path, and answers those names only', async () => {
    const d = gcServe(['--allowed-host', 'gc.example', '--allowed-host', '.lan.example', model, '--device', 'cpu', '--port', '0']);
    const url = new URL((await d.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!);
    await d.waitFor(/^gc-serve: ready$/m);
    const status = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        httpRequest({ host: url.hostname, port: url.port, path: '/v2/models/m', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect([await status('gc.example'), await status('jetson.lan.example'), await status('evil.example')]).toEqual([200, 200, 421]);
    d.child.kill('SIGTERM');
    expect(await d.exit).toBe(0);
  });

  it('warns at start when bound to 0.0.0.0 without a token, and not when bound to loopback', async () => {
    const open = gcServe([model, '--device', 'cpu', '--port', '0', '--host', '0.0.0.0']);
    await open.waitFor(/^gc-serve: ready$/m);
    expect(open.stderr()).toMatch(/^gc-serve: warning: listening on 0\.0\.0\.0 without a bearer token: anyone who can reach/m);
    const local = gcServe([model, '--device', 'cpu', '--port', '0']);
    await local.waitFor(/^gc-serve: ready$/m);
    expect(local.stderr()).not.toMatch(/warning/);
    open.child.kill('SIGTERM');
    local.child.kill('SIGTERM');
    expect([await open.exit, await local.exit]).toEqual([0, 0]);
  });
});

describe('gc-serve access log (CLI)', () => {
  /** Starts the daemon with `flags`, makes one request that succeeds and one that fails, stops it; its stderr. */
  async function stderrOf(flags: string[]): Promise<string> {
    const d = gcServe([model, '--device', 'cpu', '--port', '0', ...flags]);
    const url = (await d.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    await d.waitFor(/"msg":"ready"|^gc-serve: ready$/m);
    expect((await fetch(`${url}/v2/models/m`)).status).toBe(200);
    expect((await fetch(`${url}/v2/models/none`)).status).toBe(404);
    await fetch(`${url}/v2/health/ready`);
    d.child.kill('SIGTERM');
    expect(await d.exit).toBe(0);
    return d.stderr();
  }

  it('logs a readable line per request by default, beside the daemon lines', async () => {
    const log = await stderrOf([]);
    expect(log).toMatch(/^gc-serve: req-\d+ GET \/v2\/models\/:name model=m 200 \d+\.\d ms$/m);
    expect(log).toMatch(/^gc-serve: req-\d+ GET \/v2\/models\/:name model=none 404 \d+\.\d ms code=E_MODEL_NOT_FOUND$/m);
    expect(log).not.toMatch(/health/); // health probes at debug only
    expect(log).toMatch(/^gc-serve: stopped$/m);
  });

  it('--log-format json writes every line as one JSON object, daemon lines included', async () => {
    const log = await stderrOf(['--log-format', 'json']);
    const lines = log.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; status?: number; code?: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/listening on http:/), 'ready', 'request', 'stopped']));
    expect(lines.filter((l) => l.msg === 'request').map((l) => [l.status, l.code])).toEqual([
      [200, undefined],
      [404, 'E_MODEL_NOT_FOUND'],
    ]);
  });

  it('--quiet drops the request lines and keeps start-up and shutdown lines', async () => {
    const log = await stderrOf(['--quiet']);
    expect(log).not.toMatch(/req-\d+|\/v2\/models/);
    expect(log).toMatch(/^gc-serve: ready$/m);
    expect(log).toMatch(/^gc-serve: stopped$/m);
  });
});
