/**
 * Consumer side: the real HtxClient against the Pact mock server on 127.0.0.1, one interaction
 * per answer shape. The generated pact must equal the committed one in contracts/pacts/
 * (`npm run pact:update` rewrites it after a deliberate change).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { beforeAll, describe, expect, it } from "vitest";
import { type BatchCancelResult, HtxApiError, HtxClient } from "../mod.ts";
import { TEST_KEY } from "../test/fixtures-ed25519/vectors.ts";
import { KEYS } from "../test/helpers.ts";
import {
  answerMatchers,
  CONSUMER,
  type ContractInteraction,
  INTERACTIONS,
  PACT_FILE,
  PATH,
  PROVIDER,
  SIGNED_QUERY,
  SIGNED_QUERY_ED25519,
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
        PATH,
        (request) =>
          request.query(contract.signatureMethod === "Ed25519" ? SIGNED_QUERY_ED25519 : SIGNED_QUERY).headers({
            "Content-Type": "application/json",
          }).jsonBody(fixture.request.body),
      )
      .willRespondWith(fixture.response.status, (response) =>
        response
          .headers({
            "Content-Type": MatchersV3.regex(
              "^application/json(; ?charset=(utf|UTF)-8)?$",
              fixture.response.headers["Content-Type"]!,
            ),
          })
          .jsonBody(answerMatchers(fixture.response.body)))
      .executeTest(async (server) => {
        const htx = new HtxClient({ ...credentialsFor(contract), baseUrl: server.url, retry: 0 });
        EXPECTED[fixture.name]!(await htx.batchCancel(input));
      });
  });

  it("generates exactly the committed pact, so a change of the request cannot slip by", () => {
    expect(normalized(join(OUT_DIR, PACT_FILE))).toEqual(normalized(join(COMMITTED_DIR, PACT_FILE)));
  });
});
