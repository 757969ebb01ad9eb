import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaAdmin, KafkaClient, KafkaConsumer } from "../../../platform/kafka/port.ts";
import { testKafka } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { createGatewayTopics, gatewayProcess, provisionVehicles, type GatewayProcess, type GatewayTopics } from "../../integration/gateway/gatewayProcess.ts";
import { startSchemaStack, type SchemaStack } from "../../integration/gateway/schemaStack.ts";
import { startFleetLoad, type FleetLoad } from "./fleetLoad.ts";

const VEHICLES = 50;
const PER_VEHICLE = 60;
let kafka: KafkaClient;
let admin: KafkaAdmin;
let schemas: SchemaStack;
let topics: GatewayTopics;
let gateway: GatewayProcess;
let load: FleetLoad | undefined;
let consumer: KafkaConsumer | undefined;
const storeDir = mkdtempSync(path.join(tmpdir(), "gw-killed-"));

beforeAll(async () => {
  kafka = testKafka();
  admin = await kafka.admin();
  topics = await createGatewayTopics(admin, "gwk");
  schemas = await startSchemaStack("gw_killed");
  gateway = await gatewayProcess({ databaseUrl: schemas.database.url, registryUrl: schemas.registry.url, topics });
  await gateway.start();
});

afterAll(async () => {
  await load?.stop();
  await gateway?.stop("SIGKILL");
  await consumer?.disconnect();
  await admin?.disconnect();
  await schemas?.close();
  rmSync(storeDir, { recursive: true, force: true });
});

describe("gateway process SIGKILLed under load", () => {
  it(`loses no PUBACKed event when killed under ${VEHICLES} vehicles, and the rest arrive after the vehicles reconnect`, async () => {
    // Given 50 provisioned vehicles publishing QoS 1 with a persistent outgoing store
    const secrets = await provisionVehicles(schemas.database.url, VEHICLES);
    load = startFleetLoad({ port: gateway.mqttPort, secrets, perVehicle: PER_VEHICLE, intervalMs: 25, storeDir });
    const current = load;
    await expect.poll(() => current.acked.size, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(500);
    // When the gateway is SIGKILLed mid-load
    await gateway.stop("SIGKILL");
    const ackedBeforeKill = new Set(current.acked);
    expect(ackedBeforeKill.size).toBeLessThan(VEHICLES * PER_VEHICLE);
    // And restarted on the same port (vehicles keep publishing into their stores meanwhile, then reconnect)
    await gateway.start();
    await current.published;
    // Then every message is eventually PUBACKed
    await expect.poll(() => current.acked.size, { timeout: 120_000, interval: 100 }).toBe(VEHICLES * PER_VEHICLE);
    // And every PUBACKed event_id is in the telemetry topic (count distinct), those acknowledged before the kill included
    const stored = new Set<string>();
    let records = 0;
    consumer = await kafka.consumer({ groupId: uniqueName("gwk"), fromBeginning: true });
    await consumer.subscribe([topics.telemetry]);
    await consumer.run((batch) => {
      for (const record of batch.records) {
        records++;
        stored.add(record.headers.event_id?.toString() ?? "");
      }
      return Promise.resolve();
    });
    await expect.poll(() => [...current.acked].every((id) => stored.has(id)), { timeout: 60_000 }).toBe(true);
    expect([...ackedBeforeKill].filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBe(VEHICLES * PER_VEHICLE);
    expect(records).toBeGreaterThanOrEqual(stored.size); // duplicates allowed (same event_id), never loss
  });
});
