import fc from 'fast-check';
import { compareTensors } from '../../src/tensor/compare';

describe('compareTensors', () => {
  it('measures max and mean abs error, PSNR over the range, and where the worst value is', () => {
    const expected = [0, 0.5, -0.5, 1, -1, 0];
    const actual = [0, 0.5, -0.4, 1, -1, 0.05];
    const c = compareTensors(actual, expected, { shape: [1, 2, 3] });
    expect(c.maxAbs).toBeCloseTo(0.1, 12);
    expect(c.meanAbs).toBeCloseTo(0.15 / 6, 12);
    const mse = (0.01 + 0.0025) / 6;
    expect(c.psnrDb).toBeCloseTo(10 * Math.log10(4 / mse), 9);
    expect(c.worst).toEqual({ index: 2, at: [0, 0, 2], actual: -0.4, expected: -0.5 });
  });

  it('gives Infinity dB for equal tensors and -Infinity with a NaN anywhere', () => {
    expect(compareTensors([1, 2], [1, 2]).psnrDb).toBe(Infinity);
    const broken = compareTensors([1, NaN, 3], [1, 2, 3], { shape: [3] });
    expect(broken.maxAbs).toBe(Infinity);
    expect(broken.psnrDb).toBe(-Infinity);
    expect(broken.worst.at).toEqual([1]);
  });

  it('finds the coordinates of the worst value in any shape', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.nat(), (shape, seed) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const at = seed % n;
        const a = new Float32Array(n);
        a[at] = 1;
        const c = compareTensors(a, new Float32Array(n), { shape });
        const flat = c.worst.at.reduce((acc, x, i) => acc * shape[i]! + x, 0);
        expect(flat).toBe(at);
      }),
    );
  });

  it('refuses tensors of different lengths', () => {
    expect(() => compareTensors([1], [1, 2])).toThrow(/lengths 1 and 2/);
  });
});
