import type { TelemetryRow } from "../core/telemetryRow.ts";
import { numberArrayLiteral, textArrayLiteral } from "./pgArray.ts";

const ORIGIN = `timestamptz '2000-01-01 00:00:00+00'`;

const rollupUpsert = (table: string, width: string) => `
INSERT INTO ${table} AS r (vin, bucket, sample_count, speed_sum, speed_min, speed_max, soc_min, soc_max,
                           odometer_min, odometer_max, first_event_time, last_event_time)
SELECT vin, date_bin('${width}', event_time, ${ORIGIN}), count(*), sum(speed_kph::numeric), min(speed_kph), max(speed_kph),
       min(battery_soc_pct), max(battery_soc_pct), min(odometer_km), max(odometer_km), min(event_time), max(event_time)
FROM ins GROUP BY 1, 2 ORDER BY 1, 2
ON CONFLICT (vin, bucket) DO UPDATE SET
  sample_count = r.sample_count + excluded.sample_count,
  speed_sum = r.speed_sum + excluded.speed_sum,
  speed_min = LEAST(r.speed_min, excluded.speed_min),
  speed_max = GREATEST(r.speed_max, excluded.speed_max),
  soc_min = LEAST(r.soc_min, excluded.soc_min),
  soc_max = GREATEST(r.soc_max, excluded.soc_max),
  odometer_min = LEAST(r.odometer_min, excluded.odometer_min),
  odometer_max = GREATEST(r.odometer_max, excluded.odometer_max),
  first_event_time = LEAST(r.first_event_time, excluded.first_event_time),
  last_event_time = GREATEST(r.last_event_time, excluded.last_event_time)`;

const LATEST_COLUMNS = `vin, event_time, seq, event_id, received_at, latitude, longitude, speed_kph, heading_deg,
  odometer_km, battery_soc_pct, ambient_temp_c, battery_temp_c, tyre_pressure_kpa, fault_codes`;

/**
 * One statement, one round trip: insert the batch ignoring rows already stored, and fold only the rows actually
 * inserted (RETURNING) into the rollups and the latest state, so duplicates and replays never double-count.
 * The latest-state upsert is guarded by (event_time, seq, event_id): arrival order cannot change the result.
 */
export const INSERT_BATCH_SQL = `
WITH ins AS (
  INSERT INTO telemetry (${LATEST_COLUMNS})
  SELECT u.vin, timestamptz 'epoch' + u.event_ms * interval '1 millisecond', u.seq, u.event_id,
         timestamptz 'epoch' + u.received_ms * interval '1 millisecond', u.latitude, u.longitude, u.speed_kph,
         u.heading_deg, u.odometer_km, u.battery_soc_pct, u.ambient_temp_c, u.battery_temp_c,
         u.tyre_pressure_kpa::real[], u.fault_codes::text[]
  FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::uuid[], $5::bigint[], $6::float8[], $7::float8[],
              $8::float4[], $9::float4[], $10::float8[], $11::float4[], $12::float4[], $13::float4[], $14::text[],
              $15::text[])
       AS u(vin, event_ms, seq, event_id, received_ms, latitude, longitude, speed_kph, heading_deg, odometer_km,
            battery_soc_pct, ambient_temp_c, battery_temp_c, tyre_pressure_kpa, fault_codes)
  ON CONFLICT DO NOTHING
  RETURNING ${LATEST_COLUMNS}
),
m AS (${rollupUpsert("telemetry_rollup_1m", "1 minute")}),
h AS (${rollupUpsert("telemetry_rollup_1h", "1 hour")}),
l AS (
  INSERT INTO vehicle_latest AS v (${LATEST_COLUMNS})
  SELECT DISTINCT ON (vin) ${LATEST_COLUMNS} FROM ins ORDER BY vin, event_time DESC, seq DESC, event_id DESC
  ON CONFLICT (vin) DO UPDATE SET
    event_time = excluded.event_time, seq = excluded.seq, event_id = excluded.event_id,
    received_at = excluded.received_at, latitude = excluded.latitude, longitude = excluded.longitude,
    speed_kph = excluded.speed_kph, heading_deg = excluded.heading_deg, odometer_km = excluded.odometer_km,
    battery_soc_pct = excluded.battery_soc_pct, ambient_temp_c = excluded.ambient_temp_c,
    battery_temp_c = excluded.battery_temp_c, tyre_pressure_kpa = excluded.tyre_pressure_kpa,
    fault_codes = excluded.fault_codes
  WHERE (v.event_time, v.seq, v.event_id) < (excluded.event_time, excluded.seq, excluded.event_id)
)
SELECT count(*)::int AS inserted FROM ins`;

/** Pure: column-wise parameters for INSERT_BATCH_SQL (rows sorted by VIN so concurrent writers lock in one order). */
export function insertBatchParams(rows: readonly TelemetryRow[]): unknown[][] {
  const sorted = [...rows].sort((a, b) => (a.vin < b.vin ? -1 : a.vin > b.vin ? 1 : a.eventTime - b.eventTime));
  const column = <T>(pick: (row: TelemetryRow) => T): T[] => sorted.map(pick);
  return [
    column((r) => r.vin),
    column((r) => r.eventTime),
    column((r) => r.seq),
    column((r) => r.eventId),
    column((r) => r.receivedAt),
    column((r) => r.latitude),
    column((r) => r.longitude),
    column((r) => r.speedKph),
    column((r) => r.headingDeg),
    column((r) => r.odometerKm),
    column((r) => r.batterySocPct),
    column((r) => r.ambientTempC),
    column((r) => r.batteryTempC),
    column((r) => numberArrayLiteral(r.tyrePressureKpa)),
    column((r) => textArrayLiteral(r.faultCodes)),
  ];
}
