/** The thread counts a report states: onnxruntime's default (0) resolved to physical cores. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countCores, effectiveThreads } from '../src/latency/threads';

function fakeSysfs(cpus: { pkg: number; core: number; online?: boolean }[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-sysfs-'));
  cpus.forEach((c, i) => {
    const dir = path.join(root, `cpu${i}`, 'topology');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'physical_package_id'), `${c.pkg}\n`);
    fs.writeFileSync(path.join(dir, 'core_id'), `${c.core}\n`);
    if (c.online === false) fs.writeFileSync(path.join(root, `cpu${i}`, 'online'), '0\n');
  });
  fs.mkdirSync(path.join(root, 'cpufreq'));
  return root;
}

describe('thread counts in reports', () => {
  it('counts physical cores, not hyper-threads, across packages, skipping offline CPUs', () => {
    const root = fakeSysfs([
      { pkg: 0, core: 0 },
      { pkg: 0, core: 1 },
      { pkg: 0, core: 0 },
      { pkg: 0, core: 1 },
      { pkg: 1, core: 0 },
      { pkg: 1, core: 1, online: false },
    ]);
    try {
      expect(countCores(root)).toMatchObject({ physical: 3, source: 'topology' });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('falls back to os.availableParallelism() without a CPU topology', () => {
    expect(countCores(path.join(os.tmpdir(), 'no-such-sysfs'))).toEqual({
      physical: os.availableParallelism(),
      logical: os.availableParallelism(),
      source: 'availableParallelism',
    });
  });

  it('states the real intra-op count for 0 (the default) and keeps an explicit one', () => {
    const cores = { physical: 6, logical: 12, source: 'topology' as const };
    expect(effectiveThreads({ intraOp: 0, interOp: 1 }, cores)).toEqual({
      intraOp: 6,
      interOp: 1,
      requested: { intraOp: 0, interOp: 1 },
      note: "0 asked = onnxruntime's default, one per physical core: 6 here of 12 logical CPUs; inter-op pool unused, sessions run sequentially",
    });
    expect(effectiveThreads({ intraOp: 4, interOp: 0 }, cores)).toMatchObject({
      intraOp: 4,
      interOp: 0,
      requested: { intraOp: 4, interOp: 0 },
    });
  });
});
