import { readFileSync } from "node:fs";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { OtaCommandV1, OtaStatusV1, TelemetryV1, TelemetryV2 } from "../../../schemas/catalog.ts";
import { currentGeneratedTypes, generatedTypesPath } from "../../../schemas/codegen/main.ts";
import { generateTypes } from "../../../schemas/codegen/generateTypes.ts";

describe("TypeScript types cannot drift from the .avsc files", () => {
  it("schemas/types.generated.ts is exactly what the generator makes from the current .avsc files", async () => {
    expect(readFileSync(generatedTypesPath, "utf8")).toBe(await currentGeneratedTypes());
  });

  it("maps Avro to TS: long → number, ['null', X] → X | null, enums → literal unions, nested records named", () => {
    const source = generateTypes([
      {
        typeName: "SampleV3",
        version: 3,
        file: "sample.v3.avsc",
        schema: {
          type: "record",
          name: "Sample",
          fields: [
            { name: "n", type: "long" },
            { name: "maybe", type: ["null", "float"], default: null },
            { name: "list", type: { type: "array", items: "string" } },
            { name: "kind", type: { type: "enum", name: "Kind", symbols: ["A", "B"] } },
            {
              name: "inner",
              type: ["null", { type: "record", name: "Inner", fields: [{ name: "b", type: "bytes" }] }],
              default: null,
            },
          ],
        },
      },
    ]);
    expect(source).toContain("DO NOT EDIT");
    expect(source).toContain("  n: number;");
    expect(source).toContain("  maybe: number | null;");
    expect(source).toContain("  list: string[];");
    expect(source).toContain('export type KindV3 = "A" | "B";');
    expect(source).toContain("  inner: InnerV3 | null;");
    expect(source).toContain("export interface InnerV3 {\n  b: Buffer;\n}");
  });

  it("exports the contract's field names and shapes", () => {
    expectTypeOf<TelemetryV1["ambient_temp_c"]>().toEqualTypeOf<number | null>();
    expectTypeOf<TelemetryV2["tyre_pressure_kpa"]>().toEqualTypeOf<number[] | null>();
    expectTypeOf<TelemetryV2["fault_codes"]>().toEqualTypeOf<string[]>();
    expectTypeOf<
      Omit<TelemetryV2, "battery_temp_c" | "tyre_pressure_kpa" | "fault_codes">
    >().toEqualTypeOf<TelemetryV1>();
    expectTypeOf<OtaStatusV1["state"]>().toExtend<string>();
    expectTypeOf<OtaCommandV1["action"]>().toEqualTypeOf<"INSTALL" | "CANCEL" | "ROLLBACK">();
  });
});
