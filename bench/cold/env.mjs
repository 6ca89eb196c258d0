// What the cold-start children (bench/first-request.mjs) read from their environment, on Node,
// Deno and Bun alike.
export const env = (name) => globalThis.process?.env?.[name] ?? globalThis.Deno?.env.get(name);
export const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
/** This process's CPU ms so far, all threads (what a busy shared machine moves less than wall time); NaN where unknown. */
export const cpuMs = () => {
  const usage = globalThis.process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : NaN;
};
/**
 * When this process's runtime finished its own start-up, on the clock the bench reads arrivals
 * on (performance.timeOrigin + …): Node's `performance.nodeTiming.bootstrapComplete`, before the
 * main module loads; NaN where the runtime does not say.
 */
export const bootAt = () => {
  const done = globalThis.process?.versions?.node && !globalThis.Bun && !globalThis.Deno
    ? globalThis.performance?.nodeTiming?.bootstrapComplete
    : undefined;
  return typeof done === "number" ? performance.timeOrigin + done : NaN;
};
