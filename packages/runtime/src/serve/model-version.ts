/**
 * Model versions as the KServe v2 / Triton protocol names them: gc-serve serves one version of each
 * model, "1" (the file as last loaded), so `/v2/models/{name}/versions/1/...` is the unversioned route
 * and any other version is 404 E_MODEL_VERSION naming the ones that exist.
 */
import { GcError } from '@gc-edge/core';

/** The one version of every model: `version` in the repository index and in infer answers. */
export const MODEL_VERSION = '1';

/** The versions every model has (`versions` in its metadata). */
export const MODEL_VERSIONS: readonly string[] = [MODEL_VERSION];

/** Refuses a version the model does not have; `undefined` (the unversioned route) is always fine. */
export function requireVersion(model: string, version: string | undefined): void {
  if (version === undefined || MODEL_VERSIONS.includes(version)) return;
  const shown = JSON.stringify(version.slice(0, 40));
  const versions = MODEL_VERSIONS.map((v) => `'${v}'`).join(', ');
  throw new GcError('E_MODEL_VERSION', `model '${model}' has no version ${shown}; its versions are ${versions}`, {
    hint: `gc-serve serves one version of a model, the file as last loaded: use /v2/models/${model}/versions/${MODEL_VERSION}/... or leave /versions/{v} out`,
  });
}
