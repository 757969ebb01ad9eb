import { advance, clamp, headingDelta, normaliseHeading, type Position } from "./geo.ts";
import { chance, gaussian, integer, pick, uniform, type Random } from "./rng.ts";

/** Physical state of one simulated electric vehicle; `stepVehicle` is pure (state and a random stream in, state out). */
export interface VehicleState {
  readonly position: Position;
  readonly headingDeg: number;
  readonly speedKph: number;
  readonly targetSpeedKph: number;
  /** Heading the driver is turning towards (a junction turn), reached at a bounded turn rate. */
  readonly targetHeadingDeg: number;
  readonly odometerKm: number;
  readonly socPct: number;
  readonly mode: "driving" | "parked";
  readonly modeRemainingMs: number;
  readonly charging: boolean;
  readonly ambientBaseC: number;
  readonly ambientTempC: number;
  readonly batteryTempC: number;
  readonly tyrePressureKpa: readonly number[];
  readonly faultCodes: readonly string[];
}

const CITIES: readonly Position[] = [
  { latitude: 48.137, longitude: 11.575 }, // Munich
  { latitude: 57.709, longitude: 11.974 }, // Gothenburg
  { latitude: 42.331, longitude: -83.046 }, // Detroit
  { latitude: 37.338, longitude: -121.886 }, // San Jose
  { latitude: 35.676, longitude: 139.65 }, // Tokyo
  { latitude: -33.869, longitude: 151.209 }, // Sydney
];
export const FAULT_CODES = ["P0A80", "P0AA6", "P1E00", "C0035", "U0100", "B1318", "P0C73", "U3000"] as const;

const ENERGY_PCT_PER_KM = 0.24; // ~0.18 kWh/km on a 75 kWh pack
const CHARGE_PCT_PER_S = 0.035; // ~95 kW DC charging
const MAX_ACCEL_KPH_PER_S = 10; // ~2.8 m/s²
const MAX_TURN_DEG_PER_S = 30;
/** Mean time between fault onsets per vehicle. */
export const FAULT_MEAN_INTERVAL_MS = 30 * 60_000;

export function initialVehicleState(random: Random): VehicleState {
  const city = pick(random, CITIES);
  const driving = chance(random, 0.7);
  const ambientBaseC = uniform(random, -5, 30);
  const heading = integer(random, 0, 3) * 90;
  return {
    position: advance(advance(city, 0, uniform(random, -15_000, 15_000)), 90, uniform(random, -15_000, 15_000)),
    headingDeg: heading,
    targetHeadingDeg: heading,
    speedKph: 0,
    targetSpeedKph: driving ? uniform(random, 30, 110) : 0,
    odometerKm: uniform(random, 100, 150_000),
    socPct: uniform(random, 35, 95),
    mode: driving ? "driving" : "parked",
    modeRemainingMs: driving ? uniform(random, 5, 30) * 60_000 : uniform(random, 1, 10) * 60_000,
    charging: !driving && chance(random, 0.5),
    ambientBaseC,
    ambientTempC: ambientBaseC,
    batteryTempC: ambientBaseC + 5,
    tyrePressureKpa: Array.from({ length: 4 }, () => gaussian(random, 240, 4)),
    faultCodes: [],
  };
}

/** Advances the vehicle by `dtMs`: speed and heading change within physical limits, then it moves along them. */
export function stepVehicle(state: VehicleState, dtMs: number, random: Random): VehicleState {
  const dtS = Math.max(0, dtMs) / 1000;
  const moded = nextMode(state, dtMs, random);
  const driving = moded.mode === "driving";
  const targetSpeedKph = driving ? nextTargetSpeed(moded.targetSpeedKph, dtS, random) : 0;
  const speedKph = approach(state.speedKph, targetSpeedKph, MAX_ACCEL_KPH_PER_S * dtS);
  const targetHeadingDeg = driving && chance(random, 1 - Math.exp(-dtS / 45))
    ? normaliseHeading(moded.targetHeadingDeg + pick(random, [-90, 90, 0, 45, -45]))
    : moded.targetHeadingDeg;
  const turn = clamp(headingDelta(state.headingDeg, targetHeadingDeg), -MAX_TURN_DEG_PER_S * dtS, MAX_TURN_DEG_PER_S * dtS);
  const headingDeg = normaliseHeading(state.headingDeg + (speedKph > 0 ? turn : 0));
  const distanceKm = (speedKph * dtS) / 3600;
  const pluggedIn = moded.charging && speedKph === 0 && state.speedKph === 0; // plugs in once stopped
  const chargePct = pluggedIn ? CHARGE_PCT_PER_S * dtS : 0;
  const socPct = clamp(state.socPct - distanceKm * ENERGY_PCT_PER_KM - 0.0001 * dtS + chargePct, 0, 100);
  const ambientTempC = approach(state.ambientTempC + gaussian(random, 0, 0.02 * Math.sqrt(dtS)), moded.ambientBaseC, 0.001 * dtS);
  const batteryTarget = ambientTempC + (pluggedIn ? 18 : driving ? 12 : 2);
  return {
    ...moded,
    position: advance(state.position, headingDeg, distanceKm * 1000),
    headingDeg,
    targetHeadingDeg,
    speedKph,
    targetSpeedKph,
    odometerKm: state.odometerKm + distanceKm,
    socPct,
    ambientTempC,
    batteryTempC: approach(state.batteryTempC, batteryTarget, 0.02 * dtS),
    tyrePressureKpa: state.tyrePressureKpa.map((kpa) => clamp(kpa + gaussian(random, 0, 0.05 * Math.sqrt(dtS)), 150, 320)),
    faultCodes: nextFaults(state.faultCodes, dtMs, random),
  };
}

function nextMode(state: VehicleState, dtMs: number, random: Random): VehicleState {
  const remaining = state.modeRemainingMs - dtMs;
  const mustCharge = state.mode === "driving" && state.socPct < 12;
  const fullyCharged = state.charging && state.socPct >= 95;
  if (remaining > 0 && !mustCharge && !fullyCharged) return { ...state, modeRemainingMs: remaining };
  if (state.mode === "driving") {
    const charging = mustCharge || chance(random, 0.4);
    return { ...state, mode: "parked", charging, modeRemainingMs: uniform(random, charging ? 10 : 1, charging ? 40 : 10) * 60_000 };
  }
  if (state.socPct < 15) return { ...state, charging: true, modeRemainingMs: 10 * 60_000 };
  return { ...state, mode: "driving", charging: false, targetSpeedKph: uniform(random, 30, 110), modeRemainingMs: uniform(random, 5, 30) * 60_000 };
}

function nextTargetSpeed(current: number, dtS: number, random: Random): number {
  if (!chance(random, 1 - Math.exp(-dtS / 20))) return current;
  return pick(random, [0, 30, 50, 50, 70, 90, 110, 130]); // stops at lights, town, rural, motorway
}

function nextFaults(codes: readonly string[], dtMs: number, random: Random): readonly string[] {
  const cleared = codes.filter(() => !chance(random, 1 - Math.exp(-dtMs / (5 * 60_000))));
  if (!chance(random, 1 - Math.exp(-dtMs / FAULT_MEAN_INTERVAL_MS))) return cleared;
  const code = pick(random, FAULT_CODES);
  return cleared.includes(code) ? cleared : [...cleared, code];
}

const approach = (value: number, target: number, maxStep: number): number =>
  value + clamp(target - value, -maxStep, maxStep);

