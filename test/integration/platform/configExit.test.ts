import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../stack/paths.ts";

describe("a service started with bad configuration", () => {
  it("stops at once with exit code 78 and a message naming the variable and its expected form", () => {
    // Given a malformed broker list and an invalid port
    const result = spawnSync(process.execPath, ["--import", "tsx", "platform/topics/cli.ts"], {
      cwd: projectRoot,
      env: { ...process.env, KAFKA_BROKERS: "no-port-here", METRICS_PORT: "99999" },
      encoding: "utf8",
      timeout: 60_000,
    });
    // Then it exits 78 (EX_CONFIG) naming both, before touching Kafka
    expect(result.status).toBe(78);
    expect(result.stderr).toContain("KAFKA_BROKERS: expected host:port[,host:port…]");
    expect(result.stderr).toContain("METRICS_PORT");
    expect(result.stderr).not.toContain("    at ");
  });
});
