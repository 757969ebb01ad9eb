import { describe, expect, it } from "vitest";
import { createSeededUuid, UUID_PATTERN } from "../../../simulators/core/ids.ts";
import { createRandom } from "../../../simulators/core/rng.ts";
import { generateFleetVins, isValidVin, VIN_PATTERN, vinCheckDigit } from "../../../simulators/core/vin.ts";

describe("VIN generator", () => {
  it("computes the ISO 3779 check digit of a known VIN", () => {
    // Given the textbook example VIN  // When / Then its check digit is X
    expect(vinCheckDigit("1M8GDM9AXKP042788")).toBe("X");
    expect(isValidVin("1M8GDM9AXKP042788")).toBe(true);
    expect(isValidVin("1M8GDM9A1KP042788")).toBe(false);
  });

  it("generates distinct, valid 17-character VINs reproducibly from a seed", () => {
    // Given a seeded fleet of 2 000  // When generated twice
    const vins = generateFleetVins(createRandom("fleet"), 2_000);
    // Then all are valid, distinct, and reproducible
    expect(vins.every((vin) => VIN_PATTERN.test(vin) && isValidVin(vin))).toBe(true);
    expect(new Set(vins).size).toBe(2_000);
    expect(generateFleetVins(createRandom("fleet"), 2_000)).toEqual(vins);
  });
});

describe("seeded UUIDs", () => {
  it("are valid v4 UUIDs, unique, and reproducible", () => {
    // Given two generators from the same seed  // When each makes 10 000 ids
    const a = createSeededUuid(createRandom("ids"));
    const b = createSeededUuid(createRandom("ids"));
    const ids = Array.from({ length: 10_000 }, () => a());
    // Then they match, are unique, and are well-formed
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => UUID_PATTERN.test(id) && id[14] === "4")).toBe(true);
  });
});
