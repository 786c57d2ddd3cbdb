/**
 * Triton's config.pbtxt for exported models, parsed as Triton's ModelConfig (model_config.proto)
 * by Google's reference text-format parser (model-config-schema.ts): for a fixed-size export on
 * the desktop GPU profile, a --dynamic export on the CPU profile and on a Jetson profile; and a
 * misspelt field, a wrong type and an unknown enum value must fail the same check.
 */
import { join } from 'node:path';
import { exportSubnet, loadSubnetSpec } from '@gc-edge/exporter';
import { loadTritonDevice, toPbtxt, tritonModelConfig } from '../../src/triton';
import { EXAMPLES } from '../../../../test/support/fixtures';
import { hasPythonProtobuf, parseModelConfig } from './model-config-schema';

if (!hasPythonProtobuf && process.env['CI']) throw new Error('python3-protobuf is required in CI (apt-get install python3-onnx brings it)');
if (!hasPythonProtobuf) {
  console.warn('skipping the Triton schema checks: /usr/bin/python3 cannot import google.protobuf (apt-get install python3-protobuf)');
}
const maybe = hasPythonProtobuf ? it : it.skip;

const spec = loadSubnetSpec(join(EXAMPLES, 'edges2shapes', 'subnet.json'));
const fixed = exportSubnet(spec).model;
const dynamic = exportSubnet(spec, { dynamic: true }).model;

function parsed(text: string): Record<string, unknown> {
  const r = parseModelConfig(text);
  if (!r.ok) throw new Error(`config.pbtxt does not parse as Triton's ModelConfig: ${r.error}\n${text}`);
  return r.config;
}

describe("Triton config.pbtxt against Triton's model_config.proto", () => {
  maybe('a fixed-size export on desktop-cuda: full dims, no batching, a GPU instance, TensorRT FP16, engine cache, warm-up', () => {
    const c = parsed(toPbtxt(tritonModelConfig(fixed, 'edges2shapes', loadTritonDevice('desktop-cuda'))));
    expect(c).toMatchObject({ name: 'edges2shapes', platform: 'onnxruntime_onnx' });
    expect(c['max_batch_size']).toBeUndefined(); // 0, proto3's default, is not printed
    expect(c['dynamic_batching']).toBeUndefined();
    // int64 fields come back as strings in protobuf's JSON
    expect(c['input']).toEqual([{ name: 'input', data_type: 'TYPE_FP32', dims: ['1', '3', '128', '128'] }]);
    expect(c['output']).toEqual([{ name: 'output', data_type: 'TYPE_FP32', dims: ['1', '3', '128', '128'] }]);
    expect(c['instance_group']).toEqual([{ count: 1, kind: 'KIND_GPU', gpus: [0] }]);
    expect(c['optimization']).toEqual({
      execution_accelerators: {
        gpu_execution_accelerator: [
          {
            name: 'tensorrt',
            parameters: {
              precision_mode: 'FP16',
              max_workspace_size_bytes: '1073741824',
              trt_engine_cache_enable: 'true',
              trt_engine_cache_path: './.trt-cache',
            },
          },
        ],
      },
    });
    expect(c['model_warmup']).toEqual([
      {
        name: 'gc-edge-warmup',
        batch_size: 1,
        count: 1,
        inputs: { input: { data_type: 'TYPE_FP32', dims: ['1', '3', '128', '128'], zero_data: true } },
      },
    ]);
  });

  maybe('a --dynamic export on cpu: batching, dims without the batch, -1 for height and width, warm-up at the export size', () => {
    const c = parsed(toPbtxt(tritonModelConfig(dynamic, 'e2s', loadTritonDevice('cpu'), { maxBatch: 4 })));
    expect(c['max_batch_size']).toBe(4);
    expect(c['dynamic_batching']).toEqual({ max_queue_delay_microseconds: '2000' });
    expect(c['input']).toEqual([{ name: 'input', data_type: 'TYPE_FP32', dims: ['3', '-1', '-1'] }]);
    expect(c['instance_group']).toEqual([{ count: 1, kind: 'KIND_CPU' }]);
    expect(c['optimization']).toBeUndefined(); // no TensorRT on the CPU
    const warm = (c['model_warmup'] as { inputs: Record<string, { dims: string[] }> }[])[0]!;
    expect(warm.inputs['input']!.dims).toEqual(['3', '128', '128']);
  });

  maybe('every device profile in devices/ gives a config that parses', () => {
    for (const id of ['cpu', 'desktop-cuda', 'jetson-nano', 'jetson-xavier-nx', 'jetson-agx-xavier', 'jetson-orin']) {
      const c = parsed(toPbtxt(tritonModelConfig(dynamic, 'e2s', loadTritonDevice(id))));
      expect(c['name']).toBe('e2s');
    }
    const orin = parsed(toPbtxt(tritonModelConfig(fixed, 'e2s', loadTritonDevice('jetson-orin'))));
    type Optimization = { execution_accelerators: { gpu_execution_accelerator: { parameters: Record<string, string> }[] } };
    const trt = (orin['optimization'] as Optimization).execution_accelerators.gpu_execution_accelerator[0]!;
    expect(trt.parameters['trt_engine_cache_path']).toBe('/var/cache/gc-edge/trt');
  });

  maybe('the check fails on a misspelt field, a wrong type and an unknown enum value', () => {
    const good = toPbtxt(tritonModelConfig(fixed, 'edges2shapes', loadTritonDevice('desktop-cuda')));
    expect(parseModelConfig(good).ok).toBe(true);
    const cases: [string, RegExp][] = [
      [good.replace('max_batch_size: 0', 'max_batch_sizes: 0'), /has no field named "max_batch_sizes"/],
      [good.replace('max_batch_size: 0', 'max_batch_size: "0"'), /Couldn't parse integer/],
      [good.replace('data_type: TYPE_FP32', 'data_type: TYPE_FLOAT32'), /no value named TYPE_FLOAT32/],
      [good.replace('kind: KIND_GPU', 'kind: GPU'), /no value named GPU/],
    ];
    for (const [text, error] of cases) {
      expect(text).not.toBe(good);
      const r = parseModelConfig(text);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.error).toMatch(error);
    }
  });
});
