/**
 * The long-lived process around a GcServer: listen, warm up, and the signals.
 * - SIGTERM / SIGINT: stop accepting, let requests in flight finish, end the workers, exit 0; past
 *   `shutdownTimeoutMs`, or on a second signal, refuse what still waits and exit 1 as soon as the
 *   inference runs in progress return (a process that exits while a worker thread is inside
 *   onnxruntime aborts: exit 134, "terminate called after throwing ... Napi::Error"). A third
 *   signal kills the process at once (SIGKILL).
 * - SIGHUP: reload every model from its file; a failed reload keeps the old version serving.
 */
import { GcError } from '@gc-edge/core';
import { exposureWarnings } from './exposure-warnings';
import type { ServeOptions } from './options';
import { type GcServer, createServer } from './server';
import { SERVER_VERSION } from './version';

export interface DaemonOptions extends ServeOptions {
  /** How long graceful shutdown may take, ms; default 10000. */
  readonly shutdownTimeoutMs?: number;
  /**
   * Stop as on SIGTERM when the parent process is gone: set when started through npm (npx, npm
   * exec, npm run), whose signal does not reach the daemon. Not otherwise: `nohup gc-serve &` in a
   * script that then exits must keep serving.
   */
  readonly stopWithParent?: boolean;
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
  // The pid to signal: a wrapper (npx, npm exec, a shell) may not pass signals on.
  log(`version ${SERVER_VERSION}, listening on ${url} (pid ${process.pid}, device ${options.profile.id}; ${models})`);
  const grpcPort = server.grpcPort();
  if (grpcPort !== undefined) log(`KServe v2 gRPC on ${server.options.host}:${grpcPort}`);
  if (server.options.demo) log(`demo page: open ${url}/demo/ in a browser`);
  if (server.options.token) log("bearer token required on every route but /v2/health/* and the demo page's files");
  for (const line of exposureWarnings(server.options)) log(line);
  if (server.options.testCrashHook) log('TEST crash hook on: x-gc-test-crash: 1 crashes a worker');

  const stopped = stopOnSignals(server, options.shutdownTimeoutMs ?? 10_000, options.stopWithParent ?? false);

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

/** How often the daemon checks that the process that started it is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Calls `gone` once the parent process has exited (the daemon was re-parented). `npx gc-serve`
 * runs the daemon under npm and a shell; a signal sent to npm's pid ends npm and the shell but not
 * the daemon, which would keep serving, orphaned, with the port held. Not when started by pid 1.
 */
function watchParent(gone: (parent: number) => void): void {
  const parent = process.ppid;
  if (parent <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone(parent);
  }, PARENT_CHECK_MS);
  timer.unref();
}

function stopOnSignals(server: GcServer, timeoutMs: number, stopWithParent: boolean): Promise<number> {
  const log = server.options.log;
  return new Promise<number>((resolve) => {
    let stopping = false;
    let forcing = false;
    // Exits 1 once no worker thread is left inside onnxruntime.
    const force = (why: string): void => {
      forcing = true;
      const running = server.repository.all.reduce((n, s) => n + (s.pool?.inFlight ?? 0) + (s.pool?.abandoned ?? 0), 0);
      const after = running ? `, exiting once the ${running} inference run(s) in progress return` : '';
      log(`${why}; refusing the requests still waiting${after}`);
      server.stop().then(
        () => resolve(1),
        () => resolve(1),
      );
    };
    const stop = (signal: string): void => {
      if (forcing) {
        log(`${signal} a third time: killing the process (SIGKILL)`);
        process.kill(process.pid, 'SIGKILL');
        return;
      }
      if (stopping) {
        force(`${signal} again: stopping now`);
        return;
      }
      stopping = true;
      const inFlight = server.repository.all.reduce((n, s) => n + (s.scheduler ? s.scheduler.depth + s.scheduler.active : 0), 0);
      log(`${signal}: shutting down, finishing ${inFlight} request(s) in flight (up to ${timeoutMs} ms)`);
      const timer = setTimeout(() => force(`shutdown took over ${timeoutMs} ms`), timeoutMs);
      server.close().then(
        () => {
          clearTimeout(timer);
          if (forcing) return;
          log('stopped');
          resolve(0);
        },
        (e: unknown) => {
          clearTimeout(timer);
          if (!forcing) force(`error while stopping: ${(e as Error).message}`);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    if (stopWithParent) {
      watchParent((parent) => {
        if (stopping) return;
        log(`the parent process (pid ${parent}) is gone: started through npx or npm, which did not pass its signal on`);
        stop('parent gone');
      });
    }
    process.on('SIGHUP', () => {
      log('SIGHUP: reloading every model');
      void server.reloadAll().then((failures) => {
        const ok = server.repository.names.length - failures.length;
        log(`SIGHUP reload: ${ok} ok${failures.length ? `, ${failures.length} failed (previous versions keep serving)` : ''}`);
      });
    });
  });
}
