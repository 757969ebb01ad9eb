import type pg from "pg";
import type { Logger } from "../../platform/log.ts";
import { classifyFailure } from "../core/classify.ts";
import { dedupeByEventId } from "../core/dedupe.ts";
import type { InsertResult, TelemetryStore } from "../core/ports.ts";
import type { TelemetryRow } from "../core/telemetryRow.ts";
import { INSERT_BATCH_SQL, insertBatchParams } from "./insertSql.ts";
import { partitionsForTimes } from "./partitionPlan.ts";
import { ensurePartitions } from "./partitions.ts";

const MAX_PARTITION_RETRIES = 3;

/**
 * PostgreSQL adapter of the storage port. A single statement (hence a single transaction) inserts the rows and
 * folds the inserted ones into rollups and latest state. A batch that hits a day without a partition gets the
 * partition created and is retried. Other errors are thrown as they are, for the caller to classify.
 */
export function createPostgresTelemetryStore(
  pool: pg.Pool,
  logger: Logger,
  options: { partitioned?: boolean } = {},
): TelemetryStore {
  const partitioned = options.partitioned ?? true;
  return {
    async insertBatch(rows: readonly TelemetryRow[]): Promise<InsertResult> {
      const unique = dedupeByEventId(rows);
      if (unique.length === 0) return { inserted: 0, duplicates: rows.length };
      const params = insertBatchParams(unique);
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await pool.query<{ inserted: number }>(INSERT_BATCH_SQL, params);
          const inserted = result.rows[0]?.inserted ?? 0;
          return { inserted, duplicates: rows.length - inserted };
        } catch (error) {
          if (!partitioned || attempt >= MAX_PARTITION_RETRIES || classifyFailure(error) !== "missing_partition")
            throw error;
          const needed = partitionsForTimes(unique.map((row) => row.eventTime));
          logger.info(
            { code: "PIPE_PARTITION_MISSING", partitions: needed.map((p) => p.name) },
            "creating missing telemetry partitions",
          );
          await ensurePartitions(pool, needed);
        }
      }
    },
  };
}
