import type { ConsumedRecord, KafkaClient } from "../../platform/kafka/port.ts";

export interface PartitionRange {
  readonly partition: number;
  /** First offset to read. */
  readonly start: bigint;
  /** First offset not to read (exclusive end). */
  readonly end: bigint;
}

/** Pure: per-partition [start, end) from two offset lists (missing end = nothing to read), and the total. */
export function offsetRanges(
  starts: readonly { partition: number; offset: string }[],
  ends: readonly { partition: number; offset: string }[],
): { ranges: PartitionRange[]; total: bigint } {
  const endBy = new Map(ends.map((entry) => [entry.partition, BigInt(entry.offset)]));
  const ranges = starts
    .map((entry) => {
      const start = BigInt(entry.offset);
      const end = endBy.get(entry.partition) ?? start;
      return { partition: entry.partition, start, end: end > start ? end : start };
    })
    .sort((a, b) => a.partition - b.partition);
  return { ranges, total: ranges.reduce((sum, range) => sum + (range.end - range.start), 0n) };
}

/**
 * Reads exactly the records in `ranges` of `topic` with a throw-away consumer group, handing them over in order per
 * partition, and resolves when every range is exhausted. Seeks forward to each range's start on first contact.
 */
export async function readBounded(
  kafka: KafkaClient,
  options: { topic: string; groupId: string; ranges: readonly PartitionRange[]; maxBatchSize?: number },
  onRecords: (records: readonly ConsumedRecord[], skipped: number) => Promise<void>,
): Promise<void> {
  const byPartition = new Map(options.ranges.map((range) => [range.partition, range]));
  const position = new Map(options.ranges.map((range) => [range.partition, range.start]));
  const finished = () => options.ranges.every((range) => (position.get(range.partition) ?? 0n) >= range.end);
  if (finished()) return;
  const consumer = await kafka.consumer({
    groupId: options.groupId,
    fromBeginning: true,
    maxBatchSize: options.maxBatchSize ?? 2_000,
  });
  const sought = new Set<number>();
  let resolveDone: () => void = () => undefined;
  let rejectDone: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  try {
    await consumer.subscribe([options.topic]);
    await consumer.run(async (batch) => {
      try {
        const range = byPartition.get(batch.partition);
        const first = batch.records[0];
        if (range === undefined || first === undefined) return;
        if (BigInt(first.offset) < range.start && !sought.has(batch.partition)) {
          sought.add(batch.partition);
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: range.start.toString() });
        }
        const inRange = batch.records.filter(
          (record) => BigInt(record.offset) >= range.start && BigInt(record.offset) < range.end,
        );
        const before = position.get(batch.partition) ?? range.start;
        const last = inRange[inRange.length - 1];
        if (last === undefined) return;
        await onRecords(inRange, 0);
        const next = BigInt(last.offset) + 1n;
        if (next > before) position.set(batch.partition, next);
        if (finished()) resolveDone();
      } catch (error) {
        rejectDone(error);
      }
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
}
