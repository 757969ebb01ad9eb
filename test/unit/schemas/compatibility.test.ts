import { describe, expect, it } from "vitest";
import { otaStatusV1, telemetryV1, telemetryV2 } from "../../../schemas/catalog.ts";
import { canReadWith, checkCompatibility, describeConflicts, parseType } from "../../../schemas/compatibility/check.ts";

type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };
const fields = (schema: object) => (schema as { fields: Field[] }).fields;
const edit = (schema: object, map: (fields: Field[]) => Field[]) =>
  parseType({ ...schema, fields: map(fields(schema)) });
const v1 = parseType(telemetryV1);
const v2 = parseType(telemetryV2);

describe("compatibility rules (avsc resolution decides, the explanation names field and rule)", () => {
  it("telemetry v2 is fully compatible with v1 in both directions", () => {
    expect(checkCompatibility("FULL_TRANSITIVE", v2, [v1])).toEqual([]);
  });

  it("names a field added without a default as READER_FIELD_MISSING_DEFAULT_VALUE (backward)", () => {
    const added = edit(telemetryV1, (f) => [...f, { name: "driver_id", type: "string" }]);
    const [conflict] = checkCompatibility("BACKWARD", added, [v1]);
    expect(conflict?.direction).toBe("new reads old");
    expect(conflict?.issues).toEqual([
      expect.objectContaining({ rule: "READER_FIELD_MISSING_DEFAULT_VALUE", path: "/driver_id" }),
    ]);
  });

  it("names a changed type as TYPE_MISMATCH at the field's path, including inside nested records and arrays", () => {
    const changed = edit(telemetryV2, (f) =>
      f.map((field) =>
        field.name === "tyre_pressure_kpa" ? { ...field, type: ["null", { type: "array", items: "string" }] } : field,
      ),
    );
    const result = canReadWith(changed, v2);
    expect(result.compatible).toBe(false);
    expect(result.issues[0]).toMatchObject({ path: "/tyre_pressure_kpa/items" });
  });

  it("allows Avro's promotions (int → long → float → double, string ↔ bytes)", () => {
    const promoted = edit(telemetryV1, (f) =>
      f.map((field) => (field.name === "speed_kph" ? { ...field, type: "double" } : field)),
    );
    expect(checkCompatibility("BACKWARD", promoted, [v1])).toEqual([]);
    expect(checkCompatibility("FORWARD", promoted, [v1])).not.toEqual([]);
  });

  it("reads a renamed field through its alias, but an old reader cannot (FULL refuses)", () => {
    const renamed = edit(telemetryV1, (f) =>
      f.map((field) => (field.name === "seq" ? { ...field, name: "sequence", aliases: ["seq"] } : field)),
    );
    expect(checkCompatibility("BACKWARD", renamed, [v1])).toEqual([]);
    expect(checkCompatibility("FULL", renamed, [v1])[0]?.issues[0]).toMatchObject({
      path: "/seq",
      rule: "READER_FIELD_MISSING_DEFAULT_VALUE",
    });
  });

  it("lets an old enum reader with a default read new symbols; without a default reports MISSING_ENUM_SYMBOLS", () => {
    const withSymbol = (schema: object, extra: string[], keepDefault: boolean) =>
      edit(schema, (f) =>
        f.map((field) => {
          if (field.name !== "state") return field;
          const { default: _omit, ...enumType } = field.type as { symbols: string[]; default?: string };
          return {
            ...field,
            type: {
              ...enumType,
              symbols: [...enumType.symbols, ...extra],
              ...(keepDefault ? { default: "UNKNOWN" } : {}),
            },
          };
        }),
      );
    const newer = withSymbol(otaStatusV1, ["PAUSED_BY_USER"], true);
    expect(checkCompatibility("FULL", newer, [parseType(otaStatusV1)])).toEqual([]);
    const oldWithoutDefault = withSymbol(otaStatusV1, [], false);
    expect(canReadWith(oldWithoutDefault, newer).issues[0]).toMatchObject({
      rule: "MISSING_ENUM_SYMBOLS",
      path: "/state",
    });
  });

  it("compares with the latest version only unless the level is transitive", () => {
    const noHeading = edit(telemetryV1, (f) => f.filter((field) => field.name !== "heading_deg"));
    const headingAsString = edit(telemetryV1, (f) =>
      f.map((field) => (field.name === "heading_deg" ? { ...field, type: "string", default: "" } : field)),
    );
    expect(checkCompatibility("BACKWARD", headingAsString, [v1, noHeading])).toEqual([]);
    expect(checkCompatibility("BACKWARD_TRANSITIVE", headingAsString, [v1, noHeading]).map((c) => c.version)).toEqual([
      1,
    ]);
  });

  it("NONE accepts anything", () => {
    expect(checkCompatibility("NONE", parseType({ type: "record", name: "Other", fields: [] }), [v1, v2])).toEqual([]);
  });

  it("describes a refusal the way Confluent does, with rule, field, version and level", () => {
    const added = edit(telemetryV1, (f) => [...f, { name: "driver_id", type: "string" }]);
    const message = describeConflicts(
      "vehicle.telemetry-value",
      "BACKWARD",
      checkCompatibility("BACKWARD", added, [v1]),
    );
    expect(message).toContain(
      'Schema being registered is incompatible with an earlier schema for subject "vehicle.telemetry-value"',
    );
    expect(message).toContain("errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'");
    expect(message).toContain("'/driver_id'");
    expect(message).toContain("oldSchemaVersion:1");
    expect(message).toContain("compatibility: 'BACKWARD'");
  });
});
