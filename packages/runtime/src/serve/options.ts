/** What a gc-serve daemon is started with (the CLI fills it from flags; tests build it directly). */
import { availableParallelism } from 'node:os';
import { GcError } from '@gc-edge/core';
import type { FastifyBaseLogger } from 'fastify';
import type { DeviceProfile } from '../devices/profile';
import type { SizePolicy } from '../image/types';
import { TOKEN_ENV } from './auth';
import type { CreatePool } from './repository';

export interface ServeOptions {
  /** A `.onnx` file or a folder of them. */
  readonly target: string;
  readonly profile: DeviceProfile;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** KServe v2 gRPC on this port (grpc/grpc-server.ts); default none (off). 0 picks a free port. */
  readonly grpcPort?: number;
  /** Worker threads per model; default {@link defaultWorkers} (2 on a non-spinning CPU profile, else 1). */
  readonly workers?: number;
  /** Requests that may wait for a worker, per model; beyond it 503. Default 16. */
  readonly queueSize?: number;
  /**
   * Deadline of one request from arrival, ms; past it 504. Default 30000. Also bounds the
   * connection: a request must arrive whole within it (else 408), headers within min(it, 10 s),
   * and a connection idle for it + 10 s is closed (see server.ts).
   */
  readonly timeoutMs?: number;
  /** Largest request body, MiB; default 20. */
  readonly maxBodyMb?: number;
  /** Largest image (width x height) accepted by generate, checked before decoding; default 40e6. */
  readonly maxPixels?: number;
  /**
   * Largest model input (height x width) for every model, checked before inference on generate and
   * infer (413). Default per model: 4x its fixed input size, or 4x the size a symbolic-size model
   * was exported at (`macs_input_shape` metadata), else 4e6 (input-rules.ts).
   */
  readonly maxModelPixels?: number;
  /** Images not the model's size: resize (default), crop or refuse. */
  readonly resizePolicy?: SizePolicy;
  /** zlib level of PNG answers, 0..9; default 0 (stored). GAN outputs barely compress: 0 is fastest. */
  readonly pngLevel?: number;
  /** Dynamic batching for models with a symbolic batch dimension; 1 (default) = off. */
  readonly maxBatch?: number;
  /** How long a batch waits for more requests, ms; default 2. */
  readonly maxDelayMs?: number;
  /** Bearer token required on everything but health; default none. An empty token is refused (E_ARGS). */
  readonly token?: string;
  /** Host names answered besides loopback ones (exposure.ts); on a non-loopback --host, only these (and IPs). */
  readonly allowedHosts?: readonly string[];
  /** PEM certificate and key files: HTTPS instead of HTTP (tls.ts). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Serve the demo page at / and /demo/ (routes/demo.ts); default true, `--no-demo` turns it off. */
  readonly demo?: boolean;
  /** Stack traces in 500 bodies' logs. */
  readonly debug?: boolean;
  /** The access log (access-log.ts createLogger): one line per request; default none (the CLI's is on unless --quiet). */
  readonly accessLog?: FastifyBaseLogger;
  /** Where daemon events go (one line each); default stderr. */
  readonly log?: (line: string) => void;
  /** How pools are made; default the worker_threads pool. Tests may pass their own. */
  readonly createPool?: CreatePool;
  /**
   * Test-only: honour the `x-gc-test-crash: 1` request header by crashing the worker that runs the
   * request. The CLI turns it on only when NODE_ENV=test and GC_SERVE_TEST_CRASH=1.
   */
  readonly testCrashHook?: boolean;
}

type NoDefault = 'token' | 'createPool' | 'maxModelPixels' | 'grpcPort' | 'tls' | 'accessLog';
export type ResolvedServeOptions = Required<Omit<ServeOptions, NoDefault>> & Pick<ServeOptions, NoDefault>;

export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  queueSize: 16,
  timeoutMs: 30_000,
  maxBodyMb: 20,
  maxPixels: 40_000_000,
  resizePolicy: 'resize' as SizePolicy,
  pngLevel: 0,
  maxBatch: 1,
  maxDelayMs: 2,
  demo: true,
  debug: false,
  testCrashHook: false,
  allowedHosts: [] as readonly string[],
} as const;

/**
 * Workers per model when not given. On a CPU profile whose pool threads sleep instead of spinning
 * (devices/cpu.json), two workers let one request's decode and encode overlap another's inference
 * while each worker keeps every core for a lone request (repository.ts `profileForWorkers`); on
 * GPUs, and with spinning threads, one.
 */
export function defaultWorkers(profile: DeviceProfile, cores = availableParallelism()): number {
  const cpuFirst = profile.executionProviders[0]?.name === 'cpu';
  return cpuFirst && profile.threads.spinning === false && cores >= 2 ? 2 : 1;
}

/** `--max-body-mb` in bytes: the one limit on a request body, however it arrives (HTTP, decoded gzip, gRPC, WebSocket). */
export function maxBodyBytes(options: { readonly maxBodyMb: number }): number {
  return Math.floor(options.maxBodyMb * 1024 * 1024);
}

export function resolveServeOptions(o: ServeOptions): ResolvedServeOptions {
  if (o.token !== undefined && o.token.trim() === '') {
    throw new GcError('E_ARGS', `the bearer token (${TOKEN_ENV}) is empty: that would turn authentication off`, {
      hint: `set ${TOKEN_ENV} to a secret (e.g. \`openssl rand -hex 32\`), or unset it to run without a token`,
    });
  }
  return {
    ...SERVE_DEFAULTS,
    workers: defaultWorkers(o.profile),
    log: (line: string) => process.stderr.write(`gc-serve: ${line}\n`),
    ...stripUndefined(o),
  } as ResolvedServeOptions;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
