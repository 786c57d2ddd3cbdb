/**
 * Every row of upstream's released-model table that examples/ carries (examples/released-models.json,
 * figures copied from upstream's README there, never here): the example's subnet.json exported with
 * --random-init counts the published parameters and MACs (paper convention), rounded as the table
 * prints them (3 significant digits).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildModel, resolveWeights } from '../../src/export';
import { loadSubnetSpec } from '../../src/subnet/parse';
import { EXAMPLES } from '../../../../test/support/fixtures';

interface ReleasedRow {
  readonly example: string;
  readonly model: string;
  readonly dataset: string;
  readonly method: string;
  /** As published: "0.357M", "2.55G", "281G". */
  readonly params: string;
  readonly macs: string;
}

const { rows } = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'released-models.json'), 'utf8')) as { rows: ReleasedRow[] };

/** `n` printed like `published`: the same unit (M or G) and number of decimals. */
function asPublished(n: number, published: string): string {
  const m = /^(\d+)(?:\.(\d+))?([MG])$/.exec(published);
  if (!m) throw new Error(`unreadable published figure ${published}`);
  const scale = m[3] === 'G' ? 1e9 : 1e6;
  return `${(n / scale).toFixed(m[2]?.length ?? 0)}${m[3]}`;
}

describe.each(rows)('$model $dataset, $method: examples/$example', (row) => {
  it(`counts ${row.params} params and ${row.macs} MACs, as published`, () => {
    const spec = loadSubnetSpec(path.join(EXAMPLES, row.example, 'subnet.json'), { weightsOptional: true });
    const options = { randomInit: { seed: 0 } };
    const { weights, kind, ngf } = resolveWeights(spec, options);
    const { metadata } = buildModel(spec, weights, ngf, { ...options, weightsKind: kind });
    expect(metadata['macs_convention']).toBe('paper');
    const published = [asPublished(Number(metadata['params']), row.params), asPublished(Number(metadata['macs']), row.macs)];
    expect(published).toEqual([row.params, row.macs]);
  });
});
