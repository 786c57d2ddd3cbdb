/**
 * A writer of protobuf text format (what Triton's config.pbtxt is): plain objects as messages,
 * arrays as repeated fields (`dims: [ 1, 3 ]`, `input [ { ... } ]`), {@link ProtoEnum} values as
 * bare enum names, strings quoted and escaped. Maps are arrays of `{ key, value }` messages, as the
 * text format writes them. Undefined fields and empty arrays are left out (proto3 defaults).
 */

/** An enum value: written bare (`TYPE_FP32`), where a string would be quoted. */
export class ProtoEnum {
  constructor(readonly name: string) {}
}

export const protoEnum = (name: string): ProtoEnum => new ProtoEnum(name);

export type PbValue = string | number | boolean | ProtoEnum | PbMessage | readonly PbValue[];
export interface PbMessage {
  readonly [field: string]: PbValue | undefined;
}

/** The message as text format, two spaces per level, ending with a newline. */
export function toPbtxt(message: PbMessage): string {
  return `${fields(message, '').join('\n')}\n`;
}

function fields(message: PbMessage, indent: string): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(message)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      if (value.every(isMessage)) {
        const items = value.map((m) => block(m as PbMessage, `${indent}  `));
        lines.push(`${indent}${name} [`, `${items.map((b) => `${indent}  {\n${b}${indent}  }`).join(',\n')}`, `${indent}]`);
      } else {
        lines.push(`${indent}${name}: [ ${value.map(scalar).join(', ')} ]`);
      }
    } else if (isMessage(value)) {
      lines.push(`${indent}${name} {`, ...fields(value as PbMessage, `${indent}  `), `${indent}}`);
    } else {
      lines.push(`${indent}${name}: ${scalar(value)}`);
    }
  }
  return lines;
}

function block(message: PbMessage, indent: string): string {
  const inner = fields(message, `${indent}  `);
  return inner.length === 0 ? '' : `${inner.join('\n')}\n`;
}

function isMessage(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof ProtoEnum);
}

function scalar(v: PbValue): string {
  if (v instanceof ProtoEnum) return v.name;
  if (typeof v === 'string') return JSON.stringify(v); // a JSON string is a valid text-format string for the characters we write
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`pbtxt: ${v} is not a number text format can carry`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  throw new Error(`pbtxt: a ${typeof v} where a scalar belongs`);
}
