import { describe, expect, it } from "vitest";
import { requiredRetentionMs, topicCatalog, topicCreation } from "../../../platform/topics/catalog.ts";
import { verifyTopic } from "../../../platform/topics/verify.ts";

const healthyMetadata = { name: "t", partitions: [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] })) };
const expected = { name: "t", partitions: 3, retentionMs: 1_000 };

describe("topic verification (pure)", () => {
  it("derives retention from the worst-case consumer downtime, never below the floor", () => {
    const spec = { retentionDowntimeFactor: 2, minRetentionHours: 168 };
    expect(requiredRetentionMs(spec, 24)).toBe(168 * 3_600_000);
    expect(requiredRetentionMs(spec, 240)).toBe(480 * 3_600_000);
  });

  it("creates every catalogue topic with RF 3, min ISR 2 and unclean election off", () => {
    for (const spec of topicCatalog) {
      const creation = topicCreation(spec, 72);
      expect(creation.replicationFactor).toBe(3);
      expect(creation.configs["min.insync.replicas"]).toBe("2");
      expect(creation.configs["unclean.leader.election.enable"]).toBe("false");
    }
  });

  it("flags each dangerous difference with its own code", () => {
    expect(verifyTopic(expected, { metadata: healthyMetadata, configs: { "min.insync.replicas": "2", "retention.ms": "1000" } })).toEqual([]);
    expect(verifyTopic(expected, { metadata: healthyMetadata, configs: { "min.insync.replicas": "2", "retention.ms": "-1" } })).toEqual([]);
    const weak = verifyTopic(expected, {
      metadata: { name: "t", partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1] }] },
      configs: { "min.insync.replicas": "1", "retention.ms": "10", "unclean.leader.election.enable": "true" },
    });
    expect(weak.map((problem) => [problem.code, problem.dangerous])).toEqual([
      ["TOPIC_RF_TOO_LOW", true],
      ["TOPIC_MIN_ISR_TOO_LOW", true],
      ["TOPIC_RETENTION_TOO_SHORT", true],
      ["TOPIC_UNCLEAN_ELECTION", true],
      ["TOPIC_PARTITIONS_DIFFER", false],
    ]);
    expect(verifyTopic(expected, { metadata: undefined, configs: undefined })[0]?.code).toBe("TOPIC_MISSING");
  });
});
