import { describe, expect, it } from "vitest";
import {
  acceptsConnections, admitPublish, clientReading, emptyBudget, levelOf, readingAllowed, release, reserve, validateLimits,
  type BudgetLimits,
} from "../../../gateway/core/budget.ts";

const limits: BudgetLimits = { maxMessages: 100, maxBytes: 10_000, softMark: 0.5, highMark: 0.8, hardMark: 1, perClientInflight: 10 };

const fill = (messages: number, bytesEach: number) => {
  let state = emptyBudget;
  for (let i = 0; i < messages; i++) state = reserve(state, bytesEach);
  return state;
};

describe("overload budget", () => {
  it("walks normal → soft → high → hard as messages wait for Kafka, and back as they are released", () => {
    // Given an empty budget / When messages are reserved / Then the level rises at each watermark
    expect(levelOf(fill(49, 1), limits)).toBe("normal");
    expect(levelOf(fill(50, 1), limits)).toBe("soft");
    expect(levelOf(fill(80, 1), limits)).toBe("high");
    expect(levelOf(fill(100, 1), limits)).toBe("hard");
    // When released / Then it falls again and never goes negative
    let state = fill(100, 1);
    for (let i = 0; i < 60; i++) state = release(state, 1);
    expect(levelOf(state, limits)).toBe("normal");
    expect(release(emptyBudget, 5)).toEqual(emptyBudget);
  });

  it("counts bytes as well as messages: a few large payloads reach the hard mark", () => {
    expect(levelOf(fill(10, 1000), limits)).toBe("hard");
  });

  it("sheds only QoS 0 above the soft mark, refuses connections above high, stops reading at hard", () => {
    expect(admitPublish("normal", 0)).toBe("accept");
    expect(admitPublish("soft", 0)).toBe("shed");
    expect(admitPublish("hard", 1)).toBe("accept");
    expect([acceptsConnections("soft"), acceptsConnections("high")]).toEqual([true, false]);
    expect([readingAllowed("high"), readingAllowed("hard")]).toEqual([true, false]);
  });

  it("pauses a client at its in-flight cap and resumes it at half, without flapping", () => {
    expect(clientReading(false, 9, limits)).toBe(true);
    expect(clientReading(false, 10, limits)).toBe(false);
    expect(clientReading(true, 6, limits)).toBe(false);
    expect(clientReading(true, 5, limits)).toBe(true);
  });

  it("rejects watermarks out of order", () => {
    expect(validateLimits(limits)).toEqual([]);
    expect(validateLimits({ ...limits, softMark: 0.9 })).not.toEqual([]);
  });
});
