/**
 * The command's usage rules, through the built command: one rule for every flag (given at most
 * once), a command refuses the flags it does not use, ids are reported where they were written,
 * and messages use the flags' and variables' names, not the library's. Exit 2, nothing sent.
 */
import { describe, expect, it } from "vitest";
import { FLAGS, flagsOf } from "../src/cli/flags.ts";
import { idsFile, run, simulator } from "./cli-run.ts";

describe("htx-batch-cancel: a flag given twice", () => {
  it("refuses a repeated --order-ids with exit 2, naming it, and cancels nothing (it once kept the last list only)", async () => {
    const { sim, url, open } = await simulator(2);
    const { code, stderr, stdout } = await run(["--base-url", url, "--order-ids", open[0]!, "--order-ids", open[1]!]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^htx-batch-cancel: --order-ids is given more than once: give each flag once/);
    expect(stdout).toBe("");
    expect(sim.stats.requests).toBe(0);
    expect(sim.openOrders(1)).toHaveLength(2);
  });

  it.each([
    [["--all-open", "--symbols", "btcusdt", "--symbols=ethusdt"], "symbols"],
    [["--order-ids", "1", "--quiet", "--quiet"], "quiet"],
    [["--order-ids", "1", "--retries", "1", "--retries", "2"], "retries"],
    [["simulate", "--port", "1", "--port", "2"], "port"],
  ])("applies the same rule to every flag: %j", async (args, flag) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`--${flag} is given more than once`);
  });

  it("says so in --help", async () => {
    const { stdout } = await run(["--help"]);
    expect(stdout).toMatch(/Each flag is given at most once: a repeated flag is refused \(exit 2\)/);
  });
});

describe("htx-batch-cancel: a flag the command does not use", () => {
  it.each([
    [["demo", "--quiet"], /^htx-batch-cancel: --quiet goes with a cancel by id or --all-open, not with demo\./],
    [["demo", "--json"], /--json goes with a cancel by id or --all-open, not with demo\./],
    [["demo", "--dry-run", "--order-ids", "1"], /--dry-run goes with a cancel by id or --all-open, not with demo\./],
    [["simulate", "--deadline-ms", "5"], /--deadline-ms goes with --all-open or demo, not with simulate\./],
    [
      ["--order-ids", "1", "--orders", "5"],
      /--orders goes with simulate or demo, not with a cancel by id\. Did you mean --order-ids\?/,
    ],
    [["--all-open", "--port", "8080"], /--port goes with simulate, not with --all-open\./],
    [["demo", "--all-open"], /--all-open is a command of its own, not an option of demo\./],
  ])("refuses %j (exit 2)", async (args, message) => {
    const { code, stderr, stdout } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe("");
  });

  it("names every flag of the table in --help", async () => {
    const { stdout } = await run(["--help"]);
    const missing = Object.keys(FLAGS).filter((flag) => !stdout.includes(`--${flag}`));
    expect(missing).toEqual([]);
  });

  it("lets demo take --orders, --latency-ms and --deadline-ms, and simulate --port, --orders and --latency-ms", () => {
    expect(flagsOf("demo")).toEqual(["deadline-ms", "orders", "latency-ms", "help", "version"]);
    expect(flagsOf("simulate")).toEqual(["port", "orders", "latency-ms", "help", "version"]);
  });
});

describe("htx-batch-cancel --dry-run --json", () => {
  it("prints the signed requests as JSON, AccessKeyId and Signature redacted, and sends nothing", async () => {
    const { sim, url } = await simulator(0);
    const ids = Array.from({ length: 60 }, (_, i) => String(i + 1));
    const { code, stdout } = await run(["--base-url", url, "--order-ids", ids.join(","), "--dry-run", "--json"]);
    expect(code).toBe(0);
    const shown = JSON.parse(stdout);
    expect(shown).toMatchObject({ dryRun: true, ids: 60 });
    expect(shown.requests).toHaveLength(2);
    expect(shown.requests[1]).toEqual({
      method: "POST",
      url: expect.stringMatching(
        /^http:\/\/127\.0\.0\.1:\d+\/v1\/order\/orders\/batchcancel\?AccessKeyId=\[REDACTED\]&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=\S+&Signature=\[REDACTED\]$/,
      ),
      headers: { "Content-Type": "application/json" },
      body: { "order-ids": ids.slice(50) },
    });
    expect(sim.stats.requests).toBe(0);
  });
});

describe("htx-batch-cancel: bad ids, named where they were written", () => {
  it("names the ids file's line of each bad id, every one of them, and sends nothing", async () => {
    const { sim, url } = await simulator(0);
    const file = idsFile(["# ids", "1001", "", "1002", "1003", "1004x", "1005", "-7"]);
    const { code, stderr } = await run(["--base-url", url, "--ids-file", file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file} line 6: "1004x" is not an order id\n`);
    expect(stderr).toContain(`${file} line 8: "-7" is not an order id\n`);
    expect(stderr).toMatch(/^htx-batch-cancel: 2 bad ids; nothing was sent:/);
    expect(stderr).not.toMatch(/orderIds\[/);
    expect(sim.stats.requests).toBe(0);
  });

  it("names standard input's lines, and client order ids by their own rule", async () => {
    const { code, stderr } = await run(["--ids-file", "-", "--client-ids", "--dry-run"], {
      stdin: "grid-1\nbad id\ngrid-2\n",
    });
    expect(code).toBe(2);
    expect(stderr).toContain('standard input line 2: "bad id" is not a client order id\n');
  });

  it("reports at most 20 bad lines and counts the rest", async () => {
    const file = idsFile(Array.from({ length: 25 }, (_, i) => `x${i + 1}`));
    const { code, stderr } = await run(["--ids-file", file, "--dry-run"]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file} line 20: "x20" is not an order id\n`);
    expect(stderr).not.toContain(`line 21:`);
    expect(stderr).toMatch(/^htx-batch-cancel: 25 bad ids; nothing was sent:/);
    expect(stderr).toContain("… and 5 more\n");
  });

  it("names a list's bad items by position, every one of them", async () => {
    const { code, stderr } = await run(["--order-ids", "1,x2,,0", "--dry-run"]);
    expect(code).toBe(2);
    expect(stderr).toContain('--order-ids item 2: "x2" is not an order id\n');
    expect(stderr).toContain('--order-ids item 4: "0" is not an order id\n');
  });
});

describe("htx-batch-cancel: messages in the command's words", () => {
  it.each([
    [["--all-open", "--symbols", "btcusdt,BTCUSDT"], /^htx-batch-cancel: --symbols: "BTCUSDT" is not an HTX symbol/],
    [["--all-open", "--side", "both"], /^htx-batch-cancel: --side must be "buy" or "sell", got "both"/],
  ])("%j", async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/filter\./);
  });

  it("names HTX_PRIVATE_KEY, or the key file, for a private key that is not PEM", async () => {
    const env = { HTX_SECRET_KEY: undefined, HTX_PRIVATE_KEY: "not a pem key" };
    for (const args of [["--order-ids", "1"], ["--order-ids", "1", "--dry-run"]]) {
      const { code, stderr } = await run(args, { env });
      expect(code).toBe(2);
      expect(stderr).toMatch(/^htx-batch-cancel: HTX_PRIVATE_KEY is not a valid PEM private key/);
    }
    const file = idsFile(["not a pem key"]);
    const { stderr } = await run(["--order-ids", "1", "--private-key-file", file], {
      env: { HTX_SECRET_KEY: undefined },
    });
    expect(stderr).toMatch(new RegExp(`^htx-batch-cancel: --private-key-file ${file} is not a valid PEM private key`));
  });

  it("lists --all-open beside the id flags when no orders are named", async () => {
    const { code, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--order-ids, --client-order-ids or --ids-file, or --all-open for every open order/);
  });
});
