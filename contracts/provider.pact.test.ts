/**
 * Provider side: the committed pact replayed against the simulator served on loopback. State
 * handlers set up the orders (or the wrong secret, a spent rate limit, an Ed25519 key); a
 * request filter re-signs every request for the simulator's host, account, key and clock, since
 * the recorded signature is for another host and time.
 */
import { Verifier } from "@pact-foundation/pact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, signUrl } from "../mod.ts";
import { TEST_KEY } from "../test/fixtures-ed25519/vectors.ts";
import { type ServedHandler, serveHandler } from "../src/testing/node-server.ts";
import { writeSync } from "node:fs";
import {
  createHtxSimulator,
  DEMO_ACCOUNT,
  type HtxSimulator,
  type SimulatedOrder,
  type SimulatedUserAccount,
} from "../src/testing/mod.ts";
import { PACT_FILE, PROVIDER, STATES } from "./interactions.ts";

const PACT = new URL(`./pacts/${PACT_FILE}`, import.meta.url).pathname;

/** The simulator behind the server, replaced by each provider state. */
let simulator: HtxSimulator = createHtxSimulator();
/** What the request filter signs with: the demo secret, a wrong one, or the Ed25519 test key. */
let credentials: Credentials = DEMO_ACCOUNT;
/** The Ed25519 API key of that state: the simulator holds only its public half, as HTX does. */
const ED25519_ACCOUNT = { uid: DEMO_ACCOUNT.uid, accessKey: "demo-ed25519-access-key", publicKey: TEST_KEY.publicPem };
/** Turns the simulator's answers into a drifting provider, for the negative test. */
let drift: ((body: Record<string, unknown>) => void) | undefined;
let served: ServedHandler;

async function handle(request: Request): Promise<Response> {
  const response = await simulator.fetch(request);
  if (!drift || !response.headers.get("content-type")?.startsWith("application/json")) return response;
  const body = await response.json();
  drift(body);
  return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
}

const stateHandlers = {
  [STATES.orders]: async (params?: unknown) => {
    const { orders } = params as { orders: Omit<SimulatedOrder, "uid">[] };
    simulator = createHtxSimulator({ orders: orders.map((o) => ({ uid: DEMO_ACCOUNT.uid, ...o })) });
    credentials = DEMO_ACCOUNT;
    return undefined;
  },
  [STATES.wrongSecret]: async () => {
    simulator = createHtxSimulator();
    credentials = { accessKey: DEMO_ACCOUNT.accessKey, secretKey: "a-secret-htx-does-not-know" };
    return undefined;
  },
  [STATES.rateLimited]: async () => {
    simulator = createHtxSimulator({ rateLimit: { limit: 0 } });
    credentials = DEMO_ACCOUNT;
    return undefined;
  },
  [STATES.ed25519]: async (params?: unknown) => {
    const { orders } = params as { orders: Omit<SimulatedOrder, "uid">[] };
    const owned = orders.map((o) => ({ uid: ED25519_ACCOUNT.uid, ...o }));
    simulator = createHtxSimulator({ accounts: [ED25519_ACCOUNT], orders: owned });
    credentials = { accessKey: ED25519_ACCOUNT.accessKey, privateKey: TEST_KEY.pem };
    return undefined;
  },
  [STATES.openOrders]: async (params?: unknown) => {
    const { orders = [] } = (params ?? {}) as { orders?: Omit<SimulatedOrder, "uid">[] };
    simulator = createHtxSimulator({ orders: orders.map((o) => ({ uid: DEMO_ACCOUNT.uid, ...o })) });
    credentials = DEMO_ACCOUNT;
    return undefined;
  },
  [STATES.spotAccount]: async (params?: unknown) => {
    const { accountId = "10000001", state = "working" } = (params ?? {}) as Partial<SimulatedUserAccount> & {
      accountId?: string;
    };
    const userAccounts = [{ uid: DEMO_ACCOUNT.uid, id: accountId, type: "spot", state }];
    simulator = createHtxSimulator({ userAccounts });
    credentials = DEMO_ACCOUNT;
    return undefined;
  },
};

/** Re-signs the request for the simulator: its host (changeOrigin sends it as Host), the state's key, now. */
function resign(req: { method: string; url: string }, _res: unknown, next: (error?: unknown) => void): void {
  const path = req.url.split("?")[0]!;
  signUrl({
    method: req.method,
    url: `${served.url}${path}`,
    ...credentials,
    timestamp: Date.now(),
  })
    .then((signed) => {
      const url = new URL(signed);
      req.url = `${url.pathname}${url.search}`;
      next();
    }, next);
}

function verify(): Promise<unknown> {
  return new Verifier({
    provider: PROVIDER,
    providerBaseUrl: served.url,
    pactUrls: [PACT],
    stateHandlers,
    requestFilter: resign,
    changeOrigin: true,
    logLevel: "error",
  }).verifyProvider();
}

beforeAll(async () => {
  served = await serveHandler(handle);
});
afterAll(() => served.close());

describe("the simulator honours the committed contract", () => {
  it("passes provider verification of every interaction", async () => {
    await expect(verify()).resolves.toBeDefined();
  });

  it.each([
    ["answers order-state as a string", /\$\.data\.failed\[0\]\['order-state'\]/, (body: Record<string, any>) => {
      for (const failed of body.data?.failed ?? []) {
        if ("order-state" in failed) failed["order-state"] = String(failed["order-state"]);
      }
    }],
    ["drops the failed list", /\$\.data.*failed/, (body: Record<string, any>) => {
      if (body.data) delete body.data.failed;
    }],
    ["answers ids as numbers", /\$\.data\.success\[0\]/, (body: Record<string, any>) => {
      if (body.data) body.data.success = body.data.success.map(Number);
    }],
  ])("fails verification when the provider %s", async (what, mismatch, change) => {
    drift = change;
    // The Pact core prints its report straight to fd 1, past vitest: frame it so that a green
    // run's "Verification unsuccessful" / "There were N pact failures" reads as intended.
    expectedFailureBanner(`begin: a drifting provider that ${what}; the pact failures below are intended`);
    try {
      await expect(verify()).rejects.toThrow(mismatch);
    } finally {
      drift = undefined;
      expectedFailureBanner(`end: the provider that ${what} failed verification, as this test requires`);
    }
  });

  it("sets up the provider states the listing contract will use: open orders, a spot account", async () => {
    const open = { orderId: "9007199254740993", state: "submitted" as const, symbol: "ethusdt" };
    await stateHandlers[STATES.openOrders]({ orders: [open, { orderId: "2", state: "filled" as const }] });
    expect(simulator.openOrders(DEMO_ACCOUNT.uid).map((o) => [o.orderId, o.symbol])).toEqual([[
      open.orderId,
      "ethusdt",
    ]]);
    await stateHandlers[STATES.spotAccount]({ accountId: "42", state: "lock" });
    const url = await signUrl({
      method: "GET",
      url: `${served.url}/v1/account/accounts`,
      ...DEMO_ACCOUNT,
      timestamp: Date.now(),
    });
    expect(await (await simulator.fetch(url)).json()).toEqual({
      status: "ok",
      data: [{ id: 42, type: "spot", subtype: "", state: "lock" }],
    });
  });
});

/** A line written straight to fd 1, in order with the Pact core's own output. */
function expectedFailureBanner(text: string): void {
  writeSync(1, `\n──── expected Pact failure (negative contract test), ${text} ────\n`);
}
