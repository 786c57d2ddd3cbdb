/** An accuracy report as Markdown. */
import type { AccuracyReport } from '../accuracy/types';
import { BISECT_HEADER, bisectRows, OUTPUT_HEADER, outputRows, SAMPLE_HEADER, sampleRows, summaryRows } from './accuracy-sections';
import { markdownTable } from './format';

export function accuracyMarkdown(r: AccuracyReport): string {
  const parts = [
    `# gc-bench accuracy: ${r.candidate.name} against ${r.reference.name}`,
    '',
    ...r.warnings.map((w) => `> warning: ${w}\n`),
    markdownTable(['', ''], summaryRows(r)),
    '',
    '## Outputs (across samples)',
    '',
    markdownTable([...OUTPUT_HEADER], outputRows(r), ['l', 'r', 'r', 'r', 'l', 'r', 'r']),
    '',
    '## Per sample',
    '',
    markdownTable([...SAMPLE_HEADER], sampleRows(r), ['l', 'l', 'r', 'r', 'r']),
  ];
  if (r.bisect) {
    const table = markdownTable([...BISECT_HEADER], bisectRows(r.bisect.nodes), ['r', 'l', 'l', 'l', 'r', 'r', 'l']);
    parts.push('', `## Bisect (${r.bisect.input})`, '', table);
  }
  parts.push('', `${r.tool.name} ${r.tool.version} · ${r.schema} · ${r.createdAt}`, '');
  return parts.join('\n');
}
