import { encodeLabelMap, resizeIdMapNearest, type IdMap, type LabelMapOptions } from '../../src/label-map';
import { gcErrorOf } from '../../../../test/support/gc-error';

const idMap = (rows: number[][]): IdMap => ({ width: rows[0]!.length, height: rows.length, ids: Int32Array.from(rows.flat()) });

/** Channel c of a [1, C, H, W] tensor as rows. */
function channel(t: { data: Float32Array; dims: readonly number[] }, c: number): number[][] {
  const [, , h, w] = t.dims as [number, number, number, number];
  return Array.from({ length: h }, (_, y) => Array.from(t.data.subarray(c * h * w + y * w, c * h * w + (y + 1) * w)));
}

describe('encodeLabelMap', () => {
  const base: LabelMapOptions = { labelChannels: 4 };

  it('one-hot encodes each class into its channel, then appends the edge channel', () => {
    const out = encodeLabelMap(idMap([[0, 3], [3, 3]]), undefined, base);
    expect(out.tensor.dims).toEqual([1, 5, 2, 2]);
    expect(channel(out.tensor, 0)).toEqual([[1, 0], [0, 0]]);
    expect(channel(out.tensor, 3)).toEqual([[0, 1], [1, 1]]);
    expect(channel(out.tensor, 1)).toEqual([[0, 0], [0, 0]]);
    expect(channel(out.tensor, 4)).toEqual([[1, 1], [1, 0]]);
  });

  it('takes edges from the instance map when one is given', () => {
    const labels = idMap([[1, 1, 1]]);
    const out = encodeLabelMap(labels, idMap([[7, 7, 9]]), base);
    expect(channel(out.tensor, 4)).toEqual([[0, 1, 1]]);
  });

  it('has no edge channel with noInstance', () => {
    expect(encodeLabelMap(idMap([[0, 1]]), undefined, { ...base, noInstance: true }).tensor.dims).toEqual([1, 4, 1, 2]);
  });

  it('maps dontcare (255) to the extra channel with containDontcareLabel', () => {
    const out = encodeLabelMap(idMap([[255, 2]]), undefined, { ...base, containDontcareLabel: true });
    expect(out.tensor.dims).toEqual([1, 6, 1, 2]);
    expect(channel(out.tensor, 4)).toEqual([[1, 0]]);
    expect([...out.classIds]).toEqual([4, 2]);
  });

  it('refuses class ids outside the classes, naming the id, where it is and the valid range', () => {
    const e = gcErrorOf(() => encodeLabelMap(idMap([[0, 1], [9, 4]]), undefined, base));
    expect(e.code).toBe('E_LABEL_MAP');
    expect(e.message).toBe('label map has class ids outside 0..3: 9 (first at x 0, y 1), 4 (first at x 1, y 1)');
  });

  it('refuses the dontcare id without containDontcareLabel and says which option', () => {
    const e = gcErrorOf(() => encodeLabelMap(idMap([[255]]), undefined, base));
    expect(e.message).toContain('255');
    expect(e.hint).toContain('containDontcareLabel');
  });

  it("refuses a channel count that is not the model's semanticChannels, with the arithmetic", () => {
    const e = gcErrorOf(() => encodeLabelMap(idMap([[0]]), undefined, { labelChannels: 35, semanticChannels: 37 }));
    expect(e.code).toBe('E_LABEL_MAP');
    expect(e.message).toContain('37 semantic channels but these options make 36 (35 classes + 1 instance edge)');
  });

  it('refuses a wrong size by default, naming both sizes', () => {
    const e = gcErrorOf(() => encodeLabelMap(idMap([[0, 1, 2]]), undefined, { ...base, width: 2, height: 2 }));
    expect(e.code).toBe('E_LABEL_MAP');
    expect(e.message).toBe('label map is 3x1 (width x height) but the model takes 2x2');
    expect(e.hint).toContain("'resize'");
  });

  it("resizes with nearest neighbour (PIL's pixel-centre rule) under sizePolicy 'resize'", () => {
    const out = encodeLabelMap(idMap([[0, 1, 2]]), undefined, { ...base, width: 6, height: 2, sizePolicy: 'resize', noInstance: true });
    expect([...out.classIds]).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);
  });

  it('refuses an instance map of another size than the label map', () => {
    const e = gcErrorOf(() => encodeLabelMap(idMap([[0, 1]]), idMap([[0, 1, 2]]), base));
    expect(e.message).toContain('instance map is 3x1 but the label map is 2x1');
  });

  it('rejects unknown option values by listing the valid ones', () => {
    const e = gcErrorOf(() => encodeLabelMap(idMap([[0]]), undefined, { ...base, sizePolicy: 'stretch' as never }));
    expect(e.code).toBe('E_ARGS');
    expect(e.message).toContain('Should be one of: refuse, resize');
    expect(gcErrorOf(() => encodeLabelMap(idMap([[0]]), undefined, { ...base, edges: 'diag' as never })).message).toContain(
      'upstream, forward',
    );
  });
});

describe('resizeIdMapNearest', () => {
  it('downsampling 5 -> 2 picks the pixels under the output centres (floor((x + 0.5) * 5 / 2) = 1, 3)', () => {
    expect([...resizeIdMapNearest(idMap([[10, 11, 12, 13, 14]]), 2, 1).ids]).toEqual([11, 13]);
  });
});
