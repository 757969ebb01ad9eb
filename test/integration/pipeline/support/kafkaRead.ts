import type { ConsumedRecord, KafkaAdmin, KafkaClient } from "../../../../platform/kafka/port.ts";
import { waitFor } from "../../../../stack/processes.ts";
import { uniqueName } from "../../../support/names.ts";

/** Reads `count` records of a topic from the beginning with a throw-away group. */
export async function readTopic(
  kafka: KafkaClient,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<ConsumedRecord[]> {
  const consumer = await kafka.consumer({ groupId: uniqueName("reader"), fromBeginning: true });
  const records: ConsumedRecord[] = [];
  try {
    await consumer.subscribe([topic]);
    await consumer.run((batch) => {
      records.push(...batch.records);
      return Promise.resolve();
    });
    await waitFor(() => (records.length >= count ? true : undefined), {
      timeoutMs,
      what: `${count} records on ${topic}`,
    });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

/** Resolves once the group has committed every partition up to the high watermark. */
export async function waitForCaughtUp(
  admin: KafkaAdmin,
  groupId: string,
  topic: string,
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(
    async () => {
      const [marks, committed] = await Promise.all([admin.watermarks(topic), admin.groupOffsets(groupId, topic)]);
      const done = marks.every((mark) => {
        const offset = committed.find((entry) => entry.partition === mark.partition)?.offset;
        return mark.high === "0" || offset === mark.high;
      });
      return done ? true : undefined;
    },
    { timeoutMs, intervalMs: 250, what: `group ${groupId} caught up on ${topic}` },
  );
}
