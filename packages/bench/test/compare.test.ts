/** Chart geometry of `gc-bench compare` that does not need a browser. */
import { logAxisRange } from '@gc-edge/bench';

describe('the MACs axis of the scatter chart', () => {
  it.each([
    [[2.55, 56.83], { min: 1, max: 100 }],
    [[1, 10], { min: 0.1, max: 100 }],
    [[0.000225], { min: 0.0001, max: 0.001 }],
  ])('starts a decade step below the smallest point and ends above the largest: %j', (values, range) => {
    const r = logAxisRange(values)!;
    expect(r.min).toBeCloseTo(range.min, 12);
    expect(r.max).toBeCloseTo(range.max, 12);
    expect(r.min).toBeLessThan(Math.min(...values));
    expect(r.max).toBeGreaterThan(Math.max(...values));
  });

  it('has no range without points', () => {
    expect(logAxisRange([])).toBeUndefined();
  });
});
