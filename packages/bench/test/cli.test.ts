/**
 * gc-bench end to end on this machine's CPU: `latency` on real onnxruntime with tiny models, report
 * files (JSON validated against the schema, Markdown, HTML opened in headless Chromium), `compare`,
 * `macs`, and the one-line errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LATENCY_REPORT_SCHEMA, main, readReport, runLatency, type LatencyReport } from '@gc-edge/bench';
import { MIN_RUNS_FOR_STABILITY } from '../src/latency/run-latency';
import { countCores } from '../src/latency/threads';
import { formatMacs, ratioText } from '../src/report/format';
import { evaluateInPage, inspectCharts, withChromium } from './browser';
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

/** One timed run, no warm-up: for tests about the command line, not the figures. */
const QUICK = [
  ...['--device', 'cpu', '--threads', '1'],
  ...['--warmup', '0', '--warmup-seconds', '0', '--min-iterations', '1', '--min-duration', '0'],
];
const FAST = [
  '--device',
  'cpu',
  '--threads',
  '1',
  '--warmup',
  '2',
  '--warmup-seconds',
  '0',
  '--min-iterations',
  '8',
  '--min-duration',
  '0',
  '--quiet',
];

let dir: string;
/** A report path for runs that fail before writing it. */
let UNUSED: string;
let original: string;
let compressed: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-'));
  UNUSED = path.join(dir, 'unused.json');
  // Old-style metadata (only `architecture`, as files exported before the model contract): read
  // through core's pre-contract table. contract.test.ts covers models carrying the contract keys.
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
    const j = JSON.parse(r.stdout) as { convention: string; layers: { opType: string }[] };
    expect(j.convention).toBe('exact');
    expect(j.layers.map((l) => l.opType)).toEqual(['Conv', 'InstanceNormalization', 'Relu', 'Conv', 'Tanh']);
  });

  it('counts and runs a dynamic model at the size it was exported at, unless --shape says otherwise', async () => {
    const metadata = { macs_input_shape: '1x3x32x32' };
    const dynamic = writeTinyModel(dir, 'dynamic-size', { width: 4, dynamicBatch: true, dynamicSize: true, metadata });
    const r = await gcBench('macs', dynamic, '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { macs: number }).macs).toBe(tinyMacs(4, 32));
    const at64 = await gcBench('macs', dynamic, '--json', '--shape', 'height=64', '--shape', 'width=64');
    expect((JSON.parse(at64.stdout) as { macs: number }).macs).toBe(tinyMacs(4, 64));
    const file = path.join(dir, 'dynamic-size.json');
    const quick = QUICK;
    expect((await gcBench('latency', dynamic, ...quick, '--batch', '2', '--json', file, '-q')).code).toBe(0);
    expect(readReport(file).model).toMatchObject({ inputShape: [2, 3, 32, 32], macsPerImage: tinyMacs(4, 32) });
    const unrecorded = writeTinyModel(dir, 'dynamic-unrecorded', { width: 4, dynamicSize: true });
    const refused = await gcBench('macs', unrecorded);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe("error[E_ARGS]: input 'input' has symbolic dims height, width [1x3xheightxwidth]");
  });

  it('refuses --shape overriding a fixed dimension, naming the input and its fixed shape', async () => {
    for (const command of ['macs', 'latency']) {
      const extra = command === 'latency' ? [...FAST, '--json', UNUSED] : [];
      const r = await gcBench(command, compressed, '--shape', 'input=1x3x512x512', ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(
        "error[E_ARGS]: --shape input=1x3x512x512: input 'input' has the fixed shape [1x3x32x32]; dimension 2 is 32, not 512",
      );
      expect(r.stderr).toMatch(/hint: only symbolic dims may be set/);
    }
  });

  it('reads the model file the same way in macs and latency: E_ARGS, the reason, a hint that fits it', async () => {
    const missing = path.join(dir, 'nope.onnx');
    const macs = await gcBench('macs', missing);
    const latency = await gcBench('latency', missing, ...FAST, '--json', UNUSED);
    expect(macs.code).toBe(2);
    expect(latency.code).toBe(2);
    expect(macs.stderr).toBe(latency.stderr);
    expect(macs.stderr.split('\n')).toEqual([
      `error[E_ARGS]: ${missing}: cannot read the model (no such file)`,
      `  hint: check the path (relative paths start at ${process.cwd()}), or export one with \`npx gc-export <subnet.json> -o model.onnx\` (or --random-init for a what-if model)`,
      '',
    ]);
    const folder = await gcBench('macs', dir);
    expect(folder.stderr.split('\n').slice(0, 2)).toEqual([
      `error[E_ARGS]: ${dir}: cannot read the model (it is a folder)`,
      '  hint: that is a folder: pass the .onnx file inside it',
    ]);
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

  it('reports every executed kernel and its provider, counted as kernels, not graph nodes', () => {
    const p = report.session.placement;
    expect(p.nodes!.length).toBe(p.kernels);
    expect(p.kernels).toBe(Object.values(p.byProvider).reduce((a, b) => a + b, 0));
    for (const n of p.nodes!) expect(n).toEqual({ name: expect.any(String), opType: expect.any(String), provider: 'CPU' });
    expect(p.nodes!.map((n) => n.opType)).toContain('Conv');
    expect(p.graphNodes).toBe(5);
    expect(p.summary).toBe(`${p.kernels} ${p.kernels === 1 ? 'kernel' : 'kernels'} on CPU after graph optimisation (5 graph nodes)`);
    const html = fs.readFileSync(path.join(dir, 'compressed.html'), 'utf8');
    expect(html).toMatch(/<details id="placement-nodes"><summary>Per-node placement: \d+ kernels? after graph optimisation; the ONNX graph has 5 nodes<\/summary>/);
    const md = fs.readFileSync(path.join(dir, 'compressed.md'), 'utf8');
    expect(md).toContain('| node (optimised graph) | op | execution provider |');
    for (const n of p.nodes!) expect(md).toContain(`| ${n.name} | ${n.opType} | CPU |`);
  });

  it('reports the threads actually used, not 0', () => {
    expect(report.settings.threads).toEqual({
      intraOp: 1,
      interOp: 1,
      requested: { intraOp: 1, interOp: 1 },
      note: '1 asked; inter-op pool unused, sessions run sequentially',
    });
  });

  it('gives every Markdown table a real header row', () => {
    const md = fs.readFileSync(path.join(dir, 'compressed.md'), 'utf8').split('\n');
    const headers = md.filter((line, i) => line.startsWith('|') && /^\|(\s*-+:?\s*\|)+$/.test(md[i + 1] ?? ''));
    expect(headers.length).toBeGreaterThanOrEqual(5);
    for (const h of headers) expect(h.split('|').slice(1, -1).every((cell) => cell.trim() !== '')).toBe(true);
  });

  it('writes a versioned report that validates against the schema', () => {
    expect(report.schema).toBe(LATENCY_REPORT_SCHEMA);
    expect(report.model).toMatchObject({
      name: 'compressed',
      macs: tinyMacs(4),
      inputShape: [1, 3, 32, 32],
      architecture: 'mobile_resnet_9blocks',
      config: '4_4',
    });
    expect(report.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.device.profile).toBe('cpu');
    expect(report.session.provider).toBe('cpu');
    expect(report.session.placement.byProvider['CPU']).toBeGreaterThan(0);
    expect(report.settings).toMatchObject({ batch: 1, threads: { intraOp: 1, interOp: 1 }, warmupRuns: 2, minIterations: 8 });
    expect(report.model.macsPerImage).toBe(tinyMacs(4));
    expect(report.settings.iterations).toBeGreaterThanOrEqual(8);
    expect(report.samplesMs).toHaveLength(report.settings.iterations);
    expect(report.fps).toBeCloseTo(1000 / report.latencyMs.mean, 6);
    expect(report.cv).toBeCloseTo(report.latencyMs.std / report.latencyMs.mean, 9);
    expect(report.stable).toBe(report.settings.iterations >= MIN_RUNS_FOR_STABILITY && report.cv <= report.settings.cvThreshold);
    expect(report.settings.stoppedBy).toBe('minimums');
  });

  it('prints the JSON report on stdout with --json and no file, and refuses -q with nothing to write', async () => {
    const quick = QUICK;
    const r = await gcBench('latency', compressed, ...quick, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: LATENCY_REPORT_SCHEMA, settings: { iterations: 1 } });
    expect(r.stderr).toBe('');
    const alone = await gcBench('latency', compressed, ...quick, '-q', '--json');
    expect(JSON.parse(alone.stdout)).toMatchObject({ schema: LATENCY_REPORT_SCHEMA });
    const quiet = await gcBench('latency', compressed, ...quick, '-q');
    expect(quiet.code).toBe(2);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr.split('\n').slice(0, 2)).toEqual([
      'error[E_ARGS]: -q/--quiet with no --json, --markdown or --html: the measurement would be thrown away',
      '  hint: add --json FILE (or --json alone to print the report on stdout), or drop -q',
    ]);
  });

  it('calls too few timed runs unstable, and says a time budget cut the runs short', async () => {
    const file = path.join(dir, 'budget.json');
    const args = ['--device', 'cpu', '--threads', '1', '--warmup', '0', '--warmup-seconds', '0', '--min-iterations', '100000'];
    const r = await gcBench('latency', compressed, ...args, '--min-duration', '0', '--time-budget', '0.05', '--json', file, '--quiet');
    expect(r.code).toBe(0);
    const budgeted = readReport(file);
    expect(budgeted.settings).toMatchObject({ timeBudgetS: 0.05, stoppedBy: 'time-budget' });
    expect(budgeted.settings.iterations).toBeLessThan(100000);
    expect(budgeted.warnings).toContainEqual(expect.stringMatching(/^the 0\.05 s time budget ended the timed runs after \d+ of --min-iterations 100000/));
    const one = path.join(dir, 'one-run.json');
    expect((await gcBench('latency', compressed, ...args.slice(0, -1), '1', '--min-duration', '0', '--json', one, '--quiet')).code).toBe(0);
    const single = readReport(one);
    expect(single.settings.iterations).toBe(1);
    expect(single.cv).toBe(0);
    expect(single.stable).toBe(false);
    expect(single.warnings).toContain(`only 1 timed run: at least ${MIN_RUNS_FOR_STABILITY} are needed to judge stability`);
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
    expect(md).not.toMatch(/^\|\s+\|\s+\|$/m);
  });

  it('renders the HTML report offline in headless Chromium with its charts drawn', async () => {
    await withChromium(async (browser) => {
      const check = await inspectCharts(browser, path.join(dir, 'compressed.html'));
      expect(check.errors).toEqual([]);
      expect(check.requests).toEqual([]);
      expect(check.ids).toEqual(['chart-latency-distribution', 'chart-latency-percentiles', 'chart-fps', 'chart-pipeline']);
      for (const id of check.ids) expect(check.painted[id]).toBeGreaterThan(500);
      const runTicks = await evaluateInPage<number[]>(
        browser,
        path.join(dir, 'compressed.html'),
        "window.gcCharts['chart-latency-distribution'].scales.y.ticks.map((t) => t.value)",
      );
      expect(runTicks.length).toBeGreaterThan(1);
      for (const v of runTicks) expect(Number.isInteger(v)).toBe(true);
    });
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
    expect(rows[0]).toMatch(/\| cpu \| 1x3x32x32 \| 1 \|/);
    expect(rows[0]).toMatch(/\| paper \|/);
    expect(rows[0]).toMatch(/\| 1\.00x \| 1\.00x \|$/);
    const orig = readReport(origFile);
    const speedup = (report.fps / orig.fps).toFixed(2);
    expect(rows[1]).toContain(`| ${speedup}x |`);
    expect(rows[1]).toContain(`| ${ratioText(tinyMacs(16) / tinyMacs(4))} |`);

    await withChromium(async (browser) => {
      const check = await inspectCharts(browser, html);
      expect(check.errors).toEqual([]);
      expect(check.types).toEqual({ 'chart-fps-per-device': 'bar', 'chart-macs-vs-fps': 'scatter' });
      for (const id of check.ids) expect(check.painted[id]).toBeGreaterThan(500);
    });
  });

  it('compares per-image MACs, gives every report its own bar, and labels the scatter points', async () => {
    const dynamic = writeTinyModel(dir, 'compressed-dyn', {
      width: 4,
      dynamicBatch: true,
      metadata: { architecture: 'mobile_resnet_9blocks', config: '4_4' },
    });
    const files = {
      orig: path.join(dir, 'orig-b1.json'),
      again: path.join(dir, 'compressed-again.json'),
      batch2: path.join(dir, 'compressed-b2.json'),
    };
    expect((await gcBench('latency', original, ...FAST, '--json', files.orig)).code).toBe(0);
    expect((await gcBench('latency', compressed, ...FAST, '--json', files.again)).code).toBe(0);
    expect((await gcBench('latency', dynamic, ...FAST, '--batch', '2', '--json', files.batch2)).code).toBe(0);
    const b2 = readReport(files.batch2);
    expect(b2.model).toMatchObject({ macs: 2 * tinyMacs(4), macsPerImage: tinyMacs(4), inputShape: [2, 3, 32, 32] });
    expect(fs.readFileSync(path.join(dir, 'compressed-b2.json'), 'utf8')).toContain('"batch": 2');

    const html = path.join(dir, 'compare3.html');
    const r = await gcBench('compare', files.orig, reportFile, files.again, files.batch2, '--html', html);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| cpu'));
    expect(rows).toHaveLength(4);
    const reduction = `| ${ratioText(tinyMacs(16) / tinyMacs(4))} |`;
    const b2row = rows.find((l) => l.includes('compressed-dyn'))!;
    expect(b2row).toMatch(/\| 2x3x32x32 \| 2 \|/);
    expect(b2row).toContain(`| ${formatMacs(tinyMacs(4))} | paper |`);
    expect(b2row.endsWith(reduction)).toBe(true);

    await withChromium(async (browser) => {
      const seen = await evaluateInPage<{
        bars: number;
        labels: string[][];
        scatter: { min: number; dataMin: number; labels: string[]; tooltip: string; ticks: string[] };
      }>(
        browser,
        html,
        `(() => {
          const fps = window.gcCharts['chart-fps-per-device'];
          const bars = fps.data.datasets.flatMap((d) => d.data).filter((v) => v !== null).length;
          const sc = window.gcCharts['chart-macs-vs-fps'];
          const pts = sc.data.datasets.flatMap((d) => d.data);
          sc.tooltip.setActiveElements([{ datasetIndex: 0, index: 0 }], { x: 0, y: 0 });
          sc.update();
          return {
            bars,
            labels: fps.data.labels,
            scatter: {
              min: sc.scales.x.min,
              dataMin: Math.min(...pts.map((p) => p.x)),
              labels: sc.$gcLabels,
              tooltip: sc.tooltip.body.map((b) => b.lines.join(' ')).join(' | '),
              ticks: sc.scales.x.ticks.map((t) => t.label).filter((l) => l !== ''),
            },
          };
        })()`,
      );
      expect(seen.bars).toBe(4);
      expect(seen.labels).toHaveLength(4);
      // the repeated measurement of one model on one device is told apart, in the table and the charts
      expect(seen.labels.map((l) => l[0]).filter((m) => m?.startsWith('compressed') && m !== 'compressed-dyn').sort()).toEqual([
        'compressed',
        'compressed #2',
      ]);
      expect(rows.filter((l) => /\| compressed #2 /.test(l))).toHaveLength(1);
      expect(seen.scatter.min).toBeLessThan(seen.scatter.dataMin);
      // the log axis is labelled at 1, 2 and 5 times each power of ten, nothing in between
      expect(seen.scatter.ticks.length).toBeGreaterThan(1);
      for (const t of seen.scatter.ticks) {
        const mantissa = Number(t) / 10 ** Math.floor(Math.log10(Number(t)) + 1e-9);
        expect([1, 2, 5]).toContain(Math.round(mantissa));
        expect(Math.abs(mantissa - Math.round(mantissa))).toBeLessThan(1e-6);
      }
      expect([...seen.scatter.labels].sort()).toEqual(['compressed', 'compressed #2', 'compressed-dyn', 'original']);
      expect(seen.scatter.tooltip).toMatch(/^(original|compressed|compressed-dyn)( #2)? on cpu \(.+\): [\d.]+[KMG] MACs\/image, [\d.]+ FPS$/);
    });
  });

  it('still reads reports written before macsPerImage, placement nodes and thread notes existed', async () => {
    const old = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as {
      model: Record<string, unknown>;
      session: { placement: Record<string, unknown> };
      settings: Record<string, unknown>;
    };
    delete old.model.macsPerImage;
    delete old.session.placement.nodes;
    delete old.session.placement.kernels;
    delete old.session.placement.graphNodes;
    old.settings.threads = { intraOp: 0, interOp: 1 };
    const file = path.join(dir, 'old-style.json');
    fs.writeFileSync(file, JSON.stringify(old));
    const r = await gcBench('compare', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`| ${formatMacs(tinyMacs(4))} | paper |`);
  });

  it('shows a short escaped preview, not raw bytes, when given a binary file', async () => {
    const png = path.join(dir, 'image.json');
    fs.writeFileSync(
      png,
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.alloc(2000, 0xff)]),
    );
    const r = await gcBench('compare', png);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`error[E_REPORT]: ${png}: this is a PNG image, not a JSON report`);
    const blob = path.join(dir, 'blob.json');
    const header = Buffer.from([0x01, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    fs.writeFileSync(blob, Buffer.concat([header, Buffer.alloc(2000, 0xff)]));
    const b = await gcBench('compare', blob);
    expect(b.code).toBe(1);
    const preview = '"\\x01PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\r' + '\\xff'.repeat(12) + '..."';
    expect(b.stderr.split('\n')[0]).toBe(`error[E_REPORT]: ${blob}: a binary file, not a JSON report (it starts ${preview})`);
    expect(b.stderr).toMatch(/^[\x20-\x7e\n]*$/);
    // nothing outside printable ASCII reaches the terminal
    expect(r.stderr).toMatch(/^[\x20-\x7e\n]*$/);
    const text = path.join(dir, 'text.json');
    fs.writeFileSync(text, '{"schema": oops\u0007 and more text that goes on');
    const t = await gcBench('compare', text);
    expect(t.stderr.split('\n')[0]).toMatch(/^error\[E_REPORT\]: .*text\.json: not valid JSON( at character \d+)? \(it starts "\{\\"schema\\": oops\\x07 and mor\.\.\."\)$/);
  });

  it('refuses a report with a broken field, naming the file and the field', async () => {
    const bad = path.join(dir, 'bad.json');
    const json = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { latencyMs: Record<string, unknown> };
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

  it('refuses zero timed runs as a bad argument with a hint, not an internal error', async () => {
    const r = await gcBench('latency', compressed, '--device', 'cpu', '--min-iterations', '0', '--min-duration', '0');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toEqual([
      "error[E_ARGS]: --min-iterations '0': expected an integer >= 1",
      '  hint: at least one timed run is needed; for a quick check: --min-iterations 1 --min-duration 0',
      '',
    ]);
  });

  it.each([
    ['--min-duration', 'ten', "--min-duration 'ten': expected a number >= 0"],
    ['--warmup', '2.5', "--warmup '2.5': expected an integer >= 0"],
    ['--threads', '-1', "--threads '-1': expected an integer >= 0"],
    ['--batch', 'x2', "--batch 'x2': expected an integer >= 1"],
    ['--cv-threshold', '10%', "--cv-threshold '10%': expected a number >= 0"],
    ['--max-iterations', '0', "--max-iterations '0': expected an integer >= 1"],
  ])('quotes a bad %s argument instead of saying NaN', async (flag, value, message) => {
    const r = await gcBench('latency', compressed, '--device', 'cpu', flag, value);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error[E_ARGS]: ${message}`);
    expect(r.stderr).not.toMatch(/NaN/);
  });

  it('refuses zero timed runs from the library too', async () => {
    await expect(
      runLatency({ model: compressed, device: 'cpu', warmupRuns: 0, warmupSeconds: 0, minIterations: 0, minDurationS: 0 }),
    ).rejects.toMatchObject({
      code: 'E_ARGS',
      message: '--min-iterations 0: expected an integer >= 1',
    });
  });

  it('labels each stage in the progress, and resolves onnxruntime default threads to a real count', async () => {
    const labels: string[] = [];
    const r = await runLatency({
      model: compressed,
      device: 'cpu',
      warmupRuns: 2,
      warmupSeconds: 0,
      minIterations: 3,
      minDurationS: 0,
      onProgress: (_f, label) => labels.push(label),
    });
    const stages = [...new Set(labels.map((l) => l.split(':')[0]))];
    expect(stages).toEqual([
      'reading the model',
      'creating the session (cpu)',
      'first inference (profiled, for placement)',
      'warm-up',
      'timed',
    ]);
    expect(labels.filter((l) => l.startsWith('warm-up:'))).toEqual([expect.stringMatching(/^warm-up: 1 runs, /), expect.stringMatching(/^warm-up: 2 runs, /)]);
    // the cpu profile asks 0 (onnxruntime's default: one thread per physical core)
    const cores = countCores();
    expect(r.settings.threads).toMatchObject({ intraOp: cores.physical, requested: { intraOp: 0, interOp: 1 } });
    expect(r.settings.threads.intraOp).toBeGreaterThan(0);
    expect(r.settings.threads.note).toMatch(/^0 asked = onnxruntime's default, one per physical core: \d+ here of \d+ logical CPUs/);
  });

  it('refuses an unknown device profile, listing the known ones', async () => {
    const r = await gcBench('latency', compressed, '--device', 'tpu');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^error\[E_DEVICE\]: unknown device profile "tpu"\. Should be one of: auto, cpu, desktop-cuda, jetson-agx-xavier, /);
  });
});
