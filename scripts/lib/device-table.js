'use strict';
/**
 * The device check's one table, from the reports scripts/device-check.sh wrote into DIR:
 * <model>.<target>.latency.json (gc-bench latency) and <model>.<target>.accuracy.json (gc-bench
 * accuracy against the CPU fp32 result). One row per model and target.
 *   node scripts/lib/device-table.js DIR
 */
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : undefined);
const rows = [];
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.latency.json')).sort()) {
  const [model, target] = f.replace(/\.latency\.json$/, '').split('.');
  const lat = read(path.join(dir, f));
  const acc = read(path.join(dir, `${model}.${target}.accuracy.json`));
  const failed = lat.session.executionProviders.filter((e) => !e.ok).map((e) => e.provider);
  const worse = (w, s) => (Number(s.maxAbs) > w.maxAbs ? { maxAbs: Number(s.maxAbs), psnr: s.minPsnrDb } : w);
  const err = acc ? acc.summary.reduce(worse, { maxAbs: 0, psnr: 'Infinity' }) : undefined;
  rows.push([
    model,
    target,
    `${lat.session.provider}${failed.length ? ` (after ${failed.join(', ')} failed)` : ''}`,
    Object.entries(lat.session.placement.byProvider).map(([p, n]) => `${p} ${n}`).join(', '),
    lat.latencyMs.p50.toFixed(2),
    lat.fps.toFixed(1),
    err ? (err.maxAbs === 0 ? '0' : err.maxAbs.toExponential(2)) : '-',
    err ? (err.psnr === 'Infinity' ? 'inf' : Number(err.psnr).toFixed(1)) : '-',
  ]);
}
const header = ['model', 'asked', 'ran on', 'kernels per provider', 'p50 ms', 'FPS', 'max abs vs CPU fp32', 'PSNR dB'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
