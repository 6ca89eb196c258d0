/**
 * Which command takes which flag, as one table, and the rules every flag follows: an unknown
 * flag, a flag given twice and a flag the command does not use are usage errors (exit 2,
 * nothing sent), each with "did you mean" where a known name is near.
 *
 * Adding a flag is one row of {@link FLAGS}; adding a command is one row of {@link COMMANDS}
 * (and its name in the rows of the flags it takes, or in {@link SENDING} when it talks to HTX).
 */
import type { parseArgs } from "node:util";
import { nearestName } from "../core/nearest-name.ts";

/** A usage mistake: the command exits 2 and sends nothing. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The commands, each with the words messages call it by. A positional word selects the command
 * of that name; `--all-open` selects `cancel-all`; with neither, the command cancels by id.
 */
export const COMMANDS = {
  cancel: "a cancel by id",
  "cancel-all": "--all-open",
  simulate: "simulate",
  demo: "demo",
} as const;

/** A command's name, as {@link COMMANDS} lists it. */
export type CommandName = keyof typeof COMMANDS;

/** The commands that send signed requests to HTX: they take the flags that say how. */
const SENDING: readonly CommandName[] = ["cancel", "cancel-all"];
const EVERY: readonly CommandName[] = Object.keys(COMMANDS) as CommandName[];

/** One flag: its parseArgs `type` (and `short`), and the commands that take it. */
interface FlagRow {
  type: "string" | "boolean";
  short?: string;
  for: readonly CommandName[];
}

/** Which command takes which flag: one row a flag. */
export const FLAGS = {
  "all-open": { type: "boolean", for: ["cancel-all"] },
  symbols: { type: "string", for: ["cancel-all"] },
  side: { type: "string", for: ["cancel-all"] },
  "deadline-ms": { type: "string", for: ["cancel-all", "demo"] },
  "no-sweep": { type: "boolean", for: ["cancel-all"] },
  "order-ids": { type: "string", for: ["cancel"] },
  "client-order-ids": { type: "string", for: ["cancel"] },
  "ids-file": { type: "string", for: ["cancel"] },
  "client-ids": { type: "boolean", for: ["cancel"] },
  "base-url": { type: "string", for: SENDING },
  "private-key-file": { type: "string", for: SENDING },
  aws: { type: "boolean", for: SENDING },
  "timeout-ms": { type: "string", for: SENDING },
  retries: { type: "string", for: SENDING },
  "dry-run": { type: "boolean", for: SENDING },
  json: { type: "boolean", for: SENDING },
  quiet: { type: "boolean", for: SENDING },
  port: { type: "string", for: ["simulate"] },
  orders: { type: "string", for: ["simulate", "demo"] },
  "latency-ms": { type: "string", for: ["simulate", "demo"] },
  help: { type: "boolean", short: "h", for: EVERY },
  version: { type: "boolean", short: "v", for: EVERY },
} as const satisfies Record<string, FlagRow>;

/** A flag's long name. */
export type FlagName = keyof typeof FLAGS;

/** The parsed values, by flag name. */
export type FlagValues = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof FLAGS; allowPositionals: true; tokens: true }>
>["values"];

const NAMES = Object.keys(FLAGS) as FlagName[];
const HELP_HINT = "Run htx-batch-cancel --help for the options.";

/** The flags `command` takes. */
export function flagsOf(command: CommandName): FlagName[] {
  return NAMES.filter((name) => (FLAGS[name].for as readonly CommandName[]).includes(command));
}

function didYouMean(name: string, among: readonly string[]): string {
  const nearest = nearestName(name, among);
  return nearest === undefined ? "" : ` Did you mean --${nearest}?`;
}

/** Refuses an unknown `--flag` with our own message, suggesting the nearest known one. */
export function checkKnown(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === "--") return;
    if (!arg.startsWith("--")) continue;
    const name = arg.slice(2).split("=")[0]!;
    if (Object.hasOwn(FLAGS, name)) continue;
    throw new UsageError(`Unknown option "--${name}".${didYouMean(name, NAMES)} ${HELP_HINT}`);
  }
}

/** Extra advice for a repeated flag, where a user may have meant two lists. */
const REPEAT_ADVICE: Partial<Record<FlagName, string>> = {
  "order-ids": "put every id in one --order-ids, comma-separated, or use --ids-file",
  "client-order-ids": "put every id in one --client-order-ids, comma-separated, or use --ids-file",
  symbols: "put every symbol in one --symbols, comma-separated",
};

/**
 * One rule for every flag: each is given at most once. A repeated flag would otherwise keep its
 * last value only, silently dropping the first (for an id list: ids not cancelled).
 */
export function checkRepeats(tokens: readonly { kind: string; name?: string }[]): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === undefined) continue;
    if (seen.has(token.name)) {
      const name = token.name as FlagName;
      const advice = REPEAT_ADVICE[name] ?? "keep the one you mean";
      throw new UsageError(`--${name} is given more than once: give each flag once (${advice}). Nothing was sent.`);
    }
    seen.add(token.name);
  }
}

function commandList(commands: readonly CommandName[]): string {
  const labels = commands.map((command) => COMMANDS[command]);
  return labels.length <= 1 ? labels.join("") : `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}`;
}

/** Refuses a flag `command` does not use, saying which command takes it. */
export function checkTaken(command: CommandName, given: Iterable<string>): void {
  const taken = flagsOf(command);
  for (const name of given) {
    const flag = name as FlagName;
    if (taken.includes(flag)) continue;
    const hint = didYouMean(name, taken);
    const where = flag === "all-open"
      ? `--all-open is a command of its own, not an option of ${COMMANDS[command]}.`
      : `--${name} goes with ${commandList(FLAGS[flag].for)}, not with ${COMMANDS[command]}.`;
    throw new UsageError(`${where}${hint} ${HELP_HINT}`);
  }
}

/**
 * The command a parsed command line names: a positional word, or `--all-open`, or a cancel by
 * id. More than one word is a usage error.
 */
export function commandOf(positionals: readonly string[], allOpen: boolean): CommandName {
  const [word, ...rest] = positionals;
  const named = word !== undefined && word !== "cancel-all" && Object.hasOwn(COMMANDS, word);
  if (rest.length > 0 || (word !== undefined && !named)) {
    const unexpected = named ? rest[0] : word;
    throw new UsageError(`Unexpected argument "${unexpected}". Run htx-batch-cancel --help.`);
  }
  if (named) return word as CommandName;
  return allOpen ? "cancel-all" : "cancel";
}
