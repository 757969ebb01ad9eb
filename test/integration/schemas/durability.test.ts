import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telemetryV1, telemetryV2, type TelemetryV2 } from "../../../schemas/catalog.ts";
import { startRegistry, type RunningRegistry } from "../../../schemas/registry/server.ts";
import { registerAllSchemas } from "../../../schemas/registry/registerAll.ts";
import { createRegistryClient } from "../../../schemas/registryClient.ts";
import { createSerde } from "../../../schemas/serde.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { uniqueName } from "../../support/names.ts";
import { telemetryV1Record } from "../../unit/schemas/records.ts";
import { registryHttp } from "./registryHttp.ts";

let database: TestDatabase;
const running: RunningRegistry[] = [];

async function start(): Promise<RunningRegistry> {
  const registry = await startRegistry({ databaseUrl: database.url, port: 0 });
  running.push(registry);
  return registry;
}

beforeAll(async () => {
  database = await createTestDatabase("schema_durability");
});

afterAll(async () => {
  await Promise.all(running.map((registry) => registry.close().catch(() => undefined)));
  await database?.drop();
});

describe("registry state lives in PostgreSQL", () => {
  it("survives a restart: ids, versions and levels are the same afterwards, and old bytes still decode", async () => {
    // Given a registry holding two versions, a subject level, and bytes written against it
    const first = await start();
    const subject = `${uniqueName("restart")}-value`;
    await registryHttp(first.url)("PUT", `/config/${subject}`, { compatibility: "FULL_TRANSITIVE" });
    const writer = createSerde({ registryUrl: first.url });
    const bytes = await writer.encode(subject, telemetryV1, telemetryV1Record(3));
    const v2Id = await writer.register(subject, telemetryV2);
    await first.close();

    // When a new registry process starts on the same database
    const second = await start();
    const http = registryHttp(second.url);

    // Then everything is still there, and registering again is idempotent
    expect((await http("GET", `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    expect((await http("GET", `/config/${subject}`)).body).toEqual({ compatibilityLevel: "FULL_TRANSITIVE" });
    expect((await http("POST", `/subjects/${subject}/versions`, { schema: JSON.stringify(telemetryV2) })).body).toEqual(
      { id: v2Id },
    );
    const reader = createSerde({ registryUrl: second.url });
    expect(await reader.decode<TelemetryV2>(bytes, telemetryV2)).toMatchObject({ seq: 3, fault_codes: [] });
  });

  it("gives one id and one version to concurrent registrations of the same schema across two registry instances", async () => {
    // Given two registry instances on one database
    const [a, b] = await Promise.all([start(), start()]);
    const subject = `${uniqueName("race")}-value`;
    const schema = JSON.stringify({ ...telemetryV2, doc: `race ${subject}` });

    // When 40 clients register the same new schema at once, half through each instance
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        registryHttp(i % 2 === 0 ? a.url : b.url)("POST", `/subjects/${subject}/versions`, { schema }),
      ),
    );

    // Then all got the same id and the subject has exactly one version
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect((await registryHttp(a.url)("GET", `/subjects/${subject}/versions`)).body).toEqual([1]);
  });

  it("registers the project's schemas idempotently: a second run returns the same ids", async () => {
    const registry = await start();
    const client = createRegistryClient({ url: registry.url });
    const first = await registerAllSchemas(client);
    const second = await registerAllSchemas(client);
    expect(second).toEqual(first);
    expect(first.map((entry) => `${entry.subject}@${entry.version}`)).toContain("vehicle.telemetry-value@2");
    expect((await registryHttp(registry.url)("GET", "/config/vehicle.telemetry-value")).body).toEqual({
      compatibilityLevel: "FULL_TRANSITIVE",
    });
  });

  it("starts concurrently on an empty database (table creation is serialised)", async () => {
    const fresh = await createTestDatabase("schema_migrate");
    try {
      const registries = await Promise.all([0, 1, 2].map(() => startRegistry({ databaseUrl: fresh.url, port: 0 })));
      await Promise.all(registries.map((registry) => registry.close()));
    } finally {
      await fresh.drop();
    }
  });
});
