/**
 * Reads an ONNX file for counting: the decoded `Model` plus what it leaves out that shape inference
 * needs: the tensor `value` of Constant nodes (torch.onnx.export emits pads, clip bounds and norm
 * scales that way; lifted to initializers, the node dropped) and ConstantOfShape's fill value.
 */
import { decodeModelProto, modelFromProto } from '../onnx/codec';
import type { AttributeValue, GraphNode, InitializerData, Model } from '../onnx/graph';
import { tensorFromProto } from '../onnx/tensor-proto';

/** Decodes `bytes` (an .onnx file's content) into a Model ready for `countMacs`. */
export function readModelForCounting(bytes: Uint8Array, where = 'model'): Model {
  const proto = decodeModelProto(bytes, where);
  const model = modelFromProto(proto, where);
  const initializers = new Map<string, InitializerData>(model.graph.initializers);
  const nodes: GraphNode[] = [];
  (proto.graph?.node ?? []).forEach((p, i) => {
    const node = model.graph.nodes[i]!;
    const tensorAttr = (p.attribute ?? []).find((a) => a.name === 'value' && a.t);
    const t = tensorAttr?.t ? tensorFromProto(tensorAttr.t, `${where}: node '${node.name}'`) : undefined;
    if (node.opType === 'Constant' && t && (!p.domain || p.domain === 'ai.onnx')) {
      initializers.set(node.outputs[0]!, t);
      return;
    }
    if (node.opType === 'ConstantOfShape' && t) {
      const fill = Number(t.data[0] ?? 0);
      const value: AttributeValue = t.dataType === 'int64' ? { type: 'ints', value: [fill] } : { type: 'floats', value: [fill] };
      nodes.push({ ...node, attributes: { ...node.attributes, value } });
      return;
    }
    nodes.push(p.domain && p.domain !== 'ai.onnx' ? { ...node, opType: `${p.domain}.${node.opType}` } : node);
  });
  const inputs = model.graph.inputs.filter((v) => !initializers.has(v.name));
  return { ...model, graph: { ...model.graph, inputs, nodes, initializers } };
}
