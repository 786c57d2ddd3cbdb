import sharp from 'sharp';
import { cropTensor } from '../../src/image/crop';
import { encodeOutput } from '../../src/image/postprocess';
import { tensorToRgb } from '../../src/image/tensor';
import type { FloatTensor } from '../../src/session/types';
import { allAnswered, makeAnswers } from '../../src/worker/answer';
import { startWorker } from '../../src/worker/thread-handle';
import { transferable } from '../../src/worker/protocol';
import type { InferenceWorker } from '../../src/worker/types';
import { CPU_ONLY, tanhModel } from '../support/session-fixtures';

/** A [n, 3, h, w] tensor of values spread over [-1.2, 1.2] (some clip). */
function images(n: number, h: number, w: number, seed = 1): FloatTensor {
  const data = Float32Array.from({ length: n * 3 * h * w }, (_, i) => Math.sin(i * 0.37 + seed) * 1.2);
  return { data, dims: [n, 3, h, w] };
}

async function pixels(png: Uint8Array): Promise<Buffer> {
  return sharp(png, { failOn: 'warning' }).raw().toBuffer();
}

describe('makeAnswers', () => {
  it('makes the PNG the main thread would have made, and RGB bytes when no PNG is asked', async () => {
    const out = images(1, 5, 7);
    const [png, rgb] = [
      makeAnswers({ output: out }, { sizes: [1], specs: [{ output: 'output', pngLevel: 0 }] })[0],
      makeAnswers({ output: out }, { sizes: [1], specs: [{ output: 'output' }] })[0],
    ];
    expect(png).toMatchObject({ kind: 'png', width: 7, height: 5 });
    expect(rgb).toMatchObject({ kind: 'rgb', width: 7, height: 5 });
    if (png?.kind !== 'png' || rgb?.kind !== 'rgb') throw new Error('unreachable');
    expect(Buffer.from(png.data).equals((await encodeOutput(out, { pngCompressionLevel: 0 })).data)).toBe(true);
    expect(Array.from(rgb.data)).toEqual(Array.from(tensorToRgb(out).data));
    expect(png.ms).toBeGreaterThanOrEqual(0);
  });

  it('answers each request of a batch from its own rows, and only those that asked', async () => {
    const out = images(3, 4, 4);
    const answers = makeAnswers(
      { output: out },
      { sizes: [1, 1, 1], specs: [{ output: 'output', pngLevel: 1 }, undefined, { output: 'output' }] },
    );
    expect(answers[1]).toBeUndefined();
    const row = (i: number): FloatTensor => ({ data: out.data.subarray(i * 48, (i + 1) * 48), dims: [1, 3, 4, 4] });
    if (answers[0]?.kind !== 'png' || answers[2]?.kind !== 'rgb') throw new Error(`unexpected ${JSON.stringify(answers)}`);
    expect(Array.from(await pixels(answers[0].data))).toEqual(Array.from(tensorToRgb(row(0)).data));
    expect(Array.from(answers[2].data)).toEqual(Array.from(tensorToRgb(row(2)).data));
  });

  it('crops to the image region only when the output has the padded input size', () => {
    const out = images(1, 6, 8);
    const region = { top: 1, left: 2, height: 3, width: 4 };
    const [cropped] = makeAnswers({ output: out }, { sizes: [1], specs: [{ output: 'output', crop: { region, from: [6, 8] } }] });
    expect(cropped).toMatchObject({ kind: 'rgb', width: 4, height: 3 });
    if (cropped?.kind !== 'rgb') throw new Error('unreachable');
    expect(Array.from(cropped.data)).toEqual(Array.from(tensorToRgb(cropTensor(out, region)).data));
    const [kept] = makeAnswers({ output: out }, { sizes: [1], specs: [{ output: 'output', crop: { region, from: [12, 16] } }] });
    expect(kept).toMatchObject({ kind: 'rgb', width: 8, height: 6 });
  });

  it("turns a request's failure into its own error answer, not the run's", () => {
    const out = images(2, 2, 2);
    const answers = makeAnswers(
      { output: out, grey: { data: new Float32Array(8), dims: [2, 1, 2, 2] } },
      { sizes: [1, 1], specs: [{ output: 'missing' }, { output: 'grey' }] },
    );
    expect(answers[0]).toEqual({ kind: 'error', error: { code: 'E_INTERNAL', message: "the model returned no output 'missing'" } });
    expect(answers[1]).toMatchObject({
      kind: 'error',
      error: { code: 'E_IMAGE', message: expect.stringContaining('dims [1, 1, 2, 2] are not one RGB image') },
    });
  });

  it('allAnswered: only when every request asked', () => {
    expect(allAnswered(undefined)).toBe(false);
    expect(allAnswered({ sizes: [1, 1], specs: [{ output: 'o' }, undefined] })).toBe(false);
    expect(allAnswered({ sizes: [1, 1], specs: [{ output: 'o' }, { output: 'o' }] })).toBe(true);
  });
});

describe('transferable', () => {
  it("copies a view (a small PNG sits in Node's shared Buffer pool) and keeps a whole buffer as it is", () => {
    const small = Buffer.from('tiny png bytes');
    expect(small.byteLength).toBeLessThan(small.buffer.byteLength); // pooled
    const copy = transferable(small);
    expect(copy.buffer).not.toBe(small.buffer);
    expect([copy.byteOffset, copy.byteLength, copy.buffer.byteLength]).toEqual([0, small.length, small.length]);
    expect(Buffer.from(copy).equals(small)).toBe(true);
    const whole = new Uint8Array(64);
    expect(transferable(whole)).toBe(whole);
  });
});

describe('answers made in a worker thread', () => {
  let w: InferenceWorker | undefined;
  afterEach(async () => {
    await w?.terminate();
    w = undefined;
  });

  it('brings back the PNG instead of the floats, and the floats when a request of the run did not ask', async () => {
    w = startWorker(tanhModel(1.5, [2, 3, 4, 4]), CPU_ONLY, { warmup: false, profiling: false });
    await w.ready;
    const input = images(2, 4, 4, 3);
    const plain = await w.run({ input: { data: input.data.slice(), dims: input.dims } });
    const answered = await w.run({ input: { data: input.data.slice(), dims: input.dims } }, {
      sizes: [1, 1],
      specs: [{ output: 'output', pngLevel: 0 }, { output: 'output', pngLevel: 0 }],
    });
    expect(answered.outputs).toEqual({});
    const out = plain.outputs['output']!;
    for (const i of [0, 1]) {
      const a = answered.answers?.[i];
      if (a?.kind !== 'png') throw new Error(`answer ${i}: ${JSON.stringify(a)}`);
      const row = { data: out.data.subarray(i * 48, (i + 1) * 48), dims: [1, 3, 4, 4] };
      expect(Array.from(await pixels(a.data))).toEqual(Array.from(tensorToRgb(row).data));
    }
    const mixed = await w.run(
      { input: { data: input.data.slice(), dims: input.dims } },
      { sizes: [1, 1], specs: [undefined, { output: 'output' }] },
    );
    expect(Array.from(mixed.outputs['output']!.data)).toEqual(Array.from(out.data));
    expect(mixed.answers?.[0]).toBeUndefined();
    expect(mixed.answers?.[1]).toMatchObject({ kind: 'rgb', width: 4, height: 4 });
  });
});
