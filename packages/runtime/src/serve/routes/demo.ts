/**
 * The interactive demo page (packages/runtime/demo/, bundled in the package): `GET /` redirects to
 * `/demo/`, which serves `index.html`; `/demo/{file}` serves the page's other files. Only the files
 * found in the folder at start-up are served (no path ever reaches the file system), each with a
 * strict Content-Security-Policy: everything from this origin, nothing from anywhere else. Off with
 * `--no-demo`. The page talks to the daemon's own routes only: `GET /v2`, `GET /v2/models/{name}`,
 * `GET /v1/palettes/{name}` (routes/palettes.ts), the stream (routes/stream.ts) and generate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';

/** The page's folder: packages/runtime/demo, from src/serve/routes and from dist/serve/routes alike. */
export const DEMO_DIR = path.resolve(__dirname, '..', '..', '..', 'demo');
export const DEMO_PATH = '/demo/';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** `default-src 'self'`; images also from blob: (the answers), the webcam's stream as media. */
export const DEMO_CSP = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface DemoFile {
  readonly bytes: Buffer;
  readonly type: string;
}

/** The page's files by name, read once. */
function readDemoFiles(dir: string): Map<string, DemoFile> {
  const files = new Map<string, DemoFile>();
  if (!fs.existsSync(dir)) return files; // a package built without its demo folder: the page answers 404
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type && /^[\w.-]+$/.test(name)) files.set(name, { bytes: fs.readFileSync(path.join(dir, name)), type });
  }
  return files;
}

export function demoRoutes(app: FastifyInstance, dir = DEMO_DIR): void {
  const files = readDemoFiles(dir);
  const send = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const file = files.get(name);
    if (!file) throw new GcError('E_NOT_FOUND', `no demo file '${name.slice(0, 80)}'`, { hint: `the demo page is at ${DEMO_PATH}` });
    return reply
      .header('content-type', file.type)
      .header('content-security-policy', DEMO_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .send(file.bytes);
  };
  // the query (`?model=<name>` picks the model) goes along
  const toPage = (url: string): string => DEMO_PATH + (url.includes('?') ? url.slice(url.indexOf('?')) : '');
  app.get('/', async (req, reply) => reply.redirect(toPage(req.url), 302));
  app.get('/demo', async (req, reply) => reply.redirect(toPage(req.url), 301));
  app.get(DEMO_PATH, send('index.html'));
  app.get<{ Params: { file: string } }>('/demo/:file', async (req, reply) => send(req.params.file)(req, reply));
}
