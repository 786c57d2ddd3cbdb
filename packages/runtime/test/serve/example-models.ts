/**
 * The two really-trained examples (examples/edges2shapes: outlines -> filled shapes, a pix2pix
 * ResNet generator; examples/labels2scene: Cityscapes label ids -> a shaded street scene, GauGAN),
 * exported by gc-export into a temp folder as `edges2shapes.onnx` and `labels2scene.onnx`, for the
 * demo page and stream tests.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportSubnet, loadSubnetSpec } from '@gc-edge/exporter';
import { EXAMPLES } from '../../../../test/support/fixtures';

export const EXAMPLE_NAMES = ['edges2shapes', 'labels2scene'] as const;

/** Writes both models into `dir`; returns the folder (gc-serve serves every .onnx in it). */
export function exportExamples(dir: string): string {
  for (const name of EXAMPLE_NAMES) {
    const { bytes } = exportSubnet(loadSubnetSpec(join(EXAMPLES, name, 'subnet.json')));
    writeFileSync(join(dir, `${name}.onnx`), bytes);
  }
  return dir;
}

/** An example's first input: outlines (edges2shapes) or a label-id map (labels2scene). */
export function exampleInput(name: (typeof EXAMPLE_NAMES)[number]): Buffer {
  return readFileSync(join(EXAMPLES, name, name === 'edges2shapes' ? 'edges-0.png' : 'labels-0.png'));
}
