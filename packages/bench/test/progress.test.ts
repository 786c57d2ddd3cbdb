import { progressBar } from '../src/latency/progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream, writes };
}

describe('progress bar', () => {
  it('draws on a TTY and clears the line when done', () => {
    const { stream, writes } = fakeStream(true);
    const bar = progressBar(stream);
    bar.update(0.5, '10 runs');
    bar.done();
    expect(writes[0]).toContain('[###############...............] 10 runs');
    expect(writes[writes.length - 1]).toBe('\r\x1b[2K');
  });

  it('writes nothing when stderr is not a terminal, or when --quiet', () => {
    for (const [tty, enabled] of [[false, true], [true, false]] as const) {
      const { stream, writes } = fakeStream(tty);
      const bar = progressBar(stream, enabled);
      bar.update(1, 'done');
      bar.done();
      expect(writes).toEqual([]);
    }
  });

  it('always draws a new stage, and throttles redraws within a stage', () => {
    const { stream, writes } = fakeStream(true);
    let t = 1000;
    const bar = progressBar(stream, true, () => t);
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
});
