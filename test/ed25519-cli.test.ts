/**
 * The command's key (issue 14): `HTX_ACCESS_KEY` with exactly one of `HTX_SECRET_KEY`,
 * `HTX_PRIVATE_KEY` (PEM text) or `--private-key-file FILE`; mistakes are usage errors that name
 * the variables and never show a key.
 */
import { describe, expect, it } from "vitest";
import { cliCredentials, type CredentialSources } from "../src/cli/credentials.ts";
import { TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { everyRendering, KEYS, leaks } from "./helpers.ts";

const FILE = "/keys/htx-ed25519.pem";

/** Sources with `env`, a key file that holds the test key, and the notes they print. */
function sources(env: Record<string, string>, extra: Partial<CredentialSources> = {}) {
  const notes: string[] = [];
  const readFile = (path: string) => {
    if (path === FILE) return TEST_KEY.pem;
    throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: "ENOENT" });
  };
  return { notes, sources: { env, dryRun: false, warn: (t: string) => notes.push(t), readFile, ...extra } };
}

/** What cliCredentials throws, or undefined. */
function thrown(from: CredentialSources): Error | undefined {
  try {
    cliCredentials(from);
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe("the command's credentials", () => {
  it.each<[string, Record<string, string>, string | undefined, object]>([
    ["HTX_SECRET_KEY", { HTX_ACCESS_KEY: KEYS.accessKey, HTX_SECRET_KEY: KEYS.secretKey }, undefined, KEYS],
    ["HTX_PRIVATE_KEY", { HTX_ACCESS_KEY: KEYS.accessKey, HTX_PRIVATE_KEY: TEST_KEY.pem }, undefined, {
      accessKey: KEYS.accessKey,
      privateKey: TEST_KEY.pem,
    }],
    ["--private-key-file", { HTX_ACCESS_KEY: KEYS.accessKey }, FILE, {
      accessKey: KEYS.accessKey,
      privateKey: TEST_KEY.pem,
    }],
  ])("takes the key from %s", (_, env, privateKeyFile, expected) => {
    expect(cliCredentials(sources(env, { privateKeyFile }).sources)).toEqual(expected);
  });

  it.each<[string, Record<string, string>, string | undefined, RegExp]>([
    ["no access key", { HTX_PRIVATE_KEY: TEST_KEY.pem }, undefined, /HTX_ACCESS_KEY is not set/],
    [
      "no key at all",
      { HTX_ACCESS_KEY: "a" },
      undefined,
      /HTX_SECRET_KEY is not set, nor HTX_PRIVATE_KEY or --private-key-file/,
    ],
    [
      "a secret and HTX_PRIVATE_KEY",
      { HTX_ACCESS_KEY: "a", HTX_SECRET_KEY: "s", HTX_PRIVATE_KEY: TEST_KEY.pem },
      undefined,
      /not both/,
    ],
    ["a secret and --private-key-file", { HTX_ACCESS_KEY: "a", HTX_SECRET_KEY: "s" }, FILE, /not both/],
    [
      "HTX_PRIVATE_KEY and --private-key-file",
      { HTX_ACCESS_KEY: "a", HTX_PRIVATE_KEY: TEST_KEY.pem },
      FILE,
      /Both HTX_PRIVATE_KEY and --private-key-file/,
    ],
    [
      "a key file that cannot be read",
      { HTX_ACCESS_KEY: "a" },
      "/nonexistent.pem",
      /Cannot read --private-key-file \/nonexistent.pem \(ENOENT\)/,
    ],
  ])("refuses %s with a usage error that shows no key", (_, env, privateKeyFile, message) => {
    const error = thrown(sources(env, { privateKeyFile }).sources);
    expect(error?.name).toBe("UsageError");
    expect(error?.message).toMatch(message);
    expect(leaks(everyRendering(error), [], TEST_KEY.pem)).toEqual([]);
  });

  it("signs a dry run with placeholders for what is missing, keeping a private key it was given", () => {
    const { notes, sources: from } = sources({ HTX_PRIVATE_KEY: TEST_KEY.pem }, { dryRun: true });
    expect(cliCredentials(from)).toEqual({ accessKey: "dry-run-access-key", privateKey: TEST_KEY.pem });
    expect(notes).toEqual(["Dry run without a complete API key: signing with placeholders.\n"]);
  });
});
