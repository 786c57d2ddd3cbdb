/**
 * gc-bench end to end on this machine's CPU: `latency` on real onnxruntime with tiny models, report
 * files (JSON validated against the schema, Markdown, HTML opened in headless Chromium), `compare`,
 * `macs`, and the one-line errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LATENCY_REPORT_SCHEMA, main, readReport, type LatencyReport } from '@gc-edge/bench';
import { inspectCharts, launchChromium } from './browser';
import { tinyMacs, writeTinyModel } from './tiny-model';

/** Runs gc-bench in-process, capturing stdout and stderr. */
async function gcBench(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const FAST = ['--device', 'cpu', '--threads', '1', '--warmup', '2', '--warmup-seconds', '0', '--min-iterations', '8', '--min-duration', '0', '--quiet'];

let dir: string;
let original: string;
let compressed: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-'));
  original = writeTinyModel(dir, 'original', { width: 16, metadata: { architecture: 'resnet_9blocks', config: '' } });
  compressed = writeTinyModel(dir, 'compressed', { width: 4, metadata: { architecture: 'mobile_resnet_9blocks', config: '4_4' } });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('gc-bench macs', () => {
  it('prints only the JSON object with --json', async () => {
    const r = await gcBench('macs', compressed, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ macs: tinyMacs(4), params: 4 * 27 + 4 + 3 * 4 * 9, convention: 'paper' });
  });

  it('adds the layers with --per-layer', async () => {
    const r = await gcBench('macs', compressed, '--json', '--per-layer', '--convention', 'exact');
    const j = JSON.parse(r.stdout);
    expect(j.convention).toBe('exact');
    expect(j.layers.map((l: { opType: string }) => l.opType)).toEqual(['Conv', 'InstanceNormalization', 'Relu', 'Conv', 'Tanh']);
  });

  it('rejects an unknown convention with one line listing the valid ones, exit code 2', async () => {
    const r = await gcBench('macs', compressed, '--convention', 'flops');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("error[E_ARGS]: unknown MAC convention 'flops'; expected one of: paper, exact");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('gc-bench latency and compare on this CPU', () => {
  let reportFile: string;
  let report: LatencyReport;

  beforeAll(async () => {
    reportFile = path.join(dir, 'compressed.json');
    const r = await gcBench(
      'latency', compressed, ...FAST, '--end-to-end',
      '--json', reportFile, '--markdown', path.join(dir, 'compressed.md'), '--html', path.join(dir, 'compressed.html'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    report = readReport(reportFile);
  });

  it('writes a versioned report that validates against the schema', () => {
    expect(report.schema).toBe(LATENCY_REPORT_SCHEMA);
    expect(report.model).toMatchObject({ name: 'compressed', macs: tinyMacs(4), inputShape: [1, 3, 32, 32], architecture: 'mobile_resnet_9blocks', config: '4_4' });
    expect(report.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.device.profile).toBe('cpu');
    expect(report.session.provider).toBe('cpu');
    expect(report.session.placement.byProvider['CPU']).toBeGreaterThan(0);
    expect(report.settings).toMatchObject({ batch: 1, threads: { intraOp: 1, interOp: 1 }, warmupRuns: 2, minIterations: 8 });
    expect(report.settings.iterations).toBeGreaterThanOrEqual(8);
    expect(report.samplesMs).toHaveLength(report.settings.iterations);
    expect(report.fps).toBeCloseTo(1000 / report.latencyMs.mean, 6);
    expect(report.cv).toBeCloseTo(report.latencyMs.std / report.latencyMs.mean, 9);
    expect(report.stable).toBe(report.cv <= report.settings.cvThreshold);
  });

  it('times the image pipeline stages with --end-to-end', () => {
    const e = report.endToEnd!;
    expect(Object.keys(e.stagesMs)).toEqual(['decode', 'preprocess', 'inference', 'postprocess', 'encode']);
    expect(e.iterations).toBeGreaterThan(0);
    expect(e.fps).toBeCloseTo(1000 / e.totalMs.mean, 6);
  });

  it('writes a Markdown report with the latency table and placement', () => {
    const md = fs.readFileSync(path.join(dir, 'compressed.md'), 'utf8');
    expect(md).toMatch(/^# gc-bench latency: compressed on cpu/);
    expect(md).toContain('| min | p50 | p90 | p95 | p99 | max | mean | std |');
    expect(md).toMatch(/\| CPU \| \d+ \|/);
  });

  it('renders the HTML report offline in headless Chromium with its charts drawn', async () => {
    const { browser, close } = await launchChromium();
    try {
      const check = await inspectCharts(browser, path.join(dir, 'compressed.html'));
      expect(check.errors).toEqual([]);
      expect(check.requests).toEqual([]);
      expect(check.ids).toEqual(['chart-latency-distribution', 'chart-latency-percentiles', 'chart-fps', 'chart-pipeline']);
      for (const id of check.ids) expect(check.painted[id]).toBeGreaterThan(500);
    } finally {
      await close();
    }
  });

  it('compares models across devices with the speed-up over the original on the same device', async () => {
    const origFile = path.join(dir, 'original.json');
    expect((await gcBench('latency', original, ...FAST, '--json', origFile)).code).toBe(0);
    const html = path.join(dir, 'compare.html');
    const r = await gcBench('compare', origFile, reportFile, '--html', html, '--markdown', path.join(dir, 'compare.md'));
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| cpu'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/\| original \(baseline\)/);
    expect(rows[0]).toMatch(/\| 1\.00x \| 1\.0x \|$/);
    const orig = readReport(origFile);
    const speedup = (report.fps / orig.fps).toFixed(2);
    expect(rows[1]).toContain(`| ${speedup}x |`);
    expect(rows[1]).toContain(`| ${(tinyMacs(16) / tinyMacs(4)).toFixed(1)}x |`);

    const { browser, close } = await launchChromium();
    try {
      const check = await inspectCharts(browser, html);
      expect(check.errors).toEqual([]);
      expect(check.types).toEqual({ 'chart-fps-per-device': 'bar', 'chart-macs-vs-fps': 'scatter' });
      for (const id of check.ids) expect(check.painted[id]).toBeGreaterThan(500);
    } finally {
      await close();
    }
  });

  it('refuses a report with a broken field, naming the file and the field', async () => {
    const bad = path.join(dir, 'bad.json');
    const json = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    json.latencyMs.p99 = 'fast';
    fs.writeFileSync(bad, JSON.stringify(json));
    const r = await gcBench('compare', bad);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`error[E_REPORT]: ${bad}: latencyMs.p99 must be number, got string`);
  });

  it('refuses a report of another schema version', async () => {
    const old = path.join(dir, 'old.json');
    fs.writeFileSync(old, JSON.stringify({ ...JSON.parse(fs.readFileSync(reportFile, 'utf8')), schema: 'gc-bench/latency-report@0' }));
    const r = await gcBench('compare', old);
    expect(r.stderr).toMatch(/report schema "gc-bench\/latency-report@0" is not one gc-bench reads/);
  });

  it('refuses an unknown device profile, listing the known ones', async () => {
    const r = await gcBench('latency', compressed, '--device', 'tpu');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^error\[E_DEVICE\]: unknown device profile "tpu"\. Should be one of: auto, cpu, desktop-cuda, jetson-agx-xavier, /);
  });
});
