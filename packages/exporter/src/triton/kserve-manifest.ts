/**
 * A KServe `InferenceService` (serving.kserve.io/v1beta1) for an exported model, as YAML, served
 * one of two ways:
 * - `triton`: KServe's Triton runtime (`predictor.model.modelFormat.name: triton`, protocol v2) over
 *   the Triton model repository gc-export wrote (`--triton`), copied to `storageUri`;
 * - `gc-serve`: a custom container (`predictor.containers`) running gc-serve's image on the model
 *   file, fetched by KServe's storage initializer from the `STORAGE_URI` environment variable into
 *   /mnt/models; readiness from gc-serve's /v2/health/ready.
 * GPU profiles ask for one `nvidia.com/gpu`. The fields are those KServe documents for v1beta1
 * (https://kserve.github.io/website/ : InferenceService spec, Triton runtime, custom containers).
 */
import { GcError } from '@gc-edge/core';
import { stringify } from 'yaml';
import type { TritonDevice } from './device-profile';

export const KSERVE_RUNTIMES = ['triton', 'gc-serve'] as const;
export type KServeRuntime = (typeof KSERVE_RUNTIMES)[number];

export interface KServeOptions {
  readonly runtime: KServeRuntime;
  /** Where the cluster finds the Triton repository (triton) or the folder holding `<name>.onnx` (gc-serve). */
  readonly storageUri: string;
  /** gc-serve's container image (gc-serve runtime only). */
  readonly image: string;
}

/** Kubernetes object names (DNS-1123 labels): lowercase letters, digits and '-', at most 63 characters. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The InferenceService's name for a model name: lowercased, '_' and '.' as '-'; E_ARGS when that is still not a DNS-1123 label. */
export function kserveName(model: string): string {
  const name = model.toLowerCase().replace(/[_.]/g, '-');
  if (!DNS_1123_LABEL.test(name) || name.length > 63) {
    const rule = "DNS-1123: a-z, 0-9, '-', at most 63";
    throw new GcError('E_ARGS', `--kserve: '${name}' (from model '${model}') is not a Kubernetes name (${rule})`, {
      hint: 'name the output file so that its name is one, e.g. -o horse2zebra.onnx',
    });
  }
  return name;
}

export function inferenceService(model: string, device: TritonDevice, o: KServeOptions): Record<string, unknown> {
  const gpu = device.providers[0]?.name !== 'cpu';
  const resources = gpu ? { limits: { 'nvidia.com/gpu': '1' } } : { limits: { cpu: '2', memory: '2Gi' } };
  const name = kserveName(model);
  const metadata = { name, labels: { 'app.kubernetes.io/part-of': 'gc-edge' } };
  if (o.runtime === 'triton') {
    return {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata,
      spec: {
        predictor: {
          model: { modelFormat: { name: 'triton' }, protocolVersion: 'v2', storageUri: o.storageUri, resources },
        },
      },
    };
  }
  const args = [`/mnt/models/${model}.onnx`, '--host', '0.0.0.0', '--port', '8080', '--device', device.id];
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata,
    spec: {
      predictor: {
        containers: [
          {
            name: 'kserve-container',
            image: o.image,
            args,
            env: [{ name: 'STORAGE_URI', value: o.storageUri }],
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            readinessProbe: { httpGet: { path: '/v2/health/ready', port: 8080 } },
            resources,
          },
        ],
      },
    },
  };
}

export function inferenceServiceYaml(model: string, device: TritonDevice, o: KServeOptions): string {
  const head = `# KServe InferenceService for '${model}' (${o.runtime}, device profile ${device.id}), written by gc-export\n`;
  return head + stringify(inferenceService(model, device, o));
}
