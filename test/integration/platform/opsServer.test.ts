import { afterAll, describe, expect, it } from "vitest";
import { Counter } from "prom-client";
import { metricsRegistry } from "../../../platform/metrics.ts";
import { startOpsServer, type OpsServer } from "../../../platform/opsServer.ts";

describe("ops endpoints", () => {
  let kafkaReachable = true;
  let server: OpsServer | undefined;
  afterAll(() => server?.close());

  it("serve liveness always, readiness with the failing check's reason, and Prometheus metrics", async () => {
    // Given a service whose readiness depends on Kafka, and one counter
    const probe = new Counter({ name: "fleetline_ops_test_total", help: "test", registers: [metricsRegistry] });
    probe.inc(3);
    server = await startOpsServer({ port: 0, checks: { kafka: () => (kafkaReachable ? { ready: true } : { ready: false, reason: "no broker answered" }) } });
    const base = `http://127.0.0.1:${server.port}`;
    // When Kafka is reachable / Then ready
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // When it is not / Then 503 naming the check and why, while /healthz stays 200
    kafkaReachable = false;
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, checks: { kafka: { ready: false, reason: "no broker answered" } } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain("fleetline_ops_test_total 3");
  });
});
