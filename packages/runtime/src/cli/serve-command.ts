/** `gc-serve <model.onnx | models-dir>`: the command definition; the daemon is serve/daemon.ts. */
import type { Argv } from 'yargs';
import { type GcCommand, GcError, lastValue, numberOption } from '@gc-edge/core';
import { detectDevice } from '../devices/detect';
import { loadDeviceProfile } from '../devices/load';
import type { SizePolicy } from '../image/types';
import { LOG_FORMATS, type LogFormat, createLogger, daemonLog } from '../serve/access-log';
import { TOKEN_ENV } from '../serve/auth';
import { type DaemonOptions, runDaemon } from '../serve/daemon';
import { SERVE_DEFAULTS } from '../serve/options';
import { tlsFiles } from '../serve/tls';

/** Numeric flags arrive as the text given (quoted back in errors), or as their default number. */
type NumberArg = string | number;

interface ServeArgs {
  model: string;
  device: string;
  host: string;
  port: NumberArg;
  'grpc-port'?: NumberArg;
  workers: NumberArg;
  'queue-size': NumberArg;
  'timeout-ms': NumberArg;
  'max-body-mb': NumberArg;
  'max-pixels': NumberArg;
  'max-model-pixels'?: NumberArg;
  'resize-policy': SizePolicy;
  'png-level': NumberArg;
  'max-batch': NumberArg;
  'max-delay-ms': NumberArg;
  'shutdown-timeout-ms': NumberArg;
  'allowed-host': string[];
  'tls-cert'?: string;
  'tls-key'?: string;
  quiet: boolean;
  'log-format': LogFormat;
  demo: boolean;
  debug: boolean;
}

/** A numeric flag: taken as text so that a bad value can be quoted back (`--port 'abc'`). */
const num = (fallback: number | undefined, describe: string) => numberOption(describe, fallback);

/** Test-only crash hook: honoured only together with NODE_ENV=test (see serve/README.md). */
const TEST_CRASH_ENV = 'GC_SERVE_TEST_CRASH';

export const serveCommand: GcCommand<ServeArgs> = {
  command: '$0 <model>',
  describe: 'Serve ONNX generators over HTTP (KServe v2 + image generate), inference in worker threads',
  builder: (y: Argv) =>
    y
      .positional('model', {
        type: 'string',
        demandOption: true,
        describe: 'a .onnx file, or a folder of them; a model is named after its file (without .onnx)',
      })
      .option('device', {
        alias: 'd',
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        default: 'auto',
        describe: 'device profile id (devices/*.json), a profile JSON path, or auto',
      })
      .option('host', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        default: SERVE_DEFAULTS.host,
        describe: 'address to bind; 0.0.0.0 exposes the daemon to the network',
      })
      .option('port', { alias: 'p', ...num(SERVE_DEFAULTS.port, 'TCP port (0 = any free port)') })
      .option('grpc-port', num(undefined, 'also serve KServe v2 gRPC on this port (0 = any free port) [default: off]'))
      .option('workers', { alias: 'w', ...num(undefined, 'inference worker threads per model [default: 2 on the cpu profile, else 1]') })
      .option('queue-size', num(SERVE_DEFAULTS.queueSize, 'requests that may wait per model; beyond it 503 + Retry-After'))
      .option(
        'timeout-ms',
        num(
          SERVE_DEFAULTS.timeoutMs,
          'per-request deadline from arrival; beyond it 504 (a request must also arrive whole within it, else 408)',
        ),
      )
      .option('max-body-mb', num(SERVE_DEFAULTS.maxBodyMb, 'largest request body in MiB; beyond it 413'))
      .option(
        'max-pixels',
        num(SERVE_DEFAULTS.maxPixels, 'largest image (width x height) for generate, checked before decoding; beyond it 413'),
      )
      .option(
        'max-model-pixels',
        num(
          undefined,
          'largest model input (height x width) for every model, on generate and infer; beyond it 413 [default: per model, 4x its input size or the size it was exported at, else 4e6]',
        ),
      )
      .option('resize-policy', {
        type: 'string',
        choices: ['resize', 'crop', 'refuse'] as const,
        default: SERVE_DEFAULTS.resizePolicy,
        describe: 'images not the model input size: resize (stretch), crop (scale + centre crop) or refuse (400)',
      })
      .option('png-level', num(SERVE_DEFAULTS.pngLevel, 'zlib level of PNG answers, 0 (fastest) .. 9 (smallest)'))
      .option('max-batch', num(SERVE_DEFAULTS.maxBatch, 'dynamic batching for models with a dynamic batch dimension (1 = off)'))
      .option('max-delay-ms', num(SERVE_DEFAULTS.maxDelayMs, 'how long a batch waits for more requests'))
      .option('shutdown-timeout-ms', num(10_000, 'SIGTERM/SIGINT: time to finish requests in flight before exiting 1'))
      .option('allowed-host', {
        type: 'string',
        requiresArg: true,
        // repeated: every value (not yargs' `array`, which would also take the model path that follows)
        coerce: (v: unknown): string[] => [v].flat().map(String),
        default: [],
        describe:
          'a Host name to answer (repeatable; .example.com: every name under it). Bound to loopback, only loopback names and these; bound elsewhere, every name unless given',
      })
      .option('tls-cert', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        describe: 'PEM certificate (chain): serve HTTPS (with --tls-key)',
      })
      .option('tls-key', { type: 'string', requiresArg: true, coerce: lastValue, describe: 'PEM private key of --tls-cert' })
      .option('quiet', {
        alias: 'q',
        type: 'boolean',
        default: false,
        describe: 'no access log (one line per request); start-up, reload, warning and shutdown lines stay',
      })
      .option('log-format', {
        type: 'string',
        choices: LOG_FORMATS,
        default: 'text',
        describe: 'text: readable lines; json: one JSON object per line (access log and daemon lines)',
      })
      .option('demo', { type: 'boolean', default: true, describe: 'serve the demo page at / (--no-demo: off)' })
      .option('debug', { type: 'boolean', default: false, describe: 'stack traces in logs and errors; health probes in the access log' })
      .epilogue(
        [
          'Call it: curl --data-binary @horse.png -H "Content-Type: image/png" \\',
          '           http://127.0.0.1:8080/v1/models/horse2zebra/generate -o zebra.png',
          '',
          `Environment: ${TOKEN_ENV}=<token> requires 'Authorization: Bearer <token>' on every route but /v2/health/*`,
          '  (set but empty is refused). Beyond loopback use a token and --tls-cert/--tls-key; bound to loopback only',
          '  loopback Host names and --allowed-host ones are answered; browsers\' cross-site POSTs are refused (403).',
          'Access log: one line per request on stderr (--log-format json for machines, --quiet for none).',
          'Signals: SIGTERM/SIGINT finish requests in flight and exit 0; SIGHUP reloads every model.',
          '  Signal the pid on the listening line (npx runs gc-serve under npm and a shell);',
          '  a second SIGTERM exits 1 once the inference runs in progress return.',
          'Routes: POST /v1/models/{name}/generate (image in, image out per Accept), POST /v2/models/{name}/infer,',
          '  GET /v2/models/{name}[/ready], GET /v2/health/{live,ready}, POST /v2/repository/models/{name}/load,',
          '  GET /metrics; with --grpc-port, KServe v2 gRPC (inference.GRPCInferenceService)',
          '  GET /metrics; the demo page at / (--no-demo: off), its stream GET /v1/models/{name}/stream (WebSocket)',
        ].join('\n'),
      ) as Argv<ServeArgs>,
  needs: 'the .onnx model to serve, or a folder of them',
  examples: [
    ['$0 horse2zebra.onnx --device cpu', 'serve one model on 127.0.0.1:8080'],
    [
      'GC_SERVE_TOKEN=<secret> $0 models/ -d jetson-orin --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem',
      'serve every .onnx in models/ to the network over HTTPS, with a bearer token',
    ],
  ],
  handler: async (args) => {
    const code = await runDaemon(daemonOptions(args, process.env));
    process.exit(code);
  },
};

/** Checks the flags and turns them (and the environment) into daemon options. */
function daemonOptions(args: ServeArgs, env: NodeJS.ProcessEnv): DaemonOptions {
  const int = (flag: keyof ServeArgs, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const v = numberOf(args[flag]);
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      throw new GcError('E_ARGS', `--${flag} ${quoted(args[flag])}: expected an integer in [${min}, ${max}]`, {
        hint: 'run gc-serve --help for usage',
      });
    }
    return v;
  };
  const positive = (flag: keyof ServeArgs): number => {
    const v = numberOf(args[flag]);
    if (!Number.isFinite(v) || v <= 0) {
      throw new GcError('E_ARGS', `--${flag} ${quoted(args[flag])}: expected a positive number`, { hint: 'run gc-serve --help for usage' });
    }
    return v;
  };
  const logger = createLogger({ format: args['log-format'], level: args.debug ? 'debug' : 'info' });
  // Text: the daemon's lines as they always were; json: one object per line like the access log's.
  const log = args['log-format'] === 'json' ? daemonLog(logger) : (line: string): void => void process.stderr.write(`gc-serve: ${line}\n`);
  if (args.device === 'auto') {
    const found = detectDevice();
    log(`--device auto: ${found.id} (${found.reason})`);
  }
  const token = env[TOKEN_ENV];
  const tls = tlsFiles(args['tls-cert'], args['tls-key']);
  return {
    target: args.model,
    profile: loadDeviceProfile(args.device),
    host: args.host,
    port: int('port', 0, 65535),
    ...(args['grpc-port'] !== undefined ? { grpcPort: int('grpc-port', 0, 65535) } : {}),
    ...(args.workers !== undefined ? { workers: int('workers', 1, 64) } : {}),
    queueSize: int('queue-size', 0),
    timeoutMs: int('timeout-ms', 1),
    maxBodyMb: positive('max-body-mb'),
    maxPixels: int('max-pixels', 1),
    ...(args['max-model-pixels'] !== undefined ? { maxModelPixels: int('max-model-pixels', 1) } : {}),
    resizePolicy: args['resize-policy'],
    pngLevel: int('png-level', 0, 9),
    maxBatch: int('max-batch', 1, 1024),
    maxDelayMs: int('max-delay-ms', 0),
    shutdownTimeoutMs: int('shutdown-timeout-ms', 1),
    demo: args.demo,
    debug: args.debug,
    log,
    ...(args.quiet ? {} : { accessLog: logger }),
    // An empty token is refused at start (resolveServeOptions), not taken as "no token".
    ...(token !== undefined ? { token } : {}),
    allowedHosts: args['allowed-host'],
    ...(tls ? { tls } : {}),
    testCrashHook: env['NODE_ENV'] === 'test' && env[TEST_CRASH_ENV] === '1',
    // npm (npx, npm exec, npm run) sets npm_command; its signals do not reach the daemon.
    stopWithParent: env['npm_command'] !== undefined,
  };
}

/** A flag's number: decimal or exponent notation (`40e6`); NaN for anything else (`abc`, ``, `0x10`). */
function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || !/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v)) return NaN;
  return Number(v);
}

/** The argument as given, quoted: `'abc'`. */
function quoted(v: unknown): string {
  return `'${String(v).slice(0, 60)}'`;
}
