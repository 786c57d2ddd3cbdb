/**
 * Which form a checkpoint holds, told from its tensor shapes against subnet.json: the supernet (sliced
 * to the config), the sub-network of the config (taken as is: upstream's released `latest_net_G.pth`),
 * or the full generator of an architecture without a config. A checkpoint that is none of these is
 * refused with the first disagreeing layer, both shapes and, when its shapes spell one, the config
 * (and architecture) it is the sub-network of.
 */
import { GcError, type GraphBuilder, type StateDict } from '@gc-edge/core';
import { formatConfig } from '../subnet/config';
import type { SubnetSpec } from '../subnet/spec';
import { findMismatch, mismatchError, type Mismatch } from '../weights/check';
import type { Architecture, WeightsKind } from './architecture';
import { ARCHITECTURES } from './registry';

export interface WeightsForm {
  readonly kind: WeightsKind;
  /**
   * The supernet width: read off the weights or declared; null for a ResNet sub-network whose
   * subnet.json declares none (nothing in the checkpoint records it, and nothing needs it).
   */
  readonly ngf: number | null;
}

/** Where ngf came from: subnet.json, the weights, the --random-init default, or nowhere (null ngf). */
export type NgfSource = 'declared' | 'weights' | 'default' | null;

/** The keys and shapes weights of `form` must have, and how errors name them. */
export function expectedShapes(
  arch: Architecture,
  spec: SubnetSpec,
  form: WeightsForm,
): { shapes: Map<string, readonly number[]>; what: string } {
  if (form.kind === 'subnet') {
    const subnet = subnetOf(arch);
    const config = spec.config ? formatConfig(spec.config) : '(no config)';
    const what = `${arch.name} sub-network ${config}${subnet.inferNgf && form.ngf !== null ? ` (ngf ${form.ngf})` : ''}`;
    return { shapes: subnet.shapes(spec, form.ngf), what };
  }
  const ngf = supernetNgf(arch, form);
  const what = form.kind === 'full' ? `${arch.name} generator (ngf ${ngf})` : `${arch.name} supernet (ngf ${ngf})`;
  return { shapes: arch.supernetShapes(spec, ngf), what };
}

/** Emits the architecture's body from weights of `form` (already checked against `expectedShapes`). */
export function buildBody(
  arch: Architecture,
  g: GraphBuilder,
  input: string,
  weights: StateDict,
  spec: SubnetSpec,
  form: WeightsForm,
): string {
  if (form.kind === 'subnet') return subnetOf(arch).build(g, input, weights, spec, form.ngf);
  return arch.build(g, input, weights, spec, supernetNgf(arch, form));
}

/** The form --random-init synthesises: the sub-network where the name announces one, else the supernet / full generator. */
export function randomInitForm(arch: Architecture, spec: SubnetSpec, defaultNgf: number): WeightsForm & { ngfSource: NgfSource } {
  const kind: WeightsKind = !arch.subnet ? 'full' : spec.namedForm === 'subnet' ? 'subnet' : 'supernet';
  if (spec.ngf !== undefined) return { kind, ngf: spec.ngf, ngfSource: 'declared' };
  // a ResNet sub-network needs no ngf (and a default one could be narrower than its config)
  if (kind === 'subnet' && !arch.subnet?.inferNgf) return { kind, ngf: null, ngfSource: null };
  return { kind, ngf: defaultNgf, ngfSource: 'default' };
}

/** One way of reading the checkpoint, and the first way the weights disagree with it. */
interface Reading {
  readonly form: WeightsForm;
  readonly what: string;
  readonly mismatch: Mismatch | null;
}

/**
 * Tells the checkpoint's form. Architectures without a config take their full generator; the others
 * try the supernet and the sub-network reading, the one `spec.namedForm` announces first (the two only
 * both fit a sub-network whose every width is the supernet's, where they give the same graph).
 * Throws E_WEIGHTS_KEYS / E_WEIGHTS_SHAPE (prefixed with the weights file) when no reading fits.
 */
export function detectWeightsForm(arch: Architecture, spec: SubnetSpec, weights: StateDict): WeightsForm & { ngfSource: NgfSource } {
  const where = spec.weights ?? 'weights';
  const attempts: (Reading | GcError)[] = [];
  const order = spec.namedForm === 'subnet' ? [subnetReading, supernetReading] : [supernetReading, subnetReading];
  for (const read of order) {
    const r = read(arch, spec, weights);
    if (r === null) continue;
    if (r instanceof GcError || r.mismatch !== null) {
      attempts.push(r);
      continue;
    }
    return { ...r.form, ngfSource: checkDeclaredNgf(arch, spec, r.form, where) };
  }
  const readings = attempts.filter((a): a is Reading => !(a instanceof GcError));
  if (readings.length === 0) {
    const e = attempts[0];
    if (!e || !(e instanceof GcError)) throw new GcError('E_INTERNAL', `${arch.name}: no reading of the weights was tried`);
    throw new GcError(e.code, `${where}: ${e.message}`, {
      hint: `is this a ${arch.name} checkpoint? check "architecture" in ${spec.source}`,
      cause: e,
    });
  }
  // Keys are the same in every reading: a key error is the same error whichever reading found it.
  const keyError = readings.find((r) => r.mismatch?.kind !== 'shape');
  if (keyError?.mismatch) throw mismatchError(keyError.mismatch, where, keyError.what);
  const guess = guessSubnet(arch, spec, weights);
  const shown = shownReading(readings, spec.namedForm ?? (guess ? 'subnet' : undefined));
  if (!shown.mismatch) throw new GcError('E_INTERNAL', `${arch.name}: a fitting reading was refused`);
  throw mismatchError(shown.mismatch, where, shown.what, refusalHint(spec, guess, readings));
}

/**
 * The reading whose first disagreement the refusal names: the form the name announces (or that the
 * shapes spell); otherwise the one the weights agreed with longest (ties: the first tried).
 */
function shownReading(readings: readonly Reading[], prefer: WeightsKind | undefined): Reading {
  const preferred = readings.find((r) => r.form.kind === prefer);
  if (preferred) return preferred;
  const index = (r: Reading): number => (r.mismatch?.kind === 'shape' ? r.mismatch.index : -1);
  return readings.reduce((a, b) => (index(b) > index(a) ? b : a));
}

/** null: the architecture has no such form. */
type ReadingOf = (arch: Architecture, spec: SubnetSpec, weights: StateDict) => Reading | GcError | null;

const supernetReading: ReadingOf = (arch, spec, weights) => {
  let ngf: number;
  try {
    ngf = arch.inferNgf(weights);
  } catch (e) {
    if (e instanceof GcError) return e;
    throw e;
  }
  const form: WeightsForm = { kind: arch.subnet ? 'supernet' : 'full', ngf };
  const { shapes, what } = expectedShapes(arch, spec, form);
  return { form, what, mismatch: findMismatch(weights, shapes) };
};

const subnetReading: ReadingOf = (arch, spec, weights) => {
  if (!arch.subnet) return null;
  let ngf: number | null = spec.ngf ?? null;
  if (arch.subnet.inferNgf) {
    try {
      ngf = arch.subnet.inferNgf(weights);
    } catch (e) {
      if (e instanceof GcError) return e;
      throw e;
    }
  }
  const form: WeightsForm = { kind: 'subnet', ngf };
  const { shapes, what } = expectedShapes(arch, spec, form);
  return { form, what, mismatch: findMismatch(weights, shapes) };
};

/** A declared ngf must be the one the weights record; returns where the form's ngf came from. */
function checkDeclaredNgf(arch: Architecture, spec: SubnetSpec, form: WeightsForm, where: string): NgfSource {
  const declared = spec.ngf;
  const recorded = form.kind !== 'subnet' || arch.subnet?.inferNgf !== undefined;
  if (!recorded) return declared !== undefined ? 'declared' : null;
  if (declared !== undefined && declared !== form.ngf) {
    const holds =
      form.kind === 'subnet'
        ? `the sub-network of a supernet with ngf ${form.ngf} (its batch-norm statistics say so)`
        : `a ${form.kind === 'full' ? 'generator' : 'supernet'} with ngf ${form.ngf}`;
    throw new GcError('E_WEIGHTS_SHAPE', `${spec.source}: "ngf" is ${declared} but ${where} holds ${holds}`, {
      hint:
        form.kind === 'supernet'
          ? `set "ngf": ${form.ngf} or remove it (it is inferred from the weights); ` +
            `a sub-network checkpoint as wide as a supernet is read as a supernet unless "architecture" is upstream's sub_* name`
          : `set "ngf": ${form.ngf} or remove it (it is inferred from the weights)`,
    });
  }
  return declared !== undefined ? 'declared' : 'weights';
}

interface SubnetGuess {
  readonly architecture: Architecture;
  readonly config: number[];
}

/** The architecture (`arch` first) and config whose sub-network has exactly these weights, when the shapes spell one. */
function guessSubnet(arch: Architecture, spec: SubnetSpec, weights: StateDict): SubnetGuess | null {
  const length = spec.config?.length ?? 8;
  for (const candidate of [arch, ...ARCHITECTURES.filter((a) => a !== arch)]) {
    const config = readSubnetConfig(candidate, spec, weights, length);
    if (config) return { architecture: candidate, config };
  }
  return null;
}

/** "this looks like the sub-network of config X" when the shapes spell one, else what to check. */
function refusalHint(spec: SubnetSpec, guess: SubnetGuess | null, readings: readonly Reading[]): string {
  if (guess) {
    const c = formatConfig(guess.config);
    const name = guess.architecture.name;
    return name === spec.architecture
      ? `this looks like the sub-network of config ${c}: set "config": "${c}" in ${spec.source}`
      : `this looks like the ${name} sub-network of config ${c}: set "architecture": "${name}" and "config": "${c}" in ${spec.source}`;
  }
  const tried = readings.map((r) => `the ${r.what}`).join(' nor ');
  return `the weights are neither ${tried}; check "architecture", "config", "ngf" and the input/output channels in ${spec.source}`;
}

/** The config `candidate`'s sub-network with exactly these weights has, or null. */
function readSubnetConfig(candidate: Architecture, spec: SubnetSpec, weights: StateDict, length: number): number[] | null {
  const subnet = candidate.subnet;
  if (!subnet) return null;
  try {
    const config = subnet.readConfig(weights, length);
    if (!config || !candidate.configLengths.includes(config.length)) return null;
    const ngf = subnet.inferNgf ? subnet.inferNgf(weights) : null;
    const guess: SubnetSpec = { ...spec, architecture: candidate.name, config };
    return findMismatch(weights, subnet.shapes(guess, ngf)) === null ? config : null;
  } catch (e) {
    if (e instanceof GcError) return null; // the spec's fields do not suit this candidate
    throw e;
  }
}

function subnetOf(arch: Architecture): NonNullable<Architecture['subnet']> {
  if (!arch.subnet) throw new GcError('E_INTERNAL', `${arch.name} has no sub-network form`);
  return arch.subnet;
}

function supernetNgf(arch: Architecture, form: WeightsForm): number {
  if (form.ngf === null) throw new GcError('E_INTERNAL', `${arch.name}: a ${form.kind} is built with its ngf`);
  return form.ngf;
}
