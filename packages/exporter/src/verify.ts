/**
 * --verify: run the exported bytes on onnxruntime-node (CPU, all graph optimisations) and the float32
 * graph they were made from through the float64 reference interpreter on a seeded input; compare the
 * two with compareTensors (max abs error, PSNR over the tanh output's range of 2) against the
 * criterion of the model's precision (VERIFY_CRITERIA; docs/precision.md says how they were chosen).
 */
import {
  compareTensors,
  decodeContract,
  decodePrecision,
  fromFloat16Bits,
  GcError,
  type Model,
  numel,
  ortLogLevel,
  type Precision,
  seededRandom,
  type TensorComparison,
  toFloat16Bits,
} from '@gc-edge/core';
import { runReference } from './reference';

/** A precision's pass mark: max abs error at most `maxAbs` and, where set, PSNR at least `minPsnrDb`. */
export interface VerifyCriterion {
  readonly maxAbs: number;
  readonly minPsnrDb?: number;
}

/**
 * fp32: what float32 arithmetic leaves of the float64 result. fp16: chosen from every golden case
 * and trained example with margin (docs/precision.md: worst measured max abs 2.9e-2, PSNR 66.9 dB,
 * both from examples/edges2shapes; the golden cases stay under 3.1e-3 and above 70 dB).
 */
export const VERIFY_CRITERIA: Readonly<Record<Precision, VerifyCriterion>> = {
  fp32: { maxAbs: 1e-4 },
  fp16: { maxAbs: 0.06, minPsnrDb: 60 },
};

/** fp32's max abs error tolerance (VERIFY_CRITERIA.fp32). */
export const VERIFY_TOLERANCE = VERIFY_CRITERIA.fp32.maxAbs;

export interface VerifyResult {
  readonly maxAbsError: number;
  /** PSNR over the output range 2 ([-1, 1]), dB. */
  readonly psnrDb: number;
  /** The whole comparison (mean abs error, the worst value and where). */
  readonly comparison: TensorComparison;
  readonly precision: Precision;
  readonly criterion: VerifyCriterion;
  /** The criterion's max abs error (kept for readers of fp32 results). */
  readonly tolerance: number;
  readonly ok: boolean;
  readonly inputShape: readonly number[];
  readonly seed: number;
}

/** Whether a comparison meets a criterion. */
export function meetsCriterion(c: Pick<TensorComparison, 'maxAbs' | 'psnrDb'>, criterion: VerifyCriterion): boolean {
  return c.maxAbs <= criterion.maxAbs && (criterion.minPsnrDb === undefined || c.psnrDb >= criterion.minPsnrDb);
}

/** The criterion in words: `max abs <= 0.02, PSNR >= 50 dB`. */
export function describeCriterion(criterion: VerifyCriterion): string {
  return `max abs <= ${criterion.maxAbs}${criterion.minPsnrDb === undefined ? '' : `, PSNR >= ${criterion.minPsnrDb} dB`}`;
}

/**
 * Regions in a seeded label map: about the objects in a street scene, at any resolution (so a small
 * test export sees the same kind of map as a full-size one).
 */
export const LABEL_MAP_REGIONS = 48;

/**
 * A seeded input for the model's first input: images in [-1, 1]; where the model contract says the
 * input is a label map, a street-scene-like label map (`labelMapInput`).
 */
export function seededInput(model: Model, shape: readonly number[], seed: number): Float32Array {
  const rand = seededRandom(seed);
  const n = numel(shape);
  const data = new Float32Array(n);
  const input = decodeContract(model.metadata)?.inputs.find((t) => t.name === model.graph.inputs[0]?.name);
  if (input?.kind === 'label_map' && shape.length === 4) {
    labelMapInput(data, shape as [number, number, number, number], input.instanceEdge ?? true, rand);
    return data;
  }
  for (let i = 0; i < n; i++) data[i] = rand() * 2 - 1;
  return data;
}

/**
 * What upstream's SPADE preprocessing makes of a label map: per batch item, LABEL_MAP_REGIONS regions
 * of varied size (a Voronoi diagram in pixel units, each site's distances divided by a size factor in
 * [1/2, 2]), each one random class (one-hot over the label channels); with `instanceEdge` the last
 * channel is the instance-edge map (get_edges: 1 on both sides of every boundary between two
 * regions). Large flat regions and thin edges, as in real maps: random blocks with scattered edge
 * pixels are easier on float32 than the maps the model serves.
 */
function labelMapInput(
  data: Float32Array,
  shape: readonly [number, number, number, number],
  instanceEdge: boolean,
  rand: () => number,
): void {
  const [b, c, h, w] = shape;
  const plane = h * w;
  const labels = instanceEdge ? c - 1 : c;
  const sy = new Float64Array(LABEL_MAP_REGIONS);
  const sx = new Float64Array(LABEL_MAP_REGIONS);
  const inv = new Float64Array(LABEL_MAP_REGIONS);
  const cls = new Int32Array(LABEL_MAP_REGIONS);
  const region = new Int32Array(plane);
  for (let bi = 0; bi < b; bi++) {
    for (let k = 0; k < LABEL_MAP_REGIONS; k++) {
      sy[k] = rand() * h;
      sx[k] = rand() * w;
      const size = 2 ** (2 * rand() - 1);
      inv[k] = 1 / (size * size);
      cls[k] = Math.floor(rand() * labels);
    }
    const base = bi * c * plane;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let best = Infinity;
        let at = 0;
        for (let k = 0; k < LABEL_MAP_REGIONS; k++) {
          const dy = y + 0.5 - sy[k]!;
          const dx = x + 0.5 - sx[k]!;
          const d = (dy * dy + dx * dx) * inv[k]!;
          if (d < best) {
            best = d;
            at = k;
          }
        }
        region[y * w + x] = at;
        if (labels > 0) data[base + cls[at]! * plane + y * w + x] = 1;
      }
    }
    if (!instanceEdge) continue;
    const edge = base + labels * plane;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const r = region[i];
        if (
          (x > 0 && region[i - 1] !== r) ||
          (x < w - 1 && region[i + 1] !== r) ||
          (y > 0 && region[i - w] !== r) ||
          (y < h - 1 && region[i + w] !== r)
        ) {
          data[edge + i] = 1;
        }
      }
    }
  }
}

/** Progress of a verification: fraction 0..1 of the whole check and what it is doing. */
export type VerifyProgress = (fraction: number, label: string) => void;

/** Share of the check spent on onnxruntime (the float64 reference takes the rest, and most of it). */
const ORT_SHARE = 0.05;

/**
 * Verifies `model` (its `bytes`) against the float64 run of `reference`, the float32 model it was
 * made from (the model itself when it is float32).
 */
export async function verifyModel(
  model: Model,
  bytes: Uint8Array,
  seed = 0,
  onProgress?: VerifyProgress,
  reference: Model = model,
): Promise<VerifyResult> {
  const input = model.graph.inputs[0]!;
  const output = model.graph.outputs[0]!;
  const shape = input.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 256));
  let data = seededInput(model, shape, seed);
  // A float16 input: the caller's values are rounded to float16; the reference gets the same values.
  const halfInput = input.elemType === 'float16' ? toFloat16Bits(data) : undefined;
  if (halfInput) data = fromFloat16Bits(halfInput);

  // Loaded lazily: a plain export never pays for onnxruntime's native module.
  const ort = await import('onnxruntime-node');
  const log = ortLogLevel();
  ort.env.logLevel = log.level;
  let actual: Float32Array;
  onProgress?.(0, 'verify: running on onnxruntime');
  try {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: log.severity,
    });
    const feed = halfInput ? new ort.Tensor('float16', halfInput, shape) : new ort.Tensor('float32', data, shape);
    const out = (await session.run({ [input.name]: feed }))[output.name]!;
    actual = out.type === 'float16' ? fromFloat16Bits(out.data as Uint16Array) : (out.data as Float32Array);
    await session.release();
  } catch (e) {
    throw new GcError('E_VERIFY', `onnxruntime could not run the exported model: ${(e as Error).message}`, {
      hint: 'rerun with --debug and report it; the file was not written',
      cause: e,
    });
  }
  const refInput = reference.graph.inputs[0]!.name;
  const ref = runReference(reference.graph, { [refInput]: { dims: shape, data: Float64Array.from(data) } }, (done, total, node) =>
    onProgress?.(ORT_SHARE + ((1 - ORT_SHARE) * done) / total, `verify: float64 reference, node ${done} of ${total} (${node.name})`),
  );
  const expected = ref[reference.graph.outputs[0]!.name]!;
  if (expected.data.length !== actual.length) {
    throw new GcError('E_VERIFY', `onnxruntime produced ${actual.length} values, the reference ${expected.data.length}`);
  }
  const comparison = compareTensors(actual, expected.data, { shape: expected.dims, range: 2 });
  const precision = decodePrecision(model.metadata).precision;
  const criterion = VERIFY_CRITERIA[precision];
  return {
    maxAbsError: comparison.maxAbs,
    psnrDb: comparison.psnrDb,
    comparison,
    precision,
    criterion,
    tolerance: criterion.maxAbs,
    ok: meetsCriterion(comparison, criterion),
    inputShape: shape,
    seed,
  };
}
