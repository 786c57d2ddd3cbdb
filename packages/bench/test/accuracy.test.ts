/**
 * gc-bench accuracy on this machine's CPU with real exports: a planted divergence (one weight of one
 * conv perturbed in a copy of the edges2shapes export) is found and its node named by --bisect;
 * identical models pass the gate; a failing gate exits 3 after writing the reports; the reports
 * render (Markdown, JSON, HTML in headless Chromium); a folder of images feeds the photo pipeline.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeModel, encodeModel, type Model } from '@gc-edge/core';
import { exportSubnet, loadSubnetSpec } from '@gc-edge/exporter';
import { main, runAccuracy, type AccuracyReport } from '@gc-edge/bench';
import { syntheticSamples } from '../src/accuracy/inputs';
import { inspectCharts, withChromium } from './browser';

const EDGES2SHAPES = path.resolve(__dirname, '..', '..', '..', 'examples', 'edges2shapes');

async function gcBench(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** A copy of `model` with one weight of the `index`-th Conv moved by `delta`; returns the conv's name. */
function perturbConv(model: Model, index: number, delta: number): { model: Model; node: string } {
  const conv = model.graph.nodes.filter((n) => n.opType === 'Conv')[index]!;
  const w = model.graph.initializers.get(conv.inputs[1]!)!;
  if (w.dataType !== 'float32') throw new Error('expected a float32 weight');
  const data = Float32Array.from(w.data);
  data[0] = data[0]! + delta;
  const initializers = new Map(model.graph.initializers);
  initializers.set(conv.inputs[1]!, { ...w, data });
  return { model: { ...model, graph: { ...model.graph, initializers } }, node: conv.name };
}

let dir: string;
let exported: string;
let same: string;
let perturbed: string;
let perturbedNode: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-accuracy-'));
  const bytes = exportSubnet(loadSubnetSpec(path.join(EDGES2SHAPES, 'subnet.json'))).bytes;
  exported = path.join(dir, 'edges2shapes.onnx');
  fs.writeFileSync(exported, bytes);
  same = path.join(dir, 'same.onnx');
  fs.writeFileSync(same, bytes);
  // a conv in the middle of the network: its upstream nodes must compare equal, it must not
  const planted = perturbConv(decodeModel(bytes), 5, 0.5);
  perturbed = path.join(dir, 'perturbed.onnx');
  fs.writeFileSync(perturbed, encodeModel(planted.model));
  perturbedNode = planted.node;
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('gc-bench accuracy', () => {
  it('finds a planted divergence (one perturbed conv weight) and names its node', async () => {
    const r = await runAccuracy({ reference: exported, candidate: perturbed, bisect: true });
    expect(r.summary[0]!.maxAbs).toBeGreaterThan(1e-2);
    const b = r.bisect!;
    expect(b.firstDivergent?.node).toBe(perturbedNode);
    expect(b.firstDivergent?.opType).toBe('Conv');
    const at = b.nodes.findIndex((n) => n.node === perturbedNode);
    expect(at).toBeGreaterThan(0);
    // everything before it in topological order compares equal
    expect(b.nodes.slice(0, at).every((n) => !n.diverged && n.maxAbs === 0)).toBe(true);
  });

  it('passes identical models: zero error, infinite PSNR, no divergent node', async () => {
    const r = await runAccuracy({ reference: exported, candidate: same, bisect: true, maxAbs: 0, minPsnrDb: 100, samples: 2 });
    expect(r.samples).toHaveLength(2);
    expect(r.summary[0]!.maxAbs).toBe(0);
    expect(r.summary[0]!.minPsnrDb).toBe(Infinity);
    expect(r.gate.passed).toBe(true);
    expect(r.bisect?.firstDivergent).toBeNull();
    expect(r.bisect?.nodes.length).toBe(r.bisect?.shared);
  });

  it('exits 3 (E_ACCURACY) when the gate fails, after writing every report', async () => {
    const json = path.join(dir, 'gate.json');
    const md = path.join(dir, 'gate.md');
    const html = path.join(dir, 'gate.html');
    const reports = ['--json', json, '--markdown', md, '--html', html];
    const res = await gcBench('accuracy', exported, perturbed, '--max-abs', '1e-3', '--bisect', ...reports);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('error[E_ACCURACY]');
    expect(res.stderr).toContain('> --max-abs 0.001');
    expect(res.stdout).toContain(`first divergent node: ${perturbedNode} (Conv)`);
    const report = JSON.parse(fs.readFileSync(json, 'utf8')) as AccuracyReport;
    expect(report.schema).toBe('gc-bench/accuracy-report@1');
    expect(report.gate.passed).toBe(false);
    expect(report.bisect?.firstDivergent?.node).toBe(perturbedNode);
    const markdown = fs.readFileSync(md, 'utf8');
    expect(markdown).toContain('| gate | FAIL (max abs <= 0.001)');
    expect(markdown).toMatch(new RegExp(`\\| ${perturbedNode.replace(/\./g, '\\.')} \\| Conv \\| .* \\| diverged \\|`));
    await withChromium(async (browser) => {
      const check = await inspectCharts(browser, html);
      expect(check.errors).toEqual([]);
      expect(check.requests).toEqual([]);
      expect(check.ids).toEqual(['bisect-errors']);
      expect(check.painted['bisect-errors']).toBeGreaterThan(0);
    });
  });

  it('exits 0 with a passing gate, and writes infinite PSNR as "Infinity" in JSON', async () => {
    const res = await gcBench('accuracy', exported, same, '--max-abs', '0', '--min-psnr', '60', '--json');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { summary: { minPsnrDb: unknown }[]; gate: { passed: boolean } };
    expect(report.gate.passed).toBe(true);
    expect(report.summary[0]!.minPsnrDb).toBe('Infinity');
  });

  it('feeds every image of a folder through the photo pipeline', async () => {
    const images = fs.readdirSync(EDGES2SHAPES).filter((f) => f.endsWith('.png'));
    const r = await runAccuracy({ reference: exported, candidate: perturbed, inputs: EDGES2SHAPES });
    expect(r.samples.map((s) => path.basename(s.input))).toEqual(images.sort());
    expect(r.samples.every((s) => s.outputs[0]!.maxAbs > 0)).toBe(true);
  });

  it('refuses one model on one device (it would be compared with itself)', async () => {
    const res = await gcBench('accuracy', exported, '--device', 'cpu', '--against', 'cpu');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('error[E_ARGS]: one model on one device (cpu) would be compared with itself');
  });
});

describe('synthetic accuracy inputs', () => {
  it('draws a label map one-hot over the classes, with the instance-edge channel the contract declares', () => {
    const declared = {
      name: 'label',
      kind: 'label_map' as const,
      channels: 5,
      preprocess: 'one_hot' as const,
      size: { multiple: 1, min: 1 },
      instanceEdge: true,
    };
    const input = { name: 'label', elemType: 'float32' as const, shape: [1, 5, 16, 16] };
    const [a, b] = syntheticSamples([input], [declared], new Map([['label', [1, 5, 16, 16]]]), 2, 7);
    const t = a!.feeds['label']!;
    expect(t.dims).toEqual([1, 5, 16, 16]);
    const plane = 16 * 16;
    for (let p = 0; p < plane; p++) {
      // exactly one of the 4 class channels is set; the 5th holds the instance edges (0 or 1)
      const classes = [0, 1, 2, 3].map((c) => t.data[c * plane + p]!);
      expect(classes.reduce((s, v) => s + v, 0)).toBe(1);
      expect([0, 1]).toContain(t.data[4 * plane + p]);
    }
    expect(a!.input).toBe('synthetic #1 (seed 7)');
    expect(b!.feeds['label']!.data).not.toEqual(t.data);
  });
});
