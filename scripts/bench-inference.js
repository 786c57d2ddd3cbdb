#!/usr/bin/env node
// CPU inference latency of the gc-export model against the same subnet exported by torch.onnx.export
// (test/fixtures/bench/cyclegan-compressed/baseline-torch-export.onnx), on onnxruntime-node with 2 threads
// and graphOptimizationLevel 'all'. Both sessions live in this process and runs alternate, so machine
// noise hits both alike; the figure is the ratio of medians (< 1 means gc-export's model is faster).
//   node scripts/bench-inference.js [--rounds 40] [--subnet path/to/subnet.json] [--baseline model.onnx]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');

const fixtures = require('./lib/fixtures');
const rounds = Number(arg('rounds', 40));
const subnet = arg('subnet', fixtures.benchSubnet);
const baseline = arg('baseline', fixtures.baselineOnnx);

async function main() {
  const exporter = require(path.join(__dirname, '..', 'packages', 'exporter', 'dist'));
  const spec = exporter.loadSubnetSpec(subnet);
  const ours = exporter.exportSubnet(spec).bytes;
  const options = { executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const models = [
    { name: 'gc-export', session: await ort.InferenceSession.create(ours, options), times: [] },
    { name: 'torch.onnx.export', session: await ort.InferenceSession.create(fs.readFileSync(baseline), options), times: [] },
  ];
  const { batch, channels, height, width } = spec.input;
  const data = new Float32Array(batch * channels * height * width).map((_, i) => Math.sin(i) * 0.9);
  const feed = (s) => ({ [s.inputNames[0]]: new ort.Tensor('float32', data, [batch, channels, height, width]) });
  for (const m of models) for (let i = 0; i < 5; i++) await m.session.run(feed(m.session)); // warm-up
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? models : [...models].reverse();
    for (const m of order) {
      const t0 = process.hrtime.bigint();
      await m.session.run(feed(m.session));
      m.times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const [a, b] = models.map((m) => ({ ...m, median: median(m.times) }));
  console.log(`CPU inference, ${height}x${width}, 2 threads, ${rounds} alternating rounds (after 5 warm-up runs each)`);
  for (const m of [a, b]) console.log(`  ${m.name.padEnd(18)} median ${m.median.toFixed(2)} ms  (min ${Math.min(...m.times).toFixed(2)})`);
  console.log(`  ratio gc-export / torch.onnx.export = ${(a.median / b.median).toFixed(3)}`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
