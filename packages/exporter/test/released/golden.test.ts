/**
 * Golden: every case of test/fixtures/gan-compression/released/cases.json — models as upstream
 * publishes them (sub-network checkpoints, the GauGAN teacher with and without spectral norm), named
 * by upstream's --netG names — through the whole export pipeline (subnet.json -> weights form ->
 * graph), evaluated by the float64 reference interpreter and by onnxruntime on the encoded model,
 * within the manifest's tolerance.
 */
import * as path from 'node:path';
import { encodeModel, maxAbsDiff } from '@gc-edge/core';
import { exportSubnet, type ExportResult } from '../../src/export';
import { runReference } from '../../src/reference';
import { parseSubnetSpec } from '../../src/subnet/parse';
import { runOnnxRuntimeBytes } from '../spade/helpers';
import { loadFloatNpy, loadReleasedManifest, RELEASED_FIXTURES, releasedRows, subnetJsonFor } from './helpers';

const manifest = loadReleasedManifest();
const tolerance = manifest.tolerance.maxAbs;

function exportCase(json: Record<string, unknown>): ExportResult {
  return exportSubnet(parseSubnetSpec(json, path.join(RELEASED_FIXTURES, 'subnet.json')));
}

describe.each(releasedRows(manifest))('$c.architecture from $file', ({ c, file }) => {
  const input = loadFloatNpy(c.input);
  const expected = loadFloatNpy(c.expected);
  let exported: ExportResult;
  beforeAll(() => {
    exported = exportCase(subnetJsonFor(c, file, input.dims));
  });

  it('is read as the form upstream released it in: the sub-network of its config, or the full teacher', () => {
    const kind = c.config === null ? 'full' : 'subnet';
    expect(exported.summary.weightsKind).toBe(kind);
    expect(exported.model.metadata['weights_kind']).toBe(kind);
  });

  it('matches upstream in the float64 reference interpreter', () => {
    const out = runReference(exported.model.graph, { input: { dims: input.dims, data: Float64Array.from(input.data) } })['output']!;
    expect(out.dims).toEqual(expected.dims);
    expect(maxAbsDiff(out.data, expected.data)).toBeLessThanOrEqual(tolerance);
  });

  it('matches upstream on onnxruntime', async () => {
    const out = await runOnnxRuntimeBytes(exported.bytes, input.data, input.dims);
    expect(out.length).toBe(expected.data.length);
    expect(maxAbsDiff(out, expected.data)).toBeLessThanOrEqual(tolerance);
  });
});

describe('buffers inference does not use', () => {
  const multi = manifest.cases.filter((c) => typeof c.weights !== 'string');

  it.each(multi.map((c) => [c.architecture, c] as const))('%s: every weights format of one case exports the same graph', (_name, c) => {
    const input = loadFloatNpy(c.input);
    const graphs = Object.values(c.weights).map((file) => {
      const { model } = exportCase(subnetJsonFor(c, file, input.dims));
      return Buffer.from(encodeModel({ ...model, metadata: {} })); // metadata names the file and its sha256
    });
    expect(graphs.length).toBeGreaterThan(1);
    for (const g of graphs) expect(g.equals(graphs[0]!)).toBe(true);
  });
});
