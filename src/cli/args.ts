/**
 * Command-line arguments, parsed with `node:util` parseArgs (it runs on Node and Deno alike),
 * fetched with `process.getBuiltinModule` rather than imported: see src/cli/read-file.ts.
 */
import type { parseArgs } from "node:util";
import { nearestName } from "../core/nearest-name.ts";
import { MAX_RETRIES } from "../cancel/options.ts";
import { MAX_TIMER_MS } from "../core/checks.ts";

/** A usage mistake: the command exits 2 and sends nothing. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const HELP = `htx-batch-cancel: cancel HTX spot orders in bulk, every id accounted for.

Usage:
  htx-batch-cancel --all-open [--symbols btcusdt,ethusdt] [--side buy|sell] [options]
  htx-batch-cancel --order-ids 1,2,3 [options]
  htx-batch-cancel --client-order-ids a,b [options]
  htx-batch-cancel --ids-file FILE [--client-ids] [options]   (FILE "-" reads standard input)
  htx-batch-cancel simulate [--port 8080] [--orders 1000] [--latency-ms 0]
  htx-batch-cancel demo [--orders 2000] [--latency-ms 50]

Credentials come from the environment or a key file only (never a flag's value, which lands in
shell history): HTX_ACCESS_KEY, and one of HTX_SECRET_KEY (HmacSHA256), HTX_PRIVATE_KEY (Ed25519,
the PEM text) or --private-key-file FILE (docs/ed25519.md)

Options:
  --all-open              the kill switch: list every open spot order, cancel them all, list again
                          until none is left or --deadline-ms passes (docs/kill-switch.md)
  --symbols LIST          with --all-open: only these symbols, comma-separated (e.g. btcusdt,ethusdt);
                          needed where HTX requires a symbol to list open orders
  --side buy|sell         with --all-open: only buy or only sell orders
  --deadline-ms N         with --all-open: stop cancelling after N ms, then list once more (default 30000)
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
  --json                  print the full result as JSON on standard output (fields: docs/results.md)
  --quiet                 no progress on standard error
  -h, --help              this text
  -v, --version           the version

simulate: serves the offline HTX simulator on 127.0.0.1 with open orders for the demo account
  (AccessKeyId demo-access-key; see README, "Simulator"), until Ctrl-C.
demo: the kill switch against the simulator: 2,000 open orders over 5 symbols, a bot placing
  more for the first second, every order cancelled and the book confirmed empty, with timings.

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
  | { kind: "demo"; orders: number; latencyMs: number }
  | ({ kind: "cancel-all"; symbols?: string[]; side?: string; deadlineMs?: number; sweep: boolean } & SendFlags)
  | ({
    kind: "cancel";
    ids: { orderIds: string[] } | { clientOrderIds: string[] } | { file: string; client: boolean };
  } & SendFlags);

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

const list = (value: string) => value.split(",").map((s) => s.trim()).filter((s) => s !== "");

const OPTIONS = {
  "all-open": { type: "boolean", default: false },
  symbols: { type: "string" },
  side: { type: "string" },
  "deadline-ms": { type: "string" },
  "no-sweep": { type: "boolean", default: false },
  "order-ids": { type: "string" },
  "client-order-ids": { type: "string" },
  "ids-file": { type: "string" },
  "client-ids": { type: "boolean", default: false },
  "base-url": { type: "string" },
  "private-key-file": { type: "string" },
  aws: { type: "boolean", default: false },
  "timeout-ms": { type: "string" },
  retries: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
  port: { type: "string" },
  orders: { type: "string" },
  "latency-ms": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", short: "v", default: false },
} as const;

/** Refuses an unknown `--flag` with our own message, suggesting the nearest known one. */
function checkFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === "--") return;
    if (!arg.startsWith("--")) continue;
    const name = arg.slice(2).split("=")[0]!;
    if (Object.hasOwn(OPTIONS, name)) continue;
    const nearest = nearestName(name, Object.keys(OPTIONS));
    const hint = nearest === undefined ? "" : ` Did you mean --${nearest}?`;
    throw new UsageError(`Unknown option "--${name}".${hint} Run htx-batch-cancel --help for the options.`);
  }
}

/** Parses argv (without the node and script paths). @throws {UsageError} */
export function parseCommand(argv: string[]): Command {
  checkFlags(argv);
  let parsed;
  try {
    parsed = globalThis.process.getBuiltinModule("node:util").parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nRun htx-batch-cancel --help for the options.`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: "help" };
  if (v.version) return { kind: "version" };
  const [sub, ...rest] = positionals;
  if (rest.length > 0 || (sub !== undefined && sub !== "simulate" && sub !== "demo" && sub !== "cancel")) {
    throw new UsageError(
      `Unexpected argument "${sub === undefined ? rest[0] : rest[0] ?? sub}". Run htx-batch-cancel --help.`,
    );
  }
  if (sub === "simulate") {
    return {
      kind: "simulate",
      port: wholeNumber("port", v.port, 8080, 0, 65535),
      orders: wholeNumber("orders", v.orders, 1000),
      latencyMs: wholeNumber("latency-ms", v["latency-ms"], 0),
    };
  }
  if (sub === "demo") {
    return {
      kind: "demo",
      orders: wholeNumber("orders", v.orders, 2000, 1),
      latencyMs: wholeNumber("latency-ms", v["latency-ms"], 50),
    };
  }
  if (v["all-open"]) return cancelAllCommand(v);
  if (v["no-sweep"]) throw new UsageError("--no-sweep goes with --all-open.");
  for (const flag of ["symbols", "side", "deadline-ms"] as const) {
    if (v[flag] !== undefined) throw new UsageError(`--${flag} goes with --all-open.`);
  }
  const sources = [v["order-ids"], v["client-order-ids"], v["ids-file"]].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw new UsageError(
      sources.length === 0
        ? "Say which orders to cancel: --order-ids, --client-order-ids or --ids-file."
        : "Give exactly one of --order-ids, --client-order-ids and --ids-file.",
    );
  }
  if (v["client-ids"] && v["ids-file"] === undefined) {
    throw new UsageError("--client-ids says what --ids-file holds; use --client-order-ids for a list.");
  }
  const ids = v["order-ids"] !== undefined
    ? { orderIds: list(v["order-ids"]) }
    : v["client-order-ids"] !== undefined
    ? { clientOrderIds: list(v["client-order-ids"]) }
    : { file: v["ids-file"]!, client: v["client-ids"]! };
  return {
    kind: "cancel",
    ids,
    ...sendFlags(v),
  };
}

type Values = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
>["values"];

/** The flags of {@link SendFlags}, checked. */
function sendFlags(v: Values): SendFlags {
  if (v.aws && v["base-url"] !== undefined) throw new UsageError("Give --aws or --base-url, not both.");
  return {
    baseUrl: v.aws ? AWS_BASE_URL : v["base-url"],
    privateKeyFile: v["private-key-file"],
    timeoutMs: v["timeout-ms"] === undefined ? undefined : wholeNumber("timeout-ms", v["timeout-ms"], 0, 1),
    retries: v.retries === undefined ? undefined : wholeNumber("retries", v.retries, 0, 0, MAX_RETRIES),
    dryRun: v["dry-run"]!,
    json: v.json!,
    quiet: v.quiet!,
  };
}

/** `--all-open` and its options. */
function cancelAllCommand(v: Values): Command {
  const ids = ["order-ids", "client-order-ids", "ids-file", "client-ids"] as const;
  const mixed = ids.find((flag) => v[flag] !== undefined && v[flag] !== false);
  if (mixed) throw new UsageError(`--all-open cancels every open order: leave out --${mixed}.`);
  const symbols = v.symbols === undefined ? undefined : list(v.symbols);
  if (symbols?.length === 0) throw new UsageError("--symbols is empty: leave it out to cancel every symbol.");
  return {
    kind: "cancel-all",
    symbols,
    side: v.side,
    deadlineMs: v["deadline-ms"] === undefined ? undefined : wholeNumber("deadline-ms", v["deadline-ms"], 0, 1),
    sweep: !v["no-sweep"],
    ...sendFlags(v),
  };
}

/** Ids from a file's text: one per line, blank lines and `#` comments skipped. */
export function idsFromText(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
}
