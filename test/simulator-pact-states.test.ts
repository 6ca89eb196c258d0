/**
 * The Pact kit's provider state for cancels by criteria and several accounts (issue 24): "open
 * orders exist in this account" adds an account of the UID and its orders; named twice, two
 * accounts. Driven as Pact's proxy drives it (a POST to `/_pactSetup` through the filter).
 */
import { describe, expect, it } from "vitest";
import { createHtxPactProvider, HTX_PROVIDER_STATES, type HtxPactProvider } from "../src/testing/pact.ts";
import { given } from "./pact-proxy.ts";
import { ACCOUNTS, answer, BATCH_CANCEL_OPEN_ORDERS, signed } from "./simulator-requests.ts";

const STATE = HTX_PROVIDER_STATES.accountOrders;

/** Sets up a state as Pact's proxy does; the status the filter answers. */
const setUp = async (provider: HtxPactProvider, params: unknown, state: string = STATE) =>
  (await given(provider, state, params)).status;

describe(`the Pact kit's state "${STATE}"`, () => {
  it("sets up two spot accounts, a locked one first, each with its own orders", async () => {
    const provider = createHtxPactProvider();
    expect(await setUp(provider, { accountId: "7", state: "lock" })).toBe(200);
    expect(await setUp(provider, { accountId: "9007199254740993", orders: [{ orderId: "5", state: "submitted" }] }))
      .toBe(200);
    const sim = provider.simulator;
    const accounts = await answer(sim, signed({ method: "GET", path: ACCOUNTS }));
    expect(accounts.text).toBe(
      '{"status":"ok","data":[{"id":7,"type":"spot","subtype":"","state":"lock"},' +
        '{"id":9007199254740993,"type":"spot","subtype":"","state":"working"}]}',
    );
    expect(sim.getOrder(1, "5")?.accountId).toBe("9007199254740993");
  });

  it("gives a cancel by criteria of that account the orders to cancel", async () => {
    const provider = createHtxPactProvider();
    await setUp(provider, { accountId: "10000001", orders: [{ orderId: "5", state: "submitted" }] });
    const swept = await answer(
      provider.simulator,
      signed({ path: BATCH_CANCEL_OPEN_ORDERS, body: { "account-id": "10000001", size: 100 } }),
    );
    expect(swept.body).toEqual({ status: "ok", data: { "success-count": 1, "failed-count": 0, "next-id": -1 } });
  });

  it("is refused like every signed endpoint when the rate limit is used up", async () => {
    const provider = createHtxPactProvider();
    await setUp(provider, { accountId: "10000001", orders: [{ orderId: "5", state: "submitted" }] });
    await setUp(provider, {}, HTX_PROVIDER_STATES.rateLimited);
    const swept = await answer(provider.simulator, signed({ path: BATCH_CANCEL_OPEN_ORDERS, body: { size: 100 } }));
    expect(swept.body["err-code"]).toBe("base-request-exceed-frequency-limit");
    expect(provider.simulator.getOrder(1, "5")?.state).toBe("submitted");
  });

  it.each([
    ["no account id", {}, /params\.accountId must be a string of digits/],
    ["an account id as a number", { accountId: 7 }, /params\.accountId must be a string of digits/],
    ["a state HTX does not use", { accountId: "7", state: "frozen" }, /params\.state must be "working" or "lock"/],
    ["an account type that is not a name", { accountId: "7", type: 1 }, /params\.type must be/],
  ])("fails its interaction on %s, saying why", async (_, params, message) => {
    const provider = createHtxPactProvider();
    expect(await setUp(provider, params)).toBe(500);
    expect(provider.stateFailures).toEqual([expect.stringMatching(message)]);
  });
});
