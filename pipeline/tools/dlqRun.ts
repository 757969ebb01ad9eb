import type { ConsumedRecord, KafkaClient } from "../../platform/kafka/port.ts";
import { offsetRanges, readBounded } from "./boundedRead.ts";
import { matchesFilter, redriveRecord, type DlqFilter } from "./dlqArgs.ts";

/** Every record currently in the DLQ topic (low to high watermark at call time), in offset order per partition. */
export async function readDlq(kafka: KafkaClient, topic: string, groupId: string): Promise<ConsumedRecord[]> {
  const admin = await kafka.admin();
  let marks;
  try {
    marks = await admin.watermarks(topic);
  } finally {
    await admin.disconnect();
  }
  const { ranges } = offsetRanges(
    marks.map((mark) => ({ partition: mark.partition, offset: mark.low })),
    marks.map((mark) => ({ partition: mark.partition, offset: mark.high })),
  );
  const records: ConsumedRecord[] = [];
  await readBounded(kafka, { topic, groupId, ranges }, (batch) => {
    records.push(...batch);
    return Promise.resolve();
  });
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/**
 * Sends the matching DLQ records back to their source topics (original key, value and headers) and waits for the
 * acknowledgements. The DLQ keeps them (it is an audit log); the pipeline stores them idempotently if they now pass.
 */
export async function redrive(
  kafka: KafkaClient,
  records: readonly ConsumedRecord[],
  filter: DlqFilter,
  options: { dryRun: boolean },
): Promise<ConsumedRecord[]> {
  const selected = records.filter((record) => matchesFilter(record, filter));
  if (options.dryRun || selected.length === 0) return selected;
  const producer = await kafka.producer();
  try {
    const byTopic = new Map<string, ReturnType<typeof redriveRecord>[]>();
    for (const record of selected) {
      const out = redriveRecord(record);
      byTopic.set(out.topic, [...(byTopic.get(out.topic) ?? []), out]);
    }
    for (const [topic, outgoing] of byTopic) await producer.send(topic, outgoing);
  } finally {
    await producer.disconnect();
  }
  return selected;
}
