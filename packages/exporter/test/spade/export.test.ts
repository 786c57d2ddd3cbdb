/**
 * mobile_spade through the whole export pipeline (subnet.json -> weights -> checks -> graph ->
 * metadata -> bytes), in the variants the graph changes with: --dynamic and the oldest opset.
 */
import * as path from 'node:path';
import { decodeModel } from '@gc-edge/core';
import { exportSubnet } from '../../src/export';
import { parseSubnetSpec } from '../../src/subnet/parse';
import { loadFloatNpy, loadSpadeCases, maxAbsDiff, runOnnxRuntimeBytes, SPADE_FIXTURES } from './helpers';

const { tolerance, cases } = loadSpadeCases();
const c = cases[cases.length - 1]!;

function spec(): ReturnType<typeof parseSubnetSpec> {
  const { architecture, config, ngf, semanticChannels, cropSize, aspectRatio, numUpsamplingLayers } = c;
  const json = { architecture, config, ngf, semanticChannels, cropSize, aspectRatio, numUpsamplingLayers, weights: c.weights.pth };
  return parseSubnetSpec(json, path.join(SPADE_FIXTURES, 'subnet.json'));
}

describe(`gc-export of mobile_spade ${c.config}`, () => {
  const input = loadFloatNpy(c.input);
  const expected = loadFloatNpy(c.expected);

  it.each([
    ['static, opset 13', { opset: 13 }],
    ['--dynamic, opset 11', { opset: 11, dynamic: true }],
  ])('%s: the encoded model matches upstream on onnxruntime', async (_name, options) => {
    const result = exportSubnet(spec(), options);
    const model = decodeModel(result.bytes);
    expect(model.metadata).toMatchObject({
      architecture: 'mobile_spade',
      config: c.config,
      ngf: '8',
      semanticChannels: '36',
      numUpsamplingLayers: 'more',
    });
    const out = await runOnnxRuntimeBytes(result.bytes, input.data, input.shape);
    const diff = maxAbsDiff(out, expected.data);
    console.log(`gc-export mobile_spade ${c.config} ${_name}: max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(tolerance.maxAbs);
  });

  it('every initializer is used and node names say where they come from', () => {
    const { graph } = exportSubnet(spec()).model;
    const read = new Set(graph.nodes.flatMap((n) => n.inputs));
    expect([...graph.initializers.keys()].filter((k) => !read.has(k))).toEqual([]);
    const names = graph.nodes.map((n) => n.name);
    expect(names).toEqual(
      expect.arrayContaining(['fc', 'head_0.norm_0.param_free_norm', 'up_0.conv_s', 'up_3.norm_1.mlp_beta.conv.1', 'conv_img']),
    );
  });
});
