import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FleetlineError } from "../../../platform/errors.ts";
import { isolatePoison } from "../../../pipeline/core/bisect.ts";
import { classifyFailure } from "../../../pipeline/core/classify.ts";
import { dedupeByEventId } from "../../../pipeline/core/dedupe.ts";
import { toTelemetryRow } from "../../../pipeline/core/toRow.ts";
import { decodedRecord, row } from "./support/fixtures.ts";

const pgError = (code: string, message = "boom") => Object.assign(new Error(message), { code });

describe("dedupeByEventId", () => {
  it("keeps the first occurrence of every event id, in order", () => {
    // Given rows with repeats
    const rows = [row(1), row(2), row(1, { seq: 99 }), row(3), row(2)];
    // When de-duplicated / Then one row per event id, first ones kept
    expect(dedupeByEventId(rows)).toEqual([row(1), row(2), row(3)]);
  });
});

describe("toTelemetryRow", () => {
  it("maps a v2 record and gives v1 records the v2 defaults", () => {
    // Given a v1-shaped record (no v2 fields)
    const { battery_temp_c: _b, tyre_pressure_kpa: _t, fault_codes: _f, ...v1 } = decodedRecord(3);
    // When mapped / Then the v2 fields are null / empty
    const result = toTelemetryRow(v1);
    expect(result.ok && result.row).toMatchObject({
      batteryTempC: null,
      tyrePressureKpa: null,
      faultCodes: [],
      seq: 3,
    });
    expect(toTelemetryRow(decodedRecord(4))).toEqual({ ok: true, row: row(4) });
  });

  it("refuses values outside the contract with PIPE_INVALID_RECORD naming the fields", () => {
    // Given a record with a bad VIN, a negative speed and an absurd clock
    const result = toTelemetryRow(decodedRecord(1, { vin: "IOQ", speed_kph: -1, event_time: 12 }));
    // Then it is refused, naming each field
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("PIPE_INVALID_RECORD");
      expect(result.error.details).toEqual({ fields: ["vin", "event_time", "speed_kph"] });
    }
  });
});

describe("classifyFailure", () => {
  it.each([
    [new FleetlineError("SCHEMA_UNKNOWN_ID", "x"), "poison"],
    [new FleetlineError("PIPE_INVALID_RECORD", "x"), "poison"],
    [pgError("22003"), "poison"],
    [pgError("23502"), "poison"],
    [pgError("23514", 'new row for relation "telemetry_p1" violates check constraint'), "poison"],
    [pgError("23514", 'no partition of relation "telemetry" found for row'), "missing_partition"],
    [pgError("40001"), "infrastructure"],
    [pgError("40P01"), "infrastructure"],
    [pgError("57P01", "terminating connection due to administrator command"), "infrastructure"],
    [pgError("08006"), "infrastructure"],
    [pgError("ECONNREFUSED"), "infrastructure"],
    [new Error("Connection terminated unexpectedly"), "infrastructure"],
    ["something odd", "infrastructure"],
  ] as const)("classifies %s as %s (unknown failures are never dead-lettered)", (error, expected) => {
    expect(classifyFailure(error)).toBe(expected);
  });
});

describe("isolatePoison", () => {
  it("stores every good item and isolates exactly the bad ones, for any placement", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { maxLength: 6 }),
        async (size, badIndexes) => {
          // Given items of which some are poison for the store
          const items = Array.from({ length: size }, (_, i) => i);
          const bad = new Set(badIndexes.filter((i) => i < size));
          const stored: number[] = [];
          // When isolated through a write that refuses any subset containing a bad item
          const result = await isolatePoison(items, (subset) => {
            if (subset.some((i) => bad.has(i))) return Promise.reject(new FleetlineError("PIPE_INVALID_RECORD", "bad"));
            stored.push(...subset);
            return Promise.resolve();
          });
          // Then all good items are stored once, each bad one is reported alone
          expect(stored.sort((a, b) => a - b)).toEqual(items.filter((i) => !bad.has(i)));
          expect(result.poison.map((p) => p.item).sort((a, b) => a - b)).toEqual([...bad].sort((a, b) => a - b));
        },
      ),
    );
  });

  it("rethrows an infrastructure failure instead of dead-lettering", async () => {
    // Given a store whose connection drops
    const write = () => Promise.reject(Object.assign(new Error("terminating connection"), { code: "57P01" }));
    // Then the failure surfaces unchanged
    await expect(isolatePoison([1, 2, 3], write)).rejects.toMatchObject({ code: "57P01" });
  });
});
