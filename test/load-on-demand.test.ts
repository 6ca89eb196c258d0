/**
 * Modules loaded on first use (src/core/load-on-demand.ts): the cancel engine, the kill switch, the
 * signer behind signUrl. A load that fails is an HtxInputError (a broken install is the caller's
 * to fix, and batchCancel rejects only with HtxInputError) and is tried again by the next call;
 * a load that succeeded is not repeated. A client starts loading its engine and preparing its key
 * as soon as it is built, and reports a failure there at the first call or ready().
 */
import { describe, expect, it, vi } from "vitest";
import { HtxError, HtxInputError } from "../mod.ts";
import { loadOnDemand } from "../src/core/load-on-demand.ts";

describe("a module loaded on demand", () => {
  it("is loaded once, on first use, however many callers wait for it", async () => {
    const load = vi.fn(async () => ({ answer: 42 }));
    const module = loadOnDemand(load, "The test module");
    expect(load).not.toHaveBeenCalled();
    const loaded = await Promise.all(Array.from({ length: 5 }, () => module()));
    expect(loaded.map((m) => m.answer)).toEqual([42, 42, 42, 42, 42]);
    await module();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it.each<[string, unknown, string]>([
    ["an Error", new TypeError("Failed to fetch dynamically imported module: chunk-X.js"), "Error: Failed to fetch"],
    ["a string", "chunk missing", "chunk missing"],
    ["an object", { url: "https://api.huobi.pro/?Signature=abc" }, "[object Object]"],
  ])(
    "that fails with %s is an HtxInputError that says what to fix and that nothing was sent, keeping no foreign object",
    async (_, thrown, cause) => {
      const module = loadOnDemand(() => Promise.reject(thrown), "The test module");
      const error = await module().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(HtxInputError);
      expect((error as HtxError).message).toBe(
        "The test module could not be loaded (reinstall htx-batch-cancel, or bundle its chunks): nothing sent.",
      );
      expect((error as HtxError).retryable).toBe(false);
      expect(String((error as HtxError).cause)).toContain(cause);
      if (typeof thrown === "object") expect((error as HtxError).cause).not.toBe(thrown);
    },
  );

  it("is tried again by the next call after a failed load, then kept", async () => {
    const load = vi.fn()
      .mockRejectedValueOnce(new Error("network down"))
      .mockResolvedValue({ ok: true });
    const module = loadOnDemand(load, "The test module");
    await expect(module()).rejects.toThrow(/could not be loaded/);
    await expect(module()).resolves.toEqual({ ok: true });
    await module();
    expect(load).toHaveBeenCalledTimes(2);
  });
});

describe("a client's engine and key, prepared as soon as it is built", () => {
  /** Lets pending callbacks run, such as an unhandled rejection's report. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it("prepares the key without a call, once, and the first call uses that key", async () => {
    const { HtxClient } = await import("../mod.ts");
    const keyed = vi.fn((secret: string) => (text: string) => new TextEncoder().encode(`${secret}:${text}`));
    const fetch = vi.fn(async () => new Response('{"status":"ok","data":{"success":["1"],"failed":[]}}'));
    const htx = new HtxClient({
      accessKey: "a",
      secretKey: "s",
      hmac: { name: "test", keyed },
      fetch,
      rateLimit: false,
    });
    expect(keyed).not.toHaveBeenCalled(); // the constructor itself does not wait for it
    await vi.waitFor(() => expect(keyed).toHaveBeenCalledTimes(1), { timeout: 10_000 });
    expect(fetch).not.toHaveBeenCalled();
    await expect(htx.batchCancel({ orderIds: ["1"] })).resolves.toMatchObject({ success: ["1"] });
    await htx.ready();
    expect(keyed).toHaveBeenCalledTimes(1);
  });

  it("reports a key that fails in the background at ready() and the first call, never as an unhandled rejection", async () => {
    const { HtxClient, HtxInputError } = await import("../mod.ts");
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const keyed = vi.fn(() => {
        throw new Error("no HMAC here");
      });
      const fetch = vi.fn(async () => new Response("{}"));
      const htx = new HtxClient({ accessKey: "a", secretKey: "s", hmac: { name: "broken", keyed }, fetch });
      await vi.waitFor(() => expect(keyed).toHaveBeenCalledTimes(1), { timeout: 10_000 });
      await settle();
      expect(unhandled).not.toHaveBeenCalled();
      await expect(htx.ready()).rejects.toThrow(HtxInputError);
      await expect(htx.batchCancel({ orderIds: ["1"] })).rejects.toThrow(/hmac\.keyed\(secret\) threw/);
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("reports an engine that cannot be loaded at the first call, and loads it again then", async () => {
    vi.resetModules();
    let fail = true;
    vi.doMock("../src/cancel/on-demand.ts", async (original) => {
      if (fail) throw new Error("Cannot find module chunk-X.js");
      return await original();
    });
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const { HtxClient } = await import("../src/client.ts");
      const fetch = vi.fn(async () => new Response('{"status":"ok","data":{"success":["1"],"failed":[]}}'));
      const htx = new HtxClient({ accessKey: "a", secretKey: "s", fetch, rateLimit: false });
      await settle();
      expect(unhandled).not.toHaveBeenCalled();
      await expect(htx.batchCancel({ orderIds: ["1"] })).rejects.toMatchObject({
        name: "HtxInputError",
        message: expect.stringMatching(/^The cancel engine's module could not be loaded/),
      });
      expect(fetch).not.toHaveBeenCalled();
      fail = false;
      await expect(htx.batchCancel({ orderIds: ["1"] })).resolves.toMatchObject({ success: ["1"] });
    } finally {
      process.off("unhandledRejection", unhandled);
      vi.doUnmock("../src/cancel/on-demand.ts");
      vi.resetModules();
    }
  });

  it("reports the kill switch's rounds that cannot be loaded at once, not as a deadline after lookups sent again", async () => {
    vi.resetModules();
    vi.doMock("../src/kill-switch/until-empty.ts", () => {
      throw new Error("Cannot find module chunk-Y.js");
    });
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const { HtxClient } = await import("../src/client.ts");
      const { createHtxSimulator, DEMO_ACCOUNT } = await import("../src/testing/mod.ts");
      const sim = createHtxSimulator();
      const paths: string[] = [];
      const fetch = (url: string, init: RequestInit) => (paths.push(new URL(url).pathname), sim.fetch(url, init));
      const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: "https://api.huobi.pro", fetch });
      // The lookup's answer is read by the rounds' chunk: its load fails there too, and it will not mend.
      await expect(htx.cancelAllOpen(undefined, { deadlineMs: 3000 })).rejects.toMatchObject({
        name: "HtxInputError",
        message: expect.stringMatching(/^The kill switch's rounds could not be loaded/),
      });
      expect(paths).toEqual(["/v1/account/accounts"]);
      await settle();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
      vi.doUnmock("../src/kill-switch/until-empty.ts");
      vi.resetModules();
    }
  });
});
