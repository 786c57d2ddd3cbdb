/** Chart.js configurations for a single latency report: distribution, percentiles, FPS. */
import { histogram } from '../latency/stats';
import type { ChartSpec } from './html-page';
import { PIPELINE_STAGES, type LatencyReport } from './types';

const BLUE = '#3b6fd8';
const ORANGE = '#e07b39';
const GREY = '#9aa3b2';

/** Decimals that tell neighbouring bins apart: one more than the bin width's first significant digit needs. */
export function binDecimals(width: number): number {
  if (!(width > 0)) return 0;
  return Math.max(0, Math.min(3, Math.ceil(-Math.log10(width)) + 1));
}

export function latencyCharts(r: LatencyReport): ChartSpec[] {
  const h = histogram(r.samplesMs, 24);
  const decimals = binDecimals(h.width);
  const charts: ChartSpec[] = [
    {
      id: 'chart-latency-distribution',
      title: `Latency distribution (${r.samplesMs.length} runs)`,
      config: {
        type: 'bar',
        data: {
          labels: h.edges.map((e) => (e + h.width / 2).toFixed(decimals)),
          datasets: [{ label: 'runs', data: h.counts, backgroundColor: BLUE, barPercentage: 1, categoryPercentage: 1 }],
        },
        options: {
          plugins: { legend: { display: false } },
          scales: {
            x: { title: { display: true, text: 'latency (ms)' } },
            // run counts are whole numbers
            y: { title: { display: true, text: 'runs' }, beginAtZero: true, ticks: { precision: 0 } },
          },
        },
      },
    },
    {
      id: 'chart-latency-percentiles',
      title: 'Latency percentiles (ms)',
      config: {
        type: 'bar',
        data: {
          labels: ['min', 'p50', 'p90', 'p95', 'p99', 'max', 'mean'],
          datasets: [
            {
              label: 'ms',
              data: [
                r.latencyMs.min,
                r.latencyMs.p50,
                r.latencyMs.p90,
                r.latencyMs.p95,
                r.latencyMs.p99,
                r.latencyMs.max,
                r.latencyMs.mean,
              ],
              backgroundColor: [GREY, BLUE, BLUE, BLUE, BLUE, GREY, ORANGE],
            },
          ],
        },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
      },
    },
  ];
  const fpsLabels = ['model only'];
  const fpsData = [r.fps];
  const colors = [BLUE];
  if (r.endToEnd) {
    fpsLabels.push('end to end');
    fpsData.push(r.endToEnd.fps);
    colors.push(ORANGE);
  }
  for (const ref of r.reference) {
    if (ref.fps === undefined) continue;
    fpsLabels.push(`published: ${ref.model}`);
    fpsData.push(ref.fps);
    colors.push(GREY);
  }
  // a single bar (the model alone, nothing to set it against) says no more than the table
  if (fpsData.length > 1) {
    charts.push({
      id: 'chart-fps',
      title: `Throughput on ${r.device.profile} (FPS)`,
      config: {
        type: 'bar',
        data: { labels: fpsLabels, datasets: [{ label: 'FPS', data: fpsData, backgroundColor: colors }] },
        options: {
          indexAxis: 'y',
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, title: { display: true, text: 'frames per second' } } },
        },
      },
    });
  }
  if (r.endToEnd) {
    const e = r.endToEnd;
    charts.push({
      id: 'chart-pipeline',
      title: 'End-to-end time per stage (mean ms)',
      config: {
        type: 'bar',
        data: {
          labels: [...PIPELINE_STAGES],
          datasets: [{ label: 'mean ms', data: PIPELINE_STAGES.map((s) => e.stagesMs[s].mean), backgroundColor: ORANGE }],
        },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
      },
    });
  }
  return charts;
}
