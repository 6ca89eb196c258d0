/**
 * The scripts' replies, read strictly: every client gives them its own way (node-redis and ioredis
 * as numbers and strings, `@upstash/redis` after its JSON and base64 decoding), and a reply of any
 * other shape (a different server, a proxy) is a failed call, never a guess.
 */

/** What `ACQUIRE` answered. */
export interface AcquireReply {
  /** Slots granted, named prefix..1 to prefix..granted. */
  granted: number;
  /** When fewer than wanted: ms until a slot can free at the earliest. */
  retryMs: number;
  /** The budget's epoch. */
  epoch: string;
  /** The budget has a new epoch since the caller's: nothing granted, put the slots back first. */
  stale: boolean;
}

/** `ACQUIRE`'s `{ granted, retryMs, epoch, stale, now }`. */
export function readAcquireReply(reply: unknown): AcquireReply {
  if (!Array.isArray(reply) || reply.length !== 5) throw unreadable(reply);
  const [granted, retryMs, epoch, stale] = [count(reply[0]), count(reply[1]), String(reply[2]), count(reply[3])];
  return { granted, retryMs, epoch, stale: stale === 1 };
}

/** `RELEASE`'s `{ epoch, now }`: the budget's epoch ('' if Redis has none). */
export function readReleaseReply(reply: unknown): string {
  if (!Array.isArray(reply) || reply.length !== 2) throw unreadable(reply);
  return reply[0] === null ? "" : String(reply[0]);
}

function count(value: unknown): number {
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 0) throw unreadable(value);
  return number;
}

function unreadable(reply: unknown): Error {
  const shown = JSON.stringify(reply)?.slice(0, 80) ?? String(reply);
  return new Error(`unexpected reply from Redis: ${shown}`);
}
