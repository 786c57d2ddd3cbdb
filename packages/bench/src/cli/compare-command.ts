/** `gc-bench compare <report.json>...`: one table (and charts) across devices and models. */
import type { Argv, CommandModule } from 'yargs';
import { buildComparison } from '../compare/build';
import { comparisonHtml, comparisonMarkdown } from '../compare/render';
import { writeFileAtomicSync } from '@gc-edge/core';
import { readReport } from '../report/report-schema';

export interface CompareArgs {
  reports: string[];
  baseline?: string;
  html?: string;
  markdown?: string;
  quiet: boolean;
  debug: boolean;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <reports..>',
  describe: 'Compare latency reports across devices and models (FPS, p50, p99, MACs, params, speed-up over the original)',
  builder: (y: Argv) =>
    y
      .positional('reports', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'report files written by gc-bench latency --json',
      })
      .option('baseline', {
        type: 'string',
        describe: 'the model speed-ups are measured against (name, file or sha256 prefix) [default: the resnet_9blocks model]',
      })
      .option('html', { type: 'string', describe: 'write a self-contained HTML report with charts to FILE' })
      .option('markdown', { type: 'string', describe: 'write the table as Markdown to FILE' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' })
      .example('$0 compare reports/*.json --html report.html', 'the latency benchmark report to hand around'),
  handler: (args) => {
    const reports = args.reports.map((file) => ({ file, report: readReport(file) }));
    const comparison = buildComparison(reports, args.baseline);
    const md = comparisonMarkdown(comparison);
    if (args.markdown) writeFileAtomicSync(args.markdown, md);
    if (args.html) writeFileAtomicSync(args.html, comparisonHtml(comparison));
    if (!args.quiet) process.stdout.write(md);
  },
};
