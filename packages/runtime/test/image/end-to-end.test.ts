/**
 * The parts as the daemon and `gc-bench --end-to-end` compose them: an example photo, cropped to
 * the compressed CycleGAN baseline's 256x256 input, run in a worker, encoded per Accept.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { negotiateImageFormat } from '../../src/image/accept';
import { encodeOutput } from '../../src/image/postprocess';
import { preprocessImage } from '../../src/image/preprocess';
import { startWorker } from '../../src/worker/thread-handle';
import { BASELINE_CYCLEGAN, CPU_ONLY } from '../support/session-fixtures';

const HORSE = path.resolve(__dirname, '../../../../examples/images/horse.png');

it('turns an example photo into a 256x256 generated image through a worker', async () => {
  const worker = startWorker(BASELINE_CYCLEGAN, CPU_ONLY, { warmup: false, profiling: false });
  try {
    const ready = await worker.ready;
    const [, , height, width] = ready.info.inputs[0]!.shape as number[];
    const { tensor } = await preprocessImage(fs.readFileSync(HORSE), { width, height, policy: 'crop' });
    const { outputs } = await worker.run({ [ready.info.inputs[0]!.name]: tensor });
    const format = negotiateImageFormat('image/webp,image/*;q=0.8')!;
    const img = await encodeOutput(outputs[ready.info.outputs[0]!.name]!, { format });
    const meta = await sharp(img.data).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['webp', 256, 256, 3]);
  } finally {
    await worker.terminate();
  }
});
