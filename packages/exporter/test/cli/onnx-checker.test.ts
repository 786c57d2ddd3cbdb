/**
 * Every kind of model gc-export writes passes the ONNX reference checker with full shape inference
 * (Debian's python3-onnx; .ci/run installs it). Outside CI a machine without it skips with a note.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gcExport, tempDir, writeSubnet } from './helpers';

const PYTHON = '/usr/bin/python3';
const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
if (!hasOnnx && process.env['CI']) throw new Error('python3-onnx is required in CI (apt-get install python3-onnx)');
const maybe = hasOnnx ? it : it.skip;
if (!hasOnnx) console.warn('skipping the ONNX checker tests: /usr/bin/python3 cannot import onnx (apt-get install python3-onnx)');

const CHECK = `
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
inferred = onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
out = [o for o in inferred.graph.output][0]
print([d.dim_value or d.dim_param for d in out.type.tensor_type.shape.dim])
`;

const CASES: Array<[string, Record<string, unknown>, string[]]> = [
  [
    'mobile_resnet_9blocks, opset 13',
    { architecture: 'mobile_resnet_9blocks', config: '16_16_32_16_32_32_16_16', ngf: 32, input: { height: 64, width: 64 } },
    [],
  ],
  [
    'mobile_resnet_9blocks, 6-entry config, opset 11',
    { architecture: 'mobile_resnet_9blocks', config: '16_8_16_8_8_16', ngf: 16, input: { height: 64, width: 64 } },
    ['--opset', '11'],
  ],
  [
    'legacy_mobile_resnet_9blocks, opset 17, dynamic',
    { architecture: 'legacy_mobile_resnet_9blocks', config: '16_16_8_16_8_8', ngf: 16, input: { height: 64, width: 64 } },
    ['--opset', '17', '--dynamic'],
  ],
  ['resnet_9blocks, opset 13', { architecture: 'resnet_9blocks', ngf: 8, input: { height: 64, width: 64 } }, []],
  [
    'mobile_spade, opset 13',
    {
      architecture: 'mobile_spade',
      config: '8_8_8_8_8_8_8_8',
      ngf: 8,
      semanticChannels: 36,
      cropSize: 128,
      aspectRatio: 2,
      numUpsamplingLayers: 'more',
    },
    [],
  ],
  [
    'sub_mobile_spade sub-network, opset 13',
    {
      architecture: 'sub_mobile_spade',
      config: '4_8_6_4_8_6_4_8',
      ngf: 8,
      semanticChannels: 36,
      cropSize: 128,
      aspectRatio: 2,
      numUpsamplingLayers: 'more',
    },
    [],
  ],
  [
    'legacy_sub_mobile_resnet_9blocks sub-network, opset 13',
    { architecture: 'legacy_sub_mobile_resnet_9blocks', config: '24_24_24_32_20_16', input: { height: 64, width: 64 } },
    [],
  ],
  [
    'spade (the GauGAN teacher), opset 13',
    { architecture: 'spade', ngf: 4, semanticChannels: 11, cropSize: 64, numUpsamplingLayers: 'normal' },
    [],
  ],
  [
    'mobile_resnet_9blocks in fp16, opset 13',
    { architecture: 'mobile_resnet_9blocks', config: '16_16_32_16_32_32_16_16', ngf: 32, input: { height: 64, width: 64 } },
    ['--precision', 'fp16'],
  ],
  [
    'mobile_spade in fp16 with float16 inputs and outputs, opset 13, dynamic',
    { architecture: 'mobile_spade', config: '8_8_8_8_8_8_8_8', ngf: 8, semanticChannels: 36, cropSize: 128, numUpsamplingLayers: 'more' },
    ['--precision', 'fp16', '--io', 'fp16', '--dynamic'],
  ],
  [
    'spade (the GauGAN teacher) in fp16, opset 17',
    { architecture: 'spade', ngf: 4, semanticChannels: 11, cropSize: 64, numUpsamplingLayers: 'normal' },
    ['--precision', 'fp16', '--opset', '17'],
  ],
];

describe('ONNX reference checker', () => {
  for (const [name, json, flags] of CASES) {
    maybe(`accepts ${name} with full shape inference`, () => {
      const dir = tempDir();
      const out = path.join(dir, 'model.onnx');
      const r = gcExport([writeSubnet(dir, json), '--random-init', '1', '-o', out, '-q', ...flags]);
      expect(r.stderr).toBe('');
      expect(fs.existsSync(out)).toBe(true);
      const check = spawnSync(PYTHON, ['-c', CHECK, out], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
      expect(check.stdout.trim()).toMatch(/^\[/);
    });
  }
});
