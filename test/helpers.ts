/** Shared test helpers: fixtures, a recording fetch, test credentials and the leak scan. */
import { Buffer } from "node:buffer";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { inspect } from "node:util";
import { defaultHmac, type HmacBackend } from "../mod.ts";
import type { HtxFault, HtxSimulatorOptions, SimulatedOrder } from "../src/testing/mod.ts";

/** Credentials used by every test; the leak scan looks for both. */
export const KEYS = { accessKey: "test-AKID-7f3e9c1d", secretKey: "test-SECRET-b41c88e2a9" } as const;

/** A recorded request/answer pair (test/fixtures/*.json). */
export interface Fixture {
  name: string;
  source: string;
  request: {
    method: string;
    path: string;
    headers: Record<string, string>;
    /** The business query of a GET (signed parameters are never recorded). */
    query?: Record<string, string>;
    /** The JSON body of a POST; absent on a GET. */
    body?: unknown;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    /** A JSON answer. */
    body?: unknown;
    /** A raw answer (HTML, truncated JSON, empty). */
    text?: string;
  };
  /** How to make the simulator give this answer (test/simulator.test.ts replays it). */
  replay: {
    orders?: Omit<SimulatedOrder, "uid">[];
    sign?: "wrong-secret" | "stale";
    fault?: HtxFault;
    rateLimited?: boolean;
    simulator?: HtxSimulatorOptions;
    /** Why the simulator deliberately answers otherwise (HTX's docs differ from HTX). */
    drift?: string;
  };
}

const FIXTURES = new URL("./fixtures/", import.meta.url);

export function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8")) as Fixture;
}

export function allFixtures(): Fixture[] {
  return readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).map((f) => fixture(f.slice(0, -5)));
}

/** The fixture's answer as a fresh `Response`. */
export function fixtureResponse(fx: Fixture): Response {
  const body = fx.response.text ?? JSON.stringify(fx.response.body);
  return new Response(body, { status: fx.response.status, headers: fx.response.headers });
}

/** A JSON answer `{"status":"ok","data":{success,failed}}` for the ids of a request body. */
export function okAnswer(success: string[], failed: unknown[] = []): Response {
  return Response.json({ status: "ok", data: { success, failed } });
}

/** The ids a batch-cancel request carries. */
export async function idsOf(request: Request): Promise<string[]> {
  const body = (await request.clone().json()) as Record<string, string[]>;
  return body["order-ids"] ?? body["client-order-ids"] ?? [];
}

/** A fetch (called as `fetch(url, init)`) that records every request and answers through `answer`. */
export function recordingFetch(answer: (request: Request, n: number) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    const request = new Request(url, init);
    requests.push(request.clone());
    return answer(request, requests.length);
  };
  return { fetch, requests };
}

/** A fetch that submits every id it is sent. */
export function submitAllFetch() {
  return recordingFetch(async (request) => okAnswer(await idsOf(request)));
}

/**
 * An HMAC backend that signs as the default one, except that a signature `hangs` picks (by the
 * text signed and its count, from 1) never settles: an HSM that stops answering. `texts` holds
 * every text it was asked to sign.
 */
export function stuckHmac(hangs: (text: string, n: number) => boolean): HmacBackend & { texts: string[] } {
  const texts: string[] = [];
  return {
    name: "stuck",
    texts,
    keyed(secret) {
      const mac = defaultHmac.keyed(secret);
      return (text) => {
        texts.push(text);
        return hangs(text, texts.length) ? new Promise<Uint8Array>(() => {}) : mac(text);
      };
    },
  };
}

/**
 * `promise`'s value, or `"still pending"` if it has not settled `ms` after this call: a bound
 * that fails as an assertion, with what is known, rather than as the test's timeout.
 */
export function within<T>(ms: number, promise: Promise<T>): Promise<T | "still pending"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"still pending">((resolve) => (timer = setTimeout(() => resolve("still pending"), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Every text a value shows: JSON, inspection (hidden fields too), message, stack, cause chain. */
export function everyRendering(value: unknown): string {
  const parts: string[] = [];
  let current: unknown = value;
  for (let depth = 0; depth < 10 && current !== undefined; depth++) {
    parts.push(inspect(current, { showHidden: true, depth: 20, getters: true }));
    try {
      parts.push(JSON.stringify(current) ?? "");
    } catch {
      // Circular values have no JSON rendering to leak through.
    }
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? "", String(current));
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join("\n");
}

/**
 * Finds credentials or signatures in text; `signatures` are the raw values to look for too, and
 * `privateKeyPem` an Ed25519 private key (PEM PKCS#8) to look for in every form it may take.
 */
export function leaks(text: string, signatures: readonly string[] = [], privateKeyPem?: string): string[] {
  const found: string[] = [];
  const keyForms = privateKeyPem === undefined ? [] : privateKeyForms(privateKeyPem);
  for (const secret of [KEYS.accessKey, KEYS.secretKey, ...signatures, ...keyForms]) {
    if (secret && text.includes(secret)) found.push(secret);
  }
  if (/Signature=(?!\[REDACTED\])[^&\s"']+/.test(text)) found.push("Signature=…");
  if (/AccessKeyId=(?!\[REDACTED\])[^&\s"']+/.test(text)) found.push("AccessKeyId=…");
  return found;
}

/**
 * The texts an Ed25519 private key (PEM PKCS#8) can show as: the PEM body whole and by line,
 * its DER and its 32-byte seed as base64, base64url and hex.
 */
export function privateKeyForms(pem: string): string[] {
  const lines = pem.replace(/-----[A-Z ]+-----/g, "").split(/\s+/).filter((line) => line.length >= 16);
  const der = Buffer.from(lines.join(""), "base64");
  const seed = der.subarray(16, 48);
  return [
    lines.join(""),
    ...lines,
    ...[der, seed].flatMap((bytes) => [
      bytes.toString("base64"),
      bytes.toString("base64url"),
      bytes.toString("hex"),
      bytes.toString("hex").toUpperCase(),
    ]),
  ];
}

/** The `Signature` of a signed URL, decoded and encoded, for the leak scan. */
export function signaturesOf(requests: readonly Request[]): string[] {
  return requests.flatMap((r) => {
    const raw = new URL(r.url).searchParams.get("Signature");
    return raw ? [raw, encodeURIComponent(raw)] : [];
  });
}

/**
 * The shape of a JSON value: types instead of values, except `status` and `err-code`, whose
 * values are part of the shape, and `""`, which HTX uses to mean "no order id".
 */
export function shapeOf(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) {
    const shapes = new Map(value.map((v) => [JSON.stringify(shapeOf(v)), shapeOf(v)]));
    return [...shapes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((k) => [k, shapeOf((value as Record<string, unknown>)[k], k)]),
    );
  }
  if (key === "status" || key === "err-code") return value;
  if (value === "") return "empty string";
  return value === null ? "null" : typeof value;
}

/** What a result's lists hold, counted: the message every accounting assertion fails with. */
export interface Breakdown {
  success: number;
  /** Failed ids by `errCode:outcome` (e.g. `order-orderstate-error:already-closed`). */
  failed: Record<string, number>;
  /**
   * Unresolved ids by error class, HTX's code or the HTTP status where there is one, and
   * whether the cancel may have been applied (e.g. `HtxTimeoutError:maybe-applied`).
   */
  unresolved: Record<string, number>;
}

/**
 * Counts a batch-cancel result by list, error class, code and outcome, so that an accounting
 * assertion written as `expect(breakdown(result)).toEqual({...})` shows where every id went
 * when it fails.
 */
export function breakdown(result: {
  success: readonly unknown[];
  failed: readonly { errCode: string; outcome?: string }[];
  unresolved: readonly { error: Error; mayHaveBeenApplied?: boolean }[];
}): Breakdown {
  const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);
  const out: Breakdown = { success: result.success.length, failed: {}, unresolved: {} };
  for (const { errCode, outcome } of result.failed) count(out.failed, [errCode, outcome].filter(Boolean).join(":"));
  for (const { error, mayHaveBeenApplied } of result.unresolved) {
    const e = error as Error & { errCode?: string; status?: number };
    const applied = mayHaveBeenApplied === undefined ? undefined : mayHaveBeenApplied ? "maybe-applied" : "not-applied";
    count(out.unresolved, [e.name, e.errCode ?? e.status, applied].filter((x) => x !== undefined).join(":"));
  }
  return out;
}

/** A loopback port nothing listens on, for connections that are refused (ECONNREFUSED). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
