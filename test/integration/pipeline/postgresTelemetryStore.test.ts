import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../platform/log.ts";
import { isolatePoison } from "../../../pipeline/core/bisect.ts";
import { classifyFailure } from "../../../pipeline/core/classify.ts";
import type { TelemetryRow } from "../../../pipeline/core/telemetryRow.ts";
import { runMigrations, storageMode } from "../../../pipeline/store/migrations.ts";
import { listPartitions, maintainPartitions } from "../../../pipeline/store/partitions.ts";
import { createPostgresTelemetryStore } from "../../../pipeline/store/postgresTelemetryStore.ts";
import { startRollupJob } from "../../../pipeline/store/rollupJob.ts";
import { refreshRollups } from "../../../pipeline/store/rollups.ts";
import { waitFor } from "../../../stack/processes.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { BASE_TIME, row, shuffled, vinFor } from "../../unit/pipeline/support/fixtures.ts";
import { countAndDistinct, snapshotTables } from "./support/snapshot.ts";

const logger = createLogger("pipeline-store-test", "silent");
let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase("pipe_store");
  pool = new pg.Pool({ connectionString: database.url, max: 6 });
  await runMigrations(pool, logger);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});
beforeEach(async () => {
  await pool.query(
    "TRUNCATE telemetry, vehicle_latest, telemetry_rollup_1m, telemetry_rollup_1h, telemetry_rollup_pending",
  );
});

const rows = (count: number, from = 0): TelemetryRow[] => Array.from({ length: count }, (_, i) => row(from + i));

describe("migrations", () => {
  it("apply once: concurrent and repeated start-ups leave one recorded version and the same schema", async () => {
    // Given a migrated database
    // When three instances start at the same time and one more later
    const concurrent = await Promise.all([
      runMigrations(pool, logger),
      runMigrations(pool, logger),
      runMigrations(pool, logger),
    ]);
    const later = await runMigrations(pool, logger);
    // Then nothing ran again and each version is recorded once, in plain-partitioned mode (no TimescaleDB here)
    expect([...concurrent, later]).toEqual([[], [], [], []]);
    const versions = await pool.query("SELECT version FROM pipeline_schema_migrations ORDER BY version");
    expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);
    expect(await storageMode(pool)).toBe("partitioned");
    const brin = await pool.query("SELECT 1 FROM pg_indexes WHERE indexname = 'telemetry_event_time_brin'");
    expect(brin.rowCount).toBe(1);
  });
});

describe("postgresTelemetryStore", () => {
  const store = () => createPostgresTelemetryStore(pool, logger);

  it("stores each event once: a repeated batch and in-batch repeats count as duplicates", async () => {
    // Given 300 new rows, 20 of them repeated inside the batch
    const batch = [...rows(300), ...rows(20)];
    // When the batch is written twice
    const first = await store().insertBatch(batch);
    const second = await store().insertBatch(batch);
    // Then 300 rows are stored once and everything else was reported as a duplicate
    expect(first).toEqual({ inserted: 300, duplicates: 20 });
    expect(second).toEqual({ inserted: 0, duplicates: 320 });
    expect(await countAndDistinct(pool)).toEqual({ count: 300, distinct: 300 });
  });

  it("creates a missing daily partition and retries the batch", async () => {
    // Given rows on days no partition exists for (one far in the future)
    const future = Date.UTC(2031, 4, 17, 12);
    const batch = [row(1, { eventTime: future }), row(2, { eventTime: future + 86_400_000 }), row(3)];
    // When they are written
    const result = await store().insertBatch(batch);
    // Then the partitions exist and every row is stored
    expect(result.inserted).toBe(3);
    const names = await listPartitions(pool);
    expect(names).toEqual(expect.arrayContaining(["telemetry_p20310517", "telemetry_p20310518"]));
  });

  it("gives identical tables (rows, latest state, rollups) for duplicated, shuffled, differently batched input", async () => {
    // Given 2,000 events across 7 vehicles written once in order
    const events = rows(2_000);
    for (let i = 0; i < events.length; i += 500) await store().insertBatch(events.slice(i, i + 500));
    await refreshRollups(pool);
    const expected = await snapshotTables(pool);
    // When the tables are emptied and the same events arrive twice, shuffled, in batches of 37
    await pool.query(
      "TRUNCATE telemetry, vehicle_latest, telemetry_rollup_1m, telemetry_rollup_1h, telemetry_rollup_pending",
    );
    const noisy = shuffled([...events, ...shuffled(events, 7).slice(0, 1_200)], 42);
    for (let i = 0; i < noisy.length; i += 37) await store().insertBatch(noisy.slice(i, i + 37));
    await refreshRollups(pool);
    // Then every table is exactly the same
    expect(await snapshotTables(pool)).toEqual(expected);
  });

  it("keeps rollups equal to an aggregation of the stored rows after replays", async () => {
    // Given rows written, then written again with overlap
    const events = rows(1_500);
    await store().insertBatch(events.slice(0, 1_000));
    await refreshRollups(pool); // a refresh between overlapping writes must not double-count either
    await store().insertBatch(events.slice(500));
    await refreshRollups(pool);
    // When the minute rollup is compared with a fresh aggregation of the telemetry table
    const diff = await pool.query(`
      WITH truth AS (
        SELECT vin, date_bin('1 minute', event_time, timestamptz '2000-01-01 00:00:00+00') AS bucket, count(*) AS n,
               sum(speed_kph::numeric) AS s, min(speed_kph) AS mn, max(speed_kph) AS mx, min(battery_soc_pct) AS soc,
               max(odometer_km) AS odo
        FROM telemetry GROUP BY 1, 2)
      SELECT * FROM truth t FULL JOIN telemetry_rollup_1m r USING (vin, bucket)
      WHERE r.sample_count IS DISTINCT FROM t.n OR r.speed_sum IS DISTINCT FROM t.s OR r.speed_min IS DISTINCT FROM t.mn
         OR r.speed_max IS DISTINCT FROM t.mx OR r.soc_min IS DISTINCT FROM t.soc OR r.odometer_max IS DISTINCT FROM t.odo`);
    // Then there is no difference
    expect(diff.rows).toEqual([]);
    const total = await pool.query("SELECT sum(sample_count)::int AS n FROM telemetry_rollup_1h");
    expect(total.rows[0]).toEqual({ n: 1_500 });
  });

  it("rollup job: refreshes on its own within its interval, and a refresh is exact after any number of batches", async () => {
    // Given a rollup job ticking every 50 ms and rows written in three batches
    const job = startRollupJob(pool, logger, 50);
    try {
      const events = rows(900);
      for (let i = 0; i < events.length; i += 300) await store().insertBatch(events.slice(i, i + 300));
      // When the job has had time to tick (polled, not slept)
      await waitFor(
        async () => {
          const result = await pool.query<{ m: number; h: number; pending: number }>(`SELECT
            (SELECT coalesce(sum(sample_count), 0) FROM telemetry_rollup_1m)::int AS m,
            (SELECT coalesce(sum(sample_count), 0) FROM telemetry_rollup_1h)::int AS h,
            (SELECT count(*) FROM telemetry_rollup_pending)::int AS pending`);
          const now = result.rows[0];
          return now?.m === 900 && now.h === 900 && now.pending === 0 ? true : undefined;
        },
        { timeoutMs: 10_000, what: "rollups refreshed by the job" },
      );
      // Then an on-demand refresh after a repeated batch changes nothing
      const before = await snapshotTables(pool);
      await store().insertBatch(events.slice(0, 300));
      await job.refresh();
      expect(await snapshotTables(pool)).toEqual(before);
    } finally {
      await job.stop();
    }
  });

  it("updates the latest state only with a newer (event_time, seq)", async () => {
    // Given a vehicle whose newest event is stored first
    const vin = vinFor(99);
    const newest = row(10_001, { vin, eventTime: BASE_TIME + 60_000, seq: 20, speedKph: 42 });
    const older = row(10_002, { vin, eventTime: BASE_TIME, seq: 10, speedKph: 7 });
    // When an older event arrives afterwards
    await store().insertBatch([newest]);
    await store().insertBatch([older]);
    // Then the latest state still shows the newest event
    const latest = await pool.query("SELECT seq::int, speed_kph FROM vehicle_latest WHERE vin = $1", [vin]);
    expect(latest.rows).toEqual([{ seq: 20, speed_kph: 42 }]);
  });

  it("rejects a row the table's checks refuse as poison, and bisection stores all the others", async () => {
    // Given 100 rows of which two violate the table's checks
    const batch = rows(100);
    batch[17] = row(17, { speedKph: 999 });
    batch[80] = row(80, { latitude: 123 });
    // When written through poison isolation
    const result = await isolatePoison(batch, async (subset) => {
      await store().insertBatch(subset);
    });
    // Then exactly those two are isolated, as poison, and the 98 others are stored
    expect(result.poison.map((p) => p.item.eventId).sort()).toEqual([batch[17]?.eventId, batch[80]?.eventId].sort());
    expect(result.poison.every((p) => classifyFailure(p.error) === "poison")).toBe(true);
    expect(await countAndDistinct(pool)).toEqual({ count: 98, distinct: 98 });
  });
});

describe("partition maintenance", () => {
  it("creates partitions ahead and drops those past retention", async () => {
    // Given an expired partition 40 days old
    const now = Date.UTC(2027, 0, 15, 10);
    const old = Date.UTC(2026, 11, 1, 5);
    await createPostgresTelemetryStore(pool, logger).insertBatch([row(1, { eventTime: old })]);
    // When maintenance runs with 30 days retention and 3 days premade
    const plan = await maintainPartitions(pool, logger, { now, premakeDays: 3, retentionDays: 30 });
    // Then yesterday…today+3 exist, the expired one is gone, and a second run has nothing to do
    const names = await listPartitions(pool);
    for (const day of ["20270114", "20270115", "20270116", "20270117", "20270118"])
      expect(names).toContain(`telemetry_p${day}`);
    expect(plan.drop).toContain("telemetry_p20261201");
    expect(names).not.toContain("telemetry_p20261201");
    const again = await maintainPartitions(pool, logger, { now, premakeDays: 3, retentionDays: 30 });
    expect(again.create).toEqual([]);
  });
});
