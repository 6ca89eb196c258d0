/** The `htx-batch-cancel` command: the same HtxClient, with progress, a summary and exit codes. */
import { HtxClient } from "../client.ts";
import type { Credentials } from "../signing/credentials.ts";
import { validateCredentials } from "../signing/keys.ts";
import { HtxError, HtxInputError } from "../core/errors.ts";
import { validateBaseUrl } from "../core/checks.ts";
import { isKeyRefusal } from "../http/answers.ts";
import type { ValidFilter } from "../kill-switch/options.ts";
import { validateFilter } from "../kill-switch/validate.ts";
import { type Command, HELP, parseCommand, type SendFlags, UsageError } from "./args.ts";
import { cliCredentials } from "./credentials.ts";
import { dryRun } from "./dry-run.ts";
import { credentialNames, FILTER_FLAGS, inFlagNames } from "./flag-names.ts";
import { readIds } from "./ids.ts";
import { exitCode, killSwitchSummary, plural, progressReporter, type Streams, summary } from "./output.ts";
import { VERSION } from "../core/version.ts";

// The global, not `import process from "node:process"`: that import builds an ES module facade
// of every property of `process`, opening standard input among them (about 9 ms of start-up).
const { process } = globalThis;

const streams: Streams = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  // A getter: opening stderr costs about 3 ms, which a run that never writes to it need not pay.
  get errIsTerminal() {
    return Boolean(process.stderr.isTTY);
  },
};

/** The API key from the environment or `--private-key-file` (src/cli/credentials.ts). */
function credentials(dryRun: boolean, privateKeyFile: string | undefined): Credentials {
  return cliCredentials({ env: process.env, privateKeyFile, dryRun, warn: streams.err });
}

/** The base URL, checked and reported under its flag's name. */
function checkBaseUrl(baseUrl: string | undefined): void {
  if (baseUrl === undefined) return;
  try {
    validateBaseUrl(baseUrl);
  } catch (error) {
    throw new UsageError(`--base-url: ${(error as Error).message.replace(/^baseUrl /, "")}`);
  }
}

/** The client a sending command runs on: its key, base URL, timeout and retries. */
function clientFor(command: SendFlags): HtxClient {
  const keys = credentials(false, command.privateKeyFile);
  return inFlagNames(
    credentialNames(command.privateKeyFile),
    () => new HtxClient({ ...keys, baseUrl: command.baseUrl, timeoutMs: command.timeoutMs, retry: command.retries }),
  );
}

/** Ctrl-C once: stop sending and report; twice: quit now. Returns the signal and its removal. */
function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    streams.err("\nStopping: no new requests; waiting for the ones in flight (Ctrl-C again to quit now).\n");
    stop.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: stop.signal, dispose: () => process.off("SIGINT", onSigint) };
}

async function cancel(command: Extract<Command, { kind: "cancel" }>): Promise<number> {
  checkBaseUrl(command.baseUrl);
  const input = readIds(command.ids); // a bad id is reported before missing credentials
  if (command.dryRun) {
    const given = credentials(true, command.privateKeyFile);
    const keys = inFlagNames(credentialNames(command.privateKeyFile), () => validateCredentials(given));
    return await dryRun(input, { keys, baseUrl: command.baseUrl, json: command.json }, streams);
  }
  const htx = clientFor(command);
  const stop = interruptible();
  const progress = progressReporter(streams, command.quiet);
  try {
    const result = await htx.batchCancel(input, { signal: stop.signal, onProgress: progress.update });
    progress.end();
    streams.out(command.json ? `${JSON.stringify(result, null, 2)}\n` : summary(result));
    return exitCode(result, stop.signal.aborted);
  } finally {
    stop.dispose();
  }
}

/** `--all-open --dry-run`: the open orders, listed; nothing cancelled. */
async function listOnly(htx: HtxClient, filter: ValidFilter, json: boolean): Promise<number> {
  const { accountId, orders } = await htx.listOpenOrders(filter);
  if (json) {
    streams.out(`${JSON.stringify({ accountId, orders }, null, 2)}\n`);
    return 0;
  }
  streams.out(`Dry run: ${plural(orders.length, "open order")} in account ${accountId}; nothing is cancelled.\n`);
  const bySymbol = new Map<string, number>();
  for (const order of orders) bySymbol.set(order.symbol, (bySymbol.get(order.symbol) ?? 0) + 1);
  for (const [symbol, count] of bySymbol) streams.out(`  ${symbol}: ${count}\n`);
  return 0;
}

/**
 * `--all-open`: the kill switch. Exit 0 only when a last listing found the book empty; 3 when
 * nothing was cancelled and nothing can have reached HTX (e.g. a key without Trade permission,
 * or the open orders could not be read); 1 otherwise, and whenever the run was interrupted.
 */
async function cancelAll(command: Extract<Command, { kind: "cancel-all" }>): Promise<number> {
  checkBaseUrl(command.baseUrl);
  const filter = inFlagNames(FILTER_FLAGS, () => validateFilter({ symbols: command.symbols, side: command.side }));
  const htx = clientFor(command);
  if (command.dryRun) return await listOnlyOrExit3(htx, filter, command.json);
  const stop = interruptible();
  const progress = progressReporter(streams, command.quiet);
  try {
    const onProgress = progress.update;
    const options = { signal: stop.signal, onProgress, deadlineMs: command.deadlineMs, sweep: command.sweep };
    const result = await htx.cancelAllOpen(filter, options);
    progress.end();
    streams.out(command.json ? `${JSON.stringify(result, null, 2)}\n` : killSwitchSummary(result));
    if (result.confirmedEmpty) return 0;
    return exitCode(result, stop.signal.aborted) === 3 ? 3 : 1;
  } catch (error) {
    if (!(error instanceof HtxError) || error instanceof HtxInputError) throw error;
    progress.end();
    if (stop.signal.aborted) {
      streams.err("htx-batch-cancel: interrupted before any open order was listed; nothing was cancelled.\n");
      if (command.json) {
        streams.out(`${JSON.stringify({ nothingCancelled: true, interrupted: true, error }, null, 2)}\n`);
      }
      return 1;
    }
    return nothingCancelled(error, command.json);
  } finally {
    stop.dispose();
  }
}

/** `--all-open --dry-run`, or exit 3 when the open orders cannot be read. */
async function listOnlyOrExit3(htx: HtxClient, filter: ValidFilter, json: boolean): Promise<number> {
  try {
    return await listOnly(htx, filter, json);
  } catch (error) {
    if (!(error instanceof HtxError) || error instanceof HtxInputError) throw error;
    return nothingCancelled(error, json);
  }
}

/**
 * Nothing was cancelled: the account or the open orders could not be read, or HTX refused the key
 * (the sweep's refusal can come before the first page), said as the summary says it; with
 * `--json`, also as JSON on stdout, where a script reads the result.
 */
function nothingCancelled(error: HtxError, json: boolean): 3 {
  const why = isKeyRefusal(error) ? `HTX refused this API key (${error.name}: ${error.message})` : error.message;
  streams.err(`htx-batch-cancel: nothing was cancelled: ${why}\n`);
  if (json) streams.out(`${JSON.stringify({ nothingCancelled: true, error }, null, 2)}\n`);
  return 3;
}

/** Runs the command; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "dead-mans-switch") {
    return await (await import("./dead-mans-switch.ts")).deadMansSwitchCommand(argv.slice(1), streams);
  }
  try {
    const command = parseCommand(argv);
    switch (command.kind) {
      case "help":
        streams.out(HELP);
        return 0;
      case "version":
        streams.out(`${VERSION}\n`);
        return 0;
      case "simulate": {
        // The simulator is loaded only by the commands that serve it: a cancel starts without it.
        const { simulate } = await import("./demo.ts");
        const served = await simulate(command, streams);
        if (!served) return 2;
        await new Promise<void>((resolve) => process.once("SIGINT", resolve));
        await served.close();
        return 0;
      }
      case "demo": {
        const { demo } = await import("./demo.ts");
        return await demo(command, streams);
      }
      case "cancel":
        return await cancel(command);
      case "cancel-all":
        return await cancelAll(command);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof HtxInputError) {
      streams.err(`htx-batch-cancel: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
