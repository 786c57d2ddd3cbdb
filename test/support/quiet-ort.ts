/**
 * jest setupFiles: onnxruntime's native logger is created once per process, at the first session, with
 * the level `env.logLevel` has then. Tests that create sessions directly would otherwise set it to
 * onnxruntime's default and let later suites' expected provider-load failures print red lines; give
 * it gc-edge's own rule (fatal unless GC_EDGE_ORT_LOG_LEVEL says otherwise).
 */
import { env } from 'onnxruntime-node';
import { ortLogLevel } from '@gc-edge/core';

env.logLevel = ortLogLevel().level;
