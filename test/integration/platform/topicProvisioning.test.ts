import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFleetlineError } from "../../../platform/errors.ts";
import type { KafkaAdmin } from "../../../platform/kafka/port.ts";
import { requiredRetentionMs, topicSpec, topicCreation } from "../../../platform/topics/catalog.ts";
import { assertTopicsSafe } from "../../../platform/topics/provision.ts";
import { testKafka } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";

describe("topic verification at start-up", () => {
  let admin: KafkaAdmin;
  const downtimeHours = 72;
  beforeAll(async () => {
    admin = await testKafka().admin();
  });
  afterAll(() => admin.disconnect());

  async function refusal(names: string[]): Promise<string[]> {
    try {
      await assertTopicsSafe(admin, names, downtimeHours);
      return [];
    } catch (error) {
      if (!isFleetlineError(error) || error.code !== "TOPIC_CONFIG_DANGEROUS") throw error;
      return (error.details?.problems as { code: string }[]).map((problem) => problem.code);
    }
  }

  it("accepts a topic created from the catalogue", async () => {
    // Given a private copy of vehicle.telemetry created exactly as the catalogue says
    const name = uniqueName("vehicle.telemetry.ok");
    await admin.createTopics([topicCreation(topicSpec("vehicle.telemetry"), downtimeHours, name)]);
    // When / Then nothing dangerous is found
    expect(await refusal([name])).toEqual([]);
  });

  it("refuses to start on a topic whose retention is shorter than the worst-case consumer downtime", async () => {
    // Given a telemetry topic that keeps data for one hour only
    const name = uniqueName("vehicle.telemetry.short");
    const creation = topicCreation(topicSpec("vehicle.telemetry"), downtimeHours, name);
    await admin.createTopics([{ ...creation, configs: { ...creation.configs, "retention.ms": String(3_600_000) } }]);
    // When verified / Then refused with the retention code
    expect(requiredRetentionMs(topicSpec("vehicle.telemetry"), downtimeHours)).toBeGreaterThan(3_600_000);
    expect(await refusal([name])).toEqual(["TOPIC_RETENTION_TOO_SHORT"]);
  });

  it("refuses to start on a topic with replication factor 1 and min ISR 1", async () => {
    // Given a topic created with RF 1 (a typical copy-paste from a laptop setup)
    const name = uniqueName("vehicle.telemetry.rf1");
    const creation = topicCreation(topicSpec("vehicle.telemetry"), downtimeHours, name);
    await admin.createTopics([{ ...creation, replicationFactor: 1, configs: { ...creation.configs, "min.insync.replicas": "1" } }]);
    // When verified / Then refused, naming both problems
    expect(await refusal([name])).toEqual(["TOPIC_RF_TOO_LOW", "TOPIC_MIN_ISR_TOO_LOW"]);
  });

  it("refuses to start when a needed topic is missing, and never creates it implicitly", async () => {
    const name = uniqueName("vehicle.telemetry.absent");
    expect(await refusal([name])).toEqual(["TOPIC_MISSING"]);
    expect(await admin.listTopics()).not.toContain(name);
  });
});
