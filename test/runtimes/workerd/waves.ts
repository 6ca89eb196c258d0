/** Requests per burst of arrivals at the simulator (bursts are more than 1 s apart). */
export function waves(arrivals: number[]): number[] {
  const sorted = [...arrivals].sort((a, b) => a - b);
  const sizes: number[] = [];
  sorted.forEach((t, i) => (i > 0 && t - sorted[i - 1]! <= 1000 ? sizes[sizes.length - 1]!++ : sizes.push(1)));
  return sizes;
}

/** The most arrivals within any span of `windowMs` (HTX counts 50 per 2 s), among those in [from, to). */
export function mostInAnyWindow(arrivals: number[], windowMs = 2000, from = -Infinity, to = Infinity): number {
  const sorted = arrivals.filter((t) => t >= from && t < to).sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
