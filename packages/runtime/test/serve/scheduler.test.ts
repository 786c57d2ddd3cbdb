/** The bounded queue: capacity, deadlines, batching and draining, driven by a fake run(). */
import { GcError } from '@gc-edge/core';
import { Scheduler } from '../../src/serve/scheduler';

interface Call {
  inputs: number[];
  signal: AbortSignal;
  finish: () => void;
  fail: (e: unknown) => void;
}

/** run() calls that wait until the test resolves them. */
function controlledRun(): { run: (xs: number[], signal: AbortSignal) => Promise<number[]>; calls: Call[] } {
  const calls: Call[] = [];
  const run = (inputs: number[], signal: AbortSignal): Promise<number[]> =>
    new Promise((resolve, reject) => calls.push({ inputs, signal, finish: () => resolve(inputs.map((x) => x * 10)), fail: reject }));
  return { run, calls };
}

const FAR = (): number => Date.now() + 60_000;
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof GcError ? e.code : String(e);
  }
}

describe('Scheduler', () => {
  it('runs one request per worker and queues the rest in order', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 4, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
    const a = s.submit(1, FAR());
    const b = s.submit(2, FAR());
    expect([calls.length, s.depth, s.active]).toEqual([1, 1, 1]);
    calls[0]!.finish();
    expect((await a).output).toBe(10);
    await tick();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2]]);
    calls[1]!.finish();
    expect((await b).output).toBe(20);
  });

  it('refuses at once with E_OVERLOADED when the queue is full', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 2, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
    const held = [s.submit(1, FAR()), s.submit(2, FAR()), s.submit(3, FAR())];
    expect(await codeOf(s.submit(4, FAR()))).toBe('E_OVERLOADED');
    for (let i = 0; i < 3; i++) {
      calls[i]!.finish();
      await held[i];
      await tick();
    }
  });

  it('gives a free worker the request even with a queue of capacity 0', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 0, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
    const a = s.submit(1, FAR());
    expect(await codeOf(s.submit(2, FAR()))).toBe('E_OVERLOADED');
    calls[0]!.finish();
    await a;
  });

  it('drops a request whose deadline passes while it waits, with E_DEADLINE', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 4, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
    const a = s.submit(1, FAR());
    const b = s.submit(2, Date.now() + 20);
    expect(await codeOf(b)).toBe('E_DEADLINE');
    expect(s.depth).toBe(0);
    calls[0]!.finish();
    await a;
    await tick();
    expect(calls).toHaveLength(1); // the expired request never ran
  });

  it('answers E_DEADLINE for a running request past its deadline and drops its late result', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 4, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
    const a = s.submit(1, Date.now() + 20);
    expect(await codeOf(a)).toBe('E_DEADLINE');
    expect(s.active).toBe(1);
    calls[0]!.finish();
    await s.idle();
  });

  it('aborts a running batch once every request in it has passed its deadline, so run() can stop the work', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 4, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
    const a = s.submit(1, Date.now() + 20);
    const b = s.submit(2, FAR());
    expect(calls[0]!.signal.aborted).toBe(false);
    expect(await codeOf(a)).toBe('E_DEADLINE');
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[0]!.signal.reason).toMatchObject({
      code: 'E_DEADLINE',
      message: 't: request deadline passed while the model was running',
    });
    // run() gives up (the pool terminates the worker): the worker slot is free for the next request.
    calls[0]!.fail(calls[0]!.signal.reason);
    await tick();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2]]);
    calls[1]!.finish();
    expect((await b).output).toBe(20);
  });

  it('keeps a batch running while one of its requests still waits for the answer', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 4, concurrency: 1, maxBatch: 2, maxDelayMs: 10_000, run });
    const short = s.submit(1, Date.now() + 20);
    const long = s.submit(2, FAR());
    expect(calls.map((c) => c.inputs)).toEqual([[1, 2]]);
    expect(await codeOf(short)).toBe('E_DEADLINE');
    expect(calls[0]!.signal.aborted).toBe(false);
    calls[0]!.finish();
    expect((await long).output).toBe(20);
  });

  it('refuses a request whose deadline already passed', async () => {
    const { run } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 4, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
    expect(await codeOf(s.submit(1, Date.now() - 1))).toBe('E_DEADLINE');
  });

  it('batches waiting requests up to maxBatch and hands each its own output', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 8, concurrency: 1, maxBatch: 3, maxDelayMs: 10_000, run });
    const ps = [1, 2, 3, 4].map((x) => s.submit(x, FAR()));
    // Three arrived: the batch is full, it goes without waiting for the delay.
    expect(calls.map((c) => c.inputs)).toEqual([[1, 2, 3]]);
    calls[0]!.finish();
    const first = await Promise.all(ps.slice(0, 3));
    expect(first.map((r) => [r.output, r.batchSize])).toEqual([[10, 3], [20, 3], [30, 3]]);
    s.rejectWaiting(new GcError('E_SHUTTING_DOWN', 'test'));
    expect(await codeOf(ps[3]!)).toBe('E_SHUTTING_DOWN');
  });

  it('sends a partial batch once the oldest request waited maxDelayMs', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 8, concurrency: 1, maxBatch: 4, maxDelayMs: 15, run });
    const ps = [s.submit(1, FAR()), s.submit(2, FAR())];
    expect(calls).toHaveLength(0);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(calls[0]!.inputs).toEqual([1, 2]);
    calls[0]!.finish();
    expect((await Promise.all(ps)).map((r) => r.output)).toEqual([10, 20]);
  });

  it('fills batches by rows (sizeOf) and never splits a request', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({
      label: 't',
      capacity: 8,
      concurrency: 1,
      maxBatch: 4,
      maxDelayMs: 10_000,
      run,
      sizeOf: (x) => x,
    });
    const ps = [3, 2, 1].map((x) => s.submit(x, FAR()));
    // 3 rows wait for more; 3 + 2 would overflow 4, so [3] leaves alone.
    expect(calls.map((c) => c.inputs)).toEqual([[3]]);
    calls[0]!.finish();
    await ps[0];
    await tick();
    // [2, 1] is 3 rows: it waits until one more row fills it.
    expect(calls).toHaveLength(1);
    ps.push(s.submit(1, FAR()));
    expect(calls.map((c) => c.inputs)).toEqual([[3], [2, 1, 1]]);
    calls[1]!.finish();
    expect((await Promise.all(ps)).map((r) => r.output)).toEqual([30, 20, 10, 10]);
  });

  it('batches only requests with the same key, in order, and runs the others in batches of their own', async () => {
    const { run, calls } = controlledRun();
    // Key: the tens digit, standing for a request's non-batch dims (16x16 vs 128x256).
    const keyOf = (x: number): string => String(Math.floor(x / 10));
    const s = new Scheduler<number, number>({ label: 't', capacity: 8, concurrency: 1, maxBatch: 4, maxDelayMs: 10_000, run, keyOf });
    const ps = [11, 21, 12, 22, 13, 23, 14].map((x) => s.submit(x, FAR()));
    // Four of key 1 filled a batch though requests of key 2 arrived between them.
    expect(calls.map((c) => c.inputs)).toEqual([[11, 12, 13, 14]]);
    calls[0]!.finish();
    await tick();
    // The three of key 2 are not a full batch: they wait (maxDelayMs) for a fourth.
    expect(calls).toHaveLength(1);
    ps.push(s.submit(24, FAR()));
    expect(calls.map((c) => c.inputs)).toEqual([[11, 12, 13, 14], [21, 22, 23, 24]]);
    calls[1]!.finish();
    expect((await Promise.all(ps)).map((r) => [r.output, r.batchSize])).toEqual(
      [110, 210, 120, 220, 130, 230, 140, 240].map((o) => [o, 4]),
    );
  });

  it('sends a partial batch of one key once the oldest waited maxDelayMs, without the other key', async () => {
    const { run, calls } = controlledRun();
    const keyOf = (x: number): string => String(Math.floor(x / 10));
    const s = new Scheduler<number, number>({ label: 't', capacity: 8, concurrency: 1, maxBatch: 4, maxDelayMs: 15, run, keyOf });
    const ps = [s.submit(11, FAR()), s.submit(21, FAR())];
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(calls[0]!.inputs).toEqual([11]);
    calls[0]!.finish();
    while (calls.length === 1) await new Promise((r) => setTimeout(r, 5));
    expect(calls[1]!.inputs).toEqual([21]);
    calls[1]!.finish();
    expect((await Promise.all(ps)).map((r) => r.output)).toEqual([110, 210]);
  });

  it('rejects every request of a failed batch with the run error', async () => {
    const { run, calls } = controlledRun();
    const s = new Scheduler<number, number>({ label: 't', capacity: 8, concurrency: 1, maxBatch: 2, maxDelayMs: 0, run });
    const a = s.submit(1, FAR());
    calls[0]!.fail(new GcError('E_WORKER_CRASHED', 'boom'));
    expect(await codeOf(a)).toBe('E_WORKER_CRASHED');
    await s.idle();
  });

  it('reports queue depth changes and resolves idle() once everything finished', async () => {
    const { run, calls } = controlledRun();
    const depths: number[] = [];
    const s = new Scheduler<number, number>({
      label: 't',
      capacity: 8,
      concurrency: 1,
      maxBatch: 1,
      maxDelayMs: 0,
      run,
      onDepth: (n) => depths.push(n),
    });
    const ps = [s.submit(1, FAR()), s.submit(2, FAR())];
    let idle = false;
    const done = s.idle().then(() => (idle = true));
    calls[0]!.finish();
    await ps[0];
    await tick();
    expect(idle).toBe(false);
    calls[1]!.finish();
    await done;
    expect(depths).toEqual([1, 0, 1, 0]);
  });

  describe('reservations (a place held while a request is prepared)', () => {
    it('counts a reserved place as waiting, so the next request is refused before its preparation', async () => {
      const { run, calls } = controlledRun();
      const s = new Scheduler<number, number>({ label: 't', capacity: 1, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
      const running = s.reserve();
      const waiting = s.reserve();
      expect(s.reservedPlaces).toBe(2);
      expect(() => s.reserve()).toThrow(expect.objectContaining({ code: 'E_OVERLOADED', message: expect.stringMatching(/2 being prepared/) }));
      expect(await codeOf(s.submit(9, FAR()))).toBe('E_OVERLOADED');

      // Submitting with its reservation takes the place even though the queue is full.
      const a = s.submit(1, FAR(), running);
      const b = s.submit(2, FAR(), waiting);
      expect([s.reservedPlaces, s.active, s.depth]).toEqual([0, 1, 1]);
      calls[0]!.finish();
      await a;
      await tick();
      calls[1]!.finish();
      expect((await b).output).toBe(20);
    });

    it('gives the place back on release, once only, and a released reservation no longer bypasses a full queue', async () => {
      const { run, calls } = controlledRun();
      const s = new Scheduler<number, number>({ label: 't', capacity: 0, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
      const r = s.reserve();
      expect(() => s.reserve()).toThrow(expect.objectContaining({ code: 'E_OVERLOADED' }));
      r.release();
      r.release();
      expect(s.reservedPlaces).toBe(0);
      const other = s.reserve();
      const a = s.submit(1, FAR(), other);
      expect(await codeOf(s.submit(2, FAR(), r))).toBe('E_OVERLOADED');
      calls[0]!.finish();
      await a;
    });

    it('spends the reservation when the deadline passed before the queue', async () => {
      const { run } = controlledRun();
      const s = new Scheduler<number, number>({ label: 't', capacity: 0, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
      const r = s.reserve();
      expect(await codeOf(s.submit(1, Date.now() - 1, r))).toBe('E_DEADLINE');
      expect(s.reservedPlaces).toBe(0);
      s.reserve().release();
    });
  });

  describe('drain time (Retry-After)', () => {
    afterEach(() => jest.useRealTimers());

    it('is 1 s before any run has ended', async () => {
      const { run, calls } = controlledRun();
      const s = new Scheduler<number, number>({ label: 't', capacity: 0, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
      const running = s.submit(1, FAR());
      let refused: unknown;
      try {
        s.reserve();
      } catch (e) {
        refused = e;
      }
      expect(refused).toMatchObject({ code: 'E_OVERLOADED', retryAfterS: 1 });
      calls[0]!.finish();
      await running;
    });

    it('is the requests ahead times the mean run time over the workers, rounded up to whole seconds', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const { run, calls } = controlledRun();
      const s = new Scheduler<number, number>({ label: 't', capacity: 3, concurrency: 2, maxBatch: 1, maxDelayMs: 0, run });
      // Two runs of 3 s each: the mean run time is 3 s.
      const first = [s.submit(1, FAR()), s.submit(2, FAR())];
      jest.advanceTimersByTime(3000);
      calls[0]!.finish();
      calls[1]!.finish();
      await Promise.all(first);
      await tick();
      // 2 running + 3 waiting = 5 requests x 3 s / 2 workers = 7.5 s -> 8.
      const held = [1, 2, 3, 4, 5].map((x) => s.submit(x, FAR()));
      expect(s.drainSeconds).toBe(8);
      let refused: unknown;
      try {
        s.reserve();
      } catch (e) {
        refused = e;
      }
      expect(refused).toMatchObject({ code: 'E_OVERLOADED', retryAfterS: 8 });
      await expect(s.submit(6, FAR())).rejects.toMatchObject({ retryAfterS: 8 });
      for (const c of calls.slice(2)) c.finish();
      await tick();
      for (const c of calls.slice(4)) c.finish();
      await tick();
      for (const c of calls.slice(6)) c.finish();
      await Promise.all(held);
    });

    it('is at most 60 s however long the queue', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const { run, calls } = controlledRun();
      const s = new Scheduler<number, number>({ label: 't', capacity: 8, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run });
      const first = s.submit(1, FAR());
      jest.advanceTimersByTime(30_000);
      calls[0]!.finish();
      await first;
      await tick();
      const held = [2, 3, 4].map((x) => codeOf(s.submit(x, FAR())));
      expect(s.drainSeconds).toBe(60);
      s.rejectWaiting(new GcError('E_SHUTTING_DOWN', 'stop'));
      calls[1]!.finish();
      expect(await Promise.all(held)).toEqual(['resolved', 'E_SHUTTING_DOWN', 'E_SHUTTING_DOWN']);
    });
  });
});
