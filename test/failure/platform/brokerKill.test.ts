import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsumedRecord, KafkaAdmin, KafkaClient } from "../../../platform/kafka/port.ts";
import { clusterStatus, startNode, stopNode, waitUntilReady } from "../../../stack/kafkaCluster.ts";
import { waitFor } from "../../../stack/processes.ts";
import { createTestTopic, leaderOf, stackDir, testKafka, waitForFullIsr } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";

const totalRecords = 24_000;
const vinCount = 400;
const batchSize = 400;

// The production adapter only. The kafkajs adapter failed this test in 3 of 4 runs (118–132 of 24,000
// acknowledged records not read back, all from the batch sent right after the kill), with and without its
// idempotent mode; it is kept for measurement, not for guarantees (README, "Platform code").
describe.each(["confluent"] as const)("broker failure (%s adapter)", (kind) => {
  let client: KafkaClient;
  let admin: KafkaAdmin;
  let killedNode: number | undefined;

  beforeAll(async () => {
    client = testKafka(kind, `broker-kill-${kind}`);
    admin = await client.admin();
  });
  afterAll(async () => {
    if (killedNode !== undefined) await startNode(stackDir(), killedNode);
    await waitUntilReady(stackDir());
    await admin.disconnect();
  });

  it("loses no acknowledged record and keeps per-VIN order when a partition leader is SIGKILLed mid-load", async () => {
    // Given an RF-3 / min-ISR-2 topic and an idempotent acks=all producer
    const topic = await createTestTopic(admin, uniqueName(`durability-${kind}`), 6);
    const producer = await client.producer({ lingerMs: 5, deliveryTimeoutMs: 60_000 });
    const acked: { vin: string; seq: number }[] = [];
    const nextSeq = new Map<string, number>();
    let failedSends = 0;

    // When records flow, the leader of partition 0 is killed at 25% and restarted at 75%
    for (let sent = 0; sent < totalRecords; sent += batchSize) {
      if (sent === totalRecords / 4) {
        killedNode = await leaderOf(admin, topic, 0);
        await stopNode(stackDir(), killedNode, "SIGKILL");
        expect(clusterStatus(stackDir()).find((node) => node.id === killedNode)?.alive).toBe(false);
      }
      if (sent === (totalRecords * 3) / 4 && killedNode !== undefined) {
        await startNode(stackDir(), killedNode);
        killedNode = undefined;
      }
      const batch = Array.from({ length: batchSize }, (_, index) => {
        const vin = `VIN${String((sent + index) % vinCount).padStart(14, "0")}`;
        const seq = nextSeq.get(vin) ?? 0;
        nextSeq.set(vin, seq + 1);
        return { vin, seq };
      });
      for (;;) {
        try {
          await producer.send(topic, batch.map(({ vin, seq }) => ({ key: vin, value: Buffer.from(`${vin}:${seq}`) })));
          acked.push(...batch);
          break;
        } catch {
          failedSends += 1; // not acknowledged: resend (a duplicate is allowed, a loss is not)
          if (failedSends > 50) throw new Error("producer could not recover after the broker kill");
        }
      }
    }
    await producer.disconnect();
    await waitUntilReady(stackDir());
    await waitForFullIsr(admin, topic);

    // Then consuming the whole topic back finds every acknowledged record, in per-VIN order
    const watermarks = await admin.watermarks(topic);
    const received: ConsumedRecord[] = [];
    const consumer = await client.consumer({ groupId: uniqueName("durability-check"), fromBeginning: true, maxBatchSize: 2_000 });
    await consumer.subscribe([topic]);
    const reachedEnd = new Map<number, boolean>();
    void consumer.run(async (batch) => {
      received.push(...batch.records);
      const high = watermarks.find((entry) => entry.partition === batch.partition)?.high ?? "0";
      const last = batch.records[batch.records.length - 1];
      if (last && BigInt(last.offset) + 1n >= BigInt(high)) reachedEnd.set(batch.partition, true);
      await Promise.resolve();
    });
    await waitFor(() => (watermarks.every((entry) => entry.high === "0" || reachedEnd.get(entry.partition)) ? true : undefined), {
      timeoutMs: 120_000,
      what: "the whole topic to be read back",
    });
    await consumer.disconnect();

    const seqsByVin = new Map<string, number[]>();
    for (const record of received) {
      const [vin, seq] = (record.value?.toString() ?? "").split(":");
      if (!vin || seq === undefined) continue;
      const list = seqsByVin.get(vin) ?? [];
      list.push(Number(seq));
      seqsByVin.set(vin, list);
    }
    const missing = acked.filter(({ vin, seq }) => !(seqsByVin.get(vin) ?? []).includes(seq));
    expect(missing).toEqual([]);
    for (const [vin, seqs] of seqsByVin) {
      const firstSeen = seqs.filter((seq, index) => seqs.indexOf(seq) === index);
      expect(firstSeen, `order of ${vin}`).toEqual([...firstSeen].sort((a, b) => a - b));
    }
    expect(acked.length).toBe(totalRecords);
  });
});
