import type { KafkaClient } from "../../platform/kafka/port.ts";
import type { Logger } from "../../platform/log.ts";
import { retryPolicies, withRetry } from "../../platform/retry.ts";
import { classifyFailure } from "../core/classify.ts";
import { processBatch, type BatchDeps } from "../core/processBatch.ts";
import type { ReplayArgs } from "./replayArgs.ts";
import { offsetRanges, readBounded } from "./boundedRead.ts";

export interface ReplaySummary {
  /** Records read from the topic in the time range. */
  read: number;
  inserted: number;
  alreadyPresent: number;
  /** Records that cannot be stored (they went to the DLQ when first consumed). */
  poison: number;
  /** Records of other vehicles when --vin is given. */
  filteredOut: number;
}

export interface ReplayProgress {
  start(total: number): void;
  increment(by: number, summary: ReplaySummary): void;
  stop(): void;
}

export interface ReplayDeps extends BatchDeps {
  readonly kafka: KafkaClient;
  readonly topic: string;
  readonly groupId: string;
  readonly logger: Logger;
  readonly progress?: ReplayProgress;
  readonly maxBatchSize?: number;
}

/**
 * Re-reads `topic` from the offsets for `from` up to those for `to` (or the current end) with a fresh group and
 * stores it through the same idempotent path as the pipeline: rows already present are counted, never doubled.
 */
export async function runReplay(args: ReplayArgs, deps: ReplayDeps): Promise<ReplaySummary> {
  const admin = await deps.kafka.admin();
  let ranges;
  try {
    const starts = await admin.offsetsForTime(deps.topic, args.from);
    const ends =
      args.to === undefined
        ? (await admin.watermarks(deps.topic)).map((mark) => ({ partition: mark.partition, offset: mark.high }))
        : await admin.offsetsForTime(deps.topic, args.to);
    ranges = offsetRanges(starts, ends);
  } finally {
    await admin.disconnect();
  }
  const summary: ReplaySummary = { read: 0, inserted: 0, alreadyPresent: 0, poison: 0, filteredOut: 0 };
  deps.progress?.start(Number(ranges.total));
  deps.logger.info(
    {
      topic: deps.topic,
      group: deps.groupId,
      records: Number(ranges.total),
      ranges: ranges.ranges.map((r) => `${r.partition}:${r.start}-${r.end}`),
    },
    "replay starting",
  );
  try {
    await readBounded(
      deps.kafka,
      { topic: deps.topic, groupId: deps.groupId, ranges: ranges.ranges, maxBatchSize: deps.maxBatchSize },
      async (records) => {
        const selected =
          args.vin === undefined ? records : records.filter((record) => record.key?.toString() === args.vin);
        const outcome = await withRetry(retryPolicies.databaseWrite, () => processBatch(selected, deps), {
          isRetriable: (error) => classifyFailure(error) === "infrastructure",
          onRetry: (error, attempt, delayMs) =>
            deps.logger.warn({ err: error, attempt, delayMs }, "replay batch not stored (infrastructure): retrying"),
        });
        summary.read += records.length;
        summary.filteredOut += records.length - selected.length;
        summary.inserted += outcome.inserted;
        summary.alreadyPresent += outcome.duplicates;
        summary.poison += outcome.poison.length;
        deps.progress?.increment(records.length, summary);
      },
    );
  } finally {
    deps.progress?.stop();
  }
  return summary;
}
