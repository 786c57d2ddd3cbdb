/**
 * `--device auto`: a Jetson from /proc/device-tree/model, else an NVIDIA GPU (driver in
 * /proc/driver/nvidia or a working `nvidia-smi`), else the CPU — matched against each profile's
 * `detect` block so new profiles need no code.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { devicesDir } from './dir';
import type { DeviceDetection } from './profile';

export interface MachineProbe {
  /** Contents of /proc/device-tree/model (NUL-terminated on Jetson), or undefined. */
  deviceTreeModel(): string | undefined;
  /** Whether an NVIDIA GPU driver is present. */
  nvidiaGpu(): boolean;
}

export const systemProbe: MachineProbe = {
  deviceTreeModel() {
    try {
      return fs.readFileSync('/proc/device-tree/model', 'utf8').replace(/\0/g, '').trim();
    } catch {
      return undefined;
    }
  },
  nvidiaGpu() {
    try {
      if (fs.readdirSync('/proc/driver/nvidia/gpus').length > 0) return true;
    } catch {
      // no driver folder: try nvidia-smi
    }
    const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000 });
    return r.status === 0 && /GPU \d+:/.test(r.stdout ?? '');
  },
};

export interface DetectedDevice {
  /** The profile id to use. */
  readonly id: string;
  /** Why, for logs and reports: `device tree says "NVIDIA Jetson Xavier NX Developer Kit"`. */
  readonly reason: string;
}

export interface DetectOptions {
  readonly probe?: MachineProbe;
  /** Devices folder (defaults to devicesDir()). */
  readonly dir?: string;
}

/** Reads every profile's `detect` block without validating the whole profile (cheap, robust). */
function detectionTable(dir: string): { id: string; detect: DeviceDetection }[] {
  const out: { id: string; detect: DeviceDetection }[] = [];
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const f of files.sort()) {
    if (!f.endsWith('.json') || f === 'schema.json') continue;
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { detect?: DeviceDetection };
      if (json.detect) out.push({ id: f.slice(0, -5), detect: json.detect });
    } catch {
      // an unreadable profile is reported when it is loaded, not here
    }
  }
  return out;
}

export function detectDevice(options: DetectOptions = {}): DetectedDevice {
  const probe = options.probe ?? systemProbe;
  const dir = options.dir ?? devicesDir();
  const table = detectionTable(dir);
  const model = probe.deviceTreeModel();
  if (model) {
    const lower = model.toLowerCase();
    // longest pattern first, so "AGX Orin" beats "Orin" and "Xavier NX" beats "Xavier"
    const candidates = table
      .flatMap((t) => (t.detect.deviceTreeModel ?? []).map((p) => ({ id: t.id, p })))
      .sort((a, b) => b.p.length - a.p.length);
    const hit = candidates.find((c) => lower.includes(c.p.toLowerCase()));
    if (hit) return { id: hit.id, reason: `device tree says "${model}"` };
  }
  const gpuProfile = table.find((t) => t.detect.nvidiaGpu);
  if (gpuProfile && !(model && /jetson|tegra/i.test(model)) && probe.nvidiaGpu()) {
    return { id: gpuProfile.id, reason: 'an NVIDIA GPU driver is present' };
  }
  const fallback = table.find((t) => t.detect.fallback)?.id ?? 'cpu';
  return { id: fallback, reason: model ? `no profile matches device "${model}" and no NVIDIA GPU found` : 'no Jetson and no NVIDIA GPU found' };
}
