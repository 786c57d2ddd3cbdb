/**
 * The HTTP side of a graceful stop. Once it begins every request is answered 503 `E_SHUTTING_DOWN`
 * with the KServe error body and `Retry-After` (fastify's own `return503OnClosing` answer had
 * neither), and the listener stays open for a short grace first: connections the kernel accepted
 * before the signal (a `Connection: close` client opens one per request) are accepted and read,
 * so their requests are answered, where closing the listener at once reset them (and the 503 is
 * sent once the body is read: see refuseWhileStopping).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { DaemonState } from './context';

/** The listener stays open at least this long after a stop begins ... */
const MIN_GRACE_MS = 50;
/** ... until no connection has come for this long and every new one has sent something ... */
const QUIET_MS = 50;
/** ... but never longer than this (clients that keep connecting all get 503s meanwhile). */
const MAX_GRACE_MS = 1000;

/**
 * Refuses every request with 503 E_SHUTTING_DOWN once `state.shuttingDown` is set. After its body
 * has been read (preHandler, not onRequest): an answer sent with body bytes still unread, on a
 * connection that then closes, makes the kernel reset it, and the client may never read the 503.
 */
export function refuseWhileStopping(app: FastifyInstance, state: DaemonState): void {
  app.addHook('preHandler', async () => {
    if (state.shuttingDown) {
      throw new GcError('E_SHUTTING_DOWN', 'gc-serve is shutting down; it takes no new requests', {
        hint: 'retry on another instance, or once it has restarted',
      });
    }
  });
}

/**
 * Watches `server`'s connections; `drained()` resolves once those already sent have been taken:
 * the listen backlog is accepted one connection at a time (5-10 ms apart on a busy 2-core machine,
 * measured: 12 took 70 ms), so the wait lasts until no connection has come for {@link QUIET_MS} and
 * none accepted that recently is still silent, within [{@link MIN_GRACE_MS}, {@link MAX_GRACE_MS}].
 */
export function acceptGrace(server: Server): { drained(): Promise<void> } {
  const fresh = new Map<Socket, number>();
  let lastAcceptAt = 0;
  server.on('connection', (socket: Socket) => {
    lastAcceptAt = performance.now();
    fresh.set(socket, lastAcceptAt);
    socket.once('close', () => fresh.delete(socket));
  });
  return {
    async drained() {
      const began = performance.now();
      for (;;) {
        const now = performance.now();
        for (const [socket, at] of fresh) if (socket.bytesRead > 0 || now - at >= QUIET_MS) fresh.delete(socket);
        const quiet = now - lastAcceptAt >= QUIET_MS && fresh.size === 0;
        if ((quiet && now - began >= MIN_GRACE_MS) || now - began >= MAX_GRACE_MS) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
