/**
 * Jest test environment for suites that call onnxruntime-node: its native binding returns typed
 * arrays of Node's own realm, while jest's sandbox has its own Float32Array etc., so ORT's
 * `instanceof` checks on outputs fail ("A float32 tensor's data must be type of Float32Array").
 * Sharing the host's typed-array constructors with the sandbox fixes that.
 * jest.config.js makes it the environment of every suite.
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
