import { defaultWorkers, resolveServeOptions } from '../../src/serve/options';
import { CPU_PROFILE } from './helpers';

describe('gc-serve defaults', () => {
  const sleepy = { ...CPU_PROFILE, threads: { intraOp: 0, interOp: 1, spinning: false } };
  const gpu = { ...sleepy, executionProviders: [{ name: 'tensorrt' as const }, { name: 'cuda' as const }, { name: 'cpu' as const }] };

  it('runs two workers per model on a CPU profile whose threads sleep, so decode and encode overlap inference', () => {
    expect(defaultWorkers(sleepy, 2)).toBe(2);
    expect(resolveServeOptions({ target: 'm.onnx', profile: sleepy }).workers).toBe(defaultWorkers(sleepy));
  });

  it('runs one worker on GPU profiles, with spinning threads and on one core', () => {
    expect(defaultWorkers(gpu, 8)).toBe(1);
    expect(defaultWorkers({ ...sleepy, threads: { intraOp: 0, interOp: 1 } }, 8)).toBe(1);
    expect(defaultWorkers(sleepy, 1)).toBe(1);
  });

  it('keeps an explicit worker count', () => {
    expect(resolveServeOptions({ target: 'm.onnx', profile: sleepy, workers: 3 }).workers).toBe(3);
  });
});
