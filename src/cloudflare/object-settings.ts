/**
 * The vars of the Worker that owns {@link HtxRateLimitObject}, read once: numbers, or what is
 * wrong with them (the object then refuses every request, loudly).
 */
import { SlidingWindowLimiter } from "../limits/limiter.ts";

/**
 * Optional settings of the object, from the `vars` of the Worker that owns the class. They apply
 * to every budget (every endpoint) of the class; bad values are refused.
 */
export interface HtxRateLimitEnv {
  /** Requests per window; default: the endpoint's HTX limit (50 for batch cancel). */
  HTX_RATE_LIMIT?: string | number;
  /** Window length in ms; default 2000. */
  HTX_RATE_INTERVAL_MS?: string | number;
  /**
   * A slot whose release never comes (its Worker died, or the object restarted while the
   * request was in flight) is freed this many ms after its grant; default 30_000. Keep it at
   * least the longest `timeoutMs` of the HtxClients that use the object; lower frees a dead
   * caller's slots sooner.
   */
  HTX_RATE_MAX_HOLD_MS?: string | number;
}

/** The settings, as numbers. */
export type ObjectSettings = { limit?: number; intervalMs?: number; maxHoldMs?: number };

/** The vars as numbers, or what is wrong with them. */
export function settingsFrom(env: HtxRateLimitEnv): ObjectSettings | { refused: string } {
  const settings: ObjectSettings = {};
  const vars = [
    ["HTX_RATE_LIMIT", "limit"],
    ["HTX_RATE_INTERVAL_MS", "intervalMs"],
    ["HTX_RATE_MAX_HOLD_MS", "maxHoldMs"],
  ] as const;
  for (const [name, key] of vars) {
    const value = env?.[name];
    if (value === undefined) continue;
    // Digits only: Number("") is 0 and Number("2s") is NaN, and neither may reach the limiter.
    if (typeof value === "number" || (typeof value === "string" && /^[0-9]{1,10}$/.test(value))) {
      settings[key] = Number(value);
    } else {
      return {
        refused: `The var ${name} must be a whole number of digits (e.g. "2000"); got ${JSON.stringify(value)}.`,
      };
    }
  }
  try {
    new SlidingWindowLimiter(settings); // the ranges, checked once at start
  } catch (error) {
    return { refused: `The vars HTX_RATE_*: ${(error as Error).message}` };
  }
  return settings;
}

/**
 * What is wrong with the object's vars, or undefined: for the Worker that owns the class to
 * answer a misconfiguration as its own (500) before any cancel, rather than as unresolved ids.
 * Names the var and its value (these vars are never secrets).
 */
export function htxRateLimitEnvProblem(env: HtxRateLimitEnv): string | undefined {
  const settings = settingsFrom(env);
  return "refused" in settings ? settings.refused : undefined;
}
