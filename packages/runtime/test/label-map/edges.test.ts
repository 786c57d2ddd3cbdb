import fc from 'fast-check';
import { instanceEdges, type IdMap } from '../../src/label-map';

/**
 * upstream SPADEModel.get_edges, statement by statement over nested arrays (t[:, :, :, 1:] etc.):
 * the naive reference the fast implementation is checked against.
 */
function getEdgesLiteral(t: number[][]): number[][] {
  const h = t.length;
  const w = t[0]!.length;
  const edge = t.map((row) => row.map(() => 0));
  for (let y = 0; y < h; y++) for (let x = 1; x < w; x++) edge[y]![x]! |= t[y]![x] !== t[y]![x - 1] ? 1 : 0; // edge[..., 1:]
  for (let y = 0; y < h; y++) for (let x = 0; x < w - 1; x++) edge[y]![x]! |= t[y]![x + 1] !== t[y]![x] ? 1 : 0; // edge[..., :-1]
  for (let y = 1; y < h; y++) for (let x = 0; x < w; x++) edge[y]![x]! |= t[y]![x] !== t[y - 1]![x] ? 1 : 0; // edge[..., 1:, :]
  for (let y = 0; y < h - 1; y++) for (let x = 0; x < w; x++) edge[y]![x]! |= t[y + 1]![x] !== t[y]![x] ? 1 : 0; // edge[..., :-1, :]
  return edge;
}

const idMap = (rows: number[][]): IdMap => ({ width: rows[0]!.length, height: rows.length, ids: Int32Array.from(rows.flat()) });

describe('instance edges', () => {
  it('upstream marks both pixels of every differing horizontal or vertical pair', () => {
    const map = idMap([
      [1, 1, 2],
      [1, 1, 2],
      [3, 3, 3],
    ]);
    expect([...instanceEdges(map, 'upstream')]).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('forward marks only the pixel right of or below a change', () => {
    const map = idMap([
      [1, 1, 2],
      [1, 1, 2],
      [3, 3, 3],
    ]);
    expect([...instanceEdges(map, 'forward')]).toEqual([0, 0, 1, 0, 0, 1, 1, 1, 1]);
  });

  it('ignores diagonal neighbours and a uniform map has no edges', () => {
    expect([...instanceEdges(idMap([[5, 5], [5, 5]]), 'upstream')]).toEqual([0, 0, 0, 0]);
    expect([...instanceEdges(idMap([[1, 2], [2, 1]]), 'upstream')]).toEqual([1, 1, 1, 1]);
  });

  it('upstream equals a literal transcription of get_edges on random maps', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 9 })
          .chain((w) => fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: w, maxLength: w }), { minLength: 1, maxLength: 9 })),
        (rows) => {
          expect([...instanceEdges(idMap(rows), 'upstream')]).toEqual(getEdgesLiteral(rows).flat());
        },
      ),
      { numRuns: 200 },
    );
  });
});
