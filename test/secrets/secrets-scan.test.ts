/**
 * The secrets scan (scripts/secrets-scan.js), on planted leaks in a throwaway
 * checkout: it must find every kind of secret in every kind of output, name
 * where without printing the secret, and pass a clean run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { collectSecrets, main, outputFiles, scanFiles } from "../../scripts/secrets-scan";
import { registerSecret } from "./register";

const PLANTED = "planted-pw-7c1e";

let root = "";
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "scitacean-secrets-"));
  put("src/testing/users.ts", `export const USERS = [{ username: "x", password: "${PLANTED}" }];\n`);
  put("build/test-output.log", "== jest\nPASS test/a.test.ts\n10 passed, 0 failed\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(relative: string, content: string | Buffer): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** Runs the command line on the throwaway checkout; returns its exit code and what it printed. */
function run(...extra: string[]): { code: number; printed: string } {
  const lines: string[] = [];
  const spy = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  try {
    return { code: main(["--root", root, ...extra]), printed: lines.join("\n") };
  } finally {
    spy.mockRestore();
  }
}

describe("secrets-scan", () => {
  it("passes a clean run and says what it looked at", () => {
    const { code, printed } = run("--require", "build/test-output.log");
    expect(printed).toMatch(/^secrets-scan: no secret in 1 output files, 1 secrets \(0 registered by the tests\)/);
    expect(code).toBe(0);
  });

  it("finds a fixture password in the captured output, naming file and line but not the password", () => {
    put("build/test-output.log", `ok\nlogin failed for x with ${PLANTED}\n`);
    const { code, printed } = run();
    expect(code).toBe(1);
    expect(printed).toContain("build/test-output.log:2: fixture literal at src/testing/users.ts:1");
    expect(printed).not.toContain(PLANTED);
  });

  it("finds a registered run-time secret, also JSON-escaped inside jest's results", () => {
    const value = 'tok"en\nwith-escapes-1234';
    registerSecret("a token with quotes", value, path.join(root, "build", "secrets.list"));
    put("build/jest-results.json", JSON.stringify({ testResults: [{ message: `leaked ${value}` }] }));
    const { code, printed } = run();
    expect(code).toBe(1);
    expect(printed).toContain("registered: a token with quotes");
    expect(printed).toContain("(1 registered by the tests)");
    // The list itself is not an output.
    expect(printed).not.toContain("secrets.list:");
  });

  it("finds a secret in a notebook's outputs, not in its sources (the sources are fixtures)", () => {
    const notebook = (outputText: string): string =>
      JSON.stringify({ cells: [{ cell_type: "code", source: [`const pw = "${PLANTED}";`], outputs: [{ output_type: "stream", text: [outputText] }] }] });
    put("build/notebooks/a.ipynb", notebook("logged in\n"));
    expect(run().code).toBe(0);
    put("build/notebooks/a.ipynb", notebook(`the password is ${PLANTED}\n`));
    expect(run().code).toBe(1);
  });

  it("skips jest code frames, which show the fixtures of a failing test", () => {
    put("build/test-output.log", `  \u001b[90m 12 |\u001b[39m     password: "${PLANTED}",\n  > 13 |   expect(x).toBe("${PLANTED}");\n`);
    expect(run().code).toBe(0);
  });

  it("skips test names, in jest's report and in its JSON results", () => {
    put("build/test-output.log", `  ● logins › works with ${PLANTED}\n    ✓ works with ${PLANTED} (3 ms)\n`);
    put("build/jest-results.json", JSON.stringify({ testResults: [{ assertionResults: [{ title: PLANTED, fullName: PLANTED, ancestorTitles: [PLANTED] }] }] }));
    expect(run().code).toBe(0);
    put("build/jest-results.json", JSON.stringify({ testResults: [{ assertionResults: [{ title: "x", failureMessages: [`got ${PLANTED}`] }] }] }));
    expect(run().code).toBe(1);
  });

  it.each([
    ["a private key (PEM)", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n"],
    ["a private key (printed Buffer)", "key: <Buffer 2d 2d 2d 2d 2d 42 45 47 49 4e 20 4f 50 45 4e 53 53 48 20 50 52 49 56 41 54 45 20 4b 45 59>"],
    ["a JWT", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwb25kZXIifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"],
    ["a login link with a token", "http://127.0.0.1:8888/lab?token=0123456789abcdef0123"],
  ])("finds %s whoever made it", (label, text) => {
    put("build/browser/page.txt", text);
    const { code, printed } = run();
    expect(code).toBe(1);
    expect(printed).toContain(`build/browser/page.txt:1: ${label}`);
  });

  it("skips binary files such as screenshots", () => {
    put("build/browser/shot.png", Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.from(PLANTED)]));
    expect(run().code).toBe(0);
  });

  it("fails when the run's output is missing, or when there is nothing to look for", () => {
    expect(run("--require", "build/nothing.log").printed).toMatch(/FAILED: the run's output is missing \(build\/nothing.log\)/);
    rmSync(path.join(root, "src"), { recursive: true });
    const { code, printed } = run();
    expect(code).toBe(1);
    expect(printed).toMatch(/FAILED: no secrets of the tests were found/);
  });

  it("derives the real suite's secrets from its fixtures: stand-in passwords and SFTP passphrases", () => {
    const repo = path.resolve(__dirname, "..", "..");
    const values = collectSecrets(repo, { listFile: path.join(root, "none.list"), env: {} }).map((s) => s.value);
    const standIn = readFileSync(path.join(repo, "src/testing/scicat-server/server.ts"), "utf8");
    const passwords = [...standIn.matchAll(/password: "([^"]+)"/g)].map((m) => m[1]);
    expect(passwords.length).toBeGreaterThan(0);
    for (const password of passwords) expect(values).toContain(password);
    expect(values).toContain("correct horse");
  });

  it("scanFiles and outputFiles can be used on their own", () => {
    const file = put("build/x/log.txt", `zz ${PLANTED}`);
    expect(outputFiles(path.join(root, "build"))).toContain(file);
    const { findings, scanned } = scanFiles([file], [{ label: "planted", value: PLANTED }], { root });
    expect(scanned).toBe(1);
    expect(findings).toEqual([{ where: "build/x/log.txt:1", label: "planted" }]);
  });
});
