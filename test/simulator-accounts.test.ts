/**
 * Several spot accounts per UID (issue 24; the accounts route lists them as given, see
 * simulator-listing.test.ts): each account's open orders are its own, an order placed without
 * an account goes where HTX would take it, and an order set up in an account its UID lacks is
 * refused.
 */
import { describe, expect, it } from "vitest";
import { HtxInputError } from "../mod.ts";
import { createHtxSimulator, type SimulatedUserAccount } from "../src/testing/mod.ts";
import { answer, BATCH_CANCEL_OPEN_ORDERS, order, signed } from "./simulator-requests.ts";

const T0 = 1_700_000_000_000;
const LOCKED_FIRST: SimulatedUserAccount[] = [
  { uid: 1, id: "101", type: "spot", state: "lock" },
  { uid: 1, id: "102", type: "margin", state: "working" },
  { uid: 1, id: "103", type: "spot", state: "working" },
  { uid: 1, id: "104", type: "spot", state: "working" },
];

const simOf = () =>
  createHtxSimulator({
    now: () => T0,
    userAccounts: LOCKED_FIRST,
    orders: [
      order("1", "submitted", { accountId: "103" }),
      order("2", "submitted", { accountId: "104" }),
      order("3", "submitted", { accountId: "104" }),
      order("4", "submitted"),
    ],
  });

const get = (sim: ReturnType<typeof simOf>, path: string | undefined, query: Record<string, string> = {}) =>
  answer(sim, signed({ method: "GET", path, query, timestamp: T0 }));
const ids = (body: Record<string, any>) => (body.data as { id: number }[]).map((o) => String(o.id));

describe("simulator: several spot accounts of one UID", () => {
  it("lists each account's open orders by its account-id, and all of them without one", async () => {
    const sim = simOf();
    expect(ids((await get(sim, undefined, { "account-id": "104" })).body)).toEqual(["3", "2"]);
    expect(ids((await get(sim, undefined, { "account-id": "103" })).body)).toEqual(["4", "1"]);
    expect(ids((await get(sim, undefined, { "account-id": "101" })).body)).toEqual([]);
    expect(ids((await get(sim, undefined)).body)).toEqual(["4", "3", "2", "1"]);
  });

  it("puts an order placed without an account in the first working spot account, not a locked one", () => {
    expect(simOf().getOrder(1, "4")?.accountId).toBe("103");
  });

  it("cancels by criteria in the account named, leaving the other spot account's orders open", async () => {
    const sim = simOf();
    const swept = await answer(
      sim,
      signed({ path: BATCH_CANCEL_OPEN_ORDERS, body: { "account-id": "104" }, timestamp: T0 }),
    );
    expect(swept.body.data).toEqual({ "success-count": 2, "failed-count": 0, "next-id": -1 });
    expect(["1", "2", "3", "4"].map((id) => sim.getOrder(1, id)?.state)).toEqual([
      "submitted",
      "cancelling",
      "cancelling",
      "submitted",
    ]);
  });

  it("refuses an order set up in an account its UID does not have, naming the UID's accounts", () => {
    const setUp = () =>
      createHtxSimulator({ userAccounts: LOCKED_FIRST, orders: [order("1", "submitted", { accountId: "999" })] });
    expect(setUp).toThrow(HtxInputError);
    expect(setUp).toThrow(/orders\[0\]\.accountId 999 is not an account of UID 1 \(its accounts: 101, 102, 103, 104\)/);
  });
});
