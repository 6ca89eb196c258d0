/**
 * `htx-batch-cancel dead-mans-switch`: HTX's dead man's switch from the command line. Without
 * `--arm`/`--disarm` it keeps the switch armed (`--timeout`, refreshed every `--refresh`) until
 * Ctrl-C, then disarms and says so; `--arm N` arms once, `--disarm` disarms once. Every line
 * says when HTX cancels the orders if nothing refreshes the switch (docs/dead-mans-switch.md).
 */
import { HtxClient } from "../client.ts";
import { HtxError, HtxInputError } from "../core/errors.ts";
import { HtxApiError } from "../http/request-errors.ts";
import { nearestName } from "../core/nearest-name.ts";
import { MAX_RETRIES } from "../cancel/options.ts";
import { validateTimeout } from "../dead-mans-switch/timeout.ts";
import type { DeadMansSwitch } from "../dead-mans-switch/keep-alive.ts";
import { checkRepeats, UsageError } from "./flags.ts";
import { cliCredentials } from "./credentials.ts";
import type { Streams } from "./output.ts";

const { process } = globalThis;

export const DEAD_MANS_SWITCH_HELP =
  `htx-batch-cancel dead-mans-switch: HTX's dead man's switch (docs/dead-mans-switch.md).

Unless the switch is called again before its trigger time, HTX cancels the key's open spot
orders (at most 500). Needs an API key with Trade permission (credentials as for cancelling).

Usage:
  htx-batch-cancel dead-mans-switch --timeout 60 [--refresh 15]   keep it armed until Ctrl-C, then disarm
  htx-batch-cancel dead-mans-switch --arm 60                      arm once: HTX cancels in 60 s unless called again
  htx-batch-cancel dead-mans-switch --disarm                      disarm once

Options:
  --timeout S             seconds HTX waits for the next refresh (default 60; 5 to 2147483)
  --refresh S             seconds between refreshes (default 15; below --timeout)
  --arm S                 arm once for S seconds and exit
  --disarm                disarm once and exit
  --private-key-file FILE an Ed25519 private key (PEM PKCS#8), instead of HTX_SECRET_KEY
  --base-url URL          API origin (default https://api.huobi.pro)
  --aws                   use https://api-aws.huobi.pro
  --timeout-ms N          per request, 1 to 2147483647 (default 10000)
  --retries N             extra attempts when an answer is lost or transient (default 2)
  -h, --help              this text

Exit codes: 0 done (disarmed after Ctrl-C, armed or disarmed once); 1 the disarm after Ctrl-C
failed, or a second Ctrl-C quit before HTX confirmed it (the switch may still be armed); 2 usage
error, nothing sent; 3 HTX refused (nothing was armed or disarmed) or its answer was lost (the
message says the switch may be armed).
`;

const OPTIONS = {
  timeout: { type: "string" },
  refresh: { type: "string" },
  arm: { type: "string" },
  disarm: { type: "boolean", default: false },
  "private-key-file": { type: "string" },
  "base-url": { type: "string" },
  aws: { type: "boolean", default: false },
  "timeout-ms": { type: "string" },
  retries: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** What the command was asked to do. */
export interface SwitchCommand {
  mode: "keep" | "arm" | "disarm";
  timeoutSeconds: number;
  refreshMs: number;
  baseUrl?: string;
  privateKeyFile?: string;
  timeoutMs?: number;
  retries?: number;
}

function whole(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return Number(value);
}

/** The flags as parseArgs reads them, an unknown one named with the nearest known. */
function parseFlags(argv: string[]) {
  for (const arg of argv) {
    const name = arg.startsWith("--") ? arg.slice(2).split("=")[0]! : undefined;
    if (name === undefined || Object.hasOwn(OPTIONS, name)) continue;
    const nearest = nearestName(name, Object.keys(OPTIONS));
    throw new UsageError(`Unknown option "--${name}".${nearest ? ` Did you mean --${nearest}?` : ""}`);
  }
  try {
    const util = process.getBuiltinModule("node:util");
    const parsed = util.parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
      tokens: true,
    });
    checkRepeats(parsed.tokens); // the command line's one rule: each flag once (src/cli/flags.ts)
    return parsed.values;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${(error as Error).message}\nRun htx-batch-cancel dead-mans-switch --help.`);
  }
}

/** Parses the command's arguments (after `dead-mans-switch`). @throws {UsageError} */
export function parseSwitchCommand(argv: string[]): SwitchCommand | "help" {
  const v = parseFlags(argv);
  if (v.help) return "help";
  const once = [v.arm !== undefined && "--arm", v.disarm && "--disarm"].filter(Boolean);
  if (once.length > 1) throw new UsageError("Give --arm or --disarm, not both.");
  if (once.length === 1 && (v.timeout !== undefined || v.refresh !== undefined)) {
    throw new UsageError(`--timeout and --refresh keep the switch armed; ${once[0]} acts once: leave them out.`);
  }
  if (v.aws && v["base-url"] !== undefined) throw new UsageError("Give --aws or --base-url, not both.");
  const seconds = (flag: string, value: string) => {
    try {
      return validateTimeout(/^\d+$/.test(value) ? Number(value) : value, `--${flag}`);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  const timeoutSeconds = v.arm !== undefined ? seconds("arm", v.arm) : seconds("timeout", v.timeout ?? "60");
  if (v.arm !== undefined && timeoutSeconds === 0) throw new UsageError("--arm 0 disarms: use --disarm.");
  const refreshSeconds = v.refresh === undefined
    ? Math.min(15, timeoutSeconds / 4)
    : whole("refresh", v.refresh, 1, 2_147_483);
  return {
    mode: v.disarm ? "disarm" : v.arm !== undefined ? "arm" : "keep",
    timeoutSeconds: v.disarm ? 0 : timeoutSeconds,
    refreshMs: Math.round(refreshSeconds * 1000),
    baseUrl: v.aws ? "https://api-aws.huobi.pro" : v["base-url"],
    privateKeyFile: v["private-key-file"],
    timeoutMs: v["timeout-ms"] === undefined ? undefined : whole("timeout-ms", v["timeout-ms"], 1, 2_147_483_647),
    retries: v.retries === undefined ? undefined : whole("retries", v.retries, 0, MAX_RETRIES),
  };
}

/** "at 2026-12-07T01:10:00.000Z (HTX's clock), in 60 s". */
function when(triggerTime: number, currentTime: number): string {
  const seconds = Math.round((triggerTime - currentTime) / 1000);
  return `at ${new Date(triggerTime).toISOString()} (HTX's clock), in ${seconds} s`;
}

const ARMED = "unless the switch is called again, HTX cancels this key's open spot orders (at most 500)";

/**
 * Ctrl-C from the start, the arming included (Node's default would end the process with the
 * switch perhaps armed and nothing said): the first resolves `first`; a second calls `quit`,
 * which exits. Holds the process open meanwhile (the switch's own timer does not).
 */
function interrupts(quit: () => void): { first: Promise<void>; dispose: () => void } {
  const hold = setInterval(() => {}, 1 << 30);
  let onSigint = () => {};
  const first = new Promise<void>((resolve) => {
    onSigint = () => {
      onSigint = quit;
      resolve();
    };
  });
  const listener = () => onSigint();
  process.on("SIGINT", listener);
  return {
    first,
    dispose: () => {
      clearInterval(hold);
      process.off("SIGINT", listener);
    },
  };
}

/** What a user who quits before a confirmed disarm must know. */
function mayStillBeArmed(triggerTime: number | undefined): string {
  const at = triggerTime ? ` at ${new Date(triggerTime).toISOString()} (HTX's clock)` : " at its trigger time";
  return `The switch may still be armed: ${ARMED}${at}. Run --disarm to disarm it.`;
}

/** Keeps the switch armed until Ctrl-C (one during the arming counts too), then disarms. */
async function keepArmed(htx: HtxClient, command: SwitchCommand, streams: Streams): Promise<number> {
  let deadMan: DeadMansSwitch | undefined;
  const ctrlC = interrupts(() => {
    streams.err(`\nQuit before HTX confirmed a disarm. ${mayStillBeArmed(deadMan?.triggerTime)}\n`);
    process.exit(1);
  });
  try {
    deadMan = await htx.deadMansSwitch({
      timeoutSeconds: command.timeoutSeconds,
      refreshMs: command.refreshMs,
      onError: (error, { lapsed }) => streams.err(`${lapsed ? "Warning" : "Refresh failed"}: ${error.message}\n`),
    });
    streams.out(`Armed: ${ARMED} ${when(deadMan.triggerTime, deadMan.triggerTime - command.timeoutSeconds * 1000)}.\n`);
    streams.out(`Refreshing every ${command.refreshMs / 1000} s; Ctrl-C disarms.\n`);
    await ctrlC.first;
    streams.err("\nDisarming… (Ctrl-C again quits without waiting for HTX's confirmation)\n");
    try {
      await deadMan.stop();
    } catch (error) {
      if (!(error instanceof HtxError)) throw error;
      streams.err(`Could not disarm: ${error.message}\n${mayStillBeArmed(deadMan.triggerTime)}\n`);
      return 1;
    }
  } finally {
    ctrlC.dispose();
  }
  streams.out("Disarmed: HTX will not cancel the orders.\n");
  return 0;
}

/**
 * What a failed call left behind. Only a refusal HTX answered (or input refused before sending)
 * says nothing changed; a lost or unreadable answer may follow a call HTX applied.
 */
function outcomeOf(error: HtxError, mode: SwitchCommand["mode"]): string {
  const what = mode === "disarm" ? "disarmed" : "armed";
  if (error instanceof HtxApiError || error instanceof HtxInputError) return `nothing was ${what}`;
  return mode === "disarm"
    ? "HTX may not have disarmed the switch (no answer it confirmed); run --disarm again"
    : "HTX may have armed the switch all the same (no answer it confirmed); run --disarm to be sure";
}

/** Runs `dead-mans-switch`; resolves with the exit code. */
export async function deadMansSwitchCommand(argv: string[], streams: Streams): Promise<number> {
  let command: SwitchCommand | "help";
  let htx: HtxClient;
  try {
    command = parseSwitchCommand(argv);
    if (command === "help") {
      streams.out(DEAD_MANS_SWITCH_HELP);
      return 0;
    }
    const { privateKeyFile, baseUrl, timeoutMs, retries } = command;
    const credentials = cliCredentials({ env: process.env, privateKeyFile, dryRun: false, warn: streams.err });
    htx = new HtxClient({ ...credentials, baseUrl, timeoutMs, retry: retries });
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof HtxInputError)) throw error;
    streams.err(`htx-batch-cancel dead-mans-switch: ${error.message}\n`);
    return 2;
  }
  try {
    if (command.mode === "keep") return await keepArmed(htx, command, streams);
    const { currentTime, triggerTime } = await htx.cancelAllAfter(command.timeoutSeconds);
    streams.out(
      command.mode === "disarm"
        ? "Disarmed: HTX will not cancel the orders.\n"
        : `Armed: ${ARMED} ${when(triggerTime, currentTime)}.\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof HtxError)) throw error;
    streams.err(`htx-batch-cancel dead-mans-switch: ${outcomeOf(error, command.mode)}: ${error.message}\n`);
    return error instanceof HtxInputError ? 2 : 3;
  }
}
