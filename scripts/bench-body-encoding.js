#!/usr/bin/env node
// What a compressed request body costs gc-serve (build first: npx tsc -b). One daemon, one model
// (y = x * 0.5, so inference is next to nothing and the body's handling is what is timed), one real
// 256x256 photo as a [1,3,256,256] FP32 tensor sent as tritonclient.http sends it by default (binary
// tensor data, Inference-Header-Content-Length): plain, gzip and deflate, compressed as the client's
// gzip.compress (level 9 by default; --gzip-level) and zlib.compress (level 6) do.
// Rounds alternate the three; each kind's median latency, its ratio to plain's median (ratio of
// medians), and the body sizes. The client compresses once, before timing: the figures are the
// daemon's decoding plus the bytes on the wire. Then, apart from HTTP, the inflater's output chunk
// (serve/body-encoding.ts): zlib's default 16 KiB against the 256 KiB gc-serve uses, streaming the
// same gzip body in 64 KiB writes, alternating; ratio of medians.
//   node scripts/bench-body-encoding.js [--rounds 60] [--gzip-level 9]
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');
const fixtures = require('./lib/fixtures');

const root = path.join(__dirname, '..');
const rounds = Number(arg('rounds', 60));
const gzipLevel = Number(arg('gzip-level', 9));
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function halfModel(core) {
  const g = new core.GraphBuilder('half');
  const x = g.input({ name: 'input', elemType: 'float32', shape: ['batch', 3, 'height', 'width'] });
  const k = g.float('factor', [], new Float32Array([0.5]));
  g.rename(g.node('Mul', 'mul', [x, k]), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: ['batch', 3, 'height', 'width'] });
  return core.encodeModel({ graph: g.finish(), opset: 13, producerName: 'bench', producerVersion: '0', metadata: {} });
}

function post(agent, url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`${res.statusCode} ${body}`));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const core = require(path.join(root, 'packages', 'core', 'dist'));
  const runtime = require(path.join(root, 'packages', 'runtime', 'dist'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-encoding-'));
  const model = path.join(dir, 'half.onnx');
  fs.writeFileSync(model, halfModel(core));
  const profile = runtime.loadDeviceProfile('cpu');
  const server = runtime.createServer({ target: model, profile, port: 0, workers: 1, log: () => undefined });
  const url = `${await server.listen()}/v2/models/half/infer`;
  const failures = await server.loadModels();
  if (failures.length) throw failures[0].error;

  const png = fs.readFileSync(path.join(fixtures.images, 'in-horse2zebra-0.png'));
  const { tensor } = await runtime.preprocessImage(png, {});
  const raw = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const json = Buffer.from(JSON.stringify({
    inputs: [{ name: 'input', shape: tensor.dims, datatype: 'FP32', parameters: { binary_data_size: raw.length } }],
    parameters: { binary_data_output: true },
  }));
  const plain = Buffer.concat([json, raw]);
  const kinds = {
    plain: { body: plain, headers: {} },
    gzip: { body: zlib.gzipSync(plain, { level: gzipLevel }), headers: { 'content-encoding': 'gzip' } },
    deflate: { body: zlib.deflateSync(plain), headers: { 'content-encoding': 'deflate' } },
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (k) => post(agent, url, kinds[k].body, { 'inference-header-content-length': String(json.length), ...kinds[k].headers });

  for (let i = 0; i < 5; i++) for (const k of Object.keys(kinds)) await send(k); // warm
  const times = { plain: [], gzip: [], deflate: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? ['deflate', 'gzip', 'plain'] : ['plain', 'gzip', 'deflate'];
    for (const k of order) {
      const t0 = process.hrtime.bigint();
      await send(k);
      times[k].push(ms(t0));
    }
  }
  // The decoding alone, on this thread, for scale.
  const decodeMs = (fn, body) => {
    const xs = [];
    for (let i = 0; i < 20; i++) {
      const t0 = process.hrtime.bigint();
      fn(body);
      xs.push(ms(t0));
    }
    return median(xs);
  };

  const base = median(times.plain);
  const what = `[${tensor.dims.join(',')}] FP32 photo, binary tensor data`;
  console.log(`gc-serve request body encodings: ${what}, ${rounds} alternating rounds, ${os.cpus().length} cores`);
  for (const k of Object.keys(kinds)) {
    const m = median(times[k]);
    const size = `${(kinds[k].body.length / 1024).toFixed(0)} KiB`;
    const inflate = { gzip: zlib.gunzipSync, deflate: zlib.inflateSync }[k];
    const alone = inflate ? `  (zlib inflate alone ${decodeMs(inflate, kinds[k].body).toFixed(2)} ms)` : '';
    console.log(`  ${k.padEnd(8)} body ${size.padStart(8)}  median ${m.toFixed(2)} ms  ratio ${(m / base).toFixed(3)}${alone}`);
  }
  agent.destroy();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  await chunkSizes(kinds.gzip.body);
}

/** Streams `gz` through createGunzip in 64 KiB writes; milliseconds to its end. */
function streamInflate(gz, chunkSize) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const z = zlib.createGunzip({ chunkSize });
    z.on('data', () => undefined);
    z.on('end', () => resolve(ms(t0)));
    z.on('error', reject);
    let at = 0;
    const next = () => {
      if (at >= gz.length) return z.end();
      const piece = gz.subarray(at, at + 65536);
      at += piece.length;
      z.write(piece, next);
    };
    next();
  });
}

async function chunkSizes(gz) {
  const sizes = [16 * 1024, 256 * 1024];
  const times = new Map(sizes.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 ? [...sizes].reverse() : sizes) times.get(c).push(await streamInflate(gz, c));
  }
  const [small, large] = sizes.map((c) => median(times.get(c)));
  const ratio = (large / small).toFixed(3);
  console.log(`streaming gunzip of the gzip body, chunk 16 KiB: ${small.toFixed(2)} ms, 256 KiB: ${large.toFixed(2)} ms, ratio ${ratio}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
