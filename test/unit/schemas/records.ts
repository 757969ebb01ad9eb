import type { TelemetryV1, TelemetryV2 } from "../../../schemas/catalog.ts";

/** Deterministic sample records for schema tests and benchmarks. */
export function telemetryV1Record(seq = 1): TelemetryV1 {
  return {
    event_id: "6f1c2a9e-3b7d-4c1a-9e2f-0a1b2c3d4e5f",
    vin: "WDB1240221A123456",
    event_time: 1_760_000_000_000 + seq,
    seq,
    received_at: 1_760_000_000_250 + seq,
    latitude: 48.137154,
    longitude: 11.576124,
    speed_kph: 87.5,
    heading_deg: 271.25,
    odometer_km: 42_195.7,
    battery_soc_pct: 76.5,
    ambient_temp_c: 18.5,
  };
}

export function telemetryV2Record(seq = 1): TelemetryV2 {
  return {
    ...telemetryV1Record(seq),
    battery_temp_c: 31.5,
    tyre_pressure_kpa: [230, 231.5, 228, 229],
    fault_codes: ["P0A80"],
  };
}
