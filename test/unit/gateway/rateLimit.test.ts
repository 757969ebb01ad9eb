import { describe, expect, it } from "vitest";
import { BoundedMap, isBlocked, recordFailure, takeToken, type TokenBucket } from "../../../gateway/core/rateLimit.ts";

describe("connection rate limiter", () => {
  it("admits a burst up to the rate, then refuses until tokens refill", () => {
    // Given 5 connections/s / When 6 arrive at once / Then the sixth is refused, and one is admitted 200 ms later
    let bucket: TokenBucket | undefined;
    const verdicts: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const result = takeToken(bucket, 5, 1000);
      bucket = result.bucket;
      verdicts.push(result.allowed);
    }
    expect(verdicts).toEqual([true, true, true, true, true, false]);
    expect(takeToken(bucket, 5, 1200).allowed).toBe(true);
  });
});

describe("failed-login throttle", () => {
  const policy = { limit: 3, windowMs: 10_000, blockMs: 30_000 };

  it("blocks an address after the limit of failures within the window, then forgives it", () => {
    let entry = recordFailure(undefined, policy, 0);
    entry = recordFailure(entry, policy, 1);
    expect(isBlocked(entry, 2)).toBe(false);
    entry = recordFailure(entry, policy, 2);
    expect(isBlocked(entry, 3)).toBe(true);
    expect(isBlocked(entry, 30_002)).toBe(false);
  });

  it("starts a new window when failures are spread out", () => {
    let entry = recordFailure(undefined, policy, 0);
    entry = recordFailure(entry, policy, 1);
    entry = recordFailure(entry, policy, 20_000);
    expect(entry.count).toBe(1);
    expect(isBlocked(entry, 20_001)).toBe(false);
  });

  it("keeps per-address state bounded", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    map.set("c", 3);
    expect([map.get("a"), map.get("b"), map.get("c"), map.size]).toEqual([undefined, 2, 3, 2]);
  });
});
