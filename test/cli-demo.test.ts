/** `demo` and `simulate`, through the built command: what they say follows what happened. */
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT } from "../src/testing/mod.ts";
import { run } from "./cli-run.ts";

describe("htx-batch-cancel demo", () => {
  it("takes --deadline-ms, says NOT confirmed empty when it passes first, and exits 1", async () => {
    // 1 ms passes before the first listing's answer (50 ms latency): nothing listed, nothing cancelled.
    const { code, stdout, stderr } = await run(["demo", "--orders", "200", "--latency-ms", "50", "--deadline-ms", "1"]);
    expect(stderr).not.toMatch(/htx-batch-cancel: |at /);
    expect(stdout).toMatch(
      /^\nNOT confirmed empty after \d+ ms: .*deadline \(deadlineMs 1\) passed before any open order was listed; nothing was cancelled\. The simulator holds 2\d\d open orders\.\n$/,
    );
    expect(stdout).not.toMatch(/confirmed gone/);
    expect(code).toBe(1);
  });
});

describe("htx-batch-cancel simulate", () => {
  it("prints the demo key it serves (public test data), not a pointer to a README section", async () => {
    let banner = "";
    // Not its exit code: a SIGINT that arrives before the handler is set ends it by the signal.
    await run(["simulate", "--port", "0", "--orders", "3"], {
      onSpawn: (child) => {
        child.stdout!.on("data", (chunk) => {
          banner += chunk;
          if (banner.includes("latency:")) child.kill("SIGINT");
        });
      },
    });
    expect(banner).toContain(`HTX_ACCESS_KEY=${DEMO_ACCOUNT.accessKey} HTX_SECRET_KEY=${DEMO_ACCOUNT.secretKey}`);
    expect(banner).not.toMatch(/see README/);
  });
});
