import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaAdmin, KafkaClient, KafkaConsumer } from "../../../platform/kafka/port.ts";
import { readClusterState, startNode, stopNode, waitUntilReady } from "../../../stack/kafkaCluster.ts";
import { leaderOf, stackDir, testKafka, waitForFullIsr } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { createGatewayTopics, gatewayProcess, provisionVehicles, type GatewayProcess, type GatewayTopics } from "../../integration/gateway/gatewayProcess.ts";
import { startSchemaStack, type SchemaStack } from "../../integration/gateway/schemaStack.ts";
import { startFleetLoad, type FleetLoad } from "./fleetLoad.ts";

const VEHICLES = 30;
const PER_VEHICLE = 100;
let kafka: KafkaClient;
let admin: KafkaAdmin;
let schemas: SchemaStack;
let topics: GatewayTopics;
let gateway: GatewayProcess;
let load: FleetLoad | undefined;
let consumer: KafkaConsumer | undefined;
const storeDir = mkdtempSync(path.join(tmpdir(), "gw-leader-"));

beforeAll(async () => {
  kafka = testKafka();
  admin = await kafka.admin();
  topics = await createGatewayTopics(admin, "gwl");
  schemas = await startSchemaStack("gw_leader");
  gateway = await gatewayProcess({ databaseUrl: schemas.database.url, registryUrl: schemas.registry.url, topics, env: { PRODUCE_TIMEOUT_MS: "30000" } });
  await gateway.start();
});

afterAll(async () => {
  // Always leave the shared stack whole: every node running, ready, and our topic fully replicated.
  const dir = stackDir();
  for (const node of readClusterState(dir)?.nodes ?? []) await startNode(dir, node.id);
  await waitUntilReady(dir, { timeoutMs: 120_000 });
  if (topics) await waitForFullIsr(admin, topics.telemetry);
  await load?.stop();
  await gateway?.stop("SIGKILL");
  await consumer?.disconnect();
  await admin?.disconnect();
  await schemas?.close();
  rmSync(storeDir, { recursive: true, force: true });
});

describe("partition leader SIGKILLed under gateway load", () => {
  it("loses no PUBACKed message when the leader broker of a telemetry partition dies mid-load", async () => {
    // Given vehicles publishing QoS 1 through the gateway (acks=all, min ISR 2, RF 3)
    const secrets = await provisionVehicles(schemas.database.url, VEHICLES);
    load = startFleetLoad({ port: gateway.mqttPort, secrets, perVehicle: PER_VEHICLE, intervalMs: 30, storeDir });
    const current = load;
    await expect.poll(() => current.acked.size, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(300);
    // When the leader of partition 0 is SIGKILLed
    const dir = stackDir();
    const leader = await leaderOf(admin, topics.telemetry, 0);
    await stopNode(dir, leader, "SIGKILL");
    const ackedBeforeKill = new Set(current.acked);
    expect(ackedBeforeKill.size).toBeLessThan(VEHICLES * PER_VEHICLE);
    // Then the load completes on the two surviving brokers: every message is PUBACKed
    await current.published;
    await expect.poll(() => current.acked.size, { timeout: 180_000, interval: 100 }).toBe(VEHICLES * PER_VEHICLE);
    // And every PUBACKed event_id is in the topic
    await startNode(dir, leader);
    await waitUntilReady(dir, { timeoutMs: 120_000 });
    await waitForFullIsr(admin, topics.telemetry);
    const stored = new Set<string>();
    consumer = await kafka.consumer({ groupId: uniqueName("gwl"), fromBeginning: true });
    await consumer.subscribe([topics.telemetry]);
    await consumer.run((batch) => {
      for (const record of batch.records) stored.add(record.headers.event_id?.toString() ?? "");
      return Promise.resolve();
    });
    await expect.poll(() => [...current.acked].filter((id) => !stored.has(id)).length, { timeout: 60_000 }).toBe(0);
    expect([...ackedBeforeKill].filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBe(VEHICLES * PER_VEHICLE);
  });
});
