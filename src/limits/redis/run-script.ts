/**
 * One call of a Lua script: by its SHA-1 (`EVALSHA`), and with its text (`EVAL`, which also
 * loads it) only when the server does not know it yet (a new server, a restart, `SCRIPT FLUSH`).
 */
import type { RedisEval } from "./adapters.ts";
import type { LuaScript } from "./scripts.ts";

/** Runs `script` on `redis`; rejects with whatever the client rejects with, or a reply-less error. */
export async function runScript(redis: RedisEval, script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
  try {
    return await redis.evalsha(await script.sha1(), keys, args);
  } catch (error) {
    if (!/NOSCRIPT/.test(String((error as { message?: unknown })?.message ?? error))) throw error;
    return await redis.eval(script.source, keys, args);
  }
}

/** Fails the call after `ms`: a Redis that does not answer counts as one that failed. */
export function withinMs<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
