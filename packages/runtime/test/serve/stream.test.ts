/**
 * GET /v1/models/{name}/stream (WebSocket) on a real daemon serving the two trained examples: each
 * frame answers what POST /generate answers for the same body; latest wins (frames that came while
 * the worker was busy are skipped and counted, never run); the bearer token, the body limit and the
 * per-frame errors hold as on the HTTP route. Also the demo page's own routes (/, /demo/, the palette).
 */
import WebSocket from 'ws';
import { CITYSCAPES_PALETTE } from '../../src/label-map';
import { DEMO_CSP } from '../../src/serve/routes/demo';
import { Gate, type Running, errorOf, metricValue, startServer, tempDir } from './helpers';
import { exampleInput, exportExamples } from './example-models';

interface FrameMeta {
  frame: number;
  dropped: number;
  mime?: string;
  provider?: string;
  ms?: Record<string, number>;
  error?: string;
  code?: string;
}

/** A stream client that collects answers: each text message, with the binary image that follows it. */
class StreamClient {
  readonly answers: (FrameMeta & { image?: Buffer })[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) this.answers[this.answers.length - 1]!.image = data;
      else this.answers.push(JSON.parse(data.toString()) as FrameMeta);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string, model: string, headers: Record<string, string> = {}): Promise<StreamClient> {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/models/${model}/stream`, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new StreamClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves once the answer to `frame` (image included, unless an error) has arrived. */
  async answer(frame: number): Promise<FrameMeta & { image?: Buffer }> {
    for (;;) {
      const a = this.answers.find((x) => x.frame === frame && (x.error !== undefined || x.image !== undefined));
      if (a) return a;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  close(): void {
    this.socket.close();
  }
}

async function generate(url: string, model: string, body: Buffer): Promise<Buffer> {
  const r = await fetch(`${url}/v1/models/${model}/generate`, { method: 'POST', body, headers: { 'content-type': 'image/png' } });
  expect(r.status).toBe(200);
  return Buffer.from(await r.arrayBuffer());
}

const inferences = async (url: string, model: string): Promise<number> =>
  metricValue(await (await fetch(`${url}/metrics`)).text(), 'gc_serve_stage_duration_seconds_count', { model, stage: 'inference' }) ?? 0;

describe('gc-serve stream and demo routes', () => {
  const tmp = tempDir();
  const gate = new Gate();
  let srv: Running;

  beforeAll(async () => {
    gate.open = true;
    srv = await startServer({ target: exportExamples(tmp.dir), createPool: gate.createPool, maxBodyMb: 1 });
  }, 120_000);

  afterAll(async () => {
    await srv?.stop();
    tmp.cleanup();
  });

  it.each(['edges2shapes', 'labels2scene'] as const)('answers each %s frame with the image POST /generate gives for it', async (model) => {
    const body = exampleInput(model);
    const client = await StreamClient.open(srv.url, model);
    try {
      client.socket.send(body);
      const a = await client.answer(1);
      expect(a).toMatchObject({ frame: 1, dropped: 0, mime: 'image/png', provider: 'cpu' });
      expect(Object.keys(a.ms ?? {})).toEqual(['preprocess', 'queue', 'inference', 'postprocess']);
      expect(a.image?.equals(await generate(srv.url, model, body))).toBe(true);
    } finally {
      client.close();
    }
  });

  it('runs only the latest frame that came while the model was busy, and counts the skipped ones', async () => {
    const body = exampleInput('labels2scene');
    const before = await inferences(srv.url, 'labels2scene');
    const client = await StreamClient.open(srv.url, 'labels2scene');
    try {
      gate.open = false;
      client.socket.send(body); // frame 1 runs, held at the gate
      await gate.waitHeld(1);
      for (let i = 0; i < 20; i++) client.socket.send(body); // frames 2..21 arrive while it runs
      // the daemon has taken every message sent before a ping once that ping's pong is back
      const pong = new Promise<void>((resolve) => client.socket.once('pong', () => resolve()));
      client.socket.ping();
      await pong;
      gate.release(true);
      const last = await client.answer(21);
      expect(client.answers.map((a) => a.frame)).toEqual([1, 21]);
      expect(last.dropped).toBe(19);
      expect((await inferences(srv.url, 'labels2scene')) - before).toBe(2);
    } finally {
      gate.open = true;
      gate.release(true);
      client.close();
    }
  });

  it('answers a bad frame with the error body and keeps the stream open', async () => {
    const client = await StreamClient.open(srv.url, 'labels2scene');
    try {
      client.socket.send(Buffer.from('not an image'));
      expect(await client.answer(1)).toMatchObject({ frame: 1, code: 'E_MEDIA_TYPE' });
      client.socket.send(exampleInput('edges2shapes')); // RGB outlines: colours outside the palette
      expect(await client.answer(2)).toMatchObject({ frame: 2, code: 'E_LABEL_MAP' });
      client.socket.send(exampleInput('labels2scene'));
      expect((await client.answer(3)).image).toBeDefined();
    } finally {
      client.close();
    }
  });

  it('answers frames for an unknown model with E_MODEL_NOT_FOUND', async () => {
    const client = await StreamClient.open(srv.url, 'nope');
    try {
      client.socket.send(exampleInput('labels2scene'));
      expect(await client.answer(1)).toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
    } finally {
      client.close();
    }
  });

  it('answers a plain GET of the stream route with a JSON error saying it is a WebSocket', async () => {
    const r = await fetch(`${srv.url}/v1/models/labels2scene/stream`);
    expect(r.status).toBe(400);
    expect((await errorOf(r)).message).toContain("connect with 'Upgrade: websocket'");
  });

  it('closes the stream on a message over --max-body-mb (1009)', async () => {
    const client = await StreamClient.open(srv.url, 'labels2scene');
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    client.socket.send(Buffer.alloc(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
  });

  it('counts each frame in gc_serve_requests_total under the stream route', async () => {
    const labels = { route: '/v1/models/:name/stream', method: 'WS', status: '200' };
    const count = async (): Promise<number> =>
      metricValue(await (await fetch(`${srv.url}/metrics`)).text(), 'gc_serve_requests_total', labels) ?? 0;
    const before = await count();
    const client = await StreamClient.open(srv.url, 'edges2shapes');
    try {
      client.socket.send(exampleInput('edges2shapes'));
      await client.answer(1);
      expect((await count()) - before).toBe(1);
    } finally {
      client.close();
    }
  });

  it('serves the demo page under a strict Content-Security-Policy; / redirects to it with the query', async () => {
    const root = await fetch(`${srv.url}/?model=labels2scene`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/demo/?model=labels2scene');
    const page = await fetch(`${srv.url}/demo/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(DEMO_CSP);
    expect(DEMO_CSP).toContain("default-src 'self'");
    const html = await page.text();
    // everything the page loads is its own: no http(s) URL in a src or href
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    const script = await fetch(`${srv.url}/demo/demo.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await errorOf(await fetch(`${srv.url}/demo/..%2Fpackage.json`))).code).toBe('E_NOT_FOUND');
  });

  it('serves the palette a label-map model names', async () => {
    const meta = (await (await fetch(`${srv.url}/v2/models/labels2scene`)).json()) as { generate: { palette: string } };
    const r = await fetch(`${srv.url}/v1/palettes/${meta.generate.palette}`);
    expect(await r.json()).toEqual(JSON.parse(JSON.stringify(CITYSCAPES_PALETTE)));
    expect((await errorOf(await fetch(`${srv.url}/v1/palettes/ade20k`))).code).toBe('E_NOT_FOUND');
  });
});

describe('gc-serve with a bearer token', () => {
  const tmp = tempDir();
  let srv: Running;

  beforeAll(async () => {
    srv = await startServer({ target: exportExamples(tmp.dir), token: 's3cret', demo: false });
  }, 120_000);

  afterAll(async () => {
    await srv?.stop();
    tmp.cleanup();
  });

  it('refuses the stream without the token (401 on the upgrade) and serves it with the token', async () => {
    await expect(StreamClient.open(srv.url, 'edges2shapes')).rejects.toThrow('Unexpected server response: 401');
    await expect(StreamClient.open(srv.url, 'edges2shapes', { authorization: 'Bearer wrong' })).rejects.toThrow('401');
    const client = await StreamClient.open(srv.url, 'edges2shapes', { authorization: 'Bearer s3cret' });
    try {
      client.socket.send(exampleInput('edges2shapes'));
      expect((await client.answer(1)).image).toBeDefined();
    } finally {
      client.close();
    }
  });

  it('serves no demo page with demo: false (--no-demo)', async () => {
    const r = await fetch(`${srv.url}/demo/`, { headers: { authorization: 'Bearer s3cret' } });
    expect(r.status).toBe(404);
  });
});
