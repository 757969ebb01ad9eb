import { describe, expect, it } from "vitest";
import { insertBatchParams } from "../../../pipeline/store/insertSql.ts";
import { partitionForDay, partitionsForTimes, planMaintenance } from "../../../pipeline/store/partitionPlan.ts";
import { numberArrayLiteral, textArrayLiteral } from "../../../pipeline/store/pgArray.ts";
import { binaryArray } from "../../../pipeline/store/pgBinaryArray.ts";
import { row } from "./support/fixtures.ts";

describe("partition planning", () => {
  it("names UTC daily partitions and lists the days a batch needs", () => {
    expect(partitionForDay(Date.UTC(2026, 0, 2, 23, 59))).toEqual({
      name: "telemetry_p20260102",
      from: Date.UTC(2026, 0, 2),
      to: Date.UTC(2026, 0, 3),
    });
    expect(
      partitionsForTimes([Date.UTC(2026, 0, 3, 1), Date.UTC(2026, 0, 2, 5), Date.UTC(2026, 0, 3, 9)]).map(
        (p) => p.name,
      ),
    ).toEqual(["telemetry_p20260102", "telemetry_p20260103"]);
  });

  it("premakes yesterday to today+N and drops only whole days before the retention cut-off", () => {
    // Given today 2026-03-10 12:00, 2 days premade, 5 days retention, some partitions already there
    const plan = planMaintenance({
      now: Date.UTC(2026, 2, 10, 12),
      premakeDays: 2,
      retentionDays: 5,
      existing: [
        "telemetry_p20260304",
        "telemetry_p20260305",
        "telemetry_p20260306",
        "telemetry_p20260310",
        "telemetry_special",
      ],
    });
    // Then the missing days are created and only days ending before 03-05 12:00 are dropped
    expect(plan.create.map((p) => p.name)).toEqual([
      "telemetry_p20260309",
      "telemetry_p20260311",
      "telemetry_p20260312",
    ]);
    expect(plan.drop).toEqual(["telemetry_p20260304"]);
  });
});

describe("insert parameters", () => {
  it("encodes ragged arrays as PostgreSQL literals with quoting", () => {
    expect(numberArrayLiteral(null)).toBeNull();
    expect(numberArrayLiteral([230, 1.5])).toBe("{230,1.5}");
    expect(textArrayLiteral([])).toBe("{}");
    expect(textArrayLiteral(['a"b', "c\\d", "e,f"])).toBe('{"a\\"b","c\\\\d","e,f"}');
  });

  it("produces one binary column array per field, rows sorted by VIN", () => {
    const params = insertBatchParams([row(2), row(1)]);
    expect(params).toHaveLength(15);
    const vins = params[0] as Buffer;
    expect(vins.indexOf(row(1).vin)).toBeGreaterThan(0);
    expect(vins.indexOf(row(1).vin)).toBeLessThan(vins.indexOf(row(2).vin));
  });

  it("encodes binary arrays as array_recv reads them: header, NULLs as length -1, big-endian values", () => {
    // Given a float8 array with a NULL and an int8 array beyond 32 bits
    const floats = binaryArray("float8", [1.5, null]);
    const longs = binaryArray("int8", [2 ** 40 + 7]);
    const ids = binaryArray("uuid", ["00112233-4455-6677-8899-aabbccddeeff"]);
    // Then the header says 1 dimension, whether NULLs occur, the element type and the length
    expect([0, 4, 8, 12, 16].map((at) => floats.readInt32BE(at))).toEqual([1, 1, 701, 2, 1]);
    expect(floats.readInt32BE(20)).toBe(8);
    expect(floats.readDoubleBE(24)).toBe(1.5);
    expect(floats.readInt32BE(32)).toBe(-1);
    expect(floats).toHaveLength(36);
    expect(longs.readBigInt64BE(24)).toBe(BigInt(2 ** 40 + 7));
    expect(ids.subarray(24).toString("hex")).toBe("00112233445566778899aabbccddeeff");
  });
});
