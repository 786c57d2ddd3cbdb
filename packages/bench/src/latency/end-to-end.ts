/**
 * `--end-to-end`: the image pipeline around the model, timed per stage with the runtime's own
 * pipeline (the one gc-serve uses): decode (sharp: decode, EXIF orientation, resize to the model
 * input), preprocess (RGB bytes -> NCHW float32 in [-1, 1]), inference, postprocess (NCHW -> RGB
 * bytes), encode (PNG).
 */
import * as fs from 'node:fs';
import { GcError } from '@gc-edge/core';
import { encodeRgb, preprocessImage, rgbToTensor, tensorToRgb, type FloatTensor, type GcSession } from '@gc-edge/runtime';
import type { EndToEndResult, PipelineStage } from '../report/types';
import { PIPELINE_STAGES } from '../report/types';
import { measure, warmUp, type MeasureOptions } from './measure';
import { fps, summarize } from './stats';

/** A smooth RGB gradient PNG of the model's input size (when no --image is given). */
async function syntheticImage(width: number, height: number): Promise<Uint8Array> {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((x / Math.max(1, width - 1)) * 255);
      data[i + 1] = Math.round((y / Math.max(1, height - 1)) * 255);
      data[i + 2] = (x * 7 + y * 13) % 256;
    }
  }
  return (await encodeRgb({ data, width, height }, { format: 'png' })).data;
}

interface EndToEndOptions extends MeasureOptions {
  readonly image?: string;
}

export async function measureEndToEnd(
  session: GcSession,
  inputName: string,
  shape: readonly number[],
  options: EndToEndOptions,
): Promise<EndToEndResult> {
  if (shape.length !== 4 || shape[0] !== 1 || shape[1] !== 3) {
    throw new GcError('E_ARGS', `--end-to-end needs an image model input [1, 3, H, W]; '${inputName}' is [${shape.join(', ')}]`, {
      hint: 'run without --end-to-end, or with --batch 1',
    });
  }
  const [height, width] = [shape[2]!, shape[3]!];
  let bytes: Uint8Array;
  if (options.image) {
    try {
      bytes = fs.readFileSync(options.image);
    } catch (e) {
      throw new GcError('E_ARGS', `--image ${options.image}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
        cause: e,
      });
    }
  } else {
    bytes = await syntheticImage(width, height);
  }
  const stageSamples: Record<PipelineStage, number[]> = { decode: [], preprocess: [], inference: [], postprocess: [], encode: [] };
  let rgbForPreprocess: ReturnType<typeof tensorToRgb> | undefined;
  // Warm-up runs are discarded by `measure`; record only timed runs.
  let recording = false;
  const timed = async (): Promise<void> => {
    const t0 = performance.now();
    const pre = await preprocessImage(bytes, { width, height, policy: 'resize' });
    const t1 = performance.now();
    // preprocessImage decodes and converts in one call: time the conversion alone to split them
    rgbForPreprocess ??= tensorToRgb(pre.tensor);
    const c0 = performance.now();
    rgbToTensor(rgbForPreprocess);
    const convertMs = performance.now() - c0;
    const t2 = performance.now();
    const out = await session.run({ [inputName]: pre.tensor });
    const t3 = performance.now();
    const rgb = tensorToRgb(Object.values(out)[0] as FloatTensor);
    const t4 = performance.now();
    await encodeRgb(rgb, { format: 'png' });
    const t5 = performance.now();
    if (!recording) return;
    stageSamples.decode.push(Math.max(0, t1 - t0 - convertMs));
    stageSamples.preprocess.push(convertMs);
    stageSamples.inference.push(t3 - t2);
    stageSamples.postprocess.push(t4 - t3);
    stageSamples.encode.push(t5 - t4);
  };
  await warmUp(timed, options);
  recording = true;
  const m = await measure(timed, { ...options, warmupRuns: 0, warmupSeconds: 0 });
  const totals = m.samplesMs.map((_, i) => PIPELINE_STAGES.reduce((s, st) => s + stageSamples[st][i]!, 0));
  const stagesMs = Object.fromEntries(PIPELINE_STAGES.map((st) => [st, summarize(stageSamples[st])])) as EndToEndResult['stagesMs'];
  const totalMs = summarize(totals);
  return {
    image: options.image ?? `synthetic ${width}x${height} PNG`,
    iterations: m.samplesMs.length,
    stagesMs,
    totalMs,
    fps: fps(1, totalMs.mean),
  };
}
