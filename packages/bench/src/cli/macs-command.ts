/** `gc-bench macs <model.onnx>`: MACs and parameters from the ONNX graph alone. */
import type { Argv } from 'yargs';
import { checkConvention, type GcCommand, MAC_CONVENTIONS } from '@gc-edge/core';
import { parseShapeArgs } from '../latency/inputs';
import { countModelFile, macsJson, macsText } from '../macs/count-file';

interface MacsArgs {
  model: string;
  convention: string;
  'per-layer': boolean;
  json: boolean;
  shape?: string[];
  debug: boolean;
}

export const macsCommand: GcCommand<MacsArgs> = {
  command: 'macs <model>',
  describe: "Count MACs and parameters of an ONNX model (the GAN Compression paper's convention by default)",
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'the .onnx file' })
      .option('convention', {
        type: 'string',
        default: 'paper',
        describe: `${MAC_CONVENTIONS.join(' | ')}: paper = torchprofile 2020 rules (published figures), exact = honest dense count`,
      })
      .option('per-layer', { type: 'boolean', default: false, describe: 'list every layer (with --json: a "layers" array)' })
      .option('json', { type: 'boolean', default: false, describe: 'print {"macs","params","convention"[,"layers"]} and nothing else' })
      .option('shape', { type: 'string', array: true, describe: 'fix symbolic dims: input=1x3x512x512 or height=512 (repeatable)' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' }),
  needs: 'the .onnx model to count',
  examples: [
    ['$0 macs h2z.onnx', 'MACs and params, paper convention'],
    ['$0 macs h2z.onnx --convention exact --per-layer', 'the honest count, layer by layer'],
    ['$0 macs dynamic.onnx --shape input=1x3x512x512 --json', 'a dynamic-shape model at 512x512, as JSON'],
  ],
  handler: (args) => {
    const convention = checkConvention(args.convention);
    const counted = countModelFile(args.model, convention, parseShapeArgs(args.shape));
    process.stdout.write(args.json ? macsJson(counted, args['per-layer']) : macsText(args.model, counted, args['per-layer']));
  },
};
