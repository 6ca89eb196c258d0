/**
 * The Redis clients the limiter takes, each turned into the two commands it needs ({@link RedisEval}).
 * None is imported: each is described by the shape of its methods, so node-redis, ioredis and
 * `@upstash/redis` stay optional peers that only the caller loads. The adapter is chosen by what
 * is passed: node-redis spells `evalSha` in camel case, ioredis has `defineCommand`, and
 * `@upstash/redis` (or any object of your own) already has the shape of {@link RedisEval}.
 */
import { HtxInputError } from "../../core/errors.ts";

/**
 * The two commands the limiter sends, as `@upstash/redis` spells them. Pass an object of this
 * shape to use any other client: `evalsha` must reject with an error whose message contains
 * `NOSCRIPT` when the server does not know the script, so that it is sent once with `eval`.
 */
export interface RedisEval {
  /** `EVALSHA sha1 numkeys key… arg…`; resolves with the script's reply. */
  evalsha(sha1: string, keys: string[], args: string[]): Promise<unknown>;
  /** `EVAL script numkeys key… arg…`; resolves with the script's reply. */
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
}

/** The part of a node-redis client (`createClient()` of `redis`, v4 and later) the limiter uses. */
export interface NodeRedisLike {
  /** `EVALSHA`, node-redis style. */
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** `EVAL`, node-redis style. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The part of an ioredis client (`new Redis()` or `new Cluster()`, v5 and later) the limiter uses. */
export interface IoredisLike {
  /** `EVALSHA`, ioredis style: the number of keys, then keys and arguments. */
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** `EVAL`, ioredis style. */
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** Only looked at to tell ioredis from other clients. */
  defineCommand: unknown;
}

/** A client the limiter can use: node-redis, ioredis, `@upstash/redis`, or your own {@link RedisEval}. */
export type RedisClientLike = NodeRedisLike | IoredisLike | RedisEval;

/** `client` as {@link RedisEval}; which adapter is chosen by what `client` is. */
export function redisEvalOf(client: RedisClientLike, owner: string): RedisEval {
  const has = (name: string) => typeof (client as unknown as Record<string, unknown>)?.[name] === "function";
  if (has("evalSha") && has("eval")) return fromNodeRedis(client as NodeRedisLike);
  if (has("defineCommand") && has("evalsha") && has("eval")) return fromIoredis(client as IoredisLike);
  if (has("evalsha") && has("eval")) return client as RedisEval;
  throw new HtxInputError(
    `${owner}: pass a connected Redis client: node-redis (createClient()), ioredis (new Redis()), ` +
      "@upstash/redis (new Redis({ url, token })), or an object with evalsha(sha1, keys, args) and eval(script, keys, args).",
  );
}

/** node-redis: options objects instead of positional keys and arguments. */
export function fromNodeRedis(client: NodeRedisLike): RedisEval {
  return {
    evalsha: (sha1, keys, args) => client.evalSha(sha1, { keys, arguments: args }),
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
  };
}

/** ioredis: the number of keys, then keys and arguments, all positional. */
export function fromIoredis(client: IoredisLike): RedisEval {
  return {
    evalsha: (sha1, keys, args) => client.evalsha(sha1, keys.length, ...keys, ...args),
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
  };
}
