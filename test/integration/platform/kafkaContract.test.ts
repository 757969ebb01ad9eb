import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../../platform/kafka/murmur2.ts";
import type { ConsumedRecord, KafkaAdmin, KafkaClient, KafkaConsumer } from "../../../platform/kafka/port.ts";
import { waitFor } from "../../../stack/processes.ts";
import { createTestTopic, kafkaKinds, testKafka } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";

/** The same contract for both adapters: what services rely on, proved against the real 3-broker cluster. */
describe.each(kafkaKinds)("Kafka port contract (%s adapter)", (kind) => {
  let client: KafkaClient;
  let admin: KafkaAdmin;
  const consumers: KafkaConsumer[] = [];

  beforeAll(async () => {
    client = testKafka(kind, `contract-${kind}`);
    admin = await client.admin();
  });
  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect().catch(() => undefined)));
    await admin.disconnect();
  });

  async function startCollecting(topic: string, groupId: string, received: ConsumedRecord[], onBatch?: (records: readonly ConsumedRecord[]) => Promise<void>) {
    const consumer = await client.consumer({ groupId, fromBeginning: true, maxBatchSize: 100 });
    consumers.push(consumer);
    await consumer.subscribe([topic]);
    void consumer.run(async (batch) => {
      received.push(...batch.records);
      await onBatch?.(batch.records);
    });
    return consumer;
  }

  it("acknowledges keyed records and delivers them in per-key order on the partition murmur2 predicts", async () => {
    // Given a 6-partition RF-3 topic and 20 VIN-like keys
    const topic = await createTestTopic(admin, uniqueName(`contract-order-${kind}`), 6);
    const keys = Array.from({ length: 20 }, (_, index) => `VIN${String(index).padStart(14, "0")}`);
    const producer = await client.producer({ lingerMs: 5 });
    // When 10 records per key are produced with acks=all
    const reports = await producer.send(
      topic,
      Array.from({ length: 10 }, (_, seq) => keys.map((key) => ({ key, value: Buffer.from(`${key}:${seq}`), headers: { event_id: `${key}-${seq}` } }))).flat(),
    );
    await producer.disconnect();
    // Then every record was acknowledged, and consuming returns all of them in per-key order
    expect(new Set(reports.map((report) => report.partition)).size).toBeGreaterThan(1);
    expect(reports.every((report) => Number(report.offset) >= 0)).toBe(true);
    const received: ConsumedRecord[] = [];
    await startCollecting(topic, uniqueName("contract-order-group"), received);
    await waitFor(() => (received.length >= 200 ? true : undefined), { timeoutMs: 60_000, what: "200 records" });
    for (const key of keys) {
      const ofKey = received.filter((record) => record.key?.toString() === key);
      expect(ofKey.map((record) => record.value?.toString())).toEqual(Array.from({ length: 10 }, (_, seq) => `${key}:${seq}`));
      expect(new Set(ofKey.map((record) => record.partition))).toEqual(new Set([partitionForKey(key, 6)]));
      expect(ofKey[0]?.headers.event_id?.toString()).toBe(`${key}-0`);
    }
  });

  it("resumes a group from its committed offset, redelivering only what was not committed", async () => {
    // Given 50 records on a single partition and a consumer that commits after the first 20
    const topic = await createTestTopic(admin, uniqueName(`contract-commit-${kind}`), 1);
    const groupId = uniqueName("contract-commit-group");
    const producer = await client.producer();
    await producer.send(topic, Array.from({ length: 50 }, (_, index) => ({ key: "VIN-COMMIT", value: Buffer.from(String(index)) })));
    await producer.disconnect();
    const first: ConsumedRecord[] = [];
    const firstConsumer = await startCollecting(topic, groupId, first);
    await waitFor(() => (first.length >= 50 ? true : undefined), { timeoutMs: 60_000, what: "first pass" });
    await firstConsumer.commit([{ topic, partition: 0, offset: "20" }]);
    await firstConsumer.disconnect();
    // When a new member of the same group starts
    const second: ConsumedRecord[] = [];
    await startCollecting(topic, groupId, second);
    await waitFor(() => (second.length >= 30 ? true : undefined), { timeoutMs: 60_000, what: "second pass" });
    // Then it starts exactly at the committed offset
    expect(second[0]?.offset).toBe("20");
    expect(second.map((record) => record.value?.toString())).toEqual(Array.from({ length: 30 }, (_, index) => String(index + 20)));
    const committed = await admin.groupOffsets(groupId, topic);
    expect(committed.find((entry) => entry.partition === 0)?.offset).toBe("20");
  });

  it("stops delivering a paused partition and, after resume, redelivers the batch that paused it and the rest", async () => {
    // Given a consumer that has received the first record of a 1-partition topic and then paused it
    const topic = await createTestTopic(admin, uniqueName(`contract-pause-${kind}`), 1);
    const producer = await client.producer({ lingerMs: 0 });
    await producer.send(topic, [{ key: "VIN-PAUSE", value: Buffer.from("before") }]);
    const received: ConsumedRecord[] = [];
    const consumer = await startCollecting(topic, uniqueName("contract-pause-group"), received, async () => {
      if (received.length === 1) consumer.pause([{ topic, partition: 0 }]);
      await Promise.resolve();
    });
    await waitFor(() => (received.length >= 1 ? true : undefined), { timeoutMs: 60_000, what: "first record" });
    // When more records arrive while paused
    await producer.send(topic, [{ key: "VIN-PAUSE", value: Buffer.from("during") }]);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a negative claim needs a window
    // Then none is delivered until resume, and all are delivered after it
    expect(received.map((record) => record.value?.toString())).toEqual(["before"]);
    consumer.resume([{ topic, partition: 0 }]);
    await waitFor(() => (received.length >= 3 ? true : undefined), { timeoutMs: 60_000, what: "records after resume" });
    expect(received.map((record) => record.value?.toString())).toEqual(["before", "before", "during"]);
    await producer.disconnect();
  });
});
