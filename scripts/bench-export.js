#!/usr/bin/env node
// Export speed and memory of the whole `gc-export` process (startup included) on the CycleGAN
// horse2zebra subnet, against the PyTorch path's published figures in test/fixtures/README.md
// (import torch, load the .pth, transfer_weight, torch.onnx.export: ~3.6 s, ~480 MiB).
//   node scripts/bench-export.js [subnet.json] [--runs 15]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { median } = require('./lib/stats');

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 15;
const subnet = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ??
  require('./lib/fixtures').benchSubnet;
const TORCH = { seconds: 3.6, rssMiB: 480 };

const root = path.join(__dirname, '..');
const cli = path.join(root, 'packages', 'exporter', 'bin', 'gc-export.js');
if (!fs.existsSync(path.join(root, 'packages', 'exporter', 'dist', 'cli', 'main.js'))) {
  throw new Error('gc-export is not built: run npm run build first');
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-export-'));
const usageFile = path.join(tmp, 'usage.json');
const seconds = [];
const rss = [];
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['-r', path.join(__dirname, 'lib', 'report-usage.js'), cli, subnet, '-o', path.join(tmp, 'out.onnx'), '--quiet'],
    {
      env: { ...process.env, GC_USAGE_FILE: usageFile },
      encoding: 'utf8',
    },
  );
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`gc-export failed: ${r.stderr}`);
  seconds.push(dt);
  rss.push(JSON.parse(fs.readFileSync(usageFile, 'utf8')).maxRssKiB / 1024);
}
fs.rmSync(tmp, { recursive: true, force: true });
const s = median(seconds);
const m = median(rss);
console.log(`gc-export ${path.relative(process.cwd(), subnet)}: ${runs} runs, whole process`);
console.log(
  `  wall  median ${s.toFixed(3)} s (min ${Math.min(...seconds).toFixed(3)}, max ${Math.max(...seconds).toFixed(3)})  vs PyTorch ~${TORCH.seconds} s  -> ${(s / TORCH.seconds).toFixed(3)}x`,
);
console.log(`  peak RSS median ${m.toFixed(1)} MiB  vs PyTorch ~${TORCH.rssMiB} MiB  -> ${(m / TORCH.rssMiB).toFixed(3)}x`);
