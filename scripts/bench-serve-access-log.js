#!/usr/bin/env node
// What gc-serve's access log costs a request (build first: npx tsc -b). Three daemons in one
// process on the same tiny model (y = x / 2 on [1,3,1,1], so HTTP and the hooks are most of the
// time): no access log (--quiet), the text log, the JSON log, both written synchronously to
// /dev/null (as to a file or journald's pipe). Blocks of sequential POST /v2/models/{name}/infer
// requests alternate between the three; the figure is each one's median latency and its ratio to
// the quiet daemon's (ratio of medians), plus the median of the per-block ratios.
//   node scripts/bench-serve-access-log.js [--blocks 12] [--requests 200]
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');

const root = path.join(__dirname, '..');
const blocks = Number(arg('blocks', 12));
const requests = Number(arg('requests', 200));

function halfModel(core) {
  const g = new core.GraphBuilder('half');
  const x = g.input({ name: 'input', elemType: 'float32', shape: [1, 3, 1, 1] });
  const k = g.float('factor', [], new Float32Array([0.5]));
  g.rename(g.node('Mul', 'mul', [x, k]), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [1, 3, 1, 1] });
  return core.encodeModel({ graph: g.finish(), opset: 13, producerName: 'bench', producerVersion: '0', metadata: {} });
}

async function main() {
  const core = require(path.join(root, 'packages', 'core', 'dist'));
  const runtime = require(path.join(root, 'packages', 'runtime', 'dist'));
  const { createLogger } = require(path.join(root, 'packages', 'runtime', 'dist', 'serve', 'access-log.js'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-access-log-'));
  const model = path.join(dir, 'half.onnx');
  fs.writeFileSync(model, halfModel(core));
  const devNull = fs.openSync('/dev/null', 'w');
  const write = (line) => fs.writeSync(devNull, line);
  const profile = runtime.loadDeviceProfile('cpu');

  const configs = [
    ['quiet', undefined],
    ['text', createLogger({ format: 'text', write })],
    ['json', createLogger({ format: 'json', write })],
  ];
  const daemons = [];
  for (const [label, accessLog] of configs) {
    const options = { target: model, profile, port: 0, workers: 1, log: () => undefined };
    const server = runtime.createServer(accessLog ? { ...options, accessLog } : options);
    const url = new URL(await server.listen());
    const failures = await server.loadModels();
    if (failures.length) throw failures[0].error;
    daemons.push({ label, server, url, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), times: [], blockMedians: [] });
  }

  const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [2, 4, 6] }] });
  const post = (d) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: d.url.hostname,
          port: d.url.port,
          path: '/v2/models/half/infer',
          method: 'POST',
          agent: d.agent,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  for (const d of daemons) for (let i = 0; i < 50; i++) await post(d); // warm-up
  for (let b = 0; b < blocks; b++) {
    // rotate the order every block so no daemon always goes first
    const order = daemons.map((_, i) => daemons[(i + b) % daemons.length]);
    for (const d of order) {
      const block = [];
      for (let i = 0; i < requests; i++) {
        const t0 = process.hrtime.bigint();
        await post(d);
        block.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      d.times.push(...block);
      d.blockMedians.push(median(block));
    }
  }

  const quiet = daemons[0];
  console.log(`access log cost: ${blocks} alternating blocks x ${requests} sequential infer requests per daemon (keep-alive, 1 worker)`);
  for (const d of daemons) {
    const m = median(d.times);
    const perBlock = median(d.blockMedians.map((x, i) => x / quiet.blockMedians[i]));
    console.log(
      `  ${d.label.padEnd(5)} median ${m.toFixed(3)} ms  ratio of medians ${(m / median(quiet.times)).toFixed(3)}  median of block ratios ${perBlock.toFixed(3)}`,
    );
  }
  for (const d of daemons) {
    d.agent.destroy();
    await d.server.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
