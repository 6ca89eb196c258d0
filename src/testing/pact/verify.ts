/**
 * One call for a consumer's CI: serve the simulator on loopback, run Pact's Verifier over the
 * consumer's pact files or a broker's pacts with the kit's provider states and request filter,
 * close the server. Node only (Pact's verifier is a Node native module).
 */
import { Verifier, type VerifierOptions } from "@pact-foundation/pact";
import { HtxInputError } from "../../core/errors.ts";
import { serveHandler } from "../node-server.ts";
import { createHtxPactProvider, type HtxPactProviderOptions, HtxProviderStateError } from "./provider.ts";

/** Pact options the kit sets itself: the provider is the simulator it serves. */
type OwnedByTheKit =
  | "providerBaseUrl"
  | "requestFilter"
  | "stateHandlers"
  | "changeOrigin"
  | "providerStatesSetupUrl"
  | "messageProviders";

/**
 * Options of {@link verifyWithHtxSimulator}: the kit's (`account`, `ed25519Account`, `simulator`, `stateHandlers`)
 * and Pact's Verifier options, passed on as they are (`provider`, `pactUrls` or `pactBrokerUrl`,
 * `consumerVersionSelectors`, `providerVersion`, `publishVerificationResult`, `pactBrokerToken`,
 * `logLevel` (default `warn`), …). See https://docs.pact.io/implementation_guides/javascript/docs/provider.
 */
export type VerifyWithHtxSimulatorOptions =
  & HtxPactProviderOptions
  & Omit<VerifierOptions, OwnedByTheKit | "provider">
  & {
    /** The provider's name in the pacts, e.g. `htx-spot-api`. */
    provider: string;
  };

function checkSources(options: VerifyWithHtxSimulatorOptions): void {
  if (typeof options.provider !== "string" || options.provider === "") {
    throw new HtxInputError(
      "verifyWithHtxSimulator: provider must be the provider's name in the pacts, e.g. htx-spot-api.",
    );
  }
  const { pactUrls, pactBrokerUrl } = options;
  const hasUrls = Array.isArray(pactUrls) && pactUrls.length > 0;
  if (hasUrls && pactUrls.some((url) => typeof url !== "string" || url === "")) {
    throw new HtxInputError("verifyWithHtxSimulator: pactUrls must be pact file paths or URLs (non-empty strings).");
  }
  if (!hasUrls && (typeof pactBrokerUrl !== "string" || pactBrokerUrl === "")) {
    throw new HtxInputError("verifyWithHtxSimulator: give pactUrls (pact files) or pactBrokerUrl (a Pact Broker).");
  }
  if (hasUrls) pactUrls.forEach(checkPactPath);
}

/** A URL with a scheme (`https:`, `file:`), which Pact fetches itself; anything else is a path. */
const WITH_SCHEME = /^[a-z][a-z0-9+.-]+:\/\//i;

/**
 * A pact path that names nothing is refused here, by its name: Pact would reject it with its
 * FFI's text (`pactffiVerifierAddDirectorySource failed validation…`), after the server started.
 * node:fs through `process.getBuiltinModule`: this entry is Node only, and src/ imports no `node:`.
 */
function checkPactPath(url: string, index: number): void {
  if (WITH_SCHEME.test(url)) return;
  const { existsSync } = globalThis.process.getBuiltinModule("node:fs");
  if (existsSync(url)) return;
  const { resolve } = globalThis.process.getBuiltinModule("node:path");
  throw new HtxInputError(
    `verifyWithHtxSimulator: pactUrls[${index}] "${url}" names no file or folder (${resolve(url)}): run the ` +
      "consumer test that writes it first, or fix the path (relative paths start from the working directory).",
  );
}

/**
 * Verifies consumer pacts against the simulator: serves it on 127.0.0.1, runs Pact's Verifier
 * with the kit's provider states (`HTX_PROVIDER_STATES`, plus `stateHandlers`) and re-signing
 * request filter, and closes the server. Resolves with Pact's result; rejects with Pact's error
 * when an interaction fails (its message names the JSON path), with an
 * {@link HtxProviderStateError} (its Pact error as `cause`) when a provider state is unknown or
 * its parameters are unusable, and with an `HtxInputError` for bad options, before starting.
 *
 * @example
 * ```ts
 * await verifyWithHtxSimulator({ provider: "htx-spot-api", pactUrls: ["pacts/my-bot-htx-spot-api.json"] });
 * ```
 */
export async function verifyWithHtxSimulator(options: VerifyWithHtxSimulatorOptions): Promise<string> {
  checkSources(options);
  const { account, ed25519Account, simulator, stateHandlers, ...verifierOptions } = options;
  const provider = createHtxPactProvider({ account, ed25519Account, simulator, stateHandlers });
  const served = await serveHandler((request, info) => provider.fetch(request, info));
  let result: string;
  try {
    result = await new Verifier({
      logLevel: "warn",
      ...verifierOptions,
      providerBaseUrl: served.url,
      requestFilter: provider.requestFilter(served.url),
      // The Host header the simulator sees must be the one the filter signed.
      changeOrigin: true,
    }).verifyProvider();
  } catch (error) {
    if (provider.stateFailures.length > 0) throw new HtxProviderStateError(provider.stateFailures, { cause: error });
    throw error;
  } finally {
    await served.close();
  }
  if (provider.stateFailures.length > 0) throw new HtxProviderStateError(provider.stateFailures);
  return result;
}
