/** What the command shows: progress on standard error, the summary on standard output. */
import type { BatchCancelResult } from "../client.ts";

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
    update({ done, total }: { done: number; total: number }): void {
      if (quiet) return;
      if (streams.errIsTerminal) {
        const width = 30;
        const filled = Math.round((done / total) * width);
        last = `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ids  ${rate(done)}  `;
        streams.err(last);
      } else {
        streams.err(`progress: ${done}/${total} ids (${Math.floor((done / total) * 100)}%) ${rate(done)}\n`);
      }
    },
    end(): void {
      if (!quiet && streams.errIsTerminal && last) streams.err("\n");
    },
  };
}

const SHOWN_IDS = 10;

function idList(ids: string[]): string {
  const shown = ids.slice(0, SHOWN_IDS).join(", ");
  return ids.length > SHOWN_IDS ? `${shown}, … and ${ids.length - SHOWN_IDS} more` : shown;
}

function grouped<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** The human summary: submitted, failed by err-code and state, unresolved by error. */
export function summary(result: BatchCancelResult): string {
  const lines: string[] = [];
  const total = result.success.length + result.failed.length + result.unresolved.length;
  lines.push(
    `${total} ids: ${result.success.length} submitted, ${result.failed.length} failed, ${result.unresolved.length} unresolved`,
  );
  if (result.failed.length > 0) {
    lines.push("", "Failed (HTX refused the cancel):");
    const groups = grouped(result.failed, (f) => `${f.errCode}${f.state ? ` (order ${f.state})` : ""}`);
    for (const [reason, items] of groups) {
      lines.push(
        `  ${reason}: ${items.length}`,
        `    ${idList(items.map((f) => f.orderId ?? f.clientOrderId ?? "?"))}`,
      );
    }
  }
  if (result.unresolved.length > 0) {
    lines.push("", "Unresolved (no usable answer; the cancel may or may not have happened):");
    const groups = grouped(result.unresolved, (u) => `${u.error.name}: ${u.error.message}`);
    for (const [reason, items] of groups) {
      lines.push(`  ${reason}: ${items.length}`, `    ${idList(items.map((u) => u.id))}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The exit code: 0 all submitted, 1 some failed or unresolved, 3 nothing could be sent. */
export function exitCode(result: BatchCancelResult, aborted: boolean): 0 | 1 | 3 {
  if (result.failed.length === 0 && result.unresolved.length === 0) return 0;
  const nothingSent = result.success.length === 0 && result.failed.length === 0;
  return nothingSent && !aborted ? 3 : 1;
}
