/**
 * A Pact provider kit for your consumer contracts (`htx-batch-cancel/pact`), **Node only**:
 * verify the pact your bot records of what it expects from HTX against the simulator, with
 * provider states for orders, open orders, a spot account, the orders of an account, a wrong
 * secret, an unknown key and a used-up rate limit, and a request filter that re-signs each
 * replayed request. Needs `@pact-foundation/pact` (an optional peer dependency). Guide:
 * docs/contract-testing.md.
 *
 * ```ts
 * import { verifyWithHtxSimulator } from "htx-batch-cancel/pact";
 * await verifyWithHtxSimulator({ provider: "htx-spot-api", pactUrls: ["pacts/my-bot-htx-spot-api.json"] });
 * ```
 *
 * @module
 */
export {
  createHtxPactProvider,
  DEMO_ED25519_KEY,
  type HtxPactAccount,
  type HtxPactEd25519Account,
  type HtxPactProvider,
  type HtxPactProviderOptions,
  HtxProviderStateError,
  type PactProxyRequest,
  type PactProxyResponse,
  type PactRequestFilter,
  type ProviderStateChange,
} from "./pact/provider.ts";
export { HTX_PROVIDER_STATES, type HtxStateHandler, type HtxStateSetup } from "./pact/states.ts";
export { verifyWithHtxSimulator, type VerifyWithHtxSimulatorOptions } from "./pact/verify.ts";
