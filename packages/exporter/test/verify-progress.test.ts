/** --verify reports how far it is (the float64 reference takes minutes on GauGAN): node by node, to 1. */
import * as path from 'node:path';
import { exportSubnet, parseSubnetSpec, verifyModel } from '@gc-edge/exporter';
import { RESNET_FIXTURES } from '../../../test/support/fixtures';

it('reports the reference run node by node, rising to 1, with what it is doing', async () => {
  const spec = parseSubnetSpec(
    {
      architecture: 'mobile_resnet_9blocks',
      config: '8_8_16_8_16_16_8_8',
      weights: path.join(RESNET_FIXTURES, 'supernet.pth'),
      input: { batch: 1, channels: 3, height: 32, width: 32 },
    },
    'subnet.json',
  );
  const { model, bytes } = exportSubnet(spec);
  const seen: [number, string][] = [];
  const result = await verifyModel(model, bytes, 0, (f, label) => seen.push([f, label]));
  expect(result.ok).toBe(true);
  const n = model.graph.nodes.length;
  expect(seen[0]).toEqual([0, 'verify: running on onnxruntime']);
  expect(seen).toHaveLength(n + 1);
  expect(seen[n]![0]).toBe(1);
  expect(seen[n]![1]).toBe(`verify: float64 reference, node ${n} of ${n} (${model.graph.nodes[n - 1]!.name})`);
  for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThan(seen[i - 1]![0]);
});
