/** `gc-export <subnet.json>`: the command definition; the work is in export.ts. */
import * as path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { writeFileAtomic } from '../atomic-write';
import { GcError } from '../errors';
import { exportSubnet, type ExportSummary } from '../export';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '../ops/opset';
import { loadSubnetSpec } from '../subnet/parse';
import { verifyModel, type VerifyResult } from '../verify';
import { formatBytes, formatCount } from './format';

export interface ExportArgs {
  subnet: string;
  output?: string;
  opset: number;
  dynamic: boolean;
  'random-init'?: number;
  verify: boolean;
  json: boolean;
  quiet: boolean;
  debug: boolean;
}

/** `--random-init` alone means seed 0; otherwise the seed must be a non-negative integer. */
export function parseSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? String(value[value.length - 1]) : String(value);
  if (text === '' || text === 'true') return 0;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new GcError('E_ARGS', `--random-init '${text}': the seed must be a non-negative integer`, {
      hint: 'e.g. --random-init 7, or --random-init alone for seed 0',
    });
  }
  return Number(text);
}

/** Default output: the subnet.json's name with .onnx, next to it. */
export function defaultOutputPath(subnet: string): string {
  const base = path.basename(subnet).replace(/\.json$/i, '');
  return path.join(path.dirname(subnet), `${base}.onnx`);
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: '$0 <subnet>',
  describe: 'Slice a GAN Compression supernet for a channel config and write a pruned ONNX graph',
  builder: (y: Argv) =>
    y
      .positional('subnet', { type: 'string', demandOption: true, describe: 'subnet.json: architecture, config, weights, ngf, input' })
      .option('output', { alias: 'o', type: 'string', describe: 'where to write the model [default: <subnet>.onnx beside the subnet.json]' })
      .option('opset', { type: 'number', default: DEFAULT_OPSET, describe: `ONNX opset (${MIN_OPSET}-${MAX_OPSET}; 13 = JetPack-era TensorRT)` })
      .option('dynamic', { type: 'boolean', default: false, describe: 'symbolic batch/height/width dimensions' })
      .option('random-init', {
        type: 'string',
        describe: 'synthesise seeded weights instead of reading "weights" (what-if latency/MACs) [seed: 0]',
        coerce: parseSeed,
      })
      .option('verify', { type: 'boolean', default: false, describe: 'run the model on onnxruntime vs a float64 reference; fail above 1e-4' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' })
      .example('$0 examples/cyclegan-horse2zebra/subnet.json', 'export the shipped example')
      .example('$0 subnet.json -o h2z.onnx --verify', 'export and check against the reference')
      .example('$0 subnet.json --random-init 7 --dynamic', 'what-if model with seeded weights and dynamic shapes') as Argv<ExportArgs>,
  handler: async (args) => {
    const started = process.hrtime.bigint();
    const randomInit = args['random-init'];
    const progress = !args.quiet && !args.json && process.stderr.isTTY;
    const onStage = progress ? (s: string) => process.stderr.write(`\r\x1b[2K  ${s}...`) : undefined;
    const spec = loadSubnetSpec(args.subnet, { weightsOptional: randomInit !== undefined });
    const result = exportSubnet(spec, {
      opset: args.opset,
      dynamic: args.dynamic,
      randomInit: randomInit === undefined ? undefined : { seed: randomInit },
      onStage,
    });
    const output = args.output ?? defaultOutputPath(args.subnet);
    let verified: VerifyResult | undefined;
    onStage?.(`writing ${output}`);
    await writeFileAtomic(output, result.bytes, async () => {
      if (!args.verify) return;
      onStage?.('verifying on onnxruntime against the float64 reference');
      verified = await verifyModel(result.model, result.bytes);
      if (!verified.ok) {
        throw new GcError(
          'E_VERIFY',
          `${output}: max abs error ${verified.maxAbsError.toExponential(2)} vs the float64 reference exceeds ${verified.tolerance}`,
          { hint: 'the model was not written; rerun with --debug and report it' },
        );
      }
    });
    if (progress) process.stderr.write('\r\x1b[2K');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...result.summary, output, seconds, verify: verified ?? null })}\n`);
    } else if (!args.quiet) {
      process.stdout.write(formatSummary(result.summary, output, seconds, verified));
    }
  },
};

/** Paths under the working directory are shown relative to it. */
function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

export function formatSummary(s: ExportSummary, output: string, seconds: number, verified?: VerifyResult): string {
  const lines = [
    `gc-export: ${s.architecture}${s.config ? ` ${s.config}` : ''} (ngf ${s.ngf})`,
    `  input    ${s.inputShape.join('x')} -> output ${s.outputShape.join('x')}, opset ${s.opset}`,
    `  params   ${formatCount(s.params)}`,
    `  MACs     ${formatCount(s.macs)} (paper convention)`,
    `  weights  ${s.weightsSha256 ? `${displayPath(s.weights)} (sha256 ${s.weightsSha256.slice(0, 12)}...)` : s.weights}`,
    `  wrote    ${displayPath(output)} (${formatBytes(s.bytes)}) in ${seconds.toFixed(2)} s`,
  ];
  if (verified) {
    lines.push(`  verify   max abs error ${verified.maxAbsError.toExponential(2)} vs float64 reference (ok, <= ${verified.tolerance})`);
  }
  return `${lines.join('\n')}\n`;
}
