/**
 * Command-line arguments, parsed with `node:util` parseArgs (it runs on Node and Deno alike),
 * fetched with `process.getBuiltinModule` rather than imported: see src/cli/read-file.ts. Which
 * command takes which flag: src/cli/flags.ts.
 */
import { MAX_RETRIES } from "../cancel/options.ts";
import { MAX_TIMER_MS } from "../core/checks.ts";
import { checkKnown, checkRepeats, checkTaken, commandOf, FLAGS, type FlagValues, UsageError } from "./flags.ts";

export { UsageError } from "./flags.ts";

export const HELP = `htx-batch-cancel: cancel HTX spot orders in bulk, every id accounted for.

Usage:
  htx-batch-cancel --all-open [--symbols btcusdt,ethusdt] [--side buy|sell] [options]
  htx-batch-cancel --order-ids 1,2,3 [options]
  htx-batch-cancel --client-order-ids a,b [options]
  htx-batch-cancel --ids-file FILE [--client-ids] [options]   (FILE "-" reads standard input)
  htx-batch-cancel simulate [--port 8080] [--orders 1000] [--latency-ms 0]
  htx-batch-cancel demo [--orders 2000] [--latency-ms 50] [--deadline-ms 30000]
  htx-batch-cancel dead-mans-switch --timeout 60 [--refresh 15] | --arm 60 | --disarm   (--help for more)

Credentials come from the environment or a key file only (never a flag's value, which lands in
shell history): HTX_ACCESS_KEY, and one of HTX_SECRET_KEY (HmacSHA256), HTX_PRIVATE_KEY (Ed25519,
the PEM text) or --private-key-file FILE (docs/ed25519.md)

Options:
  --all-open              the kill switch: list every open spot order, cancel them all, list again
                          until none is left or --deadline-ms passes (docs/kill-switch.md)
  --symbols LIST          with --all-open: only these symbols, comma-separated (e.g. btcusdt,ethusdt);
                          needed where HTX requires a symbol to list open orders
  --side buy|sell         with --all-open: only buy or only sell orders
  --deadline-ms N         with --all-open or demo: stop cancelling after N ms, then list once more
                          (default 30000)
  --no-sweep              with --all-open: cancel listed ids only, no batchCancelOpenOrders sweep
  --order-ids LIST        comma-separated order ids
  --client-order-ids LIST comma-separated client order ids
  --ids-file FILE         one id per line; blank lines and lines starting with # are skipped
  --client-ids            the ids file holds client order ids (default: order ids)
  --private-key-file FILE an Ed25519 private key (PEM PKCS#8), instead of HTX_SECRET_KEY
  --base-url URL          API origin (default https://api.huobi.pro)
  --aws                   use https://api-aws.huobi.pro
  --timeout-ms N          per request, 1 to 2147483647 (default 10000)
  --retries N             extra attempts when the outcome is unknown or transient (default 2, at most 100)
  --dry-run               validate and print the requests, credentials redacted; send nothing
                          (with --all-open: list the open orders, cancel nothing)
  --json                  print the full result as JSON on standard output (fields: docs/results.md);
                          with --dry-run, the requests as JSON
  --quiet                 no progress on standard error
  -h, --help              this text
  -v, --version           the version

Each flag is given at most once: a repeated flag is refused (exit 2), never merged or replaced
(list every id in one --order-ids, or use --ids-file). A command refuses a flag it does not use:
simulate takes --port, --orders and --latency-ms; demo --orders, --latency-ms and --deadline-ms.

simulate: serves the offline HTX simulator on 127.0.0.1 with open orders for the demo account
  (its public test key, printed when it starts), until Ctrl-C.
demo: the kill switch against the simulator: 2,000 open orders over 5 symbols, a bot placing
  more for the first second, every order cancelled and the book confirmed empty, with timings;
  exit 1 when the book was not confirmed empty (e.g. --deadline-ms passed first).

The summary puts every id in one of three classes:
  cancel accepted   HTX submitted the cancel
  closed            already canceled or filled before this run, or closed possibly by this run
                    (an earlier request's answer was lost: it, or something before, closed it)
  may still be open HTX did not cancel it (open state, unknown id, other refusal), or no usable
                    answer came (the cancel may or may not have been applied; the summary says which)

Exit codes:
  0  no order may still be open: every cancel accepted or the order closed
     (--all-open: a last listing found no open order)
  1  some orders may still be open (also after Ctrl-C, which stops sending new requests,
     waits for the ones in flight, and reports the rest as unresolved)
  2  usage or input error: nothing was sent
  3  nothing reached HTX: every request was refused as a whole or never connected
     (authentication, permissions, network), so no cancel was applied
     (--all-open: the open orders could not be listed, so nothing was cancelled)
`;

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "simulate"; port: number; orders: number; latencyMs: number }
  | { kind: "demo"; orders: number; latencyMs: number; deadlineMs?: number }
  | ({ kind: "cancel-all"; symbols?: string[]; side?: string; deadlineMs?: number; sweep: boolean } & SendFlags)
  | ({ kind: "cancel"; ids: IdSource } & SendFlags);

/** Where a cancel by id takes its ids: a flag's comma-separated list, or a file (`-`: standard input). */
export type IdSource =
  | { flag: "order-ids" | "client-order-ids"; list: string }
  | { file: string; client: boolean };

/** The flags every command that talks to HTX shares. */
export interface SendFlags {
  baseUrl?: string;
  privateKeyFile?: string;
  timeoutMs?: number;
  retries?: number;
  dryRun: boolean;
  json: boolean;
  quiet: boolean;
}

const AWS_BASE_URL = "https://api-aws.huobi.pro";

function wholeNumber(flag: string, value: string | undefined, fallback: number, min = 0, max = MAX_TIMER_MS): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return Number(value);
}

const optionalNumber = (flag: string, value: string | undefined, min: number, max = MAX_TIMER_MS) =>
  value === undefined ? undefined : wholeNumber(flag, value, 0, min, max);

/** A comma-separated list: entries trimmed, empty ones dropped. */
export const list = (value: string) => value.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** parseArgs over the table, its own errors as usage errors. */
function parse(argv: string[]) {
  try {
    return globalThis.process.getBuiltinModule("node:util").parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: FLAGS,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nRun htx-batch-cancel --help for the options.`);
  }
}

/** Parses argv (without the node and script paths). @throws {UsageError} */
export function parseCommand(argv: string[]): Command {
  checkKnown(argv);
  const { values: v, positionals, tokens } = parse(argv);
  if (v.help) return { kind: "help" };
  if (v.version) return { kind: "version" };
  checkRepeats(tokens);
  const command = commandOf(positionals, v["all-open"] === true);
  checkTaken(command, Object.keys(v));
  switch (command) {
    case "simulate":
      return {
        kind: "simulate",
        port: wholeNumber("port", v.port, 8080, 0, 65535),
        orders: wholeNumber("orders", v.orders, 1000),
        latencyMs: wholeNumber("latency-ms", v["latency-ms"], 0),
      };
    case "demo":
      return {
        kind: "demo",
        orders: wholeNumber("orders", v.orders, 2000, 1),
        latencyMs: wholeNumber("latency-ms", v["latency-ms"], 50),
        deadlineMs: optionalNumber("deadline-ms", v["deadline-ms"], 1),
      };
    case "cancel-all":
      return cancelAllCommand(v);
    case "cancel":
      return { kind: "cancel", ids: idSource(v), ...sendFlags(v) };
  }
}

/** The one source of ids a cancel by id names. */
function idSource(v: FlagValues): IdSource {
  const given = (["order-ids", "client-order-ids", "ids-file"] as const).filter((flag) => v[flag] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? "Say which orders to cancel: --order-ids, --client-order-ids or --ids-file, or --all-open for every " +
          "open order."
        : "Give exactly one of --order-ids, --client-order-ids and --ids-file.",
    );
  }
  if (v["client-ids"] && v["ids-file"] === undefined) {
    throw new UsageError("--client-ids says what --ids-file holds; use --client-order-ids for a list.");
  }
  const flag = given[0]!;
  if (flag === "ids-file") return { file: v["ids-file"]!, client: v["client-ids"] === true };
  return { flag, list: v[flag]! };
}

/** The flags of {@link SendFlags}, checked. */
function sendFlags(v: FlagValues): SendFlags {
  if (v.aws && v["base-url"] !== undefined) throw new UsageError("Give --aws or --base-url, not both.");
  return {
    baseUrl: v.aws ? AWS_BASE_URL : v["base-url"],
    privateKeyFile: v["private-key-file"],
    timeoutMs: optionalNumber("timeout-ms", v["timeout-ms"], 1),
    retries: optionalNumber("retries", v.retries, 0, MAX_RETRIES),
    dryRun: v["dry-run"] === true,
    json: v.json === true,
    quiet: v.quiet === true,
  };
}

/** `--all-open` and its options. */
function cancelAllCommand(v: FlagValues): Command {
  const symbols = v.symbols === undefined ? undefined : list(v.symbols);
  if (symbols?.length === 0) throw new UsageError("--symbols is empty: leave it out to cancel every symbol.");
  return {
    kind: "cancel-all",
    symbols,
    side: v.side,
    deadlineMs: optionalNumber("deadline-ms", v["deadline-ms"], 1),
    sweep: !v["no-sweep"],
    ...sendFlags(v),
  };
}
