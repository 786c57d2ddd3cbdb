#!/usr/bin/env node
// gc-serve under overload: C concurrent clients post a real photo to POST /v1/models/{name}/generate
// as fast as they are answered (a 503 is retried at once, as a hostile or naive client would) for D
// seconds, against the built gc-serve of this checkout and, with --checkout DIR, of another one
// (build it first: npx tsc -b there). Each phase starts a fresh daemon (packages/runtime/bin/gc-serve.js,
// its default flags, --device cpu) on a free port; the checkouts alternate within each round and each
// client count. Printed per phase: successful requests/s, 503s/s, p50/p99 latency of the successes,
// and from /metrics the decodes (preprocess stage count) and inferences (inference stage count); then
// per client count the median over rounds and the ratio of medians, this checkout / the other.
// The model is the compressed CycleGAN of examples/cyclegan-horse2zebra, exported with this checkout's
// gc-export into a temporary folder (or --model m.onnx), fed examples/images/horse.png (or --image).
// With --json-bodies N, then also N clients at once post one large JSON infer body each (the same
// model exported with a symbolic size, a 512x512 tensor of random floats, ~15 MB) while a client
// asks /v2/health/live again and again: health latency (median, max), statuses, the time until the
// last answer and the daemon's peak RSS (VmHWM).
//   node scripts/bench-overload.js [--checkout DIR] [--clients 4,50] [--seconds 20] [--rounds 1]
//     [--model m.onnx] [--image photo.png] [--workers N] [--queue-size N] [--json-bodies 24] [--honour-retry-after]
// --honour-retry-after: a client answered 503 waits the Retry-After it was given before its next request.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');
const fixtures = require('./lib/fixtures');

const root = fixtures.root;
const other = arg('checkout') === undefined ? undefined : path.resolve(arg('checkout'));
const clientCounts = String(arg('clients', '4,50')).split(',').map(Number);
const seconds = Number(arg('seconds', 20));
const rounds = Number(arg('rounds', 1));
const jsonBodies = Number(arg('json-bodies', 0));
const honourRetryAfter = process.argv.includes('--honour-retry-after');
const image = fs.readFileSync(arg('image', path.join(root, 'examples', 'images', 'horse.png')));
const extraFlags = [
  ...(arg('workers') === undefined ? [] : ['--workers', String(arg('workers'))]),
  ...(arg('queue-size') === undefined ? [] : ['--queue-size', String(arg('queue-size'))]),
];
for (const c of clientCounts) {
  if (!Number.isInteger(c) || c < 1) throw new Error(`--clients: '${arg('clients')}' should be whole numbers >= 1, comma-separated`);
}
if (!(seconds > 0)) throw new Error(`--seconds: '${arg('seconds')}' should be a positive number`);

const checkouts = [{ label: 'this', dir: root }, ...(other ? [{ label: 'other', dir: other }] : [])];
for (const c of checkouts) {
  const bin = path.join(c.dir, 'packages', 'runtime', 'bin', 'gc-serve.js');
  if (!fs.existsSync(path.join(c.dir, 'packages', 'runtime', 'dist', 'index.js'))) {
    throw new Error(`${c.dir}: packages/runtime/dist is missing; run npx tsc -b there first`);
  }
  c.bin = bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

/** Starts a daemon of `checkout` on a free port and resolves once it is ready. */
async function startDaemon(checkout, model) {
  const port = await freePort();
  const child = spawn(process.execPath, [checkout.bin, model, '--port', String(port), '--device', 'cpu', ...extraFlags], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`gc-serve of ${checkout.dir} exited ${child.exitCode}: ${stderr}`);
    const r = await get(`${url}/v2/health/ready`).catch(() => undefined);
    if (r?.status === 200) break;
    if (i > 600) throw new Error(`gc-serve of ${checkout.dir} not ready after 60 s: ${stderr}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, port, pid: child.pid, stop };
}

/** Peak resident memory of a process, MiB (Linux /proc). */
function peakRssMib(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** N large JSON bodies at once while health is asked in a loop. */
async function jsonLoad(daemon, name, n, body) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n + 1 });
  const request = (method, path_, payload) =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const headers = payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {};
      const req = http.request({ host: '127.0.0.1', port: daemon.port, path: path_, method, agent, headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      });
      req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      req.end(payload);
    });
  const t0 = Date.now();
  let done = false;
  const infers = Promise.all(Array.from({ length: n }, () => request('POST', `/v2/models/${name}/infer`, body))).then((rs) => {
    done = true;
    return rs;
  });
  const health = [];
  let worstAt = 0;
  while (!done) {
    const h = await request('GET', '/v2/health/live');
    if (h.ms > Math.max(0, ...health)) worstAt = Date.now() - t0;
    health.push(h.ms);
  }
  const rs = await infers;
  const allMs = Date.now() - t0;
  agent.destroy();
  const statuses = {};
  for (const r of rs) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const healthMs = { median: median(health), max: Math.max(...health), worstAt, count: health.length };
  return { health: healthMs, statuses, allMs, rssMib: peakRssMib(daemon.pid) };
}

/** C clients posting the image for `seconds`; statuses, success latencies (ms). */
async function load(daemon, name, clients) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const path_ = `/v1/models/${name}/generate`;
  const post = () =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const headers = { 'content-type': 'image/png', 'content-length': image.length };
      const req = http.request(
        { host: '127.0.0.1', port: daemon.port, path: path_, method: 'POST', agent, headers },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            resolve({ status: res.statusCode, ms, retryAfter: Number(res.headers['retry-after']) });
          });
        },
      );
      req.on('error', () => resolve({ status: 0, ms: 0 }));
      req.end(image);
    });
  const end = Date.now() + seconds * 1000;
  const ok = [];
  const counts = { ok: 0, busy: 0, other: 0 };
  const client = async () => {
    while (Date.now() < end) {
      const r = await post();
      if (r.status === 200) {
        counts.ok++;
        ok.push(r.ms);
      } else if (r.status === 503) {
        counts.busy++;
        const wait = Math.min(r.retryAfter * 1000, end - Date.now());
        if (honourRetryAfter && wait > 0) await new Promise((res) => setTimeout(res, wait));
      } else counts.other++;
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (Date.now() - t0) / 1000;
  agent.destroy();
  const metrics = (await get(`${daemon.url}/metrics`)).body;
  const stageCount = (stage) => {
    const m = new RegExp(`^gc_serve_stage_duration_seconds_count\\{[^}]*stage="${stage}"[^}]*\\} (\\S+)$`, 'm').exec(metrics);
    return m ? Number(m[1]) : NaN;
  };
  ok.sort((a, b) => a - b);
  const pct = (p) => (ok.length ? ok[Math.min(ok.length - 1, Math.floor((p / 100) * ok.length))] : NaN);
  return {
    okPerS: counts.ok / elapsed,
    busyPerS: counts.busy / elapsed,
    other: counts.other,
    p50: pct(50),
    p99: pct(99),
    decodes: stageCount('preprocess'),
    inferences: stageCount('inference'),
  };
}

async function main() {
  let model = arg('model');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-overload-'));
  if (!model) {
    const exporter = require(path.join(root, 'packages', 'exporter', 'dist'));
    model = path.join(dir, 'horse2zebra.onnx');
    fs.writeFileSync(model, exporter.exportSubnet(exporter.loadSubnetSpec(fixtures.benchSubnet)).bytes);
  }
  const name = path.basename(model, '.onnx');
  let jsonModel;
  let jsonBody;
  if (jsonBodies > 0) {
    const exporter = require(path.join(root, 'packages', 'exporter', 'dist'));
    jsonModel = path.join(dir, `${name}-dynamic.onnx`);
    fs.writeFileSync(jsonModel, exporter.exportSubnet(exporter.loadSubnetSpec(fixtures.benchSubnet), { dynamic: true }).bytes);
    const values = Array.from({ length: 3 * 512 * 512 }, () => Math.random() * 2 - 1);
    jsonBody = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 512, 512], data: values }] }));
  }
  console.log(
    `gc-serve overload: generate on '${name}', ${seconds} s per phase, clients ${clientCounts.join(' and ')}, ${rounds} round(s), ` +
      `${os.availableParallelism()} cores${honourRetryAfter ? ', clients honour Retry-After' : ''}`,
  );
  for (const c of checkouts) console.log(`  ${c.label}: ${c.dir}`);
  const results = new Map(); // `${clients}/${label}` -> phases
  try {
    for (const clients of clientCounts) {
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? checkouts : [...checkouts].reverse();
        for (const c of order) {
          const daemon = await startDaemon(c, model);
          try {
            const x = await load(daemon, name, clients);
            const key = `${clients}/${c.label}`;
            results.set(key, [...(results.get(key) ?? []), x]);
            const rates = `ok ${x.okPerS.toFixed(2).padStart(6)}/s  503 ${x.busyPerS.toFixed(1).padStart(7)}/s`;
            console.log(
              `  ${String(clients).padStart(3)} clients  ${c.label.padEnd(5)}  ${rates}` +
                `  other ${x.other}  p50 ${x.p50.toFixed(0).padStart(5)} ms  p99 ${x.p99.toFixed(0).padStart(5)} ms` +
                `  decodes ${x.decodes}  inferences ${x.inferences}`,
            );
          } finally {
            await daemon.stop();
          }
        }
      }
    }
    for (let r = 0; r < (jsonBodies > 0 ? rounds : 0); r++) {
      const order = r % 2 === 0 ? checkouts : [...checkouts].reverse();
      for (const c of order) {
        const daemon = await startDaemon(c, jsonModel);
        try {
          const x = await jsonLoad(daemon, path.basename(jsonModel, '.onnx'), jsonBodies, jsonBody);
          const mb = (jsonBody.length / 1024 / 1024).toFixed(1);
          const health = `health median ${x.health.median.toFixed(1)} ms, max ${x.health.max.toFixed(0)} ms (at ${x.health.worstAt} ms)`;
          console.log(
            `  ${jsonBodies} JSON bodies of ${mb} MiB  ${c.label.padEnd(5)}  ${health}` +
              ` (${x.health.count} asked)  statuses ${JSON.stringify(x.statuses)}  all answered in ${x.allMs} ms  peak RSS ${x.rssMib.toFixed(0)} MiB`,
          );
        } finally {
          await daemon.stop();
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('medians over rounds (successful requests/s):');
  for (const clients of clientCounts) {
    const rate = (label) => median((results.get(`${clients}/${label}`) ?? []).map((x) => x.okPerS));
    const line = checkouts.map((c) => `${c.label} ${rate(c.label).toFixed(2)}/s`).join(', ');
    const ratio = other ? `, ratio this / other ${(rate('this') / rate('other')).toFixed(3)}` : '';
    console.log(`  ${String(clients).padStart(3)} clients: ${line}${ratio}`);
  }
  for (const c of checkouts) {
    const [lo, hi] = [clientCounts[0], clientCounts[clientCounts.length - 1]];
    if (lo === hi) continue;
    const rate = (n) => median((results.get(`${n}/${c.label}`) ?? []).map((x) => x.okPerS));
    console.log(`  ${c.label}: ${hi} clients / ${lo} clients = ${(rate(hi) / rate(lo)).toFixed(3)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
