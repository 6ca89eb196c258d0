/**
 * The command's API key, from the environment and a key file only (never from a flag's value,
 * which lands in shell history): `HTX_ACCESS_KEY` with exactly one of `HTX_SECRET_KEY`
 * (HmacSHA256), `HTX_PRIVATE_KEY` (Ed25519, the PEM text) or `--private-key-file FILE` (Ed25519,
 * a PEM file). Messages name the variables and the file, never what they hold.
 */
import { readTextFile } from "./read-file.ts";
import type { Credentials } from "../signing/credentials.ts";
import { UsageError } from "./flags.ts";

/** Where the command looks for its key. */
export interface CredentialSources {
  /** The environment, e.g. `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /** The path given with `--private-key-file`, if any. */
  privateKeyFile?: string;
  /** A dry run signs with placeholders for whatever is missing, and says so through `warn`. */
  dryRun: boolean;
  /** Where notes go (standard error). */
  warn: (text: string) => void;
  /** Reads the key file as UTF-8; default `readTextFile` (src/cli/read-file.ts). */
  readFile?: (path: string) => string;
}

const SET_ONE = "set HTX_SECRET_KEY (HmacSHA256), or HTX_PRIVATE_KEY or --private-key-file (Ed25519)";

/** The PEM text of `--private-key-file`; a file that cannot be read is a usage error naming its path. */
function keyFile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new UsageError(`Cannot read --private-key-file ${path}${typeof code === "string" ? ` (${code})` : ""}.`);
  }
}

/**
 * The credentials to sign with: `{ accessKey, secretKey }` or `{ accessKey, privateKey }` (the
 * PEM text, checked by `HtxClient`, which refuses a bad key with `HtxInputError`).
 * @throws {UsageError} when the access key is missing or not exactly one secret is given.
 */
export function cliCredentials(sources: CredentialSources): Credentials {
  const { env, privateKeyFile, dryRun, warn } = sources;
  const accessKey = env.HTX_ACCESS_KEY ?? "";
  const secretKey = env.HTX_SECRET_KEY ?? "";
  const privateKeyEnv = env.HTX_PRIVATE_KEY ?? "";
  if (privateKeyEnv && privateKeyFile !== undefined) {
    throw new UsageError("Both HTX_PRIVATE_KEY and --private-key-file are given: use one.");
  }
  if (secretKey && (privateKeyEnv || privateKeyFile !== undefined)) {
    throw new UsageError(
      `Both an HmacSHA256 secret and an Ed25519 private key are given: ${SET_ONE}, not both (an API key signs ` +
        `with one method).`,
    );
  }
  const privateKey = privateKeyFile !== undefined
    ? keyFile(privateKeyFile, sources.readFile ?? readTextFile)
    : privateKeyEnv;
  if (privateKeyFile !== undefined && privateKey.trim() === "") {
    throw new UsageError(
      `--private-key-file ${privateKeyFile} is empty: it must hold the Ed25519 private key as PEM ` +
        `(-----BEGIN PRIVATE KEY-----).`,
    );
  }
  if (dryRun && (!accessKey || (!secretKey && !privateKey))) {
    warn("Dry run without a complete API key: signing with placeholders.\n");
    if (privateKey) return { accessKey: accessKey || "dry-run-access-key", privateKey };
    return { accessKey: accessKey || "dry-run-access-key", secretKey: secretKey || "dry-run-secret-key" };
  }
  if (!accessKey) {
    throw new UsageError("HTX_ACCESS_KEY is not set: export your HTX API key's access key as HTX_ACCESS_KEY.");
  }
  if (privateKey) return { accessKey, privateKey };
  if (!secretKey) {
    throw new UsageError(`HTX_SECRET_KEY is not set, nor HTX_PRIVATE_KEY or --private-key-file: ${SET_ONE}.`);
  }
  return { accessKey, secretKey };
}
