/**
 * Modules loaded on first use (src/core/load-on-demand.ts): the cancel engine, the kill switch, the
 * signer behind signUrl. A load that fails is an HtxInputError (a broken install is the caller's
 * to fix, and batchCancel rejects only with HtxInputError) and is tried again by the next call;
 * a load that succeeded is not repeated.
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
        "The test module could not be loaded (reinstall htx-batch-cancel, or keep its chunks in your bundle); " +
          "nothing was sent.",
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
