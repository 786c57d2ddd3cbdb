/**
 * The vendored GauGAN fixture: `input.npy` (one-hot + edge channel) was built from `labels.npy`; the
 * label-map pipeline must rebuild it bit for bit, from the ids directly and through a PNG.
 *
 * Its edge channel marks only the pixel right of / below an id change (1714 pixels), where upstream's
 * get_edges marks both sides (3228 pixels here): reproducing it takes `edges: 'forward'`; the default
 * stays upstream's rule. Both facts are pinned below so a regenerated fixture shows up here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNpy } from '@gc-edge/core';
import { encodeLabelMap, instanceEdges, prepareLabelMap, type IdMap } from '../../src/label-map';
import { encodePng } from './png-writer';
import { SPADE_FIXTURES } from '../../../../test/support/fixtures';

const SPADE = SPADE_FIXTURES;
const cases = JSON.parse(fs.readFileSync(path.join(SPADE, 'cases.json'), 'utf8')) as {
  cases: { labelChannels: number; containDontcareLabel: boolean; semanticChannels: number }[];
};
const { labelChannels, containDontcareLabel, semanticChannels } = cases.cases[0]!;

function loadFixture(): { labels: IdMap; input: { dims: readonly number[]; data: Float32Array } } {
  const labels = parseNpy(fs.readFileSync(path.join(SPADE, 'labels.npy')), 'labels.npy');
  const input = parseNpy(fs.readFileSync(path.join(SPADE, 'input.npy')), 'input.npy');
  const [, , height, width] = labels.shape as [number, number, number, number];
  const ids = Int32Array.from(labels.data as BigInt64Array, Number);
  return { labels: { width, height, ids }, input: { dims: input.shape, data: input.data as Float32Array } };
}

function countDifferences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('label map -> input.npy of the spade fixture', () => {
  const { labels, input } = loadFixture();
  const options = { labelChannels, containDontcareLabel, semanticChannels, edges: 'forward' as const };

  it('rebuilds input.npy exactly from labels.npy', () => {
    const out = encodeLabelMap(labels, undefined, options);
    expect(out.tensor.dims).toEqual(input.dims);
    expect(countDifferences(out.tensor.data, input.data)).toBe(0);
  });

  it('rebuilds input.npy exactly from labels.npy saved as an 8-bit greyscale PNG', async () => {
    const png = encodePng({ width: labels.width, height: labels.height, colorType: 0, samples: labels.ids });
    const out = await prepareLabelMap(png, options);
    expect(out.tensor.dims).toEqual(input.dims);
    expect(countDifferences(out.tensor.data, input.data)).toBe(0);
  });

  it("the fixture's edge channel is the forward rule, not upstream get_edges' both-sided one", () => {
    const plane = labels.width * labels.height;
    const fixtureEdges = input.data.subarray((semanticChannels - 1) * plane);
    const upstream = instanceEdges(labels, 'upstream');
    const forward = instanceEdges(labels, 'forward');
    expect(countDifferences(forward, fixtureEdges)).toBe(0);
    expect(fixtureEdges.reduce((s, v) => s + v, 0)).toBe(1714);
    expect(upstream.reduce((s, v) => s + v, 0)).toBe(3228);
  });

  it('the one-hot channels do not depend on the edge rule', () => {
    const plane = labels.width * labels.height;
    const byDefault = encodeLabelMap(labels, undefined, { labelChannels, containDontcareLabel, semanticChannels });
    const classes = labelChannels * plane;
    expect(countDifferences(byDefault.tensor.data.subarray(0, classes), input.data.subarray(0, classes))).toBe(0);
  });
});
