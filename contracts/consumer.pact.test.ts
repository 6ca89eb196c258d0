/**
 * Consumer side: the real HtxClient against the Pact mock server on 127.0.0.1, one interaction
 * per answer shape: `batchCancel` for the batch cancels, `listOpenOrders` (the kill switch's
 * listing, without its cancels) for the account lookup and the open-order listings, and the
 * kill switch's sweep request (`POST /v1/order/orders/batchCancelOpenOrders`, signed by the
 * client's `signUrl`, its body as the sweep builds it) for the cancels by criteria. The
 * generated pact must equal the committed one in contracts/pacts/ (`npm run pact:update`
 * rewrites it after a deliberate change).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PactV4 } from "@pact-foundation/pact";
import { beforeAll, describe, expect, it } from "vitest";
import { type BatchCancelResult, HtxApiError, HtxClient, type HtxError, signUrl } from "../mod.ts";
import { TEST_KEY } from "../test/fixtures-ed25519/vectors.ts";
import { KEYS } from "../test/helpers.ts";
import { recorded } from "../test/pact-mock-server.ts";
import {
  ACCOUNTS_LOOKUP,
  answerMatchers,
  BATCH_CANCEL_OPEN_ORDERS_PATH,
  BATCH_CANCEL_PATH,
  CANCEL_ALL_AFTER_PATH,
  CONSUMER,
  type ContractInteraction,
  INTERACTIONS,
  jsonContentType,
  type ListingInteraction,
  ONE_SIDE_LISTING,
  ONE_SIDE_NEXT_PAGE,
  ONE_SYMBOL_LISTING,
  ONE_SYMBOL_NEXT_PAGE,
  PACT_FILE,
  pactJson,
  PROVIDER,
  SIGNED_QUERY,
  SIGNED_QUERY_ED25519,
  SPOT_ACCOUNT_ID,
  SWEEP,
  SWEEP_UNKNOWN_ACCOUNT,
  type SweepInteraction,
  SWITCH_INTERACTIONS,
  type SwitchInteraction,
  SYMBOL_REQUIRED_LISTING,
} from "./interactions.ts";

const COMMITTED_DIR = new URL("./pacts/", import.meta.url).pathname;
const UPDATE = process.env.UPDATE_PACT === "1";
const OUT_DIR = UPDATE ? COMMITTED_DIR : mkdtempSync(join(tmpdir(), "htx-pact-"));

const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: OUT_DIR, logLevel: "warn" });

/** What the client must make of each answer. */
const EXPECTED: Record<string, (result: BatchCancelResult) => void> = {
  "all-submitted": (r) =>
    expect(r).toEqual({ success: ["357631450723117", "357631450723118"], failed: [], unresolved: [] }),
  "partial-failure": (r) => {
    expect(r.success).toEqual(["12345"]);
    expect(r.failed).toEqual([
      expect.objectContaining({ orderId: "357631450723117", orderState: 7, state: "canceled" }),
    ]);
  },
  "client-ids-failed": (r) => {
    expect(r.success).toEqual(["grid-1"]);
    expect(r.failed.map((f) => [f.orderId, f.clientOrderId, f.state ?? f.errCode])).toEqual([
      [undefined, "grid-2", "filled"],
      [undefined, "grid-3", "base-not-found"],
    ]);
  },
  "unknown-ids": (r) =>
    expect(r.failed.map((f) => [f.orderId, f.errCode, f.state])).toEqual([["1", "base-not-found", undefined], [
      "2",
      "base-not-found",
      undefined,
    ]]),
  "error-bad-signature": (r) => {
    expect(r.unresolved.map((u) => u.id)).toEqual(["12345"]);
    expect(r.unresolved[0]!.error).toBeInstanceOf(HtxApiError);
    expect(r.unresolved[0]!.error).toMatchObject({ errCode: "api-signature-not-valid", retryable: false });
  },
  "error-rate-limited": (r) => {
    expect(r.unresolved[0]!.error).toMatchObject({ errCode: "base-request-exceed-frequency-limit", retryable: true });
  },
};

/** The client's credentials for an interaction: the HMAC test key, or the Ed25519 test key. */
function credentialsFor(contract: ContractInteraction) {
  return contract.signatureMethod === "Ed25519"
    ? { accessKey: KEYS.accessKey, privateKey: TEST_KEY.pem }
    : { accessKey: KEYS.accessKey, secretKey: KEYS.secretKey };
}

/** The pact without what changes between Pact versions. */
function normalized(file: string): unknown {
  const json = JSON.parse(readFileSync(file, "utf8"));
  delete json.metadata?.pactJs;
  delete json.metadata?.pactRust;
  json.interactions.sort((a: { description: string }, b: { description: string }) =>
    a.description.localeCompare(b.description)
  );
  return json;
}

describe("the batch-cancel contract, as the client uses it", () => {
  beforeAll(() => {
    if (UPDATE) rmSync(join(COMMITTED_DIR, PACT_FILE), { force: true });
  });

  it.each(INTERACTIONS.map((i) => [i.description, i] as const))("%s", async (_, contract) => {
    const { fixture, state, input } = contract;
    // Fixture orders are plain JSON (read from test/fixtures), as a provider state's parameters must be.
    const orders = JSON.parse(JSON.stringify(fixture.replay.orders ?? [])) as { [key: string]: string }[];
    await pact
      .addInteraction()
      .given(state, { orders })
      .uponReceiving(contract.description)
      .withRequest(
        "POST",
        BATCH_CANCEL_PATH,
        (request) =>
          request.query(contract.signatureMethod === "Ed25519" ? SIGNED_QUERY_ED25519 : SIGNED_QUERY).headers({
            "Content-Type": "application/json",
          }).jsonBody(fixture.request.body),
      )
      .willRespondWith(fixture.response.status, (response) =>
        response
          .headers({ "Content-Type": jsonContentType(fixture.response.headers["Content-Type"]!) })
          .jsonBody(pactJson(answerMatchers(fixture.response.body))))
      .executeTest(recorded(async (server) => {
        const htx = new HtxClient({ ...credentialsFor(contract), baseUrl: server.url, retry: 0 });
        EXPECTED[fixture.name]!(await htx.batchCancel(input));
      }));
  });
});

/**
 * Adds a listing GET to the pact: its states, its query (business parameters exactly, signed ones
 * by pattern; no body, no Content-Type) and its answer. The mock server of the next
 * `executeTest` serves every interaction added since the last one.
 */
function addListing(contract: ListingInteraction) {
  let interaction = pact.addInteraction();
  for (const [state, params] of contract.given) interaction = interaction.given(state, params);
  return interaction
    .uponReceiving(contract.description)
    .withRequest("GET", contract.path, (request) => request.query({ ...contract.query, ...SIGNED_QUERY }))
    .willRespondWith(
      contract.status,
      (response) =>
        response.headers({ "Content-Type": jsonContentType(contract.contentType) }).jsonBody(contract.answer),
    );
}

/** A client of the HMAC test key against the mock server, without retries (each request once). */
function clientOf(server: { url: string }): HtxClient {
  return new HtxClient({ accessKey: KEYS.accessKey, secretKey: KEYS.secretKey, baseUrl: server.url, retry: 0 });
}

describe("the listing contract, as the kill switch uses it", () => {
  it("looks up the spot account, then lists the open orders of each symbol given", async () => {
    addListing(ACCOUNTS_LOOKUP);
    addListing(ONE_SYMBOL_LISTING);
    await addListing(ONE_SYMBOL_NEXT_PAGE).executeTest(recorded(async (server) => {
      const { accountId, orders } = await clientOf(server).listOpenOrders({ symbols: ["btcusdt"] });
      expect(accountId).toBe(SPOT_ACCOUNT_ID);
      expect(orders.map((o) => [o.id, o.symbol, o.type, o.clientOrderId, o.price, o.amount])).toEqual([
        ["357632718898332", "btcusdt", "sell-limit", "grid-7", "61000.1", "0.5"],
        ["357632718898331", "btcusdt", "buy-limit", undefined, "60000", "1"],
      ]);
    }));
  });

  it("lists one side of every symbol, an id above 2^53 kept to the last digit", async () => {
    addListing(ONE_SIDE_LISTING);
    await addListing(ONE_SIDE_NEXT_PAGE).executeTest(recorded(async (server) => {
      const { orders } = await clientOf(server).listOpenOrders({ accountId: SPOT_ACCOUNT_ID, side: "sell" });
      expect(orders.map((o) => [o.id, o.symbol, o.type])).toEqual([["9007199254740993", "ethusdt", "sell-limit"]]);
    }));
  });

  it("tells the caller to pass symbols when HTX requires a symbol to list", async () => {
    await addListing(SYMBOL_REQUIRED_LISTING).executeTest(recorded(async (server) => {
      const error = await clientOf(server).listOpenOrders({ accountId: SPOT_ACCOUNT_ID }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HtxApiError);
      expect(error).toMatchObject({ errCode: "validation-constraints-required", retryable: false });
      expect((error as HtxError).message).toMatch(/pass the symbols to cancel/);
    }));
  });
});

/** What the client must make of each answer of the dead man's switch. */
const SWITCH_EXPECTED: Record<string, (htx: HtxClient, timeoutSeconds: number) => Promise<void>> = {
  "cancel-all-after-armed": async (htx, timeout) => {
    const { currentTime, triggerTime } = await htx.cancelAllAfter(timeout);
    expect(triggerTime - currentTime).toBe(60_000);
  },
  "cancel-all-after-disarmed": async (htx, timeout) => {
    expect((await htx.cancelAllAfter(timeout)).triggerTime).toBe(0);
  },
  "cancel-all-after-refused-timeout": async (htx, timeout) => {
    const error = await htx.cancelAllAfter(timeout).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxApiError);
    expect(error).toMatchObject({ errCode: "2002", errMsg: "invalid field value", retryable: false });
  },
};

describe("the dead man's switch contract, as the client uses it", () => {
  it.each(SWITCH_INTERACTIONS.map((i) => [i.description, i] as const))("%s", async (_, contract: SwitchInteraction) => {
    let interaction = pact.addInteraction();
    for (const [state, params] of contract.given) interaction = interaction.given(state, params);
    const { fixture } = contract;
    await interaction
      .uponReceiving(contract.description)
      .withRequest(
        "POST",
        CANCEL_ALL_AFTER_PATH,
        (request) =>
          request.query(SIGNED_QUERY).headers({ "Content-Type": "application/json" }).jsonBody(fixture.request.body),
      )
      .willRespondWith(fixture.response.status, (response) =>
        response
          .headers({ "Content-Type": jsonContentType(fixture.response.headers["Content-Type"]!) })
          .jsonBody(contract.answer))
      .executeTest(recorded(async (server) => {
        await SWITCH_EXPECTED[fixture.name]!(clientOf(server), contract.timeoutSeconds);
      }));
  });
});

/**
 * The sweep's request, built as the kill switch builds it: a POST signed with the client's own
 * `signUrl` (the five auth parameters in the query, nothing else), the criteria as a JSON body.
 */
async function sendSweep(server: { url: string }, body: SweepInteraction["body"]): Promise<Response> {
  const url = await signUrl({
    method: "POST",
    url: `${server.url}${BATCH_CANCEL_OPEN_ORDERS_PATH}`,
    accessKey: KEYS.accessKey,
    secretKey: KEYS.secretKey,
    timestamp: Date.now(),
  });
  return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

describe("the cancel-by-criteria contract, as the kill switch's sweep sends it", () => {
  it.each([SWEEP, SWEEP_UNKNOWN_ACCOUNT].map((i) => [i.description, i] as const))("%s", async (_, contract) => {
    let interaction = pact.addInteraction();
    for (const [state, params] of contract.given) interaction = interaction.given(state, params);
    await interaction
      .uponReceiving(contract.description)
      .withRequest(
        "POST",
        BATCH_CANCEL_OPEN_ORDERS_PATH,
        (request) =>
          request.query(SIGNED_QUERY).headers({ "Content-Type": "application/json" }).jsonBody(contract.body),
      )
      .willRespondWith(
        contract.status,
        (response) =>
          response.headers({ "Content-Type": jsonContentType(contract.contentType) }).jsonBody(contract.answer),
      )
      .executeTest(recorded(async (server) => {
        const answer = await sendSweep(server, contract.body);
        expect(answer.status).toBe(contract.status);
        expect(await answer.json()).toEqual(contract.recorded);
      }));
  });
});

describe("the pact file", () => {
  const generated = join(OUT_DIR, PACT_FILE);
  const committed = join(COMMITTED_DIR, PACT_FILE);

  it("is exactly the committed pact, so a change of a request cannot slip by", () => {
    expect(normalized(generated)).toEqual(normalized(committed));
  });

  it("holds the id above 2^53 as the JSON number written, which JSON.parse would round", () => {
    for (const file of [generated, committed]) {
      expect(readFileSync(file, "utf8"), file).toMatch(/"id": ?9007199254740993[,\s}]/);
    }
  });
});
