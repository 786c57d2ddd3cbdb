/**
 * Where the vendored fixtures live (test/fixtures/README.md says what each file is and how it was
 * made). Every test reads them through these paths: a clone needs nothing beside it.
 */
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
export const GAN_COMPRESSION = path.join(FIXTURES, 'gan-compression');
export const RESNET_FIXTURES = path.join(GAN_COMPRESSION, 'resnet');
export const SPADE_FIXTURES = path.join(GAN_COMPRESSION, 'spade');
export const IMAGE_FIXTURES = path.join(GAN_COMPRESSION, 'images');
export const RELEASED_FIXTURES = path.join(GAN_COMPRESSION, 'released');
/** The horse2zebra subnet exported by torch.onnx.export (opset 13), the latency and MAC baseline. */
export const BASELINE_TORCH_EXPORT = path.join(FIXTURES, 'bench', 'cyclegan-compressed', 'baseline-torch-export.onnx');
/** The shipped examples (examples/<name>/subnet.json and what each README lists). */
export const EXAMPLES = path.join(REPO_ROOT, 'examples');
/** The shipped horse2zebra example: a ngf-32 supernet at the real width (random weights). */
export const HORSE2ZEBRA_SUPERNET = path.join(REPO_ROOT, 'examples', 'cyclegan-horse2zebra', 'supernet-ngf32.pth');
