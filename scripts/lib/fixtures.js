'use strict';
// Paths of the vendored benchmark material (test/fixtures/README.md says what each file is).
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures');
module.exports = {
  root,
  /** The horse2zebra subnet: config 16_16_32_16_32_32_16_16 of a ngf-32 supernet, 256x256. */
  benchSubnet: path.join(root, 'examples', 'cyclegan-horse2zebra', 'subnet.json'),
  /** The same subnet from torch.onnx.export (opset 13): the CPU latency baseline. */
  baselineOnnx: path.join(fixtures, 'bench', 'cyclegan-compressed', 'baseline-torch-export.onnx'),
  /** Real 256x256 photos of the golden image pipeline. */
  images: path.join(fixtures, 'gan-compression', 'images'),
};
