/**
 * gc-export on released checkpoints through the real CLI: what the summary, --json and the model
 * metadata say about the weights' form, and the refusals when a checkpoint disagrees with subnet.json
 * (first disagreeing layer with both shapes, a hint, exit 1, no output file). Expected layers and
 * shapes come from upstream's own files, never from our shape tables.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeModel, shapeString } from '@gc-edge/core';
import { loadStateDict } from '../../src/weights';
import { gcExport, tempDir, writeSubnet } from '../cli/helpers';
import { loadFloatNpy, loadReleasedManifest, RELEASED_FIXTURES, releasedRows, subnetJsonFor, type ReleasedCase } from './helpers';

const manifest = loadReleasedManifest();
const rows = releasedRows(manifest);
const weightsPath = (file: string): string => path.join(RELEASED_FIXTURES, file);

/** A case's subnet.json written to a fresh folder, with `changes` applied; weights by absolute path. */
function subnetFor(c: ReleasedCase, file: string, changes: Record<string, unknown> = {}): { dir: string; subnet: string } {
  const dir = tempDir();
  const json = { ...subnetJsonFor(c, weightsPath(file), loadFloatNpy(c.input).dims), ...changes };
  return { dir, subnet: writeSubnet(dir, json) };
}

/** One error line with the code + one hint line, exit 1, nothing written beside subnet.json. */
function expectRefusal(r: { status: number | null; stderr: string }, dir: string, code: string): { message: string; hint: string } {
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(new RegExp(`^error\\[${code}\\]: `));
  expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(fs.readdirSync(dir)).toEqual(['subnet.json']);
  return { message: lines[0]!, hint: lines[1]! };
}

/** The first key (upstream order) whose shape differs between two checkpoints of the same architecture. */
function firstDifference(a: string, b: string): { key: string; actual: readonly number[]; expected: readonly number[] } {
  const wa = loadStateDict(weightsPath(a));
  const wb = loadStateDict(weightsPath(b));
  for (const [key, t] of wa) {
    const u = wb.get(key)!;
    if (shapeString(t.shape) !== shapeString(u.shape)) return { key, actual: t.shape, expected: u.shape };
  }
  throw new Error(`${a} and ${b} have the same shapes`);
}

/** The fields of gc-export --json these tests read. */
interface JsonSummary {
  readonly output: string;
  readonly architecture: string;
  readonly weightsKind: string;
  readonly ngf: number | null;
  readonly ngfSource: string | null;
}

const compressed = rows.filter((r) => r.c.architecture === 'sub_mobile_resnet_9blocks');
const legacy = rows.find((r) => r.c.architecture === 'legacy_sub_mobile_resnet_9blocks')!;
const spadeSub = rows.find((r) => r.c.architecture === 'sub_mobile_spade' && r.format === 'pth')!;
const teacher = rows.find((r) => r.c.architecture === 'spade')!;

describe('gc-export says what the weights held', () => {
  it('a released sub-network: "kind subnet" in the summary, weightsKind in --json, weights_kind in the model', () => {
    const { c, file } = compressed[0]!;
    const { dir, subnet } = subnetFor(c, file, { ngf: undefined });
    const human = gcExport([subnet, '-o', path.join(dir, 'h.onnx')]);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^ {2}kind {5}subnet \(/m);
    expect(human.stdout.split('\n')[0]).toBe(`gc-export: mobile_resnet_9blocks ${c.config}`); // no ngf: nothing records it

    const r = gcExport([subnet, '--json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as JsonSummary;
    expect([summary.architecture, summary.weightsKind, summary.ngf, summary.ngfSource]).toEqual([
      'mobile_resnet_9blocks',
      'subnet',
      null,
      null,
    ]);
    const model = decodeModel(fs.readFileSync(summary.output));
    expect(model.metadata['weights_kind']).toBe('subnet');
    expect(model.metadata['architecture']).toBe('mobile_resnet_9blocks');
  });

  it('the GauGAN sub-network records its supernet width: ngf comes from the weights', () => {
    const { c, file } = spadeSub;
    const { subnet } = subnetFor(c, file, { ngf: undefined });
    const summary = JSON.parse(gcExport([subnet, '--json']).stdout) as JsonSummary;
    expect([summary.architecture, summary.weightsKind, summary.ngf, summary.ngfSource]).toEqual([
      'mobile_spade',
      'subnet',
      c.ngf,
      'weights',
    ]);
  });

  it('the teacher is the full generator', () => {
    const { c, file } = teacher;
    const { subnet } = subnetFor(c, file);
    const summary = JSON.parse(gcExport([subnet, '--json']).stdout) as JsonSummary;
    expect([summary.architecture, summary.weightsKind, summary.ngf]).toEqual(['spade', 'full', c.ngf]);
  });
});

describe('gc-export refuses a checkpoint that disagrees with subnet.json', () => {
  it('a sub-network of another config: the first disagreeing layer, both shapes, and the config it is', () => {
    const [mine, other] = compressed as [(typeof compressed)[0], (typeof compressed)[0]];
    const { dir, subnet } = subnetFor(mine.c, mine.file, { config: other.c.config });
    const { message, hint } = expectRefusal(gcExport([subnet]), dir, 'E_WEIGHTS_SHAPE');
    const d = firstDifference(mine.file, other.file);
    expect(message).toContain(
      `${d.key} has shape ${shapeString(d.actual)}, the mobile_resnet_9blocks sub-network ${other.c.config} expects ${shapeString(d.expected)}`,
    );
    expect(hint).toContain(`this looks like the sub-network of config ${mine.c.config}`);
  });

  it('a legacy sub-network named as a SubMobileResnetGenerator one: the hint names the architecture it is', () => {
    const { dir, subnet } = subnetFor(legacy.c, legacy.file, { architecture: 'sub_mobile_resnet_9blocks' });
    const { message, hint } = expectRefusal(gcExport([subnet]), dir, 'E_WEIGHTS_SHAPE');
    expect(message).toMatch(/model\.\d+\.conv_block\.1\.conv\.2\.weight has shape \[\d+, \d+, 1, 1\], the mobile_resnet_9blocks sub-network/);
    expect(hint).toContain(`"architecture": "legacy_mobile_resnet_9blocks" and "config": "${legacy.c.config}"`);
  });

  it('weights that are no sub-network and no supernet of the declared channels: both readings named', () => {
    const { c, file } = compressed[0]!;
    const { dir, subnet } = subnetFor(c, file, { output: { channels: 1 } });
    const { message, hint } = expectRefusal(gcExport([subnet]), dir, 'E_WEIGHTS_SHAPE');
    const head = loadStateDict(weightsPath(file)).get('model.26.weight')!;
    const expected = shapeString([1, ...head.shape.slice(1)]);
    expect(message).toContain(
      `model.26.weight has shape ${shapeString(head.shape)}, the mobile_resnet_9blocks sub-network ${c.config} expects ${expected}`,
    );
    expect(hint).toMatch(/the weights are neither the .* nor the /);
    expect(hint).toMatch(/the mobile_resnet_9blocks supernet \(ngf \d+\)/);
    expect(hint).toContain(`the mobile_resnet_9blocks sub-network ${c.config}`);
  });

  it('a GauGAN sub-network with a declared ngf its batch-norm statistics contradict', () => {
    const { c, file } = spadeSub;
    const { dir, subnet } = subnetFor(c, file, { ngf: 2 * c.ngf });
    const { message } = expectRefusal(gcExport([subnet]), dir, 'E_WEIGHTS_SHAPE');
    expect(message).toContain(`"ngf" is ${2 * c.ngf} but`);
    expect(message).toContain(`ngf ${c.ngf} (its batch-norm statistics say so)`);
  });

  it("the teacher's checkpoint named as a compressed GauGAN: its plain SPADE heads are not part of it", () => {
    const { c, file } = teacher;
    const { dir, subnet } = subnetFor(c, file, { architecture: 'sub_mobile_spade', config: spadeSub.c.config });
    const { message } = expectRefusal(gcExport([subnet]), dir, 'E_WEIGHTS_KEYS');
    expect(message).toMatch(/key\(s\) (of the mobile_spade .* are missing|are not part of the mobile_spade)/);
  });
});
