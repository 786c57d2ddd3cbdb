/**
 * The long-lived process around a GcServer: listen, warm up, and the signals.
 * - SIGTERM / SIGINT: stop accepting, let requests in flight finish, end the workers, exit 0; past
 *   `shutdownTimeoutMs` give up and exit 1. A second signal exits at once (1).
 * - SIGHUP: reload every model from its file; a failed reload keeps the old version serving.
 */
import { GcError } from '@gc-edge/core';
import type { ServeOptions } from './options';
import { type GcServer, createServer } from './server';
import { SERVER_VERSION } from './version';

export interface DaemonOptions extends ServeOptions {
  /** How long graceful shutdown may take, ms; default 10000. */
  readonly shutdownTimeoutMs?: number;
}

/**
 * Runs the daemon until a stop signal; resolves with the process exit code. Throws (before
 * listening) on bad options, and when no model could be loaded at all.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const server = createServer(options);
  const log = server.options.log;
  const url = await server.listen();
  const models = server.repository.names.map((n) => `'${n}'`).join(', ');
  // log() prefixes `gc-serve: ` itself
  log(`version ${SERVER_VERSION}, listening on ${url} (device ${options.profile.id}; ${models})`);
  if (server.options.demo) log(`demo page: open ${url}/demo/ in a browser`);
  if (server.options.token) log("bearer token required on every route but /v2/health/* and the demo page's files");
  if (server.options.testCrashHook) log('TEST crash hook on: x-gc-test-crash: 1 crashes a worker');

  const stopped = stopOnSignals(server, options.shutdownTimeoutMs ?? 10_000);

  const failures = await server.loadModels();
  if (failures.length === server.repository.names.length) {
    await server.close();
    const first = failures[0]!.error;
    throw new GcError(first.code, `no model could be loaded: ${failures.map((f) => f.error.message).join('; ')}`, {
      ...(first.hint ? { hint: first.hint } : {}),
      cause: first,
    });
  }
  if (server.repository.ready) log('ready');
  return stopped;
}

function stopOnSignals(server: GcServer, timeoutMs: number): Promise<number> {
  const log = server.options.log;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log(`${signal} again: exiting now`);
        resolve(1);
        return;
      }
      stopping = true;
      const inFlight = server.repository.all.reduce((n, s) => n + (s.scheduler ? s.scheduler.depth + s.scheduler.active : 0), 0);
      log(`${signal}: shutting down, finishing ${inFlight} request(s) in flight (up to ${timeoutMs} ms)`);
      const timer = setTimeout(() => {
        log(`shutdown took over ${timeoutMs} ms; exiting with requests unfinished`);
        resolve(1);
      }, timeoutMs);
      server.close().then(
        () => {
          clearTimeout(timer);
          log('stopped');
          resolve(0);
        },
        (e: unknown) => {
          clearTimeout(timer);
          log(`error while stopping: ${(e as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => {
      log('SIGHUP: reloading every model');
      void server.reloadAll().then((failures) => {
        const ok = server.repository.names.length - failures.length;
        log(`SIGHUP reload: ${ok} ok${failures.length ? `, ${failures.length} failed (previous versions keep serving)` : ''}`);
      });
    });
  });
}
