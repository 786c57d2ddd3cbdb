/** What every route group gets: the models and their plans, the metrics, the image codec and the daemon's state. */
import type { EncodedImage, ImageFormat, PreprocessOptions, PreprocessedImage, RgbImage } from '../image/types';
import type { ModelInfo } from '../session/types';
import type { ServeMetrics } from './metrics';
import type { ModelPlan } from './model-plan';
import type { ResolvedServeOptions } from './options';
import type { ModelRepository } from './repository';

/** The image pipeline as the daemon uses it (adapter over ../image in image-codec.ts). */
export interface ImageCodec {
  decode(bytes: Buffer, options: PreprocessOptions): Promise<PreprocessedImage>;
  /** Encodes interleaved RGB bytes (an answer's pixels, made by worker/answer.ts) as `format`. */
  encodeRgb(rgb: RgbImage, format: ImageFormat): Promise<EncodedImage>;
}

export interface DaemonState {
  /** Set once SIGTERM/SIGINT (or close()) began: ready answers 503, new work is refused. */
  shuttingDown: boolean;
}

export interface ServeContext {
  readonly repository: ModelRepository;
  /** What the daemon does with a loaded model (model-plan.ts), decided once per load. */
  readonly plan: (info: ModelInfo) => ModelPlan;
  readonly metrics: ServeMetrics;
  readonly images: ImageCodec;
  readonly options: ResolvedServeOptions;
  readonly state: DaemonState;
}
