/** The latency report's charts say only what the data supports. */
import * as path from 'node:path';
import { readReport, type LatencyReport } from '@gc-edge/bench';
import { binDecimals, latencyCharts } from '../src/report/latency-charts';

const example = (): LatencyReport => readReport(path.join(__dirname, '..', 'docs', 'latency-example.json'));

describe('latency charts', () => {
  it('draws no throughput chart of a single bar, and draws it when there is something to set the model against', () => {
    const alone = { ...example(), endToEnd: null, reference: [] };
    expect(latencyCharts(alone).map((c) => c.id)).toEqual(['chart-latency-distribution', 'chart-latency-percentiles']);
    const published: LatencyReport = { ...alone, reference: [{ model: 'published model', fps: 40, source: 'paper' }] };
    expect(latencyCharts(published).map((c) => c.id)).toContain('chart-fps');
  });

  it('counts runs in whole numbers and labels bins with the digits their width needs', () => {
    const r = example();
    const spec = latencyCharts(r)[0]!;
    const config = spec.config as { data: { labels: string[] }; options: { scales: { y: { ticks: { precision: number } } } } };
    expect(config.options.scales.y.ticks.precision).toBe(0);
    for (const label of config.data.labels) expect(label).toMatch(/^\d+(\.\d{1,3})?$/);
    expect(new Set(config.data.labels).size).toBe(config.data.labels.length);
  });

  it.each([
    [12, 0],
    [1.2, 1],
    [0.37, 2],
    [0.037, 3],
    [0.00001, 3],
  ])('a bin %d ms wide is labelled with %d decimals', (width, decimals) => expect(binDecimals(width)).toBe(decimals));
});
