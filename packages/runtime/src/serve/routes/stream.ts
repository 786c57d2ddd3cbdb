/**
 * GET /v1/models/{name}/stream (WebSocket): the demo page's live generate. Each binary message is
 * one generate body (PNG/JPEG/WebP, told apart by their signatures; a label map PNG for label-map
 * models); the query is generate's (`?dontcare=1`). Latest wins per connection: while one frame
 * runs, a newer one replaces any frame still waiting, so the view never lags behind a queue (the
 * replaced frames are counted in the next answer's `dropped`). Each frame that ran is answered with
 * a text message `{"frame", "mime", "ms": {preprocess, queue, inference, postprocess}, "provider",
 * "dropped"}` followed by a binary message with the image, or with the error body
 * `{"frame", "error", "code", "hint"?}` and nothing after. Frames are numbered from 1 in arrival order.
 *
 * Same as the HTTP route: the bearer token (the upgrade request passes the server's onRequest hook),
 * `--max-body-mb` (a larger message closes the socket with 1009), the model's queue, `--timeout-ms`
 * per frame, the stage metrics, and `gc_serve_requests_total{route, method="WS", status}` per frame.
 */
import type { FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { GcError } from '@gc-edge/core';
import type { RawData, WebSocket } from 'ws';
import type { ServeContext } from '../context';
import { generateImage } from '../generate-image';
import { toHttpError } from '../http-status';
import { maxBodyBytes } from '../options';

export const STREAM_ROUTE = '/v1/models/:name/stream';

interface NameParams {
  name: string;
}

/** Registers the plugin and the route in a scope of their own (the plugin wraps only the routes in it). */
export function streamRoutes(app: FastifyInstance, ctx: ServeContext): void {
  // The plugin takes every upgrade request on the server, for any route, off Node's HTTP parser. One
  // answered without an upgrade (refused by a hook: 401, 403, 421; or any route but this one's) leaves
  // a socket the HTTP server no longer reads, tracks nor closes on shutdown, which a keep-alive client
  // would send its next request on and wait forever: say the connection closes, and close it once the
  // answer is written. Root hooks, so they cover every route, not only this scope's.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.headers.upgrade !== undefined) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (req) => {
    if (req.headers.upgrade !== undefined) req.raw.socket.destroy();
  });
  void app.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: maxBodyBytes(ctx.options) } });
    scope.route<{ Params: NameParams }>({
      method: 'GET',
      url: STREAM_ROUTE,
      // a plain GET, without the WebSocket upgrade
      handler: async () => {
        throw new GcError('E_BAD_REQUEST', `${STREAM_ROUTE} is a WebSocket route: connect with 'Upgrade: websocket'`, {
          hint: 'for one image over HTTP, POST it to /v1/models/{name}/generate',
        });
      },
      // The model is looked up per frame, as generate does: an unknown one answers E_MODEL_NOT_FOUND frames.
      wsHandler: (socket, req) => latestWins(socket, (frame) => runFrame(ctx, socket, req.params.name, req.query, frame)),
    });
  });
}

interface Frame {
  readonly n: number;
  readonly body: Buffer;
  readonly arrivedAt: number;
  readonly dropped: number;
}

/** Runs `run` on one frame at a time; a frame arriving while one runs replaces the one waiting. */
function latestWins(socket: WebSocket, run: (frame: Frame) => Promise<void>): void {
  let received = 0;
  let dropped = 0;
  let waiting: Omit<Frame, 'dropped'> | undefined;
  let running = false;
  const next = async (): Promise<void> => {
    running = true;
    while (waiting && socket.readyState === socket.OPEN) {
      const frame = { ...waiting, dropped };
      waiting = undefined;
      dropped = 0;
      await run(frame);
    }
    running = false;
  };
  socket.on('message', (data: RawData, isBinary: boolean) => {
    received += 1;
    if (waiting) dropped += 1;
    waiting = { n: received, body: isBinary ? toBuffer(data) : Buffer.alloc(0), arrivedAt: Date.now() };
    if (!running) void next();
  });
}

async function runFrame(ctx: ServeContext, socket: WebSocket, model: string, query: unknown, frame: Frame): Promise<void> {
  const count = (status: number): void => void ctx.metrics.requests.inc({ route: STREAM_ROUTE, method: 'WS', status: String(status) });
  try {
    const made = await generateImage(ctx, {
      model,
      body: frame.body,
      contentType: sniffImageType(frame.body),
      query,
      accept: undefined,
      deadlineAt: frame.arrivedAt + ctx.options.timeoutMs,
    });
    count(200);
    const ms = Object.fromEntries(Object.entries(made.stages).map(([k, v]) => [k, Math.round(v * 100) / 100]));
    socket.send(JSON.stringify({ frame: frame.n, mime: made.mime, ms, provider: made.provider, dropped: frame.dropped }));
    socket.send(made.data, { binary: true });
  } catch (e) {
    const { status, body } = toHttpError(e, ctx.options);
    count(status);
    if (status >= 500 && status !== 503 && status !== 504) {
      ctx.options.log(`stream ${model} frame ${frame.n} -> ${status} [${body.code}] ${body.error}`);
    }
    socket.send(JSON.stringify({ frame: frame.n, dropped: frame.dropped, ...body }));
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** The Content-Type of an image by its signature (PNG, JPEG, WebP); undefined for anything else (generate then answers 415). */
export function sniffImageType(b: Buffer): string | undefined {
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}
