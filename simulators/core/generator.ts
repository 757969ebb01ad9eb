import { createSeededUuid } from "./ids.ts";
import { createRandom, uniform } from "./rng.ts";
import type { TelemetryPayload, TelemetryV2Payload } from "./telemetry.ts";
import { initialVehicleState, stepVehicle, type VehicleState } from "./vehicleModel.ts";

export interface TelemetryGeneratorOptions {
  readonly seed: string;
  readonly vin: string;
  /** Wall clock (epoch ms) of the simulation; the vehicle's own clock is this plus `clockSkewMs`. */
  readonly clock: () => number;
  /** Defaults to a UUID v4 stream seeded from `seed` and `vin`. */
  readonly newId?: () => string;
  /** Constant offset of this vehicle's clock (a badly set RTC); see `drawClockSkewMs`. */
  readonly clockSkewMs?: number;
  /** 1 sends the v1 fields only; 2 (default) adds battery_temp_c, tyre_pressure_kpa, fault_codes. */
  readonly schemaVersion?: 1 | 2;
  /** First `seq` (default 0); a restarted vehicle may continue from a persisted counter. */
  readonly firstSeq?: number;
}

export interface TelemetryGenerator {
  readonly vin: string;
  readonly clockSkewMs: number;
  /** The next payload: the vehicle advanced by the time elapsed on `clock` since the previous one. */
  next(): TelemetryPayload;
  state(): VehicleState;
}

/** A seeded, reproducible stream of telemetry for one vehicle: same seed, VIN and clock readings → same payloads. */
export function createTelemetryGenerator(options: TelemetryGeneratorOptions): TelemetryGenerator {
  const physics = createRandom(`${options.seed}:${options.vin}:physics`);
  const newId = options.newId ?? createSeededUuid(createRandom(`${options.seed}:${options.vin}:ids`));
  const clockSkewMs = options.clockSkewMs ?? 0;
  const version = options.schemaVersion ?? 2;
  let state = initialVehicleState(physics);
  let seq = options.firstSeq ?? 0;
  let lastTime: number | undefined;
  return {
    vin: options.vin,
    clockSkewMs,
    state: () => state,
    next() {
      const now = options.clock();
      const dtMs = lastTime === undefined ? 0 : Math.min(Math.max(0, now - lastTime), 3_600_000);
      lastTime = now;
      state = stepVehicle(state, dtMs, physics);
      return toPayload(state, { eventId: newId(), vin: options.vin, eventTime: Math.round(now + clockSkewMs), seq: seq++ }, version);
    },
  };
}

/** A vehicle's clock skew, uniform in [−maxSkewMs, +maxSkewMs], drawn once per vehicle. */
export function drawClockSkewMs(seed: string, vin: string, maxSkewMs: number): number {
  if (maxSkewMs <= 0) return 0;
  return Math.round(uniform(createRandom(`${seed}:${vin}:skew`), -maxSkewMs, maxSkewMs));
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

function toPayload(
  state: VehicleState,
  ids: { eventId: string; vin: string; eventTime: number; seq: number },
  version: 1 | 2,
): TelemetryPayload {
  const heading = round(state.headingDeg, 1);
  const v1 = {
    event_id: ids.eventId,
    vin: ids.vin,
    event_time: ids.eventTime,
    seq: ids.seq,
    latitude: round(state.position.latitude, 7),
    longitude: round(state.position.longitude, 7),
    speed_kph: round(state.speedKph, 2),
    heading_deg: heading >= 360 ? 0 : heading,
    odometer_km: round(state.odometerKm, 4),
    battery_soc_pct: round(state.socPct, 3),
    ambient_temp_c: round(state.ambientTempC, 1),
  };
  if (version === 1) return v1;
  const v2: TelemetryV2Payload = {
    ...v1,
    battery_temp_c: round(state.batteryTempC, 1),
    tyre_pressure_kpa: state.tyrePressureKpa.map((kpa) => round(kpa, 1)),
    fault_codes: [...state.faultCodes],
  };
  return v2;
}
