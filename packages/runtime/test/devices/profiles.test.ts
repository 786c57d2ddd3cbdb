import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  deviceProfileIds,
  detectDevice,
  devicesDir,
  listDeviceProfiles,
  loadDeviceProfile,
  validateJson,
  type MachineProbe,
} from '@gc-edge/runtime';
// the matching rules are internal to the detector (not on the package surface)
import { compatibleMatches, modelMatches, splitCompatible } from '../../src/devices/detect';

const REQUIRED = ['cpu', 'desktop-cuda', 'jetson-agx-xavier', 'jetson-xavier-nx', 'jetson-nano', 'jetson-orin'];

describe('device profiles in devices/', () => {
  it('has a profile for every target the project supports', () => {
    expect(deviceProfileIds()).toEqual(expect.arrayContaining(REQUIRED));
  });

  it.each(REQUIRED)('%s validates against devices/schema.json', (id) => {
    const schema = JSON.parse(fs.readFileSync(path.join(devicesDir(), 'schema.json'), 'utf8'));
    const json = JSON.parse(fs.readFileSync(path.join(devicesDir(), `${id}.json`), 'utf8'));
    expect(validateJson(json, schema)).toEqual([]);
    const p = loadDeviceProfile(id);
    expect(p.id).toBe(id);
    expect(p.executionProviders[p.executionProviders.length - 1]!.name).toBe('cpu');
    expect(p.setup.length).toBeGreaterThan(0);
  });

  it('Jetson profiles say how to get GPU providers without prebuilt npm binaries', () => {
    for (const p of listDeviceProfiles().filter((x) => x.id.startsWith('jetson-'))) {
      const text = p.setup.join(' ');
      expect(text).toMatch(/no GPU binaries for Linux arm64/);
      expect(text).toMatch(/--build_nodejs/);
      expect(text).toMatch(/Only `deviceId`/);
    }
  });

  it('refuses an unknown profile, listing the known ones', () => {
    expect(() => loadDeviceProfile('jetson-tx2')).toThrow(
      `unknown device profile "jetson-tx2". Should be one of: auto, ${deviceProfileIds().join(', ')}`,
    );
  });
});

describe('schema validation errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-devices-'));
    fs.copyFileSync(path.join(devicesDir(), 'schema.json'), path.join(dir, 'schema.json'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(id: string, patch: (p: Record<string, unknown>) => void): void {
    const json = JSON.parse(fs.readFileSync(path.join(devicesDir(), 'cpu.json'), 'utf8'));
    patch(json);
    fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(json));
  }

  it('names the file and the field for a wrong value', () => {
    write('bad', (p) => ((p['threads'] as Record<string, unknown>)['intraOp'] = -1));
    expect(() => loadDeviceProfile('bad', dir)).toThrow(/bad\.json: threads\.intraOp must be >= 0, got -1/);
  });

  it('lists the valid providers for an unknown one', () => {
    write('bad', (p) => (p['executionProviders'] = [{ name: 'rocm' }]));
    expect(() => loadDeviceProfile('bad', dir)).toThrow(/executionProviders\[0\]\.name must be one of: "tensorrt", "cuda", "webgpu", "cpu"; got "rocm"/);
  });

  it('rejects unknown fields, listing the known ones', () => {
    write('bad', (p) => (p['thread'] = 4));
    expect(() => loadDeviceProfile('bad', dir)).toThrow(/thread is not a known field; known: .*threads/);
  });

  it('loads a profile by path and the folder from GC_EDGE_DEVICES', () => {
    write('mine', () => {});
    expect(loadDeviceProfile(path.join(dir, 'mine.json'), dir).id).toBe('mine');
    const old = process.env['GC_EDGE_DEVICES'];
    process.env['GC_EDGE_DEVICES'] = dir;
    try {
      expect(deviceProfileIds()).toEqual(['mine']);
    } finally {
      if (old === undefined) delete process.env['GC_EDGE_DEVICES'];
      else process.env['GC_EDGE_DEVICES'] = old;
    }
  });
});

interface DeviceTreeCase {
  readonly board: string;
  readonly model: string | null;
  readonly compatible: string[] | null;
  readonly expect: string;
  readonly source: string;
}
const CASES = (JSON.parse(fs.readFileSync(path.join(__dirname, 'device-tree-cases.json'), 'utf8')) as { cases: DeviceTreeCase[] }).cases;

function probe(model: string | null | undefined, compatible: readonly string[] | null | undefined, gpu: boolean): MachineProbe {
  return { deviceTreeModel: () => model ?? undefined, deviceTreeCompatible: () => compatible ?? undefined, nvidiaGpu: () => gpu };
}

describe('--device auto', () => {
  it.each(CASES.map((c) => [c.board, c] as const))('%s -> the right profile (real device-tree strings)', (_board, c) => {
    const found = detectDevice({ probe: probe(c.model, c.compatible, false) });
    expect(found.id).toBe(c.expect);
  });

  it('never picks desktop-cuda on a Jetson, even when a GPU driver is visible', () => {
    for (const c of CASES.filter((x) => x.compatible?.some((s) => s.startsWith('nvidia,tegra')))) {
      expect(detectDevice({ probe: probe(c.model, c.compatible, true) }).id).not.toBe('desktop-cuda');
    }
  });

  it('says which compatible string (or model) decided', () => {
    expect(detectDevice({ probe: probe('Jetson-AGX', ['nvidia,p2972-0000', 'nvidia,tegra194'], false) }).reason).toBe(
      'device tree compatible "nvidia,p2972-0000"',
    );
    expect(detectDevice({ probe: probe('Jetson-AGX', undefined, false) }).reason).toBe('device tree model "Jetson-AGX"');
    expect(detectDevice({ probe: probe(null, ['nvidia,p4071-0000+p3834-0008', 'nvidia,tegra264'], true) }).reason).toMatch(/^no profile matches the Tegra board/);
  });

  it('picks desktop-cuda with an NVIDIA GPU and no Jetson, else cpu', () => {
    expect(detectDevice({ probe: probe(undefined, undefined, true) })).toEqual({
      id: 'desktop-cuda',
      reason: 'an NVIDIA GPU driver is present',
    });
    expect(detectDevice({ probe: probe(undefined, undefined, false) }).id).toBe('cpu');
  });

  it('reads the compatible file as NUL-separated strings', () => {
    expect(splitCompatible('nvidia,p3737-0000+p3701-0005\0nvidia,p3701-0005\0nvidia,tegra234\0nvidia,tegra23x\0')).toEqual([
      'nvidia,p3737-0000+p3701-0005',
      'nvidia,p3701-0005',
      'nvidia,tegra234',
      'nvidia,tegra23x',
    ]);
  });

  it.each([
    ['nvidia,p3668', 'nvidia,p3509-0000+p3668-0001', true],
    ['nvidia,p3668', 'nvidia,p3668-0001', true],
    ['nvidia,p3448', 'nvidia,p3449-0000-b00+p3448-0000-b00', true],
    ['nvidia,p3767', 'nvidia,p3768-0000+p3767-0005-super', true],
    ['nvidia,p3668', 'nvidia,p36680-0000', false],
    ['nvidia,p3668', 'acme,p3668-0000', false],
    ['nvidia,tegra234', 'nvidia,tegra234', true],
    ['nvidia,tegra234', 'nvidia,tegra23x', false],
    ['nvidia,jetson-xavier', 'nvidia,jetson-xavier-industrial', false],
  ])('compatible entry %s vs %s -> %s', (entry, compatible, expected) => {
    expect(compatibleMatches(entry, compatible)).toBe(expected);
  });

  it.each([
    ['^Jetson-AGX$', 'Jetson-AGX', true],
    ['^Jetson-AGX$', 'Jetson-AGX Orin', false],
    ['AGX Xavier', 'NVIDIA Jetson AGX Xavier Developer Kit', true],
    ['Jetson Nano', 'NVIDIA Jetson Orin Nano Developer Kit', false],
  ])('model pattern %s vs %s -> %s', (pattern, model, expected) => {
    expect(modelMatches(pattern, model)).toBe(expected);
  });

  it('no two profiles claim the same compatible entry, and none names a shared carrier board', () => {
    const seen = new Map<string, string>();
    for (const p of listDeviceProfiles()) {
      for (const e of p.detect?.deviceTreeCompatible ?? []) {
        expect(seen.get(e)).toBeUndefined();
        seen.set(e, p.id);
        // p3449 (Nano / Xavier NX), p3509 (Xavier NX / Orin NX / TX2 NX), p3768 (Orin NX / Nano) are carriers
        expect(['nvidia,p3449', 'nvidia,p3509', 'nvidia,p3768', 'nvidia,p3737']).not.toContain(e);
      }
    }
  });
});
