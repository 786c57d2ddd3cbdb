/** Attribute and input access for reference ops, with errors that name the node. */
import { GcError, type GraphNode, shapeString } from '@gc-edge/core';
import type { RefTensor } from './tensor';

export function refError(node: GraphNode, what: string): GcError {
  return new GcError('E_GRAPH', `${node.name} (${node.opType}): ${what}`, {
    hint: 'the reference interpreter runs the graphs gc-export builds; this node is outside that set',
  });
}

export function input(node: GraphNode, inputs: readonly (RefTensor | undefined)[], i: number, what: string): RefTensor {
  const t = inputs[i];
  if (!t) throw refError(node, `input ${i} (${what}) is required`);
  return t;
}

export function rankIs(node: GraphNode, t: RefTensor, rank: number, what: string): void {
  if (t.dims.length !== rank) throw refError(node, `${what} must be ${rank}-D, got ${shapeString(t.dims)}`);
}

export function intAttr(node: GraphNode, name: string, fallback: number): number {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.type !== 'int') throw refError(node, `attribute ${name} must be an int, got ${a.type}`);
  return a.value;
}

export function intsAttr(node: GraphNode, name: string, fallback: readonly number[]): readonly number[] {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.type !== 'ints') throw refError(node, `attribute ${name} must be ints, got ${a.type}`);
  return a.value;
}

export function floatAttr(node: GraphNode, name: string, fallback: number): number {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.type !== 'float') throw refError(node, `attribute ${name} must be a float, got ${a.type}`);
  return a.value;
}

export function stringAttr(node: GraphNode, name: string, fallback: string): string {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.type !== 'string') throw refError(node, `attribute ${name} must be a string, got ${a.type}`);
  return a.value;
}

/** Conv-style ops: explicit pads only (auto_pad NOTSET). */
export function requireExplicitPads(node: GraphNode): void {
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET') throw refError(node, `auto_pad ${autoPad} is not implemented (use explicit pads)`);
}

/** Reads a [kH, kW]-style pair attribute, checking it has `n` entries. */
export function pairAttr(node: GraphNode, name: string, fallback: readonly number[], n: number): readonly number[] {
  const v = intsAttr(node, name, fallback);
  if (v.length !== n) throw refError(node, `attribute ${name} must have ${n} entries, got [${v.join(', ')}]`);
  return v;
}
