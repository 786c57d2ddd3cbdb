/**
 * Checkpoints saved with `torch.nn.utils.spectral_norm` still on (GauGAN's teacher as trained) hold
 * `X.weight_orig`, `X.weight_u` and `X.weight_v` instead of `X.weight`. This folds each triple into the
 * weight PyTorch computes in eval mode, the one every forward uses: no power iteration, the stored u
 * and v as they are,
 *
 *   W_mat = weight_orig reshaped to [out, -1]    sigma = u^T W_mat v    weight = weight_orig / sigma
 *
 * (`SpectralNorm.compute_weight(do_power_iteration=False)`, dim 0: Conv2d/Linear, what GauGAN wraps).
 * `remove_spectral_norm.py` writes the same `weight` into the file; both forms export the same graph.
 */
import { GcError, numel, shapeString, type StateDict, type Tensor } from '@gc-edge/core';

const ORIG = '.weight_orig';

/** `weights` with every spectral-norm triple folded into `.weight` (the same map when there is none). */
export function foldSpectralNorm(weights: StateDict, where: string): StateDict {
  if (![...weights.keys()].some((k) => k.endsWith(ORIG))) return weights;
  const out: StateDict = new Map();
  for (const [key, t] of weights) {
    if (key.endsWith('.weight_u') || key.endsWith('.weight_v')) {
      const prefix = key.slice(0, -'.weight_u'.length);
      if (!weights.has(`${prefix}${ORIG}`)) {
        throw new GcError(
          'E_WEIGHTS_KEYS',
          `${where}: ${key} without ${prefix}${ORIG}: a spectral-norm buffer with no weight to normalise`,
          { hint: 'the file mixes spectral-norm parts; save it again from the model' },
        );
      }
      continue;
    }
    if (!key.endsWith(ORIG)) {
      out.set(key, t);
      continue;
    }
    const prefix = key.slice(0, -ORIG.length);
    if (weights.has(`${prefix}.weight`)) {
      throw new GcError('E_WEIGHTS_KEYS', `${where}: both ${prefix}.weight and ${key}: a layer is spectral-normalised and not at once`, {
        hint: 'save the state_dict of the model as trained, or as remove_spectral_norm.py leaves it',
      });
    }
    out.set(`${prefix}.weight`, normalise(prefix, t, weights.get(`${prefix}.weight_u`), weights.get(`${prefix}.weight_v`), where));
  }
  return out;
}

function normalise(prefix: string, w: Tensor, u: Tensor | undefined, v: Tensor | undefined, where: string): Tensor {
  if (!u || !v) {
    const missing = [!u ? `${prefix}.weight_u` : '', !v ? `${prefix}.weight_v` : ''].filter(Boolean).join(' and ');
    throw new GcError('E_WEIGHTS_KEYS', `${where}: ${prefix}${ORIG} has no ${missing}, so its spectral norm cannot be computed`, {
      hint: 'spectral_norm stores u and v beside weight_orig; export the whole state_dict',
    });
  }
  const rows = w.shape[0] ?? 0;
  const cols = rows > 0 ? numel(w.shape) / rows : 0;
  if (w.shape.length < 2 || u.shape.length !== 1 || u.shape[0] !== rows || v.shape.length !== 1 || v.shape[0] !== cols) {
    throw new GcError(
      'E_WEIGHTS_SHAPE',
      `${where}: ${prefix}: weight_orig ${shapeString(w.shape)} needs weight_u [${rows}] and weight_v [${cols}], got ${shapeString(u.shape)} and ${shapeString(v.shape)}`,
      { hint: 'only spectral norm over dim 0 (Conv2d, Linear) is supported' },
    );
  }
  let sigma = 0;
  for (let i = 0; i < rows; i++) {
    let wv = 0;
    for (let j = 0; j < cols; j++) wv += w.data[i * cols + j]! * v.data[j]!;
    sigma += u.data[i]! * wv;
  }
  if (!Number.isFinite(sigma) || sigma === 0) {
    throw new GcError(
      'E_WEIGHTS_FORMAT',
      `${where}: ${prefix}: the spectral norm u^T W v is ${sigma}, so weight_orig / sigma is undefined`,
      { hint: 'weight_u / weight_v are damaged or were never set by a training step' },
    );
  }
  const data = new Float32Array(w.data.length);
  for (let i = 0; i < data.length; i++) data[i] = w.data[i]! / sigma;
  return { shape: [...w.shape], data };
}
