/** Requests to the simulator signed with the client's own signer (apart from the simulator's check), and their answers. */
import { signUrl } from "../mod.ts";
import { DEMO_ACCOUNT, type HtxSimulator, type SimulatedOrder } from "../src/testing/mod.ts";

export const ORIGIN = "https://api.huobi.pro";
export const BATCH_CANCEL = "/v1/order/orders/batchcancel";
export const BATCH_CANCEL_OPEN_ORDERS = "/v1/order/orders/batchCancelOpenOrders";
export const OPEN_ORDERS = "/v1/order/openOrders";
export const ACCOUNTS = "/v1/account/accounts";

/** What to send; by default a batch cancel of order "1", signed for the demo key, now. */
export interface SendOptions {
  method?: "GET" | "POST";
  path?: string;
  /** Business query parameters, signed with the rest. */
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  secretKey?: string;
  accessKey?: string;
  timestamp?: number;
  origin?: string;
  /** Default `application/json` on a POST, none on a GET; `null` for none. */
  contentType?: string | null;
}

/** A request signed with the client's `signUrl`. */
export async function signed(options: SendOptions = {}): Promise<Request> {
  const method = options.method ?? "POST";
  const target = new URL(
    `${options.origin ?? ORIGIN}${options.path ?? (method === "GET" ? OPEN_ORDERS : BATCH_CANCEL)}`,
  );
  for (const [name, value] of Object.entries(options.query ?? {})) target.searchParams.set(name, value);
  const url = await signUrl({
    method,
    url: target.href,
    accessKey: options.accessKey ?? DEMO_ACCOUNT.accessKey,
    secretKey: options.secretKey ?? DEMO_ACCOUNT.secretKey,
    timestamp: options.timestamp ?? Date.now(),
  });
  const headers: Record<string, string> = {};
  const contentType = options.contentType === undefined && method === "POST" ? "application/json" : options.contentType;
  if (contentType) headers["Content-Type"] = contentType;
  if (method === "GET") return new Request(url, { method, headers });
  const body = options.rawBody ?? JSON.stringify(options.body ?? { "order-ids": ["1"] });
  return new Request(url, { method, headers, body });
}

/** Sends a request to the simulator; the answer's status, headers, text and (if JSON) body. */
export async function answer(sim: Pick<HtxSimulator, "fetch">, request: Request | Promise<Request>, info?: object) {
  const response = await sim.fetch(await request, info);
  const text = await response.text();
  let body: Record<string, any> = {};
  try {
    body = JSON.parse(text) as Record<string, any>;
  } catch {
    // Not JSON (HTML pages, truncated answers): the text says what it was.
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** An order of the demo UID. */
export const order = (
  orderId: string,
  state: SimulatedOrder["state"],
  extra: Partial<Omit<SimulatedOrder, "uid" | "orderId" | "state">> | string = {},
): SimulatedOrder => ({
  uid: 1,
  orderId,
  state,
  ...(typeof extra === "string" ? { clientOrderId: extra } : extra),
});
