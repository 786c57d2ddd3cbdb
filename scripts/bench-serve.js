#!/usr/bin/env node
// gc-serve end to end vs a bare session.run of the same model, in one process (build first: npx tsc -b).
//  1. Latency: a 256x256 PNG through POST /v1/models/{name}/generate (HTTP + decode + preprocess +
//     worker inference + encode) alternating with a bare session.run on the main thread; ratio of
//     medians, and the overhead as a share of the bare model latency (issue 5 asks <= 15%).
//  2. Throughput: 4 concurrent clients on the daemon vs the same number of sequential bare runs,
//     in alternating blocks; ratio of the median rates.
// The model is the compressed CycleGAN of examples/cyclegan-horse2zebra exported by gc-export
// (or --model some.onnx), on the device profile's session settings (default profile: cpu).
// The client is node:http with a keep-alive agent (as curl, requests or a browser keep their
// connection); --client fetch uses Node's fetch instead, which costs ~0.6 ms more per request here.
//   node scripts/bench-serve.js [--rounds 40] [--requests 16] [--blocks 8] [--clients 4] [--workers N]
//     [--device cpu] [--intra-op N] [--png-level 0..9] [--client http|fetch] [--model m.onnx]
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');

const root = path.join(__dirname, '..');
const fixtures = require('./lib/fixtures');
const rounds = Number(arg('rounds', 40));
const requests = Number(arg('requests', 16));
const blocks = Number(arg('blocks', 8));
const clients = Number(arg('clients', 4));
const workers = arg('workers') === undefined ? undefined : Number(arg('workers')); // default: the daemon's
const device = arg('device', 'cpu');
const client = arg('client', 'http');
if (!['http', 'fetch'].includes(client)) throw new Error(`--client ${client}: should be http or fetch`);
const png = fs.readFileSync(path.join(fixtures.images, 'in-horse2zebra-0.png'));

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main() {
  const runtime = require(path.join(root, 'packages', 'runtime', 'dist'));
  const exporter = require(path.join(root, 'packages', 'exporter', 'dist'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-serve-'));
  let model = arg('model');
  if (!model) {
    model = path.join(dir, 'cyclegan.onnx');
    fs.writeFileSync(model, exporter.exportSubnet(exporter.loadSubnetSpec(fixtures.benchSubnet)).bytes);
  }
  const name = path.basename(model, '.onnx');
  const loaded = runtime.loadDeviceProfile(device);
  const intraOp = arg('intra-op');
  const profile = intraOp === undefined ? loaded : { ...loaded, threads: { ...loaded.threads, intraOp: Number(intraOp) } };

  const pngLevel = arg('png-level') === undefined ? undefined : Number(arg('png-level'));
  const server = runtime.createServer({
    target: model,
    profile,
    port: 0,
    ...(workers === undefined ? {} : { workers }),
    queueSize: 64,
    pngLevel,
    log: () => undefined,
  });
  const url = await server.listen();
  const failures = await server.loadModels();
  if (failures.length) throw failures[0].error;
  const bare = await runtime.createSession(model, profile, { profiling: false });
  const input = bare.info.inputs[0];
  const [, , height, width] = input.shape;
  const { tensor } = await runtime.preprocessImage(png, { width, height });
  const feeds = { [input.name]: tensor };

  let timings; // Server-Timing stages of each latency-phase request, when collecting
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const { hostname: host, port } = new URL(url);
  const post = () =>
    client === 'fetch'
      ? fetch(`${url}/v1/models/${name}/generate`, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } }).then(
          async (r) => ({
            status: r.status,
            timing: r.headers.get('server-timing'),
            body: Buffer.from(await r.arrayBuffer()),
          }),
        )
      : new Promise((resolve, reject) => {
          const req = http.request(
            {
              host,
              port,
              path: `/v1/models/${name}/generate`,
              method: 'POST',
              agent,
              headers: { 'content-type': 'image/png', 'content-length': png.length },
            },
            (res) => {
              const parts = [];
              res.on('data', (d) => parts.push(d));
              res.on('end', () => resolve({ status: res.statusCode, timing: res.headers['server-timing'], body: Buffer.concat(parts) }));
              res.on('error', reject);
            },
          );
          req.on('error', reject);
          req.end(png);
        });
  const generate = async () => {
    const r = await post();
    if (r.status !== 200) throw new Error(`generate answered ${r.status}: ${r.body.toString().slice(0, 300)}`);
    if (timings) {
      for (const m of (r.timing ?? '').matchAll(/(\w+);dur=([\d.]+)/g)) (timings[m[1]] ??= []).push(Number(m[2]));
    }
  };
  const bareRun = () => bare.run(feeds);

  for (let i = 0; i < 5; i++) {
    await generate();
    await bareRun();
  }

  // 1. Latency, alternating so machine noise hits both alike.
  const times = { serve: [], bare: [] };
  timings = {};
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['serve', 'bare'] : ['bare', 'serve'];
    for (const which of order) {
      const t0 = process.hrtime.bigint();
      await (which === 'serve' ? generate() : bareRun());
      times[which].push(ms(t0));
    }
  }
  const mServe = median(times.serve);
  const mBare = median(times.bare);
  const stages = timings;
  timings = undefined;

  // 2. Throughput, in alternating blocks: `requests` sequential bare runs, then `requests` requests
  // from `clients` concurrent clients (the order flips each block); ratio of the median rates.
  const bareBlock = async () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) await bareRun();
    return (requests * 1000) / ms(t0);
  };
  const serveBlock = async () => {
    let next = 0;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next++ < requests) await generate();
      }),
    );
    return (requests * 1000) / ms(t0);
  };
  const rates = { serve: [], bare: [] };
  for (let b = 0; b < blocks; b++) {
    for (const which of b % 2 === 0 ? ['bare', 'serve'] : ['serve', 'bare']) {
      rates[which].push(await (which === 'serve' ? serveBlock() : bareBlock()));
    }
  }
  const serveRps = median(rates.serve);
  const bareRps = median(rates.bare);

  console.log(
    `gc-serve vs bare session.run: ${name} ${height}x${width}, device ${profile.id}, ${server.options.workers} worker(s), PNG level ${server.options.pngLevel}, ${os.cpus().length} CPUs, client ${client}`,
  );
  console.log(`latency (${rounds} alternating rounds after 5 warm-up each)`);
  console.log(`  generate (PNG in, PNG out over HTTP)  median ${mServe.toFixed(2)} ms  (min ${Math.min(...times.serve).toFixed(2)})`);
  console.log(`  bare session.run                      median ${mBare.toFixed(2)} ms  (min ${Math.min(...times.bare).toFixed(2)})`);
  console.log(
    `  ratio generate / bare = ${(mServe / mBare).toFixed(3)}; overhead ${(mServe - mBare).toFixed(2)} ms = ${((100 * (mServe - mBare)) / mBare).toFixed(1)}% of the model's latency`,
  );
  // Each round's two runs are back to back: their difference cancels the machine's slow drifts.
  const paired = times.serve.map((t, i) => t - times.bare[i]);
  const pairedShare = times.serve.map((t, i) => (t - times.bare[i]) / times.bare[i]);
  console.log(
    `  paired (each round's generate - its bare run): median overhead ${median(paired).toFixed(2)} ms = ${(100 * median(pairedShare)).toFixed(1)}%`,
  );
  let staged = 0;
  for (const [s, values] of Object.entries(stages)) {
    staged += median(values);
    console.log(`    stage ${s.padEnd(11)} median ${median(values).toFixed(2)} ms (Server-Timing)`);
  }
  console.log(`    outside the stages (HTTP both ways, routing, hand-offs) ~${(mServe - staged).toFixed(2)} ms`);
  const range = (xs) => `${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)}`;
  console.log(`throughput (${blocks} alternating blocks of ${requests} requests)`);
  console.log(`  gc-serve, ${clients} concurrent clients   median ${serveRps.toFixed(2)} req/s  (${range(rates.serve)})`);
  console.log(`  bare sequential session.run       median ${bareRps.toFixed(2)} runs/s (${range(rates.bare)})`);
  console.log(`  ratio gc-serve / bare = ${(serveRps / bareRps).toFixed(3)}`);

  agent.destroy();
  await bare.release();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
