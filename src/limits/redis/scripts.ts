/**
 * The Lua scripts of the Redis limiter: one per acquire, release and penalty, each one atomic
 * step on the three keys of one budget. The rule is the in-process limiter's (src/limits/limiter.ts):
 * a slot is busy from its grant until a window after its answer, or `maxHoldMs` after its grant
 * if no answer comes. Time is Redis's own (`TIME`), so the clocks of the processes never meet.
 *
 * Keys: `inflight`, a sorted set of granted slots scored by when they free if never answered
 * (grant + maxHoldMs); `released`, a sorted set of answered slots scored by when they free
 * (answer + window); `meta`, a hash with the budget's `epoch` (a new one whenever Redis lost the
 * budget) and `until` (no grant before then: after a restart, and after HTX refused a request for
 * its rate). Slots are counted exactly: every busy slot is one member.
 */

/**
 * A script's text and its SHA-1, the name `EVALSHA` runs it by. The digest is computed once, on
 * first use, with Web Crypto (every runtime this module runs on has it).
 */
export interface LuaScript {
  /** The Lua source, as `EVAL` takes it. */
  readonly source: string;
  /** Resolves to the hex SHA-1 of `source`. */
  sha1(): Promise<string>;
}

function luaScript(source: string): LuaScript {
  let digest: Promise<string> | undefined;
  return {
    source,
    sha1: () =>
      digest ??= crypto.subtle.digest("SHA-1", new TextEncoder().encode(source)).then((bytes) =>
        Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("")
      ),
  };
}

/**
 * Redis time in ms. Redis 3.2–4 replicate a script that read the clock only as its effects,
 * and only when asked to; from Redis 5 on this is the default and the call a no-op.
 */
const NOW = `
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * ARGV: limit, holdMs, windowMs, want, member prefix, the caller's epoch ('' if none), then
 * '1' and triples (member, 'f' in flight or 'r' answered, ms until it frees) to put back the
 * caller's own busy slots after Redis lost them or the caller took some from its local share.
 *
 * Answers `{ granted, retryMs, epoch, stale, now }`: `granted` new slots named prefix..1 to
 * prefix..granted; if fewer than wanted, `retryMs` is the earliest a slot can free (an answered
 * slot's time, or a window from now while any is in flight: a release now frees it no sooner),
 * so waiters ask again then and not before. `stale` = 1 grants nothing: the budget has a new
 * epoch since the caller's last call (Redis lost it), and the caller must put its slots back first.
 *
 * A budget with no epoch is new or lost with a restart of Redis. Slots answered before a restart
 * free at most a window after it; `INFO`'s uptime says when that was, so no grant comes before
 * (server start + window). Where `INFO` is not allowed in scripts, a full window from now.
 */
export const ACQUIRE: LuaScript = luaScript(`${NOW}
local inflight, released, meta = KEYS[1], KEYS[2], KEYS[3]
local limit, hold, window, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local blocked = tonumber(redis.call('HGET', meta, 'until') or '0')
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  epoch = 'e' .. clock[1] .. '.' .. clock[2]
  local ok, info = pcall(redis.call, 'INFO', 'server')
  local uptime = ok and tonumber(string.match(info, 'uptime_in_seconds:(%d+)'))
  local started = uptime and (now - uptime * 1000) or now
  blocked = math.max(blocked, started + window)
  redis.call('HSET', meta, 'epoch', epoch, 'until', blocked)
end
if ARGV[7] == '1' then
  for i = 8, #ARGV, 3 do
    local member, left = ARGV[i], tonumber(ARGV[i + 2])
    if ARGV[i + 1] == 'r' then
      redis.call('ZREM', inflight, member)
      redis.call('ZADD', released, 'NX', now + left, member)
    else
      redis.call('ZADD', inflight, 'NX', now + left, member)
    end
  end
  redis.call('PEXPIRE', released, window)
elseif ARGV[6] ~= '' and ARGV[6] ~= epoch then
  return {0, 0, epoch, 1, now}
end
redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
redis.call('ZREMRANGEBYSCORE', released, '-inf', now)
local busy = redis.call('ZCARD', inflight) + redis.call('ZCARD', released)
local granted = 0
if now >= blocked then granted = math.max(0, math.min(want, limit - busy)) end
for i = 1, granted do redis.call('ZADD', inflight, now + hold, ARGV[5] .. i) end
redis.call('PEXPIRE', inflight, hold)
local retry = 0
if granted < want then
  if now < blocked then
    retry = blocked - now
  else
    retry = hold
    local first = redis.call('ZRANGE', inflight, 0, 0, 'WITHSCORES')
    if first[2] then retry = math.min(retry, tonumber(first[2]) - now, window) end
    first = redis.call('ZRANGE', released, 0, 0, 'WITHSCORES')
    if first[2] then retry = math.min(retry, tonumber(first[2]) - now) end
  end
end
return {granted, retry, epoch, 0, now}
`);

/**
 * ARGV: member, windowMs, sent ('1': the request went, its slot holds a window from now; '0':
 * it never went, the slot is simply free). Idempotent: a slot already answered, freed by
 * `maxHoldMs` or unknown (lost with a restart) is left as it is. Answers `{ epoch, now }`, so the
 * caller learns that Redis lost the budget and puts its slots back.
 */
export const RELEASE: LuaScript = luaScript(`${NOW}
local inflight, released, meta = KEYS[1], KEYS[2], KEYS[3]
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
if redis.call('ZREM', inflight, ARGV[1]) == 1 and ARGV[3] == '1' then
  redis.call('ZADD', released, now + window, ARGV[1])
  redis.call('PEXPIRE', released, window)
end
return {redis.call('HGET', meta, 'epoch') or '', now}
`);

/**
 * ARGV: windowMs. HTX refused a request for its rate: other software on the UID spends budget
 * this one cannot see, so no process sharing it gets a slot for a window from now.
 */
export const PENALIZE: LuaScript = luaScript(`${NOW}
local meta, window = KEYS[3], tonumber(ARGV[1])
local blocked = tonumber(redis.call('HGET', meta, 'until') or '0')
if now + window > blocked then redis.call('HSET', meta, 'until', now + window) end
return now
`);
