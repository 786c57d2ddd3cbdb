/**
 * Jest environment for runtime suites that touch onnxruntime-node or worker results: the native
 * binding (and structured clone from worker threads) hands back typed arrays of Node's own realm,
 * while jest's sandbox has its own Float32Array etc., so `instanceof` checks fail ("A float32
 * tensor's data must be type of Float32Array"). Sharing the host's constructors fixes that.
 * (Same as packages/exporter/test/architectures/ort-environment.js; one shared copy would be better.)
 * Use with a docblock at the top of the test file:
 *   /** @jest-environment ./packages/runtime/test/support/ort-environment.js *\/
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) if (globalThis[name]) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
