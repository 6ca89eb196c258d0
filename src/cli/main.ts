/** The `htx-batch-cancel` command: the same HtxClient, with progress, a summary and exit codes. */
import { readFileSync } from "node:fs";
import process from "node:process";
import { HtxClient } from "../client.ts";
import { HtxInputError } from "../errors.ts";
import { MAX_IDS_PER_REQUEST, normalizeIds } from "../input.ts";
import { redactUrl } from "../redact.ts";
import { createBatchCancelRequest } from "../request.ts";
import { type Command, HELP, idsFromText, parseCommand, UsageError } from "./args.ts";
import { demo, simulate } from "./demo.ts";
import { exitCode, progressReporter, type Streams, summary } from "./output.ts";
import { VERSION } from "../version.ts";

const streams: Streams = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  errIsTerminal: Boolean(process.stderr.isTTY),
};

function credentials(dryRun: boolean): { accessKey: string; secretKey: string } {
  const accessKey = process.env.HTX_ACCESS_KEY ?? "";
  const secretKey = process.env.HTX_SECRET_KEY ?? "";
  if (dryRun && (!accessKey || !secretKey)) {
    streams.err("Dry run without HTX_ACCESS_KEY/HTX_SECRET_KEY: signing with placeholders.\n");
    return { accessKey: accessKey || "dry-run-access-key", secretKey: secretKey || "dry-run-secret-key" };
  }
  for (const [name, value] of [["HTX_ACCESS_KEY", accessKey], ["HTX_SECRET_KEY", secretKey]]) {
    if (!value) {
      throw new UsageError(
        `${name} is not set: export your HTX API key's credentials as HTX_ACCESS_KEY and HTX_SECRET_KEY.`,
      );
    }
  }
  return { accessKey, secretKey };
}

function readIds(command: Extract<Command, { kind: "cancel" }>) {
  const { ids } = command;
  if (!("file" in ids)) return ids;
  let text: string;
  try {
    text = readFileSync(ids.file === "-" ? 0 : ids.file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read --ids-file ${ids.file}: ${(error as Error).message}`);
  }
  const list = idsFromText(text);
  return ids.client ? { clientOrderIds: list } : { orderIds: list };
}

async function dryRun(command: Extract<Command, { kind: "cancel" }>): Promise<number> {
  const input = readIds(command);
  const { kind, ids } = normalizeIds(input);
  const keys = credentials(true);
  const chunks = Math.ceil(ids.length / MAX_IDS_PER_REQUEST);
  streams.out(`Dry run: ${ids.length} ids in ${chunks} requests; nothing is sent.\n`);
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + MAX_IDS_PER_REQUEST);
    const request = await createBatchCancelRequest(
      kind === "order" ? { orderIds: chunk } : { clientOrderIds: chunk },
      keys,
      { baseUrl: command.baseUrl },
    );
    streams.out(`\nPOST ${redactUrl(request.url)}\nContent-Type: application/json\n${await request.text()}\n`);
  }
  return 0;
}

async function cancel(command: Extract<Command, { kind: "cancel" }>): Promise<number> {
  if (command.dryRun) return dryRun(command);
  const input = readIds(command);
  const htx = new HtxClient({
    ...credentials(false),
    baseUrl: command.baseUrl,
    timeoutMs: command.timeoutMs,
    retry: command.retries,
  });
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    streams.err("\nStopping: no new requests; waiting for the ones in flight (Ctrl-C again to quit now).\n");
    stop.abort();
  };
  process.on("SIGINT", onSigint);
  const progress = progressReporter(streams, command.quiet);
  try {
    const result = await htx.batchCancel(input, { signal: stop.signal, onProgress: progress.update });
    progress.end();
    streams.out(command.json ? `${JSON.stringify(result, null, 2)}\n` : summary(result));
    return exitCode(result, stop.signal.aborted);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** Runs the command; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
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
        const served = await simulate(command, streams);
        await new Promise<void>((resolve) => process.once("SIGINT", resolve));
        await served.close();
        return 0;
      }
      case "demo":
        return await demo(command, streams);
      case "cancel":
        return await cancel(command);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof HtxInputError) {
      streams.err(`htx-batch-cancel: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
