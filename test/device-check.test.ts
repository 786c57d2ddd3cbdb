/**
 * scripts/device-check.sh --dry-run on this CPU-only machine, so the GPU check is not dead code:
 * it exports the model, measures it on every target (TensorRT, CUDA, WebGPU each before CPU, and
 * the CPU), compares each against the CPU fp32 result and prints one table, in which a provider that
 * cannot load here shows the fallback (its reason is in the latency report).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AccuracyReport, LatencyReport } from '@gc-edge/bench';
import { REPO_ROOT } from './support/fixtures';

let out: string;
let table: string;

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-device-check-'));
  table = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'device-check.sh'), '--dry-run', '--out', out], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 300_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(out, file), 'utf8')) as T;

describe('scripts/device-check.sh --dry-run', () => {
  it('prints one table: a row per target, with where it ran, kernels per provider, latency and error against CPU fp32', () => {
    const lines = table.trim().split('\n');
    expect(lines[0]).toMatch(/^model\s+asked\s+ran on\s+kernels per provider\s+p50 ms\s+FPS\s+max abs vs CPU fp32\s+PSNR dB$/);
    const rows = lines.slice(2).map((l) => l.split(/\s{2,}/));
    expect(rows.filter((r) => r[0] === 'fp32').map((r) => r[1])).toEqual(['cpu', 'cuda', 'tensorrt', 'webgpu']);
    for (const r of rows) {
      const latency = read<LatencyReport>(`${r[0]}.${r[1]}.latency.json`);
      expect(r[2]!.startsWith(latency.session.provider)).toBe(true);
      expect(r[3]).toBe(Object.entries(latency.session.placement.byProvider).map(([p, n]) => `${p} ${n}`).join(', '));
    }
  });

  it('tries each GPU provider first and records why it fell back when it could not load', () => {
    for (const t of ['tensorrt', 'cuda', 'webgpu']) {
      const attempts = read<LatencyReport>(`fp32.${t}.latency.json`).session.executionProviders;
      expect(attempts[0]!.provider).toBe(t);
      if (!attempts[0]!.ok) expect((attempts[0] as { error: string }).error.length).toBeGreaterThan(0);
    }
  });

  it('compares every GPU target against the CPU fp32 result with gc-bench accuracy', () => {
    for (const t of ['tensorrt', 'cuda', 'webgpu']) {
      const r = read<AccuracyReport>(`fp32.${t}.accuracy.json`);
      expect(r.reference.provider).toBe('cpu');
      expect(r.candidate.profile).toBe(`profile-${t}`);
    }
  });
});
