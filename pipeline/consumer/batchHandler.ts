import { describeError } from "../../platform/errors.ts";
import type { BatchContext, ConsumerBatch, KafkaConsumer, KafkaProducer } from "../../platform/kafka/port.ts";
import { rateLimitedLog, type Logger } from "../../platform/log.ts";
import { retryPolicies, withRetry, type RetryPolicy } from "../../platform/retry.ts";
import { classifyFailure } from "../core/classify.ts";
import { processBatch, type BatchDeps, type BatchOutcome } from "../core/processBatch.ts";
import { toDlqRecord } from "./dlqRecord.ts";
import { pipelineMetrics as metrics } from "./metrics.ts";

/** What /readyz reports: partitions currently paused because the database (or DLQ) is unavailable. */
export interface PipelineHealth {
  readonly paused: Set<string>;
  lastFailure: { code: string; message: string; at: number } | null;
}

export interface BatchHandlerDeps {
  readonly consumer: Pick<KafkaConsumer, "commit" | "pause" | "resume">;
  readonly dlqProducer: Pick<KafkaProducer, "send">;
  readonly dlqTopic: string;
  readonly batch: BatchDeps;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly health: PipelineHealth;
  /** Aborted at shutdown: stop retrying and abandon the batch uncommitted. */
  readonly signal: AbortSignal;
  readonly retryPolicy?: RetryPolicy;
}

const nextOffset = (offset: string): string => (BigInt(offset) + 1n).toString();

/**
 * One partition's batch: store it (poison → DLQ, acknowledged first), then commit offsets. Infrastructure failures
 * pause the partition and retry with backoff until they clear, a rebalance takes the partition, or shutdown
 * begins; in the last two cases nothing is committed and the batch is redelivered later (writes are idempotent).
 */
export function createBatchHandler(deps: BatchHandlerDeps) {
  const { consumer, logger, health } = deps;
  const logRetry = rateLimitedLog(5_000);
  return async (batch: ConsumerBatch, context: BatchContext): Promise<void> => {
    const last = batch.records[batch.records.length - 1];
    if (last === undefined) return;
    const started = performance.now();
    const partition = { topic: batch.topic, partition: batch.partition };
    const key = `${batch.topic}:${batch.partition}`;
    let outcome: BatchOutcome<(typeof batch.records)[number]>;
    try {
      outcome = await withRetry(
        deps.retryPolicy ?? retryPolicies.databaseWrite,
        async () => {
          const result = await processBatch(batch.records, deps.batch);
          if (result.poison.length > 0) {
            const failedAt = deps.clock();
            await deps.dlqProducer.send(
              deps.dlqTopic,
              result.poison.map(({ record, error }) => toDlqRecord(record, error, failedAt)),
            );
          }
          return result;
        },
        {
          signal: deps.signal,
          isRetriable: (error) => classifyFailure(error) !== "poison" && !context.isStale() && !deps.signal.aborted,
          onRetry: (error, attempt, delayMs) => {
            const { code, message } = describeError(error);
            health.lastFailure = { code, message, at: deps.clock() };
            metrics.writeFailures.inc({ code });
            metrics.databaseUp.set(0);
            if (!health.paused.has(key)) {
              consumer.pause([partition]);
              health.paused.add(key);
              metrics.paused.set(health.paused.size);
            }
            logRetry(key, (suppressed) =>
              logger.warn(
                { code, err: error, partition: key, attempt, delayMs, suppressed },
                "batch not stored (infrastructure): partition paused, retrying",
              ),
            );
          },
        },
      );
    } catch (error) {
      // Only a rebalance or shutdown may end the retries; anything else must not let a later commit skip this batch.
      if (!context.isStale() && !deps.signal.aborted) throw error;
      logger.warn(
        { ...describeError(error), partition: key, records: batch.records.length },
        "batch abandoned uncommitted (rebalance or shutdown); it will be redelivered",
      );
      return;
    } finally {
      if (health.paused.delete(key)) {
        metrics.paused.set(health.paused.size);
        try {
          consumer.resume([partition]);
        } catch (error) {
          logger.debug({ err: error, partition: key }, "resume after retry failed (partition no longer assigned)");
        }
      }
    }
    metrics.databaseUp.set(1);
    if (health.paused.size === 0) health.lastFailure = null;
    if (context.isStale()) {
      logger.info(
        { partition: key },
        "partition revoked after storing: offsets left for the new owner (records are stored idempotently)",
      );
      return;
    }
    try {
      await consumer.commit([{ ...partition, offset: nextOffset(last.offset) }]);
    } catch (error) {
      // Only a rebalance or shutdown may end the retries; anything else must not let a later commit skip this batch.
      if (!context.isStale() && !deps.signal.aborted) throw error;
      logger.warn(
        { ...describeError(error), partition: key },
        "offset commit failed after storing: the batch will be redelivered as duplicates",
      );
      return;
    }
    for (const { error } of outcome.poison) metrics.dlq.inc({ reason: describeError(error).code });
    if (outcome.poison.length > 0) {
      logger.warn(
        {
          partition: key,
          count: outcome.poison.length,
          codes: [...new Set(outcome.poison.map((p) => describeError(p.error).code))],
        },
        "poison records dead-lettered",
      );
    }
    metrics.rowsInserted.inc(outcome.inserted);
    metrics.duplicates.inc(outcome.duplicates);
    metrics.batchSize.observe(batch.records.length);
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
    const lag = Number(BigInt(batch.highWatermark) - BigInt(nextOffset(last.offset)));
    metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Math.max(0, lag));
  };
}
