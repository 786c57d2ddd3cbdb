/**
 * What a client may read of a server-side failure: the message without the daemon's file system
 * (absolute paths become their base names) and without onnxruntime's C++ source locations and
 * function signatures (`/onnxruntime_src/.../model.cc:202 onnxruntime::Model::Model(...)`). Used for
 * load errors (`lastReloadError`, readiness reasons, 503 E_NOT_READY) and every 5xx body; the full
 * message goes to the daemon's log where the failure happens (repository.ts, server.ts).
 */
import { basename } from 'node:path';
import type { GcError } from '@gc-edge/core';

/** Longest message a client gets. */
const MAX_CHARS = 400;

/** A C++ source location: `/onnxruntime_src/onnxruntime/core/graph/model.cc:202`. */
const SOURCE_LOCATION = /(?:\b[A-Za-z]:)?(?:[/\\][\w.+-]+)+\.(?:cc|cpp|cxx|c|h|hpp|hh|inl)(?::\d+)?/g;
/** The start of a qualified C++ function and its parameter list: `onnxruntime::Model::Model(`. */
const QUALIFIED_CALL = /(?:[A-Za-z_]\w*(?:<[^<>()]*>)?::)+~?[A-Za-z_]\w*(?:<[^<>()]*>)?\(/g;
/** An absolute POSIX path: what precedes it, its folders, its base name. */
const ABSOLUTE_PATH = /(^|[\s'"`(=[,]|:(?!\/\/))((?:\/[^\s'"`()[\],:/]+)+\/)([^\s'"`()[\],:/]+)/g;

/** The message a client may read (see the file comment); `paths` are replaced by their base names first. */
export function clientMessage(message: string, paths: readonly string[] = []): string {
  let m = message;
  for (const p of paths) if (p.length > 1) m = m.split(p).join(basename(p));
  m = stripQualifiedCalls(m.replace(SOURCE_LOCATION, ''));
  m = m.replace(ABSOLUTE_PATH, (_all, before: string, _dirs: string, base: string) => `${before}${base}`);
  m = m.replace(/\s+/g, ' ').replace(/\s+([,.;)])/g, '$1').trim();
  return m.length > MAX_CHARS ? `${m.slice(0, MAX_CHARS - 3)}...` : m;
}

/** A load error as clients see it: its code and {@link clientMessage}. */
export function publicError(e: GcError, paths: readonly string[] = []): { code: string; message: string } {
  return { code: e.code, message: clientMessage(e.message, paths) };
}

/** Removes every `a::b::c(...)` with its (balanced) parameter list, and the cv/ref qualifiers after it. */
function stripQualifiedCalls(s: string): string {
  let out = '';
  let from = 0;
  for (const m of s.matchAll(QUALIFIED_CALL)) {
    const start = m.index;
    if (start < from) continue;
    let depth = 0;
    let end = start + m[0].length - 1;
    for (; end < s.length; end++) {
      if (s[end] === '(') depth++;
      else if (s[end] === ')' && --depth === 0) break;
    }
    if (depth !== 0) break; // unbalanced: leave the rest as it is
    out += s.slice(from, start);
    from = end + 1;
    const qualifiers = /^(?:\s*(?:const|noexcept|&&|&|override))*/.exec(s.slice(from));
    from += qualifiers?.[0].length ?? 0;
  }
  return out + s.slice(from);
}
