/**
 * The provider side of a consumer's pact: the simulator behind the interaction now being
 * verified, the provider states that set it up, and the request filter that re-signs each
 * replayed request. Pact's Verifier drives it (see ./verify.ts); nothing here needs Node.
 */
import { HtxInputError } from "../../core/errors.ts";
import { createHtxSimulator, DEMO_ACCOUNT } from "../simulator.ts";
import type { CallerInfo, HtxSimulator, HtxSimulatorOptions, KeyPermission } from "../types.ts";
import type { Credentials } from "../../signing/credentials.ts";
import { resignPathAndQuery, type ResignTarget } from "./resign.ts";
import { BUILT_IN_STATE_HANDLERS, type HtxStateHandler, type HtxStateSetup, isRecord } from "./states.ts";

/**
 * The Ed25519 key requests the consumer signed with Ed25519 are re-signed with: HTX's published
 * test vector (docs/htx-notes.md, "Ed25519 keys"), for the same UID as the HMAC key. It signs
 * nothing real.
 */
export const DEMO_ED25519_KEY = Object.freeze({
  accessKey: "demo-ed25519-access-key",
  privateKey:
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJyWp10Qe1iIkoK+nkM4DWkI6fsQpIni49EUNjcQGXn6\n-----END PRIVATE KEY-----\n",
  publicKey: "mIiWo0X+j1a3dJBPJHRxt17oly5TOsOcYqZHUzcOVHM=",
});

/** What a `wrongKey` state signs HMAC requests with. */
const WRONG_SECRET = "a-secret-htx-does-not-know";

/** The simulated API key replayed HmacSHA256 requests are signed with. */
export interface HtxPactAccount {
  /** The UID whose orders and accounts the provider states set up. */
  uid: number;
  accessKey: string;
  secretKey: string;
  /** Default both. */
  permissions?: readonly KeyPermission[];
  /** Default any IP. */
  allowedIps?: readonly string[];
}

/** The simulated Ed25519 key replayed Ed25519 requests are signed with, for the same UID as `account`. */
export interface HtxPactEd25519Account {
  accessKey: string;
  /** The private key, PEM PKCS#8 text (docs/ed25519.md). */
  privateKey: string;
  /** Its public half, as HTX holds it: PEM (SPKI) or the 32 bytes in base64. */
  publicKey: string;
}

/** Options of {@link createHtxPactProvider}. */
export interface HtxPactProviderOptions {
  /** The key requests are re-signed with; default `DEMO_ACCOUNT`. */
  account?: HtxPactAccount;
  /** The key requests recorded with Ed25519 are re-signed with; default {@link DEMO_ED25519_KEY}. */
  ed25519Account?: HtxPactEd25519Account;
  /**
   * Simulator options for every interaction (a provider state adds to them), e.g.
   * `{ openOrdersRequired: ["account-id", "symbol"] }` for HTX's stricter reading.
   */
  simulator?: HtxSimulatorOptions;
  /** More provider states, by name; a name the kit knows is replaced. */
  stateHandlers?: Record<string, HtxStateHandler>;
}

/** A provider-state call, as Pact's verifier posts it: `{ state, params, action }`. */
export interface ProviderStateChange {
  state: string;
  params?: unknown;
  /** Default `setup`. */
  action?: "setup" | "teardown";
}

/** The parts of an Express request and response (Pact's proxy) the request filter uses. */
export interface PactProxyRequest {
  method: string;
  url: string;
  body?: unknown;
}
/** See {@link PactProxyRequest}. */
export interface PactProxyResponse {
  status(code: number): PactProxyResponse;
  json(body: unknown): unknown;
}
/** An Express middleware, as Pact's `requestFilter` option takes it. */
export type PactRequestFilter = (
  req: PactProxyRequest,
  res: PactProxyResponse,
  next: (error?: unknown) => void,
) => void;

/** Provider states that could not be set up: an unknown name, or parameters a handler refused. */
export class HtxProviderStateError extends Error {
  /** Always `"HtxProviderStateError"`. */
  override name = "HtxProviderStateError" as const;
  /**
   * Creates the error.
   * @param failures One line per failed state.
   */
  constructor(readonly failures: readonly string[], options?: { cause?: unknown }) {
    super(`Provider state setup failed:\n- ${failures.join("\n- ")}`, options);
  }
}

/** The simulator's state for the interaction now being verified. */
export interface HtxPactProvider {
  /** Every provider state it can set up. */
  readonly stateNames: readonly string[];
  /** The simulator of the current interaction (a fresh one after each teardown). */
  readonly simulator: HtxSimulator;
  /** What went wrong setting up states so far, one line each. */
  readonly stateFailures: readonly string[];
  /** Serves the current simulator (`serveHandler(provider.fetch)`); an interaction whose state failed gets HTTP 500. */
  fetch(request: Request, info?: CallerInfo): Promise<Response>;
  /** Sets up (or tears down) a state; rejects with an {@link HtxProviderStateError} and records the failure. */
  changeState(change: ProviderStateChange): Promise<void>;
  /** Pact's `requestFilter` for a simulator served at `baseUrl`: answers state calls, re-signs the rest. */
  requestFilter(baseUrl: string): PactRequestFilter;
}

interface Interaction {
  simulator: HtxSimulator;
  signing: NonNullable<HtxStateSetup["signing"]>;
  /** Why this interaction's states could not be set up. */
  failure?: string;
}

/** A thrown value's message, whatever was thrown. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return "a thrown value that is not an Error";
  }
}

function appended<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] | undefined {
  return a === undefined && b === undefined ? undefined : [...(a ?? []), ...(b ?? [])];
}

/** `extra` over `base`: lists appended (absent stays absent: no `userAccounts` means the default ones). */
function merged(base: HtxSimulatorOptions, extra: HtxSimulatorOptions): HtxSimulatorOptions {
  return {
    ...base,
    ...extra,
    accounts: appended(base.accounts, extra.accounts),
    userAccounts: appended(base.userAccounts, extra.userAccounts),
    orders: appended(base.orders, extra.orders),
    rateLimit: base.rateLimit || extra.rateLimit ? { ...base.rateLimit, ...extra.rateLimit } : undefined,
  };
}

function checkAccount(account: HtxPactAccount): void {
  if (!isRecord(account) || typeof account.secretKey !== "string" || account.secretKey === "") {
    throw new HtxInputError(
      "createHtxPactProvider: account needs uid, accessKey and secretKey (an HmacSHA256 key; an Ed25519 one goes in ed25519Account).",
    );
  }
}

/** A state call as Pact's proxy receives it (JSON `{ state, action, params }`), or undefined for a replayed request. */
function stateChangeOf(req: PactProxyRequest): ProviderStateChange | undefined {
  // Told apart by its body, not by Pact's internal path: no HTX endpoint takes such a body.
  const body = req.body;
  if (req.method !== "POST" || !isRecord(body) || typeof body.state !== "string") return undefined;
  if (body.action !== "setup" && body.action !== "teardown") return undefined;
  return { state: body.state, params: body.params, action: body.action };
}

let wrongEd25519: Promise<CryptoKey> | undefined;

function checkEd25519Account(key: HtxPactEd25519Account): void {
  const fields = ["accessKey", "privateKey", "publicKey"] as const;
  const missing = isRecord(key) ? fields.filter((f) => typeof key[f] !== "string" || key[f] === "") : fields;
  if (missing.length > 0) {
    throw new HtxInputError(
      `createHtxPactProvider: ed25519Account needs accessKey, privateKey (PEM) and publicKey (PEM or base64); ` +
        `missing or empty: ${missing.join(", ")}.`,
    );
  }
}

/** The keys replayed requests are re-signed with: HmacSHA256 and Ed25519. */
interface PactKeys {
  account: HtxPactAccount;
  ed25519: HtxPactEd25519Account;
}

/** The key for a request signed with `signatureMethod`, as the interaction's states say. */
async function credentialsFor(
  { account, ed25519 }: PactKeys,
  signing: Interaction["signing"],
  signatureMethod: string | null,
): Promise<Credentials> {
  if (signatureMethod !== "Ed25519") {
    const secretKey = signing.wrongKey ? WRONG_SECRET : account.secretKey;
    return { accessKey: signing.accessKey ?? account.accessKey, secretKey };
  }
  const accessKey = signing.accessKey ?? ed25519.accessKey;
  if (!signing.wrongKey) return { accessKey, privateKey: ed25519.privateKey };
  // An Ed25519 key HTX does not know, made once.
  wrongEd25519 ??= crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])
    .then((pair) => (pair as CryptoKeyPair).privateKey);
  return { accessKey, privateKey: await wrongEd25519 };
}

/** Answers Pact's state calls with `changeState`; re-signs every other request for `target()`. */
function createRequestFilter(
  { changeState, target }: { changeState(change: ProviderStateChange): Promise<void>; target(): ResignTarget },
): PactRequestFilter {
  return (req, res, next) => {
    const change = stateChangeOf(req);
    if (change) {
      changeState(change).then(
        () => res.json({}),
        (error: HtxProviderStateError) => res.status(500).json({ error: error.failures.join("\n") }),
      );
      return;
    }
    resignPathAndQuery(req.method, req.url, target()).then((url) => {
      req.url = url;
      next();
    }, next);
  };
}

/**
 * The provider side of a consumer pact, over the simulator: each interaction starts from a
 * fresh simulator with `options.simulator`, its provider states add orders, accounts, limits or
 * wrong credentials, and its request is re-signed for the simulator's key, host and clock.
 * Bad options are an `HtxInputError`.
 */
export function createHtxPactProvider(options: HtxPactProviderOptions = {}): HtxPactProvider {
  const account = options.account ?? DEMO_ACCOUNT;
  checkAccount(account);
  const ed25519 = options.ed25519Account ?? DEMO_ED25519_KEY;
  checkEd25519Account(ed25519);
  const handlers: Record<string, HtxStateHandler> = { ...BUILT_IN_STATE_HANDLERS, ...options.stateHandlers };
  const stateNames = Object.keys(handlers);
  const base: HtxSimulatorOptions = {
    ...options.simulator,
    accounts: [
      { ...account },
      { uid: account.uid, accessKey: ed25519.accessKey, publicKey: ed25519.publicKey },
      ...(options.simulator?.accounts ?? []),
    ],
  };
  const now = base.now ?? Date.now;
  const failures: string[] = [];
  let setups: HtxStateSetup[] = [];

  const build = (): Interaction => {
    const signing = Object.assign({}, ...setups.map((s) => s.signing));
    const simulator = createHtxSimulator(setups.reduce((o, s) => merged(o, s.simulator ?? {}), base));
    return { simulator, signing };
  };
  let current = build();

  /** Why `state` cannot be set up with `params`, or undefined once it is. */
  async function setUp(state: string, params: unknown): Promise<string | undefined> {
    const handler = Object.hasOwn(handlers, state) ? handlers[state] : undefined;
    if (!handler) {
      const known = stateNames.map((name) => `"${name}"`).join(", ");
      return `Unknown provider state "${state}". Known states: ${known}. Add it with the stateHandlers option.`;
    }
    if (params !== undefined && params !== null && !isRecord(params)) {
      return `Provider state "${state}": params must be a JSON object.`;
    }
    try {
      const setup = await handler(isRecord(params) ? params : {}, { uid: account.uid });
      setups = [...setups, isRecord(setup) ? setup : {}];
      current = build();
      return undefined;
    } catch (error) {
      return `Provider state "${state}" could not be set up: ${messageOf(error)}`;
    }
  }

  async function changeState({ state, params, action = "setup" }: ProviderStateChange): Promise<void> {
    if (action === "teardown") {
      setups = [];
      current = build();
      return;
    }
    const failure = await setUp(state, params);
    if (failure === undefined) return;
    // Pact retries a failed state call: one line per distinct failure.
    if (!failures.includes(failure)) failures.push(failure);
    current = { ...current, failure };
    throw new HtxProviderStateError([failure]);
  }

  async function fetch(request: Request, info?: CallerInfo): Promise<Response> {
    const { simulator, failure } = current;
    if (failure !== undefined) return Response.json({ "htx-pact-kit": failure }, { status: 500 });
    return await simulator.fetch(request, info);
  }

  function requestFilter(baseUrl: string): PactRequestFilter {
    return createRequestFilter({
      changeState,
      // Read once per request, before any await: a state call meanwhile does not change what it signs with.
      target: () => {
        const { signing } = current;
        return { baseUrl, now: now(), credentials: (method) => credentialsFor({ account, ed25519 }, signing, method) };
      },
    });
  }

  return {
    stateNames,
    get simulator() {
      return current.simulator;
    },
    stateFailures: failures,
    fetch,
    changeState,
    requestFilter,
  };
}
