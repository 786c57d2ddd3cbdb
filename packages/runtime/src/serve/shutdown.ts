/**
 * The HTTP side of a graceful stop. Once it begins every request is answered 503 `E_SHUTTING_DOWN`
 * with the KServe error body and `Retry-After` (fastify's own `return503OnClosing` answer had
 * neither), and the listener stays open for a short grace first: connections the kernel accepted
 * before the signal (a `Connection: close` client opens one per request) are accepted and read,
 * so their requests are answered, where closing the listener at once reset them.
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { DaemonState } from './context';

/** How long the listener stays open after a stop begins, before the loop turns below. */
export const ACCEPT_GRACE_MS = 100;
/**
 * Event-loop turns after the grace: one accepts what waits in the listen backlog, the next reads
 * the requests on those connections, one more for a request that spans two reads.
 */
const ACCEPT_TURNS = 3;

/** Refuses every request with 503 E_SHUTTING_DOWN once `state.shuttingDown` is set. */
export function refuseWhileStopping(app: FastifyInstance, state: DaemonState): void {
  app.addHook('onRequest', async () => {
    if (state.shuttingDown) {
      throw new GcError('E_SHUTTING_DOWN', 'gc-serve is shutting down; it takes no new requests', {
        hint: 'retry on another instance, or once it has restarted',
      });
    }
  });
}

/** Resolves once connections and requests that were already sent have been accepted and read. */
export async function acceptWhatWasSent(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ACCEPT_GRACE_MS));
  for (let i = 0; i < ACCEPT_TURNS; i++) await new Promise((resolve) => setImmediate(resolve));
}
