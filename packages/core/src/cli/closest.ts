/** "Did you mean": the candidate nearest to a mistyped word, by edit distance. */

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, sub));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely typo (at most a third of
 * the word's letters off, at least one) or `word` is a prefix of it; undefined otherwise.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = name.startsWith(w) ? 0.5 : editDistance(w, name.toLowerCase());
    if (best === undefined || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(w.length / 3)) ? best.name : undefined;
}
