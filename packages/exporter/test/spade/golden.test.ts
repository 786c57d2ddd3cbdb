/**
 * Golden: every case of test/fixtures/gan-compression/spade/cases.json (outputs of upstream's
 * SubMobileSPADEGenerator under PyTorch) through the mobile_spade graph, with the supernet read from
 * the .pth and from a safetensors copy, evaluated by the float64 reference interpreter and by
 * onnxruntime-node on the encoded model. Tolerance from cases.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runReference } from '../../src/reference';
import type { StateDict } from '@gc-edge/core';
import { loadStateDict } from '../../src/weights';
import {
  buildSpadeGraph,
  caseSpec,
  loadFloatNpy,
  loadSpadeCases,
  maxAbsDiff,
  runOnnxRuntime,
  SPADE_FIXTURES,
  writeSafetensors,
} from './helpers';

const { tolerance, cases } = loadSpadeCases();

const formats: Record<string, () => StateDict> = {
  pth: () => loadStateDict(path.join(SPADE_FIXTURES, cases[0]!.weights.pth)),
  safetensors: () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-spade-'));
    try {
      const file = path.join(dir, 'supernet.safetensors');
      fs.writeFileSync(file, writeSafetensors(loadStateDict(path.join(SPADE_FIXTURES, cases[0]!.weights.pth))));
      return loadStateDict(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

it('the safetensors copy written by the test reads back as the same tensors as the .pth', () => {
  const pth = formats['pth']!();
  const copy = formats['safetensors']!();
  expect([...copy.keys()]).toEqual([...pth.keys()]);
  for (const [k, t] of pth) {
    expect(copy.get(k)!.shape).toEqual(t.shape);
    expect(maxAbsDiff(copy.get(k)!.data, t.data)).toBe(0);
  }
});

describe.each(Object.keys(formats))('mobile_spade golden cases, %s weights', (format) => {
  let weights: StateDict;
  beforeAll(() => {
    weights = formats[format]!();
  });

  describe.each(cases.map((c) => [c.config, c] as const))('config %s', (_config, c) => {
    const input = loadFloatNpy(c.input);
    const expected = loadFloatNpy(c.expected);

    it('the float64 reference matches upstream within the tolerance', () => {
      const spec = caseSpec(c, null);
      expect([...input.shape]).toEqual([spec.input.batch, spec.input.channels, spec.input.height, spec.input.width]);
      const graph = buildSpadeGraph(spec, weights);
      const out = runReference(graph, { input: { dims: input.shape, data: Float64Array.from(input.data) } })['output']!;
      expect(out.dims).toEqual(expected.shape);
      const diff = maxAbsDiff(out.data, expected.data);
      console.log(`mobile_spade ${c.config} ${format} reference: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(tolerance.maxAbs);
    });

    it('onnxruntime on the encoded model matches upstream within the tolerance', async () => {
      const spec = caseSpec(c, null);
      const out = await runOnnxRuntime(buildSpadeGraph(spec, weights), input.data, input.shape);
      const diff = maxAbsDiff(out, expected.data);
      console.log(`mobile_spade ${c.config} ${format} onnxruntime: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(tolerance.maxAbs);
    });
  });
});
