import { describe, expect, it } from "vitest";
import { subjects, telemetryV1, telemetryV2 } from "../../../schemas/catalog.ts";
import { consumerContracts } from "../../../schemas/contracts/consumers.ts";
import { verifyContracts } from "../../../schemas/contracts/verify.ts";

type Field = { name: string; type: unknown };
const fieldsOf = (schema: object) => (schema as { fields: Field[] }).fields;

describe("consumer-driven contracts", () => {
  it("every project subject evolves under its level and every declared consumer reads every version", () => {
    const report = verifyContracts(subjects, consumerContracts);
    expect(report.lines.filter((line) => line.startsWith("✗"))).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("fails with a readable line naming consumer, version, field and rule when a producer version breaks a reader", () => {
    // Given a v3 that drops a field the v1 consumer has no default for
    const v3 = { ...telemetryV2, fields: fieldsOf(telemetryV2).filter((field) => field.name !== "odometer_km") };
    const evolved = {
      "vehicle.telemetry-value": {
        versions: [telemetryV1, telemetryV2, v3],
        compatibility: "BACKWARD_TRANSITIVE" as const,
      },
    };
    // When the contracts are verified
    const report = verifyContracts(
      evolved,
      consumerContracts.filter((contract) => contract.subject === "vehicle.telemetry-value"),
    );
    // Then the level passes (removal is BACKWARD) but each consumer fails on v3, by name
    expect(report.ok).toBe(false);
    expect(report.lines).toContain("✗ v1 consumer during rollout can read vehicle.telemetry-value v3");
    expect(report.lines.join("\n")).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE at \/odometer_km/);
  });

  it("fails when a version breaks the subject's level", () => {
    const v2Broken = { ...telemetryV2, fields: [...fieldsOf(telemetryV1), { name: "driver_id", type: "string" }] };
    const report = verifyContracts({ s: { versions: [telemetryV1, v2Broken], compatibility: "FULL_TRANSITIVE" } }, []);
    expect(report.failures).toBe(1);
    expect(report.lines[1]).toBe("✗ s v2 is FULL_TRANSITIVE-compatible with v1..v1");
    expect(report.lines[2]).toContain("driver_id");
  });

  it("fails for a contract on a subject nobody produces", () => {
    const report = verifyContracts({}, [{ consumer: "ghost", subject: "nope-value", readerSchema: telemetryV1 }]);
    expect(report.ok).toBe(false);
  });
});
