import pg from "pg";
import { createKafkaClient } from "../platform/kafka/client.ts";
import type { KafkaClient } from "../platform/kafka/port.ts";
import type { Logger } from "../platform/log.ts";
import type { ReadinessCheck } from "../platform/opsServer.ts";
import { retryPolicies, withRetry } from "../platform/retry.ts";
import { telemetryV2 } from "../schemas/catalog.ts";
import { createSerde, type Serde } from "../schemas/serde.ts";
import type { PipelineConfig } from "./config.ts";
import { createBatchHandler, type PipelineHealth } from "./consumer/batchHandler.ts";
import { pipelineMetrics } from "./consumer/metrics.ts";
import { classifyFailure } from "./core/classify.ts";
import type { DecodedTelemetry } from "./core/telemetryRow.ts";
import { runMigrations, storageMode } from "./store/migrations.ts";
import { maintainPartitions } from "./store/partitions.ts";
import { startRollupJob } from "./store/rollupJob.ts";
import type { RollupRefresh } from "./store/rollups.ts";
import { createPostgresTelemetryStore } from "./store/postgresTelemetryStore.ts";

/** Visible in pg_stat_activity, so operators (and failure tests) can find the pipeline's connections. */
export const PIPELINE_APPLICATION_NAME = "fleetline-pipeline";

export interface RunningPipeline {
  readonly health: PipelineHealth;
  readonly checks: Record<string, ReadinessCheck>;
  /** Recomputes the rollups now (tests, tools): afterwards they include every batch committed before the call. */
  refreshRollups(): Promise<RollupRefresh>;
  /** Stops intake, abandons a retrying batch uncommitted, waits for the in-flight one, closes clients. */
  stop(): Promise<void>;
}

export interface PipelineDeps {
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly serde?: Serde;
  readonly kafka?: KafkaClient;
}

/** Composition root: PostgreSQL (migrated, partitions maintained) ← batch handler ← Kafka consumer group. */
export async function startPipeline(config: Readonly<PipelineConfig>, deps: PipelineDeps): Promise<RunningPipeline> {
  const { logger } = deps;
  const clock = deps.clock ?? Date.now;
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.PIPELINE_DB_POOL_SIZE,
    application_name: PIPELINE_APPLICATION_NAME,
  });
  // Idle clients whose connection dies emit here; without a listener the process would crash.
  pool.on("error", (error) =>
    logger.warn({ code: "PIPE_DB_CONNECTION_LOST", err: error }, "idle database connection lost"),
  );
  const infra = (error: unknown) => classifyFailure(error) === "infrastructure";
  await withRetry(
    retryPolicies.startup,
    () => runMigrations(pool, logger, { retentionDays: config.TELEMETRY_RETENTION_DAYS }),
    { isRetriable: infra },
  );
  const partitioned = (await storageMode(pool)) === "partitioned";
  const maintain = () =>
    maintainPartitions(pool, logger, {
      now: clock(),
      premakeDays: config.PARTITION_PREMAKE_DAYS,
      retentionDays: config.TELEMETRY_RETENTION_DAYS,
    });
  let maintenance: NodeJS.Timeout | undefined;
  if (partitioned) {
    await withRetry(retryPolicies.startup, maintain, { isRetriable: infra });
    maintenance = setInterval(() => {
      maintain().catch((error: unknown) =>
        logger.error({ code: "PIPE_PARTITION_MAINTENANCE_FAILED", err: error }, "partition maintenance failed"),
      );
    }, config.PARTITION_MAINTENANCE_INTERVAL_MS);
    maintenance.unref();
  }
  const store = createPostgresTelemetryStore(pool, logger, { partitioned });
  const rollups = startRollupJob(pool, logger, config.PIPELINE_ROLLUP_INTERVAL_MS);
  const serde =
    deps.serde ?? createSerde({ registryUrl: config.SCHEMA_REGISTRY_URL, retry: retryPolicies.registryCall });
  const kafka =
    deps.kafka ??
    createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: "fleetline-pipeline", kind: config.KAFKA_CLIENT });
  const producer = await kafka.producer({ lingerMs: 5 });
  const consumer = await kafka.consumer({
    groupId: config.PIPELINE_GROUP_ID,
    fromBeginning: config.PIPELINE_FROM_BEGINNING,
    maxBatchSize: config.PIPELINE_BATCH_SIZE,
    maxWaitMs: config.PIPELINE_BATCH_WAIT_MS,
    partitionsConsumedConcurrently: config.PIPELINE_PARTITION_CONCURRENCY,
  });
  const health: PipelineHealth = { paused: new Set(), lastFailure: null };
  const shutdown = new AbortController();
  pipelineMetrics.databaseUp.set(1);
  await consumer.subscribe([config.PIPELINE_TOPIC]);
  await consumer.run(
    createBatchHandler({
      consumer,
      dlqProducer: producer,
      dlqTopic: config.PIPELINE_DLQ_TOPIC,
      batch: { store, decode: (value) => serde.decode<DecodedTelemetry>(value, telemetryV2) },
      logger,
      clock,
      health,
      signal: shutdown.signal,
    }),
  );
  logger.info(
    { topic: config.PIPELINE_TOPIC, group: config.PIPELINE_GROUP_ID, kafka: kafka.kind, partitioned },
    "pipeline consuming",
  );
  let stopped: Promise<void> | undefined;
  return {
    health,
    checks: {
      database: () =>
        health.paused.size === 0
          ? { ready: true }
          : {
              ready: false,
              reason: `${health.paused.size} partition(s) paused: ${health.lastFailure?.code ?? "?"} ${health.lastFailure?.message ?? ""}`,
            },
    },
    refreshRollups: () => rollups.refresh(),
    stop() {
      stopped ??= (async () => {
        shutdown.abort();
        clearInterval(maintenance);
        await consumer.disconnect();
        await rollups.stop();
        await producer.disconnect();
        await pool.end();
      })();
      return stopped;
    },
  };
}
