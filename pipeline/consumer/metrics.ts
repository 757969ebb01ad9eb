import { Counter, Gauge, Histogram } from "prom-client";
import { metricsRegistry } from "../../platform/metrics.ts";

/** Pipeline metrics (retries are counted by platform/retry.ts as fleetline_retries_total{policy="database_write"}). */
export const pipelineMetrics = {
  lag: new Gauge({
    name: "fleetline_pipeline_consumer_lag",
    help: "Records behind the high watermark after the last stored batch, per partition",
    labelNames: ["topic", "partition"] as const,
    registers: [metricsRegistry],
  }),
  batchSize: new Histogram({
    name: "fleetline_pipeline_batch_size",
    help: "Records per consumed batch",
    buckets: [1, 10, 50, 100, 500, 1_000, 2_000, 5_000, 10_000],
    registers: [metricsRegistry],
  }),
  batchSeconds: new Histogram({
    name: "fleetline_pipeline_batch_duration_seconds",
    help: "Time from receiving a batch to committing its offsets",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metricsRegistry],
  }),
  rowsInserted: new Counter({
    name: "fleetline_pipeline_rows_inserted_total",
    help: "Telemetry rows newly stored",
    registers: [metricsRegistry],
  }),
  duplicates: new Counter({
    name: "fleetline_pipeline_duplicates_skipped_total",
    help: "Telemetry rows skipped because they were already stored or repeated in the batch",
    registers: [metricsRegistry],
  }),
  dlq: new Counter({
    name: "fleetline_pipeline_dlq_records_total",
    help: "Records dead-lettered, by error code",
    labelNames: ["reason"] as const,
    registers: [metricsRegistry],
  }),
  writeFailures: new Counter({
    name: "fleetline_pipeline_infrastructure_failures_total",
    help: "Batch attempts that failed for infrastructure reasons (retried, never dead-lettered), by error code",
    labelNames: ["code"] as const,
    registers: [metricsRegistry],
  }),
  paused: new Gauge({
    name: "fleetline_pipeline_paused_partitions",
    help: "Partitions paused while the database is unavailable",
    registers: [metricsRegistry],
  }),
  databaseUp: new Gauge({
    name: "fleetline_pipeline_database_up",
    help: "1 when the last database write succeeded",
    registers: [metricsRegistry],
  }),
  rollupSeconds: new Histogram({
    name: "fleetline_pipeline_rollup_refresh_seconds",
    help: "Time to recompute the rollup buckets touched since the previous refresh",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metricsRegistry],
  }),
  rollupBuckets: new Counter({
    name: "fleetline_pipeline_rollup_buckets_refreshed_total",
    help: "Minute and hour rollup buckets recomputed from stored rows",
    registers: [metricsRegistry],
  }),
  rollupFailures: new Counter({
    name: "fleetline_pipeline_rollup_refresh_failures_total",
    help: "Rollup refreshes that failed (their keys stay pending for the next run), by error code",
    labelNames: ["code"] as const,
    registers: [metricsRegistry],
  }),
};
