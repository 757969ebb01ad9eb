/** One stored telemetry row (epoch-millisecond times, v1 records carry the v2 defaults). */
export interface TelemetryRow {
  readonly eventId: string;
  readonly vin: string;
  readonly eventTime: number;
  readonly seq: number;
  readonly receivedAt: number;
  readonly latitude: number;
  readonly longitude: number;
  readonly speedKph: number;
  readonly headingDeg: number;
  readonly odometerKm: number;
  readonly batterySocPct: number;
  readonly ambientTempC: number | null;
  readonly batteryTempC: number | null;
  readonly tyrePressureKpa: readonly number[] | null;
  readonly faultCodes: readonly string[];
}

/** The decoded Avro record under the telemetry v2 reader schema (names from the shared contract). */
export interface DecodedTelemetry {
  readonly event_id: string;
  readonly vin: string;
  readonly event_time: number;
  readonly seq: number;
  readonly received_at: number;
  readonly latitude: number;
  readonly longitude: number;
  readonly speed_kph: number;
  readonly heading_deg: number;
  readonly odometer_km: number;
  readonly battery_soc_pct: number;
  readonly ambient_temp_c?: number | null;
  readonly battery_temp_c?: number | null;
  readonly tyre_pressure_kpa?: readonly number[] | null;
  readonly fault_codes?: readonly string[];
}
