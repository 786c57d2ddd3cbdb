/**
 * The inputs `gc-bench accuracy` feeds both sides, picked by the model contract as gc-serve picks its
 * pipeline: synthetic and seeded by default (values in [-1, 1] for photo and tensor inputs, a blocky
 * seeded label map one-hot encoded for label-map inputs), or every image in a folder through the
 * runtime's own pipelines (photos: decode + resize + rgb_pm1; label maps: class ids or Cityscapes
 * colours -> one-hot + instance edges).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ContractInput, GcError, numel, readFailureReason, seededRandom, type ValueInfo } from '@gc-edge/core';
import { CITYSCAPES_PALETTE, encodeLabelMap, type FloatTensor, prepareLabelMap, preprocessImage } from '@gc-edge/runtime';
import { seededInput } from '../latency/inputs';

/** One set of feeds, named for the report. */
export interface AccuracySample {
  readonly input: string;
  readonly feeds: Readonly<Record<string, FloatTensor>>;
}

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;
/** Side of the square regions a synthetic label map is drawn in. */
const LABEL_BLOCK = 8;

/** A seeded label map of square regions, one-hot encoded as the contract says (classes, instance edge). */
function syntheticLabelMap(declared: ContractInput, dims: readonly number[], seed: number): FloatTensor {
  const [, , height = 1, width = 1] = dims;
  const instanceEdge = declared.instanceEdge === true;
  const classes = declared.channels - (instanceEdge ? 1 : 0);
  const rand = seededRandom(seed);
  const blocksX = Math.ceil(width / LABEL_BLOCK);
  const blockIds = Array.from({ length: blocksX * Math.ceil(height / LABEL_BLOCK) }, () => Math.floor(rand() * classes));
  const ids = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) ids[y * width + x] = blockIds[Math.floor(y / LABEL_BLOCK) * blocksX + Math.floor(x / LABEL_BLOCK)]!;
  }
  return encodeLabelMap({ width, height, ids }, undefined, { labelChannels: classes, noInstance: !instanceEdge }).tensor;
}

/** `count` seeded samples (seeds seed, seed + 1, ...). */
export function syntheticSamples(
  inputs: readonly ValueInfo[],
  declared: readonly ContractInput[],
  shapes: ReadonlyMap<string, number[]>,
  count: number,
  seed: number,
): AccuracySample[] {
  return Array.from({ length: count }, (_, k) => {
    const s = seed + k;
    const feeds: Record<string, FloatTensor> = {};
    inputs.forEach((inp, i) => {
      const dims = shapes.get(inp.name)!;
      const d = declared.find((t) => t.name === inp.name);
      // each input of a sample gets its own stream: seed s for the first, s + 1000 x i after it
      const stream = s + 1000 * i;
      feeds[inp.name] = d?.kind === 'label_map' ? syntheticLabelMap(d, dims, stream) : { data: seededInput(numel(dims), stream), dims };
    });
    return { input: `synthetic #${k + 1} (seed ${s})`, feeds };
  });
}

/** The image files of `dir` (png, jpeg, webp), sorted; E_ARGS when there are none or it cannot be read. */
export function imageFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.statSync(dir).isDirectory() ? fs.readdirSync(dir) : [path.basename(dir)];
  } catch (e) {
    throw new GcError('E_ARGS', `--inputs ${dir}: cannot read (${readFailureReason(e)})`, { cause: e });
  }
  const base = fs.statSync(dir).isDirectory() ? dir : path.dirname(dir);
  const files = names.filter((n) => IMAGE_FILE.test(n)).sort().map((n) => path.join(base, n));
  if (files.length === 0) {
    throw new GcError('E_ARGS', `--inputs ${dir}: no .png, .jpg or .webp files there`, {
      hint: 'a folder of photos (photo models) or label map PNGs (label-map models), or leave --inputs out for seeded synthetic inputs',
    });
  }
  return files;
}

/** One sample per image file, through the pipeline the contract names for the model's single input. */
export async function folderSamples(
  dir: string,
  input: ValueInfo,
  declared: ContractInput | undefined,
  dims: readonly number[],
): Promise<AccuracySample[]> {
  const [, , height = 1, width = 1] = dims;
  const out: AccuracySample[] = [];
  for (const file of imageFiles(dir)) {
    const bytes = fs.readFileSync(file);
    let tensor: FloatTensor;
    if (declared?.kind === 'label_map') {
      const instanceEdge = declared.instanceEdge === true;
      tensor = (
        await prepareLabelMap(bytes, {
          labelChannels: declared.channels - (instanceEdge ? 1 : 0),
          noInstance: !instanceEdge,
          semanticChannels: declared.channels,
          width,
          height,
          sizePolicy: 'resize',
          palette: CITYSCAPES_PALETTE,
          where: file,
        })
      ).tensor;
    } else if (declared === undefined || declared.kind === 'photo') {
      tensor = (await preprocessImage(bytes, { width, height, policy: 'resize' })).tensor;
    } else {
      throw new GcError('E_ARGS', `--inputs ${dir}: input '${input.name}' is a ${declared.kind} (model contract), not an image`, {
        hint: 'leave --inputs out: seeded synthetic tensors are used',
      });
    }
    out.push({ input: file, feeds: { [input.name]: tensor } });
  }
  return out;
}
