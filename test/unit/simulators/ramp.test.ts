import { describe, expect, it } from "vitest";
import { bestSustained, nextRampRate, stepHolds, type RampPolicy, type RampStep } from "../../../simulators/loadtest/ramp.ts";

const policy: RampPolicy = { startRate: 100, factor: 2, maxSteps: 5, p99BoundMs: 200, minAchievedFraction: 0.9 };
const step = (offeredRate: number, overrides: Partial<RampStep> = {}): RampStep => ({ offeredRate, achievedRate: offeredRate, p99Ms: 50, failed: 0, unacked: 0, ...overrides });

describe("load-test ramp", () => {
  it("starts at the configured rate and multiplies while every step holds", () => {
    expect(nextRampRate([], policy)).toBe(100);
    expect(nextRampRate([step(100)], policy)).toBe(200);
    expect(nextRampRate([step(100), step(200)], policy)).toBe(400);
  });

  it("stops at the first step that breaks the latency bound, loses or fails a message, or falls behind", () => {
    expect(nextRampRate([step(100), step(200, { p99Ms: 250 })], policy)).toBeUndefined();
    expect(stepHolds(step(200, { failed: 1 }), policy)).toBe(false);
    expect(stepHolds(step(200, { unacked: 3 }), policy)).toBe(false);
    expect(stepHolds(step(200, { achievedRate: 150 }), policy)).toBe(false);
    expect(stepHolds(step(200, { p99Ms: undefined }), policy)).toBe(false);
  });

  it("never runs more than maxSteps", () => {
    const history = [100, 200, 400, 800, 1600].map((rate) => step(rate));
    expect(nextRampRate(history, policy)).toBeUndefined();
  });

  it("reports the highest rate that held, not the last one tried", () => {
    const history = [step(100), step(200, { achievedRate: 195 }), step(400, { p99Ms: 900 })];
    expect(bestSustained(history, policy)?.offeredRate).toBe(200);
    expect(bestSustained([step(100, { failed: 2 })], policy)).toBeUndefined();
  });
});
