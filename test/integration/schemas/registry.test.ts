import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telemetryV1, telemetryV2, type TelemetryV1, type TelemetryV2 } from "../../../schemas/catalog.ts";
import { startRegistry, type RunningRegistry } from "../../../schemas/registry/server.ts";
import { createSerde } from "../../../schemas/serde.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { uniqueName } from "../../support/names.ts";
import { telemetryV1Record, telemetryV2Record } from "../../unit/schemas/records.ts";
import { fieldsOf, registryHttp } from "./registryHttp.ts";

let database: TestDatabase;
let registry: RunningRegistry;

beforeAll(async () => {
  database = await createTestDatabase("schema_registry");
  registry = await startRegistry({ databaseUrl: database.url, port: 0 });
});

afterAll(async () => {
  await registry?.close();
  await database?.drop();
});

describe("schema registry (Confluent REST API over PostgreSQL)", () => {
  it("interoperates with @kafkajs/confluent-schema-registry: its bytes decode with ours and ours with its", async () => {
    // Given the third-party client registering telemetry v2 against our registry
    const subject = `${uniqueName("interop")}-value`;
    const theirs = new SchemaRegistry({ host: registry.url });
    const { id } = await theirs.register({ type: SchemaType.AVRO, schema: JSON.stringify(telemetryV2) }, { subject });
    const ours = createSerde({ registryUrl: registry.url });

    // When it encodes a record, and our serde encodes one with the same schema
    const theirBytes = await theirs.encode(id, telemetryV2Record(1));
    const ourBytes = await ours.encode(subject, telemetryV2, telemetryV2Record(2));

    // Then both share the id and each side decodes the other's bytes
    expect(ourBytes.readUInt32BE(1)).toBe(id);
    expect(await ours.decode<TelemetryV2>(theirBytes, telemetryV2)).toEqual(telemetryV2Record(1));
    expect(await ours.decode<TelemetryV1>(theirBytes, telemetryV1)).toEqual(telemetryV1Record(1));
    expect(await theirs.decode(ourBytes)).toEqual(telemetryV2Record(2));
    expect(theirBytes.equals(await ours.encode(subject, telemetryV2, telemetryV2Record(1)))).toBe(true);
    // And the subject-level config the client set on first registration reads back as Confluent's would
    expect((await registryHttp(registry.url)("GET", `/config/${subject}`)).body).toEqual({
      compatibilityLevel: "BACKWARD",
    });
  });

  it("decodes with the third-party client a v1 record our serde wrote under a subject it registered v2 in", async () => {
    const subject = `${uniqueName("interop-v1")}-value`;
    const ours = createSerde({ registryUrl: registry.url });
    const bytes = await ours.encode(subject, telemetryV1, telemetryV1Record(5));
    const theirs = new SchemaRegistry({ host: registry.url });
    await theirs.register({ type: SchemaType.AVRO, schema: JSON.stringify(telemetryV2) }, { subject });
    expect(await theirs.decode(bytes)).toEqual(telemetryV1Record(5));
  });

  it("serves the REST calls clients use: subjects, versions, a version, lookup, ids, 404 codes", async () => {
    // Given two versions under one subject
    const http = registryHttp(registry.url);
    const subject = `${uniqueName("rest")}-value`;
    const v1 = await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(telemetryV1) });
    const v2 = await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(telemetryV2) });
    expect([v1.status, v2.status]).toEqual([200, 200]);

    // Then every read call answers as Confluent's does
    expect((await http("GET", "/subjects")).body).toContain(subject);
    expect((await http("GET", `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    const latest = await http("GET", `/subjects/${subject}/versions/latest`);
    expect(latest.body).toMatchObject({ subject, version: 2, id: v2.body.id });
    expect(JSON.parse(latest.body.schema ?? "null")).toEqual(telemetryV2);
    expect((await http("GET", `/subjects/${subject}/versions/1/schema`)).body).toEqual(telemetryV1);
    expect((await http("GET", `/schemas/ids/${v1.body.id}`)).body).toEqual({ schema: JSON.stringify(telemetryV1) });
    expect((await http("GET", `/schemas/ids/${v1.body.id}/versions`)).body).toContainEqual({ subject, version: 1 });
    // Whitespace and key order do not make a new schema: lookup finds the registered version
    const reformatted = JSON.stringify(Object.fromEntries(Object.entries(telemetryV1).reverse()), null, 2);
    expect((await http("POST", `/subjects/${subject}`, { schema: reformatted })).body).toMatchObject({
      version: 1,
      id: v1.body.id,
    });
    expect((await http("POST", `/subjects/${subject}/versions`, { schema: reformatted })).body).toEqual({
      id: v1.body.id,
    });

    expect(await http("GET", "/schemas/ids/987654")).toMatchObject({ status: 404, body: { error_code: 40403 } });
    expect(await http("GET", "/subjects/no-such-subject/versions")).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
    expect(await http("GET", `/subjects/${subject}/versions/9`)).toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    });
    expect(await http("POST", `/subjects/${subject}/versions`, { schema: "{not json" })).toMatchObject({
      status: 422,
      body: { error_code: 42201 },
    });
  });

  it("gets and sets compatibility globally and per subject, and answers compatibility checks", async () => {
    const http = registryHttp(registry.url);
    const subject = `${uniqueName("config")}-value`;
    expect((await http("GET", "/config")).body).toEqual({ compatibilityLevel: "BACKWARD_TRANSITIVE" });
    expect(await http("GET", `/config/${subject}`)).toMatchObject({ status: 404, body: { error_code: 40408 } });
    expect((await http("GET", `/config/${subject}?defaultToGlobal=true`)).body).toEqual({
      compatibilityLevel: "BACKWARD_TRANSITIVE",
    });
    expect((await http("PUT", `/config/${subject}`, { compatibility: "FULL" })).body).toEqual({
      compatibility: "FULL",
    });
    expect((await http("GET", `/config/${subject}`)).body).toEqual({ compatibilityLevel: "FULL" });
    expect(await http("PUT", `/config/${subject}`, { compatibility: "SIDEWAYS" })).toMatchObject({
      status: 422,
      body: { error_code: 42203 },
    });

    await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(telemetryV1) });
    const withoutSpeed = {
      ...telemetryV1,
      fields: fieldsOf(telemetryV1).filter((field) => field.name !== "speed_kph"),
    };
    const check = await http("POST", `/compatibility/subjects/${subject}/versions/latest?verbose=true`, {
      schema: JSON.stringify(withoutSpeed),
    });
    expect(check.body.is_compatible).toBe(false);
    expect(check.body.messages?.[0]).toContain("speed_kph");
    expect(
      (await http("POST", `/compatibility/subjects/${subject}/versions`, { schema: JSON.stringify(telemetryV2) })).body,
    ).toEqual({
      is_compatible: true,
    });
  });
});
