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
});
