/** `gc-bench compare <report.json>...`: one table (and charts) across devices and models. */
import type { Argv } from 'yargs';
import { buildComparison } from '../compare/build';
import { comparisonHtml, comparisonMarkdown } from '../compare/render';
import { type GcCommand, writeFileAtomicSync } from '@gc-edge/core';
import { readReport } from '../report/report-schema';

interface CompareArgs {
  reports: string[];
  baseline?: string;
  html?: string;
  markdown?: string;
  quiet: boolean;
  debug: boolean;
}

export const compareCommand: GcCommand<CompareArgs> = {
  command: 'compare <reports..>',
  describe: 'Compare latency reports across devices and models (FPS, p50, p99, MACs, params, speed-up over the original)',
  builder: (y: Argv) =>
    y
      // default: undefined drops the `[default: []]` yargs shows beside `[required]` for variadic positionals
      .positional('reports', {
        type: 'string',
        array: true,
        demandOption: true,
        default: undefined,
        describe: 'report files written by gc-bench latency --json',
      })
      .option('baseline', {
        type: 'string',
        describe:
          'the model speed-ups are measured against (name, file or sha256 prefix) [default: per model, the teacher of its family, from the model contract]',
      })
      .option('html', { type: 'string', describe: 'write a self-contained HTML report with charts to FILE' })
      .option('markdown', { type: 'string', describe: 'write the table as Markdown to FILE' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' }),
  needs: 'the report files to compare (written by gc-bench latency --json)',
  examples: [
    ['$0 compare reports/*.json --html report.html', 'the latency benchmark report to hand around'],
  ],
  handler: (args) => {
    const reports = args.reports.map((file) => ({ file, report: readReport(file) }));
    const comparison = buildComparison(reports, args.baseline);
    const md = comparisonMarkdown(comparison);
    if (args.markdown) writeFileAtomicSync(args.markdown, md);
    if (args.html) writeFileAtomicSync(args.html, comparisonHtml(comparison));
    if (!args.quiet) process.stdout.write(md);
  },
};
