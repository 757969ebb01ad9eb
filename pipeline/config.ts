import { z } from "zod";
import { commonConfigSchema, env, loadConfig, loadConfigOrExit } from "../platform/config.ts";

/** Pipeline settings on top of the shared ones; parsed once at start-up (STYLE rule 4). */
export const pipelineConfigSchema = commonConfigSchema.extend({
  PIPELINE_TOPIC: z.string().min(1).default("vehicle.telemetry"),
  PIPELINE_DLQ_TOPIC: z.string().min(1).default("vehicle.telemetry.dlq"),
  PIPELINE_GROUP_ID: z.string().min(1).default("fleetline-pipeline"),
  /** Most records handed to one DB transaction (the Confluent adapter's 32-record cap is raised to this). */
  PIPELINE_BATCH_SIZE: env.positiveInt(5_000),
  /** How long the client may wait to fill a batch. */
  PIPELINE_BATCH_WAIT_MS: env.nonNegativeInt(100),
  /** Partitions one instance stores in parallel (each strictly in order); keep ≤ PIPELINE_DB_POOL_SIZE. */
  PIPELINE_PARTITION_CONCURRENCY: env.positiveInt(3),
  PIPELINE_DB_POOL_SIZE: env.positiveInt(8),
  PIPELINE_FROM_BEGINNING: env.boolean(true),
  TELEMETRY_RETENTION_DAYS: env.positiveInt(30),
  PARTITION_PREMAKE_DAYS: env.positiveInt(7),
  /** How often the partition maintenance job runs. */
  PARTITION_MAINTENANCE_INTERVAL_MS: env.positiveInt(3_600_000),
  /** How often rollups are recomputed from the rows batches touched: the most they lag behind `telemetry`. */
  PIPELINE_ROLLUP_INTERVAL_MS: env.positiveInt(5_000),
  SHUTDOWN_DEADLINE_MS: env.positiveInt(30_000),
});
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

export const loadPipelineConfig = (source?: Readonly<Record<string, string | undefined>>): Readonly<PipelineConfig> =>
  loadConfig(pipelineConfigSchema, source);
export const loadPipelineConfigOrExit = (): Readonly<PipelineConfig> => loadConfigOrExit(pipelineConfigSchema);
