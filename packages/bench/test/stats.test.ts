import fc from 'fast-check';
import { coefficientOfVariation, fps, histogram, measure, summarize } from '@gc-edge/bench';

const samples = fc.array(fc.double({ min: 0.01, max: 1000, noNaN: true }), { minLength: 1, maxLength: 200 });

describe('latency statistics', () => {
  it('orders min <= p50 <= p90 <= p95 <= p99 <= max, with mean and std matching a two-pass reference', () => {
    fc.assert(
      fc.property(samples, (xs) => {
        const s = summarize(xs);
        expect(s.min).toBeLessThanOrEqual(s.p50);
        expect(s.p50).toBeLessThanOrEqual(s.p90);
        expect(s.p90).toBeLessThanOrEqual(s.p95);
        expect(s.p95).toBeLessThanOrEqual(s.p99);
        expect(s.p99).toBeLessThanOrEqual(s.max);
        let sum = 0;
        for (const x of xs) sum += x;
        const m = sum / xs.length;
        let ss = 0;
        for (const x of xs) ss += (x - m) * (x - m);
        expect(s.mean).toBeCloseTo(m, 6);
        expect(s.std).toBeCloseTo(xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0, 6);
      }),
    );
  });

  it('takes the middle sample as p50 of an odd count and interpolates between ranks otherwise', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 99 }), (xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const n = sorted.length;
        const expected = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
        expect(summarize(xs).p50).toBeCloseTo(expected, 9);
      }),
    );
    expect(summarize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).p90).toBeCloseTo(9.1, 9);
  });

  it('computes FPS as batch x 1000 / mean latency and CV as std / mean', () => {
    expect(fps(4, 50)).toBe(80);
    expect(coefficientOfVariation(summarize([10, 10, 10]))).toBe(0);
    expect(coefficientOfVariation(summarize([9, 11]))).toBeCloseTo(Math.SQRT2 / 10, 9);
  });

  it('puts every sample in exactly one histogram bin containing it', () => {
    fc.assert(
      fc.property(samples, fc.integer({ min: 1, max: 30 }), (xs, bins) => {
        const h = histogram(xs, bins);
        expect(h.counts.reduce((a, b) => a + b, 0)).toBe(xs.length);
        for (const x of xs) {
          const i = h.edges.findIndex((e, k) => x >= e - 1e-9 && (k === h.edges.length - 1 || x < h.edges[k + 1]!));
          expect(i).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('the measurement loop', () => {
  /** A fake clock: every run takes `cost` ms. */
  function fakeRun(cost: number) {
    let t = 0;
    const calls: number[] = [];
    return {
      now: () => t,
      run: async () => {
        calls.push(t);
        t += cost;
      },
      calls,
    };
  }

  it('excludes warm-up runs and stops only when both the minimum iterations and duration are reached', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 200 }),
        async (warmup, minIterations, minDurationS, cost) => {
          const f = fakeRun(cost);
          const m = await measure(f.run, { warmupRuns: warmup, warmupSeconds: 0, minIterations, minDurationS, now: f.now });
          expect(m.warmupRuns).toBe(warmup);
          expect(f.calls.length).toBe(warmup + m.samplesMs.length);
          expect(m.samplesMs.every((x) => x === cost)).toBe(true);
          const needed = Math.max(minIterations, Math.ceil((minDurationS * 1000) / cost));
          expect(m.samplesMs.length).toBe(needed);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps warming up for --warmup-seconds even after the warm-up runs', async () => {
    const f = fakeRun(100);
    const m = await measure(f.run, { warmupRuns: 1, warmupSeconds: 1, minIterations: 1, minDurationS: 0, now: f.now });
    expect(m.warmupRuns).toBe(10);
  });

  it('refuses to measure zero timed runs', async () => {
    const f = fakeRun(1);
    await expect(measure(f.run, { warmupRuns: 0, warmupSeconds: 0, minIterations: 0, minDurationS: 0, now: f.now })).rejects.toThrow(/minIterations must be an integer >= 1, got 0/);
  });

  it('reports warm-up progress apart from the timed runs', async () => {
    const f = fakeRun(100);
    const seen: string[] = [];
    await measure(f.run, {
      warmupRuns: 2,
      warmupSeconds: 0,
      minIterations: 2,
      minDurationS: 0,
      now: f.now,
      onProgress: (p) => seen.push(`${p.phase} ${p.iterations} ${p.fraction}`),
    });
    expect(seen).toEqual(['warmup 1 0.5', 'warmup 2 1', 'timed 1 0.5', 'timed 2 1']);
  });

  it('stops the timed runs when the time budget is spent, after at least one run, and says so', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 20 }), async (cost, budgetS) => {
        const f = fakeRun(cost);
        const m = await measure(f.run, {
          warmupRuns: 0,
          warmupSeconds: 0,
          minIterations: 1_000_000,
          minDurationS: 0,
          timeBudgetS: budgetS,
          now: f.now,
        });
        expect(m.stoppedBy).toBe('time-budget');
        expect(m.samplesMs.length).toBe(Math.max(1, Math.ceil((budgetS * 1000) / cost)));
      }),
      { numRuns: 40 },
    );
  });

  it('gives the warm-up a sixth of the time budget, and at least one run', async () => {
    const slow = fakeRun(1700);
    const m = await measure(slow.run, {
      warmupRuns: 10,
      warmupSeconds: 1,
      minIterations: 100,
      minDurationS: 10,
      timeBudgetS: 60,
      now: slow.now,
    });
    expect(m.warmupRuns).toBe(Math.ceil(10_000 / 1700));
    expect(m.samplesMs.length).toBe(Math.ceil(60_000 / 1700));
    const huge = fakeRun(100_000);
    const hugeM = await measure(huge.run, {
      warmupRuns: 10,
      warmupSeconds: 0,
      minIterations: 5,
      minDurationS: 0,
      timeBudgetS: 1,
      now: huge.now,
    });
    expect(hugeM.warmupRuns).toBe(1);
  });

  it('leaves fast runs to the minimums: the budget does not cut them', async () => {
    const f = fakeRun(5);
    const m = await measure(f.run, { warmupRuns: 0, warmupSeconds: 0, minIterations: 100, minDurationS: 0, timeBudgetS: 60, now: f.now });
    expect(m).toMatchObject({ stoppedBy: 'minimums' });
    expect(m.samplesMs.length).toBe(100);
  });

  it('never exceeds --max-iterations', async () => {
    const f = fakeRun(1);
    const m = await measure(f.run, { warmupRuns: 0, warmupSeconds: 0, minIterations: 1000, minDurationS: 0, maxIterations: 7, now: f.now });
    expect(m.samplesMs.length).toBe(7);
    expect(m.stoppedBy).toBe('max-iterations');
  });
});
