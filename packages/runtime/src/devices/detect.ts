/**
 * `--device auto`: a Jetson from the device tree, else an NVIDIA GPU (driver in /proc/driver/nvidia
 * or a working `nvidia-smi`), else the CPU — matched against each profile's `detect` block so new
 * profiles need no code.
 *
 * The device tree's `compatible` property is the primary key: it is an ABI (a NUL-separated list,
 * most specific first: `nvidia,p3737-0000+p3701-0005`, `nvidia,p3701-0005`, `nvidia,tegra234`), while
 * `model` is free text that changes between L4T releases (an AGX Xavier devkit reads `Jetson-AGX` on
 * L4T r32.2+, `jetson-xavier` on r32.1, `NVIDIA Jetson AGX Xavier Developer Kit` on mainline kernels).
 * `model` is the fallback when no compatible string matches.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { devicesDir } from './dir';
import type { DeviceDetection } from './profile';

export interface MachineProbe {
  /** Contents of /proc/device-tree/model (NUL-terminated on Jetson), or undefined. */
  deviceTreeModel(): string | undefined;
  /** /proc/device-tree/compatible split at its NULs (most specific first), or undefined. */
  deviceTreeCompatible(): readonly string[] | undefined;
  /** Whether an NVIDIA GPU driver is present. */
  nvidiaGpu(): boolean;
}

function readDeviceTree(name: string): string | undefined {
  try {
    return fs.readFileSync(path.join('/proc/device-tree', name), 'latin1');
  } catch {
    return undefined;
  }
}

/** Splits a raw `compatible` property (NUL-separated, NUL-terminated) into its strings. */
export function splitCompatible(raw: string): string[] {
  return raw
    .split('\0')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export const systemProbe: MachineProbe = {
  deviceTreeModel() {
    const raw = readDeviceTree('model');
    return raw === undefined ? undefined : raw.replace(/\0/g, '').trim();
  },
  deviceTreeCompatible() {
    const raw = readDeviceTree('compatible');
    return raw === undefined ? undefined : splitCompatible(raw);
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
  /** Why, for logs and reports: `device tree compatible "nvidia,p3509-0000+p3668-0000"`. */
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
  let files: string[];
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

/**
 * Whether a profile's compatible entry matches one compatible string. An entry is `vendor,token`:
 * it matches the whole string (`nvidia,tegra234`, `nvidia,jetson-nano`), or — when the token is a
 * part number (`p` and four digits) — that part inside a board string, with or without its SKU and
 * revision: `nvidia,p3668` matches `nvidia,p3509-0000+p3668-0001` (module p3668 on carrier p3509)
 * and `nvidia,p3668-0001`, but not `nvidia,p36680`. Names are never prefix-matched
 * (`nvidia,jetson-xavier` does not match a hypothetical `nvidia,jetson-xavier-nx`).
 */
export function compatibleMatches(entry: string, compatible: string): boolean {
  const e = entry.trim().toLowerCase();
  const c = compatible.trim().toLowerCase();
  if (e === c) return true;
  const [eVendor, eToken] = splitVendor(e);
  const [cVendor, cBoards] = splitVendor(c);
  if (!/^p\d{4}$/.test(eToken) || eVendor !== cVendor) return false;
  return cBoards.split('+').some((part) => part === eToken || part.startsWith(`${eToken}-`));
}

function splitVendor(s: string): [string, string] {
  const i = s.indexOf(',');
  return i < 0 ? ['', s] : [s.slice(0, i), s.slice(i + 1)];
}

/**
 * Whether a profile's model pattern matches the device-tree model: a case-insensitive substring;
 * `^` anchors it at the start and `$` at the end (`^Jetson-AGX$` is that exact string only).
 */
export function modelMatches(pattern: string, model: string): boolean {
  const m = model.toLowerCase();
  let p = pattern.toLowerCase();
  const start = p.startsWith('^');
  const end = p.endsWith('$');
  if (start) p = p.slice(1);
  if (end) p = p.slice(0, -1);
  if (start && end) return m === p;
  if (start) return m.startsWith(p);
  if (end) return m.endsWith(p);
  return m.includes(p);
}

/** The profile whose compatible entry matches the most specific compatible string (earliest in the list). */
function byCompatible(table: ReturnType<typeof detectionTable>, compatible: readonly string[]): DetectedDevice | undefined {
  for (const c of compatible) {
    const hits = table.filter((t) => (t.detect.deviceTreeCompatible ?? []).some((e) => compatibleMatches(e, c)));
    if (hits.length > 0) return { id: hits[0]!.id, reason: `device tree compatible "${c}"` };
  }
  return undefined;
}

/** Model fallback: an anchored (exact) pattern beats a substring, a longer pattern a shorter one. */
function byModel(table: ReturnType<typeof detectionTable>, model: string): DetectedDevice | undefined {
  const anchoredBoth = (p: string): boolean => p.startsWith('^') && p.endsWith('$');
  const hit = table
    .flatMap((t) => (t.detect.deviceTreeModel ?? []).map((p) => ({ id: t.id, p })))
    .filter((c) => modelMatches(c.p, model))
    .sort((a, b) => Number(anchoredBoth(b.p)) - Number(anchoredBoth(a.p)) || b.p.length - a.p.length)[0];
  return hit ? { id: hit.id, reason: `device tree model "${model}"` } : undefined;
}

/** A Jetson (or other Tegra) board: compatible names a Tegra SoC, or the model says so. */
function isTegra(model: string | undefined, compatible: readonly string[]): boolean {
  return compatible.some((c) => /^nvidia,tegra\d/i.test(c)) || (model !== undefined && /jetson|tegra/i.test(model));
}

export function detectDevice(options: DetectOptions = {}): DetectedDevice {
  const probe = options.probe ?? systemProbe;
  const dir = options.dir ?? devicesDir();
  const table = detectionTable(dir);
  const model = probe.deviceTreeModel() || undefined;
  const compatible = probe.deviceTreeCompatible() ?? [];
  const hit = byCompatible(table, compatible) ?? (model ? byModel(table, model) : undefined);
  if (hit) return hit;
  const tegra = isTegra(model, compatible);
  const gpuProfile = table.find((t) => t.detect.nvidiaGpu);
  if (gpuProfile && !tegra && probe.nvidiaGpu()) {
    return { id: gpuProfile.id, reason: 'an NVIDIA GPU driver is present' };
  }
  const fallback = table.find((t) => t.detect.fallback)?.id ?? 'cpu';
  const what = model
    ? `device "${model}"${compatible.length > 0 ? ` (compatible ${compatible.map((c) => `"${c}"`).join(', ')})` : ''}`
    : undefined;
  if (tegra) return { id: fallback, reason: `no profile matches the Tegra board ${what ?? `compatible ${compatible.join(', ')}`}` };
  return { id: fallback, reason: what ? `no profile matches ${what} and no NVIDIA GPU found` : 'no Jetson and no NVIDIA GPU found' };
}
