// The bench's table, shared by bench/index.mjs (printed after a run) and
// scripts/docs-performance.mjs (rendered into docs/performance.md from bench/results/latest.json).

/** The bench's number format: 3 significant figures, more for small numbers. */
export const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The rows as a Markdown table under a title line. */
export function benchTable(title, rows) {
  return [
    title,
    "",
    "| row | median | spread | runs | baseline | baseline median | ratio | target |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${r.name}${r.violations !== undefined ? ` (violations: ${r.violations})` : ""} | ${
        fmt(r.median)
      } ${r.unit} | ${r.spread} | ${r.runs} | ${r.baseline ?? ""} | ${
        r.baselineMedian !== undefined ? `${fmt(r.baselineMedian)} ${r.unit}` : ""
      } | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : ""}${
        r.overBaseline !== undefined ? ` (${r.overBaseline < 0 ? "−" : "+"}${fmt(Math.abs(r.overBaseline))} ms)` : ""
      } | ${r.target ?? ""} |`
    ),
  ].join("\n");
}
