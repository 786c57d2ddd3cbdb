/**
 * Content negotiation for generated images: which of PNG / JPEG / WebP an `Accept` header asks for,
 * and which format a request's `Content-Type` names.
 */
import type { ImageFormat } from './types';

/** Formats in tie-break order: PNG (lossless, the default) first. */
const FORMATS: readonly ImageFormat[] = ['png', 'jpeg', 'webp'];
const MIME_TO_FORMAT: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/webp': 'webp',
};

interface Range {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = [];
  for (const part of header.split(',')) {
    const [media, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = (media ?? '').split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q\s*=\s*([0-9.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (Number.isFinite(q) && q >= 0 && q <= 1) ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** q of `format` under the most specific matching range; 0 when none matches. */
function qualityOf(format: ImageFormat, ranges: readonly Range[]): number {
  let best = -1;
  let q = 0;
  for (const r of ranges) {
    const specificity =
      r.type === 'image' && r.subtype === format ? 2
      : r.type === 'image' && r.subtype === '*' ? 1
      : r.type === '*' && r.subtype === '*' ? 0
      : -1;
    if (specificity > best) {
      best = specificity;
      q = r.q;
    }
  }
  return q;
}

/**
 * The output format an `Accept` header prefers: highest q wins, ties go PNG > JPEG > WebP; a missing
 * or empty header means PNG. `undefined` when the header accepts none of them (answer 406).
 */
export function negotiateImageFormat(accept: string | undefined): ImageFormat | undefined {
  if (accept === undefined || accept.trim() === '') return 'png';
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return 'png';
  let chosen: ImageFormat | undefined;
  let bestQ = 0;
  for (const f of FORMATS) {
    const q = qualityOf(f, ranges);
    if (q > bestQ) {
      bestQ = q;
      chosen = f;
    }
  }
  return chosen;
}

/** The image format a `Content-Type` header names (parameters ignored); `undefined` if not one of ours. */
export function formatFromContentType(contentType: string | undefined): ImageFormat | undefined {
  if (!contentType) return undefined;
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  return MIME_TO_FORMAT[mime];
}
