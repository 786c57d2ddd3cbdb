/** Chart geometry of `gc-bench compare` that does not need a browser. */
import * as path from 'node:path';
import { buildComparison, comparisonMarkdown, logAxisRange, readReport, type LatencyReport } from '@gc-edge/bench';
import { ratioText } from '../src/report/format';

describe('the MACs axis of the scatter chart', () => {
  it.each([
    [[2.55, 56.83], { min: 1, max: 100 }],
    [[1, 10], { min: 0.1, max: 100 }],
    [[0.000225], { min: 0.0001, max: 0.001 }],
  ])('starts a decade step below the smallest point and ends above the largest: %j', (values, range) => {
    const r = logAxisRange(values)!;
    expect(r.min).toBeCloseTo(range.min, 12);
    expect(r.max).toBeCloseTo(range.max, 12);
    expect(r.min).toBeLessThan(Math.min(...values));
    expect(r.max).toBeGreaterThan(Math.max(...values));
  });

  it('has no range without points', () => {
    expect(logAxisRange([])).toBeUndefined();
  });
});

describe('where a measurement ran', () => {
  const example = path.join(__dirname, '..', 'docs', 'latency-example.json');
  const base = (): LatencyReport => readReport(example);
  const teacher = (): LatencyReport => {
    const r = base();
    const model = { ...r.model, name: 'original', architecture: 'resnet_9blocks', config: null, sha256: 'f'.repeat(64) };
    return { ...r, model, fps: r.fps / 10 };
  };
  /** The same model asked to run on a CUDA profile, on a machine without the CUDA provider. */
  const fellBack = (): LatencyReport => {
    const r = base();
    return {
      ...r,
      device: { ...r.device, profile: 'desktop-cuda', profileName: 'Desktop NVIDIA GPU (CUDA)' },
      session: {
        ...r.session,
        provider: 'cpu',
        executionProviders: [
          { provider: 'cuda', ok: false, error: 'libcudart missing' },
          { provider: 'cpu', ok: true },
        ],
      },
    };
  };

  it('labels a run that fell back to the CPU by the CPU it ran on, and compares it with the other CPU runs', () => {
    const c = buildComparison([
      { file: 'original.json', report: teacher() },
      { file: 'cuda.json', report: fellBack() },
    ]);
    expect(c.devices).toEqual(['cpu (AMD EPYC)']);
    const row = c.rows.find((r) => r.file === 'cuda.json')!;
    expect(row).toMatchObject({ device: 'cpu (AMD EPYC)', provider: 'cpu', fellBackFrom: 'desktop-cuda' });
    expect(row.speedup).toBeCloseTo(10, 9);
    expect(comparisonMarkdown(c)).toContain('| cpu (fallback: desktop-cuda profile) |');
  });

  it('numbers repeated measurements of one model on one device, and states ratios the same way', () => {
    const c = buildComparison([
      { file: 'original.json', report: teacher() },
      { file: 'a.json', report: base() },
      { file: 'b.json', report: base() },
    ]);
    const md = comparisonMarkdown(c);
    expect(md).toMatch(/\| original \(baseline\) \(unstable\) \|[^\n]*\| 1\.00x \| 1\.00x \|\n/);
    expect(md).toMatch(/\| h2z-compressed \(unstable\) \|/);
    expect(md).toMatch(/\| h2z-compressed #2 \(unstable\) \|/);
    expect(c.rows.map((r) => r.run).sort()).toEqual([1, 1, 2]);
  });

  it.each([
    [1, '1.00x'],
    [3.94, '3.94x'],
    [12.34, '12.3x'],
    [150.4, '150x'],
  ])('writes the ratio %d as %s', (x, text) => expect(ratioText(x)).toBe(text));
});
