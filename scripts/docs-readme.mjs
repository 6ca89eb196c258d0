// `npm run docs:readme`: rewrites README.md's generated blocks from real runs of the built CLI:
//   <!-- begin: demo -->  ...  <!-- end: demo -->        `htx-batch-cancel demo` (stderr and stdout)
//   <!-- begin: cli-usage --> ... <!-- end: cli-usage --> the "Usage:" lines of `--help`
// `--check` rewrites nothing: it runs the CLI again and exits 1, with a diff, when a block
// differs from the fresh run in anything but its numbers (ports, rates, durations, counts), which is
// what test/readme.test.ts runs. Needs dist/ (the npm script builds it).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const ROOT = new URL("../", import.meta.url).pathname;
const README = `${ROOT}README.md`;
const CLI = `${ROOT}dist/src/cli.cjs`;

/** Runs the CLI; stderr and stdout in the order they were written, as a terminal shows them. */
function cli(args) {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const run = spawnSync("sh", ["-c", `${quoted} 2>&1`], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: run.stdout.replace(/\s+$/, "") };
}

/** The demo's transcript, progress lines cut to the first and the last. */
function demo() {
  const { output } = cli(["demo"]);
  const lines = output.split("\n");
  const progress = lines.flatMap((line, i) => (line.startsWith("progress:") ? [i] : []));
  if (progress.length > 2) lines.splice(progress[1], progress.at(-1) - progress[1], "…");
  return `$ npm run demo\n${lines.join("\n")}`;
}

/** The "Usage:" section of `--help`. */
function usage() {
  const { status, output } = cli(["--help"]);
  if (status !== 0) throw new Error(`--help exited ${status}:\n${output}`);
  const match = /^Usage:\n((?: {2}.*\n?)+)/m.exec(output);
  if (!match) throw new Error(`--help has no "Usage:" section:\n${output}`);
  return match[1].replace(/^ {2}/gm, "").trimEnd();
}

const BLOCKS = { demo, "cli-usage": usage };

/**
 * What varies from run to run: the port, rates, durations, and counts that depend on timing
 * (the demo's order bot runs on the clock). The shape must match; the numbers need not.
 */
function numbersAside(text) {
  return text.replace(/\d+(?:[.,]\d+)*/g, "N");
}

function section(readme, name) {
  const pattern = new RegExp(`(<!-- begin: ${name} -->\\n\`\`\`text\\n)([\\s\\S]*?)(\`\`\`\\n<!-- end: ${name} -->)`);
  const match = pattern.exec(readme);
  if (!match) throw new Error(`README.md has no generated block "${name}"`);
  return { pattern, body: match[2].trimEnd() };
}

let readme = readFileSync(README, "utf8");
let stale = 0;
for (const [name, render] of Object.entries(BLOCKS)) {
  const fresh = render();
  const { pattern, body } = section(readme, name);
  if (process.argv.includes("--check")) {
    if (numbersAside(body) !== numbersAside(fresh)) {
      stale++;
      console.error(`README.md block "${name}" differs from a real run (npm run docs:readme rewrites it).`);
      console.error(`--- README.md\n${body}\n--- real run\n${fresh}`);
    }
  } else {
    readme = readme.replace(pattern, (_, open, _body, close) => `${open}${fresh}\n${close}`);
  }
}
if (!process.argv.includes("--check")) writeFileSync(README, readme);
process.exit(stale === 0 ? 0 : 1);
