/**
 * Across samples, per output: the worst max abs error (and where), the mean abs error, the lowest
 * PSNR; and the gate (`--max-abs`, `--min-psnr`) applied to them.
 */
import type { GateResult, OutputSummary, SampleResult } from './types';

export function summarize(samples: readonly SampleResult[]): OutputSummary[] {
  const names = samples[0]?.outputs.map((o) => o.output) ?? [];
  return names.map((output) => {
    const per = samples.map((s) => ({ input: s.input, e: s.outputs.find((o) => o.output === output)! }));
    const worst = per.reduce((w, p) => (p.e.maxAbs > w.e.maxAbs ? p : w), per[0]!);
    return {
      output,
      maxAbs: worst.e.maxAbs,
      meanAbs: per.reduce((sum, p) => sum + p.e.meanAbs, 0) / per.length,
      minPsnrDb: Math.min(...per.map((p) => p.e.psnrDb)),
      worst: { input: worst.input, ...worst.e.worst },
    };
  });
}

/** Passes when every output is within both thresholds given; NaN/Infinity errors always fail. */
export function applyGate(summary: readonly OutputSummary[], maxAbs: number | undefined, minPsnrDb: number | undefined): GateResult {
  const failures: string[] = [];
  for (const s of summary) {
    if (maxAbs !== undefined && !(s.maxAbs <= maxAbs)) {
      const at = `at [${s.worst.at.join(', ')}] of ${s.worst.input}`;
      failures.push(`${s.output}: max abs error ${s.maxAbs.toPrecision(3)} > --max-abs ${maxAbs} (${at})`);
    }
    if (minPsnrDb !== undefined && !(s.minPsnrDb >= minPsnrDb)) {
      failures.push(`${s.output}: PSNR ${s.minPsnrDb.toFixed(1)} dB < --min-psnr ${minPsnrDb} dB`);
    }
  }
  return { maxAbs: maxAbs ?? null, minPsnrDb: minPsnrDb ?? null, passed: failures.length === 0, failures };
}
