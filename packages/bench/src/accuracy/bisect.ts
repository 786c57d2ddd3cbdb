/**
 * `--bisect`: which node's output diverges first. Both models get their node outputs exposed as
 * graph outputs (core's exposeValues), a chunk at a time so memory stays at a chunk's activations;
 * the values both produce (same names: two exports of one config, or one model on two providers)
 * are compared in the reference's topological order, and the first node whose output differs by more
 * than atol + rtol x the reference value's largest magnitude is named. Stops at the end of the chunk
 * holding it: what comes after is downstream of it.
 */
import { compareTensors, exposeValues, GcError, nodesInOrder, PROBE_SUFFIX } from '@gc-edge/core';
import { createSession, type DeviceProfile, type FloatTensor } from '@gc-edge/runtime';
import type { AccuracySample } from './inputs';
import type { BisectNode, BisectResult } from './types';

export const DEFAULT_BISECT_ATOL = 1e-4;
export const DEFAULT_BISECT_RTOL = 1e-3;
/** Values exposed per session: a chunk's activations are held at once. */
export const BISECT_CHUNK = 24;

export interface BisectSide {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly profile: DeviceProfile;
}

export interface BisectOptions {
  readonly atol?: number;
  readonly rtol?: number;
  readonly chunk?: number;
  readonly onProgress?: (fraction: number, label: string) => void;
}

async function runExposed(
  side: BisectSide,
  values: readonly string[],
  feeds: AccuracySample['feeds'],
): Promise<Record<string, FloatTensor>> {
  const session = await createSession(exposeValues(side.bytes, values, side.name), side.profile, {
    name: `${side.name} (bisect)`,
    profiling: false,
  });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function largestMagnitude(data: Float32Array): number {
  let m = 0;
  for (const v of data) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/** Bisects `sample` through both sides; null firstDivergent when every shared value is within tolerance. */
export async function bisect(
  reference: BisectSide,
  candidate: BisectSide,
  sample: AccuracySample,
  o: BisectOptions = {},
): Promise<BisectResult> {
  const atol = o.atol ?? DEFAULT_BISECT_ATOL;
  const rtol = o.rtol ?? DEFAULT_BISECT_RTOL;
  const chunk = o.chunk ?? BISECT_CHUNK;
  const candidateValues = new Set(nodesInOrder(candidate.bytes, candidate.name).flatMap((n) => n.outputs));
  const order = nodesInOrder(reference.bytes, reference.name)
    .map((n) => ({ ...n, outputs: n.outputs.filter((v) => candidateValues.has(v)) }))
    .filter((n) => n.outputs.length > 0);
  if (order.length === 0) {
    throw new GcError('E_ARGS', `--bisect: ${reference.name} and ${candidate.name} share no node output names`, {
      hint: 'bisect compares two exports of the same config (e.g. fp32 and fp16), or one model on two devices (--device/--against)',
    });
  }
  const nodes: BisectNode[] = [];
  let firstDivergent: BisectNode | null = null;
  for (let start = 0; start < order.length && firstDivergent === null; start += chunk) {
    const part = order.slice(start, start + chunk);
    o.onProgress?.(start / order.length, `bisect: nodes ${start + 1}-${start + part.length} of ${order.length}`);
    const values = part.flatMap((n) => n.outputs);
    const ref = await runExposed(reference, values, sample.feeds);
    const cand = await runExposed(candidate, values, sample.feeds);
    for (const n of part) {
      let worst: BisectNode | undefined;
      for (const v of n.outputs) {
        const r = ref[`${v}${PROBE_SUFFIX}`];
        const c = cand[`${v}${PROBE_SUFFIX}`];
        if (!r || !c || r.data.length !== c.data.length) continue; // not comparable (shapes differ)
        const cmp = compareTensors(c.data, r.data, { shape: r.dims });
        const allowed = atol + rtol * largestMagnitude(r.data);
        const diverged = !(cmp.maxAbs <= allowed);
        const entry = { node: n.name, opType: n.opType, value: v, maxAbs: cmp.maxAbs, meanAbs: cmp.meanAbs, allowed, diverged };
        if (!worst || entry.maxAbs - entry.allowed > worst.maxAbs - worst.allowed) worst = entry;
      }
      if (!worst) continue;
      nodes.push(worst);
      if (worst.diverged && firstDivergent === null) firstDivergent = worst;
    }
  }
  return { input: sample.input, atol, rtol, shared: order.length, nodes, firstDivergent };
}
