/** The simulator's options, checked and with their defaults: a bad one is an `HtxInputError` that says what to pass. */
import { HtxInputError } from "../core/errors.ts";
import { nearestName } from "../core/nearest-name.ts";
import type { WindowRules } from "./limits.ts";
import type {
  HtxSimulatorOptions,
  KeyPermission,
  RateLimitOptions,
  SimulatedAccount,
  SimulatedHmacAccount,
  SimulatedUserAccount,
} from "./types.ts";
import { ed25519PublicKeySpki } from "./public-key.ts";

/** The account the simulator knows by default, for demos and tests. */
export const DEMO_ACCOUNT: SimulatedHmacAccount = Object.freeze({
  uid: 1,
  accessKey: "demo-access-key",
  secretKey: "demo-secret-key",
});

/** Options with every default filled in. */
export interface ResolvedOptions {
  keys: SimulatedAccount[];
  userAccounts: SimulatedUserAccount[];
  now: () => number;
  timestampWindowMs: number;
  cancelSettleMs: number;
  windows: WindowRules;
  limitStatus: 200 | 429;
  limitErrCode: NonNullable<RateLimitOptions["errCode"]>;
  openOrdersRequired: ReadonlySet<"account-id" | "symbol">;
  openOrdersPageCap: number;
  openOrdersIgnoresSymbol: boolean;
  defaultClientIp: string;
  cancelAllAfterAnswer: "v2" | "array-2021";
  cancelAllAfterMinSeconds: number;
}

const fail = (message: string): never => {
  throw new HtxInputError(`createHtxSimulator: ${message}`);
};

/** Every option name, by type: a name added to the options must be added here. */
const OPTION_NAMES = Object.keys(
  {
    accounts: 1,
    userAccounts: 1,
    orders: 1,
    now: 1,
    timestampWindowMs: 1,
    rateLimit: 1,
    faults: 1,
    cancelSettleMs: 1,
    openOrdersRequired: 1,
    openOrdersPageCap: 1,
    openOrdersIgnoresSymbol: 1,
    defaultClientIp: 1,
    cancelAllAfterAnswer: 1,
    cancelAllAfterMinSeconds: 1,
  } satisfies Record<keyof HtxSimulatorOptions, 1>,
);

const RATE_LIMIT_NAMES = Object.keys(
  {
    limit: 1,
    batchCancelOpenOrdersLimit: 1,
    openOrdersLimit: 1,
    accountsLimit: 1,
    intervalMs: 1,
    alignment: 1,
    offsetMs: 1,
    refuseEarly: 1,
    expireHeader: 1,
    status: 1,
    errCode: 1,
  } satisfies Record<keyof RateLimitOptions, 1>,
);

/** Refuses a misspelt option, which would otherwise be ignored (an `openOrderPageCap` would cap nothing). */
function checkNames(where: string, value: object, known: readonly string[]): void {
  const unknown = Object.keys(value).find((name) => !known.includes(name));
  if (unknown === undefined) return;
  const near = nearestName(unknown, known);
  fail(`${where} has no field ${JSON.stringify(unknown.slice(0, 40))}${near ? ` (did you mean "${near}"?)` : ""}.`);
}

/** A number option: finite and at least `min` (or `Infinity` where allowed), an integer if told. */
function numberOption(
  name: string,
  value: number | undefined,
  fallback: number,
  { min = 0, integer = false, infinite = false } = {},
): number {
  if (value === undefined) return fallback;
  const ok = typeof value === "number" && value >= min &&
    (Number.isFinite(value) ? !integer || Number.isSafeInteger(value) : infinite && value === Infinity);
  if (!ok) {
    fail(
      `${name} must be ${integer ? "an integer" : "a number"} ≥ ${min}${infinite ? " or Infinity" : ""}; got ${value}.`,
    );
  }
  return value;
}

function booleanOption(name: string, value: boolean | undefined): boolean {
  if (value !== undefined && typeof value !== "boolean") fail(`${name} must be true or false; got ${String(value)}.`);
  return value ?? false;
}

function resolveWindows(rate: RateLimitOptions): WindowRules {
  const limit = (name: string, value: number | undefined, fallback: number) =>
    numberOption(`rateLimit.${name}`, value, fallback, { integer: true, infinite: true });
  const intervalMs = numberOption("rateLimit.intervalMs", rate.intervalMs, 2000, { min: 1 });
  const alignment = rate.alignment ?? "sliding";
  if (!["sliding", "epoch", "first-request", "random-offset"].includes(alignment)) {
    fail(`rateLimit.alignment must be "sliding", "epoch", "first-request" or "random-offset"; got ${alignment}.`);
  }
  const offsetMs = numberOption("rateLimit.offsetMs", rate.offsetMs, Math.floor(Math.random() * intervalMs));
  if (offsetMs >= intervalMs) fail(`rateLimit.offsetMs must be below intervalMs (${intervalMs}); got ${offsetMs}.`);
  const expireHeader = rate.expireHeader ?? "epoch-ms";
  if (expireHeader !== "epoch-ms" && expireHeader !== "remaining-ms") {
    fail(`rateLimit.expireHeader must be "epoch-ms" or "remaining-ms"; got ${expireHeader}.`);
  }
  return {
    limits: {
      "batch-cancel": limit("limit", rate.limit, 50),
      "batch-cancel-open-orders": limit("batchCancelOpenOrdersLimit", rate.batchCancelOpenOrdersLimit, 50),
      "open-orders": limit("openOrdersLimit", rate.openOrdersLimit, 50),
      "accounts": limit("accountsLimit", rate.accountsLimit, 100),
    },
    intervalMs,
    alignment,
    offsetMs,
    refuseEarly: numberOption("rateLimit.refuseEarly", rate.refuseEarly, 0, { integer: true }),
    expireHeader,
  };
}

/** Exactly one of an HMAC secret and an Ed25519 public key, each in a form the simulator can verify with. */
function checkSigningKey(key: SimulatedAccount, i: number): void {
  if (key.secretKey !== undefined && key.publicKey !== undefined) {
    fail(`accounts[${i}] has both secretKey (HmacSHA256) and publicKey (Ed25519): an API key signs with one method.`);
  }
  if (key.publicKey === undefined) {
    if (typeof key.secretKey !== "string" || key.secretKey === "") {
      fail(`accounts[${i}] needs a secretKey (HmacSHA256) or a publicKey (Ed25519), a non-empty string.`);
    }
    return;
  }
  const spki = ed25519PublicKeySpki(key.publicKey);
  if (typeof spki === "string") fail(`accounts[${i}].publicKey ${spki}.`);
}

function checkKeys(keys: readonly SimulatedAccount[]): void {
  const permissions: readonly KeyPermission[] = ["read", "trade"];
  keys.forEach((key, i) => {
    if (!Number.isSafeInteger(key.uid) || key.uid < 0) fail(`accounts[${i}].uid must be a non-negative integer.`);
    if (typeof key.accessKey !== "string" || key.accessKey === "") fail(`accounts[${i}].accessKey must be a string.`);
    checkSigningKey(key, i);
    if (key.permissions?.some((p) => !permissions.includes(p))) {
      fail(`accounts[${i}].permissions may hold only "read" and "trade".`);
    }
  });
}

/** The spot account id the simulator gives a UID that has no account configured. */
export function defaultSpotAccountId(uid: number): string {
  return String(10_000_000 + uid);
}

function userAccountsOf(options: HtxSimulatorOptions, keys: readonly SimulatedAccount[]): SimulatedUserAccount[] {
  if (options.userAccounts === undefined) {
    const uids = [...new Set(keys.map((key) => key.uid))];
    return uids.map((uid) => ({ uid, id: defaultSpotAccountId(uid), type: "spot", subtype: "", state: "working" }));
  }
  options.userAccounts.forEach((account, i) => {
    if (!/^[1-9][0-9]*$/.test(account.id)) fail(`userAccounts[${i}].id must be a string of digits.`);
    if (account.state !== "working" && account.state !== "lock") {
      fail(`userAccounts[${i}].state must be working or lock.`);
    }
  });
  return options.userAccounts.map((account) => ({ subtype: "", ...account }));
}

/** The dead man's switch's answer shape. */
function cancelAllAfterAnswer(shape: HtxSimulatorOptions["cancelAllAfterAnswer"]): "v2" | "array-2021" {
  if (shape !== undefined && shape !== "v2" && shape !== "array-2021") {
    fail('cancelAllAfterAnswer must be "v2" or "array-2021".');
  }
  return shape ?? "v2";
}

/** Checks the options and fills in the defaults. */
export function resolveOptions(options: HtxSimulatorOptions): ResolvedOptions {
  checkNames("options", options, OPTION_NAMES);
  checkNames("options.rateLimit", options.rateLimit ?? {}, RATE_LIMIT_NAMES);
  if (options.faults !== undefined && typeof options.faults !== "function") {
    fail("faults must be a function (request, n, target) => HtxFault | undefined, e.g. faultsFor([...]).");
  }
  const keys = options.accounts ?? [DEMO_ACCOUNT];
  checkKeys(keys);
  const rate = options.rateLimit ?? {};
  if (rate.status !== undefined && rate.status !== 200 && rate.status !== 429) {
    fail("rateLimit.status must be 200 or 429.");
  }
  const required = options.openOrdersRequired ?? [];
  if (required.some((name) => name !== "account-id" && name !== "symbol")) {
    fail('openOrdersRequired may hold only "account-id" and "symbol".');
  }
  return {
    keys,
    userAccounts: userAccountsOf(options, keys),
    now: options.now ?? Date.now,
    timestampWindowMs: numberOption("timestampWindowMs", options.timestampWindowMs, 60_000),
    cancelSettleMs: numberOption("cancelSettleMs", options.cancelSettleMs, 100),
    windows: resolveWindows(rate),
    limitStatus: rate.status ?? 200,
    limitErrCode: rate.errCode ?? "base-request-exceed-frequency-limit",
    openOrdersRequired: new Set(required),
    openOrdersPageCap: numberOption("openOrdersPageCap", options.openOrdersPageCap, 500, { min: 1, integer: true }),
    openOrdersIgnoresSymbol: booleanOption("openOrdersIgnoresSymbol", options.openOrdersIgnoresSymbol),
    defaultClientIp: options.defaultClientIp ?? "127.0.0.1",
    cancelAllAfterAnswer: cancelAllAfterAnswer(options.cancelAllAfterAnswer),
    cancelAllAfterMinSeconds: numberOption("cancelAllAfterMinSeconds", options.cancelAllAfterMinSeconds, 5, {
      min: 1,
      integer: true,
    }),
  };
}
