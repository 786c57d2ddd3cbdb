import { parsePlacement, placementSummary } from '../../src/session/placement';

/** One trace event the way onnxruntime writes it (only the fields placement reads, plus noise). */
const node = (name: string, op: string, provider: string) => ({
  cat: 'Node',
  name: `${name}_kernel_time`,
  ph: 'X',
  dur: 10,
  args: { op_name: op, provider, node_index: '0' },
});

describe('placement from a profiling trace', () => {
  it('summarises a TensorRT session with CPU leftovers as users expect to read it', () => {
    const trace = [
      { cat: 'Session', name: 'session_initialization', args: {} },
      ...Array.from({ length: 43 }, (_, i) =>
        node(`TensorrtExecutionProvider_TRTKernel_graph_${i}`, 'TRTKernel', 'TensorrtExecutionProvider'),
      ),
      node('/Clip', 'Clip', 'CPUExecutionProvider'),
      node('/Pad', 'Pad', 'CPUExecutionProvider'),
    ];
    const p = parsePlacement(trace);
    expect(p.byProvider).toEqual({ TensorRT: 43, CPU: 2 });
    expect(p.summary).toBe('43 kernels on TensorRT, 2 on CPU after graph optimisation');
    expect(p.nodes[43]).toEqual({ name: '/Clip', opType: 'Clip', provider: 'CPU' });
  });

  it('counts a node once however many runs the trace holds, and ignores fences and session events', () => {
    const trace = [
      node('conv', 'Conv', 'CUDAExecutionProvider'),
      node('conv', 'Conv', 'CUDAExecutionProvider'),
      { cat: 'Node', name: 'conv_fence_before', args: { op_name: 'Conv' } },
      { cat: 'Session', name: 'model_run', args: {} },
    ];
    expect(parsePlacement(trace).byProvider).toEqual({ CUDA: 1 });
  });

  it('says so when nothing ran, and uses the singular for one node', () => {
    expect(placementSummary({})).toBe('no kernels executed');
    expect(placementSummary({}, 5)).toBe('no kernels executed (5 graph nodes)');
    expect(placementSummary({ CPU: 1 })).toBe('1 kernel on CPU after graph optimisation');
    expect(placementSummary({ CPU: 206 }, 128)).toBe('206 kernels on CPU after graph optimisation (128 graph nodes)');
  });

  it('rejects a trace that is not an event array', () => {
    expect(() => parsePlacement({ traceEvents: [] }, 'm.onnx: trace')).toThrow(
      'm.onnx: trace: expected a JSON array of trace events, got object',
    );
  });
});
