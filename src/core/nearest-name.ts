/** "Did you mean": the known name nearest to a misspelt one (an option, a field, a flag). */

/** Edit distance (Levenshtein) between two short names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known name closest to `name` (a typo, another case, a missing unit suffix such as
 * `timeout` for `timeoutMs`), or undefined when none is close enough to suggest.
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = candidate.toLowerCase().startsWith(lower) ? 1 : distance(lower, candidate.toLowerCase());
    if (d <= Math.max(2, Math.floor(candidate.length / 3)) && (!best || d < best.distance)) {
      best = { name: candidate, distance: d };
    }
  }
  return best?.name;
}
