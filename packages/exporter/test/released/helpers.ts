/** The released-model fixtures (test/fixtures/gan-compression/released): cases.json, npy inputs, subnet.json for a case. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNpy } from '@gc-edge/core';
import { RELEASED_FIXTURES } from '../../../../test/support/fixtures';

export { RELEASED_FIXTURES };

export interface ReleasedCase {
  /** Upstream's --netG name. */
  readonly architecture: string;
  readonly config: string | null;
  readonly ngf: number;
  /** One file, or one per format. */
  readonly weights: string | Readonly<Record<string, string>>;
  readonly input: string;
  readonly expected: string;
  readonly semanticChannels?: number;
  readonly cropSize?: number;
  readonly aspectRatio?: number;
  readonly numUpsamplingLayers?: string;
}

export interface ReleasedManifest {
  readonly tolerance: { readonly maxAbs: number };
  readonly cases: readonly ReleasedCase[];
}

export function loadReleasedManifest(): ReleasedManifest {
  return JSON.parse(fs.readFileSync(path.join(RELEASED_FIXTURES, 'cases.json'), 'utf8')) as ReleasedManifest;
}

/** Every (case, format, weights file) row. */
export function releasedRows(manifest: ReleasedManifest): { c: ReleasedCase; format: string; file: string }[] {
  return manifest.cases.flatMap((c) =>
    typeof c.weights === 'string'
      ? [{ c, format: path.extname(c.weights).slice(1), file: c.weights }]
      : Object.entries(c.weights).map(([format, file]) => ({ c, format, file })),
  );
}

export function loadFloatNpy(file: string): { dims: number[]; data: Float32Array } {
  const a = parseNpy(fs.readFileSync(path.join(RELEASED_FIXTURES, file)), file);
  if (a.dtype !== 'float32') throw new Error(`${file}: expected float32, got ${a.dtype}`);
  return { dims: [...a.shape], data: a.data as Float32Array };
}

/** The subnet.json a user writes for a case: upstream's name, config, ngf, weights; the GauGAN fields or the input size. */
export function subnetJsonFor(c: ReleasedCase, weights: string, inputDims: readonly number[]): Record<string, unknown> {
  const json: Record<string, unknown> = { architecture: c.architecture, weights, ngf: c.ngf };
  if (c.config !== null) json['config'] = c.config;
  if (c.semanticChannels !== undefined) {
    Object.assign(json, {
      semanticChannels: c.semanticChannels,
      cropSize: c.cropSize,
      aspectRatio: c.aspectRatio,
      numUpsamplingLayers: c.numUpsamplingLayers,
    });
  } else {
    const [batch, channels, height, width] = inputDims;
    json['input'] = { batch, channels, height, width };
  }
  return json;
}
