/** The rows every rendering of an accuracy report shares (terminal, Markdown, HTML). */
import type { AccuracyReport, AccuracySide, BisectNode } from '../accuracy/types';

/** An error in the digits it needs: `0`, `3.1e-6`, `0.0123`. */
export function errorText(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return x < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}

export function psnrText(db: number): string {
  return db === Infinity ? 'inf (identical)' : Number.isFinite(db) ? `${db.toFixed(1)} dB` : `${db} dB`;
}

function sideText(s: AccuracySide): string {
  const fell = s.attempts.filter((a) => !a.ok).map((a) => a.provider);
  const fallback = fell.length > 0 ? `, after ${fell.join(', ')} failed` : '';
  return `${s.path} on ${s.provider} (${s.profile} profile${fallback}), ${s.precision}`;
}

export function verdictText(r: AccuracyReport): string {
  if (r.gate.maxAbs === null && r.gate.minPsnrDb === null) return 'no gate (give --max-abs and/or --min-psnr)';
  const limits = [
    r.gate.maxAbs !== null ? `max abs <= ${r.gate.maxAbs}` : '',
    r.gate.minPsnrDb !== null ? `PSNR >= ${r.gate.minPsnrDb} dB` : '',
  ]
    .filter((x) => x !== '')
    .join(', ');
  return r.gate.passed ? `PASS (${limits})` : `FAIL (${limits}): ${r.gate.failures.join('; ')}`;
}

export function bisectText(r: AccuracyReport): string | undefined {
  const b = r.bisect;
  if (!b) return undefined;
  const tol = `atol ${b.atol} + rtol ${b.rtol}`;
  if (!b.firstDivergent) return `no node diverges beyond ${tol} (${b.nodes.length} of ${b.shared} shared nodes compared on ${b.input})`;
  const d = b.firstDivergent;
  const how = `max abs ${errorText(d.maxAbs)} > allowed ${errorText(d.allowed)} (${tol}; on ${b.input})`;
  return `first divergent node: ${d.node} (${d.opType}), output '${d.value}': ${how}`;
}

export function summaryRows(r: AccuracyReport): [string, string][] {
  const shapes = Object.entries(r.inputShapes)
    .map(([k, v]) => `${k} ${v.join('x')}`)
    .join(', ');
  const rows: [string, string][] = [
    ['reference', sideText(r.reference)],
    ['candidate', sideText(r.candidate)],
    ['inputs', `${r.inputs}: ${r.samples.length} sample${r.samples.length === 1 ? '' : 's'}, ${shapes}`],
    ['gate', verdictText(r)],
  ];
  const b = bisectText(r);
  if (b) rows.push(['bisect', b]);
  return rows;
}

export const OUTPUT_HEADER = [
  'output',
  'max abs error',
  'mean abs error',
  'PSNR (worst sample)',
  'worst value at',
  'candidate',
  'reference',
] as const;

export function outputRows(r: AccuracyReport): string[][] {
  return r.summary.map((s) => [
    s.output,
    errorText(s.maxAbs),
    errorText(s.meanAbs),
    psnrText(s.minPsnrDb),
    `[${s.worst.at.join(', ')}] of ${s.worst.input}`,
    s.worst.candidate.toPrecision(6),
    s.worst.reference.toPrecision(6),
  ]);
}

export const SAMPLE_HEADER = ['input', 'output', 'max abs error', 'mean abs error', 'PSNR'] as const;

export function sampleRows(r: AccuracyReport): string[][] {
  return r.samples.flatMap((s) => s.outputs.map((o) => [s.input, o.output, errorText(o.maxAbs), errorText(o.meanAbs), psnrText(o.psnrDb)]));
}

export const BISECT_HEADER = ['#', 'node', 'op', 'value', 'max abs error', 'allowed', ''] as const;

export function bisectRows(nodes: readonly BisectNode[]): string[][] {
  return nodes.map((n, i) => {
    const verdict = n.diverged ? 'diverged' : 'ok';
    return [String(i + 1), n.node, n.opType, n.value, errorText(n.maxAbs), errorText(n.allowed), verdict];
  });
}
