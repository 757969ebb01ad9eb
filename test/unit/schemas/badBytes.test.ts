import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { telemetryV1, telemetryV2 } from "../../../schemas/catalog.ts";
import { FleetlineError } from "../../../platform/errors.ts";
import { createSerde } from "../../../schemas/serde.ts";
import { createFakeRegistry } from "./fakeRegistry.ts";
import { telemetryV1Record, telemetryV2Record } from "./records.ts";

const subject = "vehicle.telemetry-value";

async function fixture() {
  const registry = createFakeRegistry();
  const serde = createSerde({ registryUrl: "http://registry.test", fetch: registry.fetch });
  const v1 = await serde.encode(subject, telemetryV1, telemetryV1Record());
  const v2 = await serde.encode(subject, telemetryV2, telemetryV2Record());
  return { serde, v1, v2 };
}

const header = (id: number) => {
  const bytes = Buffer.alloc(5);
  bytes.writeUInt32BE(id, 1);
  return bytes;
};

describe("decoding malformed bytes yields a typed, non-retriable error, never a crash", () => {
  const cases: { name: string; bytes: (f: Awaited<ReturnType<typeof fixture>>) => Buffer | null; code: string }[] = [
    { name: "null value (tombstone)", bytes: () => null, code: "SCHEMA_EMPTY" },
    { name: "zero bytes", bytes: () => Buffer.alloc(0), code: "SCHEMA_EMPTY" },
    { name: "JSON instead of Avro", bytes: () => Buffer.from('{"vin":"WDB1240221A123456"}'), code: "SCHEMA_BAD_MAGIC" },
    {
      name: "magic byte 0x01",
      bytes: ({ v1 }) => Buffer.concat([Buffer.from([1]), v1.subarray(1)]),
      code: "SCHEMA_BAD_MAGIC",
    },
    { name: "header cut after 3 bytes", bytes: ({ v1 }) => v1.subarray(0, 3), code: "SCHEMA_TRUNCATED" },
    { name: "magic byte only", bytes: () => Buffer.from([0]), code: "SCHEMA_TRUNCATED" },
    {
      name: "unknown schema id",
      bytes: ({ v1 }) => Buffer.concat([header(999_999), v1.subarray(5)]),
      code: "SCHEMA_UNKNOWN_ID",
    },
    { name: "header without a body", bytes: ({ v1 }) => v1.subarray(0, 5), code: "SCHEMA_TRUNCATED" },
    {
      name: "body cut in the middle",
      bytes: ({ v2 }) => v2.subarray(0, Math.floor(v2.length / 2)),
      code: "SCHEMA_TRUNCATED",
    },
    { name: "body missing its last byte", bytes: ({ v2 }) => v2.subarray(0, v2.length - 1), code: "SCHEMA_TRUNCATED" },
    {
      name: "trailing garbage after the record",
      bytes: ({ v1 }) => Buffer.concat([v1, Buffer.from([1, 2, 3])]),
      code: "SCHEMA_DECODE_FAILED",
    },
    {
      name: "invalid union branch index",
      // ambient_temp_c is the last field of v1: ["null","float"]; branch 1 = float (4 bytes). Rewrite it to branch 5.
      bytes: ({ v1 }) => Buffer.concat([v1.subarray(0, v1.length - 5), Buffer.from([10, 0, 0, 0, 0])]),
      code: "SCHEMA_DECODE_FAILED",
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.name} → ${testCase.code}`, async () => {
      // Given malformed record bytes
      const f = await fixture();
      // When a consumer decodes them
      const outcome = f.serde.decode(testCase.bytes(f), telemetryV2);
      // Then it gets the typed error its DLQ routing needs
      await expect(outcome).rejects.toBeInstanceOf(FleetlineError);
      await expect(outcome).rejects.toMatchObject({ code: testCase.code, retriable: false });
    });
  }

  it("random bytes, with or without a valid header, yield a value or a SCHEMA_ error", async () => {
    const f = await fixture();
    const id = f.v1.readUInt32BE(1);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 200 }), async (withHeader, random) => {
        const bytes = withHeader ? Buffer.concat([header(id), random]) : Buffer.from(random);
        try {
          await f.serde.decode(bytes, telemetryV2);
        } catch (error) {
          expect(error).toBeInstanceOf(FleetlineError);
          expect((error as FleetlineError).code).toMatch(
            /^SCHEMA_(EMPTY|BAD_MAGIC|TRUNCATED|DECODE_FAILED|UNKNOWN_ID)$/,
          );
          expect((error as FleetlineError).retriable).toBe(false);
        }
      }),
      { numRuns: 2_000, seed: 20_260_101 },
    );
  });
});
