/**
 * What a browser page may do to the daemon (serve/exposure.ts): Host names it answers (DNS
 * rebinding), cross-site requests (CSRF), the repository's bodies; and an empty bearer token. A real
 * daemon on 127.0.0.1 and node:http as the client, since fetch() will not send a Host of our choosing.
 */
import { request } from 'node:http';
import { hostName, isLoopback, sameOrigin } from '../../src/serve/exposure';
import { exposureWarnings } from '../../src/serve/exposure-warnings';
import { createServer } from '../../src/serve/server';
import { CPU_PROFILE, HORSE_PNG, type Running, halfModel, startServer, tempDir, writeModel } from './helpers';

interface Answer {
  readonly status: number;
  readonly body: { error?: string; code?: string; hint?: string; [k: string]: unknown };
}

/** One request with exactly these headers (Host included), the body as given. */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const type = res.headers['content-type'] ?? '';
        const json = type.startsWith('application/json');
        resolve({ status: res.statusCode ?? 0, body: json ? (JSON.parse(text) as Answer['body']) : { text } });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const INFER = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [2, 4, 6] }] });

let dir: string;
let cleanup: () => void;
let target: string;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  target = writeModel(dir, 'half', halfModel());
});
afterAll(() => cleanup?.());

describe('Host names (DNS rebinding)', () => {
  let d: Running;
  let port: string;
  beforeAll(async () => {
    d = await startServer({ target, workers: 1 });
    port = new URL(d.url).port;
  });
  afterAll(() => d?.stop());

  it.each(['127.0.0.1:PORT', 'localhost:PORT', 'LOCALHOST', '[::1]:PORT', '127.0.0.1:9000', 'localhost.:PORT'])(
    'bound to 127.0.0.1, answers the loopback Host %s',
    async (host) => {
      const r = await send(d.url, 'GET', '/v2/models/half', { host: host.replace('PORT', port) });
      expect([r.status, r.body.name]).toEqual([200, 'half']);
    },
  );

  it.each(['evil.example:PORT', 'evil.example', '127.0.0.1.evil.example:PORT', 'localhost@evil.example', ''])(
    'bound to 127.0.0.1, refuses the Host %j with 421 E_HOST and a hint',
    async (host) => {
      const headers = { host: host.replace('PORT', port), 'content-type': 'application/json' };
      const r = await send(d.url, 'POST', '/v2/models/half/infer', headers, INFER);
      expect([r.status, r.body.code]).toEqual([421, 'E_HOST']);
      expect(r.body.error).toContain('is not a name this daemon answers (bound to 127.0.0.1)');
      expect(r.body.hint).toMatch(/--allowed-host/);
    },
  );

  it('answers health probes whatever the Host', async () => {
    expect((await send(d.url, 'GET', '/v2/health/ready', { host: 'evil.example' })).status).toBe(200);
  });

  it('holds the demo page to the Host check (it needs no token, but only the health probes answer any name)', async () => {
    expect((await send(d.url, 'GET', '/demo/', { host: 'evil.example' })).status).toBe(421);
    expect((await send(d.url, 'GET', '/demo/', { host: `127.0.0.1:${port}` })).status).toBe(200);
  });

  it('answers names given with --allowed-host (and names under a .domain entry), still refusing others', async () => {
    const allowed = await startServer({ target, workers: 1, allowedHosts: ['gc.example', '.lan.example'] });
    try {
      const get = async (host: string): Promise<number> => (await send(allowed.url, 'GET', '/v2/models/half', { host })).status;
      expect(await get('gc.example:8080')).toBe(200);
      expect(await get('GC.Example')).toBe(200);
      expect(await get('jetson.lan.example')).toBe(200);
      expect(await get('lan.example')).toBe(200);
      expect(await get('127.0.0.1')).toBe(200);
      expect(await get('evil.example')).toBe(421);
      expect(await get('evillan.example')).toBe(421);
    } finally {
      await allowed.stop();
    }
  });

  it('takes cross-site-looking requests whose Origin is an --allowed-host name (a reverse proxy passing on another Host)', async () => {
    const proxied = await startServer({ target, workers: 1, allowedHosts: ['gc.example'] });
    try {
      const load = async (origin: string): Promise<number> =>
        (await send(proxied.url, 'POST', '/v2/repository/models/half/load', { origin, 'sec-fetch-site': 'same-origin' })).status;
      expect(await load('https://gc.example')).toBe(200);
      expect(await load('https://evil.example')).toBe(403);
    } finally {
      await proxied.stop();
    }
  });

  it('bound beyond loopback answers every Host unless --allowed-host is given, then names listed, loopback and IPs', async () => {
    const any = await startServer({ target, workers: 1, host: '0.0.0.0' });
    const listed = await startServer({ target, workers: 1, host: '0.0.0.0', allowedHosts: ['gc.example'] });
    try {
      const url = (r: Running): string => r.url.replace('0.0.0.0', '127.0.0.1');
      const get = async (r: Running, host: string): Promise<number> => (await send(url(r), 'GET', '/v2/models/half', { host })).status;
      expect(await get(any, 'anything.example')).toBe(200);
      expect(await get(listed, 'gc.example')).toBe(200);
      expect(await get(listed, '192.168.1.20:8080')).toBe(200);
      expect(await get(listed, 'localhost')).toBe(200);
      expect(await get(listed, 'anything.example')).toBe(421);
    } finally {
      await Promise.all([any.stop(), listed.stop()]);
    }
  });
});

describe('cross-site requests (CSRF)', () => {
  let d: Running;
  let host: string;
  beforeAll(async () => {
    d = await startServer({ target, workers: 1 });
    host = new URL(d.url).host;
  });
  afterAll(() => d?.stop());

  it.each([
    ['an Origin of another site', { origin: 'http://evil.example' }],
    ['an Origin of another port of this host', { origin: 'http://127.0.0.1:1' }],
    ['an opaque Origin (sandboxed frame, file://)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site (no Origin)', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a reload with %s: 403 E_CROSS_SITE', async (_what, headers) => {
    const r = await send(d.url, 'POST', '/v2/repository/models/half/load', { 'content-type': 'text/plain', ...headers }, 'x');
    expect([r.status, r.body.code]).toEqual([403, 'E_CROSS_SITE']);
    expect(r.body.hint).toMatch(/own origin/);
  });

  it('refuses cross-site inference and generate requests, and a cross-site WebSocket upgrade', async () => {
    const origin = { origin: 'http://evil.example' };
    const infer = await send(d.url, 'POST', '/v2/models/half/infer', { 'content-type': 'application/json', ...origin }, INFER);
    const generate = await send(d.url, 'POST', '/v1/models/half/generate', { 'content-type': 'image/png', ...origin }, HORSE_PNG);
    const upgrade = await send(d.url, 'GET', '/v2/models/half', { connection: 'Upgrade', upgrade: 'websocket', ...origin });
    expect([infer.status, generate.status, upgrade.status]).toEqual([403, 403, 403]);
  });

  it("takes requests from the daemon's own origin (its demo page) and from clients that send no Origin", async () => {
    const own = { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' };
    const infer = await send(d.url, 'POST', '/v2/models/half/infer', { 'content-type': 'application/json', ...own }, INFER);
    expect([infer.status, (infer.body.outputs as { data: number[] }[])[0]!.data]).toEqual([200, [1, 2, 3]]);
    const generate = await send(d.url, 'POST', '/v1/models/half/generate', { 'content-type': 'image/png', ...own }, HORSE_PNG);
    expect(generate.status).toBe(200);
    expect((await send(d.url, 'POST', '/v2/repository/models/half/load', {})).status).toBe(200);
    // a page's GETs (navigation, images) are not refused: they cannot change anything, and no CORS lets a page read them
    expect((await send(d.url, 'GET', '/v2/models/half', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });

  it('takes a load with no body or a JSON body, and refuses form bodies (415) and bodies that are not JSON (400)', async () => {
    const load = (headers: Record<string, string>, body?: string): Promise<Answer> =>
      send(d.url, 'POST', '/v2/repository/models/half/load', headers, body);
    expect((await load({ 'content-type': 'application/json' }, '{"parameters": {}}')).status).toBe(200);
    expect((await load({}, '{}')).status).toBe(200);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await load({ 'content-type': type }, 'a=1');
      expect([type, r.status, r.body.code]).toEqual([type, 415, 'E_MEDIA_TYPE']);
    }
    const empty = await load({ 'content-type': 'text/plain' }, '');
    expect([empty.status, empty.body.code]).toEqual([415, 'E_MEDIA_TYPE']);
    const notJson = await load({ 'content-type': 'application/json' }, 'reload please');
    expect([notJson.status, notJson.body.code]).toEqual([400, 'E_BAD_REQUEST']);
  });
});

describe('exposure helpers', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['192.168.1.2', false],
    ['::', false],
    ['localhost.evil.example', false],
  ])('isLoopback(%s) is %s', (host, loopback) => expect(isLoopback(host)).toBe(loopback));

  it.each([
    ['Example.COM:8080', 'example.com'],
    ['[::1]:80', '::1'],
    ['localhost.', 'localhost'],
    ['a b', undefined],
    ['x:y', undefined],
    ['u@evil.example', undefined],
  ])('hostName(%j) is %j', (value, name) => expect(hostName(value)).toBe(name));

  it.each([
    ['http://127.0.0.1:8080', '127.0.0.1:8080', true],
    ['https://gc.example', 'gc.example:443', true],
    ['http://gc.example', 'gc.example:443', false],
    ['http://127.0.0.1:8081', '127.0.0.1:8080', false],
    ['null', '127.0.0.1:8080', false],
    ['chrome-extension://abc', 'abc', false],
  ])('sameOrigin(%s, Host %s) is %s', (origin, host, same) => expect(sameOrigin(origin, host)).toBe(same));
});

describe('start-up checks: bearer token, --allowed-host, exposure warnings', () => {
  it.each(['', '   '])('refuses an empty bearer token (%j) at start with E_ARGS and a hint, instead of turning auth off', (token) => {
    expect(() => createServer({ target, profile: CPU_PROFILE, token })).toThrow(
      expect.objectContaining({ code: 'E_ARGS', message: expect.stringContaining('GC_SERVE_TOKEN') as string }),
    );
  });

  const badHosts = ['http://gc.example', 'gc.example:8080', 'gc.example/path', '', 'a b'];
  it.each(badHosts)('refuses --allowed-host %j at start with E_ARGS', (host) => {
    expect(() => createServer({ target, profile: CPU_PROFILE, allowedHosts: [host] })).toThrow(
      expect.objectContaining({ code: 'E_ARGS', message: expect.stringMatching(/expected a host name without scheme, port or path/) as string }),
    );
  });

  it('warns when bound beyond loopback without a token, or with a token over plain HTTP', () => {
    const tls = { certFile: 'c.pem', keyFile: 'k.pem' };
    expect(exposureWarnings({ host: '127.0.0.1' })).toEqual([]);
    expect(exposureWarnings({ host: '0.0.0.0' })).toEqual([expect.stringMatching(/^warning: listening on 0\.0\.0\.0 without a bearer token/)]);
    expect(exposureWarnings({ host: '0.0.0.0', token: 't' })).toEqual([expect.stringMatching(/over plain HTTP: the bearer token crosses/)]);
    expect(exposureWarnings({ host: '0.0.0.0', token: 't', tls })).toEqual([]);
  });
});
