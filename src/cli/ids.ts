/**
 * The ids of a cancel by id, from `--order-ids`/`--client-order-ids` or an ids file, each
 * checked where the user wrote it: a bad id is reported by its file line or list item, every
 * bad one (up to {@link MAX_REPORTED}), before anything is sent.
 */
import { HtxInputError } from "../core/errors.ts";
import { type BatchCancelInput, normalizeIds } from "../core/input.ts";
import type { IdSource } from "./args.ts";
import { UsageError } from "./flags.ts";
import { plural } from "./output.ts";
import { readTextFile } from "./read-file.ts";

/** How many bad ids a message names; it counts the rest. */
const MAX_REPORTED = 20;

/** An id and where the user wrote it: `ids.txt line 6`, `--order-ids item 2`. */
interface Entry {
  id: string;
  where: string;
}

/** Ids from a file's text: one per line, blank lines and `#` comments skipped, each with its line number. */
function fileEntries(text: string, name: string): Entry[] {
  const entries: Entry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const id = line.trim();
    if (id !== "" && !id.startsWith("#")) entries.push({ id, where: `${name} line ${i + 1}` });
  });
  return entries;
}

/** A comma-separated list's ids, each numbered by where it stands as written (`1,,x`: x is item 3). */
function listEntries(flag: string, text: string): Entry[] {
  return text.split(",").flatMap((item, i) => {
    const id = item.trim();
    return id === "" ? [] : [{ id, where: `--${flag} item ${i + 1}` }];
  });
}

function readFile(file: string): string {
  try {
    return readTextFile(file === "-" ? 0 : file);
  } catch (error) {
    throw new UsageError(`Cannot read --ids-file ${file}: ${(error as Error).message}`);
  }
}

/** What is wrong with one id, in the library's words without its field name, or undefined. */
function problem(client: boolean, id: string): string | undefined {
  try {
    normalizeIds(client ? { clientOrderIds: [id] } : { orderIds: [id] });
    return undefined;
  } catch (error) {
    if (!(error instanceof HtxInputError)) throw error;
    return error.message.replace(/^\w+\[0\] /, "");
  }
}

/** Splits `"x" is not an order id: expected …` into the finding and the rule, said once for all. */
function findingAndRule(message: string): [string, string | undefined] {
  const colon = message.indexOf(": ", message.lastIndexOf(" is not "));
  return colon < 0 ? [message, undefined] : [message.slice(0, colon), message.slice(colon + 2)];
}

/** The usage error naming every bad entry (up to the cap) by where it was written. */
function badEntries(entries: readonly Entry[], client: boolean): UsageError {
  const lines: string[] = [];
  const rules = new Set<string>();
  let bad = 0;
  for (const { id, where } of entries) {
    const why = problem(client, id);
    if (why === undefined) continue;
    bad++;
    if (lines.length === MAX_REPORTED) continue;
    const [finding, rule] = findingAndRule(why);
    lines.push(`  ${where}: ${finding}`);
    if (rule !== undefined) rules.add(rule.charAt(0).toUpperCase() + rule.slice(1));
  }
  if (bad > lines.length) lines.push(`  … and ${bad - lines.length} more`);
  return new UsageError(`${plural(bad, "bad id")}; nothing was sent:\n${lines.join("\n")}\n${[...rules].join("\n")}`);
}

/**
 * The input for `batchCancel`, every id checked.
 * @throws {UsageError} naming each bad id where it was written, or an empty source.
 */
export function readIds(source: IdSource): BatchCancelInput {
  const client = "file" in source ? source.client : source.flag === "client-order-ids";
  const entries = "file" in source
    ? fileEntries(readFile(source.file), source.file === "-" ? "standard input" : source.file)
    : listEntries(source.flag, source.list);
  if (entries.length === 0) {
    throw new UsageError(
      "file" in source
        ? `--ids-file ${source.file} holds no id (blank lines and lines starting with # are skipped).`
        : `--${source.flag} is empty: give at least one id, comma-separated.`,
    );
  }
  const ids = entries.map((entry) => entry.id);
  const input = client ? { clientOrderIds: ids } : { orderIds: ids };
  try {
    normalizeIds(input);
  } catch (error) {
    if (!(error instanceof HtxInputError)) throw error;
    throw badEntries(entries, client);
  }
  return input;
}
