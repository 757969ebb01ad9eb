import { FleetlineError } from "../../platform/errors.ts";
import type { DecodedTelemetry, TelemetryRow } from "./telemetryRow.ts";

export type RowResult =
  { readonly ok: true; readonly row: TelemetryRow } | { readonly ok: false; readonly error: FleetlineError };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;
/** Event times outside this window are clock garbage, not skew: they would create absurd partitions. */
const MIN_EVENT_TIME = Date.UTC(2000, 0, 1);
const MAX_EVENT_TIME = Date.UTC(2100, 0, 1);

type Check = readonly [field: string, ok: boolean];

const inRange = (value: unknown, min: number, max: number, maxExclusive = false): boolean =>
  typeof value === "number" && Number.isFinite(value) && value >= min && (maxExclusive ? value < max : value <= max);
const optionalFloat = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === "number" && Number.isFinite(value));
const safeLong = (value: unknown, min: number, max: number): boolean =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) < max;

/** Pure: validates a decoded record against the telemetry contract and maps it to a row; never throws. */
export function toTelemetryRow(record: DecodedTelemetry): RowResult {
  const tyres = record.tyre_pressure_kpa ?? null;
  const faults = record.fault_codes ?? [];
  const checks: Check[] = [
    ["event_id", typeof record.event_id === "string" && UUID.test(record.event_id)],
    ["vin", typeof record.vin === "string" && VIN.test(record.vin)],
    ["event_time", safeLong(record.event_time, MIN_EVENT_TIME, MAX_EVENT_TIME)],
    ["seq", safeLong(record.seq, 0, Number.MAX_SAFE_INTEGER)],
    ["received_at", safeLong(record.received_at, 0, MAX_EVENT_TIME)],
    ["latitude", inRange(record.latitude, -90, 90)],
    ["longitude", inRange(record.longitude, -180, 180)],
    ["speed_kph", inRange(record.speed_kph, 0, 400)],
    ["heading_deg", inRange(record.heading_deg, 0, 360, true)],
    ["odometer_km", inRange(record.odometer_km, 0, Number.MAX_VALUE)],
    ["battery_soc_pct", inRange(record.battery_soc_pct, 0, 100)],
    ["ambient_temp_c", optionalFloat(record.ambient_temp_c)],
    ["battery_temp_c", optionalFloat(record.battery_temp_c)],
    ["tyre_pressure_kpa", tyres === null || (Array.isArray(tyres) && tyres.every((p) => inRange(p, 0, 10_000)))],
    ["fault_codes", Array.isArray(faults) && faults.every((code) => typeof code === "string")],
  ];
  const failed = checks.filter(([, ok]) => !ok).map(([field]) => field);
  if (failed.length > 0) {
    return {
      ok: false,
      error: new FleetlineError("PIPE_INVALID_RECORD", `telemetry fails the contract on: ${failed.join(", ")}`, {
        details: { fields: failed },
      }),
    };
  }
  return {
    ok: true,
    row: {
      eventId: record.event_id.toLowerCase(),
      vin: record.vin,
      eventTime: record.event_time,
      seq: record.seq,
      receivedAt: record.received_at,
      latitude: record.latitude,
      longitude: record.longitude,
      speedKph: record.speed_kph,
      headingDeg: record.heading_deg,
      odometerKm: record.odometer_km,
      batterySocPct: record.battery_soc_pct,
      ambientTempC: record.ambient_temp_c ?? null,
      batteryTempC: record.battery_temp_c ?? null,
      tyrePressureKpa: tyres,
      faultCodes: faults,
    },
  };
}
