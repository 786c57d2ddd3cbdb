/**
 * The KServe v2 / Triton model repository extension's data, apart from HTTP so another transport
 * (gRPC) can answer the same: the repository index (`POST /v2/repository/index`: every model with
 * its version and Triton's state strings) and the checks of index and load request bodies.
 */
import { GcError } from '@gc-edge/core';
import { MODEL_VERSION } from './model-version';
import type { ModelRepository, ModelSlot } from './repository';

/** Triton's model states as the index reports them. */
type IndexState = 'READY' | 'UNAVAILABLE' | 'LOADING';

/** One model in the index, the shape Triton's clients parse. */
export interface IndexEntry {
  readonly name: string;
  readonly version: string;
  readonly state: IndexState;
  /** Why the model is not READY (its load error, or `unloaded`); empty when it is. */
  readonly reason: string;
}

/** The index in name order; `ready: true` keeps only the models that can answer now. */
export function repositoryIndex(repository: ModelRepository, filter: { readonly ready?: boolean } = {}): IndexEntry[] {
  const entries = repository.all.map(indexEntry).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return filter.ready ? entries.filter((e) => e.state === 'READY') : entries;
}

function indexEntry(slot: ModelSlot): IndexEntry {
  const entry = (state: IndexState, reason = ''): IndexEntry => ({ name: slot.name, version: MODEL_VERSION, state, reason });
  switch (slot.state) {
    case 'ready':
      // Loaded, but with no live worker (a crashed worker's replacement failing): the slot says why.
      return slot.ready ? entry('READY') : entry('UNAVAILABLE', slot.notReadyReason ?? 'no live worker');
    case 'loading':
      return entry('LOADING');
    case 'unloaded':
      return entry('UNAVAILABLE', 'unloaded');
    case 'failed':
      return entry('UNAVAILABLE', slot.publicError?.message ?? 'failed to load');
  }
}

/**
 * An index request's body: nothing (what Triton's client sends), or `{"ready": true|false}`.
 * E_BAD_REQUEST for anything else.
 */
export function indexRequest(body: unknown): { ready: boolean } {
  const json = jsonBody(body, 'repository index');
  if (json === undefined) return { ready: false };
  const ready = json['ready'];
  if (ready !== undefined && typeof ready !== 'boolean') {
    throw new GcError('E_BAD_REQUEST', `repository index: 'ready' must be true or false, got ${JSON.stringify(ready).slice(0, 40)}`);
  }
  return { ready: ready === true };
}

/**
 * A load request's body: nothing, `{}` or parameters gc-serve has no use for. A model config or model
 * files sent with the request (Triton's `load_model(config=..., files=...)`) are refused: gc-serve
 * loads a model from its own .onnx file, and answering 200 to a load it did not do would lie.
 */
export function checkLoadRequest(body: unknown): void {
  const parameters = jsonBody(body, 'load')?.['parameters'];
  if (parameters === undefined || parameters === null) return;
  if (typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw new GcError('E_BAD_REQUEST', "load: 'parameters' must be an object");
  }
  const overrides = Object.keys(parameters).filter((k) => k === 'config' || k.startsWith('file:'));
  if (overrides.length > 0) {
    throw new GcError('E_BAD_REQUEST', `load: parameters ${overrides.map((k) => `'${k.slice(0, 60)}'`).join(', ')} are not supported`, {
      hint: "gc-serve loads a model from its .onnx file: replace the file (gc-export -o), then load without 'config' or files",
    });
  }
}

/** The request's JSON object, or undefined for an empty body; E_BAD_REQUEST for anything else. */
function jsonBody(body: unknown, what: string): Record<string, unknown> | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw new GcError('E_BAD_REQUEST', `${what}: request body is not valid JSON: ${(e as Error).message.slice(0, 120)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GcError('E_BAD_REQUEST', `${what}: request body must be a JSON object`);
  }
  return json as Record<string, unknown>;
}
