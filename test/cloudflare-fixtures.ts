/**
 * Fixtures of the Durable Object limiter's Node suites: the object with an in-memory stand-in
 * for its state, and namespaces that reach it, fail, or hang.
 */
import { vi } from "vitest";
import {
  type DurableObjectStateLike,
  type HtxRateLimitEnv,
  HtxRateLimitObject,
  type HtxRateLimitStatus,
} from "../src/cloudflare.ts";

/**
 * A Durable Object state kept in a Map, shared across "restarts" like real storage; counts
 * writes, keeps the alarm, and fails every write while `failWrites` is set. `name` is the
 * object's name, as workerd gives it.
 */
export function memoryState(store = new Map<string, unknown>(), name?: string) {
  const state = {
    store,
    puts: 0,
    failWrites: false,
    alarm: undefined as number | undefined,
    id: name === undefined ? undefined : { name },
    storage: {
      get: <T>(key: string) => Promise.resolve(store.get(key) as T | undefined),
      put: <T>(key: string, value: T) => {
        state.puts++;
        if (state.failWrites) return Promise.reject(new Error("storage write failed"));
        store.set(key, structuredClone(value));
        return Promise.resolve();
      },
      delete: (key: string) => Promise.resolve(store.delete(key)),
      setAlarm: (at: number) => {
        state.alarm = at;
        return Promise.resolve();
      },
    },
    blockConcurrencyWhile: <T>(callback: () => Promise<T>) => callback(),
  } satisfies DurableObjectStateLike & Record<string, unknown>;
  return state;
}

/** A namespace whose objects answer with `fetch`; records the names asked for and the paths called. */
export function namespace(fetch: (request: Request) => Promise<Response>) {
  const calls: string[] = [];
  const names: string[] = [];
  return {
    calls,
    names,
    idFromName: (name: string) => (names.push(name), name),
    get: () => ({
      fetch: (request: Request) => {
        calls.push(new URL(request.url).pathname);
        return fetch(request);
      },
    }),
  };
}

/** A started object (its storage loaded) and a namespace that reaches it. */
export async function startObject(env: HtxRateLimitEnv = {}, state = memoryState()) {
  const object = new HtxRateLimitObject(state, env);
  await vi.advanceTimersByTimeAsync(0);
  return { object, state, ns: namespace((request) => object.fetch(request)) };
}

export async function status(object: HtxRateLimitObject, endpoint = "batch-cancel"): Promise<HtxRateLimitStatus> {
  const response = await object.fetch(new Request(`https://do/status?endpoint=${endpoint}`));
  return (await response.json()) as HtxRateLimitStatus;
}

/** Starts `count` acquires and says how many were granted so far. */
export function acquireMany(limiter: { acquire(signal?: AbortSignal): Promise<unknown> }, count: number) {
  const granted: unknown[] = [];
  const calls = Array.from({ length: count }, () => limiter.acquire().then((release) => granted.push(release)));
  return { granted, calls };
}

/** A started object behind a link that fails (by default as a lost connection) while `link.down` says so. */
export async function flakyObject(
  failure: () => Promise<Response> = () => Promise.reject(new TypeError("Network connection lost.")),
) {
  const { object } = await startObject();
  const link = { down: true };
  const ns = namespace((request) => (link.down ? failure() : object.fetch(request)));
  return { object, link, ns };
}
