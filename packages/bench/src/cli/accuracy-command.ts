/**
 * `gc-bench accuracy <reference.onnx> [candidate.onnx]`: the same inputs through two models, or one
 * model on two device profiles; max / mean abs error, PSNR, the worst value; `--bisect` names the
 * first diverging node; `--max-abs` / `--min-psnr` make it a gate (E_ACCURACY, exit status 3).
 */
import type { Argv } from 'yargs';
import { type GcCommand, GcError, numberOption, progressBar, writeFileAtomicSync } from '@gc-edge/core';
import { DEFAULT_BISECT_ATOL, DEFAULT_BISECT_RTOL } from '../accuracy/bisect';
import { runAccuracy } from '../accuracy/run-accuracy';
import { parseShapeArgs } from '../latency/inputs';
import { accuracyHtml } from '../report/accuracy-html';
import { accuracyMarkdown } from '../report/accuracy-markdown';
import { accuracyJson, accuracyText } from '../report/accuracy-text';
import { parseNumberArg } from './numeric-args';

type NumberText = string | number;

interface AccuracyArgs {
  reference: string;
  candidate?: string;
  device: string;
  against: string;
  inputs?: string;
  samples: NumberText;
  seed: NumberText;
  shape?: string[];
  'max-abs'?: NumberText;
  'min-psnr'?: NumberText;
  bisect: boolean;
  atol: NumberText;
  rtol: NumberText;
  json?: string;
  markdown?: string;
  html?: string;
  quiet: boolean;
  debug: boolean;
}

export const accuracyCommand: GcCommand<AccuracyArgs> = {
  command: 'accuracy <reference> [candidate]',
  describe: 'Compare the outputs of two models, or one model on two devices (max/mean abs error, PSNR, first diverging node)',
  builder: (y: Argv) =>
    y
      .positional('reference', { type: 'string', demandOption: true, describe: 'the reference .onnx (its outputs are the expected ones)' })
      .positional('candidate', { type: 'string', describe: 'the .onnx compared with it [default: the reference, on --device]' })
      .option('device', { alias: 'd', type: 'string', default: 'cpu', describe: "the candidate's device profile (id, file or auto)" })
      .option('against', { type: 'string', default: 'cpu', describe: "the reference's device profile" })
      .option('inputs', { type: 'string', describe: 'a folder of images or label map PNGs [default: seeded synthetic inputs]' })
      .option('samples', numberOption('synthetic samples', 1))
      .option('seed', numberOption('first seed of the synthetic samples', 1))
      .option('shape', { type: 'string', array: true, describe: 'input shape for symbolic dims: input=1x3x512x512 or height=512' })
      .option('max-abs', numberOption('gate: fail (exit 3) when any output differs by more than this'))
      .option('min-psnr', numberOption('gate: fail (exit 3) when any output is below this PSNR (dB, over the range 2 of [-1, 1])'))
      .option('bisect', { type: 'boolean', default: false, describe: 'name the first node (topological order) whose output diverges' })
      .option('atol', numberOption('bisect: absolute tolerance per node', DEFAULT_BISECT_ATOL))
      .option('rtol', numberOption("bisect: tolerance relative to the reference value's largest magnitude", DEFAULT_BISECT_RTOL))
      .option('json', { type: 'string', describe: 'write the JSON report to FILE (--json alone: print it on stdout)' })
      .option('markdown', { type: 'string', describe: 'write a Markdown report to FILE' })
      .option('html', { type: 'string', describe: 'write a self-contained HTML report to FILE' })
      .option('quiet', {
        alias: 'q',
        type: 'boolean',
        default: false,
        describe: 'print nothing but errors (the gate still sets the exit status)',
      })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' }) as Argv<AccuracyArgs>,
  needs: 'the reference .onnx (and the candidate .onnx, or --device)',
  examples: [
    ['$0 accuracy h2z.onnx h2z-fp16.onnx --min-psnr 40', 'an fp16 export against the fp32 one, as a gate'],
    ['$0 accuracy h2z.onnx --device desktop-cuda --against cpu --max-abs 1e-3', 'the GPU against the CPU'],
    ['$0 accuracy a.onnx b.onnx --bisect --html acc.html', 'find the first node that diverges'],
  ],
  handler: async (args) => {
    const num = (flag: keyof AccuracyArgs, rule: Parameters<typeof parseNumberArg>[2]) => parseNumberArg(flag, args[flag], rule);
    const samples = num('samples', { integer: true, min: 1 }) ?? 1;
    const seed = num('seed', { integer: true, min: 0 }) ?? 1;
    const maxAbs = num('max-abs', { min: 0 });
    const minPsnr = num('min-psnr', {});
    const atol = num('atol', { min: 0 });
    const rtol = num('rtol', { min: 0 });
    if (args.inputs !== undefined && args.samples !== 1 && args.samples !== '1') {
      throw new GcError('E_ARGS', '--samples counts synthetic inputs; with --inputs every image in the folder is one sample');
    }
    const jsonToStdout = args.json === '';
    const bar = progressBar(process.stderr, { enabled: !args.quiet && !jsonToStdout, name: 'gc-bench' });
    let report;
    try {
      report = await runAccuracy({
        reference: args.reference,
        ...(args.candidate !== undefined ? { candidate: args.candidate } : {}),
        device: args.device,
        against: args.against,
        shapes: parseShapeArgs(args.shape),
        ...(args.inputs !== undefined ? { inputs: args.inputs } : {}),
        samples,
        seed,
        ...(maxAbs !== undefined ? { maxAbs } : {}),
        ...(minPsnr !== undefined ? { minPsnrDb: minPsnr } : {}),
        bisect: args.bisect,
        ...(atol !== undefined ? { atol } : {}),
        ...(rtol !== undefined ? { rtol } : {}),
        onProgress: (f, label) => bar.update(f, label),
      });
    } finally {
      bar.done();
    }
    if (args.json && !jsonToStdout) writeFileAtomicSync(args.json, accuracyJson(report));
    if (args.markdown) writeFileAtomicSync(args.markdown, accuracyMarkdown(report));
    if (args.html) writeFileAtomicSync(args.html, accuracyHtml(report));
    if (jsonToStdout) process.stdout.write(accuracyJson(report));
    else if (!args.quiet) process.stdout.write(accuracyText(report));
    if (!report.gate.passed) {
      throw new GcError('E_ACCURACY', `${report.candidate.name} against ${report.reference.name}: ${report.gate.failures.join('; ')}`, {
        hint: 'the reports (if asked for) were written; --bisect names the first node that diverges',
      });
    }
  },
};
