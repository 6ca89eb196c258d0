/** The real `htx-batch-cancel` command (dist/src/cli.cjs), as a child process, against the simulator on loopback. */
import type { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BatchCancelResult, type FailedCancel, HtxTimeoutError } from "../mod.ts";
import { exitCode, summary } from "../src/cli/output.ts";
import { createHtxSimulator, demoOrders, type HtxSimulatorOptions } from "../src/testing/mod.ts";
import { idsFile, printed, run, serve, simulator } from "./cli-run.ts";
import { TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { closedPort, KEYS, leaks } from "./helpers.ts";

describe("htx-batch-cancel: help and usage (exit 2, nothing sent)", () => {
  it("documents the exit codes, the credentials and simulate in --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Exit codes:[\s\S]*0 +no order may still be open[\s\S]*1 +some orders may still be open[\s\S]*2 +usage[\s\S]*3 +nothing reached HTX/,
    );
    expect(stdout).toMatch(/cancel accepted[\s\S]*closed[\s\S]*may still be open/);
    expect(stdout).toMatch(/HTX_ACCESS_KEY, and one of HTX_SECRET_KEY \(HmacSHA256\), HTX_PRIVATE_KEY/);
    expect(stdout).toMatch(/--private-key-file FILE/);
    expect(stdout).toMatch(/simulate \[--port 8080\]/);
  });

  it("prints its version", async () => {
    const { code, stdout } = await run(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [[], /Say which orders to cancel: --order-ids, --client-order-ids or --ids-file, or --all-open/],
    [["--order-ids", "1", "--client-order-ids", "a"], /exactly one of/],
    [["--order-ids", "1", "--bogus"], /^htx-batch-cancel: Unknown option "--bogus"\. Run htx-batch-cancel --help/],
    [["--order-id", "1"], /Unknown option "--order-id"\. Did you mean --order-ids\?/],
    [["--all-open", "--symbol", "btcusdt"], /Unknown option "--symbol"\. Did you mean --symbols\?/],
    [["--all-open", "--order-ids", "1"], /--order-ids goes with a cancel by id, not with --all-open/],
    [["--order-ids", "1", "--side", "buy"], /--side goes with --all-open/],
    [["--all-open", "--symbols", "BTCUSDT"], /^htx-batch-cancel: --symbols: "BTCUSDT" is not an HTX symbol/],
    [["--all-open", "--side", "both"], /^htx-batch-cancel: --side must be "buy" or "sell"/],
    [["--all-open", "--deadline-ms", "0"], /--deadline-ms must be a whole number from 1/],
    [["--order-ids", "1", "--retries", "many"], /--retries must be a whole number/],
    [["--order-ids", "1", "--timeout-ms", "0"], /--timeout-ms must be a whole number from 1 to 2147483647/],
    [["--order-ids", "1", "--timeout-ms", "3000000000"], /--timeout-ms must be a whole number from 1 to 2147483647/],
    [["--order-ids", "1", "--retries", "1000"], /--retries must be a whole number from 0 to 100/],
    [["--order-ids", "1", "--aws", "--base-url", "https://x"], /--aws or --base-url, not both/],
    [["--ids-file", "/nonexistent/ids.txt"], /Cannot read --ids-file/],
    [
      ["--order-ids", "1", "--base-url", "http://example.com"],
      /^htx-batch-cancel: --base-url: "http:\/\/example\.com" must use https/,
    ],
    [["--all-open", "--base-url", "ftp://x"], /^htx-batch-cancel: --base-url: "ftp:\/\/x" must use https/],
  ])("refuses %j", async (args, message) => {
    const { code, stderr, stdout } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe("");
  });

  it.each(["HTX_ACCESS_KEY", "HTX_SECRET_KEY"])("names %s when it is missing", async (name) => {
    const { code, stderr } = await run(["--order-ids", "1"], { env: { [name]: undefined } });
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`${name} is not set`));
  });

  it("reports a bad id before missing credentials", async () => {
    const { code, stderr } = await run(["--order-ids", "1,x2"], { env: { HTX_ACCESS_KEY: undefined } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--order-ids item 2: "x2" is not an order id/);
  });

  it("simulate on a busy port says so and exits 2, without a stack trace", async () => {
    const { url } = await simulator(0);
    const port = new URL(url).port;
    const { code, stderr } = await run(["simulate", "--port", port]);
    expect(code).toBe(2);
    expect(stderr).toBe(`htx-batch-cancel: port ${port} on 127.0.0.1 is already in use; pick another with --port.\n`);
  });

  it("says 1 id and 1 request, not 1 ids and 1 requests", async () => {
    const dry = await run(["--order-ids", "5", "--dry-run"]);
    expect(dry.stdout).toMatch(/^Dry run: 1 id in 1 request; nothing is sent\.$/m);
    const { url, open } = await simulator(1);
    const once = await run(["--base-url", url, "--order-ids", open[0]!]);
    expect(once.stdout).toMatch(/^1 id: 1 cancel accepted, 0 closed, 0 may still be open$/m);
    expect(once.stderr).toMatch(/^progress: 1\/1 id \(100%\)/m);
  });

  it("refuses an invalid id before sending anything", async () => {
    const { sim, url } = await simulator();
    const { code, stderr } = await run(["--base-url", url, "--order-ids", "1,2,x3"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--order-ids item 3: "x3" is not an order id/);
    expect(sim.stats.requests).toBe(0);
  });
});

describe("htx-batch-cancel: cancelling", () => {
  it("exits 0 when every id is submitted, with a summary on standard output", async () => {
    const { url, open } = await simulator(3);
    const { code, stdout } = await run(["--base-url", url, "--order-ids", open.join(",")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^3 ids: 3 cancel accepted, 0 closed, 0 may still be open$/m);
  });

  describe("with an Ed25519 key", () => {
    async function ed25519Simulator() {
      const book = demoOrders({ open: 3, filled: 0, canceled: 0, unknown: 0 });
      const account = { uid: 1, accessKey: KEYS.accessKey, publicKey: TEST_KEY.publicPem };
      const sim = createHtxSimulator({ accounts: [account], orders: book.orders });
      return { sim, ids: book.ids, url: await serve(sim) };
    }
    const ed25519Env = { HTX_SECRET_KEY: undefined };

    it("signs with the PEM in HTX_PRIVATE_KEY", async () => {
      const { sim, url, ids } = await ed25519Simulator();
      const env = { ...ed25519Env, HTX_PRIVATE_KEY: TEST_KEY.pem };
      const { code, stdout } = await run(["--base-url", url, "--order-ids", ids.join(",")], { env });
      expect({ code, rejections: sim.stats.rejections }).toEqual({ code: 0, rejections: {} });
      expect(stdout).toMatch(/^3 ids: 3 cancel accepted, 0 closed, 0 may still be open$/m);
    });

    it("signs with the key in --private-key-file", async () => {
      const { sim, url, ids } = await ed25519Simulator();
      const file = idsFile([TEST_KEY.pem]);
      const args = ["--base-url", url, "--private-key-file", file, "--order-ids", ids.join(",")];
      const { code } = await run(args, { env: ed25519Env });
      expect({ code, rejections: sim.stats.rejections }).toEqual({ code: 0, rejections: {} });
    });

    it("says an empty --private-key-file is empty, not missing (exit 2)", async () => {
      const { code, stderr } = await run(["--order-ids", "1", "--private-key-file", idsFile([])], { env: ed25519Env });
      expect(code).toBe(2);
      expect(stderr).toMatch(/--private-key-file \S+ids\.txt is empty: it must hold the Ed25519 private key as PEM/);
    });

    it("with --dry-run and a key that cannot sign, prints the error alone, no dry-run header (exit 2)", async () => {
      const env = {
        ...ed25519Env,
        HTX_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----",
      };
      const { code, stdout, stderr } = await run(["--order-ids", "1", "--dry-run"], { env });
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/^htx-batch-cancel: /);
    });

    it("refuses a secret and a private key together, naming the variables, not their values (exit 2)", async () => {
      const { code, stderr } = await run(["--order-ids", "1"], { env: { HTX_PRIVATE_KEY: TEST_KEY.pem } });
      expect(code).toBe(2);
      expect(stderr).toMatch(/HTX_SECRET_KEY/);
      expect(stderr).not.toContain(TEST_KEY.pem.split("\n")[1]!);
    });
  });

  it("groups ids as cancel accepted, closed and may still be open, and exits 1 for an unknown id", async () => {
    const { url, ids } = await simulator(3);
    const { code, stdout } = await run(["--base-url", url, "--order-ids", ids.join(",")]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^7 ids: 3 cancel accepted, 3 closed, 1 may still be open$/m);
    expect(stdout).toMatch(
      /Closed \(nothing left to cancel\): 3\n {2}already closed \(canceled or filled\), not by this run: 3/,
    );
    expect(stdout).toMatch(/ {4}2 × filled\n {8}\d{18}, \d{18}\n {4}1 × canceled/);
    expect(stdout).toMatch(
      /May still be open \(check them, or cancel them again\): 1\n[\s\S]*1 × base-not-found\n {8}\d{18}/,
    );
    expect(stdout).not.toMatch(/refused/i);
  });

  it("exits 0 when some orders were already closed but none may still be open", async () => {
    const { url, ids } = await simulator(3);
    const { code, stdout } = await run(["--base-url", url, "--order-ids", ids.slice(0, 6).join(",")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^6 ids: 3 cancel accepted, 3 closed, 0 may still be open$/m);
  });

  it("calls an order closed behind a lost answer 'closed, possibly by this run', not refused, and exits 0", async () => {
    const { url, open } = await simulator(3, {
      faults: (_, n) => (n === 1 ? { type: "drop", after: true } : undefined),
    });
    const { code, stdout } = await run(["--base-url", url, "--order-ids", open.join(",")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/3 closed, 0 may still be open/);
    expect(stdout).toMatch(/closed, possibly by this run: 3 \(an earlier request's answer was lost/);
  });

  it("cancels client order ids", async () => {
    const { url } = await simulator(0, {
      orders: [{ uid: 1, orderId: "5", clientOrderId: "grid-5", state: "submitted" }],
    });
    const { code, stdout } = await run(["--base-url", url, "--client-order-ids", "grid-5,grid-6", "--json"]);
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.success).toEqual(["grid-5"]);
    expect(result.failed).toEqual([{
      clientOrderId: "grid-6",
      errCode: "base-not-found",
      errMsg: "The record is not found.",
      outcome: "may-be-open",
    }]);
  });

  it("reads an ids file, skipping blank lines and # comments", async () => {
    const { url, open } = await simulator(3);
    const file = idsFile(["# kill switch list", "", open[0]!, `  ${open[1]!}  `, "# done", open[2]!, ""]);
    const { code, stdout } = await run(["--base-url", url, "--ids-file", file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/3 ids: 3 cancel accepted/);
  });

  it("reads client ids from standard input with --ids-file - --client-ids", async () => {
    const { url } = await simulator(0, {
      orders: [{ uid: 1, orderId: "5", clientOrderId: "c-5", state: "submitted" }],
    });
    const { code, stdout } = await run(["--base-url", url, "--ids-file", "-", "--client-ids", "--json"], {
      stdin: "c-5\n",
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).success).toEqual(["c-5"]);
  });

  it("cancels a 500-id file with plain progress lines on a non-terminal standard error", async () => {
    const { url, open, sim } = await simulator(500);
    const { code, stderr, stdout } = await run(["--base-url", url, "--ids-file", idsFile(open)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/500 ids: 500 cancel accepted/);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)).toMatch(/^progress: 500\/500 ids \(100%\)/);
    expect(stderr).not.toContain("\r");
    expect(sim.stats.batchCancelRequests).toBe(10);
  });

  it("prints nothing on standard error with --quiet", async () => {
    const { url, open } = await simulator(60);
    const { code, stderr } = await run(["--base-url", url, "--ids-file", idsFile(open), "--quiet"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });

  it("prints the full result as JSON with --json, every id accounted for, ids as strings", async () => {
    const { url, ids } = await simulator(120);
    const { code, stdout } = await run(["--base-url", url, "--ids-file", idsFile(ids), "--json"]);
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    const seen = [
      ...result.success,
      ...result.failed.map((f: { orderId: string }) => f.orderId),
      ...result.unresolved.map((u: { id: string }) => u.id),
    ];
    expect(seen.sort()).toEqual([...ids].sort());
    expect(result.success).toHaveLength(120);
    expect(result.success.every((id: unknown) => typeof id === "string" && /^\d{18}$/.test(id as string))).toBe(true);
  });
});

describe("htx-batch-cancel: options and exit code 3", () => {
  it("--dry-run prints the requests with AccessKeyId and Signature redacted and sends nothing", async () => {
    const { url, sim } = await simulator(0);
    const ids = Array.from({ length: 60 }, (_, i) => String(i + 1));
    const { code, stdout } = await run(["--base-url", url, "--order-ids", ids.join(","), "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Dry run: 60 ids in 2 requests; nothing is sent/);
    expect(stdout).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/v1\/order\/orders\/batchcancel\?AccessKeyId=\[REDACTED\]&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=\S+&Signature=\[REDACTED\]/,
    );
    expect(stdout).toContain('{"order-ids":["51","52","53","54","55","56","57","58","59","60"]}');
    expect(sim.stats.requests).toBe(0);
  });

  it("--aws sends to api-aws.huobi.pro (shown by a dry run)", async () => {
    const { stdout } = await run(["--aws", "--order-ids", "1", "--dry-run"]);
    expect(stdout).toMatch(/POST https:\/\/api-aws\.huobi\.pro\/v1\/order\/orders\/batchcancel\?/);
  });

  it("exits 1, printing the error, when something unexpected throws, however Node treats unhandled rejections", async () => {
    // A bug stand-in: the body's JSON cannot be written. Under `--unhandled-rejections=none`
    // an unhandled rejection would exit 0, which for --all-open would say "confirmed empty".
    const preload = join(mkdtempSync(join(tmpdir(), "htx-cli-")), "boom.cjs");
    writeFileSync(preload, `JSON.stringify = () => { throw new TypeError("boom from a test"); };`);
    for (const mode of ["none", "warn"]) {
      const { code, stderr } = await run(["--dry-run", "--order-ids", "1"], {
        env: { NODE_OPTIONS: `--unhandled-rejections=${mode} --require ${preload}` },
      });
      expect({ mode, code }).toEqual({ mode, code: 1 });
      expect(stderr).toContain("boom from a test");
    }
  });

  it("exits 3 when authentication fails for every request: nothing reached HTX", async () => {
    const { url, open } = await simulator(3);
    const { code, stdout } = await run(["--base-url", url, "--order-ids", open.join(",")], {
      env: { HTX_SECRET_KEY: "wrong-secret-value" },
    });
    expect(code).toBe(3);
    expect(stdout).toMatch(
      /3 may still be open[\s\S]*no usable answer; the cancel was not applied: 3\n {4}3 × HtxApiError: HTX refused the request: api-signature-not-valid/,
    );
  });

  it("exits 3 when nothing can be reached, naming the cause's code, and --json carries it", async () => {
    const args = ["--base-url", `http://127.0.0.1:${await closedPort()}`, "--order-ids", "1", "--retries", "0"];
    const { code, stdout } = await run(args);
    expect(code).toBe(3);
    expect(stdout).toMatch(
      /1 × HtxNetworkError: The request to HTX failed before an answer arrived \(ECONNREFUSED\)\.\n/,
    );
    const json = await run([...args, "--json"]);
    expect(JSON.parse(json.stdout).unresolved).toEqual([{
      id: "1",
      mayHaveBeenApplied: false,
      error: expect.objectContaining({ name: "HtxNetworkError", code: "ECONNREFUSED" }),
      errors: [expect.objectContaining({ name: "HtxNetworkError", code: "ECONNREFUSED" })],
    }]);
  });

  it("exits 3 when the runtime refuses the port before connecting (undici's 'bad port'): nothing was sent", async () => {
    // Port 9 is on the Fetch standard's blocked list: undici refuses it without a code.
    const args = ["--base-url", "http://127.0.0.1:9", "--order-ids", "1", "--retries", "0", "--json"];
    const { code, stdout } = await run(args);
    expect(JSON.parse(stdout).unresolved).toEqual([
      expect.objectContaining({
        id: "1",
        mayHaveBeenApplied: false,
        error: expect.objectContaining({ name: "HtxNetworkError" }),
      }),
    ]);
    expect(code).toBe(3);
  });

  it("exits 1, not 3, when requests were sent and timed out: the cancels may have been applied", async () => {
    const { url, open } = await simulator(1, { faults: () => ({ type: "latency", ms: 400 }) });
    const once = await run(["--base-url", url, "--order-ids", open[0]!, "--timeout-ms", "100", "--retries", "0"]);
    expect(once.code).toBe(1);
    expect(once.stdout).toMatch(
      /no usable answer; the cancel may or may not have been applied: 1\n {4}1 × HtxTimeoutError: HTX did not answer within 100 ms/,
    );
  });

  it("--timeout-ms and --retries bound how long and how often a slow request is tried", async () => {
    // Counted from the result, not from the simulator: a cold process may time out before its
    // first request even arrives.
    const { url, open } = await simulator(1, { faults: () => ({ type: "latency", ms: 400 }) });
    const attempts = async (retries: string) => {
      const args = ["--base-url", url, "--order-ids", open[0]!, "--timeout-ms", "100", "--retries", retries];
      const { errors } = JSON.parse((await run([...args, "--json"])).stdout).unresolved[0];
      return errors.map((e: { name: string; timeoutMs: number }) => `${e.name} ${e.timeoutMs}`);
    };
    expect(await attempts("0")).toEqual(["HtxTimeoutError 100"]);
    expect(await attempts("2")).toEqual(Array(3).fill("HtxTimeoutError 100"));
  });

  it("on Ctrl-C stops sending, waits for requests in flight, reports the rest unresolved, and exits 1", async () => {
    // 60 requests: the first 50 go out at once (300 ms each), the last 10 wait for the next window.
    const { url, open, sim } = await simulator(3000, { faults: () => ({ type: "latency", ms: 300 }) });
    let interrupted = false;
    const { code, stdout, stderr } = await run(["--base-url", url, "--ids-file", idsFile(open), "--json"], {
      onStderr: (text, child) => {
        if (!interrupted && text.includes("progress: ")) {
          interrupted = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Stopping: no new requests; waiting for the ones in flight/);
    const result = JSON.parse(stdout);
    expect(result.success).toHaveLength(2500);
    expect(result.unresolved).toHaveLength(500);
    expect(new Set(result.unresolved.map((u: { error: { name: string } }) => u.error.name))).toEqual(
      new Set(["HtxAbortError"]),
    );
    expect(sim.stats.batchCancelRequests).toBe(50);
  });
});

describe("htx-batch-cancel --all-open: the kill switch", () => {
  async function book(orders: number, extra: HtxSimulatorOptions = {}) {
    const symbols = ["btcusdt", "ethusdt"];
    const sim = createHtxSimulator({
      accounts: [{ uid: 1, ...KEYS }],
      orders: Array.from({ length: orders }, (_, i) => ({
        uid: 1,
        orderId: String(800_000_000_000_000_001n + BigInt(i)),
        state: "submitted" as const,
        symbol: symbols[i % 2]!,
        type: i % 4 < 2 ? "buy-limit" : "sell-limit",
      })),
      ...extra,
    });
    return { sim, url: await serve(sim) };
  }

  it("cancels every open order, confirms the book empty, and exits 0", async () => {
    const { sim, url } = await book(620);
    // By id only, so that every order is "cancel accepted"; with the sweep some are closed by it.
    const { code, stdout, stderr } = await run(["--base-url", url, "--all-open", "--no-sweep"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^620 ids: 620 cancel accepted, 0 closed, 0 may still be open$/m);
    expect(stdout).toMatch(
      /^Confirmed empty: a last listing found no open order \(\d+ listings of account 10000001\)\.$/m,
    );
    expect(stderr).toMatch(/progress: 620\/620 ids \(100%\)  listed \d+ pages, swept 0/);
    expect(sim.openOrders(1)).toEqual([]);
  });

  it("with --symbols and --side cancels only those, and --json carries the whole result", async () => {
    const { sim, url } = await book(8);
    const args = ["--base-url", url, "--all-open", "--symbols", "ethusdt", "--side", "sell", "--json"];
    const { code, stdout } = await run(args);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ confirmedEmpty: true, accountId: "10000001", stillOpen: [] });
    expect(result.orders.map((o: { symbol: string; type: string }) => `${o.symbol} ${o.type}`)).toEqual([
      "ethusdt sell-limit",
      "ethusdt sell-limit",
    ]);
    expect(sim.openOrders(1)).toHaveLength(6);
  });

  it("with --dry-run lists the open orders by symbol and cancels nothing", async () => {
    const { sim, url } = await book(5);
    const { code, stdout } = await run(["--base-url", url, "--all-open", "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      "Dry run: 5 open orders in account 10000001; nothing is cancelled.\n  btcusdt: 3\n  ethusdt: 2\n",
    );
    expect(sim.stats.batchCancelRequests).toBe(0);
  });

  it("exits 3 and says to pass --symbols when HTX requires a symbol, having cancelled nothing", async () => {
    const { sim, url } = await book(3, { openOrdersRequired: ["account-id", "symbol"] });
    // Without the sweep: it needs no symbol, and would have cancelled the book (then it is no "nothing was cancelled").
    const { code, stderr } = await run(["--base-url", url, "--all-open", "--no-sweep"]);
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /^htx-batch-cancel: nothing was cancelled: HTX requires a symbol[\s\S]*--symbols btcusdt,ethusdt/,
    );
    expect(sim.stats.batchCancelRequests).toBe(0);
  });

  it("exits 3, saying once that HTX refused the key, when the key may read but not trade", async () => {
    const { sim, url } = await book(120, { accounts: [{ uid: 1, ...KEYS, permissions: ["read"] }] });
    const { code, stdout, stderr } = await run(["--base-url", url, "--all-open", "--deadline-ms", "3000"]);
    // In the summary, or on stderr when the sweep's refusal came before the first page (the next test).
    const output = `${stdout}${stderr}`;
    expect(code, output).toBe(3);
    expect(output.match(/HTX refused this API key/g) ?? [], output).toHaveLength(1);
    expect(output).toMatch(
      /^(htx-batch-cancel: nothing was cancelled: )?HTX refused this API key \(HtxApiError: .*api-signature-not-valid/m,
    );
    // At most the listed page's three requests, none sent again: the sweep's refusal of the same
    // key may stop the cancels before all three leave (the exact count of 3 failed once under load).
    expect(sim.stats.batchCancelRequests).toBeLessThanOrEqual(3);
  });

  it("exits 3, saying so on stderr, when HTX refuses the key's sweep before the first page is listed", async () => {
    const { sim, url } = await book(120, {
      accounts: [{ uid: 1, ...KEYS, permissions: ["read"] }],
      faults: (request) =>
        new URL(request.url).pathname === "/v1/order/openOrders" ? { type: "latency", ms: 300 } : undefined,
    });
    const { code, stdout, stderr } = await run(["--base-url", url, "--all-open", "--deadline-ms", "3000"]);
    expect(code, stderr).toBe(3);
    expect(stderr).toMatch(
      /^htx-batch-cancel: nothing was cancelled: HTX refused this API key \(HtxApiError: .*api-signature-not-valid/m,
    );
    expect(stdout).toBe("");
    expect(sim.stats.batchCancelRequests).toBe(0);
  });

  it("with --json, prints why nothing was cancelled as JSON too, when HTX refuses the key before the first page", async () => {
    const { url } = await book(120, {
      accounts: [{ uid: 1, ...KEYS, permissions: ["read"] }],
      faults: (request) =>
        new URL(request.url).pathname === "/v1/order/openOrders" ? { type: "latency", ms: 300 } : undefined,
    });
    const { code, stdout, stderr } = await run(["--base-url", url, "--all-open", "--json"]);
    expect(code, stderr).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({
      nothingCancelled: true,
      error: { name: "HtxApiError", errCode: "api-signature-not-valid", retryable: false },
    });
    expect(leaks(stdout + stderr)).toEqual([]);
  });

  it("exits 1 when Ctrl-C comes during the first listing: an interrupted run, not a failure", async () => {
    let child: ReturnType<typeof spawn> | undefined;
    const { url } = await book(3, {
      faults: (request) => {
        if (new URL(request.url).pathname !== "/v1/order/openOrders") return undefined;
        child?.kill("SIGINT");
        return { type: "latency", ms: 2000 };
      },
    });
    // Without the sweep, which runs beside the first listing and may cancel before Ctrl-C.
    const args = ["--base-url", url, "--all-open", "--no-sweep", "--json"];
    const { code, stdout, stderr } = await run(args, { onSpawn: (c) => (child = c) });
    expect(code).toBe(1);
    expect(stderr).toMatch(/interrupted before any open order was listed; nothing was cancelled/);
    expect(JSON.parse(stdout)).toMatchObject({
      nothingCancelled: true,
      interrupted: true,
      error: { name: "HtxAbortError" },
    });
  });

  it("exits 1 and names what is still open when the deadline passes first", async () => {
    const { sim, url } = await book(2);
    sim.addOrders([{
      uid: 1,
      orderId: "7",
      state: "submitted",
      symbol: "btcusdt",
      refuse: { errCode: "order-update-error" },
    }]);
    const { code, stdout } = await run(["--base-url", url, "--all-open", "--deadline-ms", "500"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^NOT confirmed empty: 1 order may still be open/m);
    expect(stdout).toMatch(/^ {2}1 × btcusdt submitted\n {6}7$/m);
    expect(stdout).toMatch(/^The deadline passed: no cancel was sent after it\.$/m);
  });
});

describe("the summary and the exit code, as functions", () => {
  const refused = (orderId: string): FailedCancel => ({
    orderId,
    errCode: "base-not-found",
    errMsg: "The record is not found.",
    outcome: "may-be-open",
  });

  it("groups 100,000 ids of one group in linear time (it was quadratic: 93 s)", () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => String(i + 1));
    const text = summary({ success: [], failed: ids.map(refused), unresolved: [] });
    expect(text).toMatch(/^100000 ids: 0 cancel accepted, 0 closed, 100000 may still be open$/m);
    expect(text).toMatch(/100000 × base-not-found\n {8}1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … and 99990 more/);
  }, 30_000);

  const unresolved = (mayHaveBeenApplied: boolean): BatchCancelResult => ({
    success: [],
    failed: [],
    unresolved: [{ id: "1", mayHaveBeenApplied, error: new HtxTimeoutError("x", 1), errors: [] }],
  });
  it.each([
    ["every cancel accepted", false, 0, { success: ["1"], failed: [], unresolved: [] }],
    ["closed orders only", false, 0, {
      success: [],
      failed: [{ ...refused("1"), state: "filled", outcome: "already-closed" }],
      unresolved: [],
    }],
    ["an id that may be open", false, 1, { success: ["1"], failed: [refused("2")], unresolved: [] }],
    ["nothing that reached HTX", false, 3, unresolved(false)],
    ["nothing that reached HTX", true, 1, unresolved(false)],
    ["an unresolved id possibly applied", false, 1, unresolved(true)],
  ] as [string, boolean, number, BatchCancelResult][])(
    "for %s (after Ctrl-C: %s), exits %i",
    (_, aborted, expected, result) => {
      expect(exitCode(result, aborted)).toBe(expected);
    },
  );
});

describe("htx-batch-cancel: secrets", () => {
  it("never printed the secret, the private key, the AccessKeyId or a Signature in any run above", () => {
    expect(printed.length).toBeGreaterThan(20);
    expect(leaks(printed.join("\n"), [], TEST_KEY.pem)).toEqual([]);
  });
});
