/**
 * Provider side: the committed pact replayed against the simulator through the provider kit
 * (`htx-batch-cancel/pact`), as a user verifies theirs: the kit's provider states plus ours
 * (contracts/states.ts), and its request filter, which re-signs every replayed request (a GET's
 * business query included) for the simulator's host, key and clock. The negative tests serve a
 * drifting simulator through the kit's parts and show that verification fails on the path.
 */
import { writeSync } from "node:fs";
import { Verifier } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { serveHandler } from "../src/testing/node-server.ts";
import { createHtxPactProvider, verifyWithHtxSimulator } from "../src/testing/pact.ts";
import { PACT_FILE, PROVIDER } from "./interactions.ts";
import { CONTRACT_STATE_HANDLERS } from "./states.ts";

const PACT = new URL(`./pacts/${PACT_FILE}`, import.meta.url).pathname;

// deno-lint-ignore no-explicit-any
type Answer = Record<string, any>;

/** Changes an answer's parsed JSON in place, as a provider that drifted from HTX would answer. */
type Drift = (answer: Answer) => void;

/**
 * The answer with `drift` applied. An answer the drift leaves as it was is passed on as its
 * original text, so that the 64-bit ids of listings are not rounded by the JSON round trip.
 */
async function drifted(response: Response, drift: Drift): Promise<Response> {
  if (!response.headers.get("content-type")?.startsWith("application/json")) return response;
  const text = await response.text();
  const answer = JSON.parse(text) as Answer;
  const before = JSON.stringify(answer);
  drift(answer);
  const after = JSON.stringify(answer);
  const init = { status: response.status, headers: response.headers };
  return new Response(after === before ? text : after, init);
}

/** Verifies the committed pact against a simulator whose answers `drift`; the kit's states and filter as they are. */
async function verifyDrifting(drift: Drift): Promise<string> {
  const provider = createHtxPactProvider({ stateHandlers: CONTRACT_STATE_HANDLERS });
  const served = await serveHandler(async (request, info) => drifted(await provider.fetch(request, info), drift));
  try {
    return await new Verifier({
      provider: PROVIDER,
      providerBaseUrl: served.url,
      pactUrls: [PACT],
      requestFilter: provider.requestFilter(served.url),
      changeOrigin: true,
      logLevel: "error",
    }).verifyProvider();
  } finally {
    await served.close();
  }
}

describe("the simulator honours the committed contract", () => {
  it("passes provider verification of every interaction, batch cancels, listings and cancels by criteria", async () => {
    const verified = verifyWithHtxSimulator({
      provider: PROVIDER,
      pactUrls: [PACT],
      stateHandlers: CONTRACT_STATE_HANDLERS,
      logLevel: "error",
    });
    await expect(verified).resolves.toBeTypeOf("string");
  });

  const drifts: [string, RegExp, Drift][] = [
    ["answers order-state as a string", /\$\.data\.failed\[0\]\['order-state'\]/, (answer) => {
      for (const failed of answer.data?.failed ?? []) {
        if ("order-state" in failed) failed["order-state"] = String(failed["order-state"]);
      }
    }],
    ["drops the failed list", /\$\.data.*failed/, (answer) => {
      if (answer.data && !Array.isArray(answer.data)) delete answer.data.failed;
    }],
    ["answers cancelled ids as numbers", /\$\.data\.success\[0\]/, (answer) => {
      if (Array.isArray(answer.data?.success)) answer.data.success = answer.data.success.map(Number);
    }],
    ["answers the dead man's switch's trigger time as text", /\$\.data\.triggerTime/, (answer) => {
      if (answer.code === 200 && typeof answer.data?.triggerTime === "number") {
        answer.data.triggerTime = String(answer.data.triggerTime);
      }
    }],
    ["lists order ids as strings", /\$\.data\[0\]\.id/, (answer) => {
      if (Array.isArray(answer.data)) { for (const entry of answer.data) entry.id = String(entry.id); }
    }],
    ["lists amounts as numbers", /\$\.data\[0\]\.amount/, (answer) => {
      if (Array.isArray(answer.data)) { for (const entry of answer.data) entry.amount = Number(entry.amount); }
    }],
    ["answers a cancel by criteria's counts as strings", /\$\.data\['success-count'\]/, (answer) => {
      if (answer.data && "success-count" in answer.data) {
        answer.data["success-count"] = String(answer.data["success-count"]);
      }
    }],
  ];

  it.each(drifts)("fails verification when the provider %s", async (what, mismatch, drift) => {
    // The Pact core prints its report straight to fd 1, past vitest: frame it so that a green
    // run's "Verification unsuccessful" / "There were N pact failures" reads as intended.
    expectedFailureBanner(`begin: a drifting provider that ${what}; the pact failures below are intended`);
    try {
      await expect(verifyDrifting(drift)).rejects.toThrow(mismatch);
    } finally {
      expectedFailureBanner(`end: the provider that ${what} failed verification, as this test requires`);
    }
  });
});

/** A line written straight to fd 1, in order with the Pact core's own output. */
function expectedFailureBanner(text: string): void {
  writeSync(1, `\n──── expected Pact failure (negative contract test), ${text} ────\n`);
}
