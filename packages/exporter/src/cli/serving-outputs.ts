/**
 * gc-export's `--triton <repo>` and `--kserve <file.yaml>`: everything is decided (device profile,
 * names, the config and manifest text) before the first byte is written, then written after the
 * model file, each write atomic (triton/repository.ts, core's writeFileAtomic).
 */
import * as path from 'node:path';
import { GcError, type Model, gcEdgeVersion, writeFileAtomic } from '@gc-edge/core';
import { loadTritonDevice } from '../triton/device-profile';
import { inferenceServiceYaml, KSERVE_RUNTIMES, type KServeRuntime, kserveName } from '../triton/kserve-manifest';
import { tensorRtPrecision, tritonModelConfig } from '../triton/model-config';
import { toPbtxt } from '../triton/pbtxt';
import { writeTritonModel } from '../triton/repository';

export interface ServingArgs {
  readonly triton?: string;
  readonly kserve?: string;
  readonly device: string;
  readonly 'max-batch'?: string;
  readonly 'kserve-runtime': string;
  readonly 'storage-uri'?: string;
  readonly image?: string;
}

export interface ServingSummary {
  readonly triton?: { readonly modelDir: string; readonly device: string; readonly maxBatchSize: number; readonly tensorrt: string | null };
  readonly kserve?: { readonly file: string; readonly runtime: KServeRuntime; readonly name: string; readonly storageUri: string };
}

/** Checks the flags and prepares the files; `write()` writes them. Nothing is done without --triton or --kserve. */
export function planServingOutputs(
  args: ServingArgs,
  model: Model,
  bytes: Uint8Array,
  output: string,
): { write: () => Promise<ServingSummary> } {
  if (args.triton === undefined && args.kserve === undefined) return { write: async () => ({}) };
  const name = path.basename(output).replace(/\.onnx$/i, '');
  const device = loadTritonDevice(args.device);
  const runtime = args['kserve-runtime'] as KServeRuntime;
  if (!KSERVE_RUNTIMES.includes(runtime)) {
    throw new GcError('E_ARGS', `--kserve-runtime '${runtime}': use one of ${KSERVE_RUNTIMES.join(', ')}`);
  }
  let triton: { repo: string; text: string; maxBatchSize: number; tensorrt: string | null } | undefined;
  if (args.triton !== undefined) {
    const maxBatch = parseMaxBatch(args['max-batch']);
    const config = tritonModelConfig(model, name, device, maxBatch === undefined ? {} : { maxBatch });
    const head =
      `# Triton model configuration (model_config.proto) for '${name}', device profile ${device.id}; ` +
      `written by gc-export ${gcEdgeVersion()}\n`;
    const maxBatchSize = config['max_batch_size'] as number;
    triton = { repo: args.triton, text: head + toPbtxt(config), maxBatchSize, tensorrt: tensorRtPrecision(device) };
  }
  let kserve: { file: string; text: string; name: string; storageUri: string } | undefined;
  if (args.kserve !== undefined) {
    const folder = runtime === 'triton' ? path.basename(path.resolve(args.triton ?? 'triton-repo')) : 'models';
    const storageUri = args['storage-uri'] ?? `pvc://gc-edge-models/${folder}`;
    const image = args.image ?? `gc-edge/gc-serve:${gcEdgeVersion()}`;
    const text = inferenceServiceYaml(name, device, { runtime, storageUri, image });
    kserve = { file: args.kserve, text, name: kserveName(name), storageUri };
  }
  return {
    write: async () => {
      const summary: { -readonly [K in keyof ServingSummary]: ServingSummary[K] } = {};
      if (triton) {
        const files = await writeTritonModel(triton.repo, name, bytes, triton.text);
        summary.triton = { modelDir: files.modelDir, device: device.id, maxBatchSize: triton.maxBatchSize, tensorrt: triton.tensorrt };
      }
      if (kserve) {
        await writeFileAtomic(kserve.file, kserve.text);
        summary.kserve = { file: kserve.file, runtime, name: kserve.name, storageUri: kserve.storageUri };
      }
      return summary;
    },
  };
}

function parseMaxBatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new GcError('E_ARGS', `--max-batch '${value}': expected a whole number >= 1`, {
      hint: "Triton's max_batch_size for a model with a symbolic batch (gc-export --dynamic)",
    });
  }
  return n;
}
