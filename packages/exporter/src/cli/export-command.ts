/** `gc-export <subnet.json>`: the command definition; the work is in export.ts. */
import * as path from 'node:path';
import type { Argv } from 'yargs';
import * as fs from 'node:fs';
import {
  type GcCommand,
  GcError,
  lastValue,
  type Precision,
  PRECISIONS,
  progressBar,
  removePendingTemps,
  resolveWriteTarget,
  writeFileAtomic,
} from '@gc-edge/core';
import { exportSubnet, type ExportSummary } from '../export';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '../ops/opset';
import { loadSubnetSpec } from '../subnet/parse';
import { describeCriterion, verifyModel, type VerifyResult } from '../verify';
import { formatBytes, formatCount, formatVerifyFigures, precisionLines } from './format';
import { type ServingArgs, type ServingSummary, planServingOutputs } from './serving-outputs';

interface ExportArgs extends ServingArgs {
  subnet: string;
  output?: string;
  opset: string;
  dynamic: boolean;
  'random-init'?: string;
  precision: string;
  io: string;
  verify: boolean;
  json: boolean;
  quiet: boolean;
  debug: boolean;
}

/** `--random-init` alone means seed 0; otherwise the seed must be a non-negative integer. */
function parseSeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value === 'true') return 0;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new GcError('E_ARGS', `--random-init '${value}': the seed must be a non-negative integer`, {
      hint: 'e.g. --random-init 7, or --random-init alone for seed 0; put it after the subnet.json',
    });
  }
  return Number(value);
}

/** `--opset N`, quoted back when it is not an integer in range. */
function parseOpset(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < MIN_OPSET || n > MAX_OPSET) {
    throw new GcError('E_ARGS', `--opset '${value}': use an integer from ${MIN_OPSET} to ${MAX_OPSET}`, {
      hint: `${DEFAULT_OPSET} (the default) is what JetPack-era TensorRT 8.2 parses`,
    });
  }
  return n;
}

/** `--precision` / `--io`: fp32 or fp16, quoted back otherwise; --io fp16 needs --precision fp16. */
function parsePrecision(precision: string, io: string): { precision: Precision; io: Precision } {
  for (const [flag, value] of [['--precision', precision], ['--io', io]] as const) {
    if (!(PRECISIONS as readonly string[]).includes(value)) {
      throw new GcError('E_ARGS', `${flag} '${value}': use one of: ${PRECISIONS.join(', ')}`, {
        hint: 'fp16 keeps InstanceNorm and the final tanh in float32; docs/precision.md',
      });
    }
  }
  if (io === 'fp16' && precision !== 'fp16') {
    throw new GcError('E_ARGS', `--io fp16 needs --precision fp16 (the graph computes in ${precision})`, {
      hint: 'add --precision fp16, or leave --io at fp32',
    });
  }
  return { precision: precision as Precision, io: io as Precision };
}

/** Default output: the subnet.json's name with .onnx, next to it. */
function defaultOutputPath(subnet: string): string {
  const base = path.basename(subnet).replace(/\.json$/i, '');
  return path.join(path.dirname(subnet), `${base}.onnx`);
}

export const exportCommand: GcCommand<ExportArgs> = {
  command: '$0 [subnet]',
  describe: 'Export a GAN Compression generator (a supernet sliced to a channel config, a released sub-network, or a teacher) to ONNX',
  builder: (y: Argv) =>
    y
      .positional('subnet', { type: 'string', describe: 'subnet.json: architecture, config, weights, ngf, input' })
      .option('output', {
        alias: 'o',
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        describe: 'where to write the model [default: <subnet>.onnx beside the subnet.json]',
      })
      .option('opset', {
        requiresArg: true,
        coerce: lastValue,
        default: String(DEFAULT_OPSET),
        describe: `ONNX opset (${MIN_OPSET}-${MAX_OPSET}; 13 = JetPack-era TensorRT)`,
      })
      .option('dynamic', { type: 'boolean', default: false, describe: 'symbolic batch/height/width dimensions' })
      .option('random-init', {
        type: 'string',
        coerce: lastValue,
        describe: 'synthesise seeded weights instead of reading "weights" (what-if latency/MACs) [seed: 0]',
      })
      .option('precision', {
        requiresArg: true,
        coerce: lastValue,
        default: 'fp32',
        describe: 'fp32, or fp16 with InstanceNorm and the final tanh kept in fp32',
      })
      .option('io', {
        requiresArg: true,
        coerce: lastValue,
        default: 'fp32',
        describe: "with --precision fp16: the inputs' and outputs' type (fp32 or fp16)",
      })
      .option('verify', {
        type: 'boolean',
        default: false,
        describe: "run the model on onnxruntime vs a float64 reference; fail beyond the precision's criterion",
      })
      .option('triton', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        describe: 'also write a Triton model repository entry: <repo>/<name>/config.pbtxt and 1/model.onnx',
      })
      .option('device', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        default: 'desktop-cuda',
        describe: "device profile (devices/*.json id or path) for --triton's instance group and TensorRT precision, --kserve's resources",
      })
      .option('max-batch', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        describe: '--triton: max_batch_size of a --dynamic model [default: 8]',
      })
      .option('kserve', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        describe: 'also write a KServe InferenceService manifest (YAML)',
      })
      .option('kserve-runtime', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        default: 'triton',
        describe: '--kserve: serve through KServe\'s Triton runtime (triton) or gc-serve\'s container (gc-serve)',
      })
      .option('storage-uri', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        describe: '--kserve: where the cluster finds the Triton repository (triton) or the .onnx folder (gc-serve) [default: pvc://gc-edge-models/...]',
      })
      .option('image', {
        type: 'string',
        requiresArg: true,
        coerce: lastValue,
        describe: "--kserve-runtime gc-serve: gc-serve's container image",
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' }) as Argv<ExportArgs>,
  examples: [
    ['$0 examples/cyclegan-horse2zebra/subnet.json', 'export the shipped example'],
    ['$0 subnet.json -o h2z.onnx --verify', 'export and check against the reference'],
    ['$0 subnet.json --random-init 7 --dynamic', 'what-if model with seeded weights and dynamic shapes'],
    ['$0 subnet.json -o h2z.onnx --triton models/ --kserve h2z.yaml', 'also a Triton repository entry and a KServe manifest'],
    ['$0 subnet.json --precision fp16 --verify', 'fp16 weights and activations, float32 inputs and outputs'],
  ],
  handler: async (args) => {
    const started = process.hrtime.bigint();
    const bar = progressBar(process.stderr, { enabled: !args.quiet && !args.json, name: 'gc-export' });
    try {
      await exportAndWrite(args, bar.update.bind(bar), started);
    } finally {
      bar.done();
    }
  },
};

type Progress = (fraction: number, label: string) => void;

/** The handler's work; progress goes to `progress`, the summary to stdout. */
async function exportAndWrite(args: ExportArgs, progress: Progress, started: bigint): Promise<void> {
  const { subnet, seedText } = subnetAndSeed(args.subnet, args['random-init']);
  const randomInit = parseSeed(seedText);
  const opset = parseOpset(args.opset);
  const { precision, io } = parsePrecision(args.precision, args.io);
  const onStage = (s: string): void => progress(0, s);
  const spec = loadSubnetSpec(subnet, { weightsOptional: randomInit !== undefined });
  const output = args.output ?? defaultOutputPath(subnet);
  refuseOverwritingInputs(output, [subnet, ...(spec.weights && randomInit === undefined ? [spec.weights] : [])]);
  const result = exportSubnet(spec, {
    opset,
    dynamic: args.dynamic,
    randomInit: randomInit === undefined ? undefined : { seed: randomInit },
    precision,
    io,
    onStage,
  });
  const exportSeconds = seconds(started);

  // Verified in memory first: an interrupted or failed check never leaves a file behind.
  let verified: (VerifyResult & { seconds: number }) | undefined;
  if (args.verify) {
    const t0 = process.hrtime.bigint();
    const result0 = await verifyModel(result.model, result.bytes, 0, progress, result.reference);
    verified = { ...result0, seconds: seconds(t0) };
    if (!verified.ok) {
      throw new GcError(
        'E_VERIFY',
        `${output}: ${formatVerifyFigures(verified)} vs the float64 reference fails ${verified.precision}'s criterion ` +
          `(${describeCriterion(verified.criterion)})`,
        {
          hint:
            verified.precision === 'fp32'
              ? 'the model was not written; rerun with --debug and report it'
              : 'the model was not written; export with --precision fp32, or report it (docs/precision.md)',
        },
      );
    }
  }
  const serving = planServingOutputs(args, result.model, result.bytes, output);
  onStage(`writing ${output}`);
  await withTempCleanupOnSignal(() => writeFileAtomic(output, result.bytes));
  const served = await withTempCleanupOnSignal(() => serving.write());
  const total = seconds(started);
  if (args.json) {
    const verify = verified ? { ...verified, comparison: undefined } : null;
    const json = { ...result.summary, output, seconds: total, exportSeconds, verify, ...served };
    process.stdout.write(`${JSON.stringify(json)}
`);
  } else if (!args.quiet) {
    process.stdout.write(formatSummary(result.summary, output, exportSeconds, verified) + formatServing(served));
  }
}

/**
 * `gc-export --random-init subnet.json` (the flag before the file) reads the file name as the seed:
 * a seed that is not a number, with no subnet.json named, is that file.
 */
function subnetAndSeed(subnet: string | undefined, seedText: string | undefined): { subnet: string; seedText: string | undefined } {
  if (subnet !== undefined && subnet !== '') return { subnet, seedText };
  if (seedText !== undefined && seedText !== '' && !/^\d+$/.test(seedText)) return { subnet: seedText, seedText: '' };
  throw new GcError('E_ARGS', 'name the subnet.json to export', { hint: 'e.g. gc-export examples/cyclegan-horse2zebra/subnet.json' });
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** -o must not land on the subnet.json or the weights it reads (through links too). */
function refuseOverwritingInputs(output: string, inputs: readonly string[]): void {
  const target = resolveWriteTarget(output);
  for (const input of inputs) {
    let real: string;
    try {
      real = fs.realpathSync(input);
    } catch {
      continue;
    }
    if (real === target) {
      throw new GcError('E_ARGS', `--output ${output} is ${input}, an input of this export; it would be overwritten`, {
        hint: 'write the model to another file, e.g. -o model.onnx',
      });
    }
  }
}

/** SIGINT/SIGTERM during a write remove its temp file, then exit 130/143 as a shell expects. */
async function withTempCleanupOnSignal<T>(work: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals): void => {
    removePendingTemps();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function formatServing(s: ServingSummary): string {
  const lines: string[] = [];
  if (s.triton) {
    const trt = s.triton.tensorrt ? `, TensorRT ${s.triton.tensorrt}` : '';
    const batch = s.triton.maxBatchSize > 0 ? `, max_batch_size ${s.triton.maxBatchSize}` : '';
    lines.push(`  triton   ${displayPath(s.triton.modelDir)}/{config.pbtxt,1/model.onnx} (device ${s.triton.device}${trt}${batch})`);
  }
  if (s.kserve) {
    const { file, name, runtime, storageUri } = s.kserve;
    lines.push(`  kserve   ${displayPath(file)} (InferenceService '${name}', ${runtime}, ${storageUri})`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Paths under the working directory are shown relative to it. */
function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The summary's `kind` line: what the weights held and what was done with them. */
const KIND_LINES: Readonly<Record<ExportSummary['weightsKind'], string>> = {
  supernet: 'supernet (sliced to the config)',
  subnet: "subnet (the config's sub-network checkpoint, taken as is)",
  full: 'full (the whole generator, no config)',
};

export function formatSummary(s: ExportSummary, output: string, seconds: number, verified?: VerifyResult & { seconds?: number }): string {
  const ngf = s.ngf === null ? '' : ` (ngf ${s.ngf}${s.ngfSource === 'default' ? ', the --random-init default: set "ngf" to choose' : ''})`;
  const lines = [
    `gc-export: ${s.architecture}${s.config ? ` ${s.config}` : ''}${ngf}`,
    `  input    ${s.inputShape.join('x')} -> output ${s.outputShape.join('x')}, opset ${s.opset}`,
    `  params   ${formatCount(s.params)}`,
    `  MACs     ${formatCount(s.macs)} (paper convention${s.inputShape.every((d) => typeof d === 'number') ? '' : `, at ${s.macsInputShape.join('x')}`})`,
    `  weights  ${s.weightsSha256 ? `${displayPath(s.weights)} (sha256 ${s.weightsSha256.slice(0, 12)}...)` : s.weights}`,
    `  kind     ${KIND_LINES[s.weightsKind]}`,
    `  export   built in ${seconds.toFixed(2)} s`,
  ];
  lines.push(...precisionLines(s.precision));
  if (verified) {
    const took = verified.seconds === undefined ? '' : ` in ${verified.seconds.toFixed(1)} s`;
    lines.push(
      `  verify   ${formatVerifyFigures(verified)} vs float64 reference (ok, ${describeCriterion(verified.criterion)})${took}`,
    );
  }
  // written last, as it happens: after the check
  lines.push(`  wrote    ${displayPath(output)} (${formatBytes(s.bytes)})`);
  return `${lines.join('\n')}\n`;
}
