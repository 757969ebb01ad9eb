import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey } from "../../../platform/kafka/murmur2.ts";

describe("murmur2 partitioner", () => {
  it("matches the Java client's Utils.murmur2 test vectors, so every Kafka tool routes a VIN the same way", () => {
    // Given the vectors from Kafka's own UtilsTest
    const vectors: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
    ];
    // When hashed / Then identical
    for (const [input, expected] of vectors) expect(murmur2(Buffer.from(input))).toBe(expected);
  });

  it("maps a key to toPositive(hash) % partitions", () => {
    expect(partitionForKey("foobar", 12)).toBe((-790332482 & 0x7fffffff) % 12);
    expect(partitionForKey("21", 1)).toBe(0);
  });
});
