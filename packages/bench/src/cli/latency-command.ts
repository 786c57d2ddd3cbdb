/** `gc-bench latency <model.onnx> --device <profile>`: latency and FPS on this machine. */
import type { Argv, CommandModule } from 'yargs';
import { checkConvention, GcError } from '@gc-edge/exporter';
import { parseShapeArgs } from '../latency/inputs';
import { progressBar } from '../latency/progress';
import { DEFAULT_CV_THRESHOLD, runLatency } from '../latency/run-latency';
import { writeFileAtomicSync } from '@gc-edge/exporter';
import { latencyHtml } from '../report/latency-html';
import { latencyMarkdown } from '../report/latency-markdown';
import { latencyText } from '../report/latency-text';

export interface LatencyArgs {
  model: string;
  device: string;
  warmup: number;
  'warmup-seconds': number;
  'min-iterations': number;
  'min-duration': number;
  'max-iterations'?: number;
  threads?: number;
  'inter-op-threads'?: number;
  shape?: string[];
  batch?: number;
  'end-to-end': boolean;
  image?: string;
  'cv-threshold': number;
  convention: string;
  json?: string;
  markdown?: string;
  html?: string;
  quiet: boolean;
  debug: boolean;
}

function nonNegative(flag: string, v: number | undefined, integer = true): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw new GcError('E_ARGS', `--${flag} ${v}: must be a non-negative ${integer ? 'integer' : 'number'}`);
  }
}

export const latencyCommand: CommandModule<object, LatencyArgs> = {
  command: 'latency <model>',
  describe: 'Measure latency percentiles and FPS of a model on a device profile',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'the .onnx file' })
      .option('device', { alias: 'd', type: 'string', default: 'auto', describe: 'device profile id (devices/*.json), a profile file, or auto' })
      .option('warmup', { type: 'number', default: 10, describe: 'warm-up runs, excluded from the figures' })
      .option('warmup-seconds', { type: 'number', default: 1, describe: 'and keep warming up at least this long' })
      .option('min-iterations', { type: 'number', default: 100, describe: 'timed runs: at least this many...' })
      .option('min-duration', { type: 'number', default: 10, describe: '...and at least this many seconds' })
      .option('max-iterations', { type: 'number', describe: 'never more timed runs than this' })
      .option('threads', { type: 'number', describe: "intra-op threads (0 = onnxruntime's default) [default: the profile's]" })
      .option('inter-op-threads', { type: 'number', describe: "inter-op threads [default: the profile's]" })
      .option('shape', { type: 'string', array: true, describe: 'input shape for symbolic dims: input=1x3x512x512 or height=512' })
      .option('batch', { type: 'number', describe: 'batch size (dynamic-batch models)' })
      .option('end-to-end', { type: 'boolean', default: false, describe: 'also time decode / preprocess / postprocess / encode with the image pipeline' })
      .option('image', { type: 'string', describe: 'image for --end-to-end [default: a synthetic PNG of the input size]' })
      .option('cv-threshold', { type: 'number', default: DEFAULT_CV_THRESHOLD, describe: 'coefficient of variation above which the result is flagged unstable' })
      .option('convention', { type: 'string', default: 'paper', describe: 'MAC convention for the report: paper | exact' })
      .option('json', { type: 'string', describe: 'write the versioned JSON report to FILE' })
      .option('markdown', { type: 'string', describe: 'write a Markdown report to FILE' })
      .option('html', { type: 'string', describe: 'write a self-contained HTML report with charts to FILE' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' })
      .example('$0 latency h2z.onnx --device cpu --threads 2', 'latency on the CPU, 2 threads')
      .example('$0 latency h2z.onnx --device auto --json h2z-cpu.json --html h2z-cpu.html', 'detect the device, write reports')
      .example('$0 latency h2z.onnx --device jetson-nano --end-to-end --image horse.png', 'model and image pipeline on a Nano') as Argv<LatencyArgs>,
  handler: async (args) => {
    nonNegative('warmup', args.warmup);
    nonNegative('warmup-seconds', args['warmup-seconds'], false);
    nonNegative('min-iterations', args['min-iterations']);
    nonNegative('min-duration', args['min-duration'], false);
    nonNegative('max-iterations', args['max-iterations']);
    nonNegative('cv-threshold', args['cv-threshold'], false);
    if (args['max-iterations'] === 0) throw new GcError('E_ARGS', '--max-iterations 0: at least one timed run is needed');
    if (args.image && !args['end-to-end']) throw new GcError('E_ARGS', '--image is used with --end-to-end only');
    const bar = progressBar(process.stderr, !args.quiet);
    let report;
    try {
      report = await runLatency({
        model: args.model,
        device: args.device,
        ...(args.threads !== undefined ? { threads: args.threads } : {}),
        ...(args['inter-op-threads'] !== undefined ? { interOpThreads: args['inter-op-threads'] } : {}),
        shapes: parseShapeArgs(args.shape),
        ...(args.batch !== undefined ? { batch: args.batch } : {}),
        warmupRuns: args.warmup,
        warmupSeconds: args['warmup-seconds'],
        minIterations: args['min-iterations'],
        minDurationS: args['min-duration'],
        ...(args['max-iterations'] !== undefined ? { maxIterations: args['max-iterations'] } : {}),
        cvThreshold: args['cv-threshold'],
        convention: checkConvention(args.convention),
        endToEnd: args['end-to-end'],
        ...(args.image ? { image: args.image } : {}),
        onProgress: (f, label) => bar.update(f, label),
      });
    } finally {
      bar.done();
    }
    if (args.json) writeFileAtomicSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    if (args.markdown) writeFileAtomicSync(args.markdown, latencyMarkdown(report));
    if (args.html) writeFileAtomicSync(args.html, latencyHtml(report));
    if (!args.quiet) process.stdout.write(latencyText(report));
  },
};
