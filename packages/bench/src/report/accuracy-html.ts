/** An accuracy report as one self-contained HTML page; the chart is the error per node (bisect) or per sample. */
import type { AccuracyReport, BisectResult } from '../accuracy/types';
import {
  BISECT_HEADER,
  bisectRows,
  errorText,
  OUTPUT_HEADER,
  outputRows,
  SAMPLE_HEADER,
  sampleRows,
  summaryRows,
} from './accuracy-sections';
import { escapeHtml } from './format';
import { type ChartSpec, htmlKv, htmlTable, renderPage } from './html-page';

/** Chart.js cannot draw 0 on a log axis: the smallest error drawn. */
const FLOOR = 1e-9;

function bars(id: string, title: string, labels: string[], values: number[], colours: string[]): ChartSpec {
  return {
    id,
    title,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'max abs error', data: values.map((v) => (Number.isFinite(v) ? Math.max(v, FLOOR) : null)), backgroundColor: colours },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { type: 'logarithmic', title: { display: true, text: 'max abs error' } } },
      },
    },
  };
}

function charts(r: AccuracyReport): ChartSpec[] {
  if (r.bisect && r.bisect.nodes.length > 0) {
    const n = r.bisect.nodes;
    const colours = n.map((x) => (x.diverged ? '#b42318' : '#3b6fd8'));
    const title = 'Max abs error per node (bisect, topological order)';
    return [bars('bisect-errors', title, n.map((x) => x.node), n.map((x) => x.maxAbs), colours)];
  }
  const rows = r.samples.flatMap((s) => s.outputs.map((o) => ({ label: `${s.input} ${o.output}`, v: o.maxAbs })));
  const colours = rows.map(() => '#3b6fd8');
  return [bars('sample-errors', 'Max abs error per sample', rows.map((x) => x.label), rows.map((x) => x.v), colours)];
}

function bisectSection(b: BisectResult): string {
  const table = htmlTable([...BISECT_HEADER], bisectRows(b.nodes), [true, false, false, false, true, true, false]);
  return `<details id="bisect-nodes" open><summary>${b.nodes.length} of ${b.shared} shared nodes compared</summary>${table}</details>`;
}

export function accuracyHtml(r: AccuracyReport): string {
  const verdict = r.gate.passed
    ? '<p class="ok" id="gate">gate passed</p>'
    : `<p class="bad" id="gate">gate failed: ${escapeHtml(r.gate.failures.join('; '))}</p>`;
  const before = [
    r.warnings.map((w) => `<div class="warn">${escapeHtml(w)}</div>`).join('\n'),
    verdict,
    htmlKv(summaryRows(r)),
    '<h2>Outputs (across samples)</h2>',
    htmlTable([...OUTPUT_HEADER], outputRows(r), [false, true, true, true, false, true, true]),
  ].join('\n');
  const after = [
    '<h2>Per sample</h2>',
    htmlTable([...SAMPLE_HEADER], sampleRows(r), [false, false, true, true, true]),
    r.bisect ? `<h2>Bisect (${escapeHtml(r.bisect.input)})</h2>` : '',
    r.bisect ? bisectSection(r.bisect) : '',
  ].join('\n');
  const worst = r.summary.length > 0 ? Math.max(...r.summary.map((s) => s.maxAbs)) : 0;
  return renderPage({
    title: `gc-bench accuracy: ${r.candidate.name} against ${r.reference.name}`,
    subtitle: `${r.candidate.provider} vs ${r.reference.provider} · max abs error ${errorText(worst)} · ${r.createdAt}`,
    sectionsBefore: before,
    charts: charts(r),
    sectionsAfter: after,
    footer: `${r.tool.name} ${r.tool.version} · report schema ${r.schema} · sha256 ${r.candidate.sha256.slice(0, 16)}… vs ${r.reference.sha256.slice(0, 16)}…`,
  });
}
