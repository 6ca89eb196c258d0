/** Requests per burst of arrivals at the simulator (bursts are more than 1 s apart). */
export function waves(arrivals: number[]): number[] {
  const sorted = [...arrivals].sort((a, b) => a - b);
  const sizes: number[] = [];
  sorted.forEach((t, i) => (i > 0 && t - sorted[i - 1]! <= 1000 ? sizes[sizes.length - 1]!++ : sizes.push(1)));
  return sizes;
}
