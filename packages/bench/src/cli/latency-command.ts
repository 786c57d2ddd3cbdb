/** `gc-bench latency <model.onnx> --device <profile>`: latency and FPS on this machine. */
import type { Argv } from 'yargs';
import { checkConvention, type GcCommand, GcError, numberOption, progressBar, writeFileAtomicSync } from '@gc-edge/core';
import { parseShapeArgs } from '../latency/inputs';
import { parseNumberArg, type NumberRule } from './numeric-args';
import { DEFAULT_CV_THRESHOLD, DEFAULT_TIME_BUDGET_S, runLatency } from '../latency/run-latency';
import { latencyHtml } from '../report/latency-html';
import { latencyMarkdown } from '../report/latency-markdown';
import { latencyText } from '../report/latency-text';

/** Numeric options arrive as the text typed (see numeric-args.ts); defaults are numbers. */
type NumberText = string | number;

interface LatencyArgs {
  model: string;
  device: string;
  warmup: NumberText;
  'warmup-seconds': NumberText;
  'min-iterations': NumberText;
  'min-duration': NumberText;
  'max-iterations'?: NumberText;
  'time-budget': NumberText;
  threads?: NumberText;
  'inter-op-threads'?: NumberText;
  shape?: string[];
  batch?: NumberText;
  'end-to-end': boolean;
  image?: string;
  'cv-threshold': NumberText;
  convention: string;
  json?: string;
  markdown?: string;
  html?: string;
  quiet: boolean;
  debug: boolean;
}

const QUICK = 'for a quick check: --min-iterations 1 --min-duration 0';

/** The numeric options, checked and quoted back when wrong. */
function latencyNumbers(args: LatencyArgs) {
  const n = (flag: keyof LatencyArgs, rule: NumberRule) => parseNumberArg(flag, args[flag], rule);
  /** An option with a default: yargs always gives it. */
  const given = (flag: keyof LatencyArgs, rule: NumberRule): number => {
    const v = n(flag, rule);
    if (v === undefined) throw new GcError('E_ARGS', `--${flag} has no value`);
    return v;
  };
  return {
    warmup: given('warmup', { integer: true, min: 0 }),
    warmupSeconds: given('warmup-seconds', { min: 0 }),
    minIterations: given('min-iterations', { integer: true, min: 1, hint: `at least one timed run is needed; ${QUICK}` }),
    minDuration: given('min-duration', { min: 0 }),
    maxIterations: n('max-iterations', { integer: true, min: 1, hint: 'at least one timed run is needed' }),
    timeBudget: given('time-budget', { min: 0, hint: 'seconds; 0 = no budget' }),
    threads: n('threads', { integer: true, min: 0, hint: "0 = onnxruntime's default (one thread per physical core)" }),
    interOpThreads: n('inter-op-threads', { integer: true, min: 0 }),
    batch: n('batch', { integer: true, min: 1 }),
    cvThreshold: given('cv-threshold', { min: 0, hint: 'a fraction: 0.1 flags runs whose std is above 10% of the mean' }),
  };
}

const num = numberOption;

export const latencyCommand: GcCommand<LatencyArgs> = {
  command: 'latency <model>',
  describe: 'Measure latency percentiles and FPS of a model on a device profile',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'the .onnx file' })
      .option('device', {
        alias: 'd',
        type: 'string',
        default: 'auto',
        describe: 'device profile id (devices/*.json), a profile file, or auto',
      })
      .option('warmup', num('warm-up runs, excluded from the figures', 10))
      .option('warmup-seconds', num('and keep warming up at least this long', 1))
      .option('min-iterations', num('timed runs: at least this many (>= 1)...', 100))
      .option('min-duration', num('...and at least this many seconds', 10))
      .option('max-iterations', num('never more timed runs than this'))
      .option(
        'time-budget',
        num('seconds the timed runs may take, whatever --min-iterations asks; the warm-up gets a sixth (0 = none)', DEFAULT_TIME_BUDGET_S),
      )
      .option('threads', num("intra-op threads (0 = onnxruntime's default: one per physical core) [default: the profile's]"))
      .option('inter-op-threads', num("inter-op threads (unused: sessions run sequentially) [default: the profile's]"))
      .option('shape', { type: 'string', array: true, describe: 'input shape for symbolic dims: input=1x3x512x512 or height=512' })
      .option('batch', num('batch size (dynamic-batch models)'))
      .option('end-to-end', {
        type: 'boolean',
        default: false,
        describe: 'also time decode / preprocess / postprocess / encode with the image pipeline',
      })
      .option('image', { type: 'string', describe: 'image for --end-to-end [default: a synthetic PNG of the input size]' })
      .option('cv-threshold', num('coefficient of variation above which the result is flagged unstable', DEFAULT_CV_THRESHOLD))
      .option('convention', { type: 'string', default: 'paper', describe: 'MAC convention for the report: paper | exact' })
      .option('json', {
        type: 'string',
        describe: 'write the versioned JSON report to FILE (--json alone: print it on stdout instead of the summary)',
      })
      .option('markdown', { type: 'string', describe: 'write a Markdown report to FILE' })
      .option('html', { type: 'string', describe: 'write a self-contained HTML report with charts to FILE' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' }) as Argv<LatencyArgs>,
  needs: 'the .onnx model to measure',
  examples: [
    ['$0 latency h2z.onnx --device cpu --threads 2', 'latency on the CPU, 2 threads'],
    ['$0 latency h2z.onnx --device auto --json h2z-cpu.json --html h2z-cpu.html', 'detect the device, write reports'],
    ['$0 latency h2z.onnx --device jetson-nano --end-to-end --image horse.png', 'model and image pipeline on a Nano'],
  ],
  handler: async (args) => {
    const v = latencyNumbers(args);
    if (args.image && !args['end-to-end']) throw new GcError('E_ARGS', '--image is used with --end-to-end only');
    const jsonToStdout = args.json === '';
    if (args.quiet && args.json === undefined && !args.markdown && !args.html) {
      throw new GcError('E_ARGS', '-q/--quiet with no --json, --markdown or --html: the measurement would be thrown away', {
        hint: 'add --json FILE (or --json alone to print the report on stdout), or drop -q',
      });
    }
    const bar = progressBar(process.stderr, { enabled: !args.quiet && !jsonToStdout, name: 'gc-bench' });
    let report;
    try {
      report = await runLatency({
        model: args.model,
        device: args.device,
        ...(v.threads !== undefined ? { threads: v.threads } : {}),
        ...(v.interOpThreads !== undefined ? { interOpThreads: v.interOpThreads } : {}),
        shapes: parseShapeArgs(args.shape),
        ...(v.batch !== undefined ? { batch: v.batch } : {}),
        warmupRuns: v.warmup,
        warmupSeconds: v.warmupSeconds,
        minIterations: v.minIterations,
        minDurationS: v.minDuration,
        ...(v.maxIterations !== undefined ? { maxIterations: v.maxIterations } : {}),
        ...(v.timeBudget > 0 ? { timeBudgetS: v.timeBudget } : {}),
        cvThreshold: v.cvThreshold,
        convention: checkConvention(args.convention),
        endToEnd: args['end-to-end'],
        ...(args.image ? { image: args.image } : {}),
        onProgress: (f, label) => bar.update(f, label),
      });
    } finally {
      bar.done();
    }
    const json = `${JSON.stringify(report, null, 2)}\n`;
    if (args.json && !jsonToStdout) writeFileAtomicSync(args.json, json);
    if (args.markdown) writeFileAtomicSync(args.markdown, latencyMarkdown(report));
    if (args.html) writeFileAtomicSync(args.html, latencyHtml(report));
    if (jsonToStdout) process.stdout.write(json);
    else if (!args.quiet) process.stdout.write(latencyText(report));
  },
};
