/**
 * ops/registry.ts is the one place an op's faces meet: every op gc-export can emit has a builder, a
 * float64 reference kernel and a MAC rule in @gc-edge/core, and no architecture emits an op the
 * table does not list.
 */
import { supportedOps } from '@gc-edge/core';
import { architectureNames, getArchitecture } from '@gc-edge/exporter';
import { buildModel } from '../../src/export';
import { EMITTED_OPS, REFERENCE_OPS } from '../../src/ops/registry';
import { randomStateDict } from '../../src/random-init';
import { parseSubnetSpec } from '../../src/subnet/parse';

/** The smallest valid subnet.json of each architecture (ngf 2, every config entry 1, 16x16). */
const TINY: Readonly<Record<string, Record<string, unknown>>> = {
  resnet_9blocks: { ngf: 2, input: { height: 16, width: 16 } },
  mobile_resnet_9blocks: { ngf: 2, config: '1_1_1_1_1_1_1_1', input: { height: 16, width: 16 } },
  legacy_mobile_resnet_9blocks: { ngf: 2, config: '1_1_1_1_1_1_1_1', input: { height: 16, width: 16 } },
  mobile_spade: { ngf: 2, config: '1_1_1_1_1_1_1_1', semanticChannels: 3, cropSize: 64, aspectRatio: 1, numUpsamplingLayers: 'more' },
  spade: { ngf: 2, semanticChannels: 3, cropSize: 64, aspectRatio: 1, numUpsamplingLayers: 'normal' },
};

describe('the op table (ops/registry.ts)', () => {
  it('gives every op a MAC rule in core', () => {
    const counted = new Set(supportedOps());
    expect(Object.keys(EMITTED_OPS).filter((op) => !counted.has(op))).toEqual([]);
  });

  it('gives the reference interpreter exactly the ops of the table', () => {
    expect(Object.keys(REFERENCE_OPS)).toEqual(Object.keys(EMITTED_OPS));
  });

  it('has a tiny subnet for every architecture', () => {
    expect(Object.keys(TINY).sort()).toEqual([...architectureNames()].sort());
  });

  it.each(Object.keys(TINY))('lists every op %s emits', (architecture) => {
    const spec = parseSubnetSpec({ architecture, ...TINY[architecture] }, 'subnet.json', { weightsOptional: true });
    const weights = randomStateDict(getArchitecture(architecture).supernetShapes(spec, spec.ngf!), 0);
    const emitted = new Set(buildModel(spec, weights, spec.ngf!).graph.nodes.map((n) => n.opType));
    expect([...emitted].filter((op) => !(op in EMITTED_OPS))).toEqual([]);
  });
});
