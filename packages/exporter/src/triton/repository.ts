/**
 * Writes one model into a Triton model repository: `<repo>/<name>/config.pbtxt` and
 * `<repo>/<name>/1/model.onnx`. The model's folder is built whole in a staging folder beside the
 * repository (each file with core's writeFileAtomic), then renamed into place; a model already
 * there is swapped out and removed only after the new one is in. A failure at any step removes
 * what it staged and leaves the repository as it was: Triton (polling the repository) never sees a
 * half-written model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError, writeFileAtomic } from '@gc-edge/core';

/** Triton model names are folder names; gc-serve's rule, so one name serves on both. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface TritonModelFiles {
  readonly modelDir: string;
  readonly config: string;
  readonly onnx: string;
}

export async function writeTritonModel(repo: string, name: string, onnx: Uint8Array, configText: string): Promise<TritonModelFiles> {
  if (!MODEL_NAME.test(name)) {
    throw new GcError('E_ARGS', `--triton: model name '${name}' is not a folder name Triton takes (letters, digits, '.', '_', '-')`, {
      hint: 'the name is the output file name without .onnx: pick another -o',
    });
  }
  const root = path.resolve(repo);
  const stat = fs.statSync(root, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) {
    throw new GcError('E_OUTPUT', `--triton ${repo}: not a folder; a Triton model repository is a folder of model folders`);
  }
  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new GcError('E_OUTPUT', `--triton ${repo}: cannot create the repository folder (${why})`, {
      hint: 'check the path and permissions',
    });
  }
  const final = path.join(root, name);
  const tag = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  const stage = path.join(path.dirname(root), `.${path.basename(root)}.${name}.${tag}.staging`);
  const old = path.join(path.dirname(root), `.${path.basename(root)}.${name}.${tag}.old`);
  try {
    fs.mkdirSync(path.join(stage, '1'), { recursive: true });
    await writeFileAtomic(path.join(stage, '1', 'model.onnx'), onnx);
    await writeFileAtomic(path.join(stage, 'config.pbtxt'), configText);
    const existed = fs.existsSync(final);
    if (existed) fs.renameSync(final, old);
    try {
      fs.renameSync(stage, final);
    } catch (e) {
      if (existed) fs.renameSync(old, final);
      throw e;
    }
    if (existed) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    if (e instanceof GcError) throw e;
    throw new GcError('E_OUTPUT', `--triton ${repo}: cannot write model '${name}' (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      hint: 'the repository was left as it was; check the path and permissions',
      cause: e,
    });
  }
  return { modelDir: final, config: path.join(final, 'config.pbtxt'), onnx: path.join(final, '1', 'model.onnx') };
}
