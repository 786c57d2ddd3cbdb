/**
 * gc-serve serves fp16 exports (gc-export --precision fp16): one with float32 inputs and outputs
 * as it is, one with float16 ones (--io fp16) through the session's float16 conversion; clients
 * speak FP32 to both, and both answer close to the float32 export of the same model.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { compareTensors } from '@gc-edge/core';
import { exportSubnet, loadSubnetSpec, VERIFY_CRITERIA } from '@gc-edge/exporter';
import { EXAMPLES } from '../../../../test/support/fixtures';
import { type Running, startServer, tempDir, writeModel } from './helpers';

const EDGES = readFileSync(path.join(EXAMPLES, 'edges2shapes', 'edges-0.png'));
/** fp16's verify criterion allows 0.06 in [-1, 1]: 7.65 levels of 255. */
const MAX_LEVELS = 8;

async function generate(url: string, model: string): Promise<Buffer> {
  const r = await fetch(`${url}/v1/models/${model}/generate`, { method: 'POST', body: EDGES, headers: { 'content-type': 'image/png' } });
  expect(r.status).toBe(200);
  return (await sharp(Buffer.from(await r.arrayBuffer())).raw().toBuffer({ resolveWithObject: true })).data;
}

describe('gc-serve with fp16 exports', () => {
  let srv: Running;
  let cleanup: () => void;

  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const spec = loadSubnetSpec(path.join(EXAMPLES, 'edges2shapes', 'subnet.json'));
    writeModel(t.dir, 'fp32', exportSubnet(spec).bytes);
    writeModel(t.dir, 'fp16', exportSubnet(spec, { precision: 'fp16' }).bytes);
    writeModel(t.dir, 'fp16io', exportSubnet(spec, { precision: 'fp16', io: 'fp16' }).bytes);
    srv = await startServer({ target: t.dir, workers: 1 });
  });

  afterAll(async () => {
    await srv.stop();
    cleanup();
  });

  it.each(['fp16', 'fp16io'])('generate on the %s model answers the picture the fp32 model does, within fp16 rounding', async (name) => {
    const [reference, half] = await Promise.all([generate(srv.url, 'fp32'), generate(srv.url, name)]);
    expect(half.length).toBe(reference.length);
    let worst = 0;
    for (let i = 0; i < half.length; i++) worst = Math.max(worst, Math.abs(half[i]! - reference[i]!));
    expect(worst).toBeLessThanOrEqual(MAX_LEVELS);
  });

  it('--io fp16: the model takes and answers FP32 tensors on infer, and says FP32 in its metadata', async () => {
    type Meta = { inputs: { datatype: string }[]; outputs: { datatype: string }[] };
    const meta = (await (await fetch(`${srv.url}/v2/models/fp16io`)).json()) as Meta;
    expect(meta.inputs[0]!.datatype).toBe('FP32');
    expect(meta.outputs[0]!.datatype).toBe('FP32');
    // the example's picture as the tensor generate makes of it (NCHW, x / 127.5 - 1)
    const rgb = await sharp(EDGES).removeAlpha().raw().toBuffer();
    const plane = 128 * 128;
    const data = Array.from({ length: 3 * plane }, (_, i) => rgb[(i % plane) * 3 + Math.floor(i / plane)]! / 127.5 - 1);
    const infer = async (model: string): Promise<number[]> => {
      const r = await fetch(`${srv.url}/v2/models/${model}/infer`, {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128], data }] }),
        headers: { 'content-type': 'application/json' },
      });
      expect(r.status).toBe(200);
      const out = ((await r.json()) as { outputs: { datatype: string; data: number[] }[] }).outputs[0]!;
      expect(out.datatype).toBe('FP32');
      return out.data;
    };
    const [reference, half] = await Promise.all([infer('fp32'), infer('fp16io')]);
    const c = compareTensors(half, reference);
    expect(c.maxAbs).toBeGreaterThan(0); // float16 I/O really went through
    expect(c.psnrDb).toBeGreaterThanOrEqual(VERIFY_CRITERIA.fp16.minPsnrDb!);
  });
});
