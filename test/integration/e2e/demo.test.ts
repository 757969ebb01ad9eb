import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, stackRoot } from "../../../stack/paths.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { stackDir, testBrokers } from "../../support/kafka.ts";

/** The commands a newcomer runs first, end to end through the real stack (Kafka, PostgreSQL, MQTT over TCP). */
describe("demo and load test through the whole system", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("e2e");
  });
  afterAll(() => database.drop());

  const run = (script: string, args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: projectRoot,
      // The stack the suite prepared; a database of this file's own.
      env: { ...process.env, STACK_DIR: stackDir(), KAFKA_BROKERS: testBrokers().join(","), DATABASE_URL: database.url },
      encoding: "utf8",
      timeout: 400_000,
    });

  it("stores every event PUBACKed by 100 vehicles exactly once despite connectivity loss, duplicates and reordering", () => {
    // Given 100 vehicles that lose connectivity, send duplicates and reorder their messages
    const report = path.join(stackRoot, `loadtest-e2e-${process.pid}.json`);
    // When the load test drives them through gateway → Kafka → pipeline → PostgreSQL
    const result = run("simulators/loadtest/cli.ts", ["--vehicles", "100", "--rate", "200", "--duration", "15", "--loss", "0.05", "--duplicates", "0.05", "--reorder", "0.05", "--json", report]);
    // Then the loss audit finds zero missing and zero duplicated rows
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const figures = JSON.parse(readFileSync(report, "utf8")) as { sent: number; acked: number; missing: number; duplicated: number; msgs_per_s: number };
    expect(figures.acked).toBeGreaterThan(1_000);
    expect(figures.missing).toBe(0);
    expect(figures.duplicated).toBe(0);
  }, 420_000);

  it("runs the demo to completion with a passing loss audit and exits 0", () => {
    const result = run("stack/demo.ts", ["--vehicles", "20", "--duration", "8"]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("loss audit");
    expect(result.stdout).toMatch(/PASS: all \d+ PUBACKed events stored exactly once/);
    expect(result.stdout).toContain("SELECT vin, event_time");
  }, 420_000);
});
