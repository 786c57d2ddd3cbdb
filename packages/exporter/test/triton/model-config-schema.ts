/**
 * Checks config.pbtxt text against Triton's model-config schema (src/triton/model_config.proto) with
 * Google's reference text-format parser: Debian's python3-protobuf (which python3-onnx, installed by
 * CI, depends on). The proto is turned into a FileDescriptorSet by protobufjs (no protoc needed);
 * Python builds the ModelConfig message class from it, parses the text and prints the message as
 * JSON with the proto's field names. A misspelt field, a wrong type or an unknown enum value is a
 * parse error, as it is for Triton's model load.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

export const PYTHON = '/usr/bin/python3';
export const hasPythonProtobuf =
  spawnSync(PYTHON, ['-c', 'from google.protobuf import text_format, descriptor_pool, message_factory'], { encoding: 'utf8' }).status === 0;

const PROTO = path.resolve(__dirname, '../../src/triton/model_config.proto');

const PARSE = `
import json, sys
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, text_format
fds = descriptor_pb2.FileDescriptorSet.FromString(open(sys.argv[1], 'rb').read())
pool = descriptor_pool.DescriptorPool()
for f in fds.file:
    pool.Add(f)
desc = pool.FindMessageTypeByName('inference.ModelConfig')
if hasattr(message_factory, 'GetMessageClass'):
    cls = message_factory.GetMessageClass(desc)
else:
    cls = message_factory.MessageFactory(pool).GetPrototype(desc)
msg = cls()
try:
    text_format.Parse(open(sys.argv[2], encoding='utf-8').read(), msg)
except text_format.ParseError as e:
    print(str(e), file=sys.stderr)
    sys.exit(3)
print(json.dumps(json_format.MessageToDict(msg, preserving_proto_field_name=True)))
`;

interface DescriptorMessage {
  name: string;
  field?: { name: string; typeName?: string }[];
  nestedType?: DescriptorMessage[];
  options?: { mapEntry?: boolean };
}

/**
 * The proto as a serialized FileDescriptorSet. protobufjs names map entries after the field
 * (`Parameters`) where protoc names them `ParametersEntry`; the reference implementation refuses the
 * former, so they are renamed to protoc's convention.
 */
function descriptorSet(): Uint8Array {
  const root = new protobuf.Root().loadSync(PROTO, { keepCase: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const descriptor = require('protobufjs/ext/descriptor') as {
    FileDescriptorSet: { encode(m: unknown): { finish(): Uint8Array } };
  };
  type Described = { toDescriptor(syntax: string): { file: { messageType: DescriptorMessage[] }[] } };
  const set = (root as unknown as Described).toDescriptor('proto3');
  const camel = (s: string): string => s.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  const fix = (m: DescriptorMessage): void => {
    for (const n of m.nestedType ?? []) fix(n);
    for (const f of m.field ?? []) {
      const entry = (m.nestedType ?? []).find((n) => n.name === f.typeName && n.options?.mapEntry);
      if (entry) {
        entry.name = `${camel(f.name)}Entry`;
        f.typeName = entry.name;
      }
    }
  };
  for (const file of set.file) for (const m of file.messageType) fix(m);
  return descriptor.FileDescriptorSet.encode(set).finish();
}

/** Parses `text` as a ModelConfig: the message as JSON (proto field names), or the parser's error. */
export function parseModelConfig(text: string): { ok: true; config: Record<string, unknown> } | { ok: false; error: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-triton-schema-'));
  try {
    const pb = path.join(dir, 'model_config.pb');
    const pbtxt = path.join(dir, 'config.pbtxt');
    fs.writeFileSync(pb, descriptorSet());
    fs.writeFileSync(pbtxt, text);
    const r = spawnSync(PYTHON, ['-c', PARSE, pb, pbtxt], { encoding: 'utf8' });
    if (r.status === 0) return { ok: true, config: JSON.parse(r.stdout) as Record<string, unknown> };
    if (r.status === 3) return { ok: false, error: r.stderr.trim() };
    throw new Error(`the schema check itself failed (exit ${r.status}): ${r.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
