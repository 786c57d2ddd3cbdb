/** `gc-bench compare` output: the table (Markdown / terminal) and the HTML page with charts. */
import { formatMacs, formatParams, fpsText, markdownTable, ms } from '../report/format';
import { htmlTable, renderPage, type ChartSpec } from '../report/html-page';
import type { Comparison, CompareRow } from './build';

const HEADER = ['device', 'model', 'provider', 'FPS', 'p50 ms', 'p99 ms', 'MACs', 'params', 'speed-up', 'MACs reduction'];
const ALIGN: ('l' | 'r')[] = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];

function cells(r: CompareRow): string[] {
  return [
    r.device,
    `${r.model}${r.isBaseline ? ' (baseline)' : ''}${r.stable ? '' : ' (unstable)'}`,
    r.provider,
    fpsText(r.fps),
    ms(r.p50),
    ms(r.p99),
    formatMacs(r.macs),
    formatParams(r.params),
    r.speedup === null ? '—' : `${r.speedup.toFixed(2)}x`,
    r.macsReduction === null ? '—' : `${r.macsReduction.toFixed(1)}x`,
  ];
}

export function comparisonMarkdown(c: Comparison): string {
  return [
    '# gc-bench compare',
    '',
    `Speed-up and MACs reduction are over ${c.baseline} measured on the same device; FPS = batch x 1000 / mean latency.`,
    '',
    markdownTable(HEADER, c.rows.map(cells), ALIGN),
    '',
  ].join('\n');
}

const PALETTE = ['#3b6fd8', '#e07b39', '#2a9d8f', '#b5179e', '#8a9a5b', '#e9c46a', '#6c757d', '#d62828'];

export function comparisonCharts(c: Comparison): ChartSpec[] {
  const fpsPerDevice: ChartSpec = {
    id: 'chart-fps-per-device',
    title: 'FPS per device',
    config: {
      type: 'bar',
      data: {
        labels: c.devices,
        datasets: c.models.map((m, i) => ({
          label: m,
          data: c.devices.map((d) => c.rows.find((r) => r.device === d && r.model === m)?.fps ?? null),
          backgroundColor: PALETTE[i % PALETTE.length],
        })),
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'frames per second' } } } },
    },
  };
  const macsVsFps: ChartSpec = {
    id: 'chart-macs-vs-fps',
    title: 'MACs vs FPS',
    config: {
      type: 'scatter',
      data: {
        datasets: c.devices.map((d, i) => ({
          label: d,
          data: c.rows.filter((r) => r.device === d && r.macs !== null).map((r) => ({ x: r.macs! / 1e9, y: r.fps, model: r.model })),
          backgroundColor: PALETTE[i % PALETTE.length],
          pointRadius: 6,
        })),
      },
      options: {
        scales: {
          x: { type: 'logarithmic', title: { display: true, text: 'GMACs per image (log)' } },
          y: { beginAtZero: true, title: { display: true, text: 'frames per second' } },
        },
      },
    },
  };
  return [fpsPerDevice, macsVsFps];
}

export function comparisonHtml(c: Comparison): string {
  const num = ALIGN.map((a) => a === 'r');
  return renderPage({
    title: 'gc-bench: latency benchmark report',
    subtitle: `${c.rows.length} measurement(s) on ${c.devices.length} device(s); speed-up over ${c.baseline} on the same device`,
    sectionsBefore: htmlTable(HEADER, c.rows.map(cells), num),
    charts: comparisonCharts(c),
    sectionsAfter: `<h2>Report files</h2>${htmlTable(['model', 'device', 'file'], c.rows.map((r) => [r.model, r.device, r.file]))}`,
    footer: `gc-bench compare · ${new Date().toISOString()}`,
  });
}
