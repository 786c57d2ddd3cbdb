/**
 * fp16 exports of every golden case (test/fixtures/gan-compression: resnet, spade, released, the
 * GauGAN teacher `spade` included): --verify's check against the float64 reference passes fp16's
 * documented criterion, and so does onnxruntime's output on the fixture's own input against
 * upstream's PyTorch output; the metadata lists exactly the nodes kept in float32.
 */
import { compareTensors, decodeModel, decodePrecision } from '@gc-edge/core';
import { exportSubnet, type ExportResult } from '../../src/export';
import { meetsCriterion, VERIFY_CRITERIA, verifyModel } from '../../src/verify';
import { runOnnxRuntimeBytes } from '../spade/helpers';
import { goldenRows } from './golden-cases';

const criterion = VERIFY_CRITERIA.fp16;

describe.each(goldenRows())('fp16 export of $name', (row) => {
  let exported: ExportResult;
  beforeAll(() => {
    exported = exportSubnet(row.spec, { precision: 'fp16' });
  });

  it("passes --verify against the float64 reference with fp16's criterion", async () => {
    const v = await verifyModel(exported.model, exported.bytes, 0, undefined, exported.reference);
    expect(v.precision).toBe('fp16');
    expect(v.criterion).toEqual(criterion);
    expect(v.maxAbsError).toBeGreaterThan(0); // it is float16: not the float32 graph by mistake
    expect(v.ok).toBe(true);
  });

  it("matches upstream's output on the fixture input within fp16's criterion", async () => {
    const out = await runOnnxRuntimeBytes(exported.bytes, row.input.data, row.input.dims);
    const c = compareTensors(out, row.expected.data, { shape: row.expected.dims });
    expect(meetsCriterion(c, criterion)).toBe(true);
  });

  it('keeps every InstanceNormalization and the final Tanh in float32, and says so in its metadata', () => {
    const decoded = decodeModel(exported.bytes);
    const declared = decodePrecision(decoded.metadata);
    const ref = exported.reference.graph;
    const norms = ref.nodes.filter((n) => n.opType === 'InstanceNormalization').map((n) => n.name);
    const last = ref.nodes[ref.nodes.length - 1]!;
    expect(last.opType).toBe('Tanh');
    expect(declared).toEqual({ precision: 'fp16', io: 'fp32', keptFp32: [...norms, last.name] });
    expect(exported.summary.precision).toEqual(declared);
    expect(decoded.graph.inputs[0]!.elemType).toBe('float32');
    expect(decoded.graph.outputs[0]!.elemType).toBe('float32');
    // the weights are stored as float16: the file is well under the float32 one
    expect(exported.bytes.length).toBeLessThan(0.7 * exportSubnet(row.spec).bytes.length);
  });
});
