/**
 * The Pact provider kit (`htx-batch-cancel/pact`) verifying consumer pacts against the
 * simulator: pacts recorded here as a user's bot would record them (PactV4 mock server, the
 * bot's own key), then verified with `verifyWithHtxSimulator`. Expected failures print Pact's
 * report between "expected Pact failure" lines. No msw in this file: it would intercept the
 * mock server's traffic.
 */
import { mkdtempSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { signUrl } from "../mod.ts";
import { CONTRACT_STATE_HANDLERS } from "../contracts/states.ts";
import { HTX_PROVIDER_STATES, HtxProviderStateError, verifyWithHtxSimulator } from "../src/testing/pact.ts";
import { KEYS } from "./helpers.ts";
import { recorded } from "./pact-mock-server.ts";

process.env.PACT_DO_NOT_TRACK = "true";
const { integer, regex, string } = MatchersV3;
const PROVIDER = "htx-spot-api";
const OUR_PACT = new URL("../contracts/pacts/htx-batch-cancel-htx-spot-api.json", import.meta.url).pathname;
const PACT_DIR = mkdtempSync(join(tmpdir(), "htx-pact-kit-"));
const BATCH_CANCEL = "/v1/order/orders/batchcancel";

/** The auth parameters a bot signs with, as its pact pins them (any key, any time). */
const SIGNED_QUERY = {
  AccessKeyId: regex("^[A-Za-z0-9-]{1,64}$", KEYS.accessKey),
  SignatureMethod: "HmacSHA256",
  SignatureVersion: "2",
  Timestamp: regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", "2026-11-26T12:00:00"),
  Signature: regex("^[A-Za-z0-9+/]{43}=$", "9yf9+1LJD8Bv0r1iDtdZJ9dDiW6LKmryEYi7+EtOEE4="),
};

/** A provider state's parameters: JSON. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type StateParams = { [key: string]: Json };

/** What a bot's call to HTX is in its consumer test: signed with its own key against the mock server. */
async function botCall(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = await signUrl({ method, url: `${baseUrl}${path}`, ...KEYS, timestamp: Date.now() });
  const init = body === undefined ? { method } : {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  return (await fetch(url, init)).json();
}

/**
 * Records a one-interaction pact for `consumer` and returns its file: `given` names the provider
 * states, `request` is the bot's call, `answer` what the bot expects back.
 */
async function recordPact(consumer: string, interaction: {
  given: [string, StateParams][];
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  answer: unknown;
}): Promise<string> {
  const pact = new PactV4({ consumer, provider: PROVIDER, dir: PACT_DIR, logLevel: "error" });
  let builder = pact.addInteraction();
  for (const [state, params] of interaction.given) builder = builder.given(state, params);
  const search = new URLSearchParams(interaction.query).toString();
  await builder
    .uponReceiving(`${consumer}: ${interaction.method} ${interaction.path}`)
    .withRequest(interaction.method, interaction.path, (request) => {
      request.query({ ...interaction.query, ...SIGNED_QUERY });
      if (interaction.body !== undefined) {
        request.headers({ "Content-Type": "application/json" }).jsonBody(interaction.body);
      }
    })
    .willRespondWith(200, (response) => response.jsonBody(interaction.answer))
    .executeTest(recorded(async (server) => {
      try {
        const path = `${interaction.path}${search ? `?${search}` : ""}`;
        return await botCall(server.url, interaction.method, path, interaction.body);
      } catch (error) {
        // Pact reports a call that failed as "expected but not received" and drops why: say it here.
        console.error(`${consumer}: the bot's call to the mock server failed:`, error);
        throw error;
      }
    }));
  return join(PACT_DIR, `${consumer}-${PROVIDER}.json`);
}

/** A bot's cancel of order 5001, which is in `state`. */
function cancelOf5001(state: string) {
  return {
    given: [[HTX_PROVIDER_STATES.orders, { orders: [{ orderId: "5001", state }] }]] as [string, StateParams][],
    method: "POST" as const,
    path: BATCH_CANCEL,
    body: { "order-ids": ["5001"] },
  };
}

function failedEntry(orderState: unknown) {
  return {
    "order-id": regex("^[0-9]+$", "5001"),
    "err-code": "order-orderstate-error",
    "err-msg": string("Incorrect order state"),
    "order-state": orderState,
  };
}

/** A line written straight to fd 1, in order with the Pact core's own report. */
function banner(text: string): void {
  writeSync(1, `\n──── expected Pact failure (negative contract test), ${text} ────\n`);
}

/** Runs `verify`, which must fail, between banners that say so. */
async function expectedFailure<T>(what: string, verify: () => Promise<T>): Promise<unknown> {
  banner(`begin: ${what}; the pact failures below are intended`);
  try {
    await verify();
  } catch (error) {
    return error;
  } finally {
    banner(`end: ${what}, failed verification as this test requires`);
  }
  throw new Error(`verification passed, but it must fail: ${what}`);
}

describe("verifyWithHtxSimulator: a consumer's pact against the simulator", () => {
  it("verifies this module's committed pact: batch cancels (an Ed25519 key among them) and listings", async () => {
    // The two states of ours the kit does not know (an Ed25519 key's orders, HTX requiring a
    // symbol to list), added as a user adds theirs: contracts/states.ts.
    const verified = verifyWithHtxSimulator({
      provider: PROVIDER,
      pactUrls: [OUR_PACT],
      stateHandlers: CONTRACT_STATE_HANDLERS,
    });
    await expect(verified).resolves.toBeTypeOf("string");
  });

  it("keeps and re-signs a GET's business parameters, and combines two states on one interaction", async () => {
    const file = await recordPact("listing-bot", {
      given: [
        [HTX_PROVIDER_STATES.spotAccount, { accountId: "42" }],
        [HTX_PROVIDER_STATES.openOrders, {
          orders: [
            { orderId: "9007199254740993", state: "submitted", symbol: "ethusdt", clientOrderId: "grid-1" },
            { orderId: "9007199254740994", state: "submitted", symbol: "btcusdt" },
          ],
        }],
      ],
      method: "GET",
      path: "/v1/order/openOrders",
      query: { "account-id": "42", symbol: "ethusdt" },
      // One order: were `symbol` dropped or unsigned, the btcusdt order (or a signature error) would come back.
      answer: {
        status: "ok",
        data: [{ id: integer(9007199254740), "account-id": 42, symbol: "ethusdt", "client-order-id": "grid-1" }],
      },
    });
    await expect(verifyWithHtxSimulator({ provider: PROVIDER, pactUrls: [file] })).resolves.toBeTypeOf("string");
  });

  it("fails on an unknown provider state, with a message that lists the known ones", async () => {
    const file = await recordPact("bot-with-an-unknown-state", {
      ...cancelOf5001("canceled"),
      given: [["order 5001 was canceled", {}]],
      answer: { status: "ok", data: { success: [], failed: [failedEntry(integer(7))] } },
    });
    const error = await expectedFailure(
      "a pact naming a provider state the kit does not know",
      () => verifyWithHtxSimulator({ provider: PROVIDER, pactUrls: [file] }),
    );
    expect(error).toBeInstanceOf(HtxProviderStateError);
    // Pact retries a failed state call; the failure is reported once.
    expect((error as HtxProviderStateError).failures).toHaveLength(1);
    const message = (error as Error).message;
    expect(message).toContain('Unknown provider state "order 5001 was canceled"');
    for (const known of Object.values(HTX_PROVIDER_STATES)) expect(message).toContain(`"${known}"`);
  });

  it("fails on state parameters it cannot use, naming the parameter", async () => {
    const file = await recordPact("bot-with-bad-state-params", {
      ...cancelOf5001("cancelled"),
      answer: { status: "ok", data: { success: [], failed: [failedEntry(integer(7))] } },
    });
    const error = await expectedFailure(
      "a pact whose provider state names an order state HTX does not have",
      () => verifyWithHtxSimulator({ provider: PROVIDER, pactUrls: [file] }),
    );
    expect(error).toBeInstanceOf(HtxProviderStateError);
    expect((error as Error).message).toMatch(
      /"these orders exist for the account" could not be set up: .*state must be one of/,
    );
  });

  it.each([
    [
      "expects order-state as a string",
      "canceled",
      {
        status: "ok",
        data: { success: [], failed: [failedEntry(string("7"))] },
      },
      "$.data.failed[0]['order-state']",
      "Expected 7 (Integer) to be the same type as '7' (String)",
    ],
    [
      "expects success entries as numbers",
      "submitted",
      {
        status: "ok",
        data: { success: [integer(5001)], failed: [] },
      },
      "$.data.success[0]",
      "Expected '5001' (String) to be an integer",
    ],
  ])("fails verification on the JSON path when the consumer %s", async (what, orderState, answer, path, mismatch) => {
    const consumer = `bot-that-${what.replaceAll(" ", "-")}`;
    const file = await recordPact(consumer, { ...cancelOf5001(orderState), answer });
    const error = await expectedFailure(
      `a consumer that ${what}, which HTX does not answer`,
      () => verifyWithHtxSimulator({ provider: PROVIDER, pactUrls: [file] }),
    );
    expect(error).not.toBeInstanceOf(HtxProviderStateError);
    // Pact rejects with its report as JSON: exactly one mismatch, on that path.
    const report = JSON.parse((error as Error).message);
    expect(report.errors.flatMap((e: { mismatch: { mismatches: unknown[] } }) => e.mismatch.mismatches)).toEqual([
      expect.objectContaining({ type: "BodyMismatch", path, mismatch }),
    ]);
  });
});
