/**
 * Consumer test: the bot's real code against Pact's mock server, one interaction per answer
 * the bot handles. It writes pacts/htx-grid-bot-htx-spot-api.json, which the CI step
 * (verify-pact.test.ts) verifies against the HTX simulator. The provider states are the kit's
 * (HTX_PROVIDER_STATES), so the simulator can set them up.
 */
import { rmSync } from "node:fs";
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { HtxClient } from "htx-batch-cancel";
import { HTX_PROVIDER_STATES } from "htx-batch-cancel/pact";
import { beforeAll, describe, expect, it } from "vitest";
import { cancelGrid, type GridCancelReport } from "../src/cancel-grid.ts";

const { integer, regex, string } = MatchersV3;
const PACTS = new URL("../pacts/", import.meta.url).pathname;
const pact = new PactV4({ consumer: "htx-grid-bot", provider: "htx-spot-api", dir: PACTS, logLevel: "warn" });

/** The bot's key in this test; the pact pins only the shape of the auth parameters. */
const TEST_KEY = { accessKey: "grid-bot-test-key", secretKey: "grid-bot-test-secret" };
const SIGNED = {
  AccessKeyId: regex("^[A-Za-z0-9-]{1,64}$", TEST_KEY.accessKey),
  SignatureMethod: "HmacSHA256",
  SignatureVersion: "2",
  Timestamp: regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", "2026-11-30T12:00:00"),
  Signature: regex("^[A-Za-z0-9+/]{43}=$", "9yf9+1LJD8Bv0r1iDtdZJ9dDiW6LKmryEYi7+EtOEE4="),
};

/** A provider state's parameters: JSON. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface Case {
  description: string;
  given: [string, { [key: string]: Json }];
  clientOrderIds: string[];
  answer: unknown;
  report: GridCancelReport;
}

const CASES: Case[] = [
  {
    description: "a cancel of the grid, one order of which filled meanwhile",
    given: [HTX_PROVIDER_STATES.orders, {
      orders: [
        { orderId: "1001", clientOrderId: "grid-1", state: "submitted" },
        { orderId: "1002", clientOrderId: "grid-2", state: "filled" },
      ],
    }],
    clientOrderIds: ["grid-1", "grid-2"],
    answer: {
      status: "ok",
      data: {
        success: ["grid-1"],
        failed: [{
          "order-id": "",
          "client-order-id": "grid-2",
          "err-code": "order-orderstate-error",
          "err-msg": string("Incorrect order state"),
          "order-state": integer(6),
        }],
      },
    },
    report: { submitted: ["grid-1"], alreadyClosed: [{ clientOrderId: "grid-2", state: "filled" }], checkAgain: [] },
  },
  {
    description: "a cancel of a client id HTX no longer knows",
    given: [HTX_PROVIDER_STATES.orders, { orders: [] }],
    clientOrderIds: ["grid-9"],
    answer: {
      status: "ok",
      data: {
        success: [],
        failed: [{ "order-id": "", "client-order-id": "grid-9", "err-code": "base-not-found", "err-msg": string() }],
      },
    },
    report: { submitted: [], alreadyClosed: [], checkAgain: ["grid-9"] },
  },
  {
    description: "a cancel beyond the rate limit",
    given: [HTX_PROVIDER_STATES.rateLimited, {}],
    clientOrderIds: ["grid-1"],
    answer: { status: "error", "err-code": "base-request-exceed-frequency-limit", "err-msg": string(), data: null },
    report: { submitted: [], alreadyClosed: [], checkAgain: ["grid-1"] },
  },
];

describe("the grid bot's cancels, as HTX must answer them", () => {
  beforeAll(() => rmSync(PACTS, { recursive: true, force: true }));

  it.each(CASES.map((c) => [c.description, c] as const))("%s", async (_, c) => {
    await pact
      .addInteraction()
      .given(...c.given)
      .uponReceiving(c.description)
      .withRequest("POST", "/v1/order/orders/batchcancel", (request) =>
        request
          .query(SIGNED)
          .headers({ "Content-Type": "application/json" })
          .jsonBody({ "client-order-ids": c.clientOrderIds }))
      .willRespondWith(200, (response) => response.jsonBody(c.answer))
      .executeTest(async (server) => {
        const htx = new HtxClient({ ...TEST_KEY, baseUrl: server.url, retry: 0 });
        expect(await cancelGrid(htx, c.clientOrderIds)).toEqual(c.report);
        // A moment for Pact's mock server to record the match before Pact reads it: under load it
        // can answer first (pact-foundation/pact-js#1835; fixed in pact-core 20.1, for Node 22+).
        await new Promise((resolve) => setTimeout(resolve, 50));
      });
  });
});
