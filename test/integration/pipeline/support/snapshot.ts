import type pg from "pg";

/** The full content of the pipeline's tables, canonically ordered, for "identical tables" assertions. */
export async function snapshotTables(pool: pg.Pool): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    telemetry: "SELECT * FROM telemetry ORDER BY vin, event_time, event_id",
    vehicle_latest: "SELECT * FROM vehicle_latest ORDER BY vin",
    telemetry_rollup_1m: "SELECT * FROM telemetry_rollup_1m ORDER BY vin, bucket",
    telemetry_rollup_1h: "SELECT * FROM telemetry_rollup_1h ORDER BY vin, bucket",
  };
  const snapshot: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) snapshot[name] = (await pool.query(sql)).rows;
  return snapshot;
}

export async function countAndDistinct(pool: pg.Pool): Promise<{ count: number; distinct: number }> {
  const result = await pool.query<{ count: number; distinct: number }>(
    "SELECT count(*)::int AS count, count(DISTINCT event_id)::int AS distinct FROM telemetry",
  );
  return result.rows[0] ?? { count: 0, distinct: 0 };
}
