/**
 * "Did you mean …?": the candidate nearest to `name` by edit distance
 * (case-insensitive, adjacent swaps count as one edit), or undefined when
 * nothing is near. Near means at most one edit for short names and about a
 * third of the name's length for longer ones, so unrelated names stay silent.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const budget = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const candidate of candidates) {
    if (candidate === name) return undefined;
    const lower = candidate.toLowerCase();
    if (Math.abs(lower.length - wanted.length) > bestDistance) continue;
    // The limit lets a tie through (for the alphabetical tie-break) and stops early past it.
    const distance = editDistance(wanted, lower, bestDistance + 1);
    if (distance > bestDistance) continue;
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= budget ? best : undefined;
}

/** Optimal string alignment distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  const n = b.length;
  let before = new Array<number>(n + 1);
  let previous = new Array<number>(n + 1);
  let current = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const cb = b.charCodeAt(j - 1);
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        value = Math.min(value, before[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return previous[n];
}
