/**
 * A small JSON Schema (draft-07 subset) validator — exactly the keywords devices/schema.json uses:
 * type, enum, required, properties, additionalProperties, items, minItems, minLength, minimum,
 * exclusiveMinimum; and for the KServe manifest schema (test/fixtures/kserve/) pattern, maxLength
 * and oneOf. The schema file stays the single source of truth for what a profile may hold.
 */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** An ECMAScript regular expression the string must match (JSON Schema: not anchored). */
  readonly pattern?: string;
  /** Exactly one of these must hold. */
  readonly oneOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
}

export interface SchemaIssue {
  /** JSON path of the offending value, e.g. `threads.intraOp` or `executionProviders[1].name`. */
  readonly path: string;
  readonly message: string;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function validateJson(value: unknown, schema: JsonSchema, path = ''): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const at = path || '(root)';
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!types.some((t) => typeMatches(value, t))) {
      return [{ path: at, message: `must be ${types.join(' or ')}, got ${typeOf(value)}` }];
    }
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    issues.push({
      path: at,
      message: `must be one of: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}; got ${JSON.stringify(value)}`,
    });
  }
  if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength) {
    issues.push({ path: at, message: `must have at least ${schema.minLength} character(s)` });
  }
  if (typeof value === 'string' && schema.maxLength !== undefined && value.length > schema.maxLength) {
    issues.push({ path: at, message: `must have at most ${schema.maxLength} character(s)` });
  }
  if (typeof value === 'string' && schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
    issues.push({ path: at, message: `must match ${schema.pattern}, got ${JSON.stringify(value)}` });
  }
  if (schema.oneOf !== undefined) {
    const results = schema.oneOf.map((s) => validateJson(value, s, path));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing !== 1) {
      const why = passing === 0 ? results.map((r) => `${r[0]!.path} ${r[0]!.message}`).join('; or ') : `${passing} of them hold`;
      issues.push({ path: at, message: `must match exactly one of ${schema.oneOf.length} forms: ${why}` });
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) {
      issues.push({ path: at, message: `must be >= ${schema.minimum}, got ${value}` });
    }
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      issues.push({ path: at, message: `must be > ${schema.exclusiveMinimum}, got ${value}` });
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      issues.push({ path: at, message: `must have at least ${schema.minItems} item(s)` });
    }
    const { items } = schema;
    if (items) value.forEach((item, i) => issues.push(...validateJson(item, items, join(path, i))));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in obj)) issues.push({ path: join(path, key), message: 'is required' });
    }
    const props = schema.properties ?? {};
    for (const [key, v] of Object.entries(obj)) {
      const sub = props[key];
      if (sub) {
        issues.push(...validateJson(v, sub, join(path, key)));
      } else if (schema.additionalProperties === false) {
        const known = Object.keys(props);
        issues.push({ path: join(path, key), message: `is not a known field; known: ${known.join(', ')}` });
      } else if (typeof schema.additionalProperties === 'object') {
        issues.push(...validateJson(v, schema.additionalProperties, join(path, key)));
      }
    }
  }
  return issues;
}
