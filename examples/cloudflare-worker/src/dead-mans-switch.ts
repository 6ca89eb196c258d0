/**
 * HTX's dead man's switch, kept armed by a Cron Trigger while the trading bot is alive: every
 * run asks the bot's health check (`BOT_HEALTH_URL`, a 2xx within 5 s is alive) and, while it
 * answers, arms the switch again for `DEAD_MANS_SWITCH_SECONDS` (default 150: a cron runs at most
 * once a minute, so one late or missed run does not let it fire). When the bot stops answering,
 * the Worker stops refreshing and HTX cancels the key's open spot orders (at most 500) at the
 * trigger time: the kill switch that needs no one alive to press it (docs/dead-mans-switch.md).
 *
 * wrangler.toml: `[triggers] crons = ["* * * * *"]`; `wrangler secret put BOT_HEALTH_URL` (a URL
 * that may carry a token); the key as for the kill switch (Worker secrets, Trade permission).
 */
import { type Credentials, HtxClient, HtxError } from "htx-batch-cancel";

/** What the switch needs of the Worker's settings. */
export interface DeadMansSwitchEnv {
  HTX_ACCESS_KEY: string;
  HTX_SECRET_KEY?: string;
  HTX_PRIVATE_KEY?: string;
  HTX_BASE_URL?: string;
  /** The bot's health check: a 2xx within 5 s means alive. */
  BOT_HEALTH_URL?: string;
  /** Seconds HTX waits for the next run; default 150 (two and a half cron minutes). */
  DEAD_MANS_SWITCH_SECONDS?: string;
}

/** What one run did, for the Worker's logs (and the tests). */
export type SwitchRun =
  | { action: "refreshed"; triggerTime: number }
  | { action: "not-refreshed"; reason: string }
  | { action: "failed"; reason: string };

const HEALTH_TIMEOUT_MS = 5_000;

/** Whether the bot's health check answers 2xx in time. */
async function botIsAlive(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The var's seconds, or what is wrong with it. Digits only: `Number("")` is 0, and a timeout of 0
 * would disarm the switch on every run instead of arming it.
 */
function switchSeconds(value: string | undefined): number | string {
  if (value === undefined) return 150;
  if (/^[0-9]{1,7}$/.test(value) && Number(value) >= 5) return Number(value);
  return `DEAD_MANS_SWITCH_SECONDS must be whole seconds from 5 (a timeout of 0 would disarm), got ${
    JSON.stringify(value)
  }`;
}

function switchCredentials(env: DeadMansSwitchEnv): Credentials {
  return env.HTX_PRIVATE_KEY
    ? { accessKey: env.HTX_ACCESS_KEY, privateKey: env.HTX_PRIVATE_KEY }
    : { accessKey: env.HTX_ACCESS_KEY, secretKey: env.HTX_SECRET_KEY ?? "" };
}

/** One Cron Trigger run: arm the switch again while the bot is alive; otherwise let it run out. */
export async function refreshWhileBotIsAlive(
  env: DeadMansSwitchEnv,
): Promise<SwitchRun> {
  if (!env.BOT_HEALTH_URL) {
    return {
      action: "failed",
      reason: "BOT_HEALTH_URL is not set (wrangler.toml)",
    };
  }
  const seconds = switchSeconds(env.DEAD_MANS_SWITCH_SECONDS);
  if (typeof seconds === "string") return { action: "failed", reason: seconds };
  if (!(await botIsAlive(env.BOT_HEALTH_URL))) {
    return {
      action: "not-refreshed",
      reason: "the bot's health check did not answer: HTX cancels at the trigger",
    };
  }
  try {
    const htx = new HtxClient({
      ...switchCredentials(env),
      baseUrl: env.HTX_BASE_URL,
    });
    const { triggerTime } = await htx.cancelAllAfter(seconds);
    return { action: "refreshed", triggerTime };
  } catch (error) {
    if (error instanceof HtxError) {
      return { action: "failed", reason: error.message };
    }
    throw error;
  }
}

/** The Worker's `scheduled` handler: logs what the run did. */
export async function scheduledRefresh(
  env: DeadMansSwitchEnv,
): Promise<SwitchRun> {
  const run = await refreshWhileBotIsAlive(env);
  console.log(`dead man's switch: ${JSON.stringify(run)}`);
  return run;
}
