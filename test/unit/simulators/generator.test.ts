import { describe, expect, it } from "vitest";
import { createTelemetryGenerator } from "../../../simulators/core/generator.ts";
import { displacement } from "../../../simulators/core/geo.ts";
import { UUID_PATTERN } from "../../../simulators/core/ids.ts";
import type { TelemetryPayload } from "../../../simulators/core/telemetry.ts";
import { isWellFormedTelemetry } from "../../../simulators/core/telemetry.ts";

const VIN = "1M8GDM9AXKP042788";

/** A fake clock that advances `stepMs` per reading, so the generator sees a steady sampling interval. */
function steppingClock(startMs: number, stepMs: number): () => number {
  let now = startMs - stepMs;
  return () => (now += stepMs);
}

function generate(seed: string, count: number, stepMs = 1_000, vin = VIN): TelemetryPayload[] {
  const generator = createTelemetryGenerator({ seed, vin, clock: steppingClock(1_700_000_000_000, stepMs) });
  return Array.from({ length: count }, () => generator.next());
}

describe("telemetry generator", () => {
  it("reproduces every payload, event_id included, from the same seed, VIN and clock", () => {
    // Given two generators with the same seed  // When both produce 500 payloads
    const first = generate("seed-42", 500);
    const second = generate("seed-42", 500);
    // Then they are identical, and a different seed or VIN gives different data
    expect(second).toEqual(first);
    expect(generate("seed-43", 5)[1]).not.toEqual(first[1]);
    expect(generate("seed-42", 5, 1_000, "5YJ3E1EA7KF317000")[1]?.latitude).not.toEqual(first[1]?.latitude);
  });

  it("produces well-formed payloads with UUID event_ids, strictly increasing seq and a monotonic odometer", () => {
    // Given / When a long run of one vehicle
    const payloads = generate("contract", 5_000, 2_000);
    // Then every payload respects the shared contract and the per-vehicle invariants
    expect(payloads.every((p) => isWellFormedTelemetry(p))).toBe(true);
    expect(payloads.every((p) => UUID_PATTERN.test(p.event_id))).toBe(true);
    expect(new Set(payloads.map((p) => p.event_id)).size).toBe(payloads.length);
    payloads.slice(1).forEach((p, i) => {
      const previous = payloads[i]!;
      expect(p.seq).toBe(previous.seq + 1);
      expect(p.odometer_km).toBeGreaterThanOrEqual(previous.odometer_km);
      expect(p.event_time).toBe(previous.event_time + 2_000);
    });
  });

  it("moves each vehicle by its reported speed along its reported heading", () => {
    // Given many vehicles sampled every 2 s
    for (const seed of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
      const payloads = generate(seed, 600, 2_000);
      payloads.slice(1).forEach((p, i) => {
        const previous = payloads[i]!;
        // When we measure the displacement between consecutive samples
        const moved = displacement(previous, p);
        const expectedM = (p.speed_kph / 3.6) * 2;
        // Then distance matches speed × time, and the direction matches the heading when it moved visibly
        expect(Math.abs(moved.distanceM - expectedM)).toBeLessThan(0.5);
        if (moved.distanceM > 10) {
          const off = Math.abs(((moved.headingDeg - p.heading_deg + 540) % 360) - 180);
          expect(off).toBeLessThan(1);
        }
        expect(Math.abs(p.odometer_km - previous.odometer_km - moved.distanceM / 1000)).toBeLessThan(0.001);
      });
    }
  });

  it("drains the battery while driving and charges it while parked at a charger", () => {
    // Given a fleet followed for 3 simulated hours
    let drained = 0;
    let charged = 0;
    for (let v = 0; v < 20; v++) {
      const generator = createTelemetryGenerator({ seed: `battery-${v}`, vin: VIN, clock: steppingClock(0, 5_000) });
      let previous = generator.next();
      for (let i = 0; i < 2_160; i++) {
        const next = generator.next();
        const state = generator.state();
        // When the vehicle drove, the SoC fell; when it charged, it rose
        if (next.speed_kph > 5) {
          expect(next.battery_soc_pct).toBeLessThanOrEqual(previous.battery_soc_pct);
          drained += 1;
        }
        if (state.charging && next.speed_kph === 0 && previous.speed_kph === 0 && previous.battery_soc_pct < 99) {
          expect(next.battery_soc_pct).toBeGreaterThan(previous.battery_soc_pct);
          charged += 1;
        }
        previous = next;
      }
    }
    // Then both behaviours actually occurred
    expect(drained).toBeGreaterThan(1_000);
    expect(charged).toBeGreaterThan(100);
  });

  it("raises occasional fault codes and keeps temperatures and tyre pressures plausible", () => {
    // Given 50 vehicles over 2 simulated hours  // When we collect their payloads
    const payloads = Array.from({ length: 50 }, (_, v) => generate(`faults-${v}`, 720, 10_000)).flat();
    const withFaults = payloads.filter((p) => "fault_codes" in p && p.fault_codes.length > 0).length;
    // Then faults are present but rare, and sensors stay in physical ranges
    expect(withFaults).toBeGreaterThan(0);
    expect(withFaults / payloads.length).toBeLessThan(0.3);
    const implausible = payloads.filter(
      (p) =>
        p.ambient_temp_c === null || p.ambient_temp_c < -30 || p.ambient_temp_c > 50 ||
        !("tyre_pressure_kpa" in p) || p.tyre_pressure_kpa?.length !== 4 || (p.battery_temp_c ?? 0) > 70,
    );
    expect(implausible).toEqual([]);
  });

  it("sends only v1 fields when asked for schema version 1", () => {
    // Given a v1 generator  // When it produces a payload
    const generator = createTelemetryGenerator({ seed: "v1", vin: VIN, clock: () => 0, schemaVersion: 1 });
    const payload = generator.next();
    // Then no v2 field is present
    expect(Object.keys(payload).sort()).toEqual(
      ["ambient_temp_c", "battery_soc_pct", "event_id", "event_time", "heading_deg", "latitude", "longitude", "odometer_km", "seq", "speed_kph", "vin"],
    );
  });
});
