/**
 * The simulator's order book: orders by UID and id, client ids with HTX's lookup windows,
 * cancels that settle after a delay, per-order refusals, and what a listing shows.
 */
import { HtxInputError } from "../core/errors.ts";
import { ORDER_STATES, type OrderStateName } from "../core/order-states.ts";
import { perOrderMessage } from "./answers.ts";
import type { OrderRefusal, SimulatedOrder } from "./types.ts";

/** HTX honours a client order id for 8 h while the order is open… */
const CLIENT_ID_OPEN_MS = 8 * 3600_000;
/** …and for 2 h once it is final (docs/htx-notes.md, "Ids"). */
const CLIENT_ID_FINAL_MS = 2 * 3600_000;

const CANCELLABLE = new Set<OrderStateName>(["created", "submitted", "partial-filled"]);
/** Shown by listings: the open states, and `cancelling` as HTX's older docs list it. */
const LISTED = new Set<OrderStateName>([...CANCELLABLE, "cancelling"]);
const STATE_NAMES = new Set<string>(Object.values(ORDER_STATES));
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** An order with every field filled in, as the store keeps it. */
export type FullOrder = Required<Omit<SimulatedOrder, "clientOrderId" | "refuse" | "finalAt">> & SimulatedOrder;

/** An order in the store, with its bookkeeping. */
export interface StoredOrder extends FullOrder {
  /** The id as a number, for ordering and paging. */
  rank: bigint;
  /** When an accepted cancel settles (simulator clock), while `cancelling`. */
  settleAt?: number;
  /** The state it settles to. */
  settlesTo?: OrderStateName;
}

/** What a cancel of one order did. */
export type CancelOutcome =
  | { kind: "accepted" }
  | { kind: "refused"; errCode: string; errMsg: string }
  | { kind: "wrong-state"; state: OrderStateName };

/** The accounts orders live in. */
export interface OrderAccounts {
  /** The account an order gets when none is given. */
  defaultOf(uid: number): string;
  /** The UID's account ids: an order in another account is a mistake in the set-up. */
  idsOf(uid: number): readonly string[];
}

/** The order book of every UID. */
export class OrderStore {
  readonly #orders = new Map<string, StoredOrder>(); // `${uid}:${orderId}`
  /** Each UID's orders sorted by id, built on first use after a change: listings sort once, not per page. */
  readonly #sortedByUid = new Map<number, StoredOrder[]>();
  readonly #byClientId = new Map<string, StoredOrder>(); // `${uid}:${clientOrderId}`
  #maxRank = 0n;

  /**
   * @param now The simulator's clock.
   * @param settleMs How long an accepted cancel stays `cancelling`.
   * @param accounts The accounts orders live in.
   */
  constructor(
    private readonly now: () => number,
    private readonly settleMs: number,
    private readonly accounts: OrderAccounts,
  ) {}

  /** Adds or replaces orders; refuses malformed ones with an {@link HtxInputError}. */
  add(orders: readonly SimulatedOrder[]): void {
    const full = orders.map((order, i) => this.#complete(order, `orders[${i}]`));
    for (const order of full) {
      this.#orders.set(`${order.uid}:${order.orderId}`, order);
      this.#sortedByUid.delete(order.uid);
      if (order.clientOrderId) this.#byClientId.set(`${order.uid}:${order.clientOrderId}`, order);
      if (order.rank > this.#maxRank) this.#maxRank = order.rank;
    }
  }

  /** Places a new order with an id above every known one (HTX's ids grow). */
  place(order: { uid: number } & Partial<Omit<SimulatedOrder, "uid">>): SimulatedOrder {
    const placed = { state: "submitted" as const, ...order, orderId: String(this.#maxRank + 1n) };
    this.add([placed]);
    return this.get(placed.uid, placed.orderId)!;
  }

  /** Removes every order. */
  clear(): void {
    this.#orders.clear();
    this.#sortedByUid.clear();
    this.#byClientId.clear();
  }

  /** A copy of an order as it is now. */
  get(uid: number, orderId: string): SimulatedOrder | undefined {
    const order = this.#orders.get(`${uid}:${orderId}`);
    return order && publicCopy(this.#settle(order));
  }

  /** The order with this id, settled, for a cancel. */
  byOrderId(uid: number, orderId: string): StoredOrder | undefined {
    const order = this.#orders.get(`${uid}:${orderId}`);
    return order && this.#settle(order);
  }

  /**
   * The order with this client id while HTX still honours it: 8 h after it was placed while it
   * is open, 2 h after it became final. Past that HTX's answer is undocumented; the strict
   * reading is that the id is unknown.
   */
  byClientId(uid: number, clientOrderId: string): StoredOrder | undefined {
    const found = this.#byClientId.get(`${uid}:${clientOrderId}`);
    if (!found) return undefined;
    const order = this.#settle(found);
    const t = this.now();
    const valid = LISTED.has(order.state)
      ? t - order.createdAt <= CLIENT_ID_OPEN_MS
      : t - (order.finalAt ?? order.createdAt) <= CLIENT_ID_FINAL_MS;
    return valid ? order : undefined;
  }

  /** Cancels one order: refused (per-order fault), accepted (now `cancelling`), or in the wrong state. */
  cancel(order: StoredOrder): CancelOutcome {
    const refusal = this.#takeRefusal(order);
    if (refusal) return refusal;
    if (!CANCELLABLE.has(order.state)) return { kind: "wrong-state", state: order.state };
    order.settlesTo = order.state === "partial-filled" ? "partial-canceled" : "canceled";
    order.state = "cancelling";
    order.settleAt = this.now() + this.settleMs;
    return { kind: "accepted" };
  }

  /** The UID's orders a listing shows now (open or `cancelling`), oldest first. */
  listed(uid: number): StoredOrder[] {
    return this.#sortedOf(uid).filter((order) => LISTED.has(this.#settle(order).state));
  }

  #sortedOf(uid: number): StoredOrder[] {
    let sorted = this.#sortedByUid.get(uid);
    if (!sorted) {
      sorted = [...this.#orders.values()].filter((order) => order.uid === uid);
      sorted.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
      this.#sortedByUid.set(uid, sorted);
    }
    return sorted;
  }

  /** An order in an account its UID does not have would never be listed by that account's id. */
  #checkAccount(order: SimulatedOrder, where: string): void {
    if (order.accountId === undefined) return;
    const ids = this.accounts.idsOf(order.uid);
    if (ids.includes(order.accountId)) return;
    throw new HtxInputError(
      `createHtxSimulator: ${where}.accountId ${order.accountId} is not an account of UID ${order.uid} ` +
        `(its accounts: ${ids.join(", ") || "none"}); add it to userAccounts.`,
    );
  }

  #takeRefusal(order: StoredOrder): CancelOutcome | undefined {
    const refuse = order.refuse;
    if (!refuse || refuse.times === 0) return undefined;
    if (refuse.times !== undefined) order.refuse = { ...refuse, times: refuse.times - 1 };
    return { kind: "refused", errCode: refuse.errCode, errMsg: refuse.errMsg ?? perOrderMessage(refuse.errCode) };
  }

  /** Settles a cancel whose time has come: cancelling → canceled (or partial-canceled). */
  #settle(order: StoredOrder): StoredOrder {
    if (order.state === "cancelling" && order.settleAt !== undefined && this.now() >= order.settleAt) {
      order.state = order.settlesTo ?? "canceled";
      order.finalAt = order.settleAt;
      delete order.settleAt;
      delete order.settlesTo;
    }
    return order;
  }

  #complete(order: SimulatedOrder, where: string): StoredOrder {
    checkOrder(order, where);
    this.#checkAccount(order, where);
    const createdAt = order.createdAt ?? this.now();
    return {
      symbol: "btcusdt",
      type: "buy-limit",
      price: "1",
      amount: "1",
      filledAmount: "0",
      accountId: this.accounts.defaultOf(order.uid),
      ...order,
      createdAt,
      ...(LISTED.has(order.state) ? {} : { finalAt: order.finalAt ?? createdAt }),
      ...(order.refuse ? { refuse: { ...order.refuse } } : {}),
      rank: BigInt(order.orderId),
    };
  }
}

/** A caller's copy of a stored order, without the store's bookkeeping. */
function publicCopy(order: StoredOrder): SimulatedOrder {
  const { rank: _rank, settleAt: _at, settlesTo: _to, ...rest } = order;
  return { ...rest, ...(rest.refuse ? { refuse: { ...rest.refuse } } : {}) };
}

function checkOrder(order: SimulatedOrder, where: string): void {
  const fail = (what: string) => {
    throw new HtxInputError(`createHtxSimulator: ${where}.${what}`);
  };
  if (!Number.isSafeInteger(order.uid) || order.uid < 0) fail("uid must be a non-negative integer.");
  if (typeof order.orderId !== "string" || !/^[1-9][0-9]{0,30}$/.test(order.orderId)) {
    fail("orderId must be a string of digits (HTX's order ids are positive integers).");
  }
  if (!STATE_NAMES.has(order.state)) fail(`state must be one of ${[...STATE_NAMES].join(", ")}.`);
  if (order.clientOrderId !== undefined && !CLIENT_ID.test(order.clientOrderId)) {
    fail("clientOrderId must be 1-64 characters of A-Z, a-z, 0-9, _ and -.");
  }
  for (const key of ["price", "amount", "filledAmount"] as const) {
    const value = order[key];
    if (value !== undefined && (typeof value !== "string" || !/^[0-9]+(\.[0-9]+)?$/.test(value))) {
      fail(`${key} must be a decimal string.`);
    }
  }
  if (order.type !== undefined && !/^(buy|sell)-[a-z-]+$/.test(order.type)) fail('type must be "<buy|sell>-<kind>".');
  if (order.symbol !== undefined && !/^[a-z0-9]{2,32}$/.test(order.symbol)) {
    fail("symbol must be lower-case letters and digits.");
  }
  if (order.accountId !== undefined && !/^[1-9][0-9]*$/.test(order.accountId)) fail("accountId must be digits.");
  for (const key of ["createdAt", "finalAt"] as const) {
    if (order[key] !== undefined && !Number.isFinite(order[key])) fail(`${key} must be a finite epoch ms.`);
  }
  if (order.refuse) checkRefusal(order.refuse, fail);
}

function checkRefusal(refuse: OrderRefusal, fail: (what: string) => void): void {
  if (typeof refuse.errCode !== "string" || refuse.errCode === "") fail("refuse.errCode must be an err-code.");
  const times = refuse.times;
  if (times !== undefined && (!Number.isSafeInteger(times) || times < 0)) {
    fail("refuse.times must be a non-negative integer (leave it out to refuse every time).");
  }
}
