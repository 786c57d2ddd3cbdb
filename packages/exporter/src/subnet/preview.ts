/** A short JSON rendering of a value for messages (deeply nested or huge values are cut). */
export function preview(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = Array.isArray(v) ? 'an array' : typeof v;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
