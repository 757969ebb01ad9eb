import { describe, expect, it } from "vitest";
import { telemetryV1, telemetryV2, type TelemetryV1, type TelemetryV2 } from "../../../schemas/catalog.ts";
import { createSerde } from "../../../schemas/serde.ts";
import { createFakeRegistry } from "./fakeRegistry.ts";
import { telemetryV1Record, telemetryV2Record } from "./records.ts";

const subject = "vehicle.telemetry-value";
const setup = () => {
  const registry = createFakeRegistry();
  return { registry, serde: createSerde({ registryUrl: "http://registry.test", fetch: registry.fetch }) };
};

describe("serde", () => {
  it("writes Confluent wire format: magic 0x00, 4-byte big-endian id, Avro body", async () => {
    // Given a serde against a registry
    const { serde } = setup();
    // When a record is encoded
    const bytes = await serde.encode(subject, telemetryV1, telemetryV1Record());
    // Then the header carries the registered id
    const id = await serde.register(subject, telemetryV1);
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(id);
    expect(bytes.length).toBeGreaterThan(5);
  });

  it("reads v1 records with a v2 reader, filling the v2 defaults", async () => {
    // Given a v1 record on the wire
    const { serde } = setup();
    const bytes = await serde.encode(subject, telemetryV1, telemetryV1Record(7));
    // When a v2 consumer decodes it
    const decoded = await serde.decode<TelemetryV2>(bytes, telemetryV2);
    // Then the v1 fields survive and the new ones take their defaults
    expect(decoded).toEqual({
      ...telemetryV1Record(7),
      battery_temp_c: null,
      tyre_pressure_kpa: null,
      fault_codes: [],
    });
  });

  it("reads v2 records with a v1 reader, ignoring the fields v1 does not know", async () => {
    const { serde } = setup();
    const bytes = await serde.encode(subject, telemetryV2, telemetryV2Record(8));
    const decoded = await serde.decode<TelemetryV1>(bytes, telemetryV1);
    expect(decoded).toEqual(telemetryV1Record(8));
  });

  it("makes no registry call per record after the first for a given schema id", async () => {
    // Given a producer serde that wrote 100 records
    const producer = setup();
    const records = await Promise.all(
      Array.from({ length: 100 }, (_, i) => producer.serde.encode(subject, telemetryV2, telemetryV2Record(i))),
    );
    // When a fresh consumer serde decodes them all, concurrently
    const consumer = createSerde({ registryUrl: "http://registry.test", fetch: producer.registry.fetch });
    producer.registry.calls.length = 0;
    await Promise.all(records.map((bytes) => consumer.decode(bytes, telemetryV1)));
    await Promise.all(records.map((bytes) => consumer.decode(bytes, telemetryV2)));
    // Then exactly one id lookup happened (and the producer registered once)
    expect(producer.registry.calls).toEqual([{ method: "GET", path: `/schemas/ids/${records[0]?.readUInt32BE(1)}` }]);
  });

  it("registers a schema once however many records are encoded", async () => {
    const { serde, registry } = setup();
    await Promise.all(Array.from({ length: 20 }, (_, i) => serde.encode(subject, telemetryV1, telemetryV1Record(i))));
    await serde.encode(subject, structuredClone(telemetryV1), telemetryV1Record());
    expect(registry.calls.filter((call) => call.method === "POST")).toHaveLength(1);
  });

  it("encodes synchronously with a known id", async () => {
    const { serde } = setup();
    const id = await serde.register(subject, telemetryV2);
    const bytes = serde.encodeWithId(id, telemetryV2Record(3));
    expect(await serde.decode(bytes, telemetryV2)).toEqual(telemetryV2Record(3));
  });

  it("encodes records larger than the scratch buffer", async () => {
    const { serde } = setup();
    const big = { ...telemetryV2Record(), fault_codes: Array.from({ length: 20_000 }, (_, i) => `P${i}`) };
    const bytes = await serde.encode(subject, telemetryV2, big);
    expect(await serde.decode(bytes, telemetryV2)).toEqual(big);
  });

  it("refuses an invalid record with SCHEMA_INVALID_RECORD naming the field", async () => {
    const { serde } = setup();
    const id = await serde.register(subject, telemetryV1);
    expect(() => serde.encodeWithId(id, { ...telemetryV1Record(), speed_kph: "fast" })).toThrow(/speed_kph/);
    expect(() => serde.encodeWithId(id, { ...telemetryV1Record(), speed_kph: "fast" })).toThrow(
      expect.objectContaining({ code: "SCHEMA_INVALID_RECORD", retriable: false }),
    );
  });

  it("refuses encodeWithId for an id this serde never registered", () => {
    const { serde } = setup();
    expect(() => serde.encodeWithId(42, telemetryV1Record())).toThrow(
      expect.objectContaining({ code: "SCHEMA_UNKNOWN_ID" }),
    );
  });

  it("reports an unreachable registry as SCHEMA_REGISTRY_UNAVAILABLE, retriable", async () => {
    const { serde, registry } = setup();
    registry.down = true;
    await expect(serde.encode(subject, telemetryV1, telemetryV1Record())).rejects.toMatchObject({
      code: "SCHEMA_REGISTRY_UNAVAILABLE",
      retriable: true,
    });
    // And the failure is not cached: once the registry is back, encoding works
    registry.down = false;
    await expect(serde.encode(subject, telemetryV1, telemetryV1Record())).resolves.toBeInstanceOf(Buffer);
  });

  it("refuses a reader that cannot read the writer with SCHEMA_INCOMPATIBLE", async () => {
    const { serde } = setup();
    const bytes = await serde.encode(subject, telemetryV1, telemetryV1Record());
    const reader = {
      type: "record",
      name: "fleetline.telemetry.VehicleTelemetry",
      fields: [{ name: "vin", type: "long" }],
    };
    await expect(serde.decode(bytes, reader)).rejects.toMatchObject({ code: "SCHEMA_INCOMPATIBLE", retriable: false });
  });
});
