#!/usr/bin/env node
// CPU latency and accuracy of the horse2zebra subnet (examples/cyclegan-horse2zebra) in fp32, fp16
// (gc-export --precision fp16) and int8 (the experimental static QDQ pass, precision/int8-qdq.ts,
// calibrated on the photos of examples/images): three sessions in this process
// on onnxruntime-node (CPU, 2 threads, all optimisations), runs of the same input alternating
// between them, so machine noise hits all alike; latency as the ratio of medians to fp32, accuracy
// as PSNR (and max abs error) against the fp32 output on a photo calibration did not see
// (test/fixtures/gan-compression/images/in-horse2zebra-0.png).
//   node scripts/bench-precision.js [--rounds 30]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');
const sharp = require('sharp');
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');
const { benchSubnet, images, root } = require('./lib/fixtures');

const CALIBRATION = path.join(root, 'examples', 'images');

const exporter = require(path.join(root, 'packages', 'exporter', 'dist'));
const int8 = require(path.join(root, 'packages', 'exporter', 'dist', 'precision', 'int8-qdq'));
const core = require(path.join(root, 'packages', 'core', 'dist'));
const rounds = Number(arg('rounds', 30));

/** A 256x256 photo as the [1,3,256,256] tensor generate makes of it (x / 127.5 - 1). */
async function photo(file) {
  const rgb = await sharp(file).removeAlpha().resize(256, 256).raw().toBuffer();
  const plane = 256 * 256;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < data.length; i++) data[i] = rgb[(i % plane) * 3 + Math.floor(i / plane)] / 127.5 - 1;
  return { dims: [1, 3, 256, 256], data };
}

async function main() {
  const spec = exporter.loadSubnetSpec(benchSubnet);
  const fp32 = exporter.exportSubnet(spec);
  const fp16 = exporter.exportSubnet(spec, { precision: 'fp16' });
  const photos = fs.readdirSync(CALIBRATION).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
  const calibration = await Promise.all(photos.map((f) => photo(path.join(CALIBRATION, f))));
  const probe = await photo(path.join(images, 'in-horse2zebra-0.png'));
  const ranges = await int8.calibrate(fp32.model.graph, (g) => core.encodeModel({ ...fp32.model, graph: g }), calibration);
  const q = int8.toInt8Qdq(fp32.model.graph, ranges);
  const int8Bytes = core.encodeModel({ ...fp32.model, graph: q.graph });
  const options = { executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const models = [
    { name: 'fp32', bytes: fp32.bytes },
    { name: 'fp16', bytes: fp16.bytes },
    { name: 'int8', bytes: int8Bytes },
  ];
  for (const m of models) {
    m.session = await ort.InferenceSession.create(m.bytes, options);
    m.times = [];
  }
  const feed = { input: new ort.Tensor('float32', probe.data, probe.dims) };
  const outputs = {};
  for (const m of models) outputs[m.name] = (await m.session.run(feed)).output.data; // warm-up, and the accuracy run
  for (let r = 0; r < rounds; r++) {
    for (const m of r % 2 ? [...models].reverse() : models) {
      const t0 = performance.now();
      await m.session.run(feed);
      m.times.push(performance.now() - t0);
    }
  }
  const base = median(models[0].times);
  console.log(`horse2zebra 256x256, ${rounds} alternating rounds, CPU 2 threads; int8: ${q.quantized.length} Convs quantized,`);
  console.log(`calibrated on ${photos.join(', ')} (examples/images); accuracy on in-horse2zebra-0.png against the fp32 output`);
  for (const m of models) {
    const c = core.compareTensors(outputs[m.name], outputs.fp32);
    const acc = m.name === 'fp32' ? '' : `  max abs ${c.maxAbs.toExponential(2)}, PSNR ${c.psnrDb.toFixed(1)} dB`;
    const ms = median(m.times);
    const size = `${(m.bytes.length / 1024).toFixed(0)} KiB`;
    console.log(`${m.name.padEnd(5)} median ${ms.toFixed(1)} ms  ratio to fp32 ${(ms / base).toFixed(3)}  ${size}${acc}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
