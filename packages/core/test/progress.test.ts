import { formatDuration, progressBar } from '../src/cli/progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream, writes };
}

describe('progress on a terminal', () => {
  it('draws a bar and clears the line when done', () => {
    const { stream, writes } = fakeStream(true);
    const bar = progressBar(stream);
    bar.update(0.5, '10 runs');
    bar.done();
    expect(writes[0]).toContain('[###############...............] 10 runs');
    expect(writes[writes.length - 1]).toBe('\r\x1b[2K');
  });

  it('always draws a new stage, and throttles redraws within a stage', () => {
    const { stream, writes } = fakeStream(true);
    let t = 1000;
    const bar = progressBar(stream, { clock: () => t });
    bar.update(0, 'reading the model');
    bar.update(0, 'creating the session (cpu)'); // same millisecond, new stage: drawn
    bar.update(0.1, 'warm-up: 1 runs, 0.0 s');
    bar.update(0.2, 'warm-up: 2 runs, 0.0 s'); // same stage within 100 ms: skipped
    t += 150;
    bar.update(0.3, 'warm-up: 3 runs, 0.2 s');
    bar.update(0.01, 'timed: 1 runs, 0.0 s');
    expect(writes.map((w) => w.replace(/^[\s\S]*\] /, ''))).toEqual([
      'reading the model',
      'creating the session (cpu)',
      'warm-up: 1 runs, 0.0 s',
      'warm-up: 3 runs, 0.2 s',
      'timed: 1 runs, 0.0 s',
    ]);
  });

  it('estimates what is left of a stage from how fast it went so far', () => {
    const { stream, writes } = fakeStream(true);
    let t = 0;
    const bar = progressBar(stream, { clock: () => t });
    bar.update(0, 'timed: 0 runs');
    t = 10_000;
    bar.update(0.25, 'timed: 25 runs');
    expect(writes[1]).toContain('timed: 25 runs (about 30 s left)');
  });
});

describe('progress off a terminal', () => {
  it('writes plain lines: one per new stage, then at most one per interval, with an estimate', () => {
    const { stream, writes } = fakeStream(false);
    let t = 0;
    const bar = progressBar(stream, { clock: () => t, intervalMs: 5000, startAfterMs: 0, name: 'gc-bench' });
    bar.update(0, 'reading the model');
    bar.update(0, 'timed: 0 runs, 0.0 s');
    t = 1000;
    bar.update(0.01, 'timed: 1 runs, 1.0 s'); // within the interval: skipped
    t = 60_000;
    bar.update(0.5, 'timed: 30 runs, 60.0 s');
    bar.done();
    expect(writes).toEqual([
      'gc-bench: reading the model\n',
      'gc-bench: timed: 0 runs, 0.0 s\n',
      'gc-bench: timed: 30 runs, 60.0 s, 50%, about 1 min left\n',
    ]);
    for (const w of writes) expect(w.includes('\r') || w.includes('\u001b')).toBe(false);
  });

  it('stays quiet for work that ends within the first seconds, then shows the stage it is in', () => {
    const { stream, writes } = fakeStream(false);
    let t = 0;
    const bar = progressBar(stream, { clock: () => t, startAfterMs: 2000 });
    bar.update(0, 'reading the model');
    bar.update(0, 'creating the session (cpu)');
    t = 1999;
    bar.update(0.5, 'timed: 5 runs');
    expect(writes).toEqual([]);
    t = 2500;
    bar.update(0.6, 'timed: 6 runs');
    expect(writes).toEqual(['timed: 6 runs, 60%, about 0.3 s left\n']);
  });

  it('writes nothing when disabled (--quiet, --json), on a terminal or not', () => {
    for (const tty of [false, true]) {
      const { stream, writes } = fakeStream(tty);
      const bar = progressBar(stream, { enabled: false });
      bar.update(1, 'done');
      bar.done();
      expect(writes).toEqual([]);
    }
  });
});

describe('formatDuration', () => {
  it.each([
    [1.25, '1.3 s'],
    [45.2, '45 s'],
    [60, '1 min'],
    [200, '3 min 20 s'],
  ])('%d s reads as %s', (s, text) => expect(formatDuration(s)).toBe(text));
});
