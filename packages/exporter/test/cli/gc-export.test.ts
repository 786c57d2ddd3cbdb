import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeModel } from '@gc-edge/core';
import { gcExport, RESNET, REPO, tempDir, writeSubnet } from './helpers';

const supernet = path.join(RESNET, 'supernet.pth');

function subnet(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architecture: 'mobile_resnet_9blocks',
    config: '16_16_16_16_16_16_16_16',
    weights: supernet,
    input: { batch: 1, channels: 3, height: 64, width: 64 },
    ...extra,
  };
}

/** Every error: one line + an optional hint line, a stable code, no stack trace, exit 1. */
function expectCleanError(r: { status: number | null; stderr: string; stdout: string }, code: string, message: RegExp): void {
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^error\\[${code}\\]: `));
  expect(lines[0]).toMatch(message);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1]) expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('gc-export CLI', () => {
  it('exports the shipped example and prints a summary', () => {
    const dir = tempDir();
    const out = path.join(dir, 'h2z.onnx');
    const r = gcExport([path.join('examples', 'cyclegan-horse2zebra', 'subnet.json'), '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/mobile_resnet_9blocks 16_16_32_16_32_32_16_16 \(ngf 32\)/);
    expect(r.stdout).toMatch(/MACs\s+2\.5\d G/);
    const model = decodeModel(fs.readFileSync(out));
    expect(model.opset).toBe(13);
    expect(model.metadata['config']).toBe('16_16_32_16_32_32_16_16');
    expect(model.metadata['weights_sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(model.graph.inputs[0]).toEqual({ name: 'input', elemType: 'float32', shape: [1, 3, 256, 256] });
    expect(model.graph.outputs[0]!.name).toBe('output');
    expect(fs.readdirSync(dir)).toEqual(['h2z.onnx']);
  });

  it('writes the model beside subnet.json by default and prints JSON with --json', () => {
    const dir = tempDir();
    const file = writeSubnet(dir, subnet());
    const r = gcExport([file, '--json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { output: string; config: string; ngf: number };
    expect(summary.output).toBe(path.join(dir, 'subnet.onnx'));
    expect(summary.config).toBe('16_16_16_16_16_16_16_16');
    expect(summary.ngf).toBe(16);
    expect(fs.existsSync(path.join(dir, 'subnet.onnx'))).toBe(true);
  });

  it('passes --verify against the float64 reference', () => {
    const dir = tempDir();
    const r = gcExport([writeSubnet(dir, subnet()), '--verify', '--json']);
    expect(r.status).toBe(0);
    const { verify } = JSON.parse(r.stdout) as { verify: { ok: boolean; maxAbsError: number } };
    expect(verify.ok).toBe(true);
    expect(verify.maxAbsError).toBeLessThanOrEqual(1e-4);
  });

  it('makes batch, height and width symbolic with --dynamic and honours --opset', () => {
    const dir = tempDir();
    const r = gcExport([writeSubnet(dir, subnet()), '--dynamic', '--opset', '17', '-q']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const model = decodeModel(fs.readFileSync(path.join(dir, 'subnet.onnx')));
    expect(model.opset).toBe(17);
    expect(model.graph.inputs[0]!.shape).toEqual(['batch', 3, 'height', 'width']);
  });

  it('synthesises seeded weights with --random-init, the same file for the same seed', () => {
    const dir = tempDir();
    const file = writeSubnet(dir, { architecture: 'mobile_resnet_9blocks', config: '16_16_32_16_32_32_16_16', ngf: 32 });
    expect(gcExport([file, '--random-init', '3', '-o', path.join(dir, 'a.onnx'), '-q']).status).toBe(0);
    expect(gcExport([file, '--random-init', '3', '-o', path.join(dir, 'b.onnx'), '-q']).status).toBe(0);
    expect(gcExport([file, '--random-init', '4', '-o', path.join(dir, 'c.onnx'), '-q']).status).toBe(0);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => fs.readFileSync(path.join(dir, `${n}.onnx`)));
    expect(a!.equals(b!)).toBe(true);
    expect(a!.equals(c!)).toBe(false);
  });

  it('takes --random-init without a value as seed 0 and refuses a seed that is not a number', () => {
    const dir = tempDir();
    const file = writeSubnet(dir, { architecture: 'resnet_9blocks', ngf: 8, input: { height: 64, width: 64 } });
    const r = gcExport([file, '--random-init', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { weights: string }).weights).toBe('random-init seed 0');
    const bad = gcExport([file, '--random-init', 'seven']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error\[E_ARGS\]: --random-init 'seven': the seed must be a non-negative integer/);
  });

  it('reads --random-init before the subnet.json as the flag alone, and asks for a subnet.json when none is named', () => {
    const dir = tempDir();
    const file = writeSubnet(dir, { architecture: 'resnet_9blocks', ngf: 8, input: { height: 64, width: 64 } });
    const r = gcExport(['--random-init', file, '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { weights: string }).weights).toBe('random-init seed 0');
    const none = gcExport(['--random-init', '3']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^error\[E_ARGS\]: name the subnet.json to export/);
  });

  it('names what a weights file, an image or a folder is instead of a subnet.json, with what to do, and no raw bytes', () => {
    const dir = tempDir();
    const weights = gcExport([supernet]);
    expectCleanError(weights, 'E_SUBNET_JSON', /supernet\.pth: this is a PyTorch checkpoint \(\.pth, zip format\), not a subnet\.json$/);
    expect(weights.stderr).toContain(
      'hint: gc-export takes a subnet.json that names the weights: write one with "weights": "supernet.pth"',
    );
    const legacy = gcExport([path.join(RESNET, 'supernet-legacy.pth')]);
    expectCleanError(legacy, 'E_SUBNET_JSON', /this is a PyTorch checkpoint \(\.pth, legacy format\), not a subnet\.json$/);
    const safetensors = gcExport([path.join(RESNET, 'supernet.safetensors')]);
    expectCleanError(safetensors, 'E_SUBNET_JSON', /this is a safetensors weights file, not a subnet\.json$/);
    const photo = gcExport([path.join(REPO, 'examples', 'images', 'horse.png')]);
    expectCleanError(photo, 'E_SUBNET_JSON', /horse\.png: this is a PNG image, not a subnet\.json$/);
    expect(photo.stderr).toMatch(/hint: .*serve the exported model with gc-serve/);
    const blob = path.join(dir, 'blob.json');
    fs.writeFileSync(blob, Buffer.from([0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0xff]));
    const binary = gcExport([blob]);
    expectCleanError(binary, 'E_SUBNET_JSON', /blob\.json: a binary file, not a subnet\.json \(it starts "\\x00\\x1b\[2J\\x07\\xff"\)$/);
    const broken = writeSubnet(dir, '{"architecture": \u0007oops', 'broken.json');
    expectCleanError(gcExport([broken]), 'E_SUBNET_JSON', /broken\.json: not valid JSON( at character \d+)? \(it starts "\{\\"architecture\\": \\x07oops"\)$/);
    for (const r of [weights, legacy, safetensors, photo, binary]) expect(r.stderr).toMatch(/^[\x20-\x7e\n]*$/);

    const folder = gcExport([dir]);
    expectCleanError(folder, 'E_SUBNET_JSON', /: cannot read the subnet description \(it is a folder\)$/);
    expect(folder.stderr).toContain('hint: name the subnet.json file, not its folder');
    const example = gcExport([path.join('examples', 'cyclegan-horse2zebra')]);
    expect(example.stderr).toContain(
      `hint: name the file inside it: gc-export ${path.join('examples', 'cyclegan-horse2zebra', 'subnet.json')}`,
    );
    expect(fs.readdirSync(dir).sort()).toEqual(['blob.json', 'broken.json']);
  });

  it('prints the summary in the order things happen, and the size a --dynamic export\'s MACs are for', () => {
    const dir = tempDir();
    const r = gcExport([writeSubnet(dir, subnet()), '--verify', '--dynamic']);
    expect(r.status).toBe(0);
    const labels = r.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]);
    expect(labels).toEqual(['input', 'params', 'MACs', 'weights', 'kind', 'export', 'verify', 'wrote']);
    expect(r.stdout).toMatch(/^ {2}input {4}batchx3xheightxwidth -> output batchx3xheightxwidth, opset 13$/m);
    expect(r.stdout).toMatch(/^ {2}MACs {5}[\d.]+ [GMK]? ?\(paper convention, at 1x3x64x64\)$/m);
    const fixed = gcExport([writeSubnet(dir, subnet(), 'fixed.json')]);
    expect(fixed.stdout).toMatch(/^ {2}MACs {5}[\d.]+ [GMK]? ?\(paper convention\)$/m);
  });

  it('refuses an unknown field by listing the known ones, and writes nothing', () => {
    const dir = tempDir();
    const r = gcExport([writeSubnet(dir, subnet({ chanels: 3 }))]);
    expectCleanError(r, 'E_SUBNET_JSON', /unknown field "chanels"/);
    expect(r.stderr).toMatch(/known fields: architecture, config, weights, ngf, input, output/);
    expect(fs.readdirSync(dir)).toEqual(['subnet.json']);
  });

  it('refuses a config wider than the supernet, naming the layer and both widths', () => {
    const dir = tempDir();
    const r = gcExport([writeSubnet(dir, subnet({ config: '16_16_64_16_16_16_16_16' }))]);
    expectCleanError(r, 'E_CONFIG', /64.*16|16.*64/);
    expect(fs.readdirSync(dir)).toEqual(['subnet.json']);
  });

  it('refuses a config with the wrong number of entries', () => {
    const dir = tempDir();
    expectCleanError(gcExport([writeSubnet(dir, subnet({ config: '16_16_16' }))]), 'E_CONFIG', /8 or 6 entries, got 3/);
  });

  it('refuses non-integer and non-positive config entries', () => {
    const dir = tempDir();
    expectCleanError(gcExport([writeSubnet(dir, subnet({ config: [16, 16, 0, 16, 16, 16, 16, 16] }))]), 'E_CONFIG', /entry 2 is 0/);
    expectCleanError(gcExport([writeSubnet(dir, subnet({ config: '16_16_8.5_16_16_16_16_16' }))]), 'E_CONFIG', /entry 2 is 8.5/);
  });

  it('refuses a declared ngf that the weights contradict', () => {
    const dir = tempDir();
    expectCleanError(gcExport([writeSubnet(dir, subnet({ ngf: 32 }))]), 'E_WEIGHTS_SHAPE', /"ngf" is 32 but .* ngf 16/);
  });

  it('refuses input sizes that are not multiples of 4', () => {
    const dir = tempDir();
    const r = gcExport([writeSubnet(dir, subnet({ input: { height: 66, width: 64 } }))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error\[E_(SUBNET_JSON|CONFIG)\]: .*66/);
  });

  it('names the missing weights file and where it was resolved from', () => {
    const dir = tempDir();
    const r = gcExport([writeSubnet(dir, subnet({ weights: 'nope.pth' }))]);
    expectCleanError(r, 'E_WEIGHTS_IO', new RegExp(`${path.join(dir, 'nope.pth').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*ENOENT`));
  });

  it('refuses weights of another architecture with a keys error', () => {
    const dir = tempDir();
    const r = gcExport([writeSubnet(dir, subnet({ weights: path.join(RESNET, 'teacher.pth') }))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error\[E_WEIGHTS_(KEYS|SHAPE)\]: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the stack trace only with --debug', () => {
    const dir = tempDir();
    const file = writeSubnet(dir, subnet({ config: '16_16_16' }));
    expect(gcExport([file]).stderr).not.toMatch(/\n\s+at /);
    expect(gcExport([file, '--debug']).stderr).toMatch(/\n\s+at /);
  });

  it('reports bad arguments with exit code 2', () => {
    const r = gcExport(['examples/cyclegan-horse2zebra/subnet.json', '--opset', '9']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^error\[E_ARGS\]: --opset '9': use an integer from 11 to 17/);
    expect(gcExport(['examples/cyclegan-horse2zebra/subnet.json', '--opset', 'abc']).stderr).toMatch(/--opset 'abc'/);
    expect(gcExport([]).status).toBe(2);
  });

  it('refuses to write the model over its own subnet.json or weights', () => {
    const dir = tempDir();
    const weights = path.join(dir, 'supernet.pth');
    fs.copyFileSync(supernet, weights);
    const file = writeSubnet(dir, subnet({ weights: 'supernet.pth' }));
    for (const target of [weights, file]) {
      const r = gcExport([file, '-o', target]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error\[E_ARGS\]: --output .* an input of this export/);
    }
    expect(fs.readFileSync(weights).equals(fs.readFileSync(supernet))).toBe(true);
  });

  it('refuses an output path that is a folder or not a regular file, and an empty one', () => {
    const dir = tempDir();
    const file = writeSubnet(dir, subnet());
    expectCleanError(gcExport([file, '-o', dir]), 'E_OUTPUT', /is a folder/);
    expectCleanError(gcExport([file, '-o', '/dev/null']), 'E_OUTPUT', /is not a regular file/);
    expect(gcExport([file, '-o', '']).stderr).toMatch(/^error\[E_ARGS\]: /);
  });

  it('writes through a symlink to its file and takes the last of repeated options', () => {
    const dir = tempDir();
    const file = writeSubnet(dir, subnet());
    const real = path.join(dir, 'real.onnx');
    fs.writeFileSync(real, 'old');
    fs.symlinkSync(real, path.join(dir, 'link.onnx'));
    expect(gcExport([file, '-o', path.join(dir, 'ignored.onnx'), '-o', path.join(dir, 'link.onnx'), '-q']).status).toBe(0);
    expect(fs.lstatSync(path.join(dir, 'link.onnx')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real).length).toBeGreaterThan(1000);
    expect(fs.existsSync(path.join(dir, 'ignored.onnx'))).toBe(false);
  });

  it('accepts a subnet.json with a UTF-8 byte order mark', () => {
    const dir = tempDir();
    const file = writeSubnet(dir, `\uFEFF${JSON.stringify(subnet())}`);
    expect(gcExport([file, '-q']).status).toBe(0);
  });

  it('refuses a weights path that is not a regular file instead of reading it forever', () => {
    const dir = tempDir();
    expectCleanError(gcExport([writeSubnet(dir, subnet({ weights: '/dev/zero' }))]), 'E_WEIGHTS_IO', /not a regular file/);
    expectCleanError(gcExport([writeSubnet(dir, subnet({ weights: dir }))]), 'E_WEIGHTS_IO', /EISDIR/);
  });

  it('refuses input sizes past the supported bound instead of overflowing', () => {
    const dir = tempDir();
    expectCleanError(gcExport([writeSubnet(dir, subnet({ input: { height: 1e20, width: 64 } }))]), 'E_SUBNET_JSON', /"input.height" .* over the largest supported 16384/);
  });

  it('keeps an existing output file when the export fails', () => {
    const dir = tempDir();
    const out = path.join(dir, 'keep.onnx');
    fs.writeFileSync(out, 'previous model');
    const r = gcExport([writeSubnet(dir, subnet({ config: '16_16_64_16_16_16_16_16' })), '-o', out]);
    expect(r.status).toBe(1);
    expect(fs.readFileSync(out, 'utf8')).toBe('previous model');
    expect(fs.readdirSync(dir).sort()).toEqual(['keep.onnx', 'subnet.json']);
  });

  it('is reachable as npx gc-export from the repository root', () => {
    expect(fs.existsSync(path.join(REPO, 'node_modules', '.bin', 'gc-export'))).toBe(true);
  });
});
