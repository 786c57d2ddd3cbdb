/** `gc-bench compare` output: the table (Markdown / terminal) and the HTML page with charts. */
import { formatMacs, formatParams, fpsText, markdownTable, ms, ratioText } from '../report/format';
import { htmlTable, renderPage, type ChartSpec } from '../report/html-page';
import type { Comparison, CompareRow } from './build';

const COLUMNS: readonly { readonly head: string; readonly align: 'l' | 'r'; readonly cell: (r: CompareRow) => string }[] = [
  { head: 'device', align: 'l', cell: (r) => r.device },
  {
    head: 'model',
    align: 'l',
    cell: (r) => `${modelName(r)}${r.isBaseline ? ' (baseline)' : ''}${r.stable ? '' : ' (unstable)'}`,
  },
  { head: 'provider', align: 'l', cell: (r) => `${r.provider}${r.fellBackFrom ? ` (fallback: ${r.fellBackFrom} profile)` : ''}` },
  { head: 'input', align: 'l', cell: (r) => r.inputShape.join('x') },
  { head: 'batch', align: 'r', cell: (r) => String(r.batch) },
  { head: 'FPS', align: 'r', cell: (r) => fpsText(r.fps) },
  { head: 'p50 ms', align: 'r', cell: (r) => ms(r.p50) },
  { head: 'p99 ms', align: 'r', cell: (r) => ms(r.p99) },
  { head: 'MACs / image', align: 'r', cell: (r) => formatMacs(r.macsPerImage) },
  { head: 'MAC convention', align: 'l', cell: (r) => r.macsConvention },
  { head: 'params', align: 'r', cell: (r) => formatParams(r.params) },
  { head: 'speed-up', align: 'r', cell: (r) => (r.speedup === null ? '—' : ratioText(r.speedup)) },
  { head: 'MACs reduction', align: 'r', cell: (r) => (r.macsReduction === null ? '—' : ratioText(r.macsReduction)) },
];

/** The model's name, with ` #2`, ` #3` for repeated measurements on one device: table and charts alike. */
function modelName(r: CompareRow): string {
  return `${r.model}${r.run > 1 ? ` #${r.run}` : ''}`;
}

const HEADER = COLUMNS.map((c) => c.head);
const ALIGN = COLUMNS.map((c) => c.align);

function cells(r: CompareRow): string[] {
  return COLUMNS.map((c) => c.cell(r));
}

function note(c: Comparison): string {
  return (
    `Speed-up and MACs reduction are over ${c.baseline} measured on the same device. FPS = batch x 1000 / mean latency; ` +
    'MACs are per image (one batch element) at the input shown, in the convention shown (reductions only between the same convention).'
  );
}

export function comparisonMarkdown(c: Comparison): string {
  return ['# gc-bench compare', '', note(c), '', markdownTable(HEADER, c.rows.map(cells), ALIGN), ''].join('\n');
}

const PALETTE = ['#3b6fd8', '#e07b39', '#2a9d8f', '#b5179e', '#8a9a5b', '#e9c46a', '#6c757d', '#d62828'];

/** Log-axis bounds a decade-aligned step beyond the data, so no point sits on an axis. */
export function logAxisRange(values: readonly number[]): { min: number; max: number } | undefined {
  const v = values.filter((x) => x > 0);
  if (v.length === 0) return undefined;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return { min: 10 ** Math.floor(Math.log10(lo * 0.8)), max: 10 ** Math.ceil(Math.log10(hi * 1.25)) };
}

function comparisonCharts(c: Comparison): ChartSpec[] {
  // One bar per report (a category per row, labelled model + device), coloured by device.
  const fpsPerReport: ChartSpec = {
    id: 'chart-fps-per-device',
    title: 'FPS of every measurement, by device',
    config: {
      type: 'bar',
      data: {
        labels: c.rows.map((r) => [modelName(r), r.device]),
        datasets: c.devices.map((d, i) => ({
          label: d,
          data: c.rows.map((r) => (r.device === d ? r.fps : null)),
          backgroundColor: PALETTE[i % PALETTE.length],
        })),
      },
      options: {
        skipNull: true,
        plugins: { gcValueLabels: { display: true } },
        scales: { y: { beginAtZero: true, grace: '10%', title: { display: true, text: 'frames per second' } } },
      },
    },
  };
  const points = c.rows.filter((r): r is CompareRow & { macsPerImage: number } => r.macsPerImage !== null);
  const range = logAxisRange(points.map((r) => r.macsPerImage / 1e9));
  const conventions = [...new Set(points.map((r) => r.macsConvention))].join(' / ');
  const macsVsFps: ChartSpec = {
    id: 'chart-macs-vs-fps',
    title: 'MACs per image vs FPS',
    config: {
      type: 'scatter',
      data: {
        datasets: c.devices.map((d, i) => ({
          label: d,
          data: points
            .filter((r) => r.device === d)
            .map((r) => ({
              x: r.macsPerImage / 1e9,
              y: r.fps,
              label: modelName(r),
              tooltip: `${r.label}: ${formatMacs(r.macsPerImage)} MACs/image, ${fpsText(r.fps)} FPS`,
            })),
          backgroundColor: PALETTE[i % PALETTE.length],
          pointRadius: 6,
          pointHoverRadius: 8,
        })),
      },
      options: {
        plugins: { gcPointLabels: { display: true } },
        scales: {
          x: {
            type: 'logarithmic',
            ...(range ?? {}),
            ticks: { maxRotation: 0, autoSkipPadding: 14 },
            title: { display: true, text: `GMACs per image (log, ${conventions || 'paper'} convention)` },
          },
          y: { beginAtZero: true, grace: '15%', title: { display: true, text: 'frames per second' } },
        },
      },
    },
  };
  return [fpsPerReport, macsVsFps];
}

export function comparisonHtml(c: Comparison): string {
  const num = ALIGN.map((a) => a === 'r');
  return renderPage({
    title: 'gc-bench: latency benchmark report',
    subtitle: `${c.rows.length} measurement(s) on ${c.devices.length} device(s). ${note(c)}`,
    sectionsBefore: htmlTable(HEADER, c.rows.map(cells), num),
    charts: comparisonCharts(c),
    sectionsAfter: `<h2>Report files</h2>${htmlTable(['model', 'device', 'file'], c.rows.map((r) => [r.model, r.device, r.file]))}`,
    footer: `gc-bench compare · ${new Date().toISOString()}`,
  });
}
