import type { DecodedTelemetry, TelemetryRow } from "../../../../pipeline/core/telemetryRow.ts";

/** Deterministic telemetry for tests: record `i` of vehicle `v` (VIN and UUID derived from the numbers). */
export const vinFor = (v: number): string => `1FLT${String(v).padStart(13, "0")}`;
export const uuidFor = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;

export const BASE_TIME = Date.UTC(2026, 10, 26, 23, 50, 0);

export function decodedRecord(i: number, overrides: Partial<DecodedTelemetry> = {}): DecodedTelemetry {
  const vehicle = i % 7;
  return {
    event_id: uuidFor(i),
    vin: vinFor(vehicle),
    event_time: BASE_TIME + i * 1_000,
    seq: i,
    received_at: BASE_TIME + i * 1_000 + 250,
    latitude: 48 + (i % 100) / 1000,
    longitude: 11 + (i % 50) / 1000,
    speed_kph: (i * 7) % 180,
    heading_deg: (i * 13) % 360,
    odometer_km: 10_000 + i / 10,
    battery_soc_pct: 90 - (i % 60),
    ambient_temp_c: i % 3 === 0 ? null : 12.5,
    battery_temp_c: null,
    tyre_pressure_kpa: i % 2 === 0 ? [230, 231.5, 229, 230] : null,
    fault_codes: i % 5 === 0 ? ["P0420", 'we"ird\\code'] : [],
    ...overrides,
  };
}

export function row(i: number, overrides: Partial<TelemetryRow> = {}): TelemetryRow {
  const d = decodedRecord(i);
  return {
    eventId: d.event_id,
    vin: d.vin,
    eventTime: d.event_time,
    seq: d.seq,
    receivedAt: d.received_at,
    latitude: d.latitude,
    longitude: d.longitude,
    speedKph: d.speed_kph,
    headingDeg: d.heading_deg,
    odometerKm: d.odometer_km,
    batterySocPct: d.battery_soc_pct,
    ambientTempC: d.ambient_temp_c ?? null,
    batteryTempC: d.battery_temp_c ?? null,
    tyrePressureKpa: d.tyre_pressure_kpa ?? null,
    faultCodes: d.fault_codes ?? [],
    ...overrides,
  };
}

/** Deterministic Fisher–Yates shuffle (mulberry32), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
