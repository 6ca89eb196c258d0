/** What the command shows: progress on standard error, the summary on standard output. */
import type { BatchCancelResult, CancelAllOpenResult } from "../client.ts";
import { classify, failedId, type ResultClasses, type UnresolvedCancel } from "../cancel/outcome.ts";
import type { FailedCancel } from "../http/answers.ts";

/** "1 id", "2 ids": a count and its noun, singular for one. */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** Where the command writes; a terminal gets a bar, anything else plain lines. */
export interface Streams {
  out: (text: string) => void;
  err: (text: string) => void;
  errIsTerminal: boolean;
}

/** A progress reporter for `onProgress`, and `end` to finish its line. */
export function progressReporter(streams: Streams, quiet: boolean, clock: () => number = () => performance.now()) {
  const started = clock();
  let last = "";
  const rate = (done: number) => {
    const seconds = (clock() - started) / 1000;
    return seconds > 0 ? `${Math.round(done / seconds)} ids/s` : "";
  };
  return {
    /** `pages` and `swept` come with the kill switch: listing and cancelling shown together. */
    update({ done, total, pages, swept }: { done: number; total: number; pages?: number; swept?: number }): void {
      if (quiet) return;
      const listing = pages === undefined ? "" : `  listed ${plural(pages, "page")}, swept ${swept ?? 0}`;
      if (streams.errIsTerminal) {
        const width = 30;
        const filled = total === 0 ? 0 : Math.round((done / total) * width);
        last = `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${plural(total, "id")}${listing}  ` +
          `${rate(done)}  `;
        streams.err(last);
      } else {
        const percent = total === 0 ? 0 : Math.floor((done / total) * 100);
        streams.err(`progress: ${done}/${plural(total, "id")} (${percent}%)${listing} ${rate(done)}\n`);
      }
    },
    end(): void {
      if (!quiet && streams.errIsTerminal && last) streams.err("\n");
    },
  };
}

const SHOWN_IDS = 10;

function idList(ids: readonly string[]): string {
  const shown = ids.slice(0, SHOWN_IDS).join(", ");
  return ids.length > SHOWN_IDS ? `${shown}, … and ${ids.length - SHOWN_IDS} more` : shown;
}

/** Ids grouped by a label, in first-seen order; linear in the number of ids. */
function grouped<T>(items: readonly T[], label: (item: T) => string, id: (item: T) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const key = label(item);
    const ids = groups.get(key);
    if (ids) ids.push(id(item));
    else groups.set(key, [id(item)]);
  }
  return groups;
}

function groupLines(groups: Map<string, string[]>, indent: string): string[] {
  const lines: string[] = [];
  for (const [label, ids] of groups) lines.push(`${indent}${ids.length} × ${label}`, `${indent}    ${idList(ids)}`);
  return lines;
}

const refusal = (f: FailedCancel) => `${f.errCode}${f.state ? ` (order ${f.state})` : ""}`;
const failure = (u: UnresolvedCancel) => `${u.error.name}: ${u.error.message}`;

/** Lines of class (b): closed, before this call or possibly by it. */
function closedLines(closed: readonly FailedCancel[]): string[] {
  if (closed.length === 0) return [];
  const before = closed.filter((f) => f.outcome === "already-closed");
  const byUs = closed.filter((f) => f.outcome === "closed-possibly-by-this-call");
  const lines = ["", `Closed (nothing left to cancel): ${closed.length}`];
  if (before.length > 0) {
    lines.push(`  already closed (canceled or filled), not by this run: ${before.length}`);
    lines.push(...groupLines(grouped(before, (f) => f.state ?? f.errCode, failedId), "    "));
  }
  if (byUs.length > 0) {
    lines.push(
      `  closed, possibly by this run: ${byUs.length} (an earlier request's answer was lost, or the kill ` +
        `switch's sweep ran; that or something before this run closed them, which of the two cannot be known)`,
    );
    lines.push(...groupLines(grouped(byUs, (f) => f.state ?? f.errCode, failedId), "    "));
  }
  return lines;
}

/** Lines of class (c): may still be open, with the reason. */
function mayBeOpenLines({ ids, failed, unresolved }: ResultClasses["mayBeOpen"]): string[] {
  if (ids.length === 0) return [];
  const lines = ["", `May still be open (check them, or cancel them again): ${ids.length}`];
  if (failed.length > 0) {
    lines.push(`  HTX did not cancel them: ${failed.length}`);
    lines.push(...groupLines(grouped(failed, refusal, failedId), "    "));
  }
  const maybe = unresolved.filter((u) => u.mayHaveBeenApplied);
  const notApplied = unresolved.filter((u) => !u.mayHaveBeenApplied);
  if (maybe.length > 0) {
    lines.push(`  no usable answer; the cancel may or may not have been applied: ${maybe.length}`);
    lines.push(...groupLines(grouped(maybe, failure, (u) => u.id), "    "));
  }
  if (notApplied.length > 0) {
    lines.push(`  no usable answer; the cancel was not applied: ${notApplied.length}`);
    lines.push(...groupLines(grouped(notApplied, failure, (u) => u.id), "    "));
  }
  return lines;
}

/**
 * The human summary, by what the user does next: (a) cancel accepted, (b) closed (before this
 * run, or possibly by it), (c) may still be open, each with its reasons. Linear in the ids.
 */
export function summary(result: BatchCancelResult): string {
  const { accepted, closed, mayBeOpen } = classify(result);
  const total = accepted.length + closed.length + mayBeOpen.ids.length;
  const lines = [
    `${plural(total, "id")}: ${accepted.length} cancel accepted, ${closed.length} closed, ${mayBeOpen.ids.length} ` +
    `may still be open`,
    `  (in --json: ${result.success.length} success, ${result.failed.length} failed, ${result.unresolved.length} unresolved)`,
  ];
  if (accepted.length > 0) {
    lines.push("", `Cancel accepted (HTX submitted the cancel): ${accepted.length}`, `    ${idList(accepted)}`);
  }
  lines.push(...closedLines(closed), ...mayBeOpenLines(mayBeOpen));
  return `${lines.join("\n")}\n`;
}

/**
 * The exit code: 0 when no id may still be open (accepted or closed); 3 when nothing can have
 * reached HTX (every id unresolved, none possibly applied) and the run was not interrupted;
 * 1 otherwise.
 */
export function exitCode(result: BatchCancelResult, aborted: boolean): 0 | 1 | 3 {
  if (classify(result).mayBeOpen.ids.length === 0) return 0;
  const nothingReached = result.success.length === 0 && result.failed.length === 0 &&
    result.unresolved.every((u) => !u.mayHaveBeenApplied);
  return nothingReached && !aborted ? 3 : 1;
}

/** The kill switch's summary: the orders' classes, then what the last listing showed. */
export function killSwitchSummary(result: CancelAllOpenResult): string {
  const lines = [summary(result).trimEnd(), ""];
  const listed = `${plural(result.listings, "listing")} of account ${result.accountId}`;
  if (result.confirmedEmpty) {
    lines.push(`Confirmed empty: a last listing found no open order (${listed}).`);
  } else {
    const open = result.stillOpen;
    lines.push(`NOT confirmed empty: ${plural(open.length, "order")} may still be open (${listed}).`);
    const bySymbol = grouped(open, (o) => `${o.symbol} ${o.state}`, (o) => o.id);
    lines.push(...groupLines(bySymbol, "  "));
  }
  if (result.refusedForKey) {
    const { name, message } = result.refusedForKey;
    lines.push(`HTX refused this API key (${name}: ${message}): no cancel was sent after that.`);
  }
  // The sweep's answers are counts: the orders it cancelled may be in no listing at all.
  if (result.swept > 0) lines.push(`The sweep (cancel by criteria) cancelled ${plural(result.swept, "order")}.`);
  if (result.deadlineReached) lines.push("The deadline passed: no cancel was sent after it.");
  for (const error of result.listingErrors) lines.push(`A listing failed: ${error.name}: ${error.message}`);
  return `${lines.join("\n")}\n`;
}
