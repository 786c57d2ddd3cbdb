/** gc-export --precision / --io: the summary's precision lines, --verify's figures, the refusals. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeModel } from '@gc-edge/core';
import { gcExport, REPO, tempDir } from './helpers';

const EDGES2SHAPES = path.join(REPO, 'examples', 'edges2shapes', 'subnet.json');

describe('gc-export --precision', () => {
  it('fp16 --verify: prints the precision, the nodes kept in float32, max abs error and PSNR against the criterion', () => {
    const out = path.join(tempDir(), 'e2s.onnx');
    const r = gcExport([EDGES2SHAPES, '--precision', 'fp16', '--verify', '-o', out]);
    expect(r.status).toBe(0);
    const labels = r.stdout.trim().split('\n').slice(1).map((l) => l.match(/^ {2}(\S+)/)?.[1]).filter((l) => l !== undefined);
    expect(labels).toEqual(['input', 'params', 'MACs', 'weights', 'kind', 'export', 'floats', 'kept', 'verify', 'wrote']);
    expect(r.stdout).toMatch(/^ {2}floats {3}fp16 weights and activations, float32 inputs and outputs$/m);
    const kept = decodeModel(fs.readFileSync(out)).metadata['gc_edge.precision.kept_fp32']!.split(',');
    expect(r.stdout).toMatch(new RegExp(`^ {2}kept {5}${kept.length} nodes in float32: stem\\.norm, down1\\.norm,`, 'm'));
    expect(r.stdout.replace(/\n\s+/g, ' ')).toContain(`in float32: ${kept.join(', ')} `);
    expect(r.stdout).toMatch(
      /^ {2}verify {3}max abs error \d\.\d\de-\d, PSNR \d+\.\d dB vs float64 reference \(ok, max abs <= 0\.06, PSNR >= 60 dB\) in /m,
    );
  });

  it('fp32 (the default) prints no precision lines and its criterion with the PSNR', () => {
    const r = gcExport([EDGES2SHAPES, '--verify', '-o', path.join(tempDir(), 'e2s.onnx')]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/floats|kept/);
    expect(r.stdout).toMatch(/verify {3}max abs error \d\.\d\de-\d, PSNR \d+\.\d dB vs float64 reference \(ok, max abs <= 0\.0001\)/);
  });

  it('--json carries the precision and the verify figures', () => {
    const r = gcExport([EDGES2SHAPES, '--precision', 'fp16', '--io', 'fp16', '--json', '-o', path.join(tempDir(), 'e2s.onnx')]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as { precision: { precision: string; io: string; keptFp32: string[] } };
    expect(s.precision.precision).toBe('fp16');
    expect(s.precision.io).toBe('fp16');
    expect(s.precision.keptFp32).toContain('head.tanh');
  });

  it('refuses an unknown precision by listing the known ones, and --io fp16 without --precision fp16', () => {
    const dir = tempDir();
    const bad = gcExport([EDGES2SHAPES, '--precision', 'bf16', '-o', path.join(dir, 'x.onnx')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error\[E_ARGS\]: --precision 'bf16': use one of: fp32, fp16\n {2}hint: /);
    const io = gcExport([EDGES2SHAPES, '--io', 'fp16', '-o', path.join(dir, 'x.onnx')]);
    expect(io.status).toBe(2);
    expect(io.stderr).toMatch(/^error\[E_ARGS\]: --io fp16 needs --precision fp16/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
