/**
 * How loud onnxruntime's own logger is, for every session gc-edge creates (gc-export --verify, the
 * runtime, gc-bench, gc-serve): one mapping from GC_EDGE_ORT_LOG_LEVEL.
 */
import { GcError } from './errors';

export const ORT_LOG_LEVELS = ['verbose', 'info', 'warning', 'error', 'fatal'] as const;
export type OrtLogLevel = (typeof ORT_LOG_LEVELS)[number];
export type OrtLogSeverity = 0 | 1 | 2 | 3 | 4;

/** The environment variable that turns onnxruntime's own log back on (`error`, `verbose`, ...). */
export const ORT_LOG_ENV = 'GC_EDGE_ORT_LOG_LEVEL';

/**
 * The one mapping from GC_EDGE_ORT_LOG_LEVEL to onnxruntime's logger, used both for the
 * process-wide logger (`env.logLevel`) and for every session's `logSeverityLevel`. Default `fatal`:
 * onnxruntime prints its own copy of errors gc-edge already reports (a failed provider load, which
 * `attempts` records; a failed model load or inference, which becomes an E_SESSION error; the
 * "Could not write a profile because no model was loaded" of a failed load), as red lines on stderr.
 * An unknown value is refused, listing the valid ones.
 */
export function ortLogLevel(env: NodeJS.ProcessEnv = process.env): { level: OrtLogLevel; severity: OrtLogSeverity } {
  const asked = env[ORT_LOG_ENV];
  if (asked === undefined || asked === '') return { level: 'fatal', severity: 4 };
  const severity = ORT_LOG_LEVELS.indexOf(asked as OrtLogLevel);
  if (severity < 0) {
    throw new GcError('E_ARGS', `${ORT_LOG_ENV}: unknown level "${asked.slice(0, 40)}". Should be one of: ${ORT_LOG_LEVELS.join(', ')}`);
  }
  return { level: asked as OrtLogLevel, severity: severity as OrtLogSeverity };
}
