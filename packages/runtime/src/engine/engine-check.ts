/**
 * Whether a prebuilt TensorRT engine (an EPContext model, ep-context.ts) can run here, and why not:
 * the profile must list TensorRT, ask the engine's precision, and the machine's TensorRT version and
 * GPU compute capability must be the engine's (TensorRT refuses engines from another version or GPU,
 * or worse, a mismatched one fails deep inside the provider). What the machine has is probed once:
 * `GC_EDGE_TENSORRT_VERSION` / `GC_EDGE_GPU_ARCH` when set, else the libnvinfer.so.X.Y.Z file name in
 * the library folders and nvidia-smi's compute_cap (a Jetson: its device tree's SoC). Unknown facts
 * are not checked (TensorRT itself then has the last word, and a failure still falls back).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { DeviceProfile } from '../devices/profile';
import type { EngineFacts } from './ep-context';

export const TENSORRT_VERSION_ENV = 'GC_EDGE_TENSORRT_VERSION';
export const GPU_ARCH_ENV = 'GC_EDGE_GPU_ARCH';

export interface EngineHost {
  readonly tensorrtVersion?: string;
  readonly hardwareArchitecture?: string;
}

/** Jetson SoCs (device-tree compatible) -> compute capability. */
const TEGRA_ARCH: Readonly<Record<string, string>> = {
  'nvidia,tegra210': '53',
  'nvidia,tegra186': '62',
  'nvidia,tegra194': '72',
  'nvidia,tegra234': '87',
};

function libraryDirs(): string[] {
  const fromEnv = (process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter((d) => d !== '');
  return [...fromEnv, '/usr/lib/aarch64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/usr/local/lib', '/usr/local/tensorrt/lib'];
}

function tensorrtVersionHere(): string | undefined {
  let best: string | undefined;
  for (const dir of libraryDirs()) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      const m = /^libnvinfer\.so\.(\d+\.\d+\.\d+)/.exec(n);
      if (m && (best === undefined || m[1]!.length > best.length)) best = m[1];
    }
  }
  return best;
}

function gpuArchHere(): string | undefined {
  try {
    const compatible = fs.readFileSync('/proc/device-tree/compatible', 'latin1').split('\0');
    for (const c of compatible) if (TEGRA_ARCH[c]) return TEGRA_ARCH[c];
  } catch {
    // not a Jetson
  }
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=compute_cap', '--format=csv,noheader'], { timeout: 5000, encoding: 'utf8' });
    const first = out.split('\n')[0]?.trim();
    return first ? first.replace('.', '') : undefined;
  } catch {
    return undefined;
  }
}

/** What this machine has (environment first, then the probes). */
export function engineHost(): EngineHost {
  const trt = process.env[TENSORRT_VERSION_ENV] || tensorrtVersionHere();
  const arch = process.env[GPU_ARCH_ENV] || gpuArchHere();
  return { ...(trt ? { tensorrtVersion: trt } : {}), ...(arch ? { hardwareArchitecture: arch } : {}) };
}

/** `8.5.2.2` and `8.5.2` are one release: compare major.minor.patch. */
function release(v: string): string {
  return v.split('.').slice(0, 3).join('.');
}

/** Why the engine cannot run on `profile` on `host`; undefined when nothing known stands against it. */
export function engineMismatch(engine: EngineFacts, profile: DeviceProfile, host: EngineHost): string | undefined {
  if (!profile.executionProviders.some((e) => e.name === 'tensorrt')) {
    return `the ${profile.id} profile has no TensorRT provider, and an engine runs on TensorRT only`;
  }
  if (engine.precision !== profile.precision) {
    return `the engine is ${engine.precision} but the ${profile.id} profile asks ${profile.precision}`;
  }
  if (host.tensorrtVersion !== undefined && release(host.tensorrtVersion) !== release(engine.tensorrtVersion)) {
    return `the engine was built with TensorRT ${engine.tensorrtVersion}, this machine has ${host.tensorrtVersion}`;
  }
  if (host.hardwareArchitecture !== undefined && host.hardwareArchitecture !== engine.hardwareArchitecture) {
    return `the engine was built for compute capability ${engine.hardwareArchitecture}, this GPU has ${host.hardwareArchitecture}`;
  }
  return undefined;
}
