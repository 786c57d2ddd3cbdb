/**
 * The thread counts a session really uses, for the report (a `0` means "onnxruntime decides", which
 * says nothing to whoever reads the report on another machine).
 *
 * onnxruntime's rule for `intraOpNumThreads: 0` (docs: performance/tune-performance/threading): one
 * intra-op thread per physical CPU core (hyper-threads not counted), the calling thread included.
 * We count physical cores from Linux's CPU topology (distinct package/core id pairs of the online
 * CPUs) and fall back to os.availableParallelism() elsewhere. onnxruntime-node sessions run in
 * sequential execution mode (gc-edge's createSession), where the inter-op pool is not used at all.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ReportThreads } from '../report/types';

export interface CoreCount {
  readonly physical: number;
  readonly logical: number;
  /** How `physical` was found. */
  readonly source: 'topology' | 'availableParallelism';
}

/** Physical cores from /sys/devices/system/cpu/cpu<N>/topology; `root` is for tests. */
export function countCores(root = '/sys/devices/system/cpu'): CoreCount {
  const logical = os.availableParallelism();
  try {
    const cores = new Set<string>();
    for (const d of fs.readdirSync(root)) {
      if (!/^cpu\d+$/.test(d)) continue;
      const topo = path.join(root, d, 'topology');
      const online = path.join(root, d, 'online');
      if (fs.existsSync(online) && fs.readFileSync(online, 'utf8').trim() === '0') continue;
      const pkg = fs.readFileSync(path.join(topo, 'physical_package_id'), 'utf8').trim();
      const core = fs.readFileSync(path.join(topo, 'core_id'), 'utf8').trim();
      cores.add(`${pkg}:${core}`);
    }
    if (cores.size > 0) return { physical: cores.size, logical, source: 'topology' };
  } catch {
    // no sysfs topology (macOS, Windows, some containers)
  }
  return { physical: logical, logical, source: 'availableParallelism' };
}

/** Resolves the requested counts to what onnxruntime uses, with a note saying how. */
export function effectiveThreads(requested: { intraOp: number; interOp: number }, cores: CoreCount = countCores()): ReportThreads {
  const intraOp = requested.intraOp > 0 ? requested.intraOp : cores.physical;
  const fallback = cores.source === 'availableParallelism' ? ' (no CPU topology: os.availableParallelism() used)' : '';
  const how =
    requested.intraOp > 0
      ? `${requested.intraOp} asked`
      : `0 asked = onnxruntime's default, one per physical core: ${cores.physical} here of ${cores.logical} logical CPUs${fallback}`;
  return {
    intraOp,
    interOp: requested.interOp,
    requested: { intraOp: requested.intraOp, interOp: requested.interOp },
    note: `${how}; inter-op pool unused, sessions run sequentially`,
  };
}
