/** What machine a report was measured on: CPU, GPU, OS, Node and onnxruntime versions. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { systemProbe } from '@gc-edge/runtime';

export interface CpuInfo {
  readonly model: string;
  readonly logicalCores: number;
  readonly arch: string;
}

export interface OsInfo {
  readonly platform: string;
  readonly release: string;
  readonly distro?: string;
}

interface SystemInfo {
  readonly cpu: CpuInfo;
  /** GPU name(s) from nvidia-smi or the Jetson device tree; null when none is visible. */
  readonly gpu: string | null;
  readonly os: OsInfo;
  readonly node: string;
  readonly onnxruntime: string;
}

function distro(): string | undefined {
  try {
    const text = fs.readFileSync('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
    return m?.[1];
  } catch {
    return undefined;
  }
}

function gpuName(): string | null {
  // A Jetson's GPU is on the SoC: name the board (its compatible names a Tegra SoC; the model may not
  // say Jetson, e.g. Clara-AGX).
  const model = systemProbe.deviceTreeModel();
  const compatible = systemProbe.deviceTreeCompatible() ?? [];
  const soc = compatible.find((c) => /^nvidia,tegra\d/i.test(c));
  if (soc || (model && /jetson|tegra/i.test(model))) return `${model || 'NVIDIA Tegra board'}${soc ? ` (${soc})` : ''}`;
  const r = spawnSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8', timeout: 5000 });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim().split('\n').join(', ');
  return null;
}

function onnxruntimeVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function systemInfo(): SystemInfo {
  const cpus = os.cpus();
  const d = distro();
  return {
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', logicalCores: cpus.length, arch: os.arch() },
    gpu: gpuName(),
    os: { platform: os.platform(), release: os.release(), ...(d ? { distro: d } : {}) },
    node: process.version,
    onnxruntime: onnxruntimeVersion(),
  };
}
