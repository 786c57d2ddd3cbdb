/**
 * The `gc-bench accuracy` report (`gc-bench/accuracy-report@1`): the same inputs through a reference
 * and a candidate (two models, or one model on two device profiles), the difference of every output
 * (max / mean abs error, PSNR, the worst value), the gate, and with --bisect the first node whose
 * output diverges.
 */
export const ACCURACY_REPORT_SCHEMA = 'gc-bench/accuracy-report@1';

/** One side of the comparison: which model ran where. */
export interface AccuracySide {
  readonly path: string;
  readonly name: string;
  readonly sha256: string;
  /** The device profile asked for. */
  readonly profile: string;
  /** The execution provider the session ended on. */
  readonly provider: string;
  /** Every provider tried, with why it failed (the fallback chain). */
  readonly attempts: readonly { readonly provider: string; readonly ok: boolean; readonly error?: string }[];
  /** The model's own precision metadata (`gc_edge.precision`), or the profile's; what the session computed in. */
  readonly precision: string;
}

/** The difference of one output: compareTensors' figures, flattened to JSON. */
export interface OutputError {
  readonly output: string;
  readonly shape: readonly number[];
  readonly maxAbs: number;
  readonly meanAbs: number;
  readonly rms: number;
  readonly psnrDb: number;
  readonly range: number;
  /** The worst value: its coordinates (NCHW), the candidate's and the reference's values. */
  readonly worst: { readonly at: readonly number[]; readonly candidate: number; readonly reference: number };
}

export interface SampleResult {
  /** `synthetic #1 (seed 1)`, or the image file. */
  readonly input: string;
  readonly outputs: readonly OutputError[];
}

/** Across every sample, per output: the worst max abs error, the mean abs error, the lowest PSNR. */
export interface OutputSummary {
  readonly output: string;
  readonly maxAbs: number;
  readonly meanAbs: number;
  readonly minPsnrDb: number;
  /** The sample the worst value is in, and that value. */
  readonly worst: { readonly input: string } & OutputError['worst'];
}

export interface GateResult {
  readonly maxAbs: number | null;
  readonly minPsnrDb: number | null;
  readonly passed: boolean;
  /** What failed, one line each. */
  readonly failures: readonly string[];
}

/** One node's first output compared during bisection. */
export interface BisectNode {
  readonly node: string;
  readonly opType: string;
  readonly value: string;
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** The allowance: atol + rtol x the reference value's largest magnitude. */
  readonly allowed: number;
  readonly diverged: boolean;
}

export interface BisectResult {
  readonly input: string;
  readonly atol: number;
  readonly rtol: number;
  /** Node outputs both models produce (by name), in the reference's topological order. */
  readonly shared: number;
  /** Compared values, in order, up to the end of the chunk holding the first divergence. */
  readonly nodes: readonly BisectNode[];
  /** The first node (topological order) whose output diverges beyond tolerance; null when none does. */
  readonly firstDivergent: BisectNode | null;
}

export interface AccuracyReport {
  readonly schema: typeof ACCURACY_REPORT_SCHEMA;
  readonly createdAt: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly reference: AccuracySide;
  readonly candidate: AccuracySide;
  /** Where the inputs came from: `synthetic (seeded)`, or the folder. */
  readonly inputs: string;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  readonly samples: readonly SampleResult[];
  readonly summary: readonly OutputSummary[];
  readonly gate: GateResult;
  readonly bisect: BisectResult | null;
  readonly warnings: readonly string[];
}
