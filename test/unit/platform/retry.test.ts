import { describe, expect, it } from "vitest";
import { FleetlineError } from "../../../platform/errors.ts";
import { metricsRegistry } from "../../../platform/metrics.ts";
import { backoffDelayMs, retryPolicies, withRetry, type RetryPolicy } from "../../../platform/retry.ts";

const policy: RetryPolicy = { name: "unit_test", initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0.5, maxAttempts: 4 };
const noSleep = () => Promise.resolve();

describe("retry policies", () => {
  it("grow exponentially up to the cap, with jitter taking away at most the jitter fraction", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(policy, attempt, () => 0.999999))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(policy, attempt, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });

  it("retry only what can succeed later, and count every retry in a metric", async () => {
    // Given an operation failing twice with a retriable error
    let calls = 0;
    const result = await withRetry(
      policy,
      () => {
        calls += 1;
        if (calls < 3) throw new FleetlineError("KAFKA_PRODUCE_FAILED", "broker away", { retriable: true });
        return Promise.resolve("ok");
      },
      { sleep: noSleep },
    );
    // Then it succeeds on the third attempt and two retries are counted
    expect(result).toBe("ok");
    const metric = await metricsRegistry.getSingleMetricAsString("fleetline_retries_total");
    expect(metric).toContain('fleetline_retries_total{policy="unit_test",code="KAFKA_PRODUCE_FAILED"} 2');
  });

  it("do not retry a permanent error, and stop after maxAttempts", async () => {
    let permanentCalls = 0;
    await expect(
      withRetry(policy, () => {
        permanentCalls += 1;
        throw new FleetlineError("SCHEMA_BAD_MAGIC", "not ours", { retriable: false });
      }, { sleep: noSleep }),
    ).rejects.toThrow("not ours");
    expect(permanentCalls).toBe(1);
    let transientCalls = 0;
    await expect(
      withRetry(policy, () => {
        transientCalls += 1;
        throw new FleetlineError("X", "still down", { retriable: true });
      }, { sleep: noSleep }),
    ).rejects.toThrow("still down");
    expect(transientCalls).toBe(policy.maxAttempts);
  });

  it("are named data", () => {
    for (const named of Object.values(retryPolicies)) expect(named.name).toMatch(/^[a-z_]+$/);
  });
});
