import type pg from "pg";
import type { Logger } from "../../platform/log.ts";

/**
 * Everything TimescaleDB-specific lives here. Each feature is tried on its own (inside a savepoint) and, when the
 * installed edition refuses it (e.g. the Apache-licensed build has no compression or policies), the pipeline
 * falls back and says so in one log line. Continuous aggregates are extra: the exact rollup tables are kept anyway.
 */
export async function timescaleAvailable(client: pg.ClientBase): Promise<boolean> {
  const result = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
  return (result.rowCount ?? 0) > 0;
}

const FEATURES = (retentionDays: number): readonly { name: string; fallback: string; sql: string }[] => [
  {
    name: "extension",
    fallback: "plain PostgreSQL partitioning",
    sql: "CREATE EXTENSION IF NOT EXISTS timescaledb",
  },
  {
    name: "hypertable",
    fallback: "plain PostgreSQL partitioning",
    sql: `SELECT create_hypertable('telemetry', 'event_time', chunk_time_interval => interval '1 day')`,
  },
  {
    name: "compression",
    fallback: "chunks stay uncompressed",
    sql: `ALTER TABLE telemetry SET (timescaledb.compress, timescaledb.compress_segmentby = 'vin',
            timescaledb.compress_orderby = 'event_time DESC');
          SELECT add_compression_policy('telemetry', interval '2 days')`,
  },
  {
    name: "retention",
    fallback: "old chunks are not dropped automatically",
    sql: `SELECT add_retention_policy('telemetry', interval '${retentionDays} days')`,
  },
  {
    name: "continuous_aggregate_1m",
    fallback: "only the pipeline-maintained rollup tables are available",
    sql: `CREATE MATERIALIZED VIEW telemetry_cagg_1m WITH (timescaledb.continuous) AS
            SELECT vin, time_bucket('1 minute', event_time) AS bucket, count(*) AS sample_count,
                   avg(speed_kph) AS speed_avg, min(speed_kph) AS speed_min, max(speed_kph) AS speed_max,
                   min(battery_soc_pct) AS soc_min, max(odometer_km) AS odometer_max
            FROM telemetry GROUP BY vin, bucket WITH NO DATA;
          SELECT add_continuous_aggregate_policy('telemetry_cagg_1m', start_offset => interval '1 day',
                 end_offset => interval '1 minute', schedule_interval => interval '1 minute')`,
  },
  {
    name: "continuous_aggregate_1h",
    fallback: "only the pipeline-maintained rollup tables are available",
    sql: `CREATE MATERIALIZED VIEW telemetry_cagg_1h WITH (timescaledb.continuous) AS
            SELECT vin, time_bucket('1 hour', event_time) AS bucket, count(*) AS sample_count,
                   avg(speed_kph) AS speed_avg, min(speed_kph) AS speed_min, max(speed_kph) AS speed_max,
                   min(battery_soc_pct) AS soc_min, max(odometer_km) AS odometer_max
            FROM telemetry GROUP BY vin, bucket WITH NO DATA;
          SELECT add_continuous_aggregate_policy('telemetry_cagg_1h', start_offset => interval '7 days',
                 end_offset => interval '1 hour', schedule_interval => interval '15 minutes')`,
  },
];

/**
 * Applies the TimescaleDB features one by one to an existing plain `telemetry` table; returns the names that worked.
 * Stops at the first failure of "extension" or "hypertable" (the caller then partitions the table itself).
 * Call inside a transaction.
 */
export async function applyTimescaleFeatures(
  client: pg.ClientBase,
  logger: Logger,
  retentionDays: number,
): Promise<string[]> {
  const applied: string[] = [];
  for (const feature of FEATURES(retentionDays)) {
    await client.query("SAVEPOINT timescale_feature");
    try {
      await client.query(feature.sql);
      await client.query("RELEASE SAVEPOINT timescale_feature");
      applied.push(feature.name);
    } catch (error) {
      await client.query("ROLLBACK TO SAVEPOINT timescale_feature");
      logger.warn(
        { code: "PIPE_TIMESCALE_FEATURE_UNAVAILABLE", feature: feature.name, fallback: feature.fallback, err: error },
        `timescaledb ${feature.name} unavailable: ${feature.fallback}`,
      );
      if (feature.name === "extension" || feature.name === "hypertable") break;
    }
  }
  return applied;
}
