/**
 * Every case of the upstream ResNet fixtures, with every weights format: the graph our architecture
 * builds must reproduce upstream's sub-generator output, both in the float64 reference interpreter
 * and on onnxruntime, within the manifest's tolerance.
 */
import {
  buildGraph,
  loadFloatNpy,
  loadManifest,
  maxAbsDiff,
  RESNET_FIXTURES,
  runOnnxruntime,
  runReferenceF32,
  specFor,
  weightsFor,
} from './resnet-fixtures';

const manifest = loadManifest();
const tolerance = manifest.tolerance.maxAbs;
const rows = manifest.cases.flatMap((c) => Object.entries(c.weights).map(([format, file]) => ({ c, format, file })));

describe.each(rows)('$c.architecture $c.config from $format weights', ({ c, file }) => {
  const input = loadFloatNpy(RESNET_FIXTURES, c.input);
  const expected = loadFloatNpy(RESNET_FIXTURES, c.expected);
  const graph = () => buildGraph(specFor(c, input.dims), weightsFor(RESNET_FIXTURES, file));

  it('matches upstream in the float64 reference interpreter', () => {
    const out = runReferenceF32(graph(), input.dims, input.data);
    expect(out.length).toBe(expected.data.length);
    expect(maxAbsDiff(out, expected.data)).toBeLessThanOrEqual(tolerance);
  });

  it('matches upstream on onnxruntime', async () => {
    const out = await runOnnxruntime(graph(), 13, input.dims, input.data);
    expect(out.length).toBe(expected.data.length);
    expect(maxAbsDiff(out, expected.data)).toBeLessThanOrEqual(tolerance);
  });
});
