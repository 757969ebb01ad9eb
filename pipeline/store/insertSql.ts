import type { TelemetryRow } from "../core/telemetryRow.ts";
import { binaryArray, type BinaryElement } from "./pgBinaryArray.ts";
import { numberArrayLiteral, textArrayLiteral } from "./pgArray.ts";
import { recordPendingKeys } from "./rollupSql.ts";

const LATEST_COLUMNS = `vin, event_time, seq, event_id, received_at, latitude, longitude, speed_kph, heading_deg,
  odometer_km, battery_soc_pct, ambient_temp_c, battery_temp_c, tyre_pressure_kpa, fault_codes`;

/**
 * One statement, one round trip: insert the batch ignoring rows already stored, record the (vin, minute) keys of
 * the rows actually inserted for the rollup refresh (rollupSql.ts), and fold them into the latest state. The
 * latest-state upsert is guarded by (event_time, seq, event_id): arrival order cannot change the result.
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
p AS (${recordPendingKeys("ins")}),
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

/** Pure: column-wise parameters for INSERT_BATCH_SQL as binary arrays (rows sorted by VIN so concurrent writers lock in one order). */
export function insertBatchParams(rows: readonly TelemetryRow[]): Buffer[] {
  const sorted = [...rows].sort((a, b) => (a.vin < b.vin ? -1 : a.vin > b.vin ? 1 : a.eventTime - b.eventTime));
  const column = (element: BinaryElement, pick: (row: TelemetryRow) => string | number | null): Buffer =>
    binaryArray(element, sorted.map(pick));
  return [
    column("text", (r) => r.vin),
    column("int8", (r) => r.eventTime),
    column("int8", (r) => r.seq),
    column("uuid", (r) => r.eventId),
    column("int8", (r) => r.receivedAt),
    column("float8", (r) => r.latitude),
    column("float8", (r) => r.longitude),
    column("float4", (r) => r.speedKph),
    column("float4", (r) => r.headingDeg),
    column("float8", (r) => r.odometerKm),
    column("float4", (r) => r.batterySocPct),
    column("float4", (r) => r.ambientTempC),
    column("float4", (r) => r.batteryTempC),
    column("text", (r) => numberArrayLiteral(r.tyrePressureKpa)),
    column("text", (r) => textArrayLiteral(r.faultCodes)),
  ];
}
