import sharp from 'sharp';
import { GcError } from '@gc-edge/core';
import { CITYSCAPES_PALETTE, decodeInstancePng, decodeLabelPng, prepareLabelMap, type LabelPalette } from '../../src/label-map';
import { encodePng } from './png-writer';

async function rejection(p: Promise<unknown>): Promise<GcError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GcError) return e;
    throw e;
  }
  throw new Error('expected a GcError');
}

const colorOf = (name: string): readonly [number, number, number] => CITYSCAPES_PALETTE.entries.find((e) => e.name === name)!.color;

describe('decodeLabelPng', () => {
  it('reads 8-bit greyscale values as class ids', async () => {
    const map = await decodeLabelPng(encodePng({ width: 3, height: 1, colorType: 0, samples: [0, 26, 33] }));
    expect(map).toEqual({ width: 3, height: 1, ids: Int32Array.from([0, 26, 33]) });
  });

  it('maps an RGB image through the Cityscapes palette by default', async () => {
    const names = ['road', 'sky', 'car', 'unlabeled'];
    const map = await decodeLabelPng(encodePng({ width: 4, height: 1, colorType: 2, samples: names.flatMap((n) => [...colorOf(n)]) }));
    expect([...map.ids]).toEqual([7, 23, 26, 0]);
  });

  it("reads the license plate's colour as car, the class it is drawn over (its id is -1)", async () => {
    const plate = colorOf('license plate');
    const map = await decodeLabelPng(encodePng({ width: 1, height: 1, colorType: 2, samples: [...plate] }));
    expect([...map.ids]).toEqual([26]);
  });

  it('uses a given palette, and opaque RGBA works like RGB', async () => {
    const palette: LabelPalette = { name: 'two', entries: [{ id: 0, color: [10, 20, 30] }, { id: 1, color: [40, 50, 60] }] };
    const png = encodePng({ width: 2, height: 1, colorType: 6, samples: [40, 50, 60, 255, 10, 20, 30, 255] });
    expect([...(await decodeLabelPng(png, { palette })).ids]).toEqual([1, 0]);
  });

  it('reads palette PNG indices as ids, as PIL does for mode P', async () => {
    const png = encodePng({ width: 3, height: 1, colorType: 3, samples: [2, 0, 1], palette: [[9, 9, 9], [200, 0, 0], [0, 200, 0]] });
    expect([...(await decodeLabelPng(png)).ids]).toEqual([2, 0, 1]);
  });

  it('refuses a palette PNG whose used colour sits at two indices', async () => {
    const png = encodePng({ width: 1, height: 1, colorType: 3, samples: [1], palette: [[5, 5, 5], [5, 5, 5]] });
    const e = await rejection(decodeLabelPng(png));
    expect(e.message).toContain('#050505, which the PNG palette holds at several indices');
  });

  it('refuses a colour that is not in the palette, naming the pixel and the colour', async () => {
    const png = encodePng({ width: 2, height: 1, colorType: 2, samples: [128, 64, 128, 1, 2, 3] });
    const e = await rejection(decodeLabelPng(png, { where: 'street.png' }));
    expect(e.code).toBe('E_LABEL_MAP');
    expect(e.message).toBe('street.png: pixel (x 1, y 0) has colour #010203, which is not in the "cityscapes" palette (29 colours)');
  });

  it('refuses transparent pixels', async () => {
    const png = encodePng({ width: 1, height: 1, colorType: 4, samples: [3, 0] });
    expect((await rejection(decodeLabelPng(png))).message).toContain('transparent');
  });

  it('refuses a JPEG, saying label maps must be lossless PNG', async () => {
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#804080' } }).jpeg().toBuffer();
    const e = await rejection(decodeLabelPng(jpeg, { where: 'labels.jpg' }));
    expect(e.code).toBe('E_LABEL_MAP');
    expect(e.message).toBe('labels.jpg: not a PNG (a JPEG)');
    expect(e.hint).toContain('lossless PNG');
  });

  it('refuses 16-bit label maps (class ids are 8-bit)', async () => {
    const e = await rejection(decodeLabelPng(encodePng({ width: 1, height: 1, colorType: 0, bitDepth: 16, samples: [7] })));
    expect(e.message).toContain('16-bit grey PNGs are not supported for label maps');
  });

  it('refuses a truncated PNG cleanly', async () => {
    const png = encodePng({ width: 2, height: 2, colorType: 0, samples: [1, 2, 3, 4] });
    const e = await rejection(decodeLabelPng(png.subarray(0, 40)));
    expect(e.code).toBe('E_LABEL_MAP');
  });
});

describe('decodeInstancePng', () => {
  it("reads 16-bit ids (Cityscapes' class * 1000 + k)", async () => {
    const map = await decodeInstancePng(encodePng({ width: 3, height: 1, colorType: 0, bitDepth: 16, samples: [26001, 26002, 7] }));
    expect([...map.ids]).toEqual([26001, 26002, 7]);
  });
});

describe('prepareLabelMap', () => {
  it('draws edges from the instance map: two touching cars of one class are separated', async () => {
    const label = encodePng({ width: 4, height: 1, colorType: 0, samples: [26, 26, 26, 26] });
    const instance = encodePng({ width: 4, height: 1, colorType: 0, bitDepth: 16, samples: [26001, 26001, 26002, 26002] });
    const out = await prepareLabelMap(label, { labelChannels: 35, semanticChannels: 36, instance });
    expect(Array.from(out.tensor.data.subarray(35 * 4))).toEqual([0, 1, 1, 0]);
    expect(Array.from(out.tensor.data.subarray(26 * 4, 27 * 4))).toEqual([1, 1, 1, 1]);
  });
});
