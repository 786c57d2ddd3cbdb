#!/usr/bin/env node
// gc-serve's two KServe v2 transports side by side, in one process (build first: npx tsc -b): the same
// FP32 tensor through POST /v2/models/{name}/infer with the binary tensor extension (node:http,
// keep-alive) and through gRPC ModelInfer with raw_input_contents (@grpc/grpc-js, one channel),
// alternating request by request; per-request latency, ratio of medians (gRPC / HTTP), and a check
// that both answers are the same bytes. The model is examples/edges2shapes (128x128) by default, or
// the compressed CycleGAN of the serve benchmark with --model cyclegan, or any --model some.onnx.
//   node scripts/bench-grpc.js [--rounds 40] [--model edges2shapes|cyclegan|m.onnx] [--device cpu]
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');
const fixtures = require('./lib/fixtures');

const root = path.join(__dirname, '..');
const rounds = Number(arg('rounds', 40));
const device = arg('device', 'cpu');
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function httpInfer(agent, url, name, shape, raw) {
  const head = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'input', datatype: 'FP32', shape, parameters: { binary_data_size: raw.length } }],
      parameters: { binary_data_output: true },
    }),
  );
  const body = Buffer.concat([head, raw]);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/v2/models/${name}/infer`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': head.length,
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${all.toString()}`));
          resolve(all.subarray(Number(res.headers['inference-header-content-length'])));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function grpcInfer(client, name, shape, raw) {
  return new Promise((resolve, reject) =>
    client.ModelInfer({ model_name: name, inputs: [{ name: 'input', datatype: 'FP32', shape }], raw_input_contents: [raw] }, (e, r) =>
      e ? reject(e) : resolve(r.raw_output_contents[0]),
    ),
  );
}

async function main() {
  const runtime = require(path.join(root, 'packages', 'runtime', 'dist'));
  const exporter = require(path.join(root, 'packages', 'exporter', 'dist'));
  const { loadInferenceService } = require(path.join(root, 'packages', 'runtime', 'dist', 'serve', 'grpc', 'proto'));
  const grpc = require('@grpc/grpc-js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-grpc-'));
  const which = arg('model', 'edges2shapes');
  let model = which;
  if (which === 'edges2shapes' || which === 'cyclegan') {
    const subnet = which === 'cyclegan' ? fixtures.benchSubnet : path.join(root, 'examples', 'edges2shapes', 'subnet.json');
    model = path.join(dir, `${which}.onnx`);
    fs.writeFileSync(model, exporter.exportSubnet(exporter.loadSubnetSpec(subnet)).bytes);
  }
  const name = path.basename(model, '.onnx');
  const profile = runtime.loadDeviceProfile(device);
  const server = runtime.createServer({ target: model, profile, port: 0, grpcPort: 0, log: () => undefined });
  const url = await server.listen();
  await server.loadModels();
  const info = server.repository.get(name).requireReady().model.info;
  const shape = info.inputs[0].shape.map((d) => (typeof d === 'number' && d > 0 ? d : 256));
  const n = shape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
  const raw = Buffer.from(x.buffer);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { Client } = loadInferenceService();
  const client = new Client(`127.0.0.1:${server.grpcPort()}`, grpc.credentials.createInsecure());

  const a = await httpInfer(agent, url, name, shape, raw);
  const b = await grpcInfer(client, name, shape, raw);
  if (Buffer.compare(a, b) !== 0) throw new Error('HTTP and gRPC answers differ');
  for (let i = 0; i < 5; i++) {
    await httpInfer(agent, url, name, shape, raw);
    await grpcInfer(client, name, shape, raw);
  }
  const times = { http: [], grpc: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['http', 'grpc'] : ['grpc', 'http'];
    for (const t of order) {
      const t0 = process.hrtime.bigint();
      if (t === 'http') await httpInfer(agent, url, name, shape, raw);
      else await grpcInfer(client, name, shape, raw);
      times[t].push(ms(t0));
    }
  }
  const mh = median(times.http);
  const mg = median(times.grpc);
  const kib = (raw.length / 1024).toFixed(0);
  console.log(`model ${name} [${shape.join(',')}] (${kib} KiB in and out), device ${device}, ${rounds} alternating rounds`);
  console.log(`  HTTP binary infer   median ${mh.toFixed(2)} ms`);
  console.log(`  gRPC ModelInfer     median ${mg.toFixed(2)} ms`);
  console.log(`  ratio of medians (gRPC / HTTP) ${(mg / mh).toFixed(3)}; answers identical (${a.length} bytes)`);
  client.close();
  agent.destroy();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
