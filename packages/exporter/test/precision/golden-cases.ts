/**
 * Every golden case of test/fixtures/gan-compression (resnet, spade, released: each manifest's
 * cases, one weights file each, since every format of a case exports the same graph) as a
 * subnet.json, its input and upstream's expected output: what the fp16 tests export and check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNpy } from '@gc-edge/core';
import { parseSubnetSpec } from '../../src/subnet/parse';
import type { SubnetSpec } from '../../src/subnet/spec';
import { GAN_COMPRESSION } from '../../../../test/support/fixtures';

export interface GoldenRow {
  /** `<manifest>: <architecture> <config>`. */
  readonly name: string;
  readonly spec: SubnetSpec;
  readonly input: { readonly dims: readonly number[]; readonly data: Float32Array };
  readonly expected: { readonly dims: readonly number[]; readonly data: Float32Array };
}

interface ManifestCase {
  readonly architecture: string;
  readonly config: string | null;
  readonly ngf: number;
  readonly weights: string | Readonly<Record<string, string>>;
  readonly input: string;
  readonly expected: string;
  readonly semanticChannels?: number;
  readonly cropSize?: number;
  readonly aspectRatio?: number;
  readonly numUpsamplingLayers?: string;
}

function npy(dir: string, file: string): { dims: number[]; data: Float32Array } {
  const a = parseNpy(fs.readFileSync(path.join(dir, file)), file);
  if (a.dtype !== 'float32') throw new Error(`${file}: expected float32, got ${a.dtype}`);
  return { dims: [...a.shape], data: a.data as Float32Array };
}

export function goldenRows(): GoldenRow[] {
  return ['resnet', 'spade', 'released'].flatMap((manifest) => {
    const dir = path.join(GAN_COMPRESSION, manifest);
    const { cases } = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')) as { cases: ManifestCase[] };
    return cases.map((c) => {
      const input = npy(dir, c.input);
      const weights = typeof c.weights === 'string' ? c.weights : (c.weights['pth'] ?? Object.values(c.weights)[0]!);
      const json: Record<string, unknown> = { architecture: c.architecture, weights, ngf: c.ngf };
      if (c.config !== null) json['config'] = c.config;
      if (c.semanticChannels !== undefined) {
        const { semanticChannels, cropSize, aspectRatio, numUpsamplingLayers } = c;
        Object.assign(json, { semanticChannels, cropSize, aspectRatio, numUpsamplingLayers });
      } else {
        const [batch, channels, height, width] = input.dims;
        json['input'] = { batch, channels, height, width };
      }
      return {
        name: `${manifest}: ${c.architecture}${c.config === null ? '' : ` ${c.config}`}${path.basename(weights).includes('spectral') ? ' (spectral norm)' : ''}`,
        spec: parseSubnetSpec(json, path.join(dir, 'subnet.json')),
        input,
        expected: npy(dir, c.expected),
      };
    });
  });
}
