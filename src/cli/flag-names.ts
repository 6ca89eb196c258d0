/**
 * The library's messages in the command's words: an option's API name (`filter.symbols[0]`,
 * `privateKey`) becomes the flag or variable the user set (`--symbols`, `HTX_PRIVATE_KEY`).
 */
import { HtxInputError } from "../core/errors.ts";
import { UsageError } from "./flags.ts";

/** API names at the start of a message, and the command's name for each. */
export type Renames = readonly (readonly [RegExp, string])[];

/** `cancelAllOpen`'s filter fields, as flags. */
export const FILTER_FLAGS: Renames = [
  [/^filter\.symbols\[\d+\] /, "--symbols: "],
  [/^filter\.symbols\b/, "--symbols"],
  [/^filter\.side\b/, "--side"],
];

/** The credential fields, as the variables (or key file) they came from. */
export function credentialNames(privateKeyFile: string | undefined): Renames {
  return [
    [/^privateKey\b/, privateKeyFile === undefined ? "HTX_PRIVATE_KEY" : `--private-key-file ${privateKeyFile}`],
    [/^secretKey\b/, "HTX_SECRET_KEY"],
    [/^accessKey\b/, "HTX_ACCESS_KEY"],
  ];
}

/** Runs `fn`; an `HtxInputError` it throws becomes a usage error in the command's words. */
export function inFlagNames<T>(renames: Renames, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof HtxInputError)) throw error;
    const rename = renames.find(([api]) => api.test(error.message));
    throw rename ? new UsageError(error.message.replace(rename[0], rename[1])) : error;
  }
}
