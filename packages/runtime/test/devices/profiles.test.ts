import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deviceProfileIds, detectDevice, devicesDir, listDeviceProfiles, loadDeviceProfile, validateJson, type MachineProbe } from '@gc-edge/runtime';

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
    expect(() => loadDeviceProfile('bad', dir)).toThrow(/executionProviders\[0\]\.name must be one of: "tensorrt", "cuda", "cpu"; got "rocm"/);
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

describe('--device auto', () => {
  const probe = (model: string | undefined, gpu: boolean): MachineProbe => ({ deviceTreeModel: () => model, nvidiaGpu: () => gpu });

  it.each([
    ['NVIDIA Jetson Xavier NX Developer Kit', 'jetson-xavier-nx'],
    ['Jetson-AGX', 'cpu'],
    ['NVIDIA Jetson AGX Xavier [16GB]', 'jetson-agx-xavier'],
    ['NVIDIA Jetson Nano Developer Kit', 'jetson-nano'],
    ['NVIDIA Jetson AGX Orin Developer Kit', 'jetson-orin'],
    ['NVIDIA Jetson Orin Nano Developer Kit', 'jetson-orin'],
  ])('reads the Jetson model from the device tree: %s -> %s', (model, id) => {
    expect(detectDevice({ probe: probe(model, false) }).id).toBe(id);
  });

  it('picks desktop-cuda with an NVIDIA GPU and no Jetson, else cpu', () => {
    expect(detectDevice({ probe: probe(undefined, true) })).toEqual({ id: 'desktop-cuda', reason: 'an NVIDIA GPU driver is present' });
    expect(detectDevice({ probe: probe('Raspberry Pi 4 Model B Rev 1.4', false) }).id).toBe('cpu');
    expect(detectDevice({ probe: probe(undefined, false) }).id).toBe('cpu');
  });
});
