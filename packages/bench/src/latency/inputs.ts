/**
 * Input shapes for a benchmark run (the model's declared shapes, `--shape` overrides, `--batch`)
 * and deterministic input data (a seeded generator, values in [-1, 1] like a normalised image).
 */
import { GcError, resolveInputShapes, seededRandom, type ShapeOverrides, type ValueInfo } from '@gc-edge/core';

/** Folds `--batch` into the shape overrides: the first dimension of every input not overridden. */
export function withBatch(inputs: readonly ValueInfo[], shapes: ShapeOverrides, batch: number | undefined): ShapeOverrides {
  if (batch === undefined) return shapes;
  if (!Number.isInteger(batch) || batch < 1) throw new GcError('E_ARGS', `--batch ${batch}: must be a positive integer`);
  const out: Record<string, readonly number[] | number> = { ...shapes };
  for (const inp of inputs) {
    if (out[inp.name] !== undefined || inp.shape.length === 0) continue;
    const first = inp.shape[0]!;
    if (typeof first === 'string') {
      const given = out[first];
      if (given !== undefined && given !== batch) {
        throw new GcError('E_ARGS', `--batch ${batch} conflicts with --shape ${first}=${String(given)}`);
      }
      out[first] = batch;
    } else if (first !== batch) {
      throw new GcError('E_ARGS', `--batch ${batch}: input '${inp.name}' has a fixed batch of ${first} [${inp.shape.join('x')}]`, {
        hint: 'export the model with --dynamic (gc-export) to benchmark other batch sizes',
      });
    }
  }
  return out;
}

export function inputShapes(inputs: readonly ValueInfo[], shapes: ShapeOverrides, batch?: number): Map<string, number[]> {
  return resolveInputShapes(inputs, withBatch(inputs, shapes, batch));
}

/** Seeded values in [-1, 1] (the exporter's mulberry32), so runs and machines see the same data. */
export function seededInput(n: number, seed = 1): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() * 2 - 1;
  return out;
}

/** Parses repeated `--shape name=1x3x256x256` / `--shape height=512` arguments. */
export function parseShapeArgs(args: readonly string[] | undefined): ShapeOverrides {
  const out: Record<string, readonly number[] | number> = {};
  for (const arg of args ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(arg);
    if (!m) throw new GcError('E_ARGS', `--shape '${arg}': expected name=dims, e.g. input=1x3x256x256 or height=512`);
    const name = m[1]!.trim();
    const parts = m[2]!.split(/[x,]/).map((p) => p.trim());
    const dims = parts.map(Number);
    if (dims.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new GcError('E_ARGS', `--shape '${arg}': '${m[2]}' is not a list of positive integers (1x3x256x256)`);
    }
    if (out[name] !== undefined) throw new GcError('E_ARGS', `--shape '${arg}': '${name}' is given twice`);
    out[name] = dims.length === 1 && !/[x,]/.test(m[2]!) ? dims[0]! : dims;
  }
  return out;
}
