/**
 * Where the vendored KServe v2 gRPC protocol lives (packages/runtime/proto/grpc_predict_v2.proto,
 * shipped in the package) and how it is loaded: field names as written, int64 as JS numbers, bytes
 * as Buffers, unset fields at their defaults. The daemon and the tests' clients load it the same way.
 */
import { join } from 'node:path';
import { type GrpcObject, type ServiceClientConstructor, type ServiceDefinition, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** From src/serve/grpc/ (tests) and dist/serve/grpc/ (the built daemon) alike. */
export const PREDICT_V2_PROTO = join(__dirname, '../../../proto/grpc_predict_v2.proto');

export const SERVICE_NAME = 'inference.GRPCInferenceService';

/** The service's definition (for a server) and client constructor (for a client). */
export function loadInferenceService(): { definition: ServiceDefinition; Client: ServiceClientConstructor } {
  const pkg = loadSync(PREDICT_V2_PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const inference = loadPackageDefinition(pkg)['inference'] as GrpcObject;
  const Client = inference['GRPCInferenceService'] as ServiceClientConstructor;
  return { definition: Client.service, Client };
}
