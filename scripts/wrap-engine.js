#!/usr/bin/env node
'use strict';
/**
 * Wraps a TensorRT engine built from MODEL.onnx as an onnxruntime EPContext model beside it
 * (wrapEngine in @gc-edge/runtime), recording the engine's precision, TensorRT version and GPU.
 *   node scripts/wrap-engine.js MODEL.onnx ENGINE --precision fp16 --tensorrt-version 8.5.2 --arch 72 [-o MODEL_ctx.onnx]
 * ENGINE and MODEL.onnx must sit in the folder the EPContext model is written to.
 */
const fs = require('node:fs');
const path = require('node:path');
const { wrapEngine } = require('../packages/runtime/dist');
const { formatError } = require('../packages/core/dist');
const { arg } = require('./lib/args');

try {
  const [model, engine] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && !(all[i - 1] ?? '').startsWith('-'));
  if (!model || !engine) {
    throw new Error('usage: wrap-engine.js MODEL.onnx ENGINE --precision fp16 --tensorrt-version X.Y.Z --arch NN [-o OUT]');
  }
  const out = arg('o', model.replace(/\.onnx$/i, '') + '_ctx.onnx');
  const dir = path.dirname(path.resolve(out));
  for (const [what, f] of [['the engine', engine], ['the ONNX model', model]]) {
    if (path.dirname(path.resolve(f)) !== dir) throw new Error(`${what} ${f} must be in ${dir}, beside the EPContext model`);
  }
  const bytes = wrapEngine(fs.readFileSync(model), {
    file: path.basename(engine),
    onnxModel: path.basename(model),
    precision: arg('precision', 'fp16'),
    tensorrtVersion: arg('tensorrt-version', ''),
    hardwareArchitecture: arg('arch', ''),
    where: model,
  });
  fs.writeFileSync(out, bytes);
  const facts = `${arg('precision', 'fp16')}, TensorRT ${arg('tensorrt-version', '')}, compute capability ${arg('arch', '')}`;
  console.log(`wrote ${out} (EPContext over ${path.basename(engine)}, ${facts})`);
} catch (e) {
  console.error(formatError(e));
  process.exit(1);
}
