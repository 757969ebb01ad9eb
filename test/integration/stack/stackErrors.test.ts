import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../../stack/paths.ts";
import { freePort } from "../../../stack/processes.ts";

/** `npm run stack:up` must fail with a sentence a newcomer can act on, never a stack trace. */
describe("local stack start-up errors", () => {
  const dirs: string[] = [];
  const blockers: net.Server[] = [];
  afterAll(() => {
    for (const server of blockers) server.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const stackUp = (env: Record<string, string>) =>
    spawnSync(process.execPath, ["--import", "tsx", "stack/cli.ts", "up"], { cwd: projectRoot, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });

  it("says how to install Java when it is missing", () => {
    const result = stackUp({ PATH: "/nonexistent", STACK_DIR: path.join(os.tmpdir(), "fleetline-no-java") });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("STACK_JAVA_MISSING");
    expect(result.stderr).toContain("apt-get install -y openjdk-17-jre-headless");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("names the port that is already in use", async () => {
    // Given something else listening on the first broker port
    const base = await freePort();
    const blocker = net.createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(base, "127.0.0.1", resolve));
    const dir = mkdtempSync(path.join(os.tmpdir(), "fleetline-port-"));
    dirs.push(dir);
    // When the stack is asked to start there / Then it refuses, naming the port
    const result = stackUp({ STACK_DIR: dir, STACK_KAFKA_PORT: String(base) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`STACK_PORT_IN_USE: port ${base} (Kafka node 1) is already in use`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
