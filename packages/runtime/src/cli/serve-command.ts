/** `gc-serve <model.onnx | models-dir>`: the command definition; the daemon is serve/daemon.ts. */
import type { Argv, CommandModule } from 'yargs';
import { GcError } from '@gc-edge/exporter';
import { detectDevice } from '../devices/detect';
import { loadDeviceProfile } from '../devices/load';
import type { SizePolicy } from '../image/types';
import { TOKEN_ENV } from '../serve/auth';
import { type DaemonOptions, runDaemon } from '../serve/daemon';
import { SERVE_DEFAULTS } from '../serve/options';

export interface ServeArgs {
  model: string;
  device: string;
  host: string;
  port: number;
  workers: number;
  'queue-size': number;
  'timeout-ms': number;
  'max-body-mb': number;
  'max-pixels': number;
  'resize-policy': SizePolicy;
  'png-level': number;
  'max-batch': number;
  'max-delay-ms': number;
  'shutdown-timeout-ms': number;
  debug: boolean;
}

/** Test-only crash hook: honoured only together with NODE_ENV=test (see serve/README.md). */
export const TEST_CRASH_ENV = 'GC_SERVE_TEST_CRASH';

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: '$0 <model>',
  describe: 'Serve ONNX generators over HTTP (KServe v2 + image generate), inference in worker threads',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'a .onnx file, or a folder of them; a model is named after its file (without .onnx)' })
      .option('device', { alias: 'd', type: 'string', default: 'auto', describe: 'device profile id (devices/*.json), a profile JSON path, or auto' })
      .option('host', { type: 'string', default: SERVE_DEFAULTS.host, describe: 'address to bind; 0.0.0.0 exposes the daemon to the network' })
      .option('port', { alias: 'p', type: 'number', default: SERVE_DEFAULTS.port, describe: 'TCP port (0 = any free port)' })
      .option('workers', { alias: 'w', type: 'number', default: SERVE_DEFAULTS.workers, describe: 'inference worker threads per model' })
      .option('queue-size', { type: 'number', default: SERVE_DEFAULTS.queueSize, describe: 'requests that may wait per model; beyond it 503 + Retry-After' })
      .option('timeout-ms', { type: 'number', default: SERVE_DEFAULTS.timeoutMs, describe: 'per-request deadline from arrival; beyond it 504' })
      .option('max-body-mb', { type: 'number', default: SERVE_DEFAULTS.maxBodyMb, describe: 'largest request body in MiB; beyond it 413' })
      .option('max-pixels', { type: 'number', default: SERVE_DEFAULTS.maxPixels, describe: 'largest image (width x height) for generate; beyond it 413' })
      .option('resize-policy', {
        type: 'string',
        choices: ['resize', 'crop', 'refuse'] as const,
        default: SERVE_DEFAULTS.resizePolicy,
        describe: 'images not the model input size: resize (stretch), crop (scale + centre crop) or refuse (400)',
      })
      .option('png-level', { type: 'number', default: SERVE_DEFAULTS.pngLevel, describe: 'zlib level of PNG answers, 0 (fastest) .. 9 (smallest)' })
      .option('max-batch', { type: 'number', default: SERVE_DEFAULTS.maxBatch, describe: 'dynamic batching for models with a dynamic batch dimension (1 = off)' })
      .option('max-delay-ms', { type: 'number', default: SERVE_DEFAULTS.maxDelayMs, describe: 'how long a batch waits for more requests' })
      .option('shutdown-timeout-ms', { type: 'number', default: 10_000, describe: 'SIGTERM/SIGINT: time to finish requests in flight before exiting 1' })
      .option('debug', { type: 'boolean', default: false, describe: 'stack traces in logs and errors' })
      .epilogue(
        [
          'Call it: curl --data-binary @horse.png -H "Content-Type: image/png" \\',
          '           http://127.0.0.1:8080/v1/models/horse2zebra/generate -o zebra.png',
          '',
          `Environment: ${TOKEN_ENV}=<token> requires 'Authorization: Bearer <token>' on every route but /v2/health/*.`,
          'Signals: SIGTERM/SIGINT finish requests in flight and exit 0; SIGHUP reloads every model.',
          'Routes: POST /v1/models/{name}/generate (image in, image out per Accept), POST /v2/models/{name}/infer,',
          '  GET /v2/models/{name}[/ready], GET /v2/health/{live,ready}, POST /v2/repository/models/{name}/load,',
          '  GET /metrics',
        ].join('\n'),
      )
      .example('$0 horse2zebra.onnx --device cpu', 'serve one model on 127.0.0.1:8080')
      .example('$0 models/ -d jetson-orin --host 0.0.0.0', 'serve every .onnx in models/ to the network') as Argv<ServeArgs>,
  handler: async (args) => {
    const code = await runDaemon(daemonOptions(args, process.env));
    process.exit(code);
  },
};

/** Checks the flags and turns them (and the environment) into daemon options. */
export function daemonOptions(args: ServeArgs, env: NodeJS.ProcessEnv): DaemonOptions {
  const int = (flag: keyof ServeArgs, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const v = args[flag] as number;
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new GcError('E_ARGS', `--${flag} ${String(v)}: expected an integer in [${min}, ${max}]`);
    }
    return v;
  };
  const positive = (flag: keyof ServeArgs): number => {
    const v = args[flag] as number;
    if (!Number.isFinite(v) || v <= 0) throw new GcError('E_ARGS', `--${flag} ${String(v)}: expected a positive number`);
    return v;
  };
  const log = (line: string): void => void process.stderr.write(`gc-serve: ${line}\n`);
  if (args.device === 'auto') {
    const found = detectDevice();
    log(`--device auto: ${found.id} (${found.reason})`);
  }
  const token = env[TOKEN_ENV];
  return {
    target: args.model,
    profile: loadDeviceProfile(args.device),
    host: args.host,
    port: int('port', 0, 65535),
    workers: int('workers', 1, 64),
    queueSize: int('queue-size', 0),
    timeoutMs: int('timeout-ms', 1),
    maxBodyMb: positive('max-body-mb'),
    maxPixels: int('max-pixels', 1),
    resizePolicy: args['resize-policy'],
    pngLevel: int('png-level', 0, 9),
    maxBatch: int('max-batch', 1, 1024),
    maxDelayMs: int('max-delay-ms', 0),
    shutdownTimeoutMs: int('shutdown-timeout-ms', 1),
    debug: args.debug,
    log,
    ...(token ? { token } : {}),
    testCrashHook: env['NODE_ENV'] === 'test' && env[TEST_CRASH_ENV] === '1',
  };
}
