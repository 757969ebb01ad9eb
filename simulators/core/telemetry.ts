import type { TelemetryV1, TelemetryV2 } from "../../schemas/catalog.ts";
import { UUID_PATTERN } from "./ids.ts";
import { VIN_PATTERN } from "./vin.ts";

/**
 * The shared telemetry contract as a vehicle sends it: the generated Avro types minus `received_at`, which the
 * gateway stamps. Derived, so the simulator cannot drift from schemas/avro.
 */
export type TelemetryV1Payload = Omit<TelemetryV1, "received_at">;
export type TelemetryV2Payload = Omit<TelemetryV2, "received_at">;

export type TelemetryPayload = TelemetryV1Payload | TelemetryV2Payload;

export const telemetryTopic = (vin: string): string => `vehicles/${vin}/telemetry`;

const isNumberIn = (value: unknown, min: number, max: number): boolean =>
  typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
const isNullableNumber = (value: unknown): boolean =>
  value === null || value === undefined || (typeof value === "number" && Number.isFinite(value));

/**
 * Structural check against the shared contract (no zod: this is a pure predicate the simulator uses to tell
 * well-formed payloads, which the loss audit must find stored, from deliberately malformed ones).
 */
export function isWellFormedTelemetry(value: unknown): value is TelemetryPayload {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.event_id === "string" && UUID_PATTERN.test(p.event_id) &&
    typeof p.vin === "string" && VIN_PATTERN.test(p.vin) &&
    Number.isSafeInteger(p.event_time) &&
    Number.isSafeInteger(p.seq) && (p.seq as number) >= 0 &&
    isNumberIn(p.latitude, -90, 90) && isNumberIn(p.longitude, -180, 180) &&
    isNumberIn(p.speed_kph, 0, 400) && isNumberIn(p.heading_deg, 0, 359.999999) &&
    isNumberIn(p.odometer_km, 0, Number.MAX_VALUE) && isNumberIn(p.battery_soc_pct, 0, 100) &&
    isNullableNumber(p.ambient_temp_c) && isNullableNumber(p.battery_temp_c) &&
    (p.tyre_pressure_kpa === undefined || p.tyre_pressure_kpa === null ||
      (Array.isArray(p.tyre_pressure_kpa) && p.tyre_pressure_kpa.every((x) => typeof x === "number"))) &&
    (p.fault_codes === undefined || (Array.isArray(p.fault_codes) && p.fault_codes.every((x) => typeof x === "string")))
  );
}

/** The event_id the loss audit should find stored for this payload, or null when the payload is malformed. */
export function auditableEventId(payload: Buffer | string): string | null {
  try {
    const parsed: unknown = JSON.parse(payload.toString());
    return isWellFormedTelemetry(parsed) ? parsed.event_id : null;
  } catch {
    return null;
  }
}
