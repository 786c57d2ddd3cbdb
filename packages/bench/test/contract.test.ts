/**
 * gc-bench reads the model contract, never an architecture's name: latency records the family and
 * role, compare measures each model against the teacher of its own family on the same device
 * (models of an architecture no code knows included; reports written before the contract through
 * their architecture), and latency / macs run symbolic dims at the default size the contract
 * declares. Tiny models on this machine's CPU, real onnxruntime.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ContractInput, encodeContract, type Role } from '@gc-edge/core';
import yargs, { type Argv } from 'yargs';
import { buildComparison, countModelFile, type LatencyReport, runLatency } from '@gc-edge/bench';
import { compareCommand } from '../src/cli/compare-command';
import { tinyMacs, writeTinyModel } from './tiny-model';

const FAST = { device: 'cpu', threads: 1, warmupRuns: 1, warmupSeconds: 0, minIterations: 4, minDurationS: 0 } as const;

const photoInput = (defaultSize?: { height: number; width: number }): ContractInput => ({
  name: 'input',
  kind: 'photo',
  channels: 3,
  preprocess: 'rgb_pm1',
  size: { multiple: 4, min: 8 },
  ...(defaultSize ? { defaultSize } : {}),
});

/** Contract keys for a tiny model, with an architecture name nothing in gc-edge knows. */
function contract(family: string, role: Role, input: ContractInput = photoInput()): Record<string, string> {
  return {
    architecture: `${family}_${role}_generator`,
    ...encodeContract({ version: 1, family, role, inputs: [input], outputs: [{ name: 'output', kind: 'photo', postprocess: 'pm1_rgb' }] }),
  };
}

/** Conv width of each tiny model (its MACs: tinyMacs(width)). */
const WIDTHS: Readonly<Record<string, number>> = {
  'munit-teacher': 16,
  'munit-student': 4,
  'cyc-teacher': 12,
  'cyc-student': 2,
  foreign: 8,
};

let dir: string;
const reports = new Map<string, LatencyReport>();

async function latency(name: string, metadata: Record<string, string>): Promise<LatencyReport> {
  const report = await runLatency({ ...FAST, model: writeTinyModel(dir, name, { width: WIDTHS[name]!, metadata }) });
  reports.set(name, report);
  return report;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-contract-'));
  await latency('munit-teacher', contract('munit', 'teacher'));
  await latency('munit-student', contract('munit', 'student'));
  await latency('cyc-teacher', contract('cyclegan-resnet', 'teacher'));
  await latency('cyc-student', contract('cyclegan-resnet', 'student'));
  await latency('foreign', {});
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const entries = (...names: string[]): { file: string; report: LatencyReport }[] =>
  names.map((n) => ({ file: `${n}.json`, report: reports.get(n)! }));

function row(names: string[], model: string) {
  return buildComparison(entries(...names)).rows.find((r) => r.model === model)!;
}

describe('latency records the contract', () => {
  it('writes family and role, and null for a model without a contract', () => {
    expect(reports.get('munit-student')!.model).toMatchObject({
      architecture: 'munit_student_generator',
      family: 'munit',
      role: 'student',
    });
    expect(reports.get('foreign')!.model).toMatchObject({ architecture: null, family: null, role: null });
  });
});

describe('compare measures each model against the teacher of its family', () => {
  const all = ['munit-teacher', 'munit-student', 'cyc-teacher', 'cyc-student', 'foreign'];

  it.each([
    ['munit-student', 'munit-teacher'],
    ['cyc-student', 'cyc-teacher'],
    ['munit-teacher', 'munit-teacher'],
  ])('%s against %s', (model, teacher) => {
    const r = row(all, model);
    const base = reports.get(teacher)!;
    expect(r.speedup).toBe(reports.get(model)!.fps / base.fps);
    expect(r.macsReduction).toBe(tinyMacs(WIDTHS[teacher]!) / tinyMacs(WIDTHS[model]!));
  });

  it('marks every family teacher as a baseline and says how baselines are chosen', () => {
    const c = buildComparison(entries(...all));
    expect(c.rows.filter((r) => r.isBaseline).map((r) => r.model).sort()).toEqual(['cyc-teacher', 'munit-teacher']);
    expect(c.baseline).toBe("the teacher of each model's family (the full generator, from the model contract in the metadata)");
  });

  it('gives a model without a contract the teacher only when one family has a teacher on the device', () => {
    expect(row(all, 'foreign').speedup).toBeNull();
    expect(row(['cyc-teacher', 'cyc-student', 'foreign'], 'foreign').speedup).toBe(
      reports.get('foreign')!.fps / reports.get('cyc-teacher')!.fps,
    );
  });

  it('has no baseline for a family whose teacher was not measured', () => {
    expect(row(['munit-student', 'cyc-teacher'], 'munit-student').speedup).toBeNull();
  });

  it('reads reports written before the contract through their architecture', () => {
    const old = (name: string, architecture: string): LatencyReport => {
      const { family: _f, role: _r, ...model } = reports.get(name)!.model;
      return { ...reports.get(name)!, model: { ...model, architecture, config: null } };
    };
    const c = buildComparison([
      { file: 'a.json', report: old('munit-teacher', 'resnet_9blocks') },
      { file: 'b.json', report: old('munit-student', 'mobile_resnet_9blocks') },
    ]);
    const student = c.rows.find((r) => r.model === 'munit-student')!;
    expect(student.speedup).toBe(reports.get('munit-student')!.fps / reports.get('munit-teacher')!.fps);
  });
});

describe('symbolic dims run at the contract default size', () => {
  let dynamic: string;
  let bare: string;
  beforeAll(() => {
    dynamic = writeTinyModel(dir, 'dynamic', {
      width: 4,
      dynamicBatch: true,
      dynamicSize: true,
      metadata: contract('toy', 'student', photoInput({ height: 24, width: 40 })),
    });
    bare = writeTinyModel(dir, 'bare-dynamic', { width: 4, dynamicBatch: true, dynamicSize: true });
  });

  it('benchmarks at batch 1 and the default size unless --batch / --shape say otherwise', async () => {
    expect((await runLatency({ ...FAST, model: dynamic })).model.inputShape).toEqual([1, 3, 24, 40]);
    expect((await runLatency({ ...FAST, model: dynamic, batch: 2 })).model.inputShape).toEqual([2, 3, 24, 40]);
    expect((await runLatency({ ...FAST, model: dynamic, shapes: { height: 16 } })).model.inputShape).toEqual([1, 3, 16, 40]);
  });

  it('counts MACs at the default size, and still asks for sizes a model without a contract leaves open', () => {
    const px = 24 * 40;
    expect(countModelFile(dynamic, 'paper').macs).toBe(px * 4 * 27 + px * 4 + px * 3 * 4 * 9);
    expect(() => countModelFile(bare, 'paper')).toThrow(/input 'input' has symbolic dims batch, height, width/);
  });

  it('refuses --end-to-end for a model whose contract says its input is not a photo', async () => {
    const labels = writeTinyModel(dir, 'labels', {
      width: 4,
      metadata: contract('toy', 'student', {
        name: 'input',
        kind: 'label_map',
        channels: 3,
        preprocess: 'one_hot',
        size: { multiple: 1, min: 1 },
        instanceEdge: true,
      }),
    });
    await expect(runLatency({ ...FAST, model: labels, endToEnd: true })).rejects.toMatchObject({
      code: 'E_ARGS',
      message: `--end-to-end times the photo pipeline, but ${labels} says (model contract) its input 'input' is a label_map`,
    });
  });
});

describe('compare --help', () => {
  it('names no architecture for the default baseline', async () => {
    const builder = compareCommand.builder as (y: Argv) => Argv;
    const help = await builder(yargs([]).scriptName('gc-bench compare').wrap(null)).getHelp();
    expect(help).toContain('[default: per model, the teacher of its family, from the model contract]');
    expect(help).not.toMatch(/resnet/);
  });
});
