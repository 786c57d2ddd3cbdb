/** The bounded queue: capacity, deadlines, batching and draining, driven by a fake run(). */
import { GcError } from '@gc-edge/exporter';
import { Scheduler } from '../../src/serve/scheduler';

/** run() calls that wait until the test resolves them. */
function controlledRun(): {
  run: (xs: number[]) => Promise<number[]>;
  calls: { inputs: number[]; finish: () => void; fail: (e: unknown) => void }[];
} {
  const calls: { inputs: number[]; finish: () => void; fail: (e: unknown) => void }[] = [];
  const run = (inputs: number[]): Promise<number[]> =>
    new Promise((resolve, reject) => calls.push({ inputs, finish: () => resolve(inputs.map((x) => x * 10)), fail: reject }));
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
    const s = new Scheduler<number, number>({ label: 't', capacity: 8, concurrency: 1, maxBatch: 4, maxDelayMs: 10_000, run, sizeOf: (x) => x });
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
    const s = new Scheduler<number, number>({ label: 't', capacity: 8, concurrency: 1, maxBatch: 1, maxDelayMs: 0, run, onDepth: (n) => depths.push(n) });
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
});
