/**
 * What every signer is given: a key prepared once that signs Signature V2 texts, HmacSHA256 or
 * Ed25519 alike. Its own file so that the key readers (./ed25519.ts) and the key factory
 * (../keys.ts) both depend on it, and not on each other.
 */

/**
 * HTX's `SignatureMethod` values: https://huobiapi.github.io/docs/spot/v1/en/#authentication and
 * docs/htx-notes.md, "Ed25519 keys" (the docs' own Ed25519 example is wrong).
 */
export type SignatureMethod = "HmacSHA256" | "Ed25519";

/** A key prepared once, that signs Signature V2 texts. Holds no state that changes between calls. */
export interface SigningKey {
  /** The `SignatureMethod` parameter its signatures go with. */
  readonly method: SignatureMethod;
  /** Signs a pre-signed text; returns the signature as standard, padded base64. */
  sign(text: string): string | Promise<string>;
  /**
   * Resolves once the key is usable; rejects with `HtxInputError` when it never will be (a
   * runtime whose Web Crypto lacks Ed25519). Optional to call: `sign` rejects the same way.
   */
  ready(): Promise<void>;
  /** Every text the key's secret material may appear as, for `redactText(text, secrets)`. */
  redactables(): string[];
}
