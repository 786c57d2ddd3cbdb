/**
 * @gc-edge/bench — gc-bench as a library: MAC counting of model files, the latency measurement,
 * the versioned report (schema + validation), Markdown/HTML rendering and cross-device comparison.
 */
export { countModelFile, macsJson, macsText } from './macs/count-file';
export { readModelFile } from './model-file';
export { runLatency, stabilityAdvice, DEFAULT_CV_THRESHOLD } from './latency/run-latency';
export type { LatencyOptions } from './latency/run-latency';
export { measure, warmUp } from './latency/measure';
export type { MeasureOptions, Measurement, Progress, WarmupOptions } from './latency/measure';
export { countCores, effectiveThreads } from './latency/threads';
export type { CoreCount } from './latency/threads';
export { reportPlacement } from './latency/placement';
export { summarize, percentileSorted, coefficientOfVariation, fps, histogram, mean, sampleStd } from './latency/stats';
export type { LatencyStats, Histogram } from './latency/stats';
export { parseShapeArgs, inputShapes, seededInput } from './latency/inputs';
export { systemInfo } from './latency/system-info';
export { LATENCY_REPORT_SCHEMA, PIPELINE_STAGES } from './report/types';
export type {
  LatencyReport,
  ReportModel,
  ReportDevice,
  ReportSession,
  ReportSettings,
  ReportPlacement,
  ReportThreads,
  PlacedNode,
  EndToEndResult,
  PipelineStage,
} from './report/types';
export { perImageMacs } from './report/latency-sections';
export { REPORT_JSON_SCHEMA, validateReport, readReport } from './report/report-schema';
export { latencyMarkdown } from './report/latency-markdown';
export { latencyHtml } from './report/latency-html';
export { latencyText } from './report/latency-text';
export { buildComparison, deviceKey, isTeacher, lineageOf } from './compare/build';
export type { Comparison, CompareRow } from './compare/build';
export { comparisonMarkdown, comparisonHtml, logAxisRange } from './compare/render';
export { runAccuracy } from './accuracy/run-accuracy';
export type { AccuracyOptions } from './accuracy/run-accuracy';
export { bisect, DEFAULT_BISECT_ATOL, DEFAULT_BISECT_RTOL } from './accuracy/bisect';
export { ACCURACY_REPORT_SCHEMA } from './accuracy/types';
export type { AccuracyReport, AccuracySide, BisectResult, BisectNode, GateResult, OutputError, OutputSummary } from './accuracy/types';
export { accuracyMarkdown } from './report/accuracy-markdown';
export { accuracyHtml } from './report/accuracy-html';
export { accuracyJson, accuracyText } from './report/accuracy-text';
export { main } from './cli/main';
