import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telemetryV1 } from "../../../schemas/catalog.ts";
import { startRegistry, type RunningRegistry } from "../../../schemas/registry/server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { uniqueName } from "../../support/names.ts";
import { fieldsOf, registryHttp, type RegistryHttp } from "./registryHttp.ts";

let database: TestDatabase;
let registry: RunningRegistry;
let http: RegistryHttp;

beforeAll(async () => {
  database = await createTestDatabase("schema_refusals");
  registry = await startRegistry({ databaseUrl: database.url, port: 0 });
  http = registryHttp(registry.url);
});

afterAll(async () => {
  await registry?.close();
  await database?.drop();
});

const withFields = (map: (fields: ReturnType<typeof fieldsOf>) => ReturnType<typeof fieldsOf>) => ({
  ...telemetryV1,
  fields: map(fieldsOf(telemetryV1)),
});

const breakingChanges = [
  {
    change: "changing a field's type (speed_kph float → string)",
    schema: withFields((fields) =>
      fields.map((field) => (field.name === "speed_kph" ? { ...field, type: "string" } : field)),
    ),
    field: "speed_kph",
    rule: "TYPE_MISMATCH",
  },
  {
    change: "renaming a field without an alias (seq → sequence)",
    schema: withFields((fields) =>
      fields.map((field) => (field.name === "seq" ? { ...field, name: "sequence" } : field)),
    ),
    field: "sequence",
    rule: "READER_FIELD_MISSING_DEFAULT_VALUE",
  },
  {
    change: "adding a field without a default (driver_id)",
    schema: withFields((fields) => [...fields, { name: "driver_id", type: "string" }]),
    field: "driver_id",
    rule: "READER_FIELD_MISSING_DEFAULT_VALUE",
  },
];

const removal = {
  change: "removing a field without a default (odometer_km)",
  schema: withFields((fields) => fields.filter((field) => field.name !== "odometer_km")),
  field: "odometer_km",
  rule: "READER_FIELD_MISSING_DEFAULT_VALUE",
};

async function subjectWithV1(level?: string): Promise<string> {
  const subject = `${uniqueName("refusal")}-value`;
  if (level) await http("PUT", `/config/${subject}`, { compatibility: level });
  expect((await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(telemetryV1) })).status).toBe(
    200,
  );
  return subject;
}

describe("breaking schema changes are refused with 409 naming the field and the rule", () => {
  for (const { change, schema, field, rule } of breakingChanges) {
    it(`refuses ${change} under the default BACKWARD_TRANSITIVE level`, async () => {
      // Given a subject holding telemetry v1 under the registry's default level
      const subject = await subjectWithV1();
      // When the breaking version is registered
      const response = await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(schema) });
      // Then it is refused, and the message says which field broke which rule
      expect(response.status).toBe(409);
      expect(response.body.error_code).toBe(409);
      expect(response.body.message).toContain(field);
      expect(response.body.message).toContain(rule);
      expect(response.body.message).toContain("BACKWARD_TRANSITIVE");
      expect((await http("GET", `/subjects/${subject}/versions`)).body).toEqual([1]);
    });

    it(`accepts ${change} under NONE`, async () => {
      const subject = await subjectWithV1("NONE");
      const response = await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(schema) });
      expect(response.status).toBe(200);
      expect((await http("GET", `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    });
  }

  // A new reader ignores a field the old writer had, so Avro (and Confluent) accept a removal as BACKWARD: old
  // consumers would break, which is why the project's subjects run at FULL_TRANSITIVE (schemas/catalog.ts).
  for (const level of ["FULL_TRANSITIVE", "FORWARD_TRANSITIVE", "FORWARD", "FULL"]) {
    it(`refuses ${removal.change} under ${level}, the level that protects existing consumers`, async () => {
      const subject = await subjectWithV1(level);
      const response = await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(removal.schema) });
      expect(response.status).toBe(409);
      expect(response.body.message).toContain(removal.field);
      expect(response.body.message).toContain(removal.rule);
      expect(response.body.message).toContain(level);
    });
  }

  for (const level of ["NONE", "BACKWARD_TRANSITIVE"]) {
    it(`accepts ${removal.change} under ${level}`, async () => {
      const subject = await subjectWithV1(level);
      expect(
        (await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(removal.schema) })).status,
      ).toBe(200);
    });
  }

  it("accepts a rename that carries the old name as an alias under the default level", async () => {
    // (Only the new reader knows the alias, so old consumers still break: FORWARD/FULL refuse it.)
    const subject = await subjectWithV1();
    const renamed = withFields((fields) =>
      fields.map((field) => (field.name === "seq" ? { ...field, name: "sequence", aliases: ["seq"] } : field)),
    );
    expect((await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(renamed) })).status).toBe(200);
  });

  it("checks transitively: a version compatible with the latest but not with version 1 is refused", async () => {
    // Given v1, then v2 without heading_deg (let in under NONE)
    const subject = await subjectWithV1("NONE");
    const v2 = withFields((fields) => [...fields.filter((field) => field.name !== "heading_deg")]);
    expect((await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(v2) })).status).toBe(200);
    await http("PUT", `/config/${subject}`, { compatibility: "BACKWARD_TRANSITIVE" });
    // When v3 adds heading_deg back as a different type: readable from v2 data (absent) only with a default
    const v3 = withFields((fields) => [
      ...fields.filter((field) => field.name !== "heading_deg"),
      { name: "heading_deg", type: "string", default: "" },
    ]);
    const refused = await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(v3) });
    // Then version 1 (where heading_deg is a float) makes it incompatible
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain("heading_deg");
    expect(refused.body.message).toContain("oldSchemaVersion:1");
    // And under plain BACKWARD (latest only) it is accepted
    await http("PUT", `/config/${subject}`, { compatibility: "BACKWARD" });
    expect((await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(v3) })).status).toBe(200);
  });
});
